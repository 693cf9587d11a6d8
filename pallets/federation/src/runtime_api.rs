//! The runtime API through which clients follow the cross-region queries asked in a region,
//! without decoding raw storage.

use crate::RegionAnswer;
use alloc::vec::Vec;
use codec::Codec;
use medfed_primitives::ParaId;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Read access to a region's cross-region queries.
	pub trait FederationApi<Query>
	where
		Query: Codec,
	{
		/// Query `nonce` asked in this region, until its requester dismisses it.
		fn query(nonce: u64) -> Option<Query>;
		/// The answers to query `nonce` so far: region (this one's own under its para id) and
		/// answer.
		fn answers(nonce: u64) -> Vec<(ParaId, RegionAnswer)>;
		/// The relay chain block this region last saw: the clock of query deadlines.
		fn relay_block() -> u32;
	}
}
