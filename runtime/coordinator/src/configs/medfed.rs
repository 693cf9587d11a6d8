//! MedFed's own pallets on the coordinator: the federation council, which governs it, and the
//! patient directory.

use crate::{
	configs::RuntimeBlockWeights, AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, DAYS, MINUTES,
};
use medfed_runtime_common::xcm::EnsureSiblingPara;
use polkadot_sdk::{
	frame_support::{parameter_types, traits::EitherOfDiverse, weights::Weight},
	frame_system::EnsureRoot,
	pallet_collective,
	polkadot_runtime_common::prod_or_fast,
};

/// The federation council: the authority institutions of every region. No region alone holds
/// two thirds of it unless it has two thirds of the federation's authorities.
pub type FederationCouncilInstance = pallet_collective::Instance1;

/// At least two thirds of the council: acts as root (`Governance.enact`: runtime upgrades, the
/// council's own members), and adds and removes regions and collators.
pub type CouncilSupermajority =
	pallet_collective::EnsureProportionAtLeast<AccountId, FederationCouncilInstance, 2, 3>;

/// What needs a supermajority may also be done by root, that is by an enacted motion.
pub type CouncilSupermajorityOrRoot = EitherOfDiverse<EnsureRoot<AccountId>, CouncilSupermajority>;

parameter_types! {
	/// Most regions the federation may have.
	pub const MaxRegions: u32 = 64;
	/// Longest region name, in bytes.
	pub const MaxRegionNameLen: u32 = 64;
	/// Most collators the coordinator may have.
	pub const MaxCollators: u32 = 64;
	/// Most members of the council: authorities of all regions together.
	pub const MaxCouncilMembers: u32 = 128;
	/// How long the council has to vote on a motion.
	pub const CouncilMotionDuration: BlockNumber = prod_or_fast!(3 * DAYS, 2 * MINUTES);
	/// Most motions open at once.
	pub const CouncilMaxProposals: u32 = 100;
	/// A motion may use at most half a block.
	pub CouncilMaxProposalWeight: Weight = RuntimeBlockWeights::get().max_block.saturating_div(2);
}

impl pallet_collective::Config<FederationCouncilInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = MaxCouncilMembers;
	// Only the ayes given count: a majority cannot wait out the others into two thirds.
	type DefaultVote = medfed_runtime_common::governance::AbstentionIsNay;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Members change by an enacted motion of the council itself.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = CouncilMaxProposalWeight;
	type DisapproveOrigin = CouncilSupermajorityOrRoot;
	type KillOrigin = CouncilSupermajorityOrRoot;
	type Consideration = ();
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type EnactOrigin = CouncilSupermajority;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

impl pallet_directory::Config for Runtime {
	type RegionOrigin = EnsureSiblingPara<RuntimeOrigin>;
	type AdminOrigin = CouncilSupermajorityOrRoot;
	type XcmSender = super::xcm_config::XcmRouter;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = DirectoryBenchmarks;
	type MaxRegions = MaxRegions;
	type MaxNameLen = MaxRegionNameLen;
	type WeightInfo = pallet_directory::weights::SubstrateWeight<Runtime>;
}

/// Benchmark setup: open HRMP channels to the regions.
#[cfg(feature = "runtime-benchmarks")]
pub struct DirectoryBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_directory::BenchmarkHelper for DirectoryBenchmarks {
	fn open_channel(para: pallet_directory::ParaId) {
		medfed_runtime_common::xcm::open_channel_for_benchmarks::<Runtime>(para);
	}
}
