//! Cross-region queries: `ehr query` (asks every region of the federation about a patient and
//! follows the query until it ends; with `--read-from`, reads another region's grant:
//! [`super::query_read`]), `ehr query show` and `ehr query dismiss`.
//!
//! The region answers what it holds at once, in the block that takes the query; the coordinator
//! forwards the query to the other regions holding records of the patient, which answer straight
//! back. `ehr` follows the query block by block through `FederationApi_query` until it ends, at
//! most `--wait-seconds`, and prints every region's answer: the metadata of the records the
//! requester may read there under the patient's live grants, never their content.

use super::{query_read, Context};
use crate::{
	chain::{
		account, calls,
		federation::{Query, QueryId, QueryKind},
		BlockHash, Chain, Config,
	},
	cli::{Command, QueryArgs, QueryCmd, Signer},
	render::{dismiss_text, print, query_id_text, query_text, units_text, DismissView, QueryView},
};
use anyhow::{anyhow, bail, Context as _, Result};
use futures::StreamExt;
use std::time::Duration;
use subxt::{
	dynamic::{At, Value},
	extrinsics::ExtrinsicEvents,
	utils::AccountId32,
};
use subxt_signer::sr25519::Keypair;

/// Checks a new query's patient, and a read's signer and output, before `ehr` connects: a bad
/// address is refused without a node.
pub(super) fn check_arguments(command: &Command) -> Result<()> {
	match command {
		Command::Query(QueryArgs { action: None, patient, signer, output, .. }) => {
			patient_arg(patient.as_deref())?;
			match output {
				Some(output) => query_read::check_arguments(signer.key.as_deref(), output),
				None => Ok(()),
			}
		},
		_ => Ok(()),
	}
}

/// The patient `--patient` names.
fn patient_arg(patient: Option<&str>) -> Result<AccountId32> {
	account(patient.context("--patient ACCOUNT (whose records to look for) is required")?)
}

/// Runs `ehr query`, `ehr query show` and `ehr query dismiss`.
pub(super) async fn run(context: &Context, args: QueryArgs) -> Result<()> {
	let QueryArgs { action, signer, patient, read_from, grant, output, wait_seconds } = args;
	let wait = Duration::from_secs(wait_seconds);
	match action {
		Some(QueryCmd::Show { nonce }) => show(context, nonce).await,
		Some(QueryCmd::Dismiss { signer, nonce }) => dismiss(context, &signer, nonce).await,
		None => {
			let patient = patient_arg(patient.as_deref())?;
			match (read_from, grant, output) {
				(None, None, None) => ask(context, &signer, &patient, wait).await,
				(Some(region), Some(grant), Some(output)) => {
					let key = signer.key.as_deref().context(
						"a read opens the records with the grantee's Umbral secret key: sign \
						 with --key",
					)?;
					query_read::read(context, key, &patient, (region, grant), &output, wait).await
				},
				_ => bail!("--read-from, --grant and --output go together"),
			}
		},
	}
}

/// What the chain's refusals of the federation's calls mean for the user, to add to the
/// runtime's own explanation; `deposit` is the region's `QueryDeposit`, when known.
pub(super) fn hint(error: &str, deposit: Option<u128>) -> Option<String> {
	let deposit = deposit.map(units_text).unwrap_or_else(|| "a deposit".into());
	let hint = if error.contains("Federation.CannotHoldDeposit") {
		format!(
			"A query holds {deposit} of the requester's until `ehr query dismiss`: the signer \
			 does not have that much free. Fund the account, or dismiss its ended queries \
			 (`ehr query show NUMBER` finds them)."
		)
	} else if error.contains("Federation.TooManyOpenQueries") {
		"The region has as many queries open as it allows; each ends by its deadline, so try \
		 again in a few blocks."
			.into()
	} else if error.contains("Federation.QueryOpen") {
		"The query has not ended: dismiss it once `ehr query show` says it has.".into()
	} else if error.contains("Federation.NotRequester") {
		"Only the account that asked the query dismisses it.".into()
	} else if error.contains("Federation.ReadHere") {
		"The grant is this region's own: read it here, with `ehr request` and `ehr read`; \
		 `--read-from` reads another region's."
			.into()
	} else if error.contains("Federation.UnknownQuery") {
		"No query of that number is kept in this region: never asked, or dismissed already.".into()
	} else {
		return None;
	};
	Some(hint)
}

/// `error` with [`hint`]'s words added, when it has some.
async fn explained(chain: &Chain, error: anyhow::Error) -> anyhow::Error {
	let message = format!("{error:#}");
	let deposit = if message.contains("Federation.CannotHoldDeposit") {
		chain.query_deposit().await.ok()
	} else {
		None
	};
	match hint(&message, deposit) {
		Some(hint) => anyhow!("{message}\n{hint}"),
		None => error,
	}
}

/// The query id in the `Federation.QueryAsked` event among `events`.
fn asked_query(events: &ExtrinsicEvents<Config>) -> Result<QueryId> {
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() != "Federation" || event.event_name() != "QueryAsked" {
			continue;
		}
		let fields: Value = event.decode_fields_unchecked_as::<Value>()?;
		let query = fields.at("query").context("Federation.QueryAsked without its query")?;
		let number = |field: &str| {
			query
				.at(field)
				.and_then(|v| v.as_u128())
				.ok_or_else(|| anyhow!("Federation.QueryAsked: the query id has no {field}"))
		};
		let region = u32::try_from(number("region")?).context("a para id beyond u32")?;
		let nonce = u64::try_from(number("nonce")?).context("a query number beyond u64")?;
		return Ok(QueryId { region, nonce });
	}
	bail!("the chain reported no Federation.QueryAsked event")
}

/// Query `nonce` read at `block`, or an error saying it is not kept.
async fn query_at(chain: &Chain, block: BlockHash, nonce: u64) -> Result<Query> {
	chain.reading_at(block).query(nonce).await?.ok_or_else(|| {
		anyhow!("no query {nonce} in this region: never asked here, or dismissed by its requester")
	})
}

/// Follows query `nonce`, which block `from` holds, block by block until it ends, at most
/// `wait`. Returns the last block read and the query there: ended, or still open when the wait
/// ran out.
async fn follow(
	chain: &Chain,
	from: BlockHash,
	nonce: u64,
	wait: Duration,
) -> Result<(BlockHash, Query)> {
	let mut last = (from, query_at(chain, from, nonce).await?);
	if last.1.ended().is_some() || wait.is_zero() {
		return Ok(last);
	}
	let until = tokio::time::Instant::now() + wait;
	let mut blocks = chain.best_blocks().await?;
	loop {
		let step = tokio::time::timeout_at(until, async {
			let (block, _) = blocks.next().await.context("lost the node's best blocks")??;
			// A best block of another collator's fork may not hold the query yet: skip it.
			Ok::<_, anyhow::Error>((block, chain.reading_at(block).query(nonce).await?))
		})
		.await;
		let Ok(step) = step else { return Ok(last) };
		if let (block, Some(query)) = step? {
			last = (block, query);
			if last.1.ended().is_some() {
				return Ok(last);
			}
		}
	}
}

/// Query `id` as it stands at `block`, with its answers, ready to print.
async fn view_at(chain: &Chain, block: BlockHash, id: QueryId, query: &Query) -> Result<QueryView> {
	let at = chain.reading_at(block);
	let answers = at.query_answers(id.nonce).await?;
	let relay_block = at.relay_block().await?;
	Ok(QueryView::new(id, query, &answers, relay_block))
}

/// Asks query `kind` about `patient`, signed by `keypair`, and follows it until it ends, at most
/// `wait`, saying so on standard error (`what`: what the query does, after "query N asked").
/// Returns its id, and the block it was last read at with its state there. For `ehr query` and
/// `ehr query --read-from`.
pub(super) async fn ask_and_follow(
	chain: &Chain,
	(patient, kind): (&AccountId32, QueryKind),
	keypair: &Keypair,
	wait: Duration,
	what: &str,
) -> Result<(QueryId, BlockHash, Query)> {
	let included = match chain.submit(calls::query(patient, kind), keypair).await {
		Ok(included) => included,
		Err(error) => return Err(explained(chain, error).await),
	};
	let id = asked_query(&included.events)?;
	let started = query_at(chain, included.block, id.nonce).await?;
	if started.ended().is_none() && !wait.is_zero() {
		eprintln!(
			"query {} asked{what}; following it until it ends (due at relay block {}; at most {} \
			 s)…",
			query_id_text(&id),
			started.deadline,
			wait.as_secs()
		);
	}
	let (block, query) = follow(chain, included.block, id.nonce, wait).await?;
	Ok((id, block, query))
}

/// Runs `ehr query`: the signer asks every region about `patient`'s records, and follows the
/// query until it ends, at most `wait`.
async fn ask(
	context: &Context,
	signer: &Signer,
	patient: &AccountId32,
	wait: Duration,
) -> Result<()> {
	let chain = &context.chain;
	let keypair = signer.keypair(&context.keystore)?;
	let (id, block, query) =
		ask_and_follow(chain, (patient, QueryKind::Records), &keypair, wait, "").await?;
	let view = view_at(chain, block, id, &query).await?;
	print(context.json, &view, query_text);
	if query.ended().is_none() {
		still_open(&id, wait);
	}
	Ok(())
}

/// Says on standard error that query `id` is still open after `wait`, and how to find it.
fn still_open(id: &QueryId, wait: Duration) {
	eprintln!(
		"query {} is still open after {} s; it goes on without `ehr`: see it with `ehr query show \
		 {}`, and once it has ended, get the deposit back with `ehr query dismiss {}`",
		query_id_text(id),
		wait.as_secs(),
		id.nonce,
		id.nonce
	);
}

/// Runs `ehr query show`: query `nonce` of this region, at the best block.
async fn show(context: &Context, nonce: u64) -> Result<()> {
	let (block, _) = context.chain.reading_block().await?;
	let chain = context.chain.reading_at(block);
	let query = query_at(&chain, block, nonce).await?;
	let id = QueryId { region: chain.para_id().await?, nonce };
	print(context.json, &view_at(&chain, block, id, &query).await?, query_text);
	Ok(())
}

/// Runs `ehr query dismiss`: the requester removes ended query `nonce` and gets its deposit
/// back. What the chain checks is checked first, with clear words, before anything is sent.
async fn dismiss(context: &Context, signer: &Signer, nonce: u64) -> Result<()> {
	let chain = &context.chain;
	let keypair = signer.keypair(&context.keystore)?;
	let who = keypair.public_key().to_account_id();
	let (block, _) = chain.reading_block().await?;
	let query = query_at(chain, block, nonce).await?;
	if query.requester != who {
		bail!(
			"query {nonce} was asked by {}, not by {who}: only its requester dismisses it",
			query.requester
		);
	}
	if query.ended().is_none() {
		bail!(
			"query {nonce} is still open (due at relay block {}): dismiss it once it has ended \
			 (`ehr query show {nonce}`)",
			query.deadline
		);
	}
	let id = QueryId { region: chain.reading_at(block).para_id().await?, nonce };
	let included = match chain.submit(calls::dismiss_query(nonce), &keypair).await {
		Ok(included) => included,
		Err(error) => return Err(explained(chain, error).await),
	};
	let dismissed =
		included.events.iter().filter_map(|event| event.ok()).any(|event| {
			event.pallet_name() == "Federation" && event.event_name() == "QueryDismissed"
		});
	if !dismissed {
		bail!("the chain reported no Federation.QueryDismissed event");
	}
	print(context.json, &DismissView { query: id, released: query.deposit }, dismiss_text);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::cli::Cli;
	use clap::Parser;

	#[test]
	fn a_new_querys_patient_is_checked_before_connecting() {
		let check =
			|line: &[&str]| check_arguments(&Cli::try_parse_from(line).expect("parses").command);
		check(&[
			"ehr",
			"query",
			"--as",
			"//Dave",
			"--patient",
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
		])
		.expect("a good address");
		let bad =
			check(&["ehr", "query", "--as", "//Dave", "--patient", "ferdie"]).expect_err("refused");
		assert!(format!("{bad:#}").contains("'ferdie' is not an SS58 account address"), "{bad:#}");
		// `show` and `dismiss` take a number, which clap has checked.
		check(&["ehr", "query", "show", "3"]).expect("nothing to check");

		// A read: its patient too, and a keystore identity that can open the records.
		let read = |signer: &[&str], patient: &str| {
			let mut line = vec!["ehr", "query"];
			line.extend(signer);
			line.extend(["--patient", patient, "--read-from", "2000", "--grant", "4", "-o", "-"]);
			check(&line)
		};
		let good = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		read(&["--key", "dave"], good).expect("a keystore identity");
		let bad = read(&["--key", "dave"], "ferdie").expect_err("refused");
		assert!(format!("{bad:#}").contains("not an SS58 account address"), "{bad:#}");
		let by_uri = read(&["--as", "//Dave"], good).expect_err("a secret URI has no Umbral key");
		assert!(format!("{by_uri:#}").contains("sign with --key"), "{by_uri:#}");
	}

	#[test]
	fn the_chains_refusals_are_explained_in_words() {
		let refused =
			"Federation.CannotHoldDeposit: The requester cannot put `QueryDeposit` on hold.";
		let with_deposit = hint(refused, Some(100_000_000_000)).expect("a hint");
		assert!(
			with_deposit
				.contains("A query holds 0.1 unit of the requester's until `ehr query dismiss`"),
			"{with_deposit}"
		);
		assert!(hint(refused, None).expect("a hint").contains("holds a deposit"));
		for (error, words) in [
			("Federation.TooManyOpenQueries: …", "try again in a few blocks"),
			("Federation.QueryOpen: …", "has not ended"),
			("Federation.NotRequester: …", "Only the account that asked"),
			("Federation.UnknownQuery: …", "never asked, or dismissed already"),
			("Federation.ReadHere: …", "read it here, with `ehr request` and `ehr read`"),
		] {
			let hint = hint(error, None).unwrap_or_else(|| panic!("no hint for {error}"));
			assert!(hint.contains(words), "{error}: {hint}");
		}
		assert_eq!(hint("Access.NotGrantee: …", None), None);
		assert_eq!(hint("the transaction was not in a block within 60 s", None), None);
	}
}
