//! What `ehr` does: one module per command group, and [`run`], which dispatches a parsed
//! command line to it.
//!
//! - `institution`: `ehr institution add|remove|list|show`, the region's members.
//! - `proposal`: `ehr proposal vote`, and the motions of the authority collective that adding
//!   or removing an institution proposes.
//! - `patient`: `ehr patient register|show`.
//! - `record`: `ehr record register|list|show`, record metadata.
//! - `directory`: `ehr directory show|regions`, the coordinator's patient directory.
//! - `keys`: `ehr keys new|list`, the keystore, which need no chain; `ehr keys publish`, an
//!   identity's Umbral key for access grants.
//! - `storage`: `ehr upload` and `ehr fetch`, encrypted records on IPFS.
//! - `access`: sharing records: `ehr grant` (and `grant extend`), `revoke`, `grants`, `request`,
//!   `complain`, `audit`, `proxy set-account`; `read`: `ehr read`, the grantee's side.
//! - `query`: `ehr query`, `query show`, `query dismiss`: cross-region queries, asked here and
//!   answered by every region that holds records of the patient; `query_read`: `ehr query
//!   --read-from`, reading the records of another region's grant from here.
//!
//! The commands only pick their arguments: `args` checks them, [`crate::chain::calls`] builds
//! the calls, [`crate::render`] prints what comes back. The sharing and query commands'
//! arguments are checked before `ehr` connects.

mod access;
mod args;
mod directory;
mod institution;
mod keys;
mod patient;
mod proposal;
mod query;
mod query_read;
mod read;
mod record;
mod storage;

use crate::{
	chain::Chain,
	cli::{Cli, Command, KeysCmd},
};
use anyhow::Result;
use std::{path::PathBuf, time::Duration};

/// What the commands that talk to a region share: its chain and the global options.
struct Context {
	/// The region's chain (`--url`).
	chain: Chain,
	/// Print JSON instead of text (`--json`).
	json: bool,
	/// The keystore file (`--keystore`); `None`: the default.
	keystore: Option<PathBuf>,
	/// The region's IPFS node (`--ipfs`).
	ipfs: String,
	/// How long to wait for the node and for each IPFS request (`--timeout`).
	timeout: Duration,
}

/// Runs the command `cli` names.
pub async fn run(cli: Cli) -> Result<()> {
	let json = cli.json;
	let keystore = cli.keystore;
	// Keystore commands need no chain.
	let command = match cli.command {
		Command::Keys(command) if !matches!(command, KeysCmd::Publish { .. }) =>
			return keys::run(&keystore, json, &command),
		command => command,
	};
	access::check_arguments(&command)?;
	query::check_arguments(&command)?;
	let timeout = Duration::from_secs(cli.timeout);
	let chain = Chain::connect(&cli.url, timeout).await?;
	let context = Context { chain, json, keystore, ipfs: cli.ipfs, timeout };
	match command {
		Command::Keys(KeysCmd::Publish { signer, umbral_key, dev_key }) =>
			keys::publish(&context, &signer, umbral_key.as_deref(), dev_key.as_deref()).await,
		Command::Keys(command) => keys::run(&context.keystore, json, &command),
		Command::Institution(command) => institution::run(&context, command).await,
		Command::Proposal(command) => proposal::run(&context, command).await,
		Command::Patient(command) => patient::run(&context, command).await,
		Command::Record(command) => record::run(&context, command).await,
		Command::Directory(command) => directory::run(&context, command).await,
		Command::Upload { signer, patient, file, supersedes } =>
			storage::upload(&context, &signer, &patient, &file, supersedes).await,
		Command::Fetch { key, id, output } => storage::fetch(&context, &key, id, &output).await,
		Command::Proxy(command) => access::proxy(&context, command).await,
		Command::Grant(args) => access::grant(&context, args).await,
		Command::Revoke { signer, grant } => access::revoke(&context, &signer, grant).await,
		Command::Grants { key, patient, grantee } =>
			access::grants(&context, key, patient, grantee).await,
		Command::Request { signer, grant, records, purpose } =>
			access::request(&context, &signer, grant, &records, &purpose).await,
		Command::Read { key, request, output, wait } =>
			read::read(&context, &key, request, &output, wait).await,
		Command::Complain { signer, request, record, proxy } =>
			access::complain(&context, &signer, request, record, &proxy).await,
		Command::Audit { key, patient } => access::audit(&context, key, patient).await,
		Command::Query(args) => query::run(&context, args).await,
	}
}
