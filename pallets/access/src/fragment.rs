//! Capsule fragments as the runtime reads them, to judge a grantee's complaint.
//!
//! A proxy submits umbral-pre's own encoding of its `CapsuleFrag` (`DefaultSerialize::to_bytes`):
//! rmp-serde's compact MessagePack, structs as arrays and byte strings as `bin 8`. rmp-serde
//! needs `std`, which the runtime does not have, so this module reads that one layout itself
//! ([`decode`]) and hands the fields to umbral-pre's serde `Deserialize`, which checks every
//! point, scalar and signature as `CapsuleFrag::from_bytes` does. It is stricter than
//! rmp-serde: anything but exactly the encoding umbral-pre writes (another MessagePack form of
//! the same fields, bytes after it) is malformed. That is never an honest proxy's fragment, and
//! whatever this module accepts, the grantee's `CapsuleFrag::from_bytes` accepts too.

use alloc::vec::Vec;
use medfed_primitives::{Capsule, PublicKey};
use serde::{
	de::{value::Error, IntoDeserializer, Visitor},
	forward_to_deserialize_any, Deserialize, Deserializer,
};

/// The lengths of a capsule fragment's fields, in umbral-pre's order (that of
/// `CapsuleFrag::to_bytes_simple`): `e1`, `v1` (points), the key fragment's id, the precursor
/// (a point), then its proof, a struct of its own: `e2`, `v2`, the key fragment's commitment
/// and proof of knowledge (points), a scalar and the key fragment's signature (`r ‖ s`).
const FIELDS: [usize; 10] = [33, 33, 32, 33, 33, 33, 33, 33, 32, 64];

/// How many of [`FIELDS`] the outer struct holds before the proof.
const OUTER: usize = 4;

/// MessagePack: an array of at most 15 elements is `0x90 | n`.
const FIXARRAY: u8 = 0x90;

/// MessagePack: a byte string of fewer than 256 bytes is `0xc4`, its length, its bytes.
const BIN8: u8 = 0xc4;

/// The length of a capsule fragment in umbral-pre's encoding: 381 bytes.
pub const ENCODED_LEN: usize = 2 + 2 * FIELDS.len() + {
	let mut sum = 0;
	let mut i = 0;
	while i < FIELDS.len() {
		sum += FIELDS[i];
		i += 1;
	}
	sum
};

/// What a complaint finds of a stored capsule fragment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
	/// It is a correct re-encryption of the grant's capsule for the grantee, by a key fragment
	/// the grant's verifying key signed.
	Valid,
	/// It is not a capsule fragment in umbral-pre's encoding.
	Malformed,
	/// It is one, but not a correct re-encryption of this capsule for this grantee under this
	/// grant (or the capsule itself fails umbral-pre's check, which no honest proxy re-encrypts).
	Invalid,
}

/// The fields of a capsule fragment as serde sees them: byte strings, and the proof's struct.
enum Node<'a> {
	Bytes(&'a [u8]),
	Struct(Vec<Node<'a>>),
}

impl<'de> Deserializer<'de> for Node<'de> {
	type Error = Error;

	fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
		match self {
			Node::Bytes(bytes) => visitor.visit_borrowed_bytes(bytes),
			Node::Struct(fields) =>
				visitor.visit_seq(serde::de::value::SeqDeserializer::new(fields.into_iter())),
		}
	}

	/// Binary, like MessagePack: umbral-pre then reads its points, scalars and signatures as
	/// byte strings.
	fn is_human_readable(&self) -> bool {
		false
	}

	forward_to_deserialize_any! {
		bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
		option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
		identifier ignored_any
	}
}

impl<'de> IntoDeserializer<'de, Error> for Node<'de> {
	type Deserializer = Self;

	fn into_deserializer(self) -> Self {
		self
	}
}

/// Takes `byte` off the front of `rest`.
fn take_byte(rest: &mut &[u8], byte: u8) -> Option<()> {
	let (first, tail) = rest.split_first()?;
	(*first == byte).then(|| *rest = tail)
}

/// Takes a `bin 8` byte string of exactly `len` bytes off the front of `rest`.
fn take_bin<'a>(rest: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
	take_byte(rest, BIN8)?;
	take_byte(rest, u8::try_from(len).ok()?)?;
	if rest.len() < len {
		return None;
	}
	let (bytes, tail) = rest.split_at(len);
	*rest = tail;
	Some(bytes)
}

/// Reads a capsule fragment in umbral-pre's encoding, checking its points, scalar and signature
/// encodings; `None` if it is anything else.
pub fn decode(bytes: &[u8]) -> Option<umbral_pre::CapsuleFrag> {
	let mut rest = bytes;
	take_byte(&mut rest, FIXARRAY | (OUTER as u8 + 1))?;
	let mut outer = Vec::with_capacity(OUTER + 1);
	for len in &FIELDS[..OUTER] {
		outer.push(Node::Bytes(take_bin(&mut rest, *len)?));
	}
	take_byte(&mut rest, FIXARRAY | (FIELDS.len() - OUTER) as u8)?;
	let mut proof = Vec::with_capacity(FIELDS.len() - OUTER);
	for len in &FIELDS[OUTER..] {
		proof.push(Node::Bytes(take_bin(&mut rest, *len)?));
	}
	if !rest.is_empty() {
		return None;
	}
	outer.push(Node::Struct(proof));
	umbral_pre::CapsuleFrag::deserialize(Node::Struct(outer)).ok()
}

/// Writes a capsule fragment in umbral-pre's encoding (what `to_bytes` gives), from its simple
/// layout: for benchmarks, which run where rmp-serde does not.
pub fn encode(cfrag: &umbral_pre::CapsuleFrag) -> Vec<u8> {
	let simple = cfrag.to_bytes_simple();
	let mut out = Vec::with_capacity(ENCODED_LEN);
	out.push(FIXARRAY | (OUTER as u8 + 1));
	let mut at = 0;
	for (i, len) in FIELDS.iter().enumerate() {
		if i == OUTER {
			out.push(FIXARRAY | (FIELDS.len() - OUTER) as u8);
		}
		out.push(BIN8);
		out.push(*len as u8);
		out.extend_from_slice(simple.get(at..at + len).unwrap_or_default());
		at += len;
	}
	out
}

/// Judges the capsule fragment `bytes` against what the chain holds of the grant: the record's
/// capsule as wrapped to the grant, the grant's verifying and delegating keys, and the key the
/// grantee received it with. The keys were checked to be curve points when they were stored;
/// `Err` if one is not all the same, which is no proxy's fault.
pub fn judge(
	bytes: &[u8],
	capsule: &Capsule,
	verifying: &PublicKey,
	delegating: &PublicKey,
	receiving: &PublicKey,
) -> Result<Verdict, ()> {
	let verifying = verifying.to_umbral().map_err(|_| ())?;
	let delegating = delegating.to_umbral().map_err(|_| ())?;
	let receiving = receiving.to_umbral().map_err(|_| ())?;
	let Some(cfrag) = decode(bytes) else { return Ok(Verdict::Malformed) };
	let Ok(capsule) = capsule.to_umbral() else { return Ok(Verdict::Invalid) };
	Ok(match cfrag.verify(&capsule, &verifying, &delegating, &receiving) {
		Ok(_) => Verdict::Valid,
		Err(_) => Verdict::Invalid,
	})
}
