//! `ehr proposal vote`, and the motions of the authority collective: adding or removing an
//! institution proposes one, other authorities vote, and it executes once enough approve: a
//! majority, or two thirds for what changes who governs (an authority).

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
			let threshold = chain.motion_threshold(hash).await?;
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

/// How many authorities a motion needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quorum {
	/// More than half: admitting or removing a member that is not an authority, voiding a
	/// record (`AuthorityMajority`).
	Majority,
	/// At least two thirds: admitting or removing an authority (`AuthoritySupermajority`).
	TwoThirds,
}

impl Quorum {
	/// The ayes a motion of `authorities` members needs.
	pub(super) fn threshold(self, authorities: u32) -> u32 {
		match self {
			Quorum::Majority => authorities / 2 + 1,
			Quorum::TwoThirds => (2 * authorities).div_ceil(3),
		}
	}
}

/// Proposes `call` to the authority collective with `quorum`'s threshold and votes for it.
pub(super) async fn motion(
	chain: &Chain,
	json: bool,
	call: Call,
	quorum: Quorum,
	signer: &Keypair,
) -> Result<()> {
	let authorities = chain.authority_count().await?;
	let threshold = quorum.threshold(authorities);
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

#[cfg(test)]
mod tests {
	use super::Quorum;

	#[test]
	fn two_thirds_is_never_less_than_the_runtimes_proportion() {
		for n in 1..=32u32 {
			let majority = Quorum::Majority.threshold(n);
			assert!(majority * 2 > n && (majority - 1) * 2 <= n, "majority of {n}");
			let two_thirds = Quorum::TwoThirds.threshold(n);
			// EnsureProportionAtLeast<2, 3>: yes * 3 >= 2 * n, and one fewer would not do.
			assert!(two_thirds * 3 >= 2 * n && (two_thirds - 1) * 3 < 2 * n, "two thirds of {n}");
		}
		assert_eq!(Quorum::TwoThirds.threshold(5), 4);
		assert_eq!(Quorum::Majority.threshold(5), 3);
	}
}
