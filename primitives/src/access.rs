//! Sizes of the messages of record sharing, for the chain to bound what it stores and carries.
//!
//! Sharing is Umbral threshold proxy re-encryption with one delegating key per grant (the
//! client's `sharing` module). The patient gives each proxy one encrypted key fragment of the
//! grant; each proxy answers the grantee with capsule fragments. Both have a fixed layout, so
//! their sizes are fixed; the bounds here are a little above the sizes measured with umbral-pre
//! 0.11.0 (`real_fragments_fit_the_published_sizes` in `client/src/sharing/tests.rs`, which
//! prints them and checks real fragments against these bounds).

/// Most bytes of an encrypted key fragment: a 98-byte Umbral capsule, then the DEM ciphertext
/// (24-byte nonce, 16-byte tag) of a 2-byte length, the key fragment in umbral-pre's MessagePack
/// encoding and the patient's 64-byte authorising signature.
///
/// Measured: 514 bytes (98 + 24 + 2 + 310 + 64 + 16: the key fragment is 310 bytes).
pub const ENCRYPTED_KEY_FRAGMENT_MAX_LEN: usize = 544;

/// Most bytes of a capsule fragment in umbral-pre's MessagePack encoding.
///
/// Measured: 381 bytes.
pub const CAPSULE_FRAGMENT_MAX_LEN: usize = 416;
