//! Benchmarks of the governance pallet: `enact`'s own overhead, around the lightest call.

use super::*;
use alloc::vec;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_system};

#[benchmarks(where <T as Config>::RuntimeCall: From<frame_system::Call<T>>)]
mod benchmarks {
	use super::*;

	/// Enacting an empty remark: what `enact` costs besides the call it dispatches.
	#[benchmark]
	fn enact() -> Result<(), BenchmarkError> {
		let origin =
			T::EnactOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let call: <T as Config>::RuntimeCall =
			frame_system::Call::<T>::remark { remark: vec![] }.into();
		let call_hash = T::Hashing::hash_of(&call);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(call));

		frame_system::Pallet::<T>::assert_last_event(
			<T as frame_system::Config>::RuntimeEvent::from(Event::<T>::Enacted { call_hash }),
		);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
