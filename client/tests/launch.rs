//! `scripts/launch.sh` with bad input stops at once, before it starts anything, and says why:
//! a missing binary at `MEDFED_NODE`, a federation file whose regions share an IPFS port, and
//! a port the federation needs already taken. None of these needs a built node: the nodes
//! here are stand-ins that are never run.

mod common;

use common::{launch_sh, workspace};
use std::{
	net::TcpListener,
	os::unix::fs::PermissionsExt,
	path::{Path, PathBuf},
	process::{Output, Stdio},
};

/// A scratch directory with stand-ins for the collator and the relay chain node (with its two
/// workers beside it): executables that fail if anything runs them.
struct Scratch(PathBuf);

impl Scratch {
	fn new(name: &str) -> Scratch {
		let dir = std::env::temp_dir().join(format!("medfed-launch-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(dir.join("bin")).expect("scratch dir");
		for binary in
			["medfed-node", "polkadot", "polkadot-prepare-worker", "polkadot-execute-worker"]
		{
			let path = dir.join("bin").join(binary);
			std::fs::write(&path, "#!/bin/sh\necho \"stand-in $0 must not run\" >&2\nexit 1\n")
				.expect("stand-in");
			std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
		}
		Scratch(dir)
	}

	fn path(&self, name: &str) -> PathBuf {
		self.0.join(name)
	}

	/// The shipped federation file with `from` replaced by `to`, written here.
	fn federation(&self, from: &str, to: &str) -> PathBuf {
		let shipped = std::fs::read_to_string(workspace().join("zombienet/federation.toml"))
			.expect("shipped file");
		assert!(shipped.contains(from), "the shipped federation has no {from:?}");
		let path = self.path("federation.toml");
		std::fs::write(&path, shipped.replacen(from, to, 1)).expect("federation file");
		path
	}

	/// Runs `scripts/launch.sh` with `args`, the stand-ins as binaries unless `env` names others.
	fn launch(&self, args: &[&Path], env: &[(&str, &Path)]) -> Output {
		let mut command = launch_sh();
		command
			.args(args)
			.env("MEDFED_NODE", self.path("bin/medfed-node"))
			.env("MEDFED_RELAY", self.path("bin/polkadot"))
			.env("MEDFED_STATE", self.path("state"))
			.env("MEDFED_FEDERATION_BIN", env!("CARGO_BIN_EXE_medfed-federation"))
			.env("MEDFED_PROXY_BIN", env!("CARGO_BIN_EXE_medfed-proxy"))
			.stdin(Stdio::null());
		for (key, value) in env {
			command.env(key, value);
		}
		command.output().expect("launch.sh runs")
	}

	/// Asserts that the launch failed, said `expected`, and left nothing running.
	fn refused(&self, out: &Output, expected: &str) {
		let stderr = String::from_utf8_lossy(&out.stderr);
		assert!(!out.status.success(), "launch.sh went on; stderr:\n{stderr}");
		assert!(stderr.contains(expected), "launch.sh did not say {expected:?}; stderr:\n{stderr}");
		assert!(!self.path("state/procs").exists(), "launch.sh started processes");
		let state = self.path("state").to_string_lossy().into_owned();
		for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
			let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
			let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
			assert!(!cmdline.contains(&state), "a process of the refused launch runs: {cmdline}");
		}
	}
}

impl Drop for Scratch {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

#[test]
fn a_missing_collator_binary_stops_the_launch_at_once() {
	let scratch = Scratch::new("missing-node");
	let missing = scratch.path("bin/no-such-node");
	// Without MEDFED_NO_BUILD: the path a user takes, through scripts/build.sh.
	let out = scratch.launch(&[], &[("MEDFED_NODE", missing.as_path())]);
	scratch.refused(&out, &format!("MEDFED_NODE={} is not an executable file", missing.display()));
}

#[test]
fn regions_sharing_an_ipfs_port_stop_the_launch_at_once() {
	let scratch = Scratch::new("ipfs-port");
	let federation = scratch.federation("ipfs_api_port = 5002", "ipfs_api_port = 5001");
	let out = scratch.launch(&[federation.as_path()], &[("MEDFED_NO_BUILD", Path::new("1"))]);
	scratch.refused(&out, "region-b's IPFS API port 5001 is also region-a's IPFS API port");
}

#[test]
fn a_port_in_use_stops_the_launch_at_once() {
	let scratch = Scratch::new("port-in-use");
	// A port that something on this machine listens on: this test.
	let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
	let port = listener.local_addr().expect("its address").port();
	let federation = scratch.federation("ipfs_api_port = 5001", &format!("ipfs_api_port = {port}"));
	let out = scratch.launch(&[federation.as_path()], &[("MEDFED_NO_BUILD", Path::new("1"))]);
	scratch.refused(&out, &format!("port {port} (region-a ipfs) is already in use"));
}
