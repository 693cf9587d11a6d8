//! The benchmarks this runtime runs: MedFed's pallets, `pallet_xcm`, and the XCM instructions
//! MedFed's programs hold (`pallet_xcm_benchmarks::generic`), whose weights `scripts/bench.sh`
//! generates from them. The other SDK pallets use the weights they ship with.

use crate::{Directory, Runtime, RuntimeCall};
use alloc::{string::String, vec::Vec};
use polkadot_sdk::*;

frame_benchmarking::define_benchmarks!(
	[pallet_directory, Directory]
	[pallet_xcm, PalletXcm]
	[pallet_xcm_benchmarks::generic, XcmGeneric]
);

/// `pallet_xcm`'s benchmarks.
type PalletXcm = pallet_xcm::benchmarking::Pallet<Runtime>;
/// The XCM instructions' benchmarks.
type XcmGeneric = pallet_xcm_benchmarks::generic::Pallet<Runtime>;

medfed_runtime_common::impl_xcm_benchmarks! {
	runtime: Runtime,
	xcm_config: crate::configs::xcm_config::XcmConfig,
	location_to_account: crate::configs::xcm_config::LocationToAccountId,
	balances: crate::Balances,
	existential_deposit: crate::configs::ExistentialDeposit,
	// What the coordinator's `Transact`s dispatch: a directory call, here from a region's
	// sovereign account, which the call refuses at its origin check (the call's own weight is
	// added to the instruction's when a message is weighed).
	transact: (
		staging_xcm::latest::Location::new(
			1,
			[staging_xcm::latest::Junction::Parachain(medfed_runtime_common::para_ids::REGION_A)],
		),
		RuntimeCall::Directory(pallet_directory::Call::note_patient {
			patient: polkadot_sdk::sp_keyring::Sr25519Keyring::Ferdie.to_account_id(),
		}),
	),
}

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
