//! # MedFed relay chain node
//!
//! The `polkadot` node, for the relay chain of a local or test federation (`rococo-local`).
//! It is built here from crates.io, from the polkadot-sdk release medfed-node uses, instead of
//! being downloaded: `cargo build --release -p medfed-relay` puts `polkadot`,
//! `polkadot-prepare-worker` and `polkadot-execute-worker` side by side, where validators look
//! for their workers.
//!
//! Only the Rococo runtime is built in (`rococo-local`): Westend would double the build and
//! MedFed does not use it. A relay chain spec file works with any runtime.

fn main() {
	if let Err(error) = polkadot_cli::run() {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
