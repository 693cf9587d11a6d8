//! What MedFed's collectives share: how a member who did not vote is counted.

use polkadot_sdk::pallet_collective::DefaultVote;

/// A member who did not vote by a motion's end is counted against it, whoever the prime is.
///
/// `pallet_collective`'s own rules count abstentions with the prime's vote, or as ayes once
/// more than half voted aye (`MoreThanMajorityThenPrimeDefaultVote`): a bare majority, its
/// motion left open until the end, would then pass as unanimous, and so pass a two-thirds
/// origin. With this rule a motion passes only with the ayes actually given.
pub struct AbstentionIsNay;

impl DefaultVote for AbstentionIsNay {
	fn default_vote(_prime_vote: Option<bool>, _yes_votes: u32, _no_votes: u32, _len: u32) -> bool {
		false
	}
}
