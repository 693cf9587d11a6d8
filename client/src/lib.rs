//! # medfed-client
//!
//! The library behind `ehr`, `medfed-federation`, the examples and the end-to-end tests: one
//! place that talks to a region's chain, to its IPFS node, and keeps identities.
//!
//! - [`chain`]: a region's chain over WebSocket RPC (subxt): reads through runtime APIs and
//!   storage, and every extrinsic MedFed sends.
//! - [`ipfs`]: the region's IPFS node over the Kubo RPC API.
//! - [`keystore`]: identities (an account and an Umbral key pair) in a passphrase-sealed file.
//! - [`storage`]: decoding what the chain stores.
//! - [`render`]: text and JSON output.

pub mod chain;
pub mod cli;
pub mod commands;
pub mod federation;
pub mod ipfs;
pub mod keystore;
pub mod render;
pub mod storage;
