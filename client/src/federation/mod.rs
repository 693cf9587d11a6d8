//! # Federations
//!
//! A MedFed federation as one TOML file describes it (see `zombienet/federation.toml`), and what
//! runs it: a raw chain spec for the coordinator and for every region, the zombienet network
//! definition that starts the relay chain and the collators, and the HRMP channels between the
//! coordinator and every region. Adding a region is an edit to the TOML file, not to code.
//!
//! - this module: the description ([`Federation`]), read and checked, and [`generate`], which
//!   writes everything that runs it into one directory;
//! - [`genesis`]: each parachain's genesis patch;
//! - [`spec`]: raw chain specs, made by `medfed-node chain-spec-builder`;
//! - [`ports`]: the port scheme (which node listens on which port) and `endpoints.tsv`;
//! - [`zombienet`]: the network definition, `zombienet.toml`;
//! - [`channels`]: the HRMP channels, opened on the running relay chain.

pub mod channels;
pub mod genesis;
pub mod ports;
pub mod spec;
pub mod zombienet;

#[cfg(test)]
mod tests;

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde::Deserialize;
use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	str::FromStr,
};
use subxt::utils::AccountId32;
use subxt_signer::{sr25519::Keypair, SecretUri};

/// A federation description: the relay chain, the coordinator and the regions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Federation {
	/// What the federation is called (a comment in `zombienet.toml`).
	pub name: String,
	pub relay: Relay,
	pub coordinator: Coordinator,
	pub regions: Vec<Region>,
}

/// The relay chain: its name (zombienet's, for its files) and its validators' node names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relay {
	pub chain: String,
	pub validators: Vec<String>,
}

/// Fewest authority institutions a region may have: with one, one key would govern it.
pub const MIN_AUTHORITIES: usize = 2;
/// Most members of the coordinator's federation council (`MaxCouncilMembers` in
/// `runtime/coordinator/src/configs/medfed.rs`): every region's authorities together.
pub const MAX_COUNCIL_MEMBERS: usize = 128;

/// The coordinator parachain.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coordinator {
	pub para_id: u32,
	pub name: String,
	pub collators: Vec<CoordinatorCollator>,
}

/// A collator of the coordinator, run by an authority institution of a region.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoordinatorCollator {
	/// Its zombienet node name.
	pub node: String,
	/// The authority institution's account, which collates.
	pub institution: String,
	pub session_key: Option<String>,
}

/// A region: a parachain of its own, its institutions and its IPFS node.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
	/// Its short name: in file names, and as its chain in `endpoints.tsv`.
	pub id: String,
	pub name: String,
	pub para_id: u32,
	pub ipfs_api_port: u16,
	pub ipfs_swarm_port: u16,
	/// Accounts endowed at genesis besides the institutions.
	#[serde(default)]
	pub endowed: Vec<String>,
	pub institutions: Vec<Institution>,
}

/// An institution of a region, in its genesis.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
	pub account: String,
	pub role: Role,
	pub name: String,
	/// The zombienet node name of the collator this institution runs, if it collates.
	pub collator: Option<String>,
	pub session_key: Option<String>,
	/// The Umbral public key of its re-encryption proxy (authorities; hex, compressed). A
	/// development account without one gets its development key.
	pub proxy_key: Option<String>,
	/// The account its re-encryption proxy submits with (authorities; a development seed or
	/// SS58), endowed at genesis. `scripts/launch.sh` runs the proxy of every authority whose
	/// account and proxy account are both development seeds.
	pub proxy: Option<String>,
}

/// What an institution is to its region.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Role {
	Authority,
	Hospital,
	Clinic,
	Lab,
}

impl Region {
	/// The node names of the region's collators, in the order of its institutions.
	pub fn collators(&self) -> impl Iterator<Item = &str> {
		self.institutions.iter().filter_map(|i| i.collator.as_deref())
	}

	/// The authorities that name a proxy account, with it: `(authority, proxy)` as written.
	pub fn proxies(&self) -> impl Iterator<Item = (&str, &str)> {
		self.institutions
			.iter()
			.filter_map(|i| i.proxy.as_deref().map(|proxy| (i.account.as_str(), proxy)))
	}
}

/// An account given as a development seed (`//Alice`) or an SS58 address.
pub fn account(text: &str) -> Result<AccountId32> {
	if text.starts_with("//") {
		let uri = SecretUri::from_str(text).map_err(|e| anyhow!("bad seed {text}: {e}"))?;
		let pair = Keypair::from_uri(&uri).map_err(|e| anyhow!("bad seed {text}: {e}"))?;
		Ok(pair.public_key().to_account_id())
	} else {
		AccountId32::from_str(text)
			.map_err(|e| anyhow!("{text} is neither a //seed nor an SS58 address: {e}"))
	}
}

impl Federation {
	/// Reads the federation description at `path` and checks it.
	pub fn read(path: &Path) -> Result<Federation> {
		let text =
			std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
		let federation: Federation = toml::from_str(&text)
			.with_context(|| format!("{} is not a valid federation", path.display()))?;
		federation.check()?;
		Ok(federation)
	}

	/// The para ids of the coordinator and of every region, in this order.
	pub fn para_ids(&self) -> impl Iterator<Item = u32> + '_ {
		std::iter::once(self.coordinator.para_id).chain(self.regions.iter().map(|r| r.para_id))
	}

	/// Refuses what the network could not run: para ids, region ids, node names or IPFS ports
	/// used twice, a relay chain name zombienet cannot use, a region without collators or
	/// with more than its RPC ports allow, collators or proxy accounts of institutions that are
	/// not authorities. And what one key would govern: a region with fewer than two
	/// authorities; a coordinator council larger than its runtime holds.
	pub fn check(&self) -> Result<()> {
		ensure!(!self.relay.validators.is_empty(), "the relay chain needs validators");
		// Zombienet names its files after it and splits names at `_`.
		ensure!(
			!self.relay.chain.is_empty() &&
				self.relay.chain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
			"relay chain name {:?}: use letters, digits and '-' only",
			self.relay.chain
		);
		ensure!(!self.regions.is_empty(), "a federation needs at least one region");
		let mut para_ids = BTreeSet::from([self.coordinator.para_id]);
		let mut ids = BTreeSet::new();
		// Every IPFS port of the federation, API and swarm: each region runs its own IPFS node.
		let mut ipfs_ports = BTreeMap::new();
		let mut nodes: BTreeSet<&str> = self.relay.validators.iter().map(String::as_str).collect();
		ensure!(nodes.len() == self.relay.validators.len(), "a relay validator name is used twice");
		for region in &self.regions {
			ensure!(para_ids.insert(region.para_id), "para id {} is used twice", region.para_id);
			ensure!(region.para_id >= 2000, "{}: regions need para ids from 2000 on", region.id);
			ensure!(ids.insert(region.id.as_str()), "region id {} is used twice", region.id);
			for (port, what) in [(region.ipfs_api_port, "API"), (region.ipfs_swarm_port, "swarm")] {
				if let Some(other) =
					ipfs_ports.insert(port, format!("{}'s IPFS {what} port", region.id))
				{
					bail!(
						"{}'s IPFS {what} port {port} is also {other}: every region needs its own",
						region.id
					);
				}
			}
			let collators: Vec<_> = region
				.institutions
				.iter()
				.filter_map(|i| i.collator.as_deref().map(|c| (i, c)))
				.collect();
			ensure!(!collators.is_empty(), "{}: no institution runs a collator", region.id);
			ensure!(
				collators.len() <= usize::from(ports::REGION_RPC_PORTS),
				"{}: at most ten collators a region",
				region.id
			);
			for (institution, node) in collators {
				ensure!(
					institution.role == Role::Authority,
					"{}: {} collates but is not an authority",
					region.id,
					institution.name
				);
				ensure!(nodes.insert(node), "node name {node} is used twice");
			}
			for institution in &region.institutions {
				let Some(proxy) = &institution.proxy else { continue };
				ensure!(
					institution.role == Role::Authority,
					"{}: {} names a proxy account but is not an authority",
					region.id,
					institution.name
				);
				account(proxy).with_context(|| format!("{}: proxy account", institution.name))?;
			}
			let authorities =
				region.institutions.iter().filter(|i| i.role == Role::Authority).count();
			ensure!(
				authorities >= MIN_AUTHORITIES,
				"{}: {authorities} authority institution(s); a region needs at least \
				 {MIN_AUTHORITIES}, so that no single key governs it",
				region.id
			);
		}
		let authorities: BTreeSet<String> = self
			.regions
			.iter()
			.flat_map(|r| r.institutions.iter().filter(|i| i.role == Role::Authority))
			.map(|i| account(&i.account).map(|a| a.to_string()))
			.collect::<Result<_>>()?;
		ensure!(
			authorities.len() <= MAX_COUNCIL_MEMBERS,
			"{} authorities in all: the coordinator's federation council holds at most \
			 {MAX_COUNCIL_MEMBERS}",
			authorities.len()
		);
		ensure!(!self.coordinator.collators.is_empty(), "the coordinator needs collators");
		for collator in &self.coordinator.collators {
			ensure!(nodes.insert(&collator.node), "node name {} is used twice", collator.node);
			ensure!(
				authorities.contains(&account(&collator.institution)?.to_string()),
				"coordinator collator {}: {} is not an authority institution of any region",
				collator.node,
				collator.institution
			);
		}
		Ok(())
	}
}

/// The programs and runtimes a federation runs: what [`generate`] needs besides the
/// description.
pub struct Tools {
	/// The collator binary (medfed-node): builds the chain specs, runs every parachain.
	pub node: PathBuf,
	/// The relay chain binary (polkadot), with its workers beside it.
	pub relay: PathBuf,
	/// The relay chain's plain chain spec (relay/rococo-local.json).
	pub relay_spec: PathBuf,
	/// The region runtime's wasm.
	pub region_wasm: PathBuf,
	/// The coordinator runtime's wasm.
	pub coordinator_wasm: PathBuf,
}

/// Reads the federation description at `source` and writes into `out` each chain's genesis
/// patch (`<chain>.patch.json`) and raw chain spec (`<chain>.json`), `zombienet.toml` and
/// `endpoints.tsv`. Returns the path of `zombienet.toml`.
pub fn generate(source: &Path, tools: &Tools, out: &Path) -> Result<PathBuf> {
	let federation = Federation::read(source)?;
	std::fs::create_dir_all(out)?;
	let node = std::fs::canonicalize(&tools.node).context("the collator binary")?;
	let relay_bin = std::fs::canonicalize(&tools.relay).context("the relay chain binary")?;
	let relay_spec = std::fs::canonicalize(&tools.relay_spec).context("the relay chain spec")?;
	let specs = spec::write_all(&federation, tools, out)?;
	let network = zombienet::Network::new(&federation, &node, (&relay_bin, &relay_spec), &specs)?;
	let path = out.join("zombienet.toml");
	std::fs::write(&path, network.to_toml(source, &federation.name)?)?;
	std::fs::write(out.join("endpoints.tsv"), ports::endpoints_tsv(&federation))?;
	Ok(path)
}
