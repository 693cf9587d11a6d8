//! XCM configuration of the region runtime.
//!
//! A region sends the coordinator its announcements and queries, and answers queries straight
//! to the asking region (see `pallet_federation`). From outside it executes one program shape
//! only, from a sibling parachain itself ([`AllowSiblingPrograms`]): `UnpaidExecution` within
//! `medfed_primitives::query::QUERY_WEIGHT_LIMIT`, one `Transact` with the sibling's own XCM
//! origin, an optional trailing `SetTopic`; and that `Transact` may dispatch the federation
//! pallet's three query calls and the coordinator's acknowledgement of an announcement only
//! ([`FederationCalls`]). The pallet checks who sent which: `serve_query`, `query_routed` and
//! `announcement_noted` only from the coordinator; `take_answer` counts only from a
//! region the coordinator named for that query (one that comes before the coordinator's word is
//! kept until then). Nothing else executes: no paid execution, nothing from
//! the relay chain, whose governance is trusted in another way (it can replace a parachain's
//! code), and no origin computed with `DescendOrigin`. A sibling reaches a region at all only
//! over an HRMP channel the relay chain opened.

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
	QueryWeightLimit, RelayNetwork, SiblingParachains,
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

/// What `Transact` may dispatch here: the federation pallet's query calls and the
/// acknowledgement of an announcement, nothing else.
pub struct FederationCalls;
impl Contains<RuntimeCall> for FederationCalls {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::Federation(
				pallet_federation::Call::serve_query { .. } |
					pallet_federation::Call::query_routed { .. } |
					pallet_federation::Call::take_answer { .. } |
					pallet_federation::Call::announcement_noted { .. }
			)
		)
	}
}

/// A query message from a sibling parachain: MedFed's one program shape.
pub type AllowSiblingPrograms = AllowMedFedPrograms<SiblingParachains, QueryWeightLimit>;

/// Which messages execute: a sibling's query message, and the region's own local execution
/// (paid for with weight credit). Nothing else.
pub type Barrier = TrailingSetTopicAsId<
	DenyThenTry<
		DenyRecursively<DenyReserveTransferToRelayChain>,
		(TakeWeightCredit, AllowSiblingPrograms),
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
	type SafeCallFilter = FederationCalls;
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
