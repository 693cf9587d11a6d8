//! # MedFed collator
//!
//! One binary for every MedFed chain: each region's chain and the coordinator. It is a
//! thin wrapper over `polkadot-omni-node-lib`, so the runtime comes from the chain spec and the
//! node never needs rebuilding when a runtime changes.
//!
//! - `medfed-node --chain <spec.json> --collator -- --chain <relay.json>`: a collator of a
//!   parachain of the federation, with an embedded relay chain node.
//! - `medfed-node --dev --chain <spec.json>`: one chain alone, without a relay chain, blocks every
//!   3 s (or `--dev-block-time <ms>`), as the development authority `//Alice`.
//! - `medfed-node chain-spec-builder create …`: builds a chain spec from a runtime and one of its
//!   genesis presets (`region-a`, `region-b`, `development`).
//! - `medfed-node benchmark pallet …`: runs FRAME benchmarks, from which MedFed's weights come;
//!   only in the benchmark flavour (`--features runtime-benchmarks`, built by `scripts/bench.sh`).
//!
//! Off-chain workers run on authority nodes and may make HTTP requests (they reach IPFS).

use polkadot_sdk::polkadot_omni_node_lib::{
	chain_spec::DiskChainSpecLoader, run, runtime::DefaultRuntimeResolver, CliConfig, RunConfig,
	NODE_VERSION,
};

/// How the MedFed collator names itself.
struct MedFedCli;

impl CliConfig for MedFedCli {
	fn impl_version() -> String {
		let commit = env!("SUBSTRATE_CLI_COMMIT_HASH");
		format!("{}-{commit} (polkadot-omni-node-lib {NODE_VERSION})", env!("CARGO_PKG_VERSION"))
	}

	fn description(executable_name: String) -> String {
		format!(
			"MedFed collator: runs a MedFed region or coordinator chain from its chain spec.\n\n\
			 {executable_name} [parachain-args] -- [relay-chain-args]"
		)
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/medfed/medfed/issues/new".into()
	}

	fn copyright_start_year() -> u16 {
		2026
	}
}

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	run::<MedFedCli>(RunConfig::new(
		Box::new(DefaultRuntimeResolver),
		Box::new(DiskChainSpecLoader),
	))
}
