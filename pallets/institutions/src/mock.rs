//! A minimal runtime for the institutions pallet's tests.

use crate as pallet_institutions;
use medfed_primitives::{PublicKey, Role};
use polkadot_sdk::{
	frame_support::{
		self, construct_runtime, derive_impl, ord_parameter_types, parameter_types,
		traits::{ChangeMembers, EitherOfDiverse},
	},
	frame_system::{self, EnsureRoot, EnsureSignedBy},
	sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Institutions: pallet_institutions,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxInstitutions: u32 = 8;
	pub const MaxAuthorities: u32 = 3;
	pub const MaxNameLen: u32 = 16;
	/// What the authority collective was last told: its sorted members.
	pub static CollectiveMembers: Vec<u64> = vec![];
	/// The accounts that stand for institutions something names (records they issued).
	pub static NamedAccounts: Vec<u64> = vec![];
}

/// Stands in for the records pallet: names the accounts in `NamedAccounts`.
pub struct Named;
impl frame_support::traits::Contains<u64> for Named {
	fn contains(who: &u64) -> bool {
		NamedAccounts::get().contains(who)
	}
}

ord_parameter_types! {
	/// Stands in for a majority of the authorities, which is not enough to change them: root
	/// stands in for two thirds.
	pub const Majority: u64 = 100;
}

/// Stands in for the authority collective: remembers the member set it is given.
pub struct RecordCollective;
impl ChangeMembers<u64> for RecordCollective {
	fn change_members_sorted(_incoming: &[u64], _outgoing: &[u64], sorted_new: &[u64]) {
		CollectiveMembers::set(sorted_new.to_vec());
	}
}
impl frame_support::traits::InitializeMembers<u64> for RecordCollective {
	fn initialize_members(members: &[u64]) {
		// Like pallet-collective: initialising twice, or after a change, is a bug.
		assert!(CollectiveMembers::get().is_empty(), "members are already initialised");
		CollectiveMembers::set(members.to_vec());
	}
}

impl pallet_institutions::Config for Test {
	type AdminOrigin = EitherOfDiverse<EnsureRoot<u64>, EnsureSignedBy<Majority, u64>>;
	type AuthorityAdminOrigin = EnsureRoot<u64>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type AuthoritiesChanged = RecordCollective;
	type AuthoritiesInitialized = RecordCollective;
	type MaxInstitutions = MaxInstitutions;
	type Named = Named;
	type MaxAuthorities = MaxAuthorities;
	type MaxNameLen = MaxNameLen;
	type WeightInfo = ();
}

/// The founding authority of the test region.
pub const FOUNDER: u64 = 1;

/// A fresh, real Umbral public key.
pub fn key() -> PublicKey {
	let secret = umbral_pre::SecretKey::random();
	PublicKey::parse(&secret.public_key().to_compressed_bytes()).expect("a real key parses")
}

/// The test region: `FOUNDER` is its one authority.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	CollectiveMembers::set(vec![]);
	NamedAccounts::set(vec![]);
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	pallet_institutions::GenesisConfig::<Test> {
		institutions: vec![(FOUNDER, Role::Authority, b"Founder".to_vec(), Some(key()))],
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	storage.into()
}

/// Runs `test` in the test region at block 1 and checks every storage invariant after it.
pub fn new_test_ext(test: impl FnOnce()) {
	new_bench_ext().execute_with(|| {
		System::set_block_number(1);
		test();
		Institutions::do_try_state().expect("storage invariants hold");
	});
}
