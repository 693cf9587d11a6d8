//! The cryptography of sharing a record: threshold proxy re-encryption with Umbral, one
//! delegating key per grant.
//!
//! A record's document key `K` is wrapped to the patient on chain (the record's capsule and
//! wrapped key, [`medfed_primitives::envelope`]). To share records with a grantee, the patient's
//! client:
//!
//! 1. derives the grant's own delegating key from the patient's secret key and a fresh salt
//!    ([`grant_key`]; deterministic, so the client stores nothing), and the grant's identity
//!    ([`grant_ref`]);
//! 2. wraps each shared record's `K` again, to the grant's public key ([`rewrap`]): a capsule and
//!    a wrapped key of the grant, for the chain;
//! 3. splits the grant's re-encryption key into key fragments, one per proxy (the region's
//!    authorities), any `m` of which suffice ([`make_fragments`]). Each fragment is authorised
//!    by the patient's signature, bound to the grant and to its proxy, and encrypted to that
//!    proxy: only it can read it, and it cannot be replayed for another grant or proxy.
//!
//! A proxy opens and checks its fragment ([`open_fragment`]) and re-encrypts a grant capsule
//! with it ([`reencrypt`]); a proxy that sees the same capsules again keeps them parsed
//! ([`CapsuleCache`]). The grantee checks each capsule fragment, opens `K` from `m` of them
//! ([`open_reencrypted`]) and decrypts the document with
//! [`envelope::open_with_document_key`](medfed_primitives::envelope::open_with_document_key).
//!
//! Why a key per grant: in Umbral, the receiver together with `m` proxies can rebuild the
//! delegating secret key from their key fragments. With the patient's own key as the
//! delegating key, one grantee and `m` proxies would read every record of the patient; with a
//! key per grant they recover that grant's key, which opens only what was wrapped to it: the
//! records the patient shared in that grant, which the grantee may read anyway. Never the
//! patient's capsules, never another grant's.
//!
//! Nothing here prints or logs key material, and the errors name no key.

use medfed_primitives::{
	access::{CAPSULE_FRAGMENT_MAX_LEN, ENCRYPTED_KEY_FRAGMENT_MAX_LEN},
	envelope::{self, DocumentKey},
	umbral::CAPSULE_LEN,
	Capsule, WrappedKey,
};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use std::{
	collections::{HashMap, VecDeque},
	fmt,
};
use umbral_pre::{
	CapsuleFrag, DefaultDeserialize, DefaultSerialize, KeyFrag, PublicKey, ReencryptionError,
	SecretKey, SecretKeyFactory, Signature, Signer, VerifiedKeyFrag,
};
use zeroize::Zeroizing;

/// Domain of the seed of a grant's delegating key.
const GRANT_KEY_DOMAIN: &[u8] = b"medfed/grant-key/v1";
/// Domain of the seed of the patient's signing key.
const SIGNING_KEY_DOMAIN: &[u8] = b"medfed/grant-signing-key/v1";
/// Domain of a grant's reference.
const GRANT_REF_DOMAIN: &[u8] = b"medfed/grant-ref/v1";
/// Domain of the patient's signature authorising a key fragment.
const KFRAG_AUTHORIZATION_DOMAIN: &[u8] = b"medfed/kfrag-authorization/v1";

/// Length of an ECDSA signature, `r` and `s` big-endian.
const SIGNATURE_LEN: usize = 64;

/// Why a grant could not be made, or a fragment, capsule fragment or key not opened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SharingError {
	/// There are no proxies to give key fragments to.
	NoProxies,
	/// Proxy `index` appears earlier in the list too: each proxy gets one fragment, or the
	/// threshold would count it twice.
	RepeatedProxy {
		/// Its second position in the list.
		index: usize,
	},
	/// The threshold is 0 or more than the number of proxies.
	InvalidThreshold {
		/// The threshold asked for.
		threshold: usize,
		/// How many proxies there are.
		proxies: usize,
	},
	/// An encrypted key fragment is not a capsule and a ciphertext of an authorised fragment.
	MalformedKeyFragment,
	/// An encrypted key fragment does not decrypt with this proxy's key: it is another proxy's,
	/// or it was altered.
	UnreadableKeyFragment,
	/// The patient's signature does not authorise this key fragment for this grant and this
	/// proxy: it is another grant's or another proxy's, or it was altered.
	UnauthorizedKeyFragment,
	/// The key fragment does not verify against the patient's verifying key, the grant's
	/// delegating key and the grantee's key.
	InvalidKeyFragment,
	/// The grant's capsule is not a valid Umbral capsule.
	InvalidCapsule,
	/// No capsule fragments were given.
	NoCapsuleFragments,
	/// Capsule fragment `index` could not be decoded.
	MalformedCapsuleFragment {
		/// Its position in the list given.
		index: usize,
	},
	/// Capsule fragment `index` is not a correct re-encryption of the grant's capsule for this
	/// grantee: its proxy answered wrongly or it was altered.
	InvalidCapsuleFragment {
		/// Its position in the list given.
		index: usize,
	},
	/// Two capsule fragments come from the same key fragment.
	RepeatedCapsuleFragments,
	/// The capsule fragments, each valid, do not open the capsule together: fewer than the
	/// grant's threshold.
	TooFewCapsuleFragments,
	/// The grant's wrapped key does not open with the key the fragments give: it is not this
	/// capsule's, or it was altered.
	KeyUnwrapFailed,
	/// The record's own document key could not be opened with the patient's key.
	Envelope(envelope::EnvelopeError),
}

impl fmt::Display for SharingError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::NoProxies => f.write_str("there are no proxies to give key fragments to"),
			Self::RepeatedProxy { index } =>
				write!(f, "proxy {index} is in the list twice: each proxy gets one key fragment"),
			Self::InvalidThreshold { threshold, proxies } => write!(
				f,
				"a threshold of {threshold} is not possible with {proxies} proxies: it must be \
				 between 1 and the number of proxies"
			),
			Self::MalformedKeyFragment =>
				f.write_str("the encrypted key fragment is malformed: it was cut short or altered"),
			Self::UnreadableKeyFragment => f.write_str(
				"the key fragment does not decrypt with this proxy's key: it is another proxy's, \
				 or it was altered",
			),
			Self::UnauthorizedKeyFragment => f.write_str(
				"the patient's signature does not authorise this key fragment for this grant and \
				 this proxy",
			),
			Self::InvalidKeyFragment => f.write_str(
				"the key fragment does not verify against the patient's, the grant's and the \
				 grantee's keys",
			),
			Self::InvalidCapsule =>
				f.write_str("the grant's capsule is not a valid Umbral capsule"),
			Self::NoCapsuleFragments => f.write_str("no capsule fragments were given"),
			Self::MalformedCapsuleFragment { index } =>
				write!(f, "capsule fragment {index} could not be decoded"),
			Self::InvalidCapsuleFragment { index } => write!(
				f,
				"capsule fragment {index} is not a correct re-encryption of the grant's capsule \
				 for this grantee"
			),
			Self::RepeatedCapsuleFragments =>
				f.write_str("two capsule fragments come from the same key fragment"),
			Self::TooFewCapsuleFragments => f.write_str(
				"the capsule fragments do not open the grant's capsule: fewer than the grant's \
				 threshold",
			),
			Self::KeyUnwrapFailed => f.write_str(
				"the grant's wrapped key does not open with the re-encrypted capsule: it is not \
				 this capsule's, or it was altered",
			),
			Self::Envelope(error) => write!(f, "the record's document key: {error}"),
		}
	}
}

impl std::error::Error for SharingError {}

impl From<envelope::EnvelopeError> for SharingError {
	fn from(error: envelope::EnvelopeError) -> Self {
		Self::Envelope(error)
	}
}

/// A key factory seeded by SHA-256 over `domain`, the patient's secret key and `extra`.
fn factory(patient: &SecretKey, domain: &[u8], extra: &[u8]) -> SecretKeyFactory {
	let secret = patient.to_be_bytes();
	let seed = Zeroizing::new(<[u8; 32]>::from(
		Sha256::new()
			.chain_update(domain)
			.chain_update(secret.as_secret())
			.chain_update(extra)
			.finalize(),
	));
	SecretKeyFactory::from_secure_randomness(&seed[..])
		.expect("a SHA-256 digest is 32 bytes, the factory's seed size")
}

/// The delegating key of the grant with `salt`: derived from the patient's secret key, so the
/// patient's client recomputes it from the salt and stores nothing. Different for every salt.
pub fn grant_key(patient: &SecretKey, salt: &[u8; 32]) -> SecretKey {
	factory(patient, GRANT_KEY_DOMAIN, salt).make_key(b"grant")
}

/// The patient's signing key for grants, derived from the patient's secret key. Its
/// `verifying_key()` is what the patient publishes, and what proxies and grantees check
/// fragments against.
pub fn signing_key(patient: &SecretKey) -> Signer {
	Signer::new(factory(patient, SIGNING_KEY_DOMAIN, &[]).make_key(b"signing"))
}

/// The identity of the grant of `patient` to `grantee` with `salt`, known before the chain
/// assigns the grant an id: what every key fragment of the grant is bound to.
pub fn grant_ref(patient: &[u8; 32], grantee: &[u8; 32], salt: &[u8; 32]) -> [u8; 32] {
	Sha256::new()
		.chain_update(GRANT_REF_DOMAIN)
		.chain_update(patient)
		.chain_update(grantee)
		.chain_update(salt)
		.finalize()
		.into()
}

/// Opens a record's document key with the patient's secret key and wraps it again, to the
/// grant's public key: the grant's capsule and wrapped key of that record.
pub fn rewrap(
	rng: &mut (impl CryptoRng + RngCore),
	patient: &SecretKey,
	record_capsule: &Capsule,
	record_wrapped_key: &WrappedKey,
	grant_public_key: &PublicKey,
) -> Result<(Capsule, WrappedKey), SharingError> {
	let key = envelope::open_document_key(patient, record_capsule, record_wrapped_key)?;
	Ok(envelope::wrap_document_key(rng, grant_public_key, &key))
}

/// What the patient signs to authorise `kfrag` for `proxy` in the grant `grant_ref`.
fn authorization_message(grant_ref: &[u8; 32], proxy: &PublicKey, kfrag: &[u8]) -> Vec<u8> {
	[KFRAG_AUTHORIZATION_DOMAIN, &grant_ref[..], &proxy.to_compressed_bytes()[..], kfrag].concat()
}

/// Splits the grant's re-encryption key (from `delegating` to `grantee`) into one key fragment
/// per proxy, any `threshold` of which re-encrypt for the grantee. Each fragment is encoded,
/// authorised by `signer` for `grant_ref` and its proxy, and encrypted to its proxy: the
/// capsule's 98 bytes, then the ciphertext. In proxy order; each proxy once.
pub fn make_fragments(
	rng: &mut (impl CryptoRng + RngCore),
	delegating: &SecretKey,
	signer: &Signer,
	grantee: &PublicKey,
	threshold: usize,
	proxies: &[PublicKey],
	grant_ref: &[u8; 32],
) -> Result<Vec<Vec<u8>>, SharingError> {
	if proxies.is_empty() {
		return Err(SharingError::NoProxies);
	}
	if let Some(index) = (1..proxies.len()).find(|&i| proxies[..i].contains(&proxies[i])) {
		return Err(SharingError::RepeatedProxy { index });
	}
	if threshold == 0 || threshold > proxies.len() {
		return Err(SharingError::InvalidThreshold { threshold, proxies: proxies.len() });
	}
	let kfrags = umbral_pre::generate_kfrags_with_rng(
		rng,
		delegating,
		grantee,
		signer,
		threshold,
		proxies.len(),
		true,
		true,
	);
	Ok(proxies
		.iter()
		.zip(kfrags.iter())
		.map(|(proxy, kfrag)| {
			let kfrag = Zeroizing::new(
				kfrag
					.to_bytes()
					.expect("MessagePack encodes a key fragment in memory")
					.into_vec(),
			);
			let signature =
				signer.sign_with_rng(rng, &authorization_message(grant_ref, proxy, &kfrag));
			let length = u16::try_from(kfrag.len()).expect("a key fragment is a few hundred bytes");
			let payload = Zeroizing::new(
				[&length.to_be_bytes()[..], &kfrag[..], &signature.to_be_bytes()[..]].concat(),
			);
			let (capsule, ciphertext) = umbral_pre::encrypt_with_rng(rng, proxy, &payload)
				.expect("umbral-pre encrypts a few hundred bytes");
			[&capsule.to_bytes_simple()[..], &ciphertext[..]].concat()
		})
		.collect())
}

/// For the proxy with `proxy`'s key pair: decrypts its key fragment of the grant `grant_ref`,
/// checks that the patient (`verifying`) authorised it for this grant and this proxy, that it
/// is a fragment of the grant's key (`delegating`) for `grantee`, and that a re-encryption
/// with it passes the grantee's check.
///
/// `KeyFrag::verify` leaves out the fragment's signature for the grantee (and the keys whose
/// signing flags the patient turned off), which every capsule fragment carries and the grantee
/// and the chain's complaint check: a patient could hand the proxies fragments whose every
/// re-encryption fails, and have honest proxies barred by complaints. So one throwaway capsule
/// of the grant's key is re-encrypted and checked exactly as the grantee checks (about one
/// re-encryption and one verification, once per request).
pub fn open_fragment(
	proxy: &SecretKey,
	encrypted: &[u8],
	grant_ref: &[u8; 32],
	proxy_public: &PublicKey,
	verifying: &PublicKey,
	delegating: &PublicKey,
	grantee: &PublicKey,
) -> Result<VerifiedKeyFrag, SharingError> {
	if encrypted.len() > ENCRYPTED_KEY_FRAGMENT_MAX_LEN || encrypted.len() < CAPSULE_LEN {
		return Err(SharingError::MalformedKeyFragment);
	}
	let (capsule, ciphertext) = encrypted.split_at(CAPSULE_LEN);
	let capsule = Capsule::parse(capsule)
		.and_then(|capsule| capsule.to_umbral())
		.map_err(|_| SharingError::MalformedKeyFragment)?;
	let payload = Zeroizing::new(
		umbral_pre::decrypt_original(proxy, &capsule, ciphertext)
			.map_err(|_| SharingError::UnreadableKeyFragment)?
			.into_vec(),
	);
	let (length, rest) = payload.split_at_checked(2).ok_or(SharingError::MalformedKeyFragment)?;
	let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
	if rest.len() != length + SIGNATURE_LEN {
		return Err(SharingError::MalformedKeyFragment);
	}
	let (kfrag, signature) = rest.split_at(length);
	let signature = Signature::try_from_be_bytes(signature)
		.map_err(|_| SharingError::UnauthorizedKeyFragment)?;
	if !signature.verify(verifying, &authorization_message(grant_ref, proxy_public, kfrag)) {
		return Err(SharingError::UnauthorizedKeyFragment);
	}
	let kfrag = KeyFrag::from_bytes(kfrag)
		.map_err(|_| SharingError::InvalidKeyFragment)?
		.verify(verifying, Some(delegating), Some(grantee))
		.map_err(|_| SharingError::InvalidKeyFragment)?;
	let (probe, _) = umbral_pre::encrypt_with_rng(&mut rand_core::OsRng, delegating, b"probe")
		.map_err(|_| SharingError::InvalidKeyFragment)?;
	umbral_pre::reencrypt_with_rng(&mut rand_core::OsRng, &probe, kfrag.clone())
		.unverify()
		.verify(&probe, verifying, delegating, grantee)
		.map_err(|_| SharingError::InvalidKeyFragment)?;
	Ok(kfrag)
}

/// The grant's `capsule` as umbral-pre re-encrypts it: decoded and self-checked by umbral-pre
/// (two point decompressions and two scalar multiplications, about half the cost of a
/// re-encryption; umbral-pre makes no capsule without that check).
pub fn parse_capsule(capsule: &Capsule) -> Result<umbral_pre::Capsule, SharingError> {
	capsule.to_umbral().map_err(|_| SharingError::InvalidCapsule)
}

/// For a proxy: re-encrypts the grant's `capsule` with its key fragment. The encoded capsule
/// fragment, for the grantee.
pub fn reencrypt(
	rng: &mut (impl CryptoRng + RngCore),
	capsule: &Capsule,
	kfrag: &VerifiedKeyFrag,
) -> Result<Vec<u8>, SharingError> {
	Ok(reencrypt_parsed(rng, &parse_capsule(capsule)?, kfrag))
}

/// [`reencrypt`] of a capsule parsed already ([`parse_capsule`]): the capsule fragment in
/// umbral-pre's MessagePack encoding, which the chain stores and the grantee decodes
/// ([`open_reencrypted`]).
pub fn reencrypt_parsed(
	rng: &mut (impl CryptoRng + RngCore),
	capsule: &umbral_pre::Capsule,
	kfrag: &VerifiedKeyFrag,
) -> Vec<u8> {
	// umbral-pre takes the key fragment by value; a clone is a copy of a few hundred bytes.
	umbral_pre::reencrypt_with_rng(rng, capsule, kfrag.clone())
		.to_bytes()
		.expect("MessagePack encodes a capsule fragment in memory")
		.into_vec()
}

/// The grant capsules a proxy has parsed ([`parse_capsule`]), at most `capacity` of them, so
/// that a capsule it sees again (another request for the same record under the same grant) is
/// not parsed again. Keyed by the capsule's bytes: a capsule kept is exactly the one asked for,
/// whichever grant and record it came with. When full, it forgets the capsule it has kept
/// longest (first in, first out). Capsules are public: nothing here is secret.
#[derive(Clone, Debug)]
pub struct CapsuleCache {
	capacity: usize,
	parsed: HashMap<[u8; CAPSULE_LEN], umbral_pre::Capsule>,
	/// The keys of `parsed`, oldest first.
	order: VecDeque<[u8; CAPSULE_LEN]>,
}

impl CapsuleCache {
	/// An empty cache that keeps at most `capacity` capsules (none with 0).
	pub fn new(capacity: usize) -> Self {
		CapsuleCache { capacity, parsed: HashMap::new(), order: VecDeque::new() }
	}

	/// [`reencrypt`], parsing `capsule` only if it is not kept, and keeping it parsed
	/// (forgetting the oldest if the cache is full): what a proxy does per record. A capsule
	/// that does not parse is not kept.
	pub fn reencrypt(
		&mut self,
		rng: &mut (impl CryptoRng + RngCore),
		capsule: &Capsule,
		kfrag: &VerifiedKeyFrag,
	) -> Result<Vec<u8>, SharingError> {
		if let Some(parsed) = self.parsed.get(&capsule.0) {
			return Ok(reencrypt_parsed(rng, parsed, kfrag));
		}
		let parsed = parse_capsule(capsule)?;
		let cfrag = reencrypt_parsed(rng, &parsed, kfrag);
		self.keep(capsule, parsed);
		Ok(cfrag)
	}

	/// Keeps `parsed`, the parsed `capsule`, which is not kept yet.
	fn keep(&mut self, capsule: &Capsule, parsed: umbral_pre::Capsule) {
		if self.capacity == 0 {
			return;
		}
		if self.order.len() >= self.capacity {
			if let Some(oldest) = self.order.pop_front() {
				self.parsed.remove(&oldest);
			}
		}
		self.order.push_back(capsule.0);
		self.parsed.insert(capsule.0, parsed);
	}

	/// Whether `capsule` is kept parsed.
	pub fn contains(&self, capsule: &Capsule) -> bool {
		self.parsed.contains_key(&capsule.0)
	}

	/// How many capsules are kept.
	pub fn len(&self) -> usize {
		self.order.len()
	}

	/// Whether none is kept.
	pub fn is_empty(&self) -> bool {
		self.order.is_empty()
	}
}

/// For the grantee: checks every capsule fragment of the grant's `capsule` (naming the first
/// that fails, so that its proxy can be reported), then opens the document key wrapped in
/// `wrapped_key` from them.
pub fn open_reencrypted(
	grantee: &SecretKey,
	delegating: &PublicKey,
	verifying: &PublicKey,
	grantee_public: &PublicKey,
	capsule: &Capsule,
	wrapped_key: &WrappedKey,
	cfrags: &[Vec<u8>],
) -> Result<DocumentKey, SharingError> {
	if cfrags.is_empty() {
		return Err(SharingError::NoCapsuleFragments);
	}
	let capsule = parse_capsule(capsule)?;
	let verified = cfrags
		.iter()
		.enumerate()
		.map(|(index, bytes)| {
			if bytes.len() > CAPSULE_FRAGMENT_MAX_LEN {
				return Err(SharingError::MalformedCapsuleFragment { index });
			}
			CapsuleFrag::from_bytes(bytes)
				.map_err(|_| SharingError::MalformedCapsuleFragment { index })?
				.verify(&capsule, verifying, delegating, grantee_public)
				.map_err(|_| SharingError::InvalidCapsuleFragment { index })
		})
		.collect::<Result<Vec<_>, _>>()?;
	let key =
		umbral_pre::decrypt_reencrypted(grantee, delegating, &capsule, verified, wrapped_key.0)
			.map_err(|error| match error {
				ReencryptionError::OnOpen(
					umbral_pre::OpenReencryptedError::RepeatingCapsuleFrags,
				) => SharingError::RepeatedCapsuleFragments,
				ReencryptionError::OnOpen(_) => SharingError::TooFewCapsuleFragments,
				ReencryptionError::OnDecryption(_) => SharingError::KeyUnwrapFailed,
			})?;
	DocumentKey::from_plaintext(key).ok_or(SharingError::KeyUnwrapFailed)
}

#[cfg(test)]
mod tests;
