//! Benchmarks of the directory pallet, each at its worst case.

use super::*;
use medfed_primitives::coordinator::MAX_ANNOUNCEMENT_PATIENTS;
use polkadot_sdk::frame_benchmarking::v2::*;

fn longest_name<T: Config>() -> Vec<u8> {
	alloc::vec![b'n'; T::MaxNameLen::get() as usize]
}

/// Adds regions from para id `first` on until the federation has `n`.
fn fill_regions<T: Config>(first: ParaId, n: u32) -> Result<(), BenchmarkError> {
	let mut id = first;
	while Regions::<T>::count() < n {
		if !Regions::<T>::contains_key(id) {
			Pallet::<T>::do_add_region(id, longest_name::<T>())
				.map_err(|_| BenchmarkError::Stop("cannot add a benchmark region"))?;
		}
		id += 1;
	}
	Ok(())
}

/// A region's origin and para id in a federation of `MaxRegions` regions, and every region but
/// it: the entry of a patient listed everywhere else.
fn region_of_a_full_federation<T: Config>(
) -> Result<(T::RuntimeOrigin, ParaId, BoundedVec<ParaId, T::MaxRegions>), BenchmarkError> {
	let origin =
		T::RegionOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let caller =
		T::RegionOrigin::try_origin(origin.clone()).map_err(|_| BenchmarkError::Weightless)?;
	if !Regions::<T>::contains_key(caller) {
		Pallet::<T>::do_add_region(caller, longest_name::<T>())
			.map_err(|_| BenchmarkError::Stop("cannot add the caller's region"))?;
	}
	fill_regions::<T>(10_000, T::MaxRegions::get())?;
	let others: Vec<ParaId> = Regions::<T>::iter_keys().filter(|r| *r != caller).collect();
	let listed = others
		.try_into()
		.map_err(|_| BenchmarkError::Stop("more regions than MaxRegions"))?;
	Ok((origin, caller, listed))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Noting a patient already listed in every region but the caller's.
	#[benchmark]
	fn note_patient() -> Result<(), BenchmarkError> {
		let (origin, caller, listed) = region_of_a_full_federation::<T>()?;
		let patient: T::AccountId = account("patient", 0, 0);
		PatientRegions::<T>::insert(&patient, listed);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, patient.clone());

		assert!(PatientRegions::<T>::get(&patient).contains(&caller));
		Ok(())
	}

	/// An announcement of `n` patients, each listed in every region but the caller's, and its
	/// acknowledgement to the caller over an open channel.
	#[benchmark]
	fn note_patients(n: Linear<1, MAX_ANNOUNCEMENT_PATIENTS>) -> Result<(), BenchmarkError> {
		let (origin, caller, listed) = region_of_a_full_federation::<T>()?;
		T::BenchmarkHelper::open_channel(caller);
		let patients: Vec<T::AccountId> = (0..n).map(|i| account("patient", i, 0)).collect();
		for patient in &patients {
			PatientRegions::<T>::insert(patient, listed.clone());
		}
		let batch = BoundedVec::truncate_from(patients.clone());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7, batch);

		assert!(patients.iter().all(|p| PatientRegions::<T>::get(p).contains(&caller)));
		Ok(())
	}

	/// Adding a region with the longest name to a federation one short of full.
	#[benchmark]
	fn add_region() -> Result<(), BenchmarkError> {
		fill_regions::<T>(10_000, T::MaxRegions::get().saturating_sub(1))?;
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let region: ParaId = 9_999;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, region, longest_name::<T>());

		assert!(Regions::<T>::contains_key(region));
		Ok(())
	}

	/// Removing a region from a full federation.
	#[benchmark]
	fn remove_region() -> Result<(), BenchmarkError> {
		fill_regions::<T>(10_000, T::MaxRegions::get())?;
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let region = Regions::<T>::iter_keys().next().ok_or(BenchmarkError::Stop("no region"))?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, region);

		assert!(!Regions::<T>::contains_key(region));
		Ok(())
	}

	/// Forwarding a query about a patient listed in `r` regions besides the asking one, each
	/// with an open channel, to all of them.
	#[benchmark]
	fn route_query(r: Linear<0, { T::MaxRegions::get() - 1 }>) -> Result<(), BenchmarkError> {
		let (origin, caller, mut listed) = region_of_a_full_federation::<T>()?;
		T::BenchmarkHelper::open_channel(caller);
		listed.truncate(r as usize);
		for other in listed.iter() {
			T::BenchmarkHelper::open_channel(*other);
		}
		let patient: T::AccountId = account("patient", 0, 0);
		let requester: T::AccountId = account("requester", 0, 0);
		PatientRegions::<T>::insert(&patient, listed);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, requester, patient, QueryKind::Records, u32::MAX);

		Ok(())
	}

	/// Forgetting the last of a full entry's regions.
	#[benchmark]
	fn forget_patient_region() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let patient: T::AccountId = account("patient", 0, 0);
		let listed: Vec<ParaId> = (0..T::MaxRegions::get()).map(|r| 10_000 + r).collect();
		let last = *listed.last().ok_or(BenchmarkError::Stop("MaxRegions is zero"))?;
		let listed: BoundedVec<ParaId, T::MaxRegions> = listed
			.try_into()
			.map_err(|_| BenchmarkError::Stop("more regions than MaxRegions"))?;
		PatientRegions::<T>::insert(&patient, listed);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, patient.clone(), last);

		assert_eq!(PatientRegions::<T>::get(&patient).len() as u32, T::MaxRegions::get() - 1);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
