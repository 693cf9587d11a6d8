//! A minimal runtime for the records pallet's tests, with the real institutions pallet for
//! membership.

use crate as pallet_records;
use medfed_primitives::{envelope, Cid, CiphertextHash, OnFirstRecord, PublicKey, Role};
use polkadot_sdk::{
	frame_support::{
		construct_runtime, derive_impl, parameter_types, traits::ConstU64, weights::Weight,
	},
	frame_system::{self, EnsureRoot},
	pallet_balances, sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Institutions: pallet_institutions,
		Records: pallet_records,
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
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// What every test account starts with.
pub const ENDOWMENT: u64 = 1_000_000;
/// What a patient's registration holds.
pub const PATIENT_DEPOSIT: u64 = 1_000;
/// An account with nothing: it cannot register as a patient.
pub const PENNILESS: u64 = 999;

parameter_types! {
	pub const MaxInstitutions: u32 = 16;
	pub const MaxAuthorities: u32 = 4;
	pub const MaxNameLen: u32 = 32;
	pub const MaxRecordsPerPatient: u32 = 4;
	pub const MaxRecordsPerIssuer: u32 = 3;
	pub const MaxRecordSize: u64 = 1 << 30;
	pub const MaxPageSize: u32 = 3;
	/// The patients announced to the directory, in order.
	pub static Announced: Vec<u64> = vec![];
}

/// What announcing a patient costs in this mock.
pub const ANNOUNCE_WEIGHT: Weight = Weight::from_parts(7_000_000, 1_000);

/// Stands in for the federation pallet: remembers whom it was told to announce.
pub struct RememberAnnouncements;
impl OnFirstRecord<u64> for RememberAnnouncements {
	fn on_first_record(patient: &u64) {
		Announced::mutate(|a| a.push(*patient));
	}

	fn weight() -> Weight {
		ANNOUNCE_WEIGHT
	}
}

impl pallet_institutions::Config for Test {
	type AdminOrigin = EnsureRoot<u64>;
	type AuthorityAdminOrigin = EnsureRoot<u64>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type AuthoritiesChanged = ();
	type AuthoritiesInitialized = ();
	type MaxInstitutions = MaxInstitutions;
	// Keeps every removed institution, as one that issued records is kept.
	type Named = polkadot_sdk::frame_support::traits::Everything;
	type MaxAuthorities = MaxAuthorities;
	type MaxNameLen = MaxNameLen;
	type WeightInfo = ();
}

impl pallet_records::Config for Test {
	type Membership = Institutions;
	type MaxRecordsPerPatient = MaxRecordsPerPatient;
	type MaxRecordsPerIssuer = MaxRecordsPerIssuer;
	type VoidOrigin = EnsureRoot<u64>;
	type MaxRecordSize = MaxRecordSize;
	type MaxPageSize = MaxPageSize;
	type OnFirstRecord = RememberAnnouncements;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type PatientDeposit = ConstU64<PATIENT_DEPOSIT>;
	type WeightInfo = ();
}

/// The region's authority.
pub const AUTHORITY: u64 = 1;
/// A member hospital.
pub const HOSPITAL: u64 = 10;
/// Another member hospital.
pub const CLINIC: u64 = 11;
/// A hospital that was admitted and then removed.
pub const REMOVED: u64 = 12;
/// A patient with a registered key.
pub const PATIENT: u64 = 100;
/// Another patient with a registered key.
pub const OTHER_PATIENT: u64 = 101;

/// A fresh, real Umbral key pair.
pub fn keys() -> (umbral_pre::SecretKey, PublicKey) {
	let secret = umbral_pre::SecretKey::random();
	let public = PublicKey::parse(&secret.public_key().to_compressed_bytes()).expect("real key");
	(secret, public)
}

/// What a client submits for a document: its CID text, ciphertext hash, capsule and wrapped key
/// bytes, from a real sealing of `document` to `key` (the record envelope); and the ciphertext,
/// which goes to IPFS.
#[derive(Clone)]
pub struct Upload {
	pub cid: Vec<u8>,
	pub hash: CiphertextHash,
	pub capsule: Vec<u8>,
	pub wrapped_key: Vec<u8>,
	pub size: u64,
	pub ciphertext: Vec<u8>,
}

pub fn upload(key: &PublicKey, document: &[u8]) -> Upload {
	let sealed = envelope::seal(&mut rand_core::OsRng, key, document).expect("seals");
	let hash = sp_io::hashing::sha2_256(&sealed.ciphertext);
	assert_eq!(hash, sealed.hash());
	let cid = Cid::raw_sha256(hash);
	Upload {
		cid: cid.to_text().into_bytes(),
		hash,
		capsule: sealed.capsule.0.to_vec(),
		wrapped_key: sealed.wrapped_key.0.to_vec(),
		size: sealed.ciphertext.len() as u64,
		ciphertext: sealed.ciphertext,
	}
}

/// The test region: one authority, two hospitals, one removed hospital, two patients.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	Announced::set(vec![]);
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	pallet_institutions::GenesisConfig::<Test> {
		institutions: vec![
			(AUTHORITY, Role::Authority, b"Authority".to_vec(), Some(keys().1)),
			(HOSPITAL, Role::Hospital, b"Hospital".to_vec(), None),
			(CLINIC, Role::Clinic, b"Clinic".to_vec(), None),
			(REMOVED, Role::Hospital, b"Removed".to_vec(), None),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	pallet_balances::GenesisConfig::<Test> {
		balances: [PATIENT, OTHER_PATIENT, 200].into_iter().map(|who| (who, ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid balances");
	storage.into()
}

/// Runs `test` in the test region at block 1, after the patients registered and `REMOVED` was
/// removed, and checks every storage invariant of both pallets after it.
pub fn new_test_ext(test: impl FnOnce()) {
	new_bench_ext().execute_with(|| {
		System::set_block_number(1);
		Institutions::remove(RuntimeOrigin::root(), REMOVED).expect("removable");
		for patient in [PATIENT, OTHER_PATIENT] {
			Records::register_patient(RuntimeOrigin::signed(patient), keys().1 .0.to_vec())
				.expect("registers");
		}
		test();
		Institutions::do_try_state().expect("institutions invariants hold");
		Records::do_try_state().expect("records invariants hold");
	});
}
