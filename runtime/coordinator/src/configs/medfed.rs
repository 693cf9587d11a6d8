//! MedFed's own pallet on the coordinator: the patient directory.

use crate::{AccountId, Runtime, RuntimeOrigin};
use medfed_runtime_common::xcm::EnsureSiblingPara;
use polkadot_sdk::{frame_support::parameter_types, frame_system::EnsureRoot};

parameter_types! {
	/// Most regions the federation may have.
	pub const MaxRegions: u32 = 64;
	/// Longest region name, in bytes.
	pub const MaxRegionNameLen: u32 = 64;
	/// Most collators the coordinator may have.
	pub const MaxCollators: u32 = 64;
}

impl pallet_directory::Config for Runtime {
	type RegionOrigin = EnsureSiblingPara<RuntimeOrigin>;
	type AdminOrigin = EnsureRoot<AccountId>;
	type XcmSender = super::xcm_config::XcmRouter;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = DirectoryBenchmarks;
	type MaxRegions = MaxRegions;
	type MaxNameLen = MaxRegionNameLen;
	type WeightInfo = pallet_directory::weights::SubstrateWeight<Runtime>;
}

/// Benchmark setup: open HRMP channels to the regions.
#[cfg(feature = "runtime-benchmarks")]
pub struct DirectoryBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_directory::BenchmarkHelper for DirectoryBenchmarks {
	fn open_channel(para: pallet_directory::ParaId) {
		medfed_runtime_common::xcm::open_channel_for_benchmarks::<Runtime>(para);
	}
}
