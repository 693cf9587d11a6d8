//! The XCM building blocks both runtimes configure alike: the one program shape MedFed's
//! chains send each other ([`AllowMedFedPrograms`]) and the origin its calls see
//! ([`EnsureSiblingPara`]). Which origins may send and what `Transact` may dispatch differ per
//! runtime and stay there.

use crate::{AccountId, ParaId};
use polkadot_sdk::{
	staging_xcm as xcm, staging_xcm_builder as xcm_builder, staging_xcm_executor as xcm_executor, *,
};

use core::marker::PhantomData;
use frame_support::{
	parameter_types,
	traits::{Contains, EnsureOrigin, Everything, Get, ProcessMessageError},
	weights::Weight,
};
use pallet_xcm::XcmPassthrough;
use polkadot_parachain_primitives::primitives::Sibling;
use xcm::latest::prelude::*;
use xcm_builder::{
	AccountId32Aliases, ParentIsPreset, RelayChainAsNative, SiblingParachainAsNative,
	SiblingParachainConvertsVia, SignedAccountId32AsNative, SovereignSignedViaLocation,
};
use xcm_executor::traits::{Properties, ShouldExecute};

parameter_types! {
	/// This chain's own token, which pays for execution here.
	pub const HereLocation: Location = Location::here();
	/// For a real deployment, set this to the relay chain's network and prepend
	/// `UniversalLocation` with `GlobalConsensus(RelayNetwork::get())`.
	pub const RelayNetwork: Option<NetworkId> = None;
	/// Most instructions in one message.
	pub const MaxInstructions: u32 = 100;
	/// Most assets the holding register may hold.
	pub const MaxAssetsIntoHolding: u32 = 64;
}

/// How a `Location` becomes an `AccountId`: the relay chain's and siblings' sovereign accounts,
/// and local 32-byte accounts.
pub type LocationToAccountId = (
	ParentIsPreset<AccountId>,
	SiblingParachainConvertsVia<Sibling, AccountId>,
	AccountId32Aliases<RelayNetwork, AccountId>,
);

/// The relay chain's native origin, in `RuntimeOrigin`.
pub struct RelayChainOrigin<RuntimeOrigin>(PhantomData<RuntimeOrigin>);
impl<RuntimeOrigin: From<cumulus_pallet_xcm::Origin>> Get<RuntimeOrigin>
	for RelayChainOrigin<RuntimeOrigin>
{
	fn get() -> RuntimeOrigin {
		cumulus_pallet_xcm::Origin::Relay.into()
	}
}

/// How an XCM origin becomes a dispatch origin for `Transact`.
pub type XcmOriginToTransactDispatchOrigin<RuntimeOrigin> = (
	// Sovereign accounts of the relay chain and siblings, signed.
	SovereignSignedViaLocation<LocationToAccountId, RuntimeOrigin>,
	// The relay chain's native origin.
	RelayChainAsNative<RelayChainOrigin<RuntimeOrigin>, RuntimeOrigin>,
	// Siblings' native origins.
	SiblingParachainAsNative<cumulus_pallet_xcm::Origin, RuntimeOrigin>,
	// Local accounts.
	SignedAccountId32AsNative<RelayNetwork, RuntimeOrigin>,
	// XCM origins pass through as themselves: how MedFed's `Transact`s reach their pallets.
	XcmPassthrough<RuntimeOrigin>,
);

/// The one program MedFed's chains send each other, and nothing else: from a sibling that
/// `Senders` contains, sent by the chain itself (no computed origin, so the relay chain cannot
/// speak for a parachain with `DescendOrigin`), exactly
/// `UnpaidExecution { weight_limit: Limited(w), check_origin: None }` with `w` at most `Limit`
/// and covering the program, then one `Transact` with `OriginKind::Xcm`.
/// (`TrailingSetTopicAsId` has taken off a trailing `SetTopic` before a barrier looks.) What the
/// `Transact` may dispatch is the runtime's `SafeCallFilter`; who may send which call is the
/// called pallet's check.
pub struct AllowMedFedPrograms<Senders, Limit>(PhantomData<(Senders, Limit)>);
impl<Senders: Contains<Location>, Limit: Get<Weight>> ShouldExecute
	for AllowMedFedPrograms<Senders, Limit>
{
	fn should_execute<Call>(
		origin: &Location,
		instructions: &mut [Instruction<Call>],
		max_weight: Weight,
		_properties: &mut Properties,
	) -> Result<(), ProcessMessageError> {
		if !Senders::contains(origin) {
			return Err(ProcessMessageError::Unsupported);
		}
		match instructions {
			[UnpaidExecution { weight_limit: Limited(limit), check_origin: None }, Transact { origin_kind: OriginKind::Xcm, .. }]
				if limit.all_lte(Limit::get()) && max_weight.all_lte(*limit) =>
				Ok(()),
			// The executor reports any barrier's refusal as `XcmError::Barrier`.
			_ => Err(ProcessMessageError::BadFormat),
		}
	}
}

/// Every sibling parachain, itself: `(1, [Parachain(_)])`. Not the relay chain, nothing inside
/// a parachain.
pub struct SiblingParachains;
impl Contains<Location> for SiblingParachains {
	fn contains(location: &Location) -> bool {
		matches!(location.unpack(), (1, [Parachain(_)]))
	}
}

parameter_types! {
	/// The most a query message executes unpaid: `medfed_primitives::query::QUERY_WEIGHT_LIMIT`.
	pub QueryWeightLimit: Weight = {
		let (ref_time, proof_size) = medfed_primitives::query::QUERY_WEIGHT_LIMIT;
		Weight::from_parts(ref_time, proof_size)
	};
}

/// A `Transact` with `OriginKind::Xcm` from a sibling parachain itself: succeeds with its para
/// id. Whether that parachain may send the call is the called pallet's check.
pub struct EnsureSiblingPara<RuntimeOrigin>(PhantomData<RuntimeOrigin>);
impl<RuntimeOrigin> EnsureOrigin<RuntimeOrigin> for EnsureSiblingPara<RuntimeOrigin>
where
	RuntimeOrigin: From<pallet_xcm::Origin>,
	pallet_xcm::EnsureXcm<Everything>: EnsureOrigin<RuntimeOrigin, Success = Location>,
{
	type Success = ParaId;

	fn try_origin(origin: RuntimeOrigin) -> Result<ParaId, RuntimeOrigin> {
		let location = pallet_xcm::EnsureXcm::<Everything>::try_origin(origin)?;
		match location.unpack() {
			(1, [Parachain(para)]) => Ok(*para),
			_ => Err(pallet_xcm::Origin::Xcm(location).into()),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(pallet_xcm::Origin::Xcm(Location::new(1, [Parachain(crate::para_ids::REGION_A)])).into())
	}
}

/// Opens an outbound HRMP channel to `para` for a benchmark, keeping those opened before (the
/// parachain system's own helper keeps only the last one).
#[cfg(feature = "runtime-benchmarks")]
pub fn open_channel_for_benchmarks<T: cumulus_pallet_parachain_system::Config>(para: ParaId) {
	use cumulus_pallet_parachain_system::{Pallet, RelevantMessagingState};
	let target = para.into();
	let Some(mut state) = RelevantMessagingState::<T>::get() else {
		return Pallet::<T>::open_outbound_hrmp_channel_for_benchmarks_or_tests(target);
	};
	let Some((_, template)) = state.egress_channels.first().cloned() else {
		return Pallet::<T>::open_outbound_hrmp_channel_for_benchmarks_or_tests(target);
	};
	// The parachain system looks channels up by binary search: keep them sorted.
	if let Err(at) = state.egress_channels.binary_search_by_key(&target, |(id, _)| *id) {
		state.egress_channels.insert(at, (target, template));
	}
	RelevantMessagingState::<T>::put(state);
}

/// Whether a message was refused before any of it executed: by the barrier, or because it
/// holds an instruction MedFed never executes, which cannot be weighed within a limit
/// ([`crate::xcm_weights`]). What the runtimes' tests expect of every program of another shape.
pub fn refused_before_execution(outcome: &Outcome) -> bool {
	let refusal = |error: &XcmError| {
		matches!(error, XcmError::Barrier | XcmError::Overflow | XcmError::WeightLimitReached(_))
	};
	match outcome {
		Outcome::Error(InstructionError { error, .. }) => refusal(error),
		// The barrier's refusal is reported with the weight the message was charged.
		Outcome::Incomplete {
			error: InstructionError { error: XcmError::Barrier, .. }, ..
		} => true,
		_ => false,
	}
}
