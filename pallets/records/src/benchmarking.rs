//! Benchmarks of the records pallet, each at its worst case.

use super::*;
use medfed_primitives::{
	cid::{CidVersion, Codec, HashAlg},
	umbral::{GENERATOR, WRAPPED_KEY_LEN},
	Role,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_system::RawOrigin,
	sp_runtime::{traits::Hash, BoundedVec, Saturating},
};

/// A capsule that passes every check: both points the generator, scalar 1.
fn capsule() -> Vec<u8> {
	let mut bytes = Vec::with_capacity(medfed_primitives::umbral::CAPSULE_LEN);
	bytes.extend_from_slice(&GENERATOR.0);
	bytes.extend_from_slice(&GENERATOR.0);
	bytes.extend_from_slice(&[0u8; 31]);
	bytes.push(1);
	bytes
}

/// A wrapped key: its bytes are ciphertext, of which the chain checks only the length.
fn wrapped_key() -> Vec<u8> {
	alloc::vec![0xab; WRAPPED_KEY_LEN]
}

/// The longest CID text MedFed accepts: CIDv1, dag-json, sha2-512, base32.
fn longest_cid() -> Vec<u8> {
	Cid {
		version: CidVersion::V1,
		codec: Codec::DagJson,
		hash: HashAlg::Sha2_512,
		digest: BoundedVec::truncate_from(alloc::vec![0xab; 64]),
	}
	.to_text()
	.into_bytes()
}

fn ciphertext_hash<T: Config>(n: u32) -> CiphertextHash {
	let digest = T::Hashing::hash_of(&n);
	let mut hash = [0u8; 32];
	let bytes = digest.as_ref();
	hash[..bytes.len().min(32)].copy_from_slice(&bytes[..bytes.len().min(32)]);
	hash
}

fn register_patient_for_benchmarks<T: Config>(who: &T::AccountId) {
	Patients::<T>::insert(
		who,
		Patient { key: GENERATOR, registered_at: Zero::zero(), record_count: 0 },
	);
}

/// Registers `n` records of a benchmark patient, for other pallets' benchmarks.
pub(crate) fn add_records<T: Config>(n: u32) {
	let patient: T::AccountId = account("records benchmark patient", 0, 0);
	let issuer: T::AccountId = account("records benchmark issuer", 0, 0);
	if !Patients::<T>::contains_key(&patient) {
		register_patient_for_benchmarks::<T>(&patient);
	}
	for _ in 0..n {
		let next = NextRecordId::<T>::get();
		let record = Record {
			patient: patient.clone(),
			issuer: issuer.clone(),
			resource_type: ResourceType::parse(b"Observation").expect("a FHIR R4 type"),
			cid: Cid::parse(&longest_cid()).expect("a valid CID"),
			ciphertext_hash: ciphertext_hash::<T>(u32::MAX - next as u32),
			capsule: Capsule::parse(&capsule()).expect("a valid capsule"),
			wrapped_key: WrappedKey::parse(&wrapped_key()).expect("a valid wrapped key"),
			size: 1024,
			created_at: Zero::zero(),
			supersedes: None,
		};
		let _ = Pallet::<T>::do_register_record(record);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_patient() {
		let patient: T::AccountId = whitelisted_caller();
		let amount = <T::Currency as fungible::Inspect<_>>::minimum_balance()
			.saturating_add(T::PatientDeposit::get());
		let _ = <T::Currency as fungible::Mutate<_>>::set_balance(&patient, amount);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), GENERATOR.0.to_vec());

		assert!(Patients::<T>::contains_key(&patient));
	}

	/// A record with the longest CID; with `s = 1` it corrects an earlier record, which adds
	/// the reads and the write of the version chain.
	#[benchmark]
	fn register_record(s: Linear<0, 1>) -> Result<(), BenchmarkError> {
		let issuer: T::AccountId = whitelisted_caller();
		T::Membership::admit_for_benchmarks(&issuer, Role::Hospital);
		let patient: T::AccountId = account("patient", 0, 0);
		register_patient_for_benchmarks::<T>(&patient);
		let first = Pallet::<T>::check_record(
			patient.clone(),
			issuer.clone(),
			b"Observation",
			&longest_cid(),
			ciphertext_hash::<T>(0),
			&capsule(),
			&wrapped_key(),
			1024,
			None,
		)
		.map_err(|_| BenchmarkError::Stop("first record is invalid"))?;
		Pallet::<T>::do_register_record(first)?;
		let size = T::MaxRecordSize::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(issuer),
			patient.clone(),
			b"MedicinalProductUndesirableEffect".to_vec(),
			longest_cid(),
			ciphertext_hash::<T>(1),
			capsule(),
			wrapped_key(),
			size,
			(s == 1).then_some(0),
		);

		assert!(Records::<T>::contains_key(1));
		assert_eq!(SupersededBy::<T>::get(0), (s == 1).then_some(1));
		Ok(())
	}

	#[benchmark]
	fn void_record() -> Result<(), BenchmarkError> {
		add_records::<T>(1);
		let origin =
			T::VoidOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0);

		assert!(Voided::<T>::contains_key(0));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
