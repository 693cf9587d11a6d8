//! The runtime API through which clients follow the cross-region queries asked in a region,
//! without decoding raw storage.

use crate::RegionAnswer;
use alloc::vec::Vec;
use codec::Codec;
use medfed_primitives::{
	query::{ReadGrant, ReadRecord},
	ParaId,
};

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
		/// Read query `nonce`'s answer so far: the region that answers, the grant, and the
		/// records come, in order, each with its envelope and capsule fragments. `None` if the
		/// query is not a read or nothing has come.
		fn read(nonce: u64) -> Option<(ParaId, ReadGrant, Vec<ReadRecord>)>;
		/// The relay chain block this region last saw: the clock of query deadlines.
		fn relay_block() -> u32;
	}
}
