//! The `ehr` command line: the clap types, parsed by the binary and by tests alike.
//!
//! Only the shape of the command line lives here; [`crate::commands`] checks the arguments and
//! runs the commands.

use crate::keystore;
use clap::{Args, Parser, Subcommand, ValueEnum};
use medfed_primitives::Role;

#[derive(Parser, Debug)]
#[command(
	name = "ehr",
	version,
	about = "MedFed client: institutions, patients and encrypted health records on a region's chain"
)]
pub struct Cli {
	/// WebSocket RPC endpoint of a node of the region.
	#[arg(long, env = "EHR_URL", default_value = "ws://127.0.0.1:9944", global = true)]
	pub url: String,

	/// Print JSON instead of text.
	#[arg(long, global = true)]
	pub json: bool,

	/// The keystore file.
	#[arg(long, env = "EHR_KEYSTORE", global = true)]
	pub keystore: Option<std::path::PathBuf>,

	/// The region's IPFS node: its Kubo RPC API address.
	#[arg(long, env = "EHR_IPFS", default_value = "http://127.0.0.1:5001", global = true)]
	pub ipfs: String,

	/// Seconds to wait for the node (connecting, a transaction's inclusion) and for each IPFS
	/// request (an upload gets a second more per MiB) before giving up with an error.
	#[arg(long, env = "EHR_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
	pub timeout: u64,

	#[command(subcommand)]
	pub command: Command,
}

/// Who signs: an identity of the keystore, or a secret URI (`//Alice` for development, or a
/// mnemonic with optional derivation path).
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Signer {
	/// The keystore identity that signs.
	#[arg(long = "key", env = "EHR_KEY")]
	pub key: Option<String>,
	/// Secret URI of the signing account, instead of a keystore identity. Prefer the EHR_SURI
	/// variable: command lines are visible to other users of the machine.
	#[arg(long = "as", env = "EHR_SURI", hide_env_values = true)]
	pub suri: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
	/// The region's member institutions.
	#[command(subcommand)]
	Institution(InstitutionCmd),
	/// Motions of the authority collective: votes, and runtime upgrades.
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
	/// The re-encryption proxies of the region's authorities.
	#[command(subcommand)]
	Proxy(ProxyCmd),
	/// Grants, as a patient, access to some of their records (`grant extend`: wraps records
	/// registered since).
	Grant(GrantArgs),
	/// Revokes, as the patient, a grant: finally; its open requests are denied.
	Revoke {
		#[command(flatten)]
		signer: Signer,
		/// The grant's id.
		grant: u64,
	},
	/// Lists the grants an identity made as patient and holds as grantee, with their state.
	Grants {
		/// The keystore identity whose grants to list, made and held.
		#[arg(long = "key", env = "EHR_KEY")]
		key: Option<String>,
		/// Only the grants this patient made (SS58); instead of --key.
		#[arg(long, conflicts_with = "grantee", value_name = "ACCOUNT")]
		patient: Option<String>,
		/// Only the grants this grantee holds (SS58); instead of --key.
		#[arg(long, value_name = "ACCOUNT")]
		grantee: Option<String>,
	},
	/// Asks, as a grantee, to read records under a grant, for a purpose.
	Request {
		#[command(flatten)]
		signer: Signer,
		/// The grant's id.
		#[arg(long, value_name = "GRANT")]
		grant: u64,
		/// The records to read, by id: `3,7`.
		#[arg(long, value_delimiter = ',', required = true, value_name = "IDS")]
		records: Vec<u64>,
		/// Why, for the patient's audit trail: "referral", "emergency", …
		#[arg(long)]
		purpose: String,
	},
	/// Reads, as the grantee, the records of a request once the proxies have answered it:
	/// re-encrypted keys from the chain, ciphertexts from IPFS, FHIR JSON to files.
	Read {
		/// The grantee's keystore identity.
		#[arg(long = "key", env = "EHR_KEY")]
		key: String,
		/// The request's id, as `ehr request` printed it.
		#[arg(long, value_name = "REQUEST")]
		request: u64,
		/// Where to write: a file for one record (`-` for standard output), a directory
		/// (created; or a path ending with `/`) for several, one `<record id>.json` each.
		#[arg(long, short, value_name = "PATH")]
		output: std::path::PathBuf,
		/// Wait at most this many seconds for the proxies' answer (0: do not wait).
		#[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=3600), value_name = "SECONDS")]
		wait: u64,
	},
	/// Complains, as the grantee, about a capsule fragment that failed `ehr read`'s check: the
	/// chain verifies it, removes it and bars its proxy from the request if it is wrong (free of
	/// charge), and refuses the complaint if it is right (you pay). `ehr read` prints the command.
	Complain {
		#[command(flatten)]
		signer: Signer,
		/// The request's id.
		#[arg(long, value_name = "REQUEST")]
		request: u64,
		/// The record the fragment is for.
		#[arg(long, value_name = "RECORD")]
		record: u64,
		/// The authority whose proxy issued the fragment (SS58), as `ehr read` names it, or
		/// that proxy's own account.
		#[arg(long, value_name = "ACCOUNT")]
		proxy: String,
	},
	/// A patient's access history: every grant, extension, revocation, request, denial,
	/// re-encryption, fulfilment, expiry and upheld complaint.
	Audit {
		/// The patient's keystore identity.
		#[arg(long = "key", env = "EHR_KEY")]
		key: Option<String>,
		/// The patient's account (SS58); instead of --key.
		#[arg(long, value_name = "ACCOUNT")]
		patient: Option<String>,
	},
	/// Asks, as a practitioner or institution, every region of the federation for the records
	/// of a patient it may read under the patient's live grants there, and follows the query
	/// until it ends (`--read-from`: reads the records of another region's grant instead;
	/// `query show`: an earlier query; `query dismiss`: its deposit back).
	Query(QueryArgs),
}

/// `ehr query`: asks every region about a patient, or (`--read-from`, `--grant`, `--output`)
/// reads the records another region's grant shares with the signer; `ehr query show` and `ehr
/// query dismiss`.
///
/// The signer and `--patient` are required when no subcommand is given; clap checks that (they
/// are optional only so that `query show` and `query dismiss` parse without them). `--read-from`,
/// `--grant` and `--output` go together.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct QueryArgs {
	#[command(subcommand)]
	pub action: Option<QueryCmd>,
	#[command(flatten)]
	pub signer: Signer,
	/// The patient whose records to look for (SS58).
	#[arg(long, required = true, value_name = "ACCOUNT")]
	pub patient: Option<String>,
	/// Read, instead of asking every region for metadata: the para id of the region that holds
	/// the grant (another region than this one). Needs --grant and --output, and the signer as
	/// a keystore identity (--key), whose Umbral key opens the records.
	#[arg(long, value_name = "REGION", requires_all = ["grant", "output"])]
	pub read_from: Option<u32>,
	/// The grant to read under, as the region of --read-from numbers it (`ehr query` lists it
	/// with each record; `ehr grants` there lists them).
	#[arg(long, value_name = "GRANT", requires = "read_from")]
	pub grant: Option<u64>,
	/// For a read, where to write: a file for one record (`-` for standard output), a
	/// directory (created; or a path ending with `/`) for several, one `<record id>.json` each.
	#[arg(long, short, value_name = "PATH", requires = "read_from")]
	pub output: Option<std::path::PathBuf>,
	/// Follow the query at most this many seconds, block by block, until it ends (0: look
	/// once); it goes on without `ehr`, and `ehr query show` finds it later.
	#[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=3600), value_name = "SECONDS")]
	pub wait_seconds: u64,
}

/// What `ehr query` does to a query already asked.
#[derive(Subcommand, Debug)]
pub enum QueryCmd {
	/// Shows a query asked in this region: where it is or how it ended, and every region's
	/// answer.
	Show {
		/// The query's number in this region, as `ehr query` printed it.
		nonce: u64,
	},
	/// Removes, as its requester, a query that has ended, and its answers; releases its deposit.
	Dismiss {
		#[command(flatten)]
		signer: Signer,
		/// The query's number in this region.
		nonce: u64,
	},
}

#[derive(Subcommand, Debug)]
pub enum ProxyCmd {
	/// Names, as an authority, the account its proxy submits re-encryptions with.
	SetAccount {
		#[command(flatten)]
		signer: Signer,
		/// The proxy's account (SS58): its own, not the authority's.
		account: String,
	},
}

/// `ehr grant`: makes a grant; `ehr grant extend`: wraps newer records to one.
///
/// The options are required when no subcommand is given; clap checks that (they are `Option`s
/// only so that `grant extend` parses without them).
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct GrantArgs {
	#[command(subcommand)]
	pub action: Option<GrantCmd>,
	/// The patient's keystore identity (its Umbral secret key wraps the records).
	#[arg(long = "key", env = "EHR_KEY", required = true)]
	pub key: Option<String>,
	/// The grantee's account (SS58): a practitioner or an institution that ran `ehr keys
	/// publish`.
	#[arg(long, required = true, value_name = "ACCOUNT")]
	pub to: Option<String>,
	#[command(flatten)]
	pub scope: ScopeArgs,
	/// How many of the proxies must answer for the grantee to read (1 to the number of the
	/// region's authorities).
	#[arg(long, required = true, value_name = "M")]
	pub threshold: Option<u8>,
	/// How many blocks from now the grant runs (a block is about 6 s).
	#[arg(long, required = true, value_name = "BLOCKS")]
	pub expires_in: Option<u32>,
}

/// Which of the patient's records a grant opens: exactly one of these.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct ScopeArgs {
	/// Every record, and those registered later once wrapped with `grant extend`.
	#[arg(long)]
	pub all: bool,
	/// Records of these FHIR R4 resource types: `Observation,Condition`.
	#[arg(long, value_delimiter = ',', value_name = "TYPES")]
	pub types: Vec<String>,
	/// These records, by id: `3,7`.
	#[arg(long, value_delimiter = ',', value_name = "IDS")]
	pub records: Vec<u64>,
}

#[derive(Subcommand, Debug)]
pub enum GrantCmd {
	/// Wraps to a live grant the records in its scope that it does not hold yet: those
	/// registered since it was made.
	Extend {
		/// The patient's keystore identity.
		#[arg(long = "key", env = "EHR_KEY")]
		key: String,
		/// The grant's id.
		grant: u64,
	},
}

#[derive(Subcommand, Debug)]
pub enum KeysCmd {
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
	/// Publishes the signer's Umbral public key for access grants (`Access.register_key`):
	/// patients can then grant it access. Needs the chain.
	Publish {
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
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
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
pub enum InstitutionCmd {
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
pub enum ProposalCmd {
	/// Upgrades the chain's runtime, as an authority: proposes the motion that authorizes the
	/// code's hash (two thirds of the authorities), and sends the code once it has passed.
	/// Run it again with the same file after the other authorities' votes.
	Upgrade {
		#[command(flatten)]
		signer: Signer,
		/// The runtime's wasm, as the wasm builder wrote it (`*.compact.compressed.wasm`).
		file: std::path::PathBuf,
	},
	/// Proposes, as an authority, any call of the chain as a motion of its collective: the
	/// motion dispatches it with the collective's origin, or with --root as root (through
	/// `Governance.enact`, which takes two thirds). The call's own origin check decides whether
	/// the motion's votes are enough.
	Call {
		#[command(flatten)]
		signer: Signer,
		/// The pallet, as the chain's metadata names it (`Directory`, `Federation`, …).
		pallet: String,
		/// The call, as the metadata names it (`add_region`, …).
		call: String,
		/// The call's arguments in scale-value's syntax: `{ name: value, … }`, or `( … )` in
		/// order; SS58 addresses and 0x-hex bytes as they are, variants by name with their
		/// fields in brackets (`Hospital()`, `Some(5)`, `None()`). Default: none.
		args: Option<String>,
		/// Dispatch the call as root (two thirds of the collective).
		#[arg(long)]
		root: bool,
		/// A majority of the collective suffices (the default asks two thirds, which every
		/// origin of the collective accepts).
		#[arg(long, conflicts_with = "root")]
		majority: bool,
	},
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
pub enum PatientCmd {
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
pub enum DirectoryCmd {
	/// The regions that hold records of a patient.
	Show {
		/// The patient's account (SS58).
		patient: String,
	},
	/// The federation's regions.
	Regions,
}

#[derive(Subcommand, Debug)]
pub enum RecordCmd {
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
		/// The wrapped document key, 72 bytes in hex.
		#[arg(long)]
		wrapped_key: String,
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
	/// Voids a record registered in bad faith or in error, as an authority: a motion of the
	/// authority collective, like `institution add`. The record stays on chain, marked, and
	/// is not served.
	Void {
		#[command(flatten)]
		signer: Signer,
		/// The record's id.
		id: u64,
	},
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;

	#[test]
	fn the_command_line_is_well_formed() {
		Cli::command().debug_assert();
	}

	#[test]
	fn every_command_has_help_and_the_sharing_commands_are_listed() {
		fn walk(command: &mut clap::Command, path: &str, seen: &mut Vec<String>) {
			let help = command.render_long_help().to_string();
			assert!(help.contains("Usage:"), "{path}: {help}");
			assert!(
				path == "ehr" || command.get_about().is_some(),
				"{path} has no description in --help"
			);
			seen.push(path.to_owned());
			for sub in command.get_subcommands_mut() {
				let name = format!("{path} {}", sub.get_name());
				walk(sub, &name, seen);
			}
		}
		let mut seen = Vec::new();
		walk(&mut Cli::command(), "ehr", &mut seen);
		for command in [
			"ehr keys publish",
			"ehr proxy set-account",
			"ehr grant",
			"ehr grant extend",
			"ehr revoke",
			"ehr grants",
			"ehr request",
			"ehr read",
			"ehr complain",
			"ehr audit",
			"ehr query",
			"ehr query show",
			"ehr query dismiss",
		] {
			assert!(seen.iter().any(|s| s == command), "{command} is missing: {seen:?}");
		}
		for line in [
			&["ehr", "keys", "publish", "--key", "bob"][..],
			&["ehr", "proxy", "set-account", "--as", "//Alice", "5Grw"],
			&["ehr", "revoke", "--key", "ferdie", "4"],
			&["ehr", "grants", "--grantee", "5Grw"],
			&["ehr", "read", "--key", "bob", "--request", "2", "-o", "out"],
			&["ehr", "audit", "--patient", "5Grw"],
			&[
				"ehr",
				"complain",
				"--key",
				"bob",
				"--request",
				"2",
				"--record",
				"7",
				"--proxy",
				"5G",
			],
			&[
				"ehr",
				"complain",
				"--as",
				"//Bob",
				"--request",
				"2",
				"--record",
				"7",
				"--proxy",
				"5G",
			],
		] {
			Cli::try_parse_from(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
		}
		let read = Cli::try_parse_from(["ehr", "read", "--key", "b", "--request", "2", "-o", "x"])
			.expect("parses");
		assert!(matches!(read.command, Command::Read { wait: 300, .. }), "waits 300 s by default");
		assert!(Cli::try_parse_from([
			"ehr",
			"read",
			"--key",
			"b",
			"--request",
			"2",
			"-o",
			"x",
			"--wait",
			"3601"
		])
		.is_err());
	}

	#[test]
	fn query_asks_with_a_signer_and_a_patient_and_show_and_dismiss_take_a_number() {
		let asked =
			Cli::try_parse_from(["ehr", "query", "--key", "dave", "--patient", "5Grw", "--json"])
				.expect("parses");
		assert!(asked.json);
		match asked.command {
			Command::Query(QueryArgs {
				action: None,
				signer,
				patient,
				read_from,
				grant,
				output,
				wait_seconds,
			}) => {
				assert_eq!(signer.key.as_deref(), Some("dave"));
				assert_eq!(patient.as_deref(), Some("5Grw"));
				assert_eq!(wait_seconds, 300, "follows the query 300 s by default");
				assert_eq!((read_from, grant, output), (None, None, None), "a metadata query");
			},
			other => panic!("not a query: {other:?}"),
		}
		let once = Cli::try_parse_from([
			"ehr",
			"query",
			"--as",
			"//Dave",
			"--patient",
			"5Grw",
			"--wait-seconds",
			"0",
		])
		.expect("parses");
		assert!(matches!(
			once.command,
			Command::Query(QueryArgs { action: None, wait_seconds: 0, .. })
		));
		let show = Cli::try_parse_from(["ehr", "query", "show", "3", "--json"]).expect("parses");
		assert!(show.json);
		assert!(matches!(
			show.command,
			Command::Query(QueryArgs { action: Some(QueryCmd::Show { nonce: 3 }), .. })
		));
		let dismiss =
			Cli::try_parse_from(["ehr", "query", "dismiss", "--key", "dave", "3"]).expect("parses");
		match dismiss.command {
			Command::Query(QueryArgs {
				action: Some(QueryCmd::Dismiss { signer, nonce }), ..
			}) => {
				assert_eq!((signer.key.as_deref(), nonce), (Some("dave"), 3));
			},
			other => panic!("not a dismissal: {other:?}"),
		}

		let refused = |line: &[&str]| Cli::try_parse_from(line).is_err();
		assert!(refused(&["ehr", "query", "--key", "dave"]), "--patient is required");
		assert!(refused(&["ehr", "query", "--patient", "5Grw"]), "a signer is required");
		assert!(
			refused(&["ehr", "query", "--key", "d", "--as", "//Dave", "--patient", "5Grw"]),
			"one signer only"
		);
		assert!(refused(&[
			"ehr",
			"query",
			"--key",
			"d",
			"--patient",
			"5G",
			"--wait-seconds",
			"3601"
		]));
		assert!(refused(&["ehr", "query", "show"]), "show needs a number");
		assert!(refused(&["ehr", "query", "show", "three"]));
		assert!(refused(&["ehr", "query", "dismiss", "3"]), "dismiss needs a signer");
		assert!(
			refused(&["ehr", "query", "--patient", "5Grw", "show", "3"]),
			"a new query's options do not mix with show"
		);
	}

	#[test]
	fn query_reads_another_regions_grant_with_read_from_grant_and_output_together() {
		let read = Cli::try_parse_from([
			"ehr",
			"query",
			"--key",
			"dave",
			"--patient",
			"5Grw",
			"--read-from",
			"2000",
			"--grant",
			"4",
			"--output",
			"shared.json",
			"--wait-seconds",
			"120",
		])
		.expect("parses");
		match read.command {
			Command::Query(QueryArgs {
				action: None,
				signer,
				patient,
				read_from,
				grant,
				output,
				wait_seconds,
			}) => {
				assert_eq!(signer.key.as_deref(), Some("dave"));
				assert_eq!(patient.as_deref(), Some("5Grw"));
				assert_eq!((read_from, grant), (Some(2000), Some(4)));
				assert_eq!(output, Some(std::path::PathBuf::from("shared.json")));
				assert_eq!(wait_seconds, 120);
			},
			other => panic!("not a query: {other:?}"),
		}
		let short = Cli::try_parse_from([
			"ehr",
			"query",
			"--key",
			"dave",
			"--patient",
			"5Grw",
			"--read-from",
			"2000",
			"--grant",
			"4",
			"-o",
			"out/",
		])
		.expect("parses");
		assert!(
			matches!(
				short.command,
				Command::Query(QueryArgs { output: Some(ref o), wait_seconds: 300, .. })
					if o.as_os_str() == "out/"
			),
			"-o is --output, and a read waits 300 s by default"
		);

		let base = ["ehr", "query", "--key", "dave", "--patient", "5Grw"];
		let refused = |more: &[&str]| {
			let line: Vec<&str> = base.iter().chain(more).copied().collect();
			Cli::try_parse_from(line).is_err()
		};
		assert!(refused(&["--grant", "4"]), "--grant without --read-from");
		assert!(refused(&["--grant", "4", "--output", "x.json"]), "--grant without --read-from");
		assert!(
			refused(&["--read-from", "2000", "--output", "x.json"]),
			"--read-from needs --grant"
		);
		assert!(refused(&["--read-from", "2000", "--grant", "4"]), "a read needs --output");
		assert!(refused(&["--output", "x.json"]), "--output is for a read only");
		assert!(refused(&["--read-from", "two", "--grant", "4", "-o", "x"]), "a para id");
		assert!(refused(&["--read-from", "2000", "--grant", "-1", "-o", "x"]), "a grant id");
		assert!(
			Cli::try_parse_from([
				"ehr",
				"query",
				"--read-from",
				"2000",
				"--grant",
				"4",
				"-o",
				"x",
				"show",
				"3"
			])
			.is_err(),
			"a read's options do not mix with show"
		);
	}

	#[test]
	fn the_signer_can_come_from_the_environment_only() {
		let cli = Cli::try_parse_from(["ehr", "record", "show", "3"]).expect("parses");
		assert!(matches!(cli.command, Command::Record(RecordCmd::Show { id: 3 })));
		let cli = Cli::try_parse_from([
			"ehr",
			"--json",
			"patient",
			"register",
			"--as",
			"//Alice",
			"--dev-key",
			"Alice",
		])
		.expect("parses");
		assert!(cli.json);
		assert!(
			Cli::try_parse_from(["ehr", "patient", "register"]).is_err(),
			"a signer is required"
		);
	}
}
