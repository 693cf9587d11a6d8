//! A minimal coordinator for the directory pallet's tests.

use crate::{self as pallet_directory, ParaId};
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types, traits::EnsureOrigin},
	frame_system::{self, EnsureRoot, RawOrigin},
	sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Directory: pallet_directory,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxRegions: u32 = 3;
	pub const MaxNameLen: u32 = 16;
}

/// Accounts from [`FIRST_PARA`] on stand in for sibling parachains' XCM origins: the account
/// is the para id. Lower accounts are people.
pub struct EnsurePara;
impl EnsureOrigin<RuntimeOrigin> for EnsurePara {
	type Success = ParaId;

	fn try_origin(o: RuntimeOrigin) -> Result<ParaId, RuntimeOrigin> {
		match o.clone().into() {
			Ok(RawOrigin::Signed(who)) if who >= FIRST_PARA as u64 => Ok(who as ParaId),
			_ => Err(o),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(RawOrigin::Signed(REGION_A as u64).into())
	}
}

impl pallet_directory::Config for Test {
	type RegionOrigin = EnsurePara;
	type AdminOrigin = EnsureRoot<u64>;
	type MaxRegions = MaxRegions;
	type MaxNameLen = MaxNameLen;
	type WeightInfo = ();
}

/// The lowest account that stands for a parachain.
pub const FIRST_PARA: ParaId = 1000;
/// Region A's para id.
pub const REGION_A: ParaId = 2000;
/// Region B's para id.
pub const REGION_B: ParaId = 2001;
/// A parachain that is not a region.
pub const STRANGER: ParaId = 3000;
/// A patient.
pub const PATIENT: u64 = 7;

/// The origin of a message from parachain `para`.
pub fn para(para: ParaId) -> RuntimeOrigin {
	RuntimeOrigin::signed(para as u64)
}

/// A coordinator whose federation has regions A and B.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	pallet_directory::GenesisConfig::<Test> {
		regions: vec![(REGION_A, b"Region A".to_vec()), (REGION_B, b"Region B".to_vec())],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	storage.into()
}

/// Runs `test` on the test coordinator at block 1 and checks every storage invariant after it.
pub fn new_test_ext(test: impl FnOnce()) {
	new_bench_ext().execute_with(|| {
		System::set_block_number(1);
		test();
		Directory::do_try_state().expect("storage invariants hold");
	});
}
