//! The PRE envelope: a document encrypted to a patient's Umbral public key.
//!
//! Sealing runs Umbral's KEM against the patient's public key, which yields the record's
//! [`Capsule`] (kept on chain) and a one-time document key; the document is encrypted under that
//! key with Umbral's DEM (XChaCha20-Poly1305, the capsule bound in as associated data). The
//! ciphertext is what goes to IPFS, and its SHA-256 digest is what the chain records. Nothing
//! in the envelope is readable without the patient's secret key, or, later, enough re-encrypted
//! capsule fragments from the patient's proxies.
//!
//! Everything here works without `std`; the caller brings the randomness.

use alloc::vec::Vec;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use crate::{
	umbral::{Capsule, PublicKey},
	CiphertextHash,
};

/// Why a document could not be sealed or opened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EnvelopeError {
	/// The public key is not a curve point.
	InvalidKey,
	/// The capsule is not a valid Umbral capsule.
	InvalidCapsule,
	/// The document is too large for the DEM.
	TooLarge,
	/// The ciphertext does not hash to the digest the chain holds: it was altered or is another
	/// record's. It was not decrypted.
	HashMismatch,
	/// The ciphertext does not open under this key and capsule: wrong key, or altered data.
	DecryptionFailed,
}

impl core::fmt::Display for EnvelopeError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			Self::InvalidKey => "the public key is not a secp256k1 point",
			Self::InvalidCapsule => "the capsule is not a valid Umbral capsule",
			Self::TooLarge => "the document is too large to encrypt",
			Self::HashMismatch =>
				"the ciphertext does not match the hash registered on chain; it was not decrypted",
			Self::DecryptionFailed =>
				"the ciphertext does not decrypt with this key: wrong key or altered data",
		})
	}
}

#[cfg(feature = "std")]
impl std::error::Error for EnvelopeError {}

/// A sealed document: the capsule for the chain and the ciphertext for IPFS.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Sealed {
	/// The Umbral capsule of the document key.
	pub capsule: Capsule,
	/// The encrypted document: nonce, ciphertext and tag.
	pub ciphertext: Vec<u8>,
}

impl Sealed {
	/// The digest the chain records for this ciphertext.
	pub fn hash(&self) -> CiphertextHash {
		ciphertext_hash(&self.ciphertext)
	}
}

/// SHA-256 of a ciphertext, as records carry it.
pub fn ciphertext_hash(ciphertext: &[u8]) -> CiphertextHash {
	Sha256::digest(ciphertext).into()
}

/// Encrypts `document` to `patient`.
pub fn seal(
	rng: &mut (impl CryptoRng + RngCore),
	patient: &PublicKey,
	document: &[u8],
) -> Result<Sealed, EnvelopeError> {
	let key = patient.to_umbral().map_err(|_| EnvelopeError::InvalidKey)?;
	let (capsule, ciphertext) =
		umbral_pre::encrypt_with_rng(rng, &key, document).map_err(|_| EnvelopeError::TooLarge)?;
	Ok(Sealed { capsule: Capsule::from_umbral(&capsule), ciphertext: ciphertext.into_vec() })
}

/// Decrypts a ciphertext with the patient's secret key, after checking it against the hash the
/// chain holds: an altered ciphertext is refused before any decryption is tried.
pub fn open(
	secret: &umbral_pre::SecretKey,
	capsule: &Capsule,
	expected_hash: &CiphertextHash,
	ciphertext: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
	if &ciphertext_hash(ciphertext) != expected_hash {
		return Err(EnvelopeError::HashMismatch);
	}
	let capsule = capsule.to_umbral().map_err(|_| EnvelopeError::InvalidCapsule)?;
	umbral_pre::decrypt_original(secret, &capsule, ciphertext)
		.map(|document| document.into_vec())
		.map_err(|_| EnvelopeError::DecryptionFailed)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::umbral::dev;
	use rand_core::OsRng;

	const DOCUMENT: &[u8] = br#"{"resourceType":"Observation","status":"final"}"#;

	#[test]
	fn the_patient_opens_what_was_sealed_to_them() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		let opened =
			open(&dev::secret_key("Alice"), &sealed.capsule, &sealed.hash(), &sealed.ciphertext);
		assert_eq!(opened.as_deref(), Ok(DOCUMENT));
	}

	#[test]
	fn the_ciphertext_does_not_contain_the_document() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		assert!(!sealed.ciphertext.windows(DOCUMENT.len()).any(|w| w == DOCUMENT));
		assert!(!sealed.ciphertext.windows(13).any(|w| w == b"resourceType\""));
	}

	#[test]
	fn another_key_does_not_open_it() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		let opened =
			open(&dev::secret_key("Bob"), &sealed.capsule, &sealed.hash(), &sealed.ciphertext);
		assert_eq!(opened, Err(EnvelopeError::DecryptionFailed));
	}

	#[test]
	fn a_tampered_ciphertext_is_refused_before_decryption() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		let mut tampered = sealed.ciphertext.clone();
		let last = tampered.len() - 1;
		tampered[last] ^= 1;
		let alice = dev::secret_key("Alice");
		assert_eq!(
			open(&alice, &sealed.capsule, &sealed.hash(), &tampered),
			Err(EnvelopeError::HashMismatch)
		);
		// Even with a matching hash, the AEAD tag refuses it.
		assert_eq!(
			open(&alice, &sealed.capsule, &ciphertext_hash(&tampered), &tampered),
			Err(EnvelopeError::DecryptionFailed)
		);
	}

	#[test]
	fn a_capsule_of_another_document_does_not_open_it() {
		let alice = dev::public_key("Alice");
		let sealed = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		let other = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		assert_ne!(sealed.ciphertext, other.ciphertext, "every seal uses a fresh key and nonce");
		let opened =
			open(&dev::secret_key("Alice"), &other.capsule, &sealed.hash(), &sealed.ciphertext);
		assert_eq!(opened, Err(EnvelopeError::DecryptionFailed));
	}

	#[test]
	fn the_envelope_matches_raw_umbral() {
		// What raw umbral-pre encrypts, the envelope opens, and the other way round.
		let alice = dev::public_key("Alice");
		let (capsule, ciphertext) =
			umbral_pre::encrypt_with_rng(&mut OsRng, &alice.to_umbral().unwrap(), DOCUMENT)
				.unwrap();
		let capsule = Capsule::from_umbral(&capsule);
		let opened =
			open(&dev::secret_key("Alice"), &capsule, &ciphertext_hash(&ciphertext), &ciphertext);
		assert_eq!(opened.as_deref(), Ok(DOCUMENT));

		let sealed = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		let raw = umbral_pre::decrypt_original(
			&dev::secret_key("Alice"),
			&sealed.capsule.to_umbral().unwrap(),
			&sealed.ciphertext,
		);
		assert_eq!(raw.as_deref(), Ok(DOCUMENT));
	}
}
