//! # MedFed runtime common
//!
//! What the region runtime and the coordinator runtime share, so that each is written once:
//!
//! - the basic types (accounts, balances, blocks) and the [`opaque`] types the node uses;
//! - [`time`]: the block time and durations in blocks; [`currency`]: the native token's units;
//! - [`limits`]: block length and weight, dispatch ratios, async-backing parameters;
//! - [`fee`]: how weight and length become a fee;
//! - [`TxExtension`]: the checks every signed transaction passes;
//! - [`xcm`]: the XCM building blocks both runtimes configure alike;
//! - [`para_ids`]: the development federation's para ids;
//! - [`genesis`]: helpers for the genesis presets (and, with `std`, for runtime tests).
//!
//! What Rust's orphan rule ties to one runtime (`#[runtime]`, `impl … for Runtime`,
//! `impl_runtime_apis!`) stays in that runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod fee;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod genesis;
pub mod governance;
pub mod limits;
pub mod xcm;
pub mod xcm_weights;

use polkadot_sdk::*;
use sp_runtime::{
	generic,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};

/// A signature on a transaction.
pub type Signature = MultiSignature;

/// An account: the public key of the transaction signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account.
pub type Balance = u128;

/// Index of a transaction of an account.
pub type Nonce = u32;

/// A hash of some data.
pub type Hash = sp_core::H256;

/// A block number.
pub type BlockNumber = u32;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

pub use medfed_primitives::ParaId;

/// The transaction extensions of `Runtime`, wrapped so that unused proof size is given back to
/// the block.
pub type TxExtension<Runtime> = cumulus_pallet_weight_reclaim::StorageWeightReclaim<
	Runtime,
	(
		frame_system::AuthorizeCall<Runtime>,
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	),
>;

/// Opaque types, for the node, which does not know the runtime.
pub mod opaque {
	use super::BlockNumber;
	pub use polkadot_sdk::sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	use polkadot_sdk::sp_runtime::{
		generic,
		traits::{BlakeTwo256, Hash as HashT},
	};

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

/// Time, in blocks.
pub mod time {
	use super::BlockNumber;

	/// Target block time: blocks are produced at most once per `SLOT_DURATION`.
	pub const MILLISECS_PER_BLOCK: u64 = 6000;

	/// Aura slot duration. It cannot change once a chain has started.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

	/// A minute, in blocks.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// An hour, in blocks.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// A day, in blocks.
	pub const DAYS: BlockNumber = HOURS * 24;

	/// How long a collator session lasts.
	pub const SESSION_LENGTH: BlockNumber = 6 * HOURS;
}

/// The native token, which pays transaction fees.
pub mod currency {
	use super::Balance;

	/// One unit of the native token.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// A thousandth of a unit.
	pub const MILLIUNIT: Balance = 1_000_000_000;
	/// A millionth of a unit.
	pub const MICROUNIT: Balance = 1_000_000;

	/// The existential deposit.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLIUNIT;
}

/// The para ids of the development federation (`zombienet/federation.toml`, the runtimes'
/// genesis presets). A real federation's para ids come from its description.
pub mod para_ids {
	use super::ParaId;

	/// The coordinator (the paper's main chain).
	pub const COORDINATOR: ParaId = 1000;
	/// Region A.
	pub const REGION_A: ParaId = 2000;
	/// Region B.
	pub const REGION_B: ParaId = 2001;
}
