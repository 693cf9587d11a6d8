//! MedFed's own pallets: the authority collective, member institutions and records.

use crate::{
	configs::RuntimeBlockWeights, AccountId, AuthorityCollective, BlockNumber, Institutions, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, DAYS, MINUTES,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{EitherOfDiverse, NeverEnsureOrigin},
		weights::Weight,
	},
	frame_system::EnsureRoot,
	pallet_collective,
};

/// The collective of the alliance's authority institutions. Its members are not set by hand:
/// the institutions pallet keeps them equal to the active authorities.
pub type AuthorityCollectiveInstance = pallet_collective::Instance1;

/// More than half of the authorities, or root (a runtime upgrade, or sudo while the alliance
/// keeps its bootstrap key). Admits and removes institutions and collators.
pub type AuthorityMajority = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, AuthorityCollectiveInstance, 1, 2>,
>;

parameter_types! {
	/// How long authorities have to vote on a motion.
	pub const MotionDuration: BlockNumber = prod_or_fast(DAYS, 2 * MINUTES);
	/// Most motions open at once.
	pub const MaxProposals: u32 = 100;
	/// A motion may use at most half a block.
	pub MaxProposalWeight: Weight = RuntimeBlockWeights::get().max_block.saturating_div(2);
	/// Most institutions a region keeps, members and removed ones together.
	pub const MaxInstitutions: u32 = 4_096;
	/// Most authorities, and so most re-encryption proxies, of a region.
	pub const MaxAuthorities: u32 = 32;
	/// Longest institution name, in bytes.
	pub const MaxNameLen: u32 = 128;
	/// Most records one patient holds in a region.
	pub const MaxRecordsPerPatient: u32 = 100_000;
	/// Largest ciphertext a record may describe: 4 GiB.
	pub const MaxRecordSize: u64 = 4 << 30;
	/// Most records one page of the records runtime API returns.
	pub const MaxPageSize: u32 = 500;
}

/// `fast` in builds with the `fast-runtime` feature (local networks and tests), `prod` otherwise.
const fn prod_or_fast(prod: BlockNumber, fast: BlockNumber) -> BlockNumber {
	if cfg!(feature = "fast-runtime") {
		fast
	} else {
		prod
	}
}

impl pallet_collective::Config<AuthorityCollectiveInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = MotionDuration;
	type MaxProposals = MaxProposals;
	type MaxMembers = MaxAuthorities;
	type DefaultVote = pallet_collective::MoreThanMajorityThenPrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Membership follows the institutions pallet; nobody sets it directly.
	type SetMembersOrigin = NeverEnsureOrigin<()>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

impl pallet_institutions::Config for Runtime {
	type AdminOrigin = AuthorityMajority;
	type AuthoritiesChanged = AuthorityCollective;
	type AuthoritiesInitialized = AuthorityCollective;
	type MaxInstitutions = MaxInstitutions;
	type MaxAuthorities = MaxAuthorities;
	type MaxNameLen = MaxNameLen;
	type WeightInfo = pallet_institutions::weights::SubstrateWeight<Runtime>;
}

impl pallet_records::Config for Runtime {
	type Membership = Institutions;
	type MaxRecordsPerPatient = MaxRecordsPerPatient;
	type MaxRecordSize = MaxRecordSize;
	type MaxPageSize = MaxPageSize;
	type WeightInfo = pallet_records::weights::SubstrateWeight<Runtime>;
}
