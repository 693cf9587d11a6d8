//! `ehr proposal vote`, `ehr proposal upgrade` and `ehr proposal call`, and the motions of the
//! chain's collective: adding or removing an institution proposes one, other authorities vote,
//! and it executes once enough approve: a majority, or two thirds for what changes who governs
//! (an authority) and for what root does (a runtime upgrade, or any call through
//! `Governance.enact`).

use super::{
	args::{call_arg, hash_arg},
	Context,
};
use crate::{
	chain::{calls, calls::Call, Chain, Proposal},
	cli::ProposalCmd,
	render::print,
	runtime_code::{RuntimeCode, SpecVersion},
};
use anyhow::{bail, Context as _, Result};
use subxt_signer::sr25519::Keypair;

/// Runs `ehr proposal …`.
pub(super) async fn run(context: &Context, command: ProposalCmd) -> Result<()> {
	let (chain, json, keystore) = (&context.chain, context.json, &context.keystore);
	match command {
		ProposalCmd::Upgrade { signer, file } => {
			let runtime = RuntimeCode::read(&file)?;
			check_upgrade(&chain.spec_version().await?, &runtime.version)?;
			let key = signer.keypair(keystore)?;
			let code_hash = runtime.hash();
			let hash_hex = format!("0x{}", hex::encode(code_hash));
			let to = runtime.version.spec_version;
			match chain.pending_code().await? {
				Some(pending) if pending == code_hash => {
					print(
						json,
						&serde_json::json!({
							"code_hash": hash_hex, "spec_version": to, "applied": true, "scheduled": true,
						}),
						|_| {
							format!(
								"Runtime {hash_hex} (spec_version {to}) is stored already: the relay \
								 chain enacts it after its validation delay."
							)
						},
					);
					return Ok(());
				},
				Some(pending) => bail!(
					"the chain has stored another runtime (0x{}) for the relay chain to enact: a \
					 second upgrade can be sent only once it is enacted",
					hex::encode(pending)
				),
				None => {},
			}
			if chain.authorized_upgrade().await? != Some(code_hash) {
				let call = calls::enact(calls::authorize_upgrade(code_hash));
				if let Some((motion, index)) = chain.open_motion_of(&call).await? {
					let motion = format!("0x{}", hex::encode(motion));
					bail!(
						"motion {motion} (index {index}) to authorize this runtime is open already: \
						 authorities vote with `ehr proposal vote --as <their key> {motion} {index}`, \
						 then run this command again"
					);
				}
				let (proposal, threshold) =
					open_motion(chain, call, Quorum::TwoThirds, &key).await?;
				match &proposal.executed {
					Some(Err(why)) => bail!("the motion executed and failed: {why}"),
					Some(Ok(())) => {},
					None => {
						let motion = format!("0x{}", hex::encode(proposal.hash));
						let index = proposal.index.unwrap_or_default();
						print(
							json,
							&serde_json::json!({
								"motion": motion, "index": proposal.index, "threshold": threshold,
								"executed": false, "code_hash": hash_hex, "spec_version": to,
							}),
							|_| {
								format!(
									"Motion {motion} (index {index}) authorizes runtime {hash_hex} \
									 (spec_version {to}) and needs {threshold} votes; other \
									 authorities run:\n  ehr proposal vote --as <their key> \
									 {motion} {index}\nthen anyone runs this command again with \
									 the same file to send the code."
								)
							},
						);
						return Ok(());
					},
				}
			}
			let scheduled = chain.apply_upgrade(&runtime.code, &key).await?;
			print(
				json,
				&serde_json::json!({
					"code_hash": hash_hex, "spec_version": to, "applied": true, "scheduled": scheduled,
				}),
				|_| {
					if scheduled {
						format!(
							"Done: runtime {hash_hex} (spec_version {to}) is stored; the relay \
							 chain enacts it after its validation delay."
						)
					} else {
						format!("Done: runtime {hash_hex} (spec_version {to}) was sent.")
					}
				},
			);
			Ok(())
		},
		ProposalCmd::Call { signer, pallet, call, args, root, majority } => {
			let call = call_arg(&pallet, &call, args.as_deref())?;
			let name = format!("{}.{}", call.pallet_name(), call.call_name());
			let (call, quorum) = match (root, majority) {
				(true, _) => (calls::enact(call), Quorum::TwoThirds),
				(false, true) => (call, Quorum::Majority),
				(false, false) => (call, Quorum::TwoThirds),
			};
			// Encoded with the chain's metadata before anything is sent: a wrong name or
			// argument is refused here, free.
			chain.call_data(&call).await.with_context(|| {
				format!("{name} with these arguments is not a call of this chain")
			})?;
			if let Some((motion, index)) = chain.open_motion_of(&call).await? {
				let motion = format!("0x{}", hex::encode(motion));
				bail!(
					"motion {motion} (index {index}) of this call is open already: authorities \
					 vote with `ehr proposal vote --as <their key> {motion} {index}`"
				);
			}
			let key = signer.keypair(keystore)?;
			motion(chain, json, call, quorum, &key).await
		},
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

/// Proposes `call` to the authority collective with `quorum`'s threshold, votes for it and
/// prints the motion.
pub(super) async fn motion(
	chain: &Chain,
	json: bool,
	call: Call,
	quorum: Quorum,
	signer: &Keypair,
) -> Result<()> {
	let (proposal, threshold) = open_motion(chain, call, quorum, signer).await?;
	report_motion(json, &proposal, threshold)
}

/// Proposes `call` to the authority collective with `quorum`'s threshold and votes for it;
/// returns the motion and its threshold.
async fn open_motion(
	chain: &Chain,
	call: Call,
	quorum: Quorum,
	signer: &Keypair,
) -> Result<(Proposal, u32)> {
	let authorities = chain.authority_count().await?;
	let threshold = quorum.threshold(authorities);
	// With one authority the motion executes as it is proposed; otherwise the proposer votes.
	let proposal = chain.propose(call, threshold, signer).await?;
	if proposal.executed.is_none() {
		let index = proposal.index.context("the collective did not give the motion an index")?;
		chain.vote(proposal.hash, index, true, signer).await?;
	}
	Ok((proposal, threshold))
}

/// Refuses code the chain would refuse when it is applied, before anything is proposed: the
/// runtime must keep the chain's `spec_name` and raise its `spec_version`.
fn check_upgrade(running: &SpecVersion, new: &SpecVersion) -> Result<()> {
	if new.spec_name != running.spec_name {
		bail!(
			"the file holds runtime `{}`, the chain runs `{}`: an upgrade keeps the runtime's name \
			 (is this the right chain, or the other runtime's wasm?)",
			new.spec_name,
			running.spec_name
		);
	}
	if new.spec_version <= running.spec_version {
		bail!(
			"the file's runtime has spec_version {}, the chain's {}: an upgrade must raise it \
			 (bump `spec_version` in the runtime's `VERSION` and build it again)",
			new.spec_version,
			running.spec_version
		);
	}
	Ok(())
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
	use super::{check_upgrade, Quorum};
	use crate::runtime_code::SpecVersion;

	#[test]
	fn an_upgrade_keeps_the_name_and_raises_the_version() {
		let version = |name: &str, spec_version| SpecVersion {
			spec_name: name.into(),
			impl_name: name.into(),
			authoring_version: 1,
			spec_version,
		};
		let running = version("medfed-region", 3);
		assert!(check_upgrade(&running, &version("medfed-region", 4)).is_ok());
		let same = check_upgrade(&running, &version("medfed-region", 3)).unwrap_err();
		assert!(same.to_string().contains("must raise it"), "{same}");
		let older = check_upgrade(&running, &version("medfed-region", 2)).unwrap_err();
		assert!(older.to_string().contains("spec_version 2, the chain's 3"), "{older}");
		let other = check_upgrade(&running, &version("medfed-coordinator", 4)).unwrap_err();
		assert!(other.to_string().contains("`medfed-coordinator`"), "{other}");
	}

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
