//! The wasm of MedFed's runtimes, as `cargo build -p medfed-runtime-wasm` built them (`None`
//! with `SKIP_WASM_BUILD`). Scripts take the files from the wasm builder's directory instead
//! (`scripts/lib.sh`: `build_runtime_wasm`).

/// The region runtime.
pub mod region {
	include!(concat!(env!("OUT_DIR"), "/region_wasm.rs"));
}

/// The coordinator runtime.
pub mod coordinator {
	include!(concat!(env!("OUT_DIR"), "/coordinator_wasm.rs"));
}
