//! # medfed-proxy
//!
//! An authority institution's re-encryption proxy: follows the region's open access requests
//! and answers each one the authority is a proxy of with capsule fragments, signed by the proxy
//! account the authority named.
//!
//! ```text
//! medfed-proxy --url ws://127.0.0.1:9944 --authority <SS58> --key <keystore identity>
//! medfed-proxy --url ws://127.0.0.1:9944 --dev-authority //Alice --as //Alice//stash   # development
//! ```
//!
//! The keystore passphrase comes from EHR_PASSPHRASE, or is asked for, as for `ehr`. `--once`
//! answers the requests open at the best block and exits. What it does at each block, and what
//! it logs, is [`medfed_client::proxy`]'s; this is its command line.

use clap::Parser;
use futures::StreamExt;
use medfed_client::{
	chain::{self, calls, Chain},
	keystore::Identity,
	proxy,
};
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};
use subxt::utils::AccountId32;

#[derive(Parser, Debug)]
#[command(
	name = "medfed-proxy",
	version,
	about = "An authority's re-encryption proxy: answers open access requests with capsule \
	         fragments",
	long_about = "An authority institution's re-encryption proxy. At every new best block it \
	              reads the open access requests, and for each one whose grant names the \
	              authority as a proxy it opens its key fragment of the grant, re-encrypts the \
	              requested records' capsules and submits the capsule fragments \
	              (Access.submit_fragments), signed by the proxy account. It logs one line per \
	              event on standard error, never a key, fragment, capsule or plaintext."
)]
struct Cli {
	/// WebSocket RPC endpoint of a node of the region.
	#[arg(long, env = "EHR_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,

	/// The authority institution this proxy works for (SS58).
	#[arg(long, value_name = "ACCOUNT", required_unless_present = "dev_authority")]
	authority: Option<String>,

	/// DEVELOPMENT ONLY: the proxy works for the public development authority //Name, and
	/// names its own account as that authority's proxy account first if the chain names
	/// another or none (signing as //Name, whose key anyone knows): what `scripts/launch.sh`
	/// runs for the development authorities. Never on a real network.
	#[arg(long, value_name = "//NAME", conflicts_with = "authority")]
	dev_authority: Option<String>,

	#[command(flatten)]
	identity: IdentityArgs,

	/// The keystore file (default: $XDG_DATA_HOME/medfed/keystore.json, as for `ehr`). Its
	/// passphrase comes from EHR_PASSPHRASE, or is asked for.
	#[arg(long, env = "EHR_KEYSTORE")]
	keystore: Option<PathBuf>,

	/// Seconds to wait for the node (connecting, a transaction's inclusion) before giving up
	/// on that attempt.
	#[arg(long, env = "EHR_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
	timeout: u64,

	/// Answer the requests open at the best block once, then exit.
	#[arg(long)]
	once: bool,
}

/// Who the proxy is.
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
struct IdentityArgs {
	/// The keystore identity the proxy runs as: its account is the proxy account the authority
	/// named (Access.set_proxy_account), its Umbral key the proxy key the authority registered.
	#[arg(long = "key", value_name = "NAME")]
	key: Option<String>,
	/// DEVELOPMENT ONLY: run as the public development identity //Name or //Name//more (signs
	/// with that account, re-encrypts with the development Umbral key Name, the proxy key of a
	/// development authority //Name). Anyone knows these keys: never on a real network.
	#[arg(
		long = "as",
		visible_alias = "suri",
		env = "EHR_SURI",
		hide_env_values = true,
		value_name = "//NAME"
	)]
	dev_suri: Option<String>,
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(error) = run(cli).await {
		eprintln!("error: {error:#}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> anyhow::Result<()> {
	let identity = proxy::load_identity(
		cli.identity.key.as_deref(),
		cli.identity.dev_suri.as_deref(),
		cli.keystore,
	)?;
	let timeout = Duration::from_secs(cli.timeout);
	let authority = match (&cli.authority, &cli.dev_authority) {
		(Some(authority), _) => chain::account(authority)?,
		(None, Some(suri)) => name_dev_proxy(&cli.url, timeout, suri, &identity).await?,
		(None, None) => anyhow::bail!("give --authority (or, for development, --dev-authority)"),
	};
	let settings = proxy::Settings { url: cli.url, authority, timeout, once: cli.once };
	proxy::run(settings, identity).await
}

/// Makes `identity`'s account the proxy account of the development authority `suri`, unless
/// the chain names it already, and waits until the node's best block names it (on a parachain
/// the block a transaction was first in can be dropped for another collator's); the
/// authority's account.
async fn name_dev_proxy(
	url: &str,
	timeout: Duration,
	suri: &str,
	identity: &Identity,
) -> anyhow::Result<AccountId32> {
	if !suri.starts_with("//") {
		anyhow::bail!("--dev-authority takes a development secret URI such as //Alice");
	}
	let authority = chain::keypair(suri)?;
	let who = authority.public_key().to_account_id();
	let ours = identity.signer.public_key().to_account_id();
	let chain = Chain::connect(url, timeout).await?;
	let give_up = Instant::now() + 5 * timeout;
	while chain.proxy_account(&who).await?.as_ref() != Some(&ours) {
		if Instant::now() > give_up {
			anyhow::bail!("the chain does not name {ours} the proxy account of {who}");
		}
		match chain.submit(calls::set_proxy_account(&ours), &authority).await {
			Ok(_) => eprintln!("medfed-proxy: named proxy_account={ours} authority={who}"),
			// The same transaction is still in the pool (its block was dropped): it goes in
			// with a later one.
			Err(error)
				if format!("{error:#}").contains("priority of the transaction is too low") => {},
			Err(error) => eprintln!(
				"medfed-proxy: failed to name proxy_account={ours} authority={who} \
				 reason=\"{error:#}\""
			),
		}
		// Looked at again two best blocks later (the subscription may first repeat older ones).
		let (_, now) = chain.reading_block().await?;
		let mut blocks = chain.best_blocks().await?;
		while let Some(block) = blocks.next().await {
			if block?.1 >= now.saturating_add(2) {
				break;
			}
		}
	}
	Ok(who)
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
	fn an_identity_is_required_and_only_one() {
		let base =
			["medfed-proxy", "--authority", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"];
		let parse = |extra: &[&str]| Cli::try_parse_from(base.iter().chain(extra));
		if std::env::var_os("EHR_SURI").is_none() {
			assert!(parse(&[]).is_err());
			assert!(parse(&["--key", "acme-proxy", "--as", "//Alice"]).is_err());
			let cli = parse(&["--key", "acme-proxy", "--once"]).unwrap();
			assert_eq!(cli.identity.key.as_deref(), Some("acme-proxy"));
			assert!(cli.once);
			let cli = parse(&["--suri", "//Alice//proxy"]).unwrap();
			assert_eq!(cli.identity.dev_suri.as_deref(), Some("//Alice//proxy"));
		}
	}

	#[test]
	fn a_development_authority_replaces_the_authority_account() {
		if std::env::var_os("EHR_SURI").is_some() {
			return;
		}
		let parse = |args: &[&str]| Cli::try_parse_from(args);
		let cli = parse(&["medfed-proxy", "--dev-authority", "//Alice", "--as", "//Alice//stash"])
			.expect("parses");
		assert_eq!(cli.dev_authority.as_deref(), Some("//Alice"));
		assert!(cli.authority.is_none());
		// One or the other, and one of them.
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let both = ["medfed-proxy", "--authority", alice, "--dev-authority", "//Alice"];
		assert!(parse(&[&both[..], &["--as", "//Alice//stash"]].concat()).is_err());
		assert!(parse(&["medfed-proxy", "--as", "//Alice//stash"]).is_err());
	}
}
