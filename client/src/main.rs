//! # `ehr`: the MedFed command line client
//!
//! Talks to one region's chain over its WebSocket RPC endpoint:
//!
//! - `ehr institution add|remove|list|show`: the alliance's members. Adding or removing one is a
//!   motion of the authority collective; `ehr proposal vote` gives the other authorities' votes,
//!   and the motion executes once a majority approves.
//! - `ehr patient register|show`: a patient publishes the Umbral key records are encrypted to.
//! - `ehr record register|list|show`: record metadata, registered by member institutions.
//! - `ehr keys new|list`: identities (an account and an Umbral key pair) in a keystore file
//!   encrypted with a passphrase (EHR_PASSPHRASE, or asked for).
//! - `ehr upload`: encrypts a FHIR R4 JSON document to its patient, adds the ciphertext to the
//!   region's IPFS node and registers the record. `ehr fetch`: the patient fetches, checks and
//!   decrypts it.
//!
//! Output is readable text, or JSON with `--json`. Every input is checked here with the same
//! code the chain uses, so a bad CID or key is refused before it costs a fee.

use anyhow::{anyhow, bail, Context, Result};
use medfed_client::{
	chain::{self, account, keypair, Chain},
	ipfs, keystore,
	render::{self, *},
	storage,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use medfed_primitives::{umbral, Capsule, Cid, PublicKey, ResourceType, Role};
use subxt::{dynamic::Value, ext::scale_value::Composite};

#[derive(Parser, Debug)]
#[command(name = "ehr", version, about = "MedFed client: institutions, patients and encrypted health records on a region's chain")]
struct Cli {
	/// WebSocket RPC endpoint of a node of the region.
	#[arg(long, env = "EHR_URL", default_value = "ws://127.0.0.1:9944", global = true)]
	url: String,

	/// Print JSON instead of text.
	#[arg(long, global = true)]
	json: bool,

	/// The keystore file.
	#[arg(long, env = "EHR_KEYSTORE", global = true)]
	keystore: Option<std::path::PathBuf>,

	/// The region's IPFS node: its Kubo RPC API address.
	#[arg(long, env = "EHR_IPFS", default_value = "http://127.0.0.1:5001", global = true)]
	ipfs: String,

	/// Seconds to wait for the node (connecting, a transaction's inclusion) and for each IPFS
	/// request (an upload gets a second more per MiB) before giving up with an error.
	#[arg(long, env = "EHR_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
	timeout: u64,

	#[command(subcommand)]
	command: Command,
}

/// Who signs: an identity of the keystore, or a secret URI (`//Alice` for development, or a
/// mnemonic with optional derivation path).
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct Signer {
	/// The keystore identity that signs.
	#[arg(long = "key", env = "EHR_KEY")]
	key: Option<String>,
	/// Secret URI of the signing account, instead of a keystore identity. Prefer the EHR_SURI
	/// variable: command lines are visible to other users of the machine.
	#[arg(long = "as", env = "EHR_SURI", hide_env_values = true)]
	suri: Option<String>,
}

impl Signer {
	fn keypair(&self, keystore: &Option<std::path::PathBuf>) -> Result<subxt_signer::sr25519::Keypair> {
		match (&self.key, &self.suri) {
			(Some(name), _) => Ok(open_keystore(keystore)?.identity(name)?.signer),
			(None, Some(suri)) => keypair(suri),
			(None, None) => bail!("give --key (a keystore identity) or --as (a secret URI)"),
		}
	}
}

fn open_keystore(path: &Option<std::path::PathBuf>) -> Result<keystore::Keystore> {
	let path = path.clone().unwrap_or_else(keystore::Keystore::default_path);
	keystore::Keystore::open(&path, keystore::passphrase()?)
}

#[derive(Subcommand, Debug)]
enum Command {
	/// The alliance's member institutions.
	#[command(subcommand)]
	Institution(InstitutionCmd),
	/// Votes on motions of the authority collective.
	#[command(subcommand)]
	Proposal(ProposalCmd),
	/// Patients and their Umbral public keys.
	#[command(subcommand)]
	Patient(PatientCmd),
	/// Record metadata.
	#[command(subcommand)]
	Record(RecordCmd),
	/// Identities in the keystore.
	#[command(subcommand)]
	Keys(KeysCmd),
	/// The coordinator's patient directory (`--url` of a coordinator node).
	#[command(subcommand)]
	Directory(DirectoryCmd),
	/// Encrypts a FHIR R4 JSON document to its patient, adds it to IPFS and registers it, as a
	/// member institution.
	Upload {
		#[command(flatten)]
		signer: Signer,
		/// The patient's account (SS58).
		#[arg(long)]
		patient: String,
		/// The FHIR R4 JSON resource or bundle.
		file: std::path::PathBuf,
		/// The record this one corrects.
		#[arg(long)]
		supersedes: Option<u64>,
	},
	/// Fetches a record from IPFS, checks it against the chain and decrypts it, as its patient.
	Fetch {
		/// The patient's keystore identity.
		#[arg(long = "key", env = "EHR_KEY")]
		key: String,
		/// The record's id.
		id: u64,
		/// Where to write the FHIR JSON (`-` for standard output).
		#[arg(long, short)]
		output: std::path::PathBuf,
	},
}

#[derive(Subcommand, Debug)]
enum KeysCmd {
	/// Creates an identity with fresh keys (or, with --dev, a public development identity).
	New {
		/// Its name in the keystore.
		name: String,
		/// What it is for.
		#[arg(long, value_enum)]
		kind: keystore::Kind,
		/// Use the public development keys of this name (`//Alice` and the Umbral key `Alice`):
		/// for local networks only.
		#[arg(long)]
		dev: Option<String>,
	},
	/// Lists the identities: names, accounts and public keys, never secrets.
	List,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RoleArg {
	Authority,
	Hospital,
	Clinic,
	Lab,
}

impl From<RoleArg> for Role {
	fn from(r: RoleArg) -> Role {
		match r {
			RoleArg::Authority => Role::Authority,
			RoleArg::Hospital => Role::Hospital,
			RoleArg::Clinic => Role::Clinic,
			RoleArg::Lab => Role::Lab,
		}
	}
}

#[derive(Subcommand, Debug)]
enum InstitutionCmd {
	/// Proposes, as an authority, to admit an institution; votes for it too.
	Add {
		#[command(flatten)]
		signer: Signer,
		/// The institution's account (SS58).
		account: String,
		/// Its role.
		#[arg(long, value_enum)]
		role: RoleArg,
		/// Its display name.
		#[arg(long)]
		name: String,
		/// For an authority: its proxy's Umbral public key, 33 bytes in hex.
		#[arg(long)]
		proxy_key: Option<String>,
	},
	/// Proposes, as an authority, to remove an institution; votes for it too.
	Remove {
		#[command(flatten)]
		signer: Signer,
		/// The institution's account (SS58).
		account: String,
	},
	/// Lists every institution of the region.
	List,
	/// Shows one institution.
	Show {
		/// The institution's account (SS58).
		account: String,
	},
}

#[derive(Subcommand, Debug)]
enum ProposalCmd {
	/// Votes, as an authority, on an open motion; executes it once it has a majority.
	Vote {
		#[command(flatten)]
		signer: Signer,
		/// The motion's hash (0x…), as `ehr institution add` printed it.
		hash: String,
		/// The motion's index.
		index: u32,
		/// Vote against instead of for.
		#[arg(long)]
		nay: bool,
	},
}

#[derive(Subcommand, Debug)]
enum PatientCmd {
	/// Publishes the signer's Umbral public key: records will be encrypted to it.
	Register {
		#[command(flatten)]
		signer: Signer,
		/// The Umbral public key, 33 bytes compressed, in hex (default: the keystore
		/// identity's).
		#[arg(long, conflicts_with = "dev_key")]
		umbral_key: Option<String>,
		/// Use the public development key of this name (Alice, Bob, …): for local networks only.
		#[arg(long)]
		dev_key: Option<String>,
	},
	/// Shows a patient.
	Show {
		/// The patient's account (SS58).
		account: String,
	},
}

#[derive(Subcommand, Debug)]
enum DirectoryCmd {
	/// The regions that hold records of a patient.
	Show {
		/// The patient's account (SS58).
		patient: String,
	},
	/// The federation's regions.
	Regions,
}

#[derive(Subcommand, Debug)]
enum RecordCmd {
	/// Registers, as a member institution, the metadata of a record already encrypted and
	/// added to IPFS.
	Register {
		#[command(flatten)]
		signer: Signer,
		/// The patient's account (SS58).
		#[arg(long)]
		patient: String,
		/// FHIR R4 resource type of the document, e.g. Bundle or Observation.
		#[arg(long = "type")]
		resource_type: String,
		/// CID of the ciphertext on IPFS (CIDv0 or CIDv1).
		#[arg(long)]
		cid: String,
		/// SHA-256 of the ciphertext, in hex.
		#[arg(long)]
		sha256: String,
		/// The Umbral capsule, 98 bytes in hex.
		#[arg(long)]
		capsule: String,
		/// Size of the ciphertext, in bytes.
		#[arg(long)]
		size: u64,
		/// The record this one corrects.
		#[arg(long)]
		supersedes: Option<u64>,
	},
	/// Lists a patient's records, in registration order.
	List {
		/// The patient's account (SS58).
		#[arg(long)]
		patient: String,
		/// Skip this many records.
		#[arg(long, default_value_t = 0)]
		start: u32,
		/// Show at most this many (the runtime caps a page).
		#[arg(long, default_value_t = 100)]
		limit: u32,
	},
	/// Shows one record.
	Show {
		/// The record's id.
		id: u64,
	},
}

/// Decodes hex, with or without `0x`, naming `what` in the error.
fn hex_arg(what: &str, text: &str) -> Result<Vec<u8>> {
	hex::decode(text.trim_start_matches("0x")).map_err(|e| anyhow!("{what} is not hex: {e}"))
}

fn hash_arg(what: &str, text: &str) -> Result<[u8; 32]> {
	let bytes = hex_arg(what, text)?;
	let len = bytes.len();
	bytes.try_into().map_err(|_| anyhow!("{what} must be 32 bytes, not {len}"))
}

fn umbral_key_arg(what: &str, text: &str) -> Result<PublicKey> {
	PublicKey::parse(&hex_arg(what, text)?)
		.map_err(|e| anyhow!("{what} is not a compressed secp256k1 point (Umbral public key): {e:?}"))
}

/// The arguments of `Records.register_record`, checked as the chain will check them.
fn record_call(
	patient: &str,
	resource_type: &str,
	cid: &str,
	sha256: &str,
	capsule: &str,
	size: u64,
	supersedes: Option<u64>,
) -> Result<subxt::transactions::DynamicPayload<Composite<()>>> {
	let patient = account(patient)?;
	let resource_type = ResourceType::parse(resource_type.as_bytes())
		.ok_or_else(|| anyhow!("'{resource_type}' is not a FHIR R4 resource type (they are case-sensitive, e.g. Observation)"))?;
	let cid = Cid::parse(cid.as_bytes()).map_err(|e| anyhow!("'{cid}' is not a CID MedFed accepts: {e:?}"))?;
	let hash = hash_arg("--sha256", sha256)?;
	let capsule = Capsule::parse(&hex_arg("--capsule", capsule)?)
		.map_err(|e| anyhow!("--capsule is not an Umbral capsule: {e:?}"))?;
	if size == 0 {
		bail!("--size must be the ciphertext's size in bytes, not 0");
	}
	Ok(chain::register_record_call(&patient, resource_type, &cid, &hash, &capsule, size, supersedes))
}

fn role_value(role: Role) -> Value {
	Value::unnamed_variant(
		match role {
			Role::Authority => "Authority",
			Role::Hospital => "Hospital",
			Role::Clinic => "Clinic",
			Role::Lab => "Lab",
		},
		[],
	)
}

/// Proposes `call` to the authority collective with a majority threshold and votes for it.
async fn motion(
	chain: &Chain,
	json: bool,
	call: subxt::transactions::DynamicPayload<Composite<()>>,
	signer: &subxt_signer::sr25519::Keypair,
) -> Result<()> {
	let authorities = chain.authority_count().await?;
	let threshold = authorities / 2 + 1;
	// With one authority the motion executes as it is proposed; otherwise the proposer votes.
	let proposal = chain.propose(call, threshold, signer).await?;
	if proposal.executed.is_none() {
		let index = proposal.index.context("the collective did not give the motion an index")?;
		chain.vote(proposal.hash, index, true, signer).await?;
	}
	report_motion(json, &proposal, threshold)
}

fn report_motion(json: bool, proposal: &chain::Proposal, threshold: u32) -> Result<()> {
	let hash = format!("0x{}", hex::encode(proposal.hash));
	match &proposal.executed {
		Some(Err(why)) => bail!("the motion executed and failed: {why}"),
		Some(Ok(())) => print(json, &serde_json::json!({ "motion": hash, "executed": true }), |_| {
			format!("Done: motion {hash} executed.")
		}),
		None => print(
			json,
			&serde_json::json!({ "motion": hash, "index": proposal.index, "threshold": threshold, "executed": false }),
			|_| {
				format!(
					"Motion {hash} (index {}) needs {threshold} votes; other authorities run:\n  ehr proposal vote --as <their key> {hash} {}",
					proposal.index.unwrap_or_default(),
					proposal.index.unwrap_or_default()
				)
			},
		),
	}
	Ok(())
}

async fn run(cli: Cli) -> Result<()> {
	let json = cli.json;
	let keystore = &cli.keystore;
	// Keystore commands need no chain.
	let command = match cli.command {
		Command::Keys(command) => return keys(keystore, json, &command),
		command => command,
	};
	let timeout = std::time::Duration::from_secs(cli.timeout);
	let chain = Chain::connect(&cli.url, timeout).await?;
	match command {
		Command::Keys(command) => keys(keystore, json, &command),
		Command::Upload { signer, patient, file, supersedes } => {
			let patient = account(&patient)?;
			let document = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
			let ipfs = ipfs::Ipfs::new(&cli.ipfs, timeout)?;
			let (record, timings) =
				storage::upload(&chain, &ipfs, &signer.keypair(keystore)?, &patient, &document, supersedes).await?;
			let view = RecordView::from(&record);
			print(json, &serde_json::json!({ "record": view, "timings": timings }), |_| {
				format!(
					"{}\n(encrypt {:.1} ms, IPFS add {:.1} ms, CID check {:.1} ms, inclusion {:.1} ms)",
					record_text(&view),
					timings.encrypt_ms,
					timings.ipfs_add_ms,
					timings.cid_check_ms,
					timings.inclusion_ms
				)
			});
			Ok(())
		},
		Command::Fetch { key, id, output } => {
			let identity = open_keystore(keystore)?.identity(&key)?;
			let ipfs = ipfs::Ipfs::new(&cli.ipfs, timeout)?;
			let document = zeroize::Zeroizing::new(storage::fetch(&chain, &ipfs, &identity, id).await?);
			if output.as_os_str() == "-" {
				use std::io::Write;
				std::io::stdout().write_all(&document)?;
			} else {
				write_private(&output, &document)?;
				eprintln!("record {id}: {} bytes decrypted to {}", document.len(), output.display());
			}
			Ok(())
		},
		Command::Institution(InstitutionCmd::Add { signer, account: who, role, name, proxy_key }) => {
			let who = account(&who)?;
			let role = Role::from(role);
			let key = proxy_key.map(|k| umbral_key_arg("--proxy-key", &k)).transpose()?;
			if (role == Role::Authority) != key.is_some() {
				bail!("an authority needs --proxy-key, and only an authority may have one");
			}
			let key = match key {
				Some(k) => Value::unnamed_variant("Some", [Value::from_bytes(k.0)]),
				None => Value::unnamed_variant("None", []),
			};
			let call = subxt::dynamic::tx(
				"Institutions",
				"admit",
				Composite::named([
					("institution", Value::from_bytes(who.0)),
					("role", role_value(role)),
					("name", Value::from_bytes(name.as_bytes())),
					("proxy_key", key),
				]),
			);
			motion(&chain, json, call, &signer.keypair(keystore)?).await
		},
		Command::Institution(InstitutionCmd::Remove { signer, account: who }) => {
			let who = account(&who)?;
			let call = subxt::dynamic::tx(
				"Institutions",
				"remove",
				Composite::named([("institution", Value::from_bytes(who.0))]),
			);
			motion(&chain, json, call, &signer.keypair(keystore)?).await
		},
		Command::Institution(InstitutionCmd::List) => {
			let list: Vec<InstitutionView> =
				chain.institutions().await?.iter().map(InstitutionView::from).collect();
			print(json, &list, institutions_text);
			Ok(())
		},
		Command::Institution(InstitutionCmd::Show { account: who }) => {
			let who = account(&who)?;
			let institution = chain.institution(&who).await?.ok_or_else(|| anyhow!("{who} is not an institution of this region"))?;
			print(json, &InstitutionView::from(&institution), institution_text);
			Ok(())
		},
		Command::Proposal(ProposalCmd::Vote { signer, hash, index, nay }) => {
			let hash = hash_arg("the motion hash", &hash)?;
			let key = signer.keypair(keystore)?;
			chain.vote(hash, index, !nay, &key).await?;
			let authorities = chain.authority_count().await?;
			let threshold = authorities / 2 + 1;
			// Close at once when the vote decided it: anyone may, and the voter is here.
			let proposal = if chain.motion_decided(hash).await? {
				chain.close(hash, index, &key).await?
			} else {
				chain::Proposal { hash, index: Some(index), executed: None }
			};
			report_motion(json, &proposal, threshold)
		},
		Command::Patient(PatientCmd::Register { signer, umbral_key, dev_key }) => {
			let key = match (umbral_key, dev_key, &signer.key) {
				(Some(k), _, _) => umbral_key_arg("--umbral-key", &k)?,
				(None, Some(name), _) => umbral::dev::public_key(&name),
				(None, None, Some(name)) => open_keystore(keystore)?.identity(name)?.umbral_public(),
				(None, None, None) => bail!("give --umbral-key or --dev-key, or sign with a keystore identity (--key)"),
			};
			let signer = signer.keypair(keystore)?;
			let call = subxt::dynamic::tx(
				"Records",
				"register_patient",
				Composite::named([("key", Value::from_bytes(key.0))]),
			);
			let included = chain.submit(call, &signer).await?;
			let who = signer.public_key().to_account_id();
			let patient = chain.reading_at(included.block).patient(&who).await?.context("the patient is not on chain after registering")?;
			print(json, &PatientView::new(&who, &patient), patient_text);
			Ok(())
		},
		Command::Patient(PatientCmd::Show { account: who }) => {
			let who = account(&who)?;
			let patient = chain.patient(&who).await?.ok_or_else(|| anyhow!("{who} is not a registered patient of this region"))?;
			print(json, &PatientView::new(&who, &patient), patient_text);
			Ok(())
		},
		Command::Record(RecordCmd::Register { signer, patient, resource_type, cid, sha256, capsule, size, supersedes }) => {
			let call = record_call(&patient, &resource_type, &cid, &sha256, &capsule, size, supersedes)?;
			let included = chain.submit(call, &signer.keypair(keystore)?).await?;
			let id = chain::registered_record_id(&included.events)?;
			let record = chain.reading_at(included.block).record(id).await?.context("the record is not on chain after registering")?;
			print(json, &RecordView::from(&record), record_text);
			Ok(())
		},
		Command::Directory(DirectoryCmd::Show { patient }) => {
			let patient = account(&patient)?;
			let known: std::collections::BTreeMap<u32, String> = chain
				.regions()
				.await?
				.into_iter()
				.map(|(id, name)| (id, String::from_utf8_lossy(&name).into_owned()))
				.collect();
			let regions: Vec<render::RegionView> = chain
				.regions_of(&patient)
				.await?
				.into_iter()
				.map(|id| render::RegionView { para_id: id, name: known.get(&id).cloned().unwrap_or_default() })
				.collect();
			let view = render::DirectoryView { patient: patient.to_string(), regions };
			print(json, &view, render::directory_text);
			Ok(())
		},
		Command::Directory(DirectoryCmd::Regions) => {
			let regions: Vec<render::RegionView> = chain
				.regions()
				.await?
				.into_iter()
				.map(|(id, name)| render::RegionView { para_id: id, name: String::from_utf8_lossy(&name).into_owned() })
				.collect();
			print(json, &regions, render::regions_text);
			Ok(())
		},
		Command::Record(RecordCmd::List { patient, start, limit }) => {
			let patient = account(&patient)?;
			let page = chain.records_of_patient(&patient, start, limit).await?;
			print(json, &page_view(&page, start), page_text);
			Ok(())
		},
		Command::Record(RecordCmd::Show { id }) => {
			let record = chain.record(id).await?.ok_or_else(|| anyhow!("no record {id} in this region"))?;
			let mut view = RecordView::from(&record);
			view.pins = chain
				.pin_status(id)
				.await?
				.into_iter()
				.map(|(authority, pinned_at)| PinView { authority: authority.to_string(), pinned_at })
				.collect();
			print(json, &view, record_text);
			Ok(())
		},
	}
}

fn keys(path: &Option<std::path::PathBuf>, json: bool, command: &KeysCmd) -> Result<()> {
	let mut store = open_keystore(path)?;
	match command {
		KeysCmd::New { name, kind, dev } => {
			let view = match dev {
				Some(dev) => store.create_development(name, *kind, dev)?,
				None => store.create(name, *kind)?,
			};
			print(json, &view, identity_text);
		},
		KeysCmd::List => print(json, &store.list()?, |list| {
			if list.is_empty() {
				return "The keystore has no identities yet: `ehr keys new <name> --kind <kind>`.".into();
			}
			list.iter().map(identity_text).collect::<Vec<_>>().join("\n\n")
		}),
	}
	Ok(())
}

fn identity_text(view: &keystore::IdentityView) -> String {
	format!(
		"{} ({}{})\n  account:    {}\n  umbral key: 0x{}",
		view.name,
		view.kind,
		if view.development { ", PUBLIC DEVELOPMENT KEYS" } else { "" },
		view.account,
		hex::encode(view.umbral_public_key.0)
	)
}

/// Writes a decrypted document readable by its owner only; refuses to overwrite a file.
fn write_private(path: &std::path::Path, data: &[u8]) -> Result<()> {
	use std::io::Write;
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options
		.open(path)
		.with_context(|| format!("cannot create {} (an existing file is never overwritten)", path.display()))?;
	file.write_all(data)?;
	Ok(())
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(error) = run(cli).await {
		eprintln!("error: {error:#}");
		std::process::exit(1);
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const CAPSULE: &str = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f817980279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f817980000000000000000000000000000000000000000000000000000000000000001";

	#[test]
	fn the_command_line_is_well_formed() {
		Cli::command().debug_assert();
	}

	#[test]
	fn record_arguments_are_checked_before_anything_is_sent() {
		let ok = |cid: &str, ty: &str, hash: &str, capsule: &str, size| {
			record_call(ALICE, ty, cid, hash, capsule, size, None).map(|_| ())
		};
		let cid = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
		let hash = "ab".repeat(32);
		assert!(ok(cid, "Bundle", &hash, CAPSULE, 10).is_ok());
		let err = |r: Result<()>| r.expect_err("refused").to_string();
		assert!(err(ok("Qm123", "Bundle", &hash, CAPSULE, 10)).contains("not a CID"));
		assert!(err(ok(cid, "bundle", &hash, CAPSULE, 10)).contains("FHIR R4"));
		assert!(err(ok(cid, "Bundle", "abcd", CAPSULE, 10)).contains("32 bytes"));
		assert!(err(ok(cid, "Bundle", &hash, &CAPSULE[..100], 10)).contains("Umbral capsule"));
		assert!(err(ok(cid, "Bundle", &hash, CAPSULE, 0)).contains("--size"));
		assert!(record_call("not-an-address", "Bundle", cid, &hash, CAPSULE, 1, None).is_err());
	}

	#[test]
	fn umbral_keys_are_checked() {
		let alice = umbral::dev::public_key("Alice");
		assert_eq!(umbral_key_arg("k", &format!("0x{}", hex::encode(alice.0))).expect("valid"), alice);
		// x ≥ p is no field element, so no point.
		assert!(umbral_key_arg("k", &format!("02{}", "ff".repeat(32))).is_err());
		assert!(umbral_key_arg("k", &"02".repeat(32)).is_err());
		assert!(umbral_key_arg("k", "zz").is_err());
	}

	#[test]
	fn the_signer_can_come_from_the_environment_only() {
		let cli = Cli::try_parse_from(["ehr", "record", "show", "3"]).expect("parses");
		assert!(matches!(cli.command, Command::Record(RecordCmd::Show { id: 3 })));
		let cli = Cli::try_parse_from(["ehr", "--json", "patient", "register", "--as", "//Alice", "--dev-key", "Alice"]).expect("parses");
		assert!(cli.json);
		assert!(Cli::try_parse_from(["ehr", "patient", "register"]).is_err(), "a signer is required");
	}
}
