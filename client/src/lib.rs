//! # medfed-client
//!
//! The library behind `ehr`, `medfed-federation`, the examples and the end-to-end tests: one
//! place that talks to a region's chain, to its IPFS node, keeps identities and describes a
//! federation.
//!
//! - [`chain`]: a region's chain over WebSocket RPC (subxt): reads through runtime APIs and
//!   storage; [`chain::calls`] builds every extrinsic MedFed sends.
//! - [`ipfs`]: the region's IPFS node over the Kubo RPC API.
//! - [`keystore`]: identities (an account and an Umbral key pair) in a passphrase-sealed file.
//! - [`storage`]: encrypted storage: `ehr upload` and `ehr fetch`.
//! - [`sharing`]: the cryptography of sharing records: per-grant delegating keys, authorised
//!   key fragments for the proxies, re-encryption and the grantee's decryption.
//! - [`proxy`]: `medfed-proxy`, an authority's re-encryption proxy: follows open access
//!   requests and submits its capsule fragments.
//! - [`render`]: text and JSON output.
//! - [`runtime_code`]: a runtime's wasm as a file, and the version it declares (`ehr proposal
//!   upgrade`).
//! - [`cli`]: `ehr`'s command line (clap types); [`commands`]: one module per command group.
//! - [`federation`]: a federation description and what `medfed-federation` makes of it (genesis,
//!   chain specs, the port scheme, the zombienet network, HRMP channels).

pub mod chain;
pub mod cli;
pub mod commands;
pub mod federation;
pub mod ipfs;
pub mod keystore;
pub mod proxy;
pub mod render;
pub mod runtime_code;
pub mod sharing;
pub mod storage;
