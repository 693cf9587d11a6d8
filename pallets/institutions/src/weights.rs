//! Weights of the institutions pallet: NOT YET GENERATED. `scripts/bench.sh` replaces this file
//! with weights measured by the pallet's benchmarks.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed by `pallet_institutions`.
pub trait WeightInfo {
	fn admit() -> Weight;
	fn remove() -> Weight;
	fn set_proxy_key() -> Weight;
}

/// Weights for `pallet_institutions` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn admit() -> Weight { Weight::zero() }
	fn remove() -> Weight { Weight::zero() }
	fn set_proxy_key() -> Weight { Weight::zero() }
}

impl WeightInfo for () {
	fn admit() -> Weight { Weight::zero() }
	fn remove() -> Weight { Weight::zero() }
	fn set_proxy_key() -> Weight { Weight::zero() }
}
