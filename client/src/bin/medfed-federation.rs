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
//! scripts. Adding a region is an edit to the TOML file, not to code.

use anyhow::{anyhow, bail, ensure, Context, Result};
use clap::Parser;
use codec::{Decode, Encode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::{
	collections::{BTreeMap, BTreeSet},
	fmt::Write as _,
	path::{Path, PathBuf},
	process::Command,
	str::FromStr,
};
use subxt::{
	config::RpcConfigFor,
	dynamic::Value as DynValue,
	ext::scale_value::Composite,
	rpcs::{LegacyRpcMethods, RpcClient},
	transactions::TransactionStatus,
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

/// Every account a genesis endows starts with this much (1,000,000 units of 12 decimals).
const ENDOWMENT: u128 = 1_000_000_000_000_000_000;
/// The collator candidacy bond (16 × the existential deposit of 0.001 unit).
const CANDIDACY_BOND: u128 = 16_000_000_000;
/// HRMP channel limits: the rococo-local relay allows at most 8 messages and 8 KiB a channel.
const HRMP_MAX_CAPACITY: u32 = 8;
const HRMP_MAX_MESSAGE_SIZE: u32 = 8 * 1024;
/// First RPC port of each group of nodes: relay validators, coordinator collators, then ten
/// per region.
const RELAY_RPC_PORT: u16 = 9900;
const COORDINATOR_RPC_PORT: u16 = 9910;
const REGION_RPC_PORT: u16 = 9920;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Federation {
	name: String,
	relay: Relay,
	coordinator: Coordinator,
	regions: Vec<Region>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Relay {
	chain: String,
	validators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Coordinator {
	para_id: u32,
	name: String,
	sudo: String,
	collators: Vec<CoordinatorCollator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoordinatorCollator {
	node: String,
	institution: String,
	session_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Region {
	id: String,
	name: String,
	para_id: u32,
	sudo: String,
	ipfs_api_port: u16,
	ipfs_swarm_port: u16,
	#[serde(default)]
	endowed: Vec<String>,
	institutions: Vec<Institution>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Institution {
	account: String,
	role: Role,
	name: String,
	/// The zombienet node name of the collator this institution runs, if it collates.
	collator: Option<String>,
	session_key: Option<String>,
	/// The Umbral public key of its re-encryption proxy (authorities; hex, compressed). A
	/// development account without one gets its development key.
	proxy_key: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Role {
	Authority,
	Hospital,
	Clinic,
	Lab,
}

impl Role {
	fn as_genesis(self) -> &'static str {
		match self {
			Role::Authority => "Authority",
			Role::Hospital => "Hospital",
			Role::Clinic => "Clinic",
			Role::Lab => "Lab",
		}
	}
}

/// An account given as a development seed (`//Alice`) or an SS58 address.
fn account(text: &str) -> Result<AccountId32> {
	if text.starts_with("//") {
		let uri = SecretUri::from_str(text).map_err(|e| anyhow!("bad seed {text}: {e}"))?;
		let pair = Keypair::from_uri(&uri).map_err(|e| anyhow!("bad seed {text}: {e}"))?;
		Ok(pair.public_key().to_account_id())
	} else {
		AccountId32::from_str(text)
			.map_err(|e| anyhow!("{text} is neither a //seed nor an SS58 address: {e}"))
	}
}

/// The seed zombienet gives node `name`: `//` and the name with its first letter capitalised.
fn node_seed(name: &str) -> String {
	let mut chars = name.chars();
	let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
	format!("//{first}{}", chars.as_str())
}

/// A collator's session key: given, or derived from its node name as zombienet does.
fn session_key(node: &str, given: &Option<String>) -> Result<String> {
	let key = match given {
		Some(key) => account(key)?,
		None => account(&node_seed(node))?,
	};
	Ok(key.to_string())
}

/// The development Umbral key of a `//Name` account, as the runtime's presets use.
fn proxy_key(institution: &Institution) -> Result<Option<String>> {
	if institution.role != Role::Authority {
		ensure!(
			institution.proxy_key.is_none(),
			"{}: only authorities carry a proxy key",
			institution.name
		);
		return Ok(None);
	}
	if let Some(key) = &institution.proxy_key {
		let bytes = hex::decode(key.trim_start_matches("0x")).context("proxy_key is not hex")?;
		medfed_primitives::PublicKey::parse(&bytes).map_err(|e| {
			anyhow!("{}: proxy_key is not an Umbral public key: {e:?}", institution.name)
		})?;
		return Ok(Some(format!("0x{}", hex::encode(bytes))));
	}
	let name = institution.account.strip_prefix("//").ok_or_else(|| {
		anyhow!("{}: an authority with an SS58 account needs a proxy_key", institution.name)
	})?;
	Ok(Some(format!("0x{}", hex::encode(medfed_primitives::umbral::dev::public_key(name).0))))
}

fn check(federation: &Federation) -> Result<()> {
	ensure!(!federation.relay.validators.is_empty(), "the relay chain needs validators");
	// Zombienet names its files after it and splits names at `_`.
	ensure!(
		!federation.relay.chain.is_empty() &&
			federation.relay.chain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
		"relay chain name {:?}: use letters, digits and '-' only",
		federation.relay.chain
	);
	ensure!(!federation.regions.is_empty(), "a federation needs at least one region");
	let mut para_ids = BTreeSet::from([federation.coordinator.para_id]);
	let mut ids = BTreeSet::new();
	// Every IPFS port of the federation, API and swarm: each region runs its own IPFS node.
	let mut ipfs_ports = BTreeMap::new();
	let mut nodes: BTreeSet<&str> =
		federation.relay.validators.iter().map(String::as_str).collect();
	ensure!(
		nodes.len() == federation.relay.validators.len(),
		"a relay validator name is used twice"
	);
	for region in &federation.regions {
		ensure!(para_ids.insert(region.para_id), "para id {} is used twice", region.para_id);
		ensure!(region.para_id >= 2000, "{}: regions need para ids from 2000 on", region.id);
		ensure!(ids.insert(region.id.as_str()), "region id {} is used twice", region.id);
		for (port, what) in [(region.ipfs_api_port, "API"), (region.ipfs_swarm_port, "swarm")] {
			if let Some(other) = ipfs_ports.insert(port, format!("{}'s IPFS {what} port", region.id)) {
				bail!("{}'s IPFS {what} port {port} is also {other}: every region needs its own", region.id);
			}
		}
		let collators: Vec<_> = region
			.institutions
			.iter()
			.filter_map(|i| i.collator.as_deref().map(|c| (i, c)))
			.collect();
		ensure!(!collators.is_empty(), "{}: no institution runs a collator", region.id);
		ensure!(collators.len() <= 10, "{}: at most ten collators a region", region.id);
		for (institution, node) in collators {
			ensure!(
				institution.role == Role::Authority,
				"{}: {} collates but is not an authority",
				region.id,
				institution.name
			);
			ensure!(nodes.insert(node), "node name {node} is used twice");
		}
	}
	let authorities: BTreeSet<String> = federation
		.regions
		.iter()
		.flat_map(|r| r.institutions.iter().filter(|i| i.role == Role::Authority))
		.map(|i| account(&i.account).map(|a| a.to_string()))
		.collect::<Result<_>>()?;
	ensure!(!federation.coordinator.collators.is_empty(), "the coordinator needs collators");
	for collator in &federation.coordinator.collators {
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

/// `(account, account, keys)` session entries and the invulnerable collators.
fn collator_genesis(
	collators: &[(String, String)],
	with_pinning: bool,
) -> (Vec<Value>, Vec<String>) {
	let keys = collators
		.iter()
		.map(|(account, key)| {
			let keys = if with_pinning {
				json!({ "aura": key, "pinning": key })
			} else {
				json!({ "aura": key })
			};
			json!([account, account, keys])
		})
		.collect();
	(keys, collators.iter().map(|(account, _)| account.clone()).collect())
}

fn endowments(accounts: impl IntoIterator<Item = String>) -> Vec<Value> {
	let unique: BTreeSet<String> = accounts.into_iter().collect();
	unique.into_iter().map(|a| json!([a, ENDOWMENT])).collect()
}

fn region_patch(region: &Region, coordinator: u32) -> Result<Value> {
	let mut institutions = Vec::new();
	let mut collators = Vec::new();
	let mut endowed = vec![account(&region.sudo)?.to_string()];
	for institution in &region.institutions {
		let who = account(&institution.account)?.to_string();
		institutions.push(json!([
			who,
			institution.role.as_genesis(),
			institution.name.as_bytes(),
			proxy_key(institution)?
		]));
		if let Some(node) = &institution.collator {
			collators.push((who.clone(), session_key(node, &institution.session_key)?));
		}
		endowed.push(who);
	}
	for extra in &region.endowed {
		endowed.push(account(extra)?.to_string());
	}
	let (keys, invulnerables) = collator_genesis(&collators, true);
	Ok(json!({
		"balances": { "balances": endowments(endowed) },
		"parachainInfo": { "parachainId": region.para_id },
		"collatorSelection": { "invulnerables": invulnerables, "candidacyBond": CANDIDACY_BOND },
		"session": { "keys": keys },
		"polkadotXcm": { "safeXcmVersion": 5 },
		"sudo": { "key": account(&region.sudo)?.to_string() },
		"institutions": { "institutions": institutions },
		"federation": { "coordinator": coordinator },
	}))
}

fn coordinator_patch(federation: &Federation) -> Result<Value> {
	let coordinator = &federation.coordinator;
	let collators = coordinator
		.collators
		.iter()
		.map(|c| Ok((account(&c.institution)?.to_string(), session_key(&c.node, &c.session_key)?)))
		.collect::<Result<Vec<_>>>()?;
	let mut endowed = vec![account(&coordinator.sudo)?.to_string()];
	endowed.extend(collators.iter().map(|(a, _)| a.clone()));
	let (keys, invulnerables) = collator_genesis(&collators, false);
	let regions: Vec<Value> = federation
		.regions
		.iter()
		.map(|r| json!([r.para_id, r.name.as_bytes()]))
		.collect();
	Ok(json!({
		"balances": { "balances": endowments(endowed) },
		"parachainInfo": { "parachainId": coordinator.para_id },
		"collatorSelection": { "invulnerables": invulnerables, "candidacyBond": CANDIDACY_BOND },
		"session": { "keys": keys },
		"polkadotXcm": { "safeXcmVersion": 5 },
		"sudo": { "key": account(&coordinator.sudo)?.to_string() },
		"directory": { "regions": regions },
	}))
}

/// Writes `patch` and the raw chain spec built from it with `medfed-node chain-spec-builder`.
fn chain_spec(
	args: &Args,
	relay: &str,
	id: &str,
	name: &str,
	para_id: u32,
	wasm: &Path,
	patch: &Value,
) -> Result<PathBuf> {
	let patch_path = args.out.join(format!("{id}.patch.json"));
	std::fs::write(&patch_path, serde_json::to_string_pretty(patch)?)?;
	let spec = args.out.join(format!("{id}.json"));
	let status = Command::new(&args.node)
		.arg("chain-spec-builder")
		.arg("--chain-spec-path")
		.arg(&spec)
		.args([
			"create",
			"--chain-name",
			name,
			"--chain-id",
			&format!("medfed-{id}"),
			"-t",
			"local",
		])
		.args([
			"--relay-chain",
			relay,
			"--para-id",
			&para_id.to_string(),
			"--raw-storage",
			"--runtime",
		])
		.arg(wasm)
		.arg("patch")
		.arg(&patch_path)
		.status()
		.with_context(|| format!("running {}", args.node.display()))?;
	ensure!(status.success(), "chain-spec-builder failed for {id}");
	Ok(spec)
}

fn toml_string(s: &str) -> String {
	serde_json::to_string(s).expect("a string serialises")
}

fn read(path: &Path) -> Result<Federation> {
	let text =
		std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	let federation: Federation = toml::from_str(&text)
		.with_context(|| format!("{} is not a valid federation", path.display()))?;
	check(&federation)?;
	Ok(federation)
}

#[tokio::main]
async fn main() -> Result<()> {
	match Cli::parse() {
		Cli::Generate(args) => generate(&args),
		Cli::Endpoints { federation: path } => {
			let federation = read(&path)?;
			let (_, endpoints) = network(
				&federation,
				&path,
				Path::new("medfed-node"),
				(Path::new("polkadot"), Path::new("relay.json")),
				&placeholder_specs(&federation),
			)?;
			print!("{endpoints}");
			Ok(())
		},
		Cli::OpenChannels(args) => open_channels(&args).await,
	}
}

/// A chain spec path for every parachain of `federation`, for what does not read them.
fn placeholder_specs(federation: &Federation) -> BTreeMap<u32, PathBuf> {
	std::iter::once(federation.coordinator.para_id)
		.chain(federation.regions.iter().map(|r| r.para_id))
		.map(|id| (id, PathBuf::from(format!("/specs/{id}.json"))))
		.collect()
}

/// The HRMP channels of `federation`: both ways between the coordinator and every region.
fn channels(federation: &Federation) -> Vec<(u32, u32)> {
	let coordinator = federation.coordinator.para_id;
	federation
		.regions
		.iter()
		.flat_map(|r| [(r.para_id, coordinator), (coordinator, r.para_id)])
		.collect()
}

/// The para ids with an open HRMP channel to `recipient`, as the relay chain reports them.
async fn inbound_channels(
	rpc: &LegacyRpcMethods<RpcConfigFor<SubstrateConfig>>,
	recipient: u32,
) -> Result<BTreeSet<u32>> {
	let bytes = rpc
		.state_call("ParachainHost_inbound_hrmp_channels_contents", Some(&recipient.encode()), None)
		.await?;
	let contents = BTreeMap::<u32, Vec<(u32, Vec<u8>)>>::decode(&mut &bytes[..])?;
	Ok(contents.into_keys().collect())
}

/// Opens the federation's HRMP channels with `Hrmp.force_open_hrmp_channel` as the relay
/// chain's sudo key. Not in the relay chain's genesis: a channel opened there sends its
/// notifications to the parachains at relay block 0, which cumulus takes for already processed
/// in a parachain's first block ("DMQ head mismatch"), and no parachain could make a block.
async fn open_channels(args: &OpenChannels) -> Result<()> {
	let federation = read(&args.federation)?;
	let rpc_client = RpcClient::from_insecure_url(&args.relay_url)
		.await
		.with_context(|| format!("connecting to the relay chain at {}", args.relay_url))?;
	let api = OnlineClient::<SubstrateConfig>::from_rpc_client(rpc_client.clone()).await?;
	let rpc = LegacyRpcMethods::<RpcConfigFor<SubstrateConfig>>::new(rpc_client);
	let wanted = channels(&federation);
	let mut missing = Vec::new();
	for &(sender, recipient) in &wanted {
		if !inbound_channels(&rpc, recipient).await?.contains(&sender) {
			missing.push((sender, recipient));
		}
	}
	if !missing.is_empty() {
		let calls: Vec<DynValue> = missing
			.iter()
			.map(|&(sender, recipient)| {
				DynValue::unnamed_variant(
					"Hrmp",
					[DynValue::named_variant(
						"force_open_hrmp_channel",
						[
							("sender", DynValue::u128(sender.into())),
							("recipient", DynValue::u128(recipient.into())),
							("max_capacity", DynValue::u128(HRMP_MAX_CAPACITY.into())),
							("max_message_size", DynValue::u128(HRMP_MAX_MESSAGE_SIZE.into())),
						],
					)],
				)
			})
			.collect();
		let batch = DynValue::unnamed_variant(
			"Utility",
			[DynValue::named_variant("batch_all", [("calls", DynValue::unnamed_composite(calls))])],
		);
		let sudo = subxt::dynamic::tx("Sudo", "sudo", Composite::named([("call", batch)]));
		let signer = Keypair::from_uri(
			&SecretUri::from_str(&args.sudo).map_err(|e| anyhow!("bad --sudo: {e}"))?,
		)
		.map_err(|e| anyhow!("bad --sudo: {e}"))?;
		let at = api.at_current_block().await?;
		let mut progress = at
			.tx()
			.sign_and_submit_then_watch_default(&sudo, &signer)
			.await
			.map_err(|e| anyhow!("the relay chain refused the transaction: {e}"))?;
		loop {
			match progress.next().await.ok_or_else(|| anyhow!("the relay chain went quiet"))?? {
				TransactionStatus::InBestBlock(block) |
				TransactionStatus::InFinalizedBlock(block) => {
					let events = block.wait_for_success().await?;
					let sudid = events
						.iter()
						.filter_map(|e| e.ok())
						.find(|e| e.pallet_name() == "Sudo" && e.event_name() == "Sudid")
						.ok_or_else(|| anyhow!("no Sudo.Sudid event"))?;
					// Sudid { sudo_result: Result<(), DispatchError> }: 0x00 is Ok.
					ensure!(
						sudid.field_bytes().first() == Some(&0),
						"the relay chain refused to open the channels: {:?}",
						sudid.decode_fields_unchecked_as::<DynValue>()
					);
					break;
				},
				TransactionStatus::Error { message } |
				TransactionStatus::Invalid { message } |
				TransactionStatus::Dropped { message } =>
					return Err(anyhow!("transaction rejected: {message}")),
				_ => continue,
			}
		}
		eprintln!("requested {} HRMP channels; they open at the next session", missing.len());
	}
	let deadline = std::time::Instant::now() + std::time::Duration::from_secs(args.timeout);
	loop {
		let mut open = 0;
		for &(sender, recipient) in &wanted {
			open += inbound_channels(&rpc, recipient).await?.contains(&sender) as usize;
		}
		if open == wanted.len() {
			println!("{open} HRMP channels open");
			return Ok(());
		}
		ensure!(
			std::time::Instant::now() < deadline,
			"only {open} of {} HRMP channels open after {} s",
			wanted.len(),
			args.timeout
		);
		tokio::time::sleep(std::time::Duration::from_secs(2)).await;
	}
}

fn generate(args: &Args) -> Result<()> {
	let federation = read(&args.federation)?;
	std::fs::create_dir_all(&args.out)?;
	let node = std::fs::canonicalize(&args.node).context("the collator binary")?;
	let relay_bin = std::fs::canonicalize(&args.relay).context("the relay chain binary")?;
	let relay_spec = std::fs::canonicalize(&args.relay_spec).context("the relay chain spec")?;
	let relay = federation.relay.chain.as_str();

	let coordinator = &federation.coordinator;
	let mut specs = BTreeMap::new();
	specs.insert(
		coordinator.para_id,
		chain_spec(
			args,
			relay,
			"coordinator",
			&coordinator.name,
			coordinator.para_id,
			&args.coordinator_wasm,
			&coordinator_patch(&federation)?,
		)?,
	);
	for region in &federation.regions {
		let patch = region_patch(region, coordinator.para_id)?;
		let spec = chain_spec(
			args,
			relay,
			&region.id,
			&region.name,
			region.para_id,
			&args.region_wasm,
			&patch,
		)?;
		specs.insert(region.para_id, spec);
	}

	let (net, endpoints) =
		network(&federation, &args.federation, &node, (&relay_bin, &relay_spec), &specs)?;
	std::fs::write(args.out.join("zombienet.toml"), net)?;
	std::fs::write(args.out.join("endpoints.tsv"), endpoints)?;
	println!("{}", args.out.join("zombienet.toml").display());
	Ok(())
}

/// The zombienet network definition of `federation` and its endpoints table, given the
/// binaries and each parachain's chain spec by para id.
fn network(
	federation: &Federation,
	source: &Path,
	node: &Path,
	(relay_bin, relay_spec): (&Path, &Path),
	specs: &BTreeMap<u32, PathBuf>,
) -> Result<(String, String)> {
	let relay = federation.relay.chain.as_str();
	let coordinator = &federation.coordinator;
	let spec = |para_id: u32| -> Result<String> {
		let path = specs.get(&para_id).ok_or_else(|| anyhow!("no chain spec for {para_id}"))?;
		Ok(toml_string(&path.to_string_lossy()))
	};
	let mut net = String::new();
	let mut endpoints = String::new();
	writeln!(net, "# Generated by medfed-federation from {}: do not edit.", source.display())?;
	writeln!(net, "# {}\n", federation.name)?;
	writeln!(net, "[settings]\ntimeout = 1200\nprovider = \"native\"\n")?;
	// `chain` only names zombienet's files (no `_` in it: zombienet splits names there); the
	// chain is the spec's.
	writeln!(
		net,
		"[relaychain]\ndefault_command = {}\nchain = {}\nchain_spec_path = {}",
		toml_string(&relay_bin.to_string_lossy()),
		toml_string(relay),
		toml_string(&relay_spec.to_string_lossy())
	)?;
	writeln!(net, "default_args = [\"-lparachain=info,xcm=info\"]")?;
	// The coordinator has a channel each way to every region (rococo-local allows 4).
	let channels = federation.regions.len().max(4);
	writeln!(net, "\n[relaychain.genesis.runtimeGenesis.patch.configuration.config]")?;
	writeln!(net, "hrmp_max_parachain_outbound_channels = {channels}\nhrmp_max_parachain_inbound_channels = {channels}")?;
	// Asynchronous backing, as on production relay chains: parachain blocks every 6 s.
	writeln!(
		net,
		"\n[relaychain.genesis.runtimeGenesis.patch.configuration.config.async_backing_params]"
	)?;
	writeln!(net, "max_candidate_depth = 3\nallowed_ancestry_len = 2")?;
	for (i, validator) in federation.relay.validators.iter().enumerate() {
		let port = RELAY_RPC_PORT + i as u16;
		writeln!(
			net,
			"\n[[relaychain.nodes]]\nname = {}\nvalidator = true\nrpc_port = {port}",
			toml_string(validator)
		)?;
		writeln!(endpoints, "relay\t{validator}\t{port}")?;
	}

	let collator = |net: &mut String,
	                endpoints: &mut String,
	                chain: &str,
	                name: &str,
	                port: u16,
	                key_types: &str|
	 -> Result<()> {
		writeln!(
			net,
			"\n[[parachains.collators]]\nname = {}\ncommand = {}",
			toml_string(name),
			toml_string(&node.to_string_lossy())
		)?;
		writeln!(net, "rpc_port = {port}\nkeystore_key_types = [{key_types}]")?;
		writeln!(net, "args = [\"--offchain-worker=always\", \"-lruntime::federation=debug,runtime::pinning=info,xcm=info\"]")?;
		writeln!(endpoints, "{chain}\t{name}\t{port}")?;
		Ok(())
	};

	writeln!(
		net,
		"\n[[parachains]]\nid = {}\nchain_spec_path = {}\ncumulus_based = true",
		coordinator.para_id,
		spec(coordinator.para_id)?
	)?;
	for (i, c) in coordinator.collators.iter().enumerate() {
		collator(
			&mut net,
			&mut endpoints,
			"coordinator",
			&c.node,
			COORDINATOR_RPC_PORT + i as u16,
			"\"aura\"",
		)?;
	}

	for (k, region) in federation.regions.iter().enumerate() {
		writeln!(
			net,
			"\n[[parachains]]\nid = {}\nchain_spec_path = {}\ncumulus_based = true",
			region.para_id,
			spec(region.para_id)?
		)?;
		let nodes = region.institutions.iter().filter_map(|i| i.collator.as_deref());
		for (i, name) in nodes.enumerate() {
			let port = REGION_RPC_PORT + 10 * k as u16 + i as u16;
			collator(&mut net, &mut endpoints, &region.id, name, port, "\"aura\", \"pin_\"")?;
		}
		writeln!(
			endpoints,
			"{}\tipfs\t{}\t{}",
			region.id, region.ipfs_api_port, region.ipfs_swarm_port
		)?;
	}

	Ok((net, endpoints))
}

#[cfg(test)]
mod tests {
	use super::*;

	const SHIPPED: &str = include_str!("../../../zombienet/federation.toml");

	/// A third region, as a consortium would add it: text appended to the shipped file.
	const THIRD_REGION: &str = r#"
[[regions]]
id = "region-c"
name = "Northern Health Alliance"
para_id = 2002
sudo = "//Charlie"
ipfs_api_port = 5003
ipfs_swarm_port = 4103
institutions = [
	{ account = "//Charlie", role = "authority", name = "Northern General", collator = "charlie" },
	{ account = "//Dave", role = "authority", name = "Fjord Health Board", collator = "dave" },
]
"#;

	fn parse(text: &str) -> Federation {
		toml::from_str(text).expect("a valid federation")
	}

	fn render(federation: &Federation) -> (toml::Table, String) {
		let (net, endpoints) = network(
			federation,
			Path::new("federation.toml"),
			Path::new("/bin/medfed-node"),
			(Path::new("/bin/polkadot"), Path::new("/relay/rococo-local.json")),
			&placeholder_specs(federation),
		)
		.expect("renders");
		(toml::from_str(&net).expect("zombienet.toml is TOML"), endpoints)
	}

	fn channel_set(federation: &Federation) -> BTreeSet<(u32, u32)> {
		channels(federation).into_iter().collect()
	}

	#[test]
	fn the_shipped_federation_is_valid() {
		let federation = parse(SHIPPED);
		check(&federation).expect("valid");
		let (net, endpoints) = render(&federation);
		let paras: Vec<i64> = net["parachains"]
			.as_array()
			.expect("parachains")
			.iter()
			.map(|p| p["id"].as_integer().expect("id"))
			.collect();
		assert_eq!(paras, vec![1000, 2000, 2001]);
		assert_eq!(
			channel_set(&federation),
			BTreeSet::from([(2000, 1000), (1000, 2000), (2001, 1000), (1000, 2001)])
		);
		// Opened on the running relay chain, not in its genesis (see `open_channels`).
		assert!(!net.contains_key("hrmp_channels"));
		assert_eq!(net["relaychain"]["nodes"].as_array().expect("validators").len(), 3);
		// The relay chain runs from the spec file: the node has no runtime built in.
		assert_eq!(net["relaychain"]["chain_spec_path"].as_str(), Some("/relay/rococo-local.json"));
		for para in net["parachains"].as_array().expect("parachains") {
			assert_eq!(para["collators"].as_array().expect("collators").len(), 2);
		}
		assert!(endpoints.contains("region-a\tipfs\t5001\t4101\n"));
		assert!(endpoints.contains("coordinator\tcoord-alice\t9910\n"));
	}

	#[test]
	fn a_third_region_is_an_edit_to_the_file() {
		let federation = parse(&format!("{SHIPPED}{THIRD_REGION}"));
		check(&federation).expect("valid");
		let (net, endpoints) = render(&federation);
		let channels = channel_set(&federation);
		assert!(channels.contains(&(2002, 1000)) && channels.contains(&(1000, 2002)));
		assert_eq!(channels.len(), 6);
		let third = &net["parachains"].as_array().expect("parachains")[3];
		assert_eq!(third["id"].as_integer(), Some(2002));
		assert_eq!(third["chain_spec_path"].as_str(), Some("/specs/2002.json"));
		assert!(endpoints.contains("region-c\tcharlie\t9940\n"));
		assert!(endpoints.contains("region-c\tipfs\t5003\t4103\n"));

		// The coordinator's directory knows the new region from genesis on.
		let patch = coordinator_patch(&federation).expect("patch");
		let regions = patch["directory"]["regions"].as_array().expect("regions");
		assert_eq!(regions.len(), 3);
		assert_eq!(regions[2][0], 2002);
		let patch = region_patch(&federation.regions[2], 1000).expect("patch");
		assert_eq!(patch["parachainInfo"]["parachainId"], 2002);
		assert_eq!(patch["federation"]["coordinator"], 1000);
		assert_eq!(patch["collatorSelection"]["invulnerables"].as_array().expect("list").len(), 2);
	}

	fn refused(text: &str, expected: &str) {
		let error = check(&parse(text)).expect_err("refused").to_string();
		assert!(error.contains(expected), "{error:?} does not say {expected:?}");
	}

	#[test]
	fn a_para_id_used_twice_is_refused() {
		refused(
			&format!("{SHIPPED}{}", THIRD_REGION.replace("2002", "2001")),
			"para id 2001 is used twice",
		);
	}

	#[test]
	fn a_relay_chain_name_zombienet_cannot_use_is_refused() {
		refused(
			&SHIPPED.replace("chain = \"rococo-local\"", "chain = \"rococo_local\""),
			"relay chain name \"rococo_local\"",
		);
	}

	#[test]
	fn regions_sharing_an_ipfs_port_are_refused() {
		refused(
			&format!("{SHIPPED}{}", THIRD_REGION.replace("ipfs_api_port = 5003", "ipfs_api_port = 5002")),
			"region-c's IPFS API port 5002 is also region-b's IPFS API port",
		);
		refused(
			&format!("{SHIPPED}{}", THIRD_REGION.replace("ipfs_swarm_port = 4103", "ipfs_swarm_port = 5001")),
			"region-c's IPFS swarm port 5001 is also region-a's IPFS API port",
		);
	}

	#[test]
	fn a_node_name_used_twice_is_refused() {
		refused(
			&format!("{SHIPPED}{}", THIRD_REGION.replace("\"charlie\"", "\"alice\"")),
			"node name alice is used twice",
		);
	}

	#[test]
	fn a_collator_that_is_not_an_authority_is_refused() {
		refused(
			&format!(
				"{SHIPPED}{}",
				THIRD_REGION.replace(
					"role = \"authority\", name = \"Fjord",
					"role = \"clinic\", name = \"Fjord"
				)
			),
			"collates but is not an authority",
		);
	}

	#[test]
	fn a_coordinator_collator_from_outside_the_regions_is_refused() {
		refused(
			&SHIPPED.replace("institution = \"//Eve\"", "institution = \"//Ferdie//stash\""),
			"is not an authority institution of any region",
		);
	}

	#[test]
	fn an_unknown_field_is_refused() {
		let text = SHIPPED.replace("ipfs_api_port = 5001", "ipfs_api_port = 5001\nipfs_port = 1");
		let error = toml::from_str::<Federation>(&text).err().expect("refused").to_string();
		assert!(error.contains("unknown field `ipfs_port`"), "{error}");
	}

	#[test]
	fn a_proxy_key_on_a_clinic_is_refused() {
		let clinic = Institution {
			account: "//Charlie".into(),
			role: Role::Clinic,
			name: "Lakeside Family Clinic".into(),
			collator: None,
			session_key: None,
			proxy_key: Some("02".into()),
		};
		let error = proxy_key(&clinic).expect_err("refused").to_string();
		assert!(error.contains("only authorities carry a proxy key"), "{error}");
	}
}
