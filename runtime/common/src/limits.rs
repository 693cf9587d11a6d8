//! Block limits and the async-backing parameters.

use polkadot_sdk::*;

use frame_support::{
	dispatch::DispatchClass,
	weights::{
		constants::{BlockExecutionWeight, ExtrinsicBaseWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use sp_runtime::Perbill;

/// About 5% of the block weight goes to `on_initialize`; this limits a single extrinsic.
pub const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(5);

/// Normal extrinsics may fill 75% of a block, the rest is kept for operational ones.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// Two seconds of compute per 6-second block, and the relay chain's proof size limit.
pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(
	WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2),
	cumulus_primitives_core::relay_chain::MAX_POV_SIZE as u64,
);

/// Largest block: 5 MiB.
pub const MAXIMUM_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// Most blocks accepted by the runtime and not yet included in the relay chain.
pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;
/// Parachain blocks per relay chain parent.
pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
/// Relay chain slot duration, in milliseconds.
pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;

/// The block length limits: normal extrinsics up to [`NORMAL_DISPATCH_RATIO`] of a block.
pub fn block_length() -> BlockLength {
	BlockLength::builder()
		.max_length(MAXIMUM_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * *max
		})
		.build()
}

/// The block weight limits: normal extrinsics up to [`NORMAL_DISPATCH_RATIO`] of
/// [`MAXIMUM_BLOCK_WEIGHT`]; the rest is reserved for operational ones.
pub fn block_weights() -> BlockWeights {
	BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			// Operational transactions have some extra reserved space, so that they are
			// included even if the block reached `MAXIMUM_BLOCK_WEIGHT`.
			weights.reserved =
				Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_limits_are_consistent() {
		// `build_or_panic` checks the classes against each other; this is where it would.
		let weights = block_weights();
		assert_eq!(weights.max_block, MAXIMUM_BLOCK_WEIGHT);
		let normal = weights.get(DispatchClass::Normal).max_total.expect("normal has a limit");
		assert_eq!(normal, NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		let length = block_length();
		assert_eq!(*length.max.get(DispatchClass::Operational), MAXIMUM_BLOCK_LENGTH);
		assert_eq!(
			*length.max.get(DispatchClass::Normal),
			NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_LENGTH
		);
	}
}
