//! The record envelope (v2): a document encrypted under its own key, and that key encrypted to
//! the patient's Umbral public key.
//!
//! Sealing draws a fresh random 32-byte document key for the record and encrypts the document
//! under it with XChaCha20-Poly1305: a random 24-byte nonce, then the ciphertext and its tag,
//! with the fixed [`RECORD_AAD`] as associated data. That is what goes to IPFS, and its SHA-256
//! digest is what the chain records. The document key itself is Umbral-encrypted to the patient
//! (`umbral_pre::encrypt_with_rng`): the [`Capsule`] and the [`WrappedKey`] (72 bytes) are kept
//! on chain with the record.
//!
//! The patient opens the document key with their secret key ([`open_document_key`], or
//! [`open`] for the whole record). The two layers are there for sharing: to grant access, the
//! patient's client wraps the same document key again, to a key of the grant
//! ([`wrap_document_key`]), and a grantee who opens that capsule through re-encrypted capsule
//! fragments reads the document with [`open_with_document_key`]. The document on IPFS is never
//! encrypted again, and a grant never reveals the patient's own capsule.
//!
//! Nothing in the envelope is readable without the patient's secret key or a grant. Document
//! keys are zeroed when dropped and never printed ([`DocumentKey`]).
//!
//! Everything here works without `std`; the caller brings the randomness.

use alloc::{boxed::Box, vec::Vec};
use chacha20poly1305::{
	aead::{AeadInPlace, KeyInit},
	Key, Tag, XChaCha20Poly1305, XNonce,
};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::{
	umbral::{Capsule, PublicKey, WrappedKey},
	CiphertextHash,
};

/// The associated data of every record ciphertext: the envelope's domain and version.
pub const RECORD_AAD: &[u8] = b"medfed/record/v2";

/// Length of a document key.
pub const DOCUMENT_KEY_LEN: usize = 32;

/// Length of the XChaCha20 nonce that starts a record ciphertext.
pub const NONCE_LEN: usize = 24;

/// Length of the Poly1305 tag that ends a record ciphertext.
pub const TAG_LEN: usize = 16;

/// Why a document could not be sealed or opened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EnvelopeError {
	/// The public key is not a curve point.
	InvalidKey,
	/// The capsule is not a valid Umbral capsule.
	InvalidCapsule,
	/// The document is too large for the AEAD.
	TooLarge,
	/// The ciphertext does not hash to the digest the chain holds: it was altered or is another
	/// record's. It was not decrypted.
	HashMismatch,
	/// The document key does not open with this secret key and capsule: wrong key, or an
	/// altered capsule or wrapped key.
	KeyUnwrapFailed,
	/// The ciphertext does not open under the document key: another record's key, or altered
	/// data.
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
			Self::KeyUnwrapFailed =>
				"the record's document key does not open with this key: wrong key, or an altered \
				 capsule or wrapped key",
			Self::DecryptionFailed =>
				"the ciphertext does not decrypt with the record's document key: altered data or \
				 another record's key",
		})
	}
}

#[cfg(feature = "std")]
impl std::error::Error for EnvelopeError {}

/// A record's document key: the XChaCha20-Poly1305 key of its ciphertext. Zeroed when dropped;
/// its `Debug` form shows nothing of it. Not `Clone`, so that it is not copied by accident.
pub struct DocumentKey(Zeroizing<[u8; DOCUMENT_KEY_LEN]>);

impl DocumentKey {
	/// A fresh random key.
	pub fn random(rng: &mut (impl CryptoRng + RngCore)) -> Self {
		let mut key = Zeroizing::new([0u8; DOCUMENT_KEY_LEN]);
		rng.fill_bytes(&mut key[..]);
		DocumentKey(key)
	}

	/// Takes a key from the plaintext of an Umbral decryption, which it zeroes: `None` unless it
	/// is exactly [`DOCUMENT_KEY_LEN`] bytes.
	pub fn from_plaintext(mut plaintext: Box<[u8]>) -> Option<Self> {
		let key = <[u8; DOCUMENT_KEY_LEN]>::try_from(&plaintext[..]).ok().map(Zeroizing::new);
		plaintext.zeroize();
		key.map(DocumentKey)
	}

	/// The key's bytes, to encrypt or decrypt with. Never print or store them.
	pub fn expose(&self) -> &[u8; DOCUMENT_KEY_LEN] {
		&self.0
	}

	fn cipher(&self) -> XChaCha20Poly1305 {
		XChaCha20Poly1305::new(Key::from_slice(&self.0[..]))
	}
}

impl core::fmt::Debug for DocumentKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("DocumentKey(<redacted>)")
	}
}

/// A sealed document: the capsule and wrapped key for the chain, the ciphertext for IPFS.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Sealed {
	/// The Umbral capsule of the patient's key to the wrapped document key.
	pub capsule: Capsule,
	/// The document key, encrypted under the key the capsule encapsulates.
	pub wrapped_key: WrappedKey,
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

/// Encrypts `document` under a fresh document key, and that key to `patient`.
pub fn seal(
	rng: &mut (impl CryptoRng + RngCore),
	patient: &PublicKey,
	document: &[u8],
) -> Result<Sealed, EnvelopeError> {
	let patient = patient.to_umbral().map_err(|_| EnvelopeError::InvalidKey)?;
	let key = DocumentKey::random(rng);
	let ciphertext = encrypt_document(rng, &key, document)?;
	let (capsule, wrapped_key) = wrap_document_key(rng, &patient, &key);
	Ok(Sealed { capsule, wrapped_key, ciphertext })
}

/// Encrypts a document key to `recipient` with Umbral: the patient's key when sealing, a
/// grant's key when sharing. Anyone with the recipient's secret key, or with enough capsule
/// fragments re-encrypted from the returned capsule, opens it.
pub fn wrap_document_key(
	rng: &mut (impl CryptoRng + RngCore),
	recipient: &umbral_pre::PublicKey,
	key: &DocumentKey,
) -> (Capsule, WrappedKey) {
	let (capsule, wrapped) = umbral_pre::encrypt_with_rng(rng, recipient, key.expose())
		.expect("umbral-pre encrypts 32 bytes: only plaintexts of 2^38 bytes and more fail");
	let wrapped = WrappedKey::parse(&wrapped)
		.expect("umbral-pre's DEM makes 24 + 32 + 16 bytes of a 32-byte plaintext");
	(Capsule::from_umbral(&capsule), wrapped)
}

/// Encrypts `document` under `key`: a random nonce, the ciphertext, the tag.
fn encrypt_document(
	rng: &mut (impl CryptoRng + RngCore),
	key: &DocumentKey,
	document: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
	let mut nonce = [0u8; NONCE_LEN];
	rng.fill_bytes(&mut nonce);
	let mut ciphertext = Vec::with_capacity(NONCE_LEN + document.len() + TAG_LEN);
	ciphertext.extend_from_slice(&nonce);
	ciphertext.extend_from_slice(document);
	let tag = key
		.cipher()
		.encrypt_in_place_detached(
			XNonce::from_slice(&nonce),
			RECORD_AAD,
			&mut ciphertext[NONCE_LEN..],
		)
		.map_err(|_| EnvelopeError::TooLarge)?;
	ciphertext.extend_from_slice(&tag);
	Ok(ciphertext)
}

/// Decrypts a record ciphertext under `key`, checking its tag.
fn decrypt_document(key: &DocumentKey, ciphertext: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
	if ciphertext.len() < NONCE_LEN + TAG_LEN {
		return Err(EnvelopeError::DecryptionFailed);
	}
	let (nonce, rest) = ciphertext.split_at(NONCE_LEN);
	let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
	let mut document = body.to_vec();
	key.cipher()
		.decrypt_in_place_detached(
			XNonce::from_slice(nonce),
			RECORD_AAD,
			&mut document,
			Tag::from_slice(tag),
		)
		.map_err(|_| EnvelopeError::DecryptionFailed)?;
	Ok(document)
}

fn check_hash(expected_hash: &CiphertextHash, ciphertext: &[u8]) -> Result<(), EnvelopeError> {
	if &ciphertext_hash(ciphertext) != expected_hash {
		return Err(EnvelopeError::HashMismatch);
	}
	Ok(())
}

/// Opens a record with the patient's secret key, after checking the ciphertext against the hash
/// the chain holds: an altered ciphertext is refused before any decryption is tried.
pub fn open(
	secret: &umbral_pre::SecretKey,
	capsule: &Capsule,
	wrapped_key: &WrappedKey,
	expected_hash: &CiphertextHash,
	ciphertext: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
	check_hash(expected_hash, ciphertext)?;
	let key = open_document_key(secret, capsule, wrapped_key)?;
	decrypt_document(&key, ciphertext)
}

/// Opens a record's document key with the secret key the capsule was made for.
pub fn open_document_key(
	secret: &umbral_pre::SecretKey,
	capsule: &Capsule,
	wrapped_key: &WrappedKey,
) -> Result<DocumentKey, EnvelopeError> {
	let capsule = capsule.to_umbral().map_err(|_| EnvelopeError::InvalidCapsule)?;
	let plaintext = umbral_pre::decrypt_original(secret, &capsule, wrapped_key.0)
		.map_err(|_| EnvelopeError::KeyUnwrapFailed)?;
	DocumentKey::from_plaintext(plaintext).ok_or(EnvelopeError::KeyUnwrapFailed)
}

/// Opens a record ciphertext with its document key, after checking it against the hash the
/// chain holds, like [`open`]: for a grantee, who gets the key through re-encryption.
pub fn open_with_document_key(
	key: &DocumentKey,
	expected_hash: &CiphertextHash,
	ciphertext: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
	check_hash(expected_hash, ciphertext)?;
	decrypt_document(key, ciphertext)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::umbral::{dev, WRAPPED_KEY_LEN};
	use rand_core::OsRng;

	const DOCUMENT: &[u8] = br#"{"resourceType":"Observation","status":"final"}"#;

	fn open_as(name: &str, sealed: &Sealed) -> Result<Vec<u8>, EnvelopeError> {
		open(
			&dev::secret_key(name),
			&sealed.capsule,
			&sealed.wrapped_key,
			&sealed.hash(),
			&sealed.ciphertext,
		)
	}

	#[test]
	fn the_patient_opens_what_was_sealed_to_them() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		assert_eq!(open_as("Alice", &sealed).as_deref(), Ok(DOCUMENT));
		assert_eq!(sealed.ciphertext.len(), NONCE_LEN + DOCUMENT.len() + TAG_LEN);
	}

	#[test]
	fn the_ciphertext_does_not_contain_the_document() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		for bytes in [&sealed.ciphertext[..], &sealed.wrapped_key.0[..], &sealed.capsule.0[..]] {
			assert!(!bytes.windows(DOCUMENT.len()).any(|w| w == DOCUMENT));
			assert!(!bytes.windows(13).any(|w| w == b"resourceType\""));
		}
	}

	#[test]
	fn another_key_does_not_open_it() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		assert_eq!(open_as("Bob", &sealed), Err(EnvelopeError::KeyUnwrapFailed));
		let bob = dev::secret_key("Bob");
		assert_eq!(
			open_document_key(&bob, &sealed.capsule, &sealed.wrapped_key).map(|_| ()),
			Err(EnvelopeError::KeyUnwrapFailed)
		);
	}

	#[test]
	fn a_tampered_ciphertext_is_refused_before_decryption() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		let mut tampered = sealed.ciphertext.clone();
		let last = tampered.len() - 1;
		tampered[last] ^= 1;
		let alice = dev::secret_key("Alice");
		let open_tampered = |hash: &CiphertextHash| {
			open(&alice, &sealed.capsule, &sealed.wrapped_key, hash, &tampered)
		};
		assert_eq!(open_tampered(&sealed.hash()), Err(EnvelopeError::HashMismatch));
		// Even with a matching hash, the AEAD tag refuses it.
		assert_eq!(
			open_tampered(&ciphertext_hash(&tampered)),
			Err(EnvelopeError::DecryptionFailed)
		);
	}

	#[test]
	fn a_capsule_of_another_document_does_not_open_it() {
		let alice = dev::public_key("Alice");
		let sealed = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		let other = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		assert_ne!(sealed.ciphertext, other.ciphertext, "every seal uses a fresh key and nonce");
		assert_ne!(sealed.wrapped_key, other.wrapped_key);
		let secret = dev::secret_key("Alice");
		// Another record's capsule with this record's wrapped key: the key does not open.
		let mixed =
			open(&secret, &other.capsule, &sealed.wrapped_key, &sealed.hash(), &sealed.ciphertext);
		assert_eq!(mixed, Err(EnvelopeError::KeyUnwrapFailed));
		// Another record's capsule and key: they open, but that key is not this document's.
		let swapped =
			open(&secret, &other.capsule, &other.wrapped_key, &sealed.hash(), &sealed.ciphertext);
		assert_eq!(swapped, Err(EnvelopeError::DecryptionFailed));
	}

	#[test]
	fn a_tampered_wrapped_key_or_capsule_is_refused() {
		let sealed = seal(&mut OsRng, &dev::public_key("Alice"), DOCUMENT).unwrap();
		for byte in [0, NONCE_LEN, WRAPPED_KEY_LEN - 1] {
			let mut wrapped_key = sealed.wrapped_key;
			wrapped_key.0[byte] ^= 1;
			let tampered = Sealed { wrapped_key, ..sealed.clone() };
			assert_eq!(open_as("Alice", &tampered), Err(EnvelopeError::KeyUnwrapFailed));
		}
		let mut capsule = sealed.capsule;
		capsule.0[97] ^= 1;
		let tampered = Sealed { capsule, ..sealed.clone() };
		assert_eq!(open_as("Alice", &tampered), Err(EnvelopeError::InvalidCapsule));
	}

	#[test]
	fn the_document_key_opens_the_document_and_only_its_own() {
		let alice = dev::public_key("Alice");
		let sealed = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		let secret = dev::secret_key("Alice");
		let key = open_document_key(&secret, &sealed.capsule, &sealed.wrapped_key).unwrap();
		assert_eq!(format!("{key:?}"), "DocumentKey(<redacted>)");
		assert_eq!(
			open_with_document_key(&key, &sealed.hash(), &sealed.ciphertext).as_deref(),
			Ok(DOCUMENT)
		);
		// The hash is checked first, then the tag.
		let other = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		assert_eq!(
			open_with_document_key(&key, &other.hash(), &sealed.ciphertext),
			Err(EnvelopeError::HashMismatch)
		);
		assert_eq!(
			open_with_document_key(&key, &other.hash(), &other.ciphertext),
			Err(EnvelopeError::DecryptionFailed)
		);
		let short = &sealed.ciphertext[..NONCE_LEN + TAG_LEN - 1];
		assert_eq!(
			open_with_document_key(&key, &ciphertext_hash(short), short),
			Err(EnvelopeError::DecryptionFailed)
		);
		// Wrapped again to another key (as for a grant), the same key comes out.
		let grant = umbral_pre::SecretKey::random();
		let (capsule, wrapped) = wrap_document_key(&mut OsRng, &grant.public_key(), &key);
		let again = open_document_key(&grant, &capsule, &wrapped).unwrap();
		assert_eq!(again.expose(), key.expose());
	}

	#[test]
	fn the_envelope_is_raw_umbral_around_raw_xchacha20poly1305() {
		// The wrapped key is what raw umbral-pre decrypts with the patient's key, and the
		// ciphertext is what raw XChaCha20-Poly1305 opens with that key and the domain tag.
		use chacha20poly1305::aead::{Aead, Payload};
		let alice = dev::public_key("Alice");
		let sealed = seal(&mut OsRng, &alice, DOCUMENT).unwrap();
		let key = umbral_pre::decrypt_original(
			&dev::secret_key("Alice"),
			&sealed.capsule.to_umbral().unwrap(),
			sealed.wrapped_key.0,
		)
		.unwrap();
		assert_eq!(key.len(), DOCUMENT_KEY_LEN);
		let cipher = XChaCha20Poly1305::new(Key::from_slice(&key));
		let (nonce, body) = sealed.ciphertext.split_at(NONCE_LEN);
		let raw = cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: RECORD_AAD });
		assert_eq!(raw.as_deref(), Ok(DOCUMENT));

		// And the other way round: raw umbral-pre around a raw AEAD ciphertext opens.
		let key = [0x42u8; DOCUMENT_KEY_LEN];
		let nonce = [7u8; NONCE_LEN];
		let body = XChaCha20Poly1305::new(Key::from_slice(&key))
			.encrypt(XNonce::from_slice(&nonce), Payload { msg: DOCUMENT, aad: RECORD_AAD })
			.unwrap();
		let ciphertext = [&nonce[..], &body].concat();
		let (capsule, wrapped) =
			umbral_pre::encrypt_with_rng(&mut OsRng, &alice.to_umbral().unwrap(), &key).unwrap();
		let opened = open(
			&dev::secret_key("Alice"),
			&Capsule::from_umbral(&capsule),
			&WrappedKey::parse(&wrapped).unwrap(),
			&ciphertext_hash(&ciphertext),
			&ciphertext,
		);
		assert_eq!(opened.as_deref(), Ok(DOCUMENT));
	}
}
