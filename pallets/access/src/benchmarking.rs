//! Benchmarks of the access pallet, each at its worst case: the most proxies a grant can
//! name, the longest fragments and purposes, and every record read the call can make.

use super::*;
use alloc::vec;
use medfed_primitives::{
	umbral::{GENERATOR, WRAPPED_KEY_LEN},
	WrappedKey,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{
		fungible::{Inspect, InspectHold, Mutate},
		Hooks,
	},
	frame_system::RawOrigin,
};

/// A capsule that passes every check: both points the generator, scalar 1.
fn envelope() -> GrantEnvelope {
	let mut bytes = [0u8; medfed_primitives::umbral::CAPSULE_LEN];
	bytes[..33].copy_from_slice(&GENERATOR.0);
	bytes[33..66].copy_from_slice(&GENERATOR.0);
	bytes[medfed_primitives::umbral::CAPSULE_LEN - 1] = 1;
	GrantEnvelope {
		capsule: Capsule::parse(&bytes).expect("a valid capsule"),
		wrapped_key: WrappedKey::parse(&[7u8; WRAPPED_KEY_LEN]).expect("the right length"),
	}
}

fn observation() -> ResourceType {
	ResourceType::parse(b"Observation").expect("a FHIR resource type")
}

/// `MaxProxies` authorities, each with a proxy account; returns the proxy accounts.
fn authorities<T: Config>() -> Vec<T::AccountId> {
	let mut proxies = Vec::new();
	for i in T::Membership::authorities().len() as u32..T::MaxProxies::get() {
		let authority: T::AccountId = account("authority", i, 0);
		T::Membership::admit_for_benchmarks(&authority, Role::Authority);
	}
	for (i, authority) in T::Membership::authorities().into_iter().enumerate() {
		let proxy: T::AccountId = account("proxy", i as u32, 0);
		let _ = Pallet::<T>::set_proxy_account(RawOrigin::Signed(authority).into(), proxy.clone());
		proxies.push(proxy);
	}
	proxies
}

/// A patient with `n` records, and a grantee with a key.
fn patient<T: Config>(n: u32) -> (T::AccountId, Vec<RecordId>, T::AccountId) {
	patient_number::<T>(0, n)
}

/// Patient number `i` with `n` records, and grantee number `i` with a key.
fn patient_number<T: Config>(i: u32, n: u32) -> (T::AccountId, Vec<RecordId>, T::AccountId) {
	let patient: T::AccountId = account("patient", i, 0);
	let records = (0..n)
		.map(|_| T::Records::record_for_benchmarks(&patient, observation()))
		.collect();
	let grantee: T::AccountId = account("grantee", i, 0);
	Keys::<T>::insert(&grantee, GENERATOR);
	fund::<T>(&grantee);
	(patient, records, grantee)
}

/// Gives `who` the free balance for every deposit a benchmark has it hold: its requests hold
/// and release real deposits.
fn fund<T: Config>(who: &T::AccountId) {
	let deposits = T::MaxRequestsPerBlock::get()
		.saturating_add(T::MaxOpenRequestsPerGrant::get())
		.saturating_add(1);
	let amount = T::Currency::minimum_balance()
		.saturating_add(T::RequestDeposit::get().saturating_mul(deposits.into()));
	let _ = T::Currency::set_balance(who, amount);
}

/// What `who` holds for access requests.
fn held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	T::Currency::balance_on_hold(&HoldReason::AccessRequest.into(), who)
}

fn fragments<T: Config>() -> BoundedVec<EncryptedFragmentOf<T>, T::MaxProxies> {
	let fragment: EncryptedFragmentOf<T> = vec![0xee; T::MaxEncryptedFragmentLen::get() as usize]
		.try_into()
		.expect("at the bound");
	let n = T::Membership::authorities().len();
	vec![fragment; n].try_into().expect("MaxProxies covers the authorities")
}

fn envelopes<T: Config>(
	records: &[RecordId],
) -> BoundedVec<(RecordId, GrantEnvelope), T::MaxEnvelopesPerCall> {
	records
		.iter()
		.map(|r| (*r, envelope()))
		.collect::<Vec<_>>()
		.try_into()
		.expect("in bound")
}

/// A live 2-of-n grant (1-of-1 with one proxy) of `records` to the grantee; its id.
fn make_grant<T: Config>(
	patient: &T::AccountId,
	grantee: &T::AccountId,
	records: &[RecordId],
) -> GrantId {
	let id = NextGrantId::<T>::get();
	let threshold = T::Membership::authorities().len().min(2) as u8;
	let scope: ScopeOf<T> = Scope::All;
	Pallet::<T>::grant(
		RawOrigin::Signed(patient.clone()).into(),
		grantee.clone(),
		scope,
		threshold,
		frame_system::Pallet::<T>::block_number().saturating_add(T::MaxGrantDuration::get()),
		(id as u32).to_le_bytes().repeat(8).try_into().expect("32 bytes"),
		GENERATOR,
		GENERATOR,
		fragments::<T>(),
		envelopes::<T>(records),
	)
	.expect("a valid grant");
	id
}

fn purpose<T: Config>() -> BoundedVec<u8, T::MaxPurposeLen> {
	vec![b'p'; T::MaxPurposeLen::get() as usize].try_into().expect("at the bound")
}

fn make_request<T: Config>(
	grantee: &T::AccountId,
	grant: GrantId,
	records: &[RecordId],
) -> RequestId {
	let id = NextRequestId::<T>::get();
	Pallet::<T>::request(
		RawOrigin::Signed(grantee.clone()).into(),
		grant,
		records.to_vec().try_into().expect("in bound"),
		purpose::<T>(),
	)
	.expect("a valid request");
	id
}

fn capsule_fragments<T: Config>(
	records: &[RecordId],
) -> BoundedVec<(RecordId, CapsuleFragmentOf<T>), T::MaxRecordsPerRequest> {
	let fragment: CapsuleFragmentOf<T> = vec![0xcf; T::MaxCapsuleFragmentLen::get() as usize]
		.try_into()
		.expect("at the bound");
	records
		.iter()
		.map(|r| (*r, fragment.clone()))
		.collect::<Vec<_>>()
		.try_into()
		.expect("in bound")
}

/// A deterministic RNG (splitmix64) for making real Umbral keys and fragments where the
/// benchmarks run: the runtime has no entropy, and the benchmarks need real curve operations,
/// not secrecy. Never use it for anything else.
struct BenchRng(u64);

impl rand_core::RngCore for BenchRng {
	fn next_u32(&mut self) -> u32 {
		self.next_u64() as u32
	}

	fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	fn fill_bytes(&mut self, dest: &mut [u8]) {
		rand_core::impls::fill_bytes_via_next(self, dest)
	}

	fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
		self.fill_bytes(dest);
		Ok(())
	}
}

impl rand_core::CryptoRng for BenchRng {}

/// The last byte of a capsule fragment's proof scalar (`z3`) in umbral-pre's encoding: the
/// array header, four fields and the proof's header (141 bytes), four points (4 × 35) and the
/// scalar's own header (2), then its 32 bytes.
const PROOF_SCALAR_LAST_BYTE: usize = 141 + 4 * 35 + 2 + 31;

fn chain_key(key: &umbral_pre::PublicKey) -> PublicKey {
	PublicKey::parse(&key.to_compressed_bytes()).expect("umbral-pre makes curve points")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_key() {
		let who: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), GENERATOR);

		assert!(Keys::<T>::contains_key(&who));
	}

	#[benchmark]
	fn set_proxy_account() {
		authorities::<T>();
		let authority = T::Membership::authorities()[0].clone();
		let fresh: T::AccountId = account("fresh proxy", 0, 0);

		// Replacing an earlier proxy account: one more removal.
		#[extrinsic_call]
		_(RawOrigin::Signed(authority.clone()), fresh.clone());

		assert_eq!(ProxyOf::<T>::get(&fresh), Some(authority));
	}

	#[benchmark]
	fn grant(e: Linear<1, { T::MaxEnvelopesPerCall::get().min(T::MaxScopeRecords::get()) }>) {
		authorities::<T>();
		let (patient, records, grantee) = patient::<T>(e);
		// A scope of record ids reads every record twice: the scope's and the envelope's.
		let scope: ScopeOf<T> = Scope::Records(records.clone().try_into().expect("in bound"));
		let threshold = T::Membership::authorities().len() as u8;
		// The patient's other live grants to the grantee, which the call reads to make room.
		for _ in 1..T::MaxGrantsPerGrantee::get() {
			Pallet::<T>::share_for_benchmarks(&patient, &grantee, &[]);
		}
		let id = NextGrantId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(patient),
			grantee,
			scope,
			threshold,
			T::MaxGrantDuration::get(),
			[0xff; 32],
			GENERATOR,
			GENERATOR,
			fragments::<T>(),
			envelopes::<T>(&records),
		);

		assert_eq!(EnvelopeCount::<T>::get(id), e);
	}

	#[benchmark]
	fn extend_grant(e: Linear<1, { T::MaxEnvelopesPerCall::get() }>) {
		authorities::<T>();
		let (patient, records, grantee) = patient::<T>(e + 1);
		let id = make_grant::<T>(&patient, &grantee, &records[..1]);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id, envelopes::<T>(&records[1..]));

		assert_eq!(EnvelopeCount::<T>::get(id), e + 1);
	}

	#[benchmark]
	fn revoke(r: Linear<0, { T::MaxOpenRequestsPerGrant::get() }>) {
		authorities::<T>();
		let (patient, records, grantee) = patient::<T>(1);
		let id = make_grant::<T>(&patient, &grantee, &records);
		for _ in 0..r {
			// Each request in a block of its own: one deadline list each to read and write.
			frame_system::Pallet::<T>::set_block_number(
				frame_system::Pallet::<T>::block_number().saturating_add(One::one()),
			);
			make_request::<T>(&grantee, id, &records);
		}

		assert_eq!(held::<T>(&grantee), T::RequestDeposit::get().saturating_mul(r.into()));

		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id);

		assert!(OpenRequests::<T>::get(id).is_empty());
		assert!(held::<T>(&grantee).is_zero(), "every denial released its deposit");
	}

	#[benchmark]
	fn request(r: Linear<1, { T::MaxRecordsPerRequest::get() }>) {
		authorities::<T>();
		let (patient, records, grantee) = patient::<T>(r);
		let id = make_grant::<T>(&patient, &grantee, &records);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(grantee.clone()),
			id,
			records.clone().try_into().expect("in bound"),
			purpose::<T>(),
		);

		assert_eq!(OpenRequests::<T>::get(id).len(), 1);
		assert_eq!(held::<T>(&grantee), T::RequestDeposit::get());
	}

	#[benchmark]
	fn submit_fragments(f: Linear<1, { T::MaxRecordsPerRequest::get() }>) {
		let proxies = authorities::<T>();
		let (patient, records, grantee) = patient::<T>(f);
		let id = make_grant::<T>(&patient, &grantee, &records);
		let req = make_request::<T>(&grantee, id, &records);
		// The worst case fulfils the request: every other needed fragment is in.
		let last = proxies.len().min(2) - 1;
		for proxy in &proxies[..last] {
			Pallet::<T>::submit_fragments(
				RawOrigin::Signed(proxy.clone()).into(),
				req,
				capsule_fragments::<T>(&records),
			)
			.expect("accepted");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(proxies[last].clone()), req, capsule_fragments::<T>(&records));

		assert!(matches!(
			Requests::<T>::get(req).map(|r| r.state),
			Some(RequestState::Fulfilled { .. })
		));
		assert!(held::<T>(&grantee).is_zero(), "the fulfilment released the deposit");
	}

	/// The worst case: an upheld complaint that reopens a fulfilled request, against a
	/// fragment that decodes and whose key fragment's signature verifies, so that every check
	/// of umbral-pre's verification runs (the proof's scalar is changed, which only the last
	/// check finds). The keys, capsule and fragments are real, made with umbral-pre here.
	#[benchmark]
	fn complain() {
		let proxies = authorities::<T>();
		let (patient, records, grantee) = patient::<T>(1);
		let record = records[0];
		let mut rng = BenchRng(0x6d65_6466_6564);
		let delegating = umbral_pre::SecretKey::random_with_rng(&mut rng);
		let signer = umbral_pre::Signer::new(umbral_pre::SecretKey::random_with_rng(&mut rng));
		let receiving = umbral_pre::SecretKey::random_with_rng(&mut rng);
		Keys::<T>::insert(&grantee, chain_key(&receiving.public_key()));
		let (capsule, wrapped) =
			umbral_pre::encrypt_with_rng(&mut rng, &delegating.public_key(), &[7; 32])
				.expect("umbral-pre encrypts 32 bytes");
		let envelope = GrantEnvelope {
			capsule: Capsule::from_umbral(&capsule),
			wrapped_key: WrappedKey::parse(&wrapped).expect("72 bytes for a 32-byte key"),
		};
		let threshold = proxies.len().min(2);
		let id = NextGrantId::<T>::get();
		let scope: ScopeOf<T> = Scope::All;
		Pallet::<T>::grant(
			RawOrigin::Signed(patient).into(),
			grantee.clone(),
			scope,
			threshold as u8,
			frame_system::Pallet::<T>::block_number().saturating_add(T::MaxGrantDuration::get()),
			[9; 32],
			chain_key(&delegating.public_key()),
			chain_key(&signer.verifying_key()),
			fragments::<T>(),
			vec![(record, envelope)].try_into().expect("one envelope"),
		)
		.expect("a valid grant");
		let req = make_request::<T>(&grantee, id, &records);
		let kfrags = umbral_pre::generate_kfrags_with_rng(
			&mut rng,
			&delegating,
			&receiving.public_key(),
			&signer,
			threshold,
			proxies.len(),
			true,
			true,
		);
		// A threshold of proxies answer; the last one's fragment is wrong.
		let last = threshold - 1;
		for (i, proxy) in proxies[..threshold].iter().enumerate() {
			let cfrag =
				umbral_pre::reencrypt_with_rng(&mut rng, &capsule, kfrags[i].clone()).unverify();
			let mut bytes = fragment::encode(&cfrag);
			if i == last {
				bytes[PROOF_SCALAR_LAST_BYTE] ^= 1;
			}
			let submitted: BoundedVec<_, T::MaxRecordsPerRequest> =
				vec![(record, bytes.try_into().expect("within MaxCapsuleFragmentLen"))]
					.try_into()
					.expect("one record");
			Pallet::<T>::submit_fragments(RawOrigin::Signed(proxy.clone()).into(), req, submitted)
				.expect("accepted");
		}
		assert!(matches!(
			Requests::<T>::get(req).map(|r| r.state),
			Some(RequestState::Fulfilled { .. })
		));
		let authority = Grants::<T>::get(id).expect("granted").proxies[last].clone();

		#[extrinsic_call]
		_(RawOrigin::Signed(grantee), req, record, authority);

		assert_eq!(Requests::<T>::get(req).map(|r| r.state), Some(RequestState::Open));
		assert!(FailedProxies::<T>::contains_key(req, last as u32));
	}

	#[benchmark]
	fn on_initialize(n: Linear<0, { T::MaxRequestsPerBlock::get() }>) {
		authorities::<T>();
		// One patient, grantee and grant per request (each expiry writes its own audit trail
		// and releases its own requester's deposit), all due in the same block.
		for i in 0..n {
			let (patient, records, grantee) = patient_number::<T>(i, 1);
			let id = make_grant::<T>(&patient, &grantee, &records);
			make_request::<T>(&grantee, id, &records);
		}
		let due =
			frame_system::Pallet::<T>::block_number().saturating_add(T::RequestTimeout::get());
		assert_eq!(Deadlines::<T>::get(due).len() as u32, n);

		#[block]
		{
			Pallet::<T>::on_initialize(due);
		}

		assert!(Deadlines::<T>::get(due).is_empty());
		for i in 0..n {
			assert!(held::<T>(&account("grantee", i, 0)).is_zero(), "every expiry released");
		}
		assert!(
			n == 0 ||
				matches!(
					Requests::<T>::get(0).map(|r| r.state),
					Some(RequestState::Expired { .. })
				)
		);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
