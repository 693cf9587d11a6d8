//! Benchmarks of the federation pallet, each at its worst case.

use super::*;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_system::RawOrigin};

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Sending a waiting announcement through the runtime's router, over an open channel.
	#[benchmark]
	fn announce_patient() -> Result<(), BenchmarkError> {
		let coordinator: ParaId = 1000;
		Coordinator::<T>::put(coordinator);
		T::BenchmarkHelper::open_channel(coordinator);
		let patient: T::AccountId = account("patient", 0, 0);
		Unannounced::<T>::insert(&patient, ());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), patient.clone());

		assert!(!Unannounced::<T>::contains_key(&patient));
		Ok(())
	}

	#[benchmark]
	fn set_coordinator() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1001);

		assert_eq!(Coordinator::<T>::get(), Some(1001));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
