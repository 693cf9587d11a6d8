//! # medfed-federation
//!
//! Turns a federation description (one TOML file, see `zombienet/federation.toml`) into what
//! runs it: a raw chain spec for the coordinator and for every region, and the zombienet
//! network definition that starts the relay chain, the collators and the HRMP channels
//! between the coordinator and every region.
//!
//! ```text
//! medfed-federation --node medfed-node --relay polkadot \
//!     --region-wasm region.wasm --coordinator-wasm coordinator.wasm \
//!     --out DIR zombienet/federation.toml
//! ```
//!
//! It writes `DIR/<chain>.patch.json` (each chain's genesis, readable), `DIR/<chain>.json`
//! (raw chain specs, made by `medfed-node chain-spec-builder`), `DIR/zombienet.toml`, and
//! `DIR/endpoints.tsv`: one line per node or IPFS node with its chain, name and ports, for
//! scripts. Adding a region is an edit to the TOML file, not to code. The work is
//! [`medfed_client::federation`]'s; this is its command line.

use anyhow::Result;
use clap::Parser;
use medfed_client::federation::{self, channels, ports, Federation, Tools};
use std::{path::PathBuf, time::Duration};

#[derive(Parser)]
#[command(about = "Writes and starts the chain specs and zombienet network of a MedFed federation")]
enum Cli {
	/// Writes the chain specs, zombienet.toml and endpoints.tsv.
	Generate(Args),
	/// Checks a federation description and prints its endpoints.tsv (every node's and IPFS
	/// node's ports) without writing anything: what `launch.sh` checks before it starts.
	Endpoints {
		/// The federation description.
		federation: PathBuf,
	},
	/// Checks a federation description and prints the re-encryption proxies of its regions'
	/// authorities, one per line: region id, the RPC port of the region's first collator,
	/// the authority's account and its proxy's account, as written (tab-separated): what
	/// `launch.sh` starts.
	Proxies {
		/// The federation description.
		federation: PathBuf,
	},
	/// Opens the HRMP channels between the coordinator and every region on the running relay
	/// chain (as its sudo key), and waits until the relay chain reports them open.
	OpenChannels(OpenChannels),
}

#[derive(clap::Args)]
struct Args {
	/// The collator binary (medfed-node): builds the chain specs, runs every parachain.
	#[arg(long)]
	node: PathBuf,
	/// The relay chain binary (polkadot), with its workers beside it.
	#[arg(long)]
	relay: PathBuf,
	/// The relay chain's plain chain spec (relay/rococo-local.json): zombienet adds the
	/// validators and the parachains to its genesis. The relay chain node has no runtime built
	/// in.
	#[arg(long)]
	relay_spec: PathBuf,
	/// The region runtime's wasm.
	#[arg(long)]
	region_wasm: PathBuf,
	/// The coordinator runtime's wasm.
	#[arg(long)]
	coordinator_wasm: PathBuf,
	/// Where to write the chain specs and the network definition.
	#[arg(long)]
	out: PathBuf,
	/// The federation description.
	federation: PathBuf,
}

#[derive(clap::Args)]
struct OpenChannels {
	/// A relay chain node's RPC endpoint.
	#[arg(long, default_value = "ws://127.0.0.1:9900")]
	relay_url: String,
	/// The relay chain's sudo key (rococo-local: //Alice).
	#[arg(long, default_value = "//Alice")]
	sudo: String,
	/// How long to wait for the channels to open, in seconds (they open at the next session).
	#[arg(long, default_value_t = 600)]
	timeout: u64,
	/// The federation description.
	federation: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
	match Cli::parse() {
		Cli::Generate(args) => {
			let tools = Tools {
				node: args.node,
				relay: args.relay,
				relay_spec: args.relay_spec,
				region_wasm: args.region_wasm,
				coordinator_wasm: args.coordinator_wasm,
			};
			let network = federation::generate(&args.federation, &tools, &args.out)?;
			println!("{}", network.display());
			Ok(())
		},
		Cli::Endpoints { federation } => {
			print!("{}", ports::endpoints_tsv(&Federation::read(&federation)?));
			Ok(())
		},
		Cli::Proxies { federation } => {
			let federation = Federation::read(&federation)?;
			for region in &federation.regions {
				let port = region
					.collators()
					.next()
					.and_then(|node| ports::rpc_port(&federation, node))
					.ok_or_else(|| anyhow::anyhow!("{}: no collator", region.id))?;
				for (authority, proxy) in region.proxies() {
					println!("{}\t{port}\t{authority}\t{proxy}", region.id);
				}
			}
			Ok(())
		},
		Cli::OpenChannels(args) => {
			let federation = Federation::read(&args.federation)?;
			let timeout = Duration::from_secs(args.timeout);
			channels::open(&federation, &args.relay_url, &args.sudo, timeout).await
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;

	#[test]
	fn the_command_line_is_well_formed() {
		Cli::command().debug_assert();
	}
}
