//! The zombienet network definition of a federation (`zombienet.toml`, zombienet's v1 TOML
//! schema; only what a federation uses): the relay chain's validators from its chain spec file,
//! and each parachain's collators from its raw chain spec. The HRMP channels are not in it:
//! they are opened on the running relay chain (see [`super::channels::open`]).

use super::{channels, ports, Federation};
use anyhow::{anyhow, Result};
use serde::Serialize;
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

/// Log targets of the relay chain's validators.
const RELAY_ARGS: &[&str] = &["-lparachain=info,xcm=info"];
/// Arguments of every collator: the pinning worker and the federation's routing run off-chain.
const COLLATOR_ARGS: &[&str] =
	&["--offchain-worker=always", "-lruntime::federation=debug,runtime::pinning=info,xcm=info"];
/// The session key types a collator's keystore gets (zombienet inserts its node's keys).
const COORDINATOR_KEY_TYPES: &[&str] = &["aura"];
const REGION_KEY_TYPES: &[&str] = &["aura", "pin_"];

/// A zombienet network: `zombienet.toml`.
#[derive(Serialize, Debug)]
pub struct Network {
	pub settings: Settings,
	pub relaychain: RelayChain,
	pub parachains: Vec<Parachain>,
}

/// `[settings]`: how zombienet runs the network.
#[derive(Serialize, Debug)]
pub struct Settings {
	/// Seconds zombienet waits for the network to come up.
	pub timeout: u32,
	/// `native`: the nodes run as processes on this machine.
	pub provider: String,
}

/// `[relaychain]`.
#[derive(Serialize, Debug)]
pub struct RelayChain {
	/// The relay chain node binary.
	pub default_command: String,
	/// Names zombienet's files only (no `_` in it: zombienet splits names there); the chain
	/// is the spec's.
	pub chain: String,
	/// The relay chain's plain chain spec: the node has no runtime built in.
	pub chain_spec_path: String,
	pub default_args: Vec<String>,
	pub genesis: RelayGenesis,
	pub nodes: Vec<RelayNode>,
}

/// `[relaychain.genesis]`: what zombienet patches into the relay chain's genesis.
#[derive(Serialize, Debug)]
pub struct RelayGenesis {
	#[serde(rename = "runtimeGenesis")]
	pub runtime_genesis: RuntimeGenesis,
}

/// `[relaychain.genesis.runtimeGenesis]`.
#[derive(Serialize, Debug)]
pub struct RuntimeGenesis {
	pub patch: RelayGenesisPatch,
}

/// `[relaychain.genesis.runtimeGenesis.patch]`: only the host configuration.
#[derive(Serialize, Debug)]
pub struct RelayGenesisPatch {
	pub configuration: Configuration,
}

/// `[….patch.configuration]`.
#[derive(Serialize, Debug)]
pub struct Configuration {
	pub config: HostConfiguration,
}

/// `[….patch.configuration.config]`: the relay chain's host configuration, what a federation
/// changes of it.
#[derive(Serialize, Debug)]
pub struct HostConfiguration {
	pub hrmp_max_parachain_outbound_channels: u32,
	pub hrmp_max_parachain_inbound_channels: u32,
	pub async_backing_params: AsyncBackingParams,
}

/// Asynchronous backing, as on production relay chains: parachain blocks every 6 s.
#[derive(Serialize, Debug)]
pub struct AsyncBackingParams {
	pub max_candidate_depth: u32,
	pub allowed_ancestry_len: u32,
}

/// `[[relaychain.nodes]]`: a validator.
#[derive(Serialize, Debug)]
pub struct RelayNode {
	pub name: String,
	pub validator: bool,
	pub rpc_port: u16,
}

/// `[[parachains]]`.
#[derive(Serialize, Debug)]
pub struct Parachain {
	pub id: u32,
	/// The raw chain spec (built by [`super::spec`]).
	pub chain_spec_path: String,
	pub cumulus_based: bool,
	pub collators: Vec<Collator>,
}

/// `[[parachains.collators]]`.
#[derive(Serialize, Debug)]
pub struct Collator {
	pub name: String,
	/// The collator binary.
	pub command: String,
	pub rpc_port: u16,
	pub keystore_key_types: Vec<String>,
	pub args: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
	items.iter().map(|s| s.to_string()).collect()
}

fn path_string(path: &Path) -> String {
	path.to_string_lossy().into_owned()
}

/// Parachain `para_id`, its chain spec from `specs`, its collators `nodes` run by `node` with
/// keystores for `key_types`.
fn parachain(
	specs: &BTreeMap<u32, PathBuf>,
	node: &Path,
	para_id: u32,
	nodes: Vec<ports::Node>,
	key_types: &[&str],
) -> Result<Parachain> {
	let spec = specs.get(&para_id).ok_or_else(|| anyhow!("no chain spec for {para_id}"))?;
	let collators = nodes
		.into_iter()
		.map(|n| Collator {
			name: n.name.into(),
			command: path_string(node),
			rpc_port: n.rpc_port,
			keystore_key_types: strings(key_types),
			args: strings(COLLATOR_ARGS),
		})
		.collect();
	Ok(Parachain {
		id: para_id,
		chain_spec_path: path_string(spec),
		cumulus_based: true,
		collators,
	})
}

impl Network {
	/// The network of `federation`: the relay chain node `relay_bin` runs `relay_spec`, the
	/// collator binary `node` runs each parachain from its chain spec in `specs` (by para id).
	pub fn new(
		federation: &Federation,
		node: &Path,
		(relay_bin, relay_spec): (&Path, &Path),
		specs: &BTreeMap<u32, PathBuf>,
	) -> Result<Network> {
		let channels = channels::per_parachain(federation);
		let relaychain = RelayChain {
			default_command: path_string(relay_bin),
			chain: federation.relay.chain.clone(),
			chain_spec_path: path_string(relay_spec),
			default_args: strings(RELAY_ARGS),
			genesis: RelayGenesis {
				runtime_genesis: RuntimeGenesis {
					patch: RelayGenesisPatch {
						configuration: Configuration {
							config: HostConfiguration {
								hrmp_max_parachain_outbound_channels: channels,
								hrmp_max_parachain_inbound_channels: channels,
								async_backing_params: AsyncBackingParams {
									max_candidate_depth: 3,
									allowed_ancestry_len: 2,
								},
							},
						},
					},
				},
			},
			nodes: ports::relay_nodes(federation)
				.into_iter()
				.map(|n| RelayNode { name: n.name.into(), validator: true, rpc_port: n.rpc_port })
				.collect(),
		};
		let mut parachains = vec![parachain(
			specs,
			node,
			federation.coordinator.para_id,
			ports::coordinator_nodes(federation),
			COORDINATOR_KEY_TYPES,
		)?];
		for (k, region) in federation.regions.iter().enumerate() {
			let nodes = ports::region_nodes(federation, k);
			parachains.push(parachain(specs, node, region.para_id, nodes, REGION_KEY_TYPES)?);
		}
		let settings = Settings { timeout: 1200, provider: "native".into() };
		Ok(Network { settings, relaychain, parachains })
	}

	/// `zombienet.toml`: the network as TOML, under a comment that names its source, the
	/// federation description at `source` called `name`.
	pub fn to_toml(&self, source: &Path, name: &str) -> Result<String> {
		let body = toml::to_string(self)?;
		Ok(format!(
			"# Generated by medfed-federation from {}: do not edit.\n# {name}\n\n{body}",
			source.display()
		))
	}
}
