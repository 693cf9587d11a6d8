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

/// The runtime's base call filter: everything, except asking collator selection for more
/// candidates than it may hold.
///
/// `pallet_collator_selection` accepts `set_desired_candidates` above its `MaxCandidates` with
/// a warning, after which its own invariant fails on every block (found by the runtime fuzzer,
/// seed `0x26415eafbfe6038c`). Here the call is refused instead, from every origin the filter
/// applies to: signed accounts and the collectives. Root (`Governance.enact`) passes every
/// filter, as it may write any storage.
pub struct CollatorCallsWithinBounds<Runtime>(core::marker::PhantomData<Runtime>);

impl<Runtime, Call> polkadot_sdk::frame_support::traits::Contains<Call>
	for CollatorCallsWithinBounds<Runtime>
where
	Runtime: polkadot_sdk::pallet_collator_selection::Config,
	Call: polkadot_sdk::frame_support::traits::IsSubType<
		polkadot_sdk::pallet_collator_selection::Call<Runtime>,
	>,
{
	fn contains(call: &Call) -> bool {
		use polkadot_sdk::frame_support::traits::Get;
		match call.is_sub_type() {
			Some(polkadot_sdk::pallet_collator_selection::Call::set_desired_candidates { max }) =>
				*max <=
					<Runtime as polkadot_sdk::pallet_collator_selection::Config>::MaxCandidates::get(
					),
			_ => true,
		}
	}
}
