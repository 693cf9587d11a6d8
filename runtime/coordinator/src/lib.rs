//! # MedFed coordinator runtime
//!
//! The federation's main chain (the paper's "main chain"): it routes cross-region queries
//! between the regions. Its collators are authority institutions of the regions.
//!
//! - [`pallet_directory`]: which regions hold records of which patient, kept up to date by the
//!   regions themselves over XCM when a patient's first record is registered there, and read
//!   through the `DirectoryApi` runtime API of [`medfed_primitives`].
//! - Aura collators, XCM over HRMP to every region; the federation's regions may execute
//!   unpaid here (see [`configs::xcm_config`]).
//!
//! Genesis (see [`genesis_config_presets`]) sets the para id, the collators and the regions;
//! `medfed-federation` writes it from the federation description.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` does a lot of recursion and requires us to increase the limit.
#![recursion_limit = "256"]

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

use alloc::{borrow::Cow, vec::Vec};
use polkadot_sdk::{staging_parachain_info as parachain_info, *};
use sp_runtime::{generic, impl_opaque_keys};
use sp_version::RuntimeVersion;

pub use medfed_runtime_common::{
	currency::*, fee::WeightToFee, limits::*, opaque, time::*, AccountId, Address, Balance,
	BlockNumber, Hash, Header, Nonce, Signature,
};
pub use sp_consensus_aura::sr25519::AuthorityId as AuraId;
pub use sp_runtime::{MultiAddress, Perbill};

/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions.
pub type TxExtension = medfed_runtime_common::TxExtension<Runtime>;

/// Unchecked extrinsic type.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// Storage migrations to run on the next runtime upgrade.
pub type Migrations = ();

/// Executive: dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

impl_opaque_keys! {
	/// The session keys of a collator.
	pub struct SessionKeys {
		/// The Aura key it authors blocks with.
		pub aura: Aura,
	}
}

/// The runtime's version.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("medfed-coordinator"),
	impl_name: Cow::Borrowed("medfed-coordinator"),
	authoring_version: 1,
	spec_version: 1,
	impl_version: 0,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// System support.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = parachain_info;
	#[runtime::pallet_index(4)]
	pub type WeightReclaim = cumulus_pallet_weight_reclaim;

	// Fees.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Governance: the federation's authorities acting together, and root through a
	// supermajority of them. (Index 15 was sudo's: left unused.)
	#[runtime::pallet_index(16)]
	pub type FederationCouncil = pallet_collective<Instance1>;
	#[runtime::pallet_index(17)]
	pub type Governance = pallet_governance;

	// Collators. Session before Aura and AuraExt, so that genesis sets Aura's authorities.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	// XCM.
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// MedFed.
	#[runtime::pallet_index(50)]
	pub type Directory = pallet_directory;
}

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
