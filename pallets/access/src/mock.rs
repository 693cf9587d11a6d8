//! A minimal runtime for the access pallet's tests. Membership and the records pallet are test
//! doubles here (the region runtime's tests run the real ones); every key, capsule and wrapped
//! key is a real Umbral one.

use crate::{self as pallet_access, GrantEnvelope, RecordSubject};
use medfed_primitives::{
	Capsule, Membership, MembershipError, ParaId, PublicKey, RecordId, ResourceType, Role,
	WrappedKey,
};
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types, traits::Hooks},
	frame_system, pallet_balances, sp_io,
	sp_runtime::BuildStorage,
};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Access: pallet_access,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

parameter_types! {
	pub const Region: ParaId = 2000;
	pub static Authorities: Vec<u64> = vec![AUTHORITY_A, AUTHORITY_B, AUTHORITY_C];
	pub static Members: BTreeMap<u64, Role> = BTreeMap::new();
	pub static RecordTable: BTreeMap<RecordId, RecordSubject<u64>> = BTreeMap::new();
	pub static Patients: Vec<u64> = vec![];
	/// What the observer was told: (request, `Some(denied)` for an end, `None` for fulfilled).
	pub static Observed: Vec<(u64, Option<bool>)> = vec![];
}

/// Remembers what it is told, in [`Observed`].
pub struct TestObserver;
impl crate::RequestObserver for TestObserver {
	fn fulfilled(request: u64) {
		Observed::mutate(|o| o.push((request, None)));
	}

	fn ended(request: u64, denied: bool) {
		Observed::mutate(|o| o.push((request, Some(denied))));
	}

	fn fulfilled_weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::from_parts(7, 0)
	}

	fn ended_weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::from_parts(5, 0)
	}
}

/// The region's members: the authorities, and whatever a test adds.
pub struct TestMembership;
impl Membership<u64> for TestMembership {
	fn active_role(who: &u64) -> Result<Role, MembershipError> {
		if Authorities::get().contains(who) {
			return Ok(Role::Authority);
		}
		Members::get().get(who).copied().ok_or(MembershipError::NotMember)
	}

	fn authorities() -> Vec<u64> {
		Authorities::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn admit_for_benchmarks(who: &u64, role: Role) {
		if role == Role::Authority {
			Authorities::mutate(|a| a.push(*who));
		} else {
			Members::mutate(|m| m.insert(*who, role));
		}
	}
}

/// The region's records, as a table.
pub struct TestRecords;
impl crate::Records<u64> for TestRecords {
	fn subject(id: RecordId) -> Option<RecordSubject<u64>> {
		RecordTable::get().get(&id).cloned()
	}

	fn is_patient(who: &u64) -> bool {
		Patients::get().contains(who)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn record_for_benchmarks(patient: &u64, resource_type: ResourceType) -> RecordId {
		Patients::mutate(|p| p.push(*patient));
		let id = RecordTable::get().len() as RecordId;
		RecordTable::mutate(|t| {
			t.insert(id, RecordSubject { patient: *patient, resource_type, voided: false })
		});
		id
	}
}

parameter_types! {
	pub const MaxProxies: u32 = 5;
	pub const MaxScopeTypes: u32 = 3;
	pub const MaxScopeRecords: u32 = 4;
	pub const MaxEnvelopesPerCall: u32 = 4;
	pub const MaxRecordsPerGrant: u32 = 6;
	pub const MaxGrantDuration: u64 = 1_000;
	pub const MaxEncryptedFragmentLen: u32 = 64;
	pub const MaxCapsuleFragmentLen: u32 = medfed_primitives::access::CAPSULE_FRAGMENT_MAX_LEN as u32;
	pub const MaxRecordsPerRequest: u32 = 3;
	pub const MaxPurposeLen: u32 = 16;
	pub const RequestTimeout: u64 = 10;
	pub const MaxRequestsPerBlock: u32 = 2;
	pub const MaxOpenRequestsPerGrant: u32 = 3;
	pub const MaxGrantsPerGrantee: u32 = 2;
	pub const RequestDeposit: u64 = 10;
}

impl pallet_access::Config for Test {
	type Membership = TestMembership;
	type Records = TestRecords;
	type SelfParaId = Region;
	type MaxProxies = MaxProxies;
	type MaxScopeTypes = MaxScopeTypes;
	type MaxScopeRecords = MaxScopeRecords;
	type MaxEnvelopesPerCall = MaxEnvelopesPerCall;
	type MaxRecordsPerGrant = MaxRecordsPerGrant;
	type MaxGrantDuration = MaxGrantDuration;
	type MaxEncryptedFragmentLen = MaxEncryptedFragmentLen;
	type MaxCapsuleFragmentLen = MaxCapsuleFragmentLen;
	type MaxRecordsPerRequest = MaxRecordsPerRequest;
	type MaxPurposeLen = MaxPurposeLen;
	type RequestTimeout = RequestTimeout;
	type MaxRequestsPerBlock = MaxRequestsPerBlock;
	type MaxOpenRequestsPerGrant = MaxOpenRequestsPerGrant;
	type MaxGrantsPerGrantee = MaxGrantsPerGrantee;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type RequestDeposit = RequestDeposit;
	type RequestObserver = TestObserver;
	type WeightInfo = ();
}

/// The region's three authorities, whose proxies re-encrypt.
pub const AUTHORITY_A: u64 = 1;
pub const AUTHORITY_B: u64 = 2;
pub const AUTHORITY_C: u64 = 3;
/// The accounts the three proxies submit with.
pub const PROXY_A: u64 = 11;
pub const PROXY_B: u64 = 12;
pub const PROXY_C: u64 = 13;
/// A hospital (not an authority).
pub const HOSPITAL: u64 = 20;
/// A patient with records 0 (Observation), 1 (Condition) and 2 (Observation, voided).
pub const PATIENT: u64 = 100;
/// Another patient, with record 3.
pub const OTHER_PATIENT: u64 = 101;
/// A practitioner with a published key.
pub const DOCTOR: u64 = 200;
/// Someone with no grant.
pub const STRANGER: u64 = 201;

/// What the doctor, the stranger and the patients start with: enough for the grant's
/// `MaxOpenRequestsPerGrant` deposits many times over.
pub const ENDOWMENT: u64 = 1_000;

/// A real Umbral public key.
pub fn key() -> PublicKey {
	let secret = umbral_pre::SecretKey::random();
	PublicKey::parse(&secret.public_key().to_compressed_bytes()).expect("a real key")
}

/// A real envelope: a document key Umbral-encrypted to a fresh key.
pub fn envelope() -> GrantEnvelope {
	let secret = umbral_pre::SecretKey::random();
	let (capsule, wrapped) =
		umbral_pre::encrypt(&secret.public_key(), &[7u8; 32]).expect("encrypts");
	GrantEnvelope {
		capsule: Capsule::from_umbral(&capsule),
		wrapped_key: WrappedKey::parse(&wrapped).expect("a wrapped 32-byte key"),
	}
}

pub fn observation() -> ResourceType {
	ResourceType::parse(b"Observation").expect("a FHIR resource type")
}

pub fn condition() -> ResourceType {
	ResourceType::parse(b"Condition").expect("a FHIR resource type")
}

/// Moves to block `n`, running the pallet's `on_initialize` there.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Access::on_initialize(next);
	}
}

/// The test region for benchmarks: three authorities without proxy accounts, two patients'
/// records, nobody with a key.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	Authorities::set(vec![AUTHORITY_A, AUTHORITY_B, AUTHORITY_C]);
	Members::set(BTreeMap::new());
	Patients::set(vec![]);
	RecordTable::set(BTreeMap::new());
	Observed::set(vec![]);
	frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("builds")
		.into()
}

/// Runs `test` at block 1 in a region with three authorities whose proxies are set, a
/// doctor with a key and [`ENDOWMENT`], and two patients' records; checks every invariant
/// after it.
pub fn new_test_ext(test: impl FnOnce()) {
	Authorities::set(vec![AUTHORITY_A, AUTHORITY_B, AUTHORITY_C]);
	Members::set(BTreeMap::from([(HOSPITAL, Role::Hospital)]));
	Patients::set(vec![PATIENT, OTHER_PATIENT]);
	Observed::set(vec![]);
	RecordTable::set(BTreeMap::from([
		(0, RecordSubject { patient: PATIENT, resource_type: observation(), voided: false }),
		(1, RecordSubject { patient: PATIENT, resource_type: condition(), voided: false }),
		(2, RecordSubject { patient: PATIENT, resource_type: observation(), voided: true }),
		(3, RecordSubject { patient: OTHER_PATIENT, resource_type: observation(), voided: false }),
	]));
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	pallet_balances::GenesisConfig::<Test> {
		balances: [DOCTOR, STRANGER, PATIENT, OTHER_PATIENT]
			.into_iter()
			.map(|who| (who, ENDOWMENT))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("builds");
	let mut ext: sp_io::TestExternalities = storage.into();
	ext.execute_with(|| {
		System::set_block_number(1);
		for (authority, proxy) in
			[(AUTHORITY_A, PROXY_A), (AUTHORITY_B, PROXY_B), (AUTHORITY_C, PROXY_C)]
		{
			Access::set_proxy_account(RuntimeOrigin::signed(authority), proxy)
				.expect("an authority");
		}
		Access::register_key(RuntimeOrigin::signed(DOCTOR), key()).expect("a valid key");
		test();
		Access::do_try_state().expect("every invariant holds");
	});
}
