//! Content identifiers (CIDs) of IPFS objects, parsed and validated.
//!
//! A record on chain points at its ciphertext on IPFS by CID. The chain never stores the CID as
//! opaque text: [`Cid::parse`] decodes the text a client submits (CIDv0 `Qm…` in base58btc, or
//! CIDv1 in a multibase: base32, base58btc or base16), checks the version, the content codec,
//! the multihash function and the digest length, and keeps the structured result. Identity
//! multihashes are refused: they inline the content itself into the CID, which for MedFed would
//! put ciphertext (or worse) on chain.
//!
//! [`Cid::to_text`] gives the canonical text form back (base58btc for v0, base32 for v1), which
//! is what IPFS tools print.

use alloc::{string::String, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest CID text accepted, in bytes. A CIDv1 with a 64-byte digest in base32 is 112.
pub const MAX_CID_TEXT_LEN: u32 = 128;

/// Longest multihash digest kept, in bytes (sha2-512).
pub const MAX_DIGEST_LEN: u32 = 64;

/// CID text as submitted in an extrinsic, before parsing.
pub type CidText = BoundedVec<u8, ConstU32<MAX_CID_TEXT_LEN>>;

/// Why a CID was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CidError {
	/// The text is empty.
	Empty,
	/// The text is longer than [`MAX_CID_TEXT_LEN`].
	TooLong,
	/// The multibase prefix is not one of base32 (`b`, `B`), base58btc (`z`) or base16 (`f`,
	/// `F`), and the text is not a CIDv0.
	UnsupportedMultibase,
	/// A character is not valid in the CID's base encoding.
	InvalidEncoding,
	/// A varint is malformed, overlong or not minimally encoded.
	InvalidVarint,
	/// The CID version is not 0 or 1.
	UnsupportedVersion,
	/// The content codec is not raw, dag-pb, dag-cbor or dag-json.
	UnsupportedCodec,
	/// The identity multihash inlines content into the CID and is never accepted.
	IdentityHash,
	/// The multihash function is not one MedFed accepts.
	UnsupportedHash,
	/// The digest length does not match the hash function.
	DigestLength,
	/// Bytes are left after the multihash.
	TrailingBytes,
}

/// The CID version.
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
pub enum CidVersion {
	/// CIDv0: a bare sha2-256 multihash of a dag-pb node, written in base58btc (`Qm…`).
	V0,
	/// CIDv1: version, content codec and multihash, written in a multibase.
	V1,
}

/// The content codec of a CIDv1 (multicodec table).
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
pub enum Codec {
	/// `raw` (0x55): the bytes themselves.
	Raw,
	/// `dag-pb` (0x70): a UnixFS node, what `ipfs add` produces by default.
	DagPb,
	/// `dag-cbor` (0x71).
	DagCbor,
	/// `dag-json` (0x0129).
	DagJson,
}

impl Codec {
	/// The multicodec code.
	pub const fn code(self) -> u64 {
		match self {
			Codec::Raw => 0x55,
			Codec::DagPb => 0x70,
			Codec::DagCbor => 0x71,
			Codec::DagJson => 0x0129,
		}
	}

	fn from_code(code: u64) -> Result<Self, CidError> {
		Ok(match code {
			0x55 => Codec::Raw,
			0x70 => Codec::DagPb,
			0x71 => Codec::DagCbor,
			0x0129 => Codec::DagJson,
			_ => return Err(CidError::UnsupportedCodec),
		})
	}
}

/// The hash function of a multihash.
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
pub enum HashAlg {
	/// `sha2-256` (0x12), 32 bytes.
	Sha2_256,
	/// `sha2-512` (0x13), 64 bytes.
	Sha2_512,
	/// `sha3-256` (0x16), 32 bytes.
	Sha3_256,
	/// `blake3` (0x1e), 32 bytes.
	Blake3,
	/// `blake2b-256` (0xb220), 32 bytes.
	Blake2b256,
}

impl HashAlg {
	/// The multicodec code.
	pub const fn code(self) -> u64 {
		match self {
			HashAlg::Sha2_256 => 0x12,
			HashAlg::Sha2_512 => 0x13,
			HashAlg::Sha3_256 => 0x16,
			HashAlg::Blake3 => 0x1e,
			HashAlg::Blake2b256 => 0xb220,
		}
	}

	/// The digest length this function produces.
	pub const fn digest_len(self) -> usize {
		match self {
			HashAlg::Sha2_512 => 64,
			_ => 32,
		}
	}

	fn from_code(code: u64) -> Result<Self, CidError> {
		Ok(match code {
			0x00 => return Err(CidError::IdentityHash),
			0x12 => HashAlg::Sha2_256,
			0x13 => HashAlg::Sha2_512,
			0x16 => HashAlg::Sha3_256,
			0x1e => HashAlg::Blake3,
			0xb220 => HashAlg::Blake2b256,
			_ => return Err(CidError::UnsupportedHash),
		})
	}
}

/// A parsed, validated CID.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Cid {
	/// CIDv0 or CIDv1.
	pub version: CidVersion,
	/// Content codec; always `DagPb` for v0.
	pub codec: Codec,
	/// Hash function; always `Sha2_256` for v0.
	pub hash: HashAlg,
	/// The digest, of the length `hash` produces.
	pub digest: BoundedVec<u8, ConstU32<MAX_DIGEST_LEN>>,
}

impl Cid {
	/// Parses the text form of a CID.
	pub fn parse(text: &[u8]) -> Result<Self, CidError> {
		if text.is_empty() {
			return Err(CidError::Empty);
		}
		if text.len() > MAX_CID_TEXT_LEN as usize {
			return Err(CidError::TooLong);
		}
		if text.len() == 46 && text.starts_with(b"Qm") {
			let bytes = base58::decode(text)?;
			return Self::from_v0_bytes(&bytes);
		}
		let bytes = match text[0] {
			b'b' => base32::decode(&text[1..], false)?,
			b'B' => base32::decode(&text[1..], true)?,
			b'z' => base58::decode(&text[1..])?,
			b'f' => base16::decode(&text[1..], false)?,
			b'F' => base16::decode(&text[1..], true)?,
			_ => return Err(CidError::UnsupportedMultibase),
		};
		Self::from_v1_bytes(&bytes)
	}

	/// A CIDv0 with the given sha2-256 digest.
	pub fn v0(digest: [u8; 32]) -> Self {
		Cid {
			version: CidVersion::V0,
			codec: Codec::DagPb,
			hash: HashAlg::Sha2_256,
			digest: BoundedVec::truncate_from(digest.to_vec()),
		}
	}

	/// The CIDv1 of one raw block (codec raw, sha2-256): what IPFS gives content added as a
	/// single chunk with raw leaves, and what `ehr upload` asks for.
	pub fn raw_sha256(digest: [u8; 32]) -> Self {
		Cid {
			version: CidVersion::V1,
			codec: Codec::Raw,
			hash: HashAlg::Sha2_256,
			digest: BoundedVec::truncate_from(digest.to_vec()),
		}
	}

	fn from_v0_bytes(bytes: &[u8]) -> Result<Self, CidError> {
		let (hash, digest) = parse_multihash(bytes)?;
		if hash != HashAlg::Sha2_256 {
			return Err(CidError::UnsupportedHash);
		}
		Ok(Cid { version: CidVersion::V0, codec: Codec::DagPb, hash, digest })
	}

	fn from_v1_bytes(bytes: &[u8]) -> Result<Self, CidError> {
		let (version, rest) = varint::read(bytes)?;
		if version != 1 {
			return Err(CidError::UnsupportedVersion);
		}
		let (codec, rest) = varint::read(rest)?;
		let codec = Codec::from_code(codec)?;
		let (hash, digest) = parse_multihash(rest)?;
		Ok(Cid { version: CidVersion::V1, codec, hash, digest })
	}

	/// The binary multihash: hash code, digest length, digest.
	pub fn multihash(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(self.digest.len() + 4);
		varint::write(self.hash.code(), &mut out);
		varint::write(self.digest.len() as u64, &mut out);
		out.extend_from_slice(&self.digest);
		out
	}

	/// The binary CID: the bare multihash for v0, version and codec before it for v1.
	pub fn to_bytes(&self) -> Vec<u8> {
		match self.version {
			CidVersion::V0 => self.multihash(),
			CidVersion::V1 => {
				let mut out = Vec::with_capacity(self.digest.len() + 8);
				varint::write(1, &mut out);
				varint::write(self.codec.code(), &mut out);
				out.extend_from_slice(&self.multihash());
				out
			},
		}
	}

	/// The canonical text form: base58btc for v0, multibase base32 (`b…`) for v1.
	pub fn to_text(&self) -> String {
		match self.version {
			CidVersion::V0 => base58::encode(&self.to_bytes()),
			CidVersion::V1 => {
				let mut text = String::from("b");
				text.push_str(&base32::encode(&self.to_bytes()));
				text
			},
		}
	}
}

impl core::fmt::Display for Cid {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(&self.to_text())
	}
}

fn parse_multihash(
	bytes: &[u8],
) -> Result<(HashAlg, BoundedVec<u8, ConstU32<MAX_DIGEST_LEN>>), CidError> {
	let (code, rest) = varint::read(bytes)?;
	let hash = HashAlg::from_code(code)?;
	let (len, rest) = varint::read(rest)?;
	if len as usize != hash.digest_len() || rest.len() < hash.digest_len() {
		return Err(CidError::DigestLength);
	}
	if rest.len() > hash.digest_len() {
		return Err(CidError::TrailingBytes);
	}
	let digest = BoundedVec::try_from(rest.to_vec()).map_err(|_| CidError::DigestLength)?;
	Ok((hash, digest))
}

/// Unsigned LEB128 varints as multiformats uses them: at most 9 bytes, minimally encoded.
mod varint {
	use super::CidError;
	use alloc::vec::Vec;

	pub fn read(bytes: &[u8]) -> Result<(u64, &[u8]), CidError> {
		let mut value: u64 = 0;
		for (i, byte) in bytes.iter().enumerate().take(9) {
			value |= u64::from(byte & 0x7f) << (7 * i);
			if byte & 0x80 == 0 {
				// A final zero byte after the first one means a longer encoding than needed.
				if i > 0 && *byte == 0 {
					return Err(CidError::InvalidVarint);
				}
				return Ok((value, &bytes[i + 1..]));
			}
		}
		Err(CidError::InvalidVarint)
	}

	pub fn write(mut value: u64, out: &mut Vec<u8>) {
		while value >= 0x80 {
			out.push((value as u8) | 0x80);
			value >>= 7;
		}
		out.push(value as u8);
	}
}

mod base58 {
	use super::CidError;
	use alloc::{string::String, vec::Vec};

	const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

	fn digit(c: u8) -> Option<u32> {
		ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
	}

	pub fn decode(text: &[u8]) -> Result<Vec<u8>, CidError> {
		let zeros = text.iter().take_while(|c| **c == b'1').count();
		// Little-endian base-256 digits of the number.
		let mut number: Vec<u8> = Vec::with_capacity(text.len());
		for c in &text[zeros..] {
			let mut carry = digit(*c).ok_or(CidError::InvalidEncoding)?;
			for byte in number.iter_mut() {
				carry += u32::from(*byte) * 58;
				*byte = carry as u8;
				carry >>= 8;
			}
			while carry > 0 {
				number.push(carry as u8);
				carry >>= 8;
			}
		}
		let mut out = alloc::vec![0u8; zeros];
		out.extend(number.iter().rev());
		Ok(out)
	}

	pub fn encode(bytes: &[u8]) -> String {
		let zeros = bytes.iter().take_while(|b| **b == 0).count();
		// Little-endian base-58 digits of the number.
		let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
		for byte in &bytes[zeros..] {
			let mut carry = u32::from(*byte);
			for d in digits.iter_mut() {
				carry += u32::from(*d) << 8;
				*d = (carry % 58) as u8;
				carry /= 58;
			}
			while carry > 0 {
				digits.push((carry % 58) as u8);
				carry /= 58;
			}
		}
		let mut out = String::with_capacity(zeros + digits.len());
		out.extend(core::iter::repeat('1').take(zeros));
		out.extend(digits.iter().rev().map(|d| ALPHABET[*d as usize] as char));
		out
	}
}

/// RFC 4648 base32 without padding, as multibase `b` (lower case) and `B` (upper case) use it.
mod base32 {
	use super::CidError;
	use alloc::{string::String, vec::Vec};

	const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

	pub fn decode(text: &[u8], upper: bool) -> Result<Vec<u8>, CidError> {
		let mut out = Vec::with_capacity(text.len() * 5 / 8);
		let (mut buffer, mut bits) = (0u32, 0u32);
		for c in text {
			let c = if upper {
				if c.is_ascii_lowercase() {
					return Err(CidError::InvalidEncoding);
				}
				c.to_ascii_lowercase()
			} else {
				*c
			};
			let value = match c {
				b'a'..=b'z' => c - b'a',
				b'2'..=b'7' => c - b'2' + 26,
				_ => return Err(CidError::InvalidEncoding),
			};
			buffer = (buffer << 5) | u32::from(value);
			bits += 5;
			if bits >= 8 {
				bits -= 8;
				out.push((buffer >> bits) as u8);
				buffer &= (1 << bits) - 1;
			}
		}
		// Leftover bits must be padding zeros, fewer than one symbol's worth.
		if bits >= 5 || buffer != 0 {
			return Err(CidError::InvalidEncoding);
		}
		Ok(out)
	}

	pub fn encode(bytes: &[u8]) -> String {
		let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
		let (mut buffer, mut bits) = (0u32, 0u32);
		for byte in bytes {
			buffer = (buffer << 8) | u32::from(*byte);
			bits += 8;
			while bits >= 5 {
				bits -= 5;
				out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
			}
			buffer &= (1 << bits) - 1;
		}
		if bits > 0 {
			out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
		}
		out
	}
}

mod base16 {
	use super::CidError;
	use alloc::vec::Vec;

	pub fn decode(text: &[u8], upper: bool) -> Result<Vec<u8>, CidError> {
		if !text.len().is_multiple_of(2) {
			return Err(CidError::InvalidEncoding);
		}
		let nibble = |c: u8| -> Result<u8, CidError> {
			match c {
				b'0'..=b'9' => Ok(c - b'0'),
				b'a'..=b'f' if !upper => Ok(c - b'a' + 10),
				b'A'..=b'F' if upper => Ok(c - b'A' + 10),
				_ => Err(CidError::InvalidEncoding),
			}
		};
		text.chunks(2)
			.map(|pair| Ok((nibble(pair[0])? << 4) | nibble(pair[1])?))
			.collect()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const V0: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
	const V1_RAW: &str = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

	#[test]
	fn parses_cid_v0_and_round_trips() {
		let cid = Cid::parse(V0.as_bytes()).expect("valid v0");
		assert_eq!(cid.version, CidVersion::V0);
		assert_eq!(cid.codec, Codec::DagPb);
		assert_eq!(cid.hash, HashAlg::Sha2_256);
		assert_eq!(cid.to_text(), V0);
	}

	#[test]
	fn parses_cid_v1_in_every_supported_multibase() {
		let cid = Cid::parse(V1_RAW.as_bytes()).expect("valid v1");
		assert_eq!(
			(cid.version, cid.codec, cid.hash),
			(CidVersion::V1, Codec::Raw, HashAlg::Sha2_256)
		);
		assert_eq!(cid.to_text(), V1_RAW);
		let reference = cid::Cid::try_from(V1_RAW).expect("reference parser accepts it");
		for base in [
			cid::multibase::Base::Base32Upper,
			cid::multibase::Base::Base58Btc,
			cid::multibase::Base::Base16Lower,
			cid::multibase::Base::Base16Upper,
		] {
			let text = reference.to_string_of_base(base).expect("v1 encodes in any base");
			assert_eq!(Cid::parse(text.as_bytes()), Ok(cid.clone()), "{text}");
		}
	}

	#[test]
	fn refuses_malformed_cids_with_their_own_error() {
		let cases: &[(&[u8], CidError)] = &[
			(b"", CidError::Empty),
			(&[b'b'; 129], CidError::TooLong),
			(b"mAXASIA", CidError::UnsupportedMultibase),
			(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0", CidError::InvalidEncoding),
			(
				b"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52z1",
				CidError::InvalidEncoding,
			),
			(b"f02551220", CidError::UnsupportedVersion),
			(b"f01ff01", CidError::UnsupportedCodec),
			(b"f015500036869", CidError::IdentityHash),
			(b"f0155991400", CidError::UnsupportedHash),
			(b"f01551202abcd", CidError::DigestLength),
			(b"f0180", CidError::InvalidVarint),
			(b"f018000", CidError::InvalidVarint),
		];
		for (text, error) in cases {
			assert_eq!(Cid::parse(text), Err(*error), "{}", String::from_utf8_lossy(text));
		}
		let mut trailing = Cid::parse(V1_RAW.as_bytes()).expect("valid").to_bytes();
		trailing.push(0);
		let text = alloc::format!("f{}", hex(&trailing));
		assert_eq!(Cid::parse(text.as_bytes()), Err(CidError::TrailingBytes));
	}

	fn hex(bytes: &[u8]) -> String {
		bytes.iter().map(|b| alloc::format!("{b:02x}")).collect()
	}

	fn reference_cid(version: u8, codec: u64, hash: u64, digest: &[u8]) -> cid::Cid {
		let mh = cid::multihash::Multihash::<64>::wrap(hash, digest).expect("digest fits");
		match version {
			0 => cid::Cid::new_v0(mh).expect("sha2-256 v0"),
			_ => cid::Cid::new_v1(codec, mh),
		}
	}

	proptest! {
		/// The `cid` crate, an independent implementation, agrees with ours on every CID we
		/// accept: same text, same bytes.
		#[test]
		fn agrees_with_the_reference_implementation(
			v1 in any::<bool>(),
			codec in prop::sample::select(vec![0x55u64, 0x70, 0x71, 0x0129]),
			hash in prop::sample::select(vec![(0x12u64, 32usize), (0x13, 64), (0x16, 32), (0x1e, 32), (0xb220, 32)]),
			seed in prop::collection::vec(any::<u8>(), 64),
		) {
			let (code, len) = if v1 { hash } else { (0x12, 32) };
			let reference = reference_cid(v1 as u8, codec, code, &seed[..len]);
			let text = reference.to_string();
			let ours = Cid::parse(text.as_bytes()).expect("reference CIDs parse");
			prop_assert_eq!(ours.to_text(), text);
			prop_assert_eq!(ours.to_bytes(), reference.to_bytes());
		}

		/// Arbitrary text never panics the parser.
		#[test]
		fn never_panics(text in prop::collection::vec(any::<u8>(), 0..140)) {
			let _ = Cid::parse(&text);
		}
	}
}
