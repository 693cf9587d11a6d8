//! Builds the wasm of the region and the coordinator runtime, one after the other, into
//! `$CARGO_TARGET_DIR/<profile>/wbuild/<runtime crate>/`.
//!
//! The wasm builder gives each runtime a cargo target directory of its own
//! (`wbuild/<runtime crate>/target`), so the coordinator would compile for wasm again everything
//! the region runtime already compiled (FRAME, XCM, cumulus: most of the time). The
//! coordinator's is made a link to the region's: the two builds run one after the other, so they
//! never hold that directory at once, and cargo reuses every unit they share. If the builder
//! ever lays its directories out differently, the link is merely unused.

use std::path::{Path, PathBuf};
use substrate_wasm_builder::WasmBuilder;

/// The runtimes, by directory below `runtime/`, their crates and the file in `OUT_DIR` naming
/// each one's wasm. The first one's wasm target directory is shared.
const RUNTIMES: [(&str, &str, &str); 2] = [
	("region", "medfed-region-runtime", "region_wasm.rs"),
	("coordinator", "medfed-coordinator-runtime", "coordinator_wasm.rs"),
];

fn main() {
	// `runtime/`, without `..`: the builder compares the manifest path with cargo metadata's.
	// Read when the script runs, not when it is compiled: cargo reuses a compiled build script
	// for a checkout at another path (a target directory shared by several clones), and a path
	// baked in at compile time would name the checkout that compiled it.
	let manifest_dir =
		std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
	let runtime_dir = Path::new(&manifest_dir).parent().expect("runtime/wasm has a parent");
	share_wasm_target_dir();
	for (runtime, _, file_name) in RUNTIMES {
		let builder = WasmBuilder::new()
			.with_project(runtime_dir.join(runtime).join("Cargo.toml"))
			.unwrap_or_else(|e| panic!("runtime/{runtime}/Cargo.toml: {e}"))
			.import_memory()
			.export_heap_base()
			.set_file_name(file_name);
		#[cfg(feature = "metadata-hash")]
		let builder = builder.enable_metadata_hash("UNIT", 12);
		builder.build();
	}
}

/// Links every runtime's wasm target directory to the first runtime's (see the crate docs).
fn share_wasm_target_dir() {
	let Some(wbuild) = std::env::var_os("OUT_DIR").and_then(|out| {
		// OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out; the builder's projects are in
		// <target>/<profile>/wbuild.
		Path::new(&out).ancestors().nth(3).map(|profile| profile.join("wbuild"))
	}) else {
		return;
	};
	let shared: PathBuf = wbuild.join(RUNTIMES[0].1).join("target");
	if std::fs::create_dir_all(&shared).is_err() {
		return;
	}
	for (_, crate_name, _) in &RUNTIMES[1..] {
		let project = wbuild.join(crate_name);
		let target = project.join("target");
		if target.symlink_metadata().is_err() && std::fs::create_dir_all(&project).is_ok() {
			// Best effort: without the link the builds are merely slower.
			let _ = std::os::unix::fs::symlink(&shared, &target);
		}
	}
}
