//! # MedFed relay chain node
//!
//! The `polkadot` node, for the relay chain of a local or test federation. It is built here from
//! crates.io, from the polkadot-sdk release medfed-node uses, instead of being downloaded:
//! `scripts/build.sh` puts `polkadot`, `polkadot-prepare-worker` and `polkadot-execute-worker`
//! side by side, where validators look for their workers, in the same cargo invocation as
//! medfed-node, so the two share every compiled crate.
//!
//! No runtime is built in: the relay chain runs the runtime of its chain spec file
//! (`relay/rococo-local.json`, the Rococo fast runtime, made by `scripts/relay-spec.sh`), so
//! `--chain rococo-local` by name does not work; `--chain relay/rococo-local.json` does.

fn main() {
	if let Err(error) = polkadot_cli::run() {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
