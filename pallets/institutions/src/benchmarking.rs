//! Benchmarks of the institutions pallet, each at its worst case.

use super::*;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_system::RawOrigin};

/// A valid proxy key for benchmarks.
pub fn proxy_key() -> PublicKey {
	medfed_primitives::umbral::GENERATOR
}

fn longest_name<T: Config>() -> Vec<u8> {
	alloc::vec![b'n'; T::MaxNameLen::get() as usize]
}

/// Admits authorities until the set holds `n`.
fn fill_authorities<T: Config>(n: u32) -> Result<(), BenchmarkError> {
	let mut i = 0;
	while (Authorities::<T>::get().len() as u32) < n {
		let who: T::AccountId = account("authority", i, 0);
		let entry = Pallet::<T>::new_institution(
			Role::Authority,
			longest_name::<T>(),
			Some(proxy_key()),
			Zero::zero(),
		)
		.map_err(|_| BenchmarkError::Stop("invalid benchmark institution"))?;
		Pallet::<T>::admit_member(&who, entry)
			.map_err(|_| BenchmarkError::Stop("MaxInstitutions below MaxAuthorities"))?;
		i += 1;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Admitting an authority with the longest name into a set one short of full, while the
	/// authorities' collective holds its most motions, each voted by every authority.
	#[benchmark]
	fn admit() -> Result<(), BenchmarkError> {
		fill_authorities::<T>(T::MaxAuthorities::get().saturating_sub(1))?;
		T::BenchmarkHelper::open_motions(&Authorities::<T>::get());
		let origin = T::AuthorityAdminOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("admitted", 0, 0);

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			who.clone(),
			Role::Authority,
			longest_name::<T>(),
			Some(proxy_key()),
		);

		assert_eq!(Pallet::<T>::active_role(&who), Ok(Role::Authority));
		Ok(())
	}

	/// Removing an authority from a full set, while the authorities' collective holds its most
	/// motions, each voted by every authority.
	#[benchmark]
	fn remove() -> Result<(), BenchmarkError> {
		fill_authorities::<T>(T::MaxAuthorities::get())?;
		T::BenchmarkHelper::open_motions(&Authorities::<T>::get());
		let origin = T::AuthorityAdminOrigin::try_successful_origin()
			.map_err(|_| BenchmarkError::Weightless)?;
		let who = Authorities::<T>::get()
			.last()
			.cloned()
			.ok_or(BenchmarkError::Stop("no authority"))?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(Pallet::<T>::active_role(&who), Err(MembershipError::Removed));
		Ok(())
	}

	#[benchmark]
	fn set_proxy_key() -> Result<(), BenchmarkError> {
		fill_authorities::<T>(1)?;
		let who = Authorities::<T>::get()
			.first()
			.cloned()
			.ok_or(BenchmarkError::Stop("no authority"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), proxy_key());

		assert_eq!(Institutions::<T>::get(&who).and_then(|i| i.proxy_key), Some(proxy_key()));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
