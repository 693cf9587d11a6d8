//! The benchmarks this runtime runs: MedFed's pallets, whose weights `scripts/bench.sh`
//! generates from them. The SDK pallets use the weights they ship with.

use crate::{Access, Federation, Governance, Institutions, Pinning, Records, Runtime};
use alloc::{string::String, vec::Vec};
use polkadot_sdk::*;

frame_benchmarking::define_benchmarks!(
	[pallet_institutions, Institutions]
	[pallet_records, Records]
	[pallet_pinning, Pinning]
	[pallet_federation, Federation]
	[pallet_access, Access]
	[pallet_governance, Governance]
);

/// The benchmarks and storage this runtime knows.
pub fn metadata(
	extra: bool,
) -> (Vec<frame_benchmarking::BenchmarkList>, Vec<frame_support::traits::StorageInfo>) {
	use frame_benchmarking::BenchmarkList;
	use frame_support::traits::StorageInfoTrait;

	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	let storage_info = crate::AllPalletsWithSystem::storage_info();
	(list, storage_info)
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(
	config: frame_benchmarking::BenchmarkConfig,
) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, String> {
	use frame_benchmarking::{BenchmarkBatch, BenchmarkError};
	use frame_support::traits::{TrackedStorageKey, WhitelistedStorageKeys};

	// Keep the compiler from warning about unused imports in the macro.
	let _ = core::any::type_name::<Runtime>();
	let _ = BenchmarkError::Stop("");
	let whitelist: Vec<TrackedStorageKey> = crate::AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
