//! Benchmarks of the pinning pallet, at their worst case: a full report whose records close the
//! authority's gap, so the cursor walks over every one of them.

use super::*;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::Authorize,
	sp_runtime::transaction_validity::TransactionSource,
};

/// A signed report of records `0..p` by a fresh authority, with `p` records registered.
fn signed_report<T: Config>(p: u32) -> (T::AccountId, PinReportOf<T>, <T::AuthorityId as RuntimeAppPublic>::Signature) {
	let (key, authority) = T::BenchmarkHelper::authority();
	T::BenchmarkHelper::add_records(p);
	let pins = BoundedVec::truncate_from((0..p as RecordId).collect::<Vec<_>>());
	let report = PinReport { key, at: frame_system::Pallet::<T>::block_number(), pins };
	let signature = report.key.sign(&Pallet::<T>::signing_payload(&report)).expect("the key is in the keystore");
	(authority, report, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn report_pins(p: Linear<1, { T::MaxPinsPerReport::get() }>) {
		let (authority, report, signature) = signed_report::<T>(p);

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, report, signature);

		assert_eq!(Cursor::<T>::get(&authority), p as RecordId);
	}

	#[benchmark]
	fn authorize_report_pins(p: Linear<1, { T::MaxPinsPerReport::get() }>) -> Result<(), BenchmarkError> {
		let (_, report, signature) = signed_report::<T>(p);
		let call = Call::<T>::report_pins { report, signature };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("report_pins has authorize logic")?
				.map_err(|_| "the report is authorized")?;
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
