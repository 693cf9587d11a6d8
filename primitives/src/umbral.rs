//! Umbral public keys and capsules as the chain keeps them.
//!
//! Patients and authority proxies publish Umbral public keys (compressed secp256k1 points,
//! 33 bytes); every record carries the Umbral capsule that encapsulates its document key
//! (98 bytes: the points `E` and `V`, compressed, then the scalar `s`, big-endian, the layout
//! of `umbral_pre::Capsule::to_bytes_simple`). Both are decoded when they enter the chain, so a
//! key that is not a curve point or a capsule that cannot be opened is refused at once, not
//! discovered by the first reader.
//!
//! Every record also carries its wrapped document key ([`WrappedKey`], 72 bytes): the record's
//! 32-byte document key, encrypted by Umbral's DEM under the key the capsule encapsulates. It is
//! ciphertext, checked only for its length: whether it opens, only the holder of the secret key
//! (or of enough re-encrypted capsule fragments) can tell.
//!
//! None of these is secret: a public key, a capsule and a wrapped key reveal nothing of the
//! document, its key or the patient's secret key.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};

use scale_info::TypeInfo;

/// Length of a compressed secp256k1 point.
pub const PUBLIC_KEY_LEN: usize = 33;

/// Length of a capsule in the simple layout: two compressed points and a scalar.
pub const CAPSULE_LEN: usize = 2 * PUBLIC_KEY_LEN + 32;

/// Length of a wrapped document key: Umbral's DEM output for a 32-byte key, that is the 24-byte
/// XChaCha20 nonce, the 32 encrypted bytes and the 16-byte Poly1305 tag.
pub const WRAPPED_KEY_LEN: usize = 24 + 32 + 16;

/// The order of the secp256k1 group, big-endian: a canonical scalar is below it.
const CURVE_ORDER: [u8; 32] = [
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// The secp256k1 generator point, compressed: a valid public key (of the secret key 1, so never
/// one to encrypt to). Benchmarks use it where they need a key or a point.
pub const GENERATOR: PublicKey = PublicKey([
	0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b,
	0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17,
	0x98,
]);

/// Why key or capsule bytes were refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyError {
	/// The bytes have the wrong length.
	Length,
	/// The bytes are not a compressed point on secp256k1.
	NotOnCurve,
	/// The capsule's scalar is not below the group order.
	NonCanonicalScalar,
	/// The capsule's points and scalar do not satisfy its self-check: it was not made by an
	/// Umbral encryption.
	InconsistentCapsule,
}

/// Accepts only the SEC1 compressed form (tag 2 or 3): the backend also decodes other 33-byte
/// forms, which would give one key several encodings.
fn check_point(bytes: &[u8]) -> Result<(), KeyError> {
	if !matches!(bytes.first(), Some(0x02 | 0x03)) {
		return Err(KeyError::NotOnCurve);
	}
	umbral_pre::PublicKey::try_from_compressed_bytes(bytes)
		.map(|_| ())
		.map_err(|_| KeyError::NotOnCurve)
}

/// An Umbral public key: a compressed secp256k1 point, checked to be on the curve.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct PublicKey(pub [u8; PUBLIC_KEY_LEN]);

impl PublicKey {
	/// Decodes and checks a compressed public key.
	pub fn parse(bytes: &[u8]) -> Result<Self, KeyError> {
		let array: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| KeyError::Length)?;
		check_point(&array)?;
		Ok(PublicKey(array))
	}

	/// The key as umbral-pre uses it.
	pub fn to_umbral(&self) -> Result<umbral_pre::PublicKey, KeyError> {
		umbral_pre::PublicKey::try_from_compressed_bytes(&self.0).map_err(|_| KeyError::NotOnCurve)
	}
}

/// In chain specs and JSON a key is its compressed bytes in `0x`-prefixed hex.
impl serde::Serialize for PublicKey {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		let mut text = alloc::string::String::from("0x");
		text.push_str(&hex::encode(self.0));
		serializer.serialize_str(&text)
	}
}

impl<'de> serde::Deserialize<'de> for PublicKey {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = <alloc::string::String as serde::Deserialize>::deserialize(deserializer)?;
		let bytes = hex::decode(text.trim_start_matches("0x")).map_err(serde::de::Error::custom)?;
		PublicKey::parse(&bytes).map_err(|e| {
			serde::de::Error::custom(alloc::format!("invalid Umbral public key: {e:?}"))
		})
	}
}

/// An Umbral capsule in the simple layout, with both points checked to be on the curve and the
/// scalar canonical.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Capsule(pub [u8; CAPSULE_LEN]);

impl Capsule {
	/// Decodes and checks a capsule.
	pub fn parse(bytes: &[u8]) -> Result<Self, KeyError> {
		let array: [u8; CAPSULE_LEN] = bytes.try_into().map_err(|_| KeyError::Length)?;
		check_point(&array[..PUBLIC_KEY_LEN])?;
		check_point(&array[PUBLIC_KEY_LEN..2 * PUBLIC_KEY_LEN])?;
		if array[2 * PUBLIC_KEY_LEN..] >= CURVE_ORDER[..] {
			return Err(KeyError::NonCanonicalScalar);
		}
		Ok(Capsule(array))
	}

	/// The capsule as umbral-pre uses it, after umbral-pre's own self-check (which
	/// [`Capsule::parse`] does not run: it costs two scalar multiplications).
	pub fn to_umbral(&self) -> Result<umbral_pre::Capsule, KeyError> {
		use serde::de::{value::MapDeserializer, Deserialize};
		// umbral-pre reads capsules only through serde; its human-readable form is the three
		// fields in 0x-prefixed hex.
		let field =
			|range: core::ops::Range<usize>| alloc::format!("0x{}", hex::encode(&self.0[range]));
		let e = field(0..PUBLIC_KEY_LEN);
		let v = field(PUBLIC_KEY_LEN..2 * PUBLIC_KEY_LEN);
		let s = field(2 * PUBLIC_KEY_LEN..CAPSULE_LEN);
		let fields = [("point_e", e.as_str()), ("point_v", v.as_str()), ("signature", s.as_str())];
		let deserializer = MapDeserializer::<_, serde::de::value::Error>::new(fields.into_iter());
		umbral_pre::Capsule::deserialize(deserializer).map_err(|_| KeyError::InconsistentCapsule)
	}

	/// The capsule of an umbral-pre encryption.
	pub fn from_umbral(capsule: &umbral_pre::Capsule) -> Self {
		let bytes = capsule.to_bytes_simple();
		let mut array = [0u8; CAPSULE_LEN];
		array.copy_from_slice(&bytes);
		Capsule(array)
	}
}

/// A record's document key, encrypted with Umbral's DEM under the key its capsule encapsulates
/// (`umbral_pre::encrypt_with_rng` of the 32-byte key to the patient, or to a grant's key). It
/// is ciphertext: only its length is checked.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct WrappedKey(pub [u8; WRAPPED_KEY_LEN]);

impl WrappedKey {
	/// Takes a wrapped key of the right length.
	pub fn parse(bytes: &[u8]) -> Result<Self, KeyError> {
		bytes.try_into().map(WrappedKey).map_err(|_| KeyError::Length)
	}
}

/// In JSON a wrapped key is its bytes in `0x`-prefixed hex, like a public key.
impl serde::Serialize for WrappedKey {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		let mut text = alloc::string::String::from("0x");
		text.push_str(&hex::encode(self.0));
		serializer.serialize_str(&text)
	}
}

impl<'de> serde::Deserialize<'de> for WrappedKey {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = <alloc::string::String as serde::Deserialize>::deserialize(deserializer)?;
		let bytes = hex::decode(text.trim_start_matches("0x")).map_err(serde::de::Error::custom)?;
		WrappedKey::parse(&bytes).map_err(|e| {
			serde::de::Error::custom(alloc::format!("invalid wrapped document key: {e:?}"))
		})
	}
}

/// Development identities' Umbral keys, derived from their names (`Alice`, `Bob`, …) like the
/// `//Alice` development accounts: anyone can derive them, so they protect nothing. Genesis
/// presets give them to the development authorities; the `ehr` client derives the same secret
/// keys for `--dev` identities. Never use them for real health data.
pub mod dev {
	use super::PublicKey;
	use sha2::{Digest, Sha256};
	use umbral_pre::{SecretKey, SecretKeyFactory};

	/// The development secret key named `name`.
	pub fn secret_key(name: &str) -> SecretKey {
		let seed = Sha256::digest(
			b"MedFed development Umbral keys: public knowledge, never for real data",
		);
		SecretKeyFactory::from_secure_randomness(&seed)
			.expect("a SHA-256 digest is 32 bytes, the factory's seed size")
			.make_key(name.as_bytes())
	}

	/// The development public key named `name`.
	pub fn public_key(name: &str) -> PublicKey {
		let compressed = secret_key(name).public_key().to_compressed_bytes();
		let mut key = [0u8; super::PUBLIC_KEY_LEN];
		key.copy_from_slice(&compressed);
		PublicKey(key)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_bytes::ByteBuf;

	#[test]
	fn development_keys_are_stable_valid_and_distinct() {
		let alice = dev::public_key("Alice");
		assert_eq!(PublicKey::parse(&alice.0), Ok(alice));
		assert_eq!(alice, dev::public_key("Alice"));
		assert_ne!(alice, dev::public_key("Bob"));
		assert_eq!(alice.to_umbral().expect("valid"), dev::secret_key("Alice").public_key());
	}

	#[test]
	fn the_generator_is_a_valid_key() {
		assert_eq!(PublicKey::parse(&GENERATOR.0), Ok(GENERATOR));
	}

	#[test]
	fn keys_are_hex_in_json_and_checked_when_read() {
		let json = serde_json::to_string(&GENERATOR).expect("serialises");
		assert_eq!(json, format!("\"0x{}\"", hex::encode(GENERATOR.0)));
		assert_eq!(serde_json::from_str::<PublicKey>(&json).expect("reads back"), GENERATOR);
		let off_curve = format!("\"0x02{}\"", "ff".repeat(32));
		assert!(serde_json::from_str::<PublicKey>(&off_curve).is_err());
	}

	#[test]
	fn public_keys_must_be_curve_points() {
		let secret = umbral_pre::SecretKey::random();
		let compressed = secret.public_key().to_compressed_bytes();
		let key = PublicKey::parse(&compressed).expect("a real key parses");
		assert_eq!(key.to_umbral().expect("and converts back"), secret.public_key());

		assert_eq!(PublicKey::parse(&compressed[..32]), Err(KeyError::Length));
		let mut off_curve = [0xffu8; PUBLIC_KEY_LEN];
		off_curve[0] = 0x02;
		assert_eq!(PublicKey::parse(&off_curve), Err(KeyError::NotOnCurve));
		let mut bad_prefix = [0u8; PUBLIC_KEY_LEN];
		bad_prefix.copy_from_slice(&compressed);
		bad_prefix[0] = 0x05;
		assert_eq!(PublicKey::parse(&bad_prefix), Err(KeyError::NotOnCurve));
	}

	#[test]
	fn wrapped_keys_are_umbral_encryptions_of_32_bytes() {
		let secret = umbral_pre::SecretKey::random();
		let (_capsule, wrapped) =
			umbral_pre::encrypt(&secret.public_key(), &[7u8; 32]).expect("encrypts");
		assert_eq!(wrapped.len(), WRAPPED_KEY_LEN);
		let ours = WrappedKey::parse(&wrapped).expect("the right length");
		assert_eq!(WrappedKey::parse(&wrapped[..71]), Err(KeyError::Length));
		assert_eq!(WrappedKey::parse(&[wrapped.to_vec(), vec![0]].concat()), Err(KeyError::Length));

		let json = serde_json::to_string(&ours).expect("serialises");
		assert_eq!(json, format!("\"0x{}\"", hex::encode(ours.0)));
		assert_eq!(serde_json::from_str::<WrappedKey>(&json).expect("reads back"), ours);
		assert!(serde_json::from_str::<WrappedKey>("\"0x00\"").is_err());
	}

	#[test]
	fn capsules_of_real_encryptions_parse_and_tampered_ones_do_not() {
		let secret = umbral_pre::SecretKey::random();
		let (capsule, _ciphertext) =
			umbral_pre::encrypt(&secret.public_key(), b"not stored anywhere").expect("encrypts");
		let ours = Capsule::from_umbral(&capsule);
		assert_eq!(Capsule::parse(&ours.0), Ok(ours));
		// The simple layout is the one umbral-pre serialises: same three fields, same order.
		let packed: (ByteBuf, ByteBuf, ByteBuf) =
			rmp_serde::from_slice(&rmp_serde::to_vec(&capsule).expect("serialises"))
				.expect("three byte strings");
		assert_eq!(
			[packed.0.to_vec(), packed.1.to_vec(), packed.2.to_vec()].concat(),
			ours.0.to_vec()
		);

		assert_eq!(Capsule::parse(&ours.0[..97]), Err(KeyError::Length));
		let mut bad_point = ours.0;
		bad_point[0] = 0x07;
		assert_eq!(Capsule::parse(&bad_point), Err(KeyError::NotOnCurve));
		let mut bad_scalar = ours.0;
		bad_scalar[2 * PUBLIC_KEY_LEN..].copy_from_slice(&CURVE_ORDER);
		assert_eq!(Capsule::parse(&bad_scalar), Err(KeyError::NonCanonicalScalar));
	}
}
