//! MedFed's own pallet on the coordinator: the patient directory.

use crate::{AccountId, Runtime, RuntimeOrigin};
use polkadot_sdk::{
	frame_support::{parameter_types, traits::EnsureOrigin},
	frame_system::EnsureRoot,
	pallet_xcm,
	staging_xcm::latest::prelude::*,
};

parameter_types! {
	/// Most regions the federation may have.
	pub const MaxRegions: u32 = 64;
	/// Longest region name, in bytes.
	pub const MaxRegionNameLen: u32 = 64;
	/// Most collators the coordinator may have.
	pub const MaxCollators: u32 = 64;
}

impl pallet_directory::Config for Runtime {
	type RegionOrigin = EnsureSiblingPara;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxRegions = MaxRegions;
	type MaxNameLen = MaxRegionNameLen;
	type WeightInfo = pallet_directory::weights::SubstrateWeight<Runtime>;
}

/// A `Transact` with `OriginKind::Xcm` from a sibling parachain: succeeds with its para id.
/// Whether that parachain is a region is the directory's check.
pub struct EnsureSiblingPara;
impl EnsureOrigin<RuntimeOrigin> for EnsureSiblingPara {
	type Success = u32;

	fn try_origin(origin: RuntimeOrigin) -> Result<u32, RuntimeOrigin> {
		let location =
			pallet_xcm::EnsureXcm::<polkadot_sdk::frame_support::traits::Everything>::try_origin(
				origin,
			)?;
		match location.unpack() {
			(1, [Parachain(para)]) => Ok(*para),
			_ => Err(pallet_xcm::Origin::Xcm(location).into()),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(pallet_xcm::Origin::Xcm(Location::new(
			1,
			[Parachain(medfed_runtime_common::para_ids::REGION_A)],
		))
		.into())
	}
}
