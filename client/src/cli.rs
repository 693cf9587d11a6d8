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
