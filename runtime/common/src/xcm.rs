//! The XCM building blocks both runtimes configure alike. Which origins may execute unpaid and
//! what `Transact` may dispatch differ per runtime and stay there.

use crate::AccountId;
use polkadot_sdk::{staging_xcm as xcm, staging_xcm_builder as xcm_builder, *};

use core::marker::PhantomData;
use frame_support::{parameter_types, traits::Get, weights::Weight};
use pallet_xcm::XcmPassthrough;
use polkadot_parachain_primitives::primitives::Sibling;
use xcm::latest::prelude::*;
use xcm_builder::{
	AccountId32Aliases, ParentIsPreset, RelayChainAsNative, SiblingParachainAsNative,
	SiblingParachainConvertsVia, SignedAccountId32AsNative, SovereignSignedViaLocation,
};

parameter_types! {
	/// This chain's own token, which pays for execution here.
	pub const HereLocation: Location = Location::here();
	/// For a real deployment, set this to the relay chain's network and prepend
	/// `UniversalLocation` with `GlobalConsensus(RelayNetwork::get())`.
	pub const RelayNetwork: Option<NetworkId> = None;
	/// One XCM instruction's weight when no benchmark says otherwise: a conservative estimate.
	pub const UnitWeightCost: Weight = Weight::from_parts(1_000_000_000, 64 * 1024);
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
