//! Types stored by the institutions pallet.

use codec::{Decode, Encode, MaxEncodedLen};
use medfed_primitives::{MembershipStatus, PublicKey, Role};
use polkadot_sdk::frame_support::pallet_prelude::*;
use scale_info::TypeInfo;

/// An institution the region has admitted, whether still a member or removed.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxNameLen))]
pub struct Institution<BlockNumber, MaxNameLen: Get<u32>> {
	/// Its role in the region.
	pub role: Role,
	/// Its display name, UTF-8.
	pub name: BoundedVec<u8, MaxNameLen>,
	/// The Umbral public key it uses as a re-encryption proxy; `Some` exactly for authorities.
	pub proxy_key: Option<PublicKey>,
	/// Member now, or removed.
	pub status: MembershipStatus<BlockNumber>,
}

impl<BlockNumber, MaxNameLen: Get<u32>> Institution<BlockNumber, MaxNameLen> {
	/// Whether the institution is a member now.
	pub fn is_active(&self) -> bool {
		matches!(self.status, MembershipStatus::Active { .. })
	}
}
