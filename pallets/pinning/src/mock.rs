//! A minimal runtime for the pinning pallet's tests: the real institutions pallet for
//! membership, real sr25519 pinning keys in an in-memory keystore, and a record list standing in
//! for the records pallet.

use crate as pallet_pinning;
use crate::crypto::Public;
use medfed_primitives::{Cid, RecordId, RecordsInspect, Role};
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types, traits::Hooks as _},
	frame_system::{self, EnsureRoot},
	sp_core::{
		crypto::ByteArray,
		offchain::{
			testing::{OffchainState, PoolState, TestOffchainExt, TestTransactionPoolExt},
			OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
		},
	},
	sp_io,
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::{testing::TestXt, BuildStorage},
};
use std::sync::Arc;

pub type Extrinsic = TestXt<RuntimeCall, frame_system::AuthorizeCall<Test>>;
type Block = polkadot_sdk::sp_runtime::generic::Block<
	polkadot_sdk::sp_runtime::generic::Header<u64, polkadot_sdk::sp_runtime::traits::BlakeTwo256>,
	Extrinsic,
>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Institutions: pallet_institutions,
		Pinning: pallet_pinning,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxInstitutions: u32 = 16;
	pub const MaxAuthorities: u32 = 4;
	pub const MaxNameLen: u32 = 32;
	pub const MaxPinsPerReport: u32 = 3;
	pub const ReportLongevity: u64 = 5;
	/// The CIDs of the records registered so far, by id.
	pub static RecordCids: Vec<Cid> = Vec::new();
	/// Which account owns which pinning key.
	pub static KeyOwners: Vec<(Public, u64)> = Vec::new();
}

/// Does what the runtime does for pinning when the authorities change: a removed authority's
/// pins are forgotten.
pub struct ForgetPins;
impl polkadot_sdk::frame_support::traits::ChangeMembers<u64> for ForgetPins {
	fn change_members_sorted(_incoming: &[u64], outgoing: &[u64], _new: &[u64]) {
		for who in outgoing {
			Pinning::forget_authority(who);
		}
	}
}

impl pallet_institutions::Config for Test {
	type AdminOrigin = EnsureRoot<u64>;
	type AuthorityAdminOrigin = EnsureRoot<u64>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type AuthoritiesChanged = ForgetPins;
	type AuthoritiesInitialized = ();
	type MaxInstitutions = MaxInstitutions;
	// Keeps every removed institution, as one that issued records is kept.
	type Named = polkadot_sdk::frame_support::traits::Everything;
	type MaxAuthorities = MaxAuthorities;
	type MaxNameLen = MaxNameLen;
	type WeightInfo = ();
}

/// The records pallet's view, over [`RecordCids`].
pub struct MockRecords;
impl RecordsInspect for MockRecords {
	fn next_record_id() -> RecordId {
		RecordCids::get().len() as RecordId
	}
	fn content(id: RecordId) -> Option<(Cid, u64)> {
		RecordCids::get().get(id as usize).cloned().map(|cid| (cid, record_size(id)))
	}
}

/// Key owners from [`KeyOwners`].
pub struct MockKeyOwner;
impl crate::KeyOwner<Public, u64> for MockKeyOwner {
	fn owner(key: &Public) -> Option<u64> {
		KeyOwners::get().into_iter().find(|(k, _)| k == key).map(|(_, who)| who)
	}
}

impl<C> polkadot_sdk::frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<C> polkadot_sdk::frame_system::offchain::CreateTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extension = frame_system::AuthorizeCall<Test>;
	fn create_transaction(call: RuntimeCall, extension: Self::Extension) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<C> polkadot_sdk::frame_system::offchain::CreateAuthorizedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_extension() -> Self::Extension {
		frame_system::AuthorizeCall::new()
	}
}

impl pallet_pinning::Config for Test {
	type AuthorityId = Public;
	type KeyOwner = MockKeyOwner;
	type Membership = Institutions;
	type Records = MockRecords;
	type MaxPinsPerReport = MaxPinsPerReport;
	type ReportLongevity = ReportLongevity;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// Benchmarks' setup in the mock: a fresh key owned by a freshly admitted authority.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<Public, u64> for BenchHelper {
	fn authority() -> (Public, u64) {
		use medfed_primitives::Membership;
		use polkadot_sdk::sp_runtime::RuntimeAppPublic;
		let key = Public::generate_pair(None);
		<Institutions as Membership<u64>>::admit_for_benchmarks(&3, Role::Authority);
		let mut owners = KeyOwners::get();
		owners.push((key.clone(), 3));
		KeyOwners::set(owners);
		(key, 3)
	}
	fn add_records(n: u32) {
		add_records(n as u8);
	}
}

/// The benchmarks' externalities: the test genesis with a keystore.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	new_test_ext().0
}

/// An authority institution whose collator runs in the test (its key is in the keystore).
pub const AUTHORITY: u64 = 1;
/// Another authority, elsewhere.
pub const OTHER_AUTHORITY: u64 = 2;
/// A member hospital (not an authority).
pub const HOSPITAL: u64 = 10;

/// The size of record `id`'s ciphertext.
pub fn record_size(id: RecordId) -> u64 {
	1_000 + id
}

/// A CIDv1 (raw, sha2-256) with a digest of `n` repeated.
pub fn cid(n: u8) -> Cid {
	let mut text = alloc::vec::Vec::from(&b"f01551220"[..]);
	for _ in 0..32 {
		text.extend_from_slice(alloc::format!("{n:02x}").as_bytes());
	}
	Cid::parse(&text).expect("a valid base16 CIDv1")
}

/// Registers `n` more records.
pub fn add_records(n: u8) {
	let mut cids = RecordCids::get();
	let first = cids.len() as u8;
	cids.extend((first..first + n).map(cid));
	RecordCids::set(cids);
}

/// What a test sees of the node: the submitted transactions and the HTTP requests.
pub struct Node {
	pub pool: Arc<parking_lot::RwLock<PoolState>>,
	pub http: Arc<parking_lot::RwLock<OffchainState>>,
	/// The pinning keys in the keystore: the local authority's, the other authority's, the
	/// hospital's.
	pub keys: [Public; 3],
}

/// Genesis: two authorities and a hospital, each owning one pinning key; the keystore holds the
/// local authority's key (and the hospital's, which must be ignored).
pub fn new_test_ext() -> (sp_io::TestExternalities, Node) {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let proxy_key = medfed_primitives::umbral::dev::public_key;
	pallet_institutions::GenesisConfig::<Test> {
		institutions: alloc::vec![
			(AUTHORITY, Role::Authority, b"Authority one".to_vec(), Some(proxy_key("One"))),
			(OTHER_AUTHORITY, Role::Authority, b"Authority two".to_vec(), Some(proxy_key("Two"))),
			(HOSPITAL, Role::Hospital, b"Hospital".to_vec(), None),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();

	let keystore = MemoryKeystore::new();
	let local = keystore.sr25519_generate_new(crate::KEY_TYPE, Some("//Alice")).unwrap();
	let hospital = keystore.sr25519_generate_new(crate::KEY_TYPE, Some("//Dave")).unwrap();
	let other = polkadot_sdk::sp_core::sr25519::Pair::from_string("//Bob", None).unwrap();
	use polkadot_sdk::sp_core::Pair;
	let keys = [
		Public::from_slice(local.as_slice()).unwrap(),
		Public::from_slice(other.public().as_slice()).unwrap(),
		Public::from_slice(hospital.as_slice()).unwrap(),
	];
	let owners = alloc::vec![
		(keys[0].clone(), AUTHORITY),
		(keys[1].clone(), OTHER_AUTHORITY),
		(keys[2].clone(), HOSPITAL)
	];

	let mut ext = sp_io::TestExternalities::new(storage);
	let (offchain, http) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt(Arc::new(keystore)));
	ext.execute_with(|| {
		System::set_block_number(1);
		KeyOwners::set(owners);
		RecordCids::set(alloc::vec::Vec::new());
	});
	(ext, Node { pool: pool_state, http, keys })
}

/// Runs the off-chain worker at the current block.
pub fn run_worker() {
	Pinning::offchain_worker(System::block_number());
}

/// Moves to block `n`.
pub fn go_to(n: u64) {
	System::set_block_number(n);
}
