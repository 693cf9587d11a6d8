//! The federation pallet's types: cross-region queries as the asking region keeps them, and
//! what the pallet needs of the region's records and grants.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use medfed_primitives::{
	coordinator::MAX_ANNOUNCEMENT_PATIENTS,
	query::{
		Outcome, QueryId, QueryKind, ReadGrant, ReadRecord, SharedRecord, MAX_ANSWER_RECORDS,
		MAX_QUERY_REGIONS,
	},
	ParaId,
};
use polkadot_sdk::frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// The regions of one query: those it was forwarded to, those that finished answering, those
/// the coordinator could not reach.
pub type QueryRegions = BoundedVec<ParaId, ConstU32<MAX_QUERY_REGIONS>>;

/// The records one region answered one query with.
pub type AnsweredRecords = BoundedVec<SharedRecord, ConstU32<MAX_ANSWER_RECORDS>>;

/// Where a query is.
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
pub enum QueryState {
	/// Sent to the coordinator, which has not yet said where it forwarded the query. Answers
	/// that come first are kept, and count once the coordinator names their region.
	Routing,
	/// Forwarded; waiting for the answers of the regions asked.
	Waiting,
	/// Ended, at this relay chain block.
	Ended { outcome: Outcome, at: u32 },
}

/// A query this region asked, as it keeps it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Query<AccountId, Balance> {
	/// Who asked.
	pub requester: AccountId,
	/// Whose records.
	pub patient: AccountId,
	/// What for.
	pub kind: QueryKind,
	/// The relay chain block by which every answer must have come.
	pub deadline: u32,
	/// Where the query is.
	pub state: QueryState,
	/// The regions the coordinator forwarded it to.
	pub asked: QueryRegions,
	/// The regions that have answered in full: before the coordinator's word, any sibling; after
	/// it, only regions it named.
	pub answered: QueryRegions,
	/// The regions holding the patient's records that the coordinator could not reach.
	pub unreachable: QueryRegions,
	/// Records answered so far, here and elsewhere.
	pub records: u32,
	/// Whether some region (this one included) answered with the records the requester may
	/// read there, even none.
	pub served: bool,
	/// Whether some region holding records of the patient's refused the requester: this one,
	/// or one the coordinator named.
	pub denied: bool,
	/// What the requester has on hold for the query and its answers.
	pub deposit: Balance,
	/// The regions that answered with a refusal, named by the coordinator or not yet.
	pub refused: QueryRegions,
	/// The siblings that sent anything before the coordinator's word: kept until it comes,
	/// then counted if it named them and dropped if not (all of them if the query ends first).
	pub heard: QueryRegions,
}

/// A region's answer as the asking region keeps it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct RegionAnswer {
	/// How many pages have come, in order.
	pub pages: u8,
	/// How many pages the answer has.
	pub of: u8,
	/// Whether the region had more records than it answered with.
	pub truncated: bool,
	/// The records, in the order the pages brought them.
	pub records: AnsweredRecords,
}

/// An announcement sent to the coordinator and not yet acknowledged: its patients, and the
/// relay chain block it was last sent in.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Announcement<AccountId> {
	/// The patients it announces.
	pub patients: BoundedVec<AccountId, ConstU32<MAX_ANNOUNCEMENT_PATIENTS>>,
	/// When it was last sent.
	pub sent_at: u32,
}

/// A read this region serves for another region's query, under the access request it opened.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct RemoteRead<AccountId> {
	/// The query.
	pub query: QueryId,
	/// Who asked.
	pub requester: AccountId,
	/// Whose records.
	pub patient: AccountId,
	/// The query's deadline, in relay chain blocks: past it the asking region ignores
	/// answers, so none is sent.
	pub deadline: u32,
}

/// A read's answer so far, in the asking region: the region and grant it reads, and how many
/// of its records have come ([`crate::ReadRecords`] holds them).
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct ReadAnswer {
	/// The region that answers.
	pub region: ParaId,
	/// The grant the records are read under.
	pub grant: ReadGrant,
	/// How many records the read answers with.
	pub of: u8,
	/// How many have come, in order.
	pub received: u8,
}

/// Why an answer was recorded and ignored.
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
pub enum Ignored {
	/// No such query was asked here.
	UnknownQuery,
	/// The query has ended (answered, timed out or failed) already.
	Late,
	/// The sender is not a region the query was forwarded to.
	NotAsked,
	/// The sender has answered in full already, or sent this page before.
	Duplicate,
	/// The page is not the next one, or the answer does not fit the bounds.
	Malformed,
	/// The coordinator said twice where it forwarded the query.
	AlreadyRouted,
}

/// What a region holds of a patient for a requester.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Shared {
	/// The region holds no record of the patient.
	NotHeld,
	/// The region holds records of the patient, and the requester may read none.
	Denied,
	/// The records the requester may read, at most the limit asked for; `truncated` if there
	/// are more.
	Records { records: Vec<SharedRecord>, truncated: bool },
}

/// What the audit trail of a patient records of a query.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QueryAudit {
	/// This region gave the requester the metadata of `records` records for `query`.
	Served { query: QueryId, records: u32 },
	/// This region refused `query`: no live grant to the requester.
	Denied { query: QueryId },
	/// Region `from`'s answer to `query`, `records` records, reached the requester here.
	Answered { query: QueryId, from: ParaId, records: u32 },
}

/// The region's records and grants, as the federation pallet reads them to answer queries.
pub trait Sharing<AccountId> {
	/// What `requester` may read of `patient`'s records here, at most `limit` records.
	fn shared(patient: &AccountId, requester: &AccountId, limit: u32) -> Shared;

	/// Appends `event`, done by `requester`, to `patient`'s audit trail.
	fn audit(patient: &AccountId, requester: &AccountId, event: QueryAudit);

	/// Opens `requester`'s access request for the records grant `grant` of `patient`'s shares
	/// (at most [`medfed_primitives::query::MAX_READ_RECORDS`], each to be opened with at most
	/// [`medfed_primitives::query::MAX_READ_FRAGMENTS`] fragments), for read `query`: the
	/// grant's proxies answer it as any request. Returns the request's id.
	fn open_read(
		patient: &AccountId,
		requester: &AccountId,
		grant: u64,
		query: QueryId,
	) -> Result<u64, ReadRefusal>;

	/// What fulfilled request `request` answers a read with: the grant's keys and its records,
	/// each with its envelope and at most [`medfed_primitives::query::MAX_READ_FRAGMENTS`]
	/// capsule fragments. `None` if the request is gone.
	fn read_answer(request: u64) -> Option<(ReadGrant, Vec<ReadRecord>)>;
}

/// Why a region opened no request for a read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReadRefusal {
	/// The region holds no record of the patient.
	NotHeld,
	/// The grant is not the requester's, not live, shares no readable record, needs more
	/// fragments than a read carries, or the region takes no more requests now.
	Denied,
}
