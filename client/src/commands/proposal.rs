//! `ehr proposal vote`, and the motions of the authority collective: adding or removing an
//! institution proposes one, other authorities vote, and it executes once a majority approves.

use super::{args::hash_arg, Context};
use crate::{
	chain::{calls::Call, Chain, Proposal},
	cli::ProposalCmd,
	render::print,
};
use anyhow::{bail, Context as _, Result};
use subxt_signer::sr25519::Keypair;

/// Runs `ehr proposal …`.
pub(super) async fn run(context: &Context, command: ProposalCmd) -> Result<()> {
	let (chain, json, keystore) = (&context.chain, context.json, &context.keystore);
	match command {
		ProposalCmd::Vote { signer, hash, index, nay } => {
			let hash = hash_arg("the motion hash", &hash)?;
			let key = signer.keypair(keystore)?;
			chain.vote(hash, index, !nay, &key).await?;
			let authorities = chain.authority_count().await?;
			let threshold = authorities / 2 + 1;
			// Close at once when the vote decided it: anyone may, and the voter is here.
			let proposal = if chain.motion_decided(hash).await? {
				chain.close(hash, index, &key).await?
			} else {
				Proposal { hash, index: Some(index), executed: None }
			};
			report_motion(json, &proposal, threshold)
		},
	}
}

/// Proposes `call` to the authority collective with a majority threshold and votes for it.
pub(super) async fn motion(chain: &Chain, json: bool, call: Call, signer: &Keypair) -> Result<()> {
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

/// Prints a motion: executed, or the votes it still needs and how other authorities give them.
fn report_motion(json: bool, proposal: &Proposal, threshold: u32) -> Result<()> {
	let hash = format!("0x{}", hex::encode(proposal.hash));
	match &proposal.executed {
		Some(Err(why)) => bail!("the motion executed and failed: {why}"),
		Some(Ok(())) =>
			print(json, &serde_json::json!({ "motion": hash, "executed": true }), |_| {
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
