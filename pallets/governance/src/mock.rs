//! A minimal chain for the governance pallet's tests: three authorities in a collective, of
//! whom two thirds may enact.

use crate as pallet_governance;
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types, weights::Weight},
	frame_system::{self, EnsureRoot},
	pallet_collective, sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Authorities: pallet_collective::<Instance1>,
		Governance: pallet_governance,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The authorities: accounts 1, 2 and 3.
pub const AUTHORITIES: [u64; 3] = [1, 2, 3];

parameter_types! {
	pub MaxProposalWeight: Weight = Weight::from_parts(1 << 40, 1 << 20);
}

impl pallet_collective::Config<pallet_collective::Instance1> for Test {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = polkadot_sdk::frame_support::traits::ConstU64<10>;
	type MaxProposals = polkadot_sdk::frame_support::traits::ConstU32<10>;
	type MaxMembers = polkadot_sdk::frame_support::traits::ConstU32<10>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = ();
	type SetMembersOrigin = EnsureRoot<u64>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<u64>;
	type KillOrigin = EnsureRoot<u64>;
	type Consideration = ();
}

/// At least two thirds of the authorities.
pub type Supermajority =
	pallet_collective::EnsureProportionAtLeast<u64, pallet_collective::Instance1, 2, 3>;

impl pallet_governance::Config for Test {
	type RuntimeCall = RuntimeCall;
	type EnactOrigin = Supermajority;
	type WeightInfo = ();
}

/// The chain at block 1, with the three authorities.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		authorities: pallet_collective::GenesisConfig {
			members: AUTHORITIES.to_vec(),
			phantom: Default::default(),
		},
		..Default::default()
	}
	.build_storage()
	.expect("the mock's genesis is valid");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
