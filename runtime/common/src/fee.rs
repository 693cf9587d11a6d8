//! Fees: weight and length become a fee in the native token.

use crate::{currency::MILLIUNIT, Balance};
use polkadot_sdk::*;

use frame_support::weights::{
	constants::ExtrinsicBaseWeight, WeightToFeeCoefficient, WeightToFeeCoefficients,
	WeightToFeePolynomial,
};
use smallvec::smallvec;
use sp_runtime::Perbill;

/// Fee per byte of a transaction.
pub const TRANSACTION_BYTE_FEE: Balance = 10 * crate::currency::MICROUNIT;

/// Operational transactions pay this many times the fee of a normal one, as a tip.
pub const OPERATIONAL_FEE_MULTIPLIER: u8 = 5;

/// Maps a weight to a fee, linearly: the base weight of an extrinsic costs a micro-unit.
pub struct WeightToFee;
impl WeightToFeePolynomial for WeightToFee {
	type Balance = Balance;
	fn polynomial() -> WeightToFeeCoefficients<Self::Balance> {
		let p = MILLIUNIT / 10;
		let q = 100 * Balance::from(ExtrinsicBaseWeight::get().ref_time());
		smallvec![WeightToFeeCoefficient {
			degree: 1,
			negative: false,
			coeff_frac: Perbill::from_rational(p % q, q),
			coeff_integer: p / q,
		}]
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::weights::WeightToFee as _;

	#[test]
	fn the_base_weight_of_an_extrinsic_costs_a_microunit() {
		let fee = WeightToFee::weight_to_fee(&ExtrinsicBaseWeight::get());
		// Integer division of the coefficient may lose at most one part in a hundred.
		let expected = crate::currency::MICROUNIT;
		assert!(fee.abs_diff(expected) * 100 <= expected, "fee {fee}, expected about {expected}");
	}
}
