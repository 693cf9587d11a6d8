//! How both runtimes weigh an XCM message: from benchmarks of the instructions they execute.
//!
//! MedFed's barriers execute one program shape only (see [`crate::xcm::AllowMedFedPrograms`]):
//! `UnpaidExecution`, one `Transact`, and `SetTopic`. Those three instructions are weighed by
//! what `pallet_xcm_benchmarks::generic` measured on each runtime (`scripts/bench.sh xcm`
//! writes `runtime/<runtime>/src/weights/xcm_generic.rs`), and a `Transact` also by the weight
//! of the call it dispatches (`xcm_builder::WeightInfoBounds` adds it). Every other instruction
//! weighs [`Weight::MAX`]: a message holding one cannot be weighed within any limit, so it is
//! refused before the barrier is even asked, as the barrier would refuse it anyway.

use polkadot_sdk::{
	frame_support::{weights::Weight, BoundedVec},
	staging_xcm as xcm,
};

use alloc::vec::Vec;
use core::marker::PhantomData;
use xcm::{
	latest::{prelude::*, AssetTransferFilter},
	DoubleEncoded,
};

/// The benchmarked weights of the instructions MedFed's programs hold: generated per runtime by
/// `scripts/bench.sh xcm`.
pub trait ProgramInstructionWeights {
	/// `UnpaidExecution`.
	fn unpaid_execution() -> Weight;
	/// `Transact`'s own overhead; the call's weight comes on top.
	fn transact() -> Weight;
	/// `SetTopic`.
	fn set_topic() -> Weight;
}

/// An XCM weigher's instruction weights: `W`'s for MedFed's three instructions, [`Weight::MAX`]
/// for every other. For `xcm_builder::WeightInfoBounds`.
pub struct MedFedXcmWeight<W>(PhantomData<W>);

/// What an instruction MedFed never executes weighs: more than any limit.
fn never() -> Weight {
	Weight::MAX
}

impl<W: ProgramInstructionWeights, Call> XcmWeightInfo<Call> for MedFedXcmWeight<W> {
	fn unpaid_execution(_: &WeightLimit, _: &Option<Location>) -> Weight {
		W::unpaid_execution()
	}
	fn transact(_: &OriginKind, _: &Option<Weight>, _: &DoubleEncoded<Call>) -> Weight {
		W::transact()
	}
	fn set_topic(_: &[u8; 32]) -> Weight {
		W::set_topic()
	}

	fn withdraw_asset(_: &Assets) -> Weight {
		never()
	}
	fn reserve_asset_deposited(_: &Assets) -> Weight {
		never()
	}
	fn receive_teleported_asset(_: &Assets) -> Weight {
		never()
	}
	fn query_response(_: &u64, _: &Response, _: &Weight, _: &Option<Location>) -> Weight {
		never()
	}
	fn transfer_asset(_: &Assets, _: &Location) -> Weight {
		never()
	}
	fn transfer_reserve_asset(_: &Assets, _: &Location, _: &Xcm<()>) -> Weight {
		never()
	}
	fn hrmp_new_channel_open_request(_: &u32, _: &u32, _: &u32) -> Weight {
		never()
	}
	fn hrmp_channel_accepted(_: &u32) -> Weight {
		never()
	}
	fn hrmp_channel_closing(_: &u32, _: &u32, _: &u32) -> Weight {
		never()
	}
	fn clear_origin() -> Weight {
		never()
	}
	fn descend_origin(_: &InteriorLocation) -> Weight {
		never()
	}
	fn report_error(_: &QueryResponseInfo) -> Weight {
		never()
	}
	fn deposit_asset(_: &AssetFilter, _: &Location) -> Weight {
		never()
	}
	fn deposit_reserve_asset(_: &AssetFilter, _: &Location, _: &Xcm<()>) -> Weight {
		never()
	}
	fn exchange_asset(_: &AssetFilter, _: &Assets, _: &bool) -> Weight {
		never()
	}
	fn initiate_reserve_withdraw(_: &AssetFilter, _: &Location, _: &Xcm<()>) -> Weight {
		never()
	}
	fn initiate_teleport(_: &AssetFilter, _: &Location, _: &Xcm<()>) -> Weight {
		never()
	}
	fn initiate_transfer(
		_: &Location,
		_: &Option<AssetTransferFilter>,
		_: &bool,
		_: &BoundedVec<AssetTransferFilter, MaxAssetTransferFilters>,
		_: &Xcm<()>,
	) -> Weight {
		never()
	}
	fn report_holding(_: &QueryResponseInfo, _: &AssetFilter) -> Weight {
		never()
	}
	fn buy_execution(_: &Asset, _: &WeightLimit) -> Weight {
		never()
	}
	fn pay_fees(_: &Asset) -> Weight {
		never()
	}
	fn refund_surplus() -> Weight {
		never()
	}
	fn set_error_handler(_: &Xcm<Call>) -> Weight {
		never()
	}
	fn set_appendix(_: &Xcm<Call>) -> Weight {
		never()
	}
	fn clear_error() -> Weight {
		never()
	}
	fn set_hints(_: &BoundedVec<Hint, HintNumVariants>) -> Weight {
		never()
	}
	fn claim_asset(_: &Assets, _: &Location) -> Weight {
		never()
	}
	fn trap(_: &u64) -> Weight {
		never()
	}
	fn subscribe_version(_: &QueryId, _: &Weight) -> Weight {
		never()
	}
	fn unsubscribe_version() -> Weight {
		never()
	}
	fn burn_asset(_: &Assets) -> Weight {
		never()
	}
	fn expect_asset(_: &Assets) -> Weight {
		never()
	}
	fn expect_origin(_: &Option<Location>) -> Weight {
		never()
	}
	fn expect_error(_: &Option<(u32, XcmError)>) -> Weight {
		never()
	}
	fn expect_transact_status(_: &MaybeErrorCode) -> Weight {
		never()
	}
	fn query_pallet(_: &Vec<u8>, _: &QueryResponseInfo) -> Weight {
		never()
	}
	fn expect_pallet(_: &u32, _: &Vec<u8>, _: &Vec<u8>, _: &u32, _: &u32) -> Weight {
		never()
	}
	fn report_transact_status(_: &QueryResponseInfo) -> Weight {
		never()
	}
	fn clear_transact_status() -> Weight {
		never()
	}
	fn universal_origin(_: &Junction) -> Weight {
		never()
	}
	fn export_message(_: &NetworkId, _: &Junctions, _: &Xcm<()>) -> Weight {
		never()
	}
	fn lock_asset(_: &Asset, _: &Location) -> Weight {
		never()
	}
	fn unlock_asset(_: &Asset, _: &Location) -> Weight {
		never()
	}
	fn note_unlockable(_: &Asset, _: &Location) -> Weight {
		never()
	}
	fn request_unlock(_: &Asset, _: &Location) -> Weight {
		never()
	}
	fn set_fees_mode(_: &bool) -> Weight {
		never()
	}
	fn clear_topic() -> Weight {
		never()
	}
	fn alias_origin(_: &Location) -> Weight {
		never()
	}
	fn execute_with_origin(_: &Option<InteriorLocation>, _: &Xcm<Call>) -> Weight {
		never()
	}
}

/// The weigher of both runtimes: [`MedFedXcmWeight`] over `W`, at most `MaxInstructions`.
pub type Weigher<W, Call, MaxInstructions> =
	polkadot_sdk::staging_xcm_builder::WeightInfoBounds<MedFedXcmWeight<W>, Call, MaxInstructions>;

/// Implements, for runtime `$runtime`, what `pallet_xcm_benchmarks::generic` and
/// `pallet_xcm`'s benchmarks need: `$xcm_config` executes, `$location_to_account` converts
/// locations, `$balances` is the native token, and `$transact` is the `(origin, call)` the
/// `Transact` benchmark dispatches. The benchmarks that measure instructions MedFed never
/// executes are skipped.
#[macro_export]
macro_rules! impl_xcm_benchmarks {
	(
		runtime: $runtime:ty,
		xcm_config: $xcm_config:ty,
		location_to_account: $location_to_account:ty,
		balances: $balances:ty,
		existential_deposit: $existential_deposit:ty,
		transact: $transact:expr $(,)?
	) => {
		impl polkadot_sdk::pallet_xcm_benchmarks::Config for $runtime {
			type XcmConfig = $xcm_config;
			type AccountIdConverter = $location_to_account;
			type DeliveryHelper = ();

			fn valid_destination() -> Result<
				polkadot_sdk::staging_xcm::latest::Location,
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Ok(polkadot_sdk::staging_xcm::latest::Location::parent())
			}

			fn worst_case_holding(
				_depositable_count: u32,
			) -> polkadot_sdk::staging_xcm_executor::AssetsInHolding {
				polkadot_sdk::staging_xcm_executor::AssetsInHolding::new()
			}
		}

		impl polkadot_sdk::pallet_xcm_benchmarks::generic::Config for $runtime {
			type RuntimeCall = RuntimeCall;
			type TransactAsset = $balances;

			fn worst_case_response() -> (u64, polkadot_sdk::staging_xcm::latest::Response) {
				(0, polkadot_sdk::staging_xcm::latest::Response::Null)
			}
			fn worst_case_asset_exchange() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Assets,
					polkadot_sdk::staging_xcm::latest::Assets,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn universal_alias() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::Junction,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn transact_origin_and_runtime_call() -> Result<
				(polkadot_sdk::staging_xcm::latest::Location, RuntimeCall),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Ok($transact)
			}
			fn subscribe_origin() -> Result<
				polkadot_sdk::staging_xcm::latest::Location,
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn claimable_asset() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::Assets,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn worst_case_for_trader() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Asset,
					polkadot_sdk::staging_xcm::latest::WeightLimit,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn unlockable_asset() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::Asset,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn export_message_origin_and_destination() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::NetworkId,
					polkadot_sdk::staging_xcm::latest::InteriorLocation,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
			fn alias_origin() -> Result<
				(
					polkadot_sdk::staging_xcm::latest::Location,
					polkadot_sdk::staging_xcm::latest::Location,
				),
				polkadot_sdk::frame_benchmarking::BenchmarkError,
			> {
				Err(polkadot_sdk::frame_benchmarking::BenchmarkError::Skip)
			}
		}

		impl polkadot_sdk::pallet_xcm::benchmarking::Config for $runtime {
			type DeliveryHelper = ();

			fn get_asset() -> polkadot_sdk::staging_xcm::latest::Asset {
				use polkadot_sdk::frame_support::traits::Get;
				polkadot_sdk::staging_xcm::latest::Asset {
					id: polkadot_sdk::staging_xcm::latest::AssetId(
						polkadot_sdk::staging_xcm::latest::Location::here(),
					),
					fun: polkadot_sdk::staging_xcm::latest::Fungibility::Fungible(
						<$existential_deposit>::get(),
					),
				}
			}
		}
	};
}
