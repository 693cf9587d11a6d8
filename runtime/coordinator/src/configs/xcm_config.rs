//! XCM configuration of the coordinator runtime.
//!
//! Exactly one program shape executes here, and only from the federation's regions (the
//! directory's [`pallet_directory::Regions`]), sent by them directly: `UnpaidExecution` with a
//! weight limit of at most `medfed_primitives::query::QUERY_WEIGHT_LIMIT`, one `Transact` with
//! their own XCM origin, and an optional trailing `SetTopic` ([`AllowRegionPrograms`]);
//! `Transact` may dispatch only the directory calls regions send, `note_patient`,
//! `note_patients` and `route_query` ([`DirectoryCalls`]). No other sibling, and not the relay
//! chain, executes anything: MedFed uses no other message, and an origin computed with
//! `DescendOrigin` is never accepted, so the relay chain cannot speak for a region. (The relay
//! chain's governance is trusted all the same in another way: it can replace a parachain's
//! code.)

use crate::{
	AccountId, AllPalletsWithSystem, Balances, ParachainInfo, ParachainSystem, PolkadotXcm,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, WeightToFee, XcmpQueue,
};
use polkadot_sdk::{
	staging_xcm as xcm, staging_xcm_builder as xcm_builder, staging_xcm_executor as xcm_executor, *,
};

use frame_support::{
	parameter_types,
	traits::{ConstU32, Contains, Disabled, Nothing},
};
use frame_system::EnsureRoot;
use polkadot_runtime_common::impls::ToAuthor;
use xcm::latest::prelude::*;
use xcm_builder::{
	DenyRecursively, DenyReserveTransferToRelayChain, DenyThenTry, EnsureXcmOrigin,
	FrameTransactionalProcessor, FungibleAdapter, IsConcrete, NativeAsset, TakeWeightCredit,
	TrailingSetTopicAsId, UsingComponents, WithUniqueTopic,
};
use xcm_executor::XcmExecutor;

pub use medfed_runtime_common::xcm::{
	AllowMedFedPrograms, HereLocation, LocationToAccountId, MaxAssetsIntoHolding, MaxInstructions,
	QueryWeightLimit, RelayNetwork,
};

parameter_types! {
	/// Where this chain is, as seen from the rest of the consensus system.
	pub UniversalLocation: InteriorLocation = Parachain(ParachainInfo::parachain_id().into()).into();
}

/// Moves the region's own token.
pub type LocalAssetTransactor = FungibleAdapter<
	Balances,
	IsConcrete<HereLocation>,
	LocationToAccountId,
	AccountId,
	// Teleports are not tracked.
	(),
>;

/// How an XCM origin becomes a dispatch origin for `Transact`.
pub type XcmOriginToTransactDispatchOrigin =
	medfed_runtime_common::xcm::XcmOriginToTransactDispatchOrigin<RuntimeOrigin>;

/// The federation's regions, as sibling parachains.
pub struct FederationRegions;
impl Contains<Location> for FederationRegions {
	fn contains(location: &Location) -> bool {
		matches!(location.unpack(), (1, [Parachain(id)]) if pallet_directory::Pallet::<Runtime>::is_region(*id))
	}
}

/// What `Transact` may dispatch here: the directory's calls regions send, nothing else.
pub struct DirectoryCalls;
impl Contains<RuntimeCall> for DirectoryCalls {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::Directory(
				pallet_directory::Call::note_patient { .. } |
					pallet_directory::Call::note_patients { .. } |
					pallet_directory::Call::route_query { .. }
			)
		)
	}
}

/// A region's announcement or query, and nothing else: MedFed's one program shape, from a
/// region of the federation, within the query weight limit.
pub type AllowRegionPrograms = AllowMedFedPrograms<FederationRegions, QueryWeightLimit>;

/// Which messages execute: a region's announcement or query, and the coordinator's own local
/// execution (paid for with weight credit). Nothing else.
pub type Barrier = TrailingSetTopicAsId<
	DenyThenTry<
		DenyRecursively<DenyReserveTransferToRelayChain>,
		(TakeWeightCredit, AllowRegionPrograms),
	>,
>;

/// The XCM executor's configuration.
pub struct XcmConfig;
impl xcm_executor::Config for XcmConfig {
	type RuntimeCall = RuntimeCall;
	type XcmSender = XcmRouter;
	type XcmEventEmitter = PolkadotXcm;
	type AssetTransactor = LocalAssetTransactor;
	type OriginConverter = XcmOriginToTransactDispatchOrigin;
	type IsReserve = NativeAsset;
	// No teleports.
	type IsTeleporter = ();
	type UniversalLocation = UniversalLocation;
	type Barrier = Barrier;
	// Weighed by the benchmarks of the instructions MedFed's programs hold; any other
	// instruction cannot be weighed within a limit.
	type Weigher = medfed_runtime_common::xcm_weights::Weigher<
		crate::weights::xcm_generic::WeightInfo<Runtime>,
		RuntimeCall,
		MaxInstructions,
	>;
	type Trader =
		UsingComponents<WeightToFee, HereLocation, AccountId, Balances, ToAuthor<Runtime>>;
	type ResponseHandler = PolkadotXcm;
	type AssetTrap = PolkadotXcm;
	type SubscriptionService = PolkadotXcm;
	type PalletInstancesInfo = AllPalletsWithSystem;
	type MaxAssetsIntoHolding = MaxAssetsIntoHolding;
	type AssetLocker = ();
	type AssetExchanger = ();
	type FeeManager = ();
	type MessageExporter = ();
	type UniversalAliases = Nothing;
	type CallDispatcher = RuntimeCall;
	type SafeCallFilter = DirectoryCalls;
	type Aliasers = Nothing;
	type TransactionalProcessor = FrameTransactionalProcessor;
	type HrmpNewChannelOpenRequestHandler = ();
	type HrmpChannelAcceptedHandler = ();
	type HrmpChannelClosingHandler = ();
	type XcmRecorder = PolkadotXcm;
}

/// How messages leave: upward to the relay chain, over HRMP to siblings.
pub type XcmRouter =
	WithUniqueTopic<(cumulus_primitives_utility::ParentAsUmp<ParachainSystem, (), ()>, XcmpQueue)>;

impl pallet_xcm::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// Only root may send arbitrary messages; MedFed's pallets send their own.
	type SendXcmOrigin = EnsureXcmOrigin<RuntimeOrigin, ()>;
	type XcmRouter = XcmRouter;
	// Nobody executes XCM here, or claims trapped assets (no message may hold assets).
	type ExecuteXcmOrigin = EnsureXcmOrigin<RuntimeOrigin, ()>;
	type XcmExecuteFilter = Nothing;
	type XcmExecutor = XcmExecutor<XcmConfig>;
	type XcmTeleportFilter = Nothing;
	type XcmReserveTransferFilter = Nothing;
	type Weigher = <XcmConfig as xcm_executor::Config>::Weigher;
	type UniversalLocation = UniversalLocation;
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	const VERSION_DISCOVERY_QUEUE_SIZE: u32 = 100;
	type AdvertisedXcmVersion = pallet_xcm::CurrentXcmVersion;
	type Currency = Balances;
	type CurrencyMatcher = ();
	type TrustedLockers = ();
	type SovereignAccountOf = LocationToAccountId;
	type MaxLockers = ConstU32<8>;
	type WeightInfo = crate::weights::pallet_xcm::WeightInfo<Runtime>;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxRemoteLockConsumers = ConstU32<0>;
	type RemoteLockConsumerIdentifier = ();
	type AuthorizedAliasConsideration = Disabled;
}

impl cumulus_pallet_xcm::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type XcmExecutor = XcmExecutor<XcmConfig>;
}
