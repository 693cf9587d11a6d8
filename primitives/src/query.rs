//! Cross-region queries: the messages that carry a query from the asking region through the
//! coordinator to the regions that hold the patient's records, and their answers back.
//!
//! ```text
//! region A                       coordinator                      region B
//!  Federation::query ──route_query──▶ Directory::route_query
//!                    ◀─query_routed──              ──serve_query──▶ Federation::serve_query
//!  Federation::take_answer ◀───────────────────answer──────────────────┘
//! ```
//!
//! Every hop is an XCM `Transact` over HRMP with `OriginKind::Xcm`, after an `UnpaidExecution`
//! bounded by [`QUERY_WEIGHT_LIMIT`]. A region cannot name another runtime's `RuntimeCall`, so
//! the calls are encoded here as their pallets decode them (pallet index, call index,
//! arguments); the runtimes' tests check their own `RuntimeCall`s encode to the same bytes.
//!
//! The coordinator sees a query's id, the patient's and the requester's accounts and the
//! asking region: whom to forward to, and on whose behalf. Answers go straight from the
//! answering region to the asking one, so no record metadata passes through the coordinator.

use crate::{
	access::CAPSULE_FRAGMENT_MAX_LEN,
	umbral::{Capsule, PublicKey, WrappedKey},
	Cid, ParaId, RecordId, ResourceType,
};
use alloc::{vec, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_runtime::{traits::ConstU32, BoundedVec},
	staging_xcm::latest::{prelude::*, send_xcm, XcmHash},
};
use scale_info::TypeInfo;

/// The one program shape MedFed's chains send each other (announcements and query messages
/// alike): unpaid execution within `(ref_time, proof_size)`, then `call` with the sender's own
/// XCM origin. The receivers' barriers accept this shape and nothing else.
pub fn program((ref_time, proof_size): (u64, u64), call: Vec<u8>) -> Xcm<()> {
	Xcm(vec![
		UnpaidExecution {
			weight_limit: Limited(Weight::from_parts(ref_time, proof_size)),
			check_origin: None,
		},
		Transact { origin_kind: OriginKind::Xcm, fallback_max_weight: None, call: call.into() },
	])
}

/// Sends `call` to sibling parachain `para` through `Router`, as [`program`] within `limit`;
/// returns the message's id.
pub fn send_to_sibling<Router: SendXcm>(
	para: ParaId,
	limit: (u64, u64),
	call: Vec<u8>,
) -> Result<XcmHash, SendError> {
	send_xcm::<Router>(Location::new(1, [Parachain(para)]), program(limit, call)).map(|(id, _)| id)
}

/// The federation pallet's index in the region runtime.
pub const FEDERATION_PALLET_INDEX: u8 = 53;
/// `serve_query`'s call index in the federation pallet.
pub const SERVE_QUERY_CALL_INDEX: u8 = 3;
/// `query_routed`'s call index in the federation pallet.
pub const QUERY_ROUTED_CALL_INDEX: u8 = 4;
/// `take_answer`'s call index in the federation pallet.
pub const TAKE_ANSWER_CALL_INDEX: u8 = 5;
/// `route_query`'s call index in the coordinator's directory pallet.
pub const ROUTE_QUERY_CALL_INDEX: u8 = 3;

/// The weight limit of every query message, `(ref_time, proof_size)`: what the sender puts in
/// its `UnpaidExecution`, and the most a receiver executes unpaid for one. Above what the
/// receivers' weighers give the heaviest program (an answer page of
/// [`MAX_RECORDS_PER_PAGE`] records, or a query served from [`MAX_ANSWER_RECORDS`] records).
pub const QUERY_WEIGHT_LIMIT: (u64, u64) = (20_000_000_000, 1024 * 1024);

/// Most records one region answers one query with. More are truncated (the answer says so).
pub const MAX_ANSWER_RECORDS: u32 = 128;

/// Most records in one answer message: an answer of more is sent in pages, so that every
/// message fits the smallest HRMP channel the federation opens (8 KiB).
pub const MAX_RECORDS_PER_PAGE: u32 = 32;

/// Most regions a query can be forwarded to (the coordinator's `MaxRegions`).
pub const MAX_QUERY_REGIONS: u32 = 64;

/// Most records one read answers with: a grant's first this many unvoided records (the
/// region runtime's `MaxRecordsPerRequest`).
pub const MAX_READ_RECORDS: u32 = 16;

/// Most capsule fragments one record of a read carries. A grant whose threshold is higher
/// cannot be read from another region.
pub const MAX_READ_FRAGMENTS: u32 = 12;

/// A query's id: the asking region and the query's number there.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct QueryId {
	/// The region that asked.
	pub region: ParaId,
	/// The query's number in that region, from 0.
	pub nonce: u64,
}

/// What a query asks for.
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
pub enum QueryKind {
	/// The metadata of the patient's records the requester may read under the patient's live
	/// grants in each region.
	Records,
	/// The records that grant `grant` of region `region` shares with the requester, to read:
	/// each with its metadata, its envelope as wrapped to the grant, and the capsule fragments
	/// of the grant's proxies there. Forwarded to `region` only.
	Read {
		/// The region that holds the grant.
		region: ParaId,
		/// The grant's id in that region.
		grant: u64,
	},
}

impl QueryKind {
	/// Whether the coordinator forwards a query of this kind to `region`, one of the regions
	/// that hold records of the patient.
	pub fn is_for(&self, region: ParaId) -> bool {
		match self {
			QueryKind::Records => true,
			QueryKind::Read { region: held_in, .. } => *held_in == region,
		}
	}
}

/// One record a requester may read, as an answer carries it: metadata only.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct SharedRecord {
	/// The record's id in its region.
	pub id: RecordId,
	/// The grant that lets the requester read it (an access grant id of that region).
	pub grant: u64,
	/// Its FHIR resource type.
	pub resource_type: ResourceType,
	/// Where its ciphertext is on IPFS.
	pub cid: Cid,
	/// Size of the ciphertext in bytes.
	pub size: u64,
	/// The region's block it was registered in.
	pub created_at: u32,
}

/// A capsule fragment as a read carries it: umbral-pre's MessagePack encoding.
pub type CapsuleFragment = BoundedVec<u8, ConstU32<{ CAPSULE_FRAGMENT_MAX_LEN as u32 }>>;

/// The grant a read is under, as the requester needs it to verify and open capsule fragments.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct ReadGrant {
	/// The grant's id in the answering region.
	pub id: u64,
	/// The access request the answering region opened for the read: the fragments are its.
	pub request: u64,
	/// How many capsule fragments open a record.
	pub threshold: u8,
	/// The grant's delegating key: the envelopes are wrapped to it.
	pub delegating_key: PublicKey,
	/// The key the patient signed the grant's key fragments with.
	pub verifying_key: PublicKey,
	/// The requester's key the grant re-encrypts to.
	pub grantee_key: PublicKey,
}

/// One record of a read: its metadata, its envelope as wrapped to the grant, and the capsule
/// fragments its proxies issued, by the proxy's position in the grant.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct ReadRecord {
	/// The record's metadata.
	pub record: SharedRecord,
	/// SHA-256 of the ciphertext on IPFS.
	pub ciphertext_hash: [u8; 32],
	/// The capsule of the document key under the grant's delegating key.
	pub capsule: Capsule,
	/// The document key, encrypted under that capsule.
	pub wrapped_key: WrappedKey,
	/// (proxy position in the grant, capsule fragment), in position order.
	pub fragments: BoundedVec<(u8, CapsuleFragment), ConstU32<MAX_READ_FRAGMENTS>>,
}

/// One page of a region's answer.
pub type AnswerPage = BoundedVec<SharedRecord, ConstU32<MAX_RECORDS_PER_PAGE>>;

/// What a region answers a query with.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Answer {
	/// Page `page` of `pages` of the records the requester may read here. `truncated`: more
	/// than [`MAX_ANSWER_RECORDS`] are readable, and only that many are answered.
	Records { page: u8, pages: u8, truncated: bool, records: AnswerPage },
	/// Record `index` of the `of` records a read answers with, under `grant`: one message
	/// each, sent once the read's access request is fulfilled there.
	Read { index: u8, of: u8, grant: ReadGrant, record: ReadRecord },
	/// The region holds records of the patient, but the requester holds no live grant there
	/// (for a read: the grant is not the requester's, is revoked or expired, shares no record,
	/// needs more fragments than a read carries, or was revoked before its proxies answered).
	Denied,
	/// The region holds no record of the patient (any more).
	NotFound,
}

/// How a query ended, in the asking region.
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
pub enum Outcome {
	/// Some region answered with records the requester may read: `records` in all.
	Answered { records: u32 },
	/// Regions hold records of the patient, but the requester may read none of them.
	Denied,
	/// No region of the federation holds records of the patient.
	NotFound,
	/// Not every region asked had answered by the deadline.
	TimedOut,
	/// The coordinator could not be sent the query (the asking region's own answer stays), or
	/// it could not reach a region that holds the patient's records and no region that
	/// answered served the requester.
	Failed(Failure),
}

/// Why a query failed.
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
pub enum Failure {
	/// The asking region could not send the query to the coordinator (no coordinator set, no
	/// channel, its queue full).
	CoordinatorUnreachable,
	/// The coordinator could not forward the query to a region that holds records (no channel,
	/// channel closed, message too large).
	RegionUnreachable,
}

/// The coordinator's `Directory::route_query { nonce, requester, patient, kind, deadline }`,
/// encoded: the sending region asks the regions that hold `patient`'s records.
pub fn route_query<AccountId: Encode>(
	nonce: u64,
	requester: &AccountId,
	patient: &AccountId,
	kind: QueryKind,
	deadline: u32,
) -> Vec<u8> {
	(
		crate::coordinator::DIRECTORY_PALLET_INDEX,
		ROUTE_QUERY_CALL_INDEX,
		nonce,
		requester,
		patient,
		kind,
		deadline,
	)
		.encode()
}

/// A region's `Federation::serve_query { query, requester, patient, kind, deadline }`, encoded:
/// the coordinator forwards a query.
pub fn serve_query<AccountId: Encode>(
	query: QueryId,
	requester: &AccountId,
	patient: &AccountId,
	kind: QueryKind,
	deadline: u32,
) -> Vec<u8> {
	(FEDERATION_PALLET_INDEX, SERVE_QUERY_CALL_INDEX, query, requester, patient, kind, deadline)
		.encode()
}

/// A region's `Federation::query_routed { nonce, asked, unreachable }`, encoded: the
/// coordinator tells the asking region which regions it forwarded query `nonce` to, and which
/// it could not reach.
pub fn query_routed(nonce: u64, asked: &[ParaId], unreachable: &[ParaId]) -> Vec<u8> {
	(FEDERATION_PALLET_INDEX, QUERY_ROUTED_CALL_INDEX, nonce, asked, unreachable).encode()
}

/// A region's `Federation::take_answer { nonce, answer }`, encoded: an answering region's
/// answer to the asking region's query `nonce`.
pub fn take_answer(nonce: u64, answer: &Answer) -> Vec<u8> {
	(FEDERATION_PALLET_INDEX, TAKE_ANSWER_CALL_INDEX, nonce, answer).encode()
}
