//! The region runtime's own weights.
//!
//! - [`rocksdb_weights`]: what one storage read and one write cost in the collators' RocksDB,
//!   measured on a filled region by `scripts/bench-storage.sh` (it regenerates the file).

pub mod rocksdb_weights;

pub use rocksdb_weights::RocksDbWeight;
