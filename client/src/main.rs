//! # `ehr`: the MedFed command line client
//!
//! Talks to one region's chain over its WebSocket RPC endpoint:
//!
//! - `ehr institution add|remove|list|show`: the region's members. Adding or removing one is a
//!   motion of the authority collective; `ehr proposal vote` gives the other authorities' votes,
//!   and the motion executes once a majority approves.
//! - `ehr patient register|show`: a patient publishes the Umbral key records are encrypted to.
//! - `ehr record register|list|show`: record metadata, registered by member institutions.
//! - `ehr keys new|list`: identities (an account and an Umbral key pair) in a keystore file
//!   encrypted with a passphrase (EHR_PASSPHRASE, or asked for).
//! - `ehr upload`: encrypts a FHIR R4 JSON document to its patient, adds the ciphertext to the
//!   region's IPFS node and registers the record. `ehr fetch`: the patient fetches, checks and
//!   decrypts it.
//! - Sharing: `ehr keys publish` (a grantee's Umbral key), `ehr proxy set-account` (an
//!   authority's proxy), `ehr grant` and `grant extend`, `ehr revoke`, `ehr grants` (the
//!   patient's side); `ehr request`, `ehr read` (the grantee's); `ehr audit` (the patient's
//!   access history).
//!
//! Output is readable text, or JSON with `--json`. Every input is checked with the same code the
//! chain uses, so a bad CID or key is refused before it costs a fee.
//!
//! The command line is [`medfed_client::cli`]; [`medfed_client::commands`] runs it.

use clap::Parser;
use medfed_client::cli::Cli;

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(error) = medfed_client::commands::run(cli).await {
		eprintln!("error: {error:#}");
		std::process::exit(1);
	}
}
