//! The access pallet's types: grants, requests, and the audit trail.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use medfed_primitives::{
	query::QueryId, Capsule, ParaId, PublicKey, RecordId, ResourceType, WrappedKey,
};
use polkadot_sdk::frame_support::{
	pallet_prelude::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

/// A grant's id, assigned in order from 0.
pub type GrantId = u64;
/// An access request's id, assigned in order from 0.
pub type RequestId = u64;

/// Which of the patient's records a grant opens.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxTypes, MaxRecords))]
pub enum Scope<MaxTypes: Get<u32>, MaxRecords: Get<u32>> {
	/// Every record of the patient's.
	All,
	/// The patient's records of these FHIR resource types.
	Types(BoundedVec<ResourceType, MaxTypes>),
	/// These records of the patient's.
	Records(BoundedVec<RecordId, MaxRecords>),
}

impl<MaxTypes: Get<u32>, MaxRecords: Get<u32>> Scope<MaxTypes, MaxRecords> {
	/// Whether a record with this id and resource type is in scope.
	pub fn covers(&self, id: RecordId, resource_type: &ResourceType) -> bool {
		match self {
			Self::All => true,
			Self::Types(types) => types.contains(resource_type),
			Self::Records(ids) => ids.contains(&id),
		}
	}
}

/// A record's document key wrapped to a grant's delegating key: the capsule the proxies
/// re-encrypt and the key ciphertext the grantee opens with their fragments.
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
pub struct GrantEnvelope {
	/// The Umbral capsule of the document key, under the grant's delegating key.
	pub capsule: Capsule,
	/// The document key, encrypted under that capsule.
	pub wrapped_key: WrappedKey,
}

/// A patient's grant of access to a grantee.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxProxies, MaxTypes, MaxRecords))]
pub struct Grant<
	AccountId: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
	MaxProxies: Get<u32>,
	MaxTypes: Get<u32>,
	MaxRecords: Get<u32>,
> {
	/// The patient whose records it opens.
	pub patient: AccountId,
	/// Who may read them.
	pub grantee: AccountId,
	/// The grantee's Umbral public key when the grant was made: the key fragments re-encrypt
	/// to it.
	pub grantee_key: PublicKey,
	/// Which records.
	pub scope: Scope<MaxTypes, MaxRecords>,
	/// How many of the proxies' capsule fragments open a record.
	pub threshold: u8,
	/// The proxies: the region's authority institutions when the grant was made, in the order
	/// of the encrypted key fragments.
	pub proxies: BoundedVec<AccountId, MaxProxies>,
	/// The patient's random salt; with the patient and the grantee it names the grant in the
	/// signatures binding each key fragment to it.
	pub salt: [u8; 32],
	/// The grant's own delegating public key: the patient's client wraps the in-scope
	/// records' document keys to it, and the key fragments re-encrypt from it.
	pub delegating_key: PublicKey,
	/// The Umbral verifying key the key fragments and their binding are signed with.
	pub verifying_key: PublicKey,
	/// When it was made.
	pub granted_at: BlockNumber,
	/// The first block at which it no longer opens anything.
	pub expires_at: BlockNumber,
	/// When the patient revoked it, if they did. Final.
	pub revoked_at: Option<BlockNumber>,
}

/// Why a request was denied.
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
pub enum Denial {
	/// The patient had revoked the grant.
	Revoked,
	/// The grant had expired.
	Expired,
	/// A requested record is outside the grant's scope, or not wrapped to the grant yet.
	OutOfScope,
	/// A requested record was voided by the region's authorities.
	Voided,
}

/// Where a request stands. Every request ends exactly once: fulfilled, denied or expired. A
/// fulfilment that an upheld complaint withdraws (a fragment among the threshold was wrong)
/// is no end: the request is open again until its deadline, then ends once.
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
pub enum RequestState<BlockNumber> {
	/// Waiting for the proxies' capsule fragments until its deadline.
	Open,
	/// Every requested record has a threshold of capsule fragments, since `at`. It stays so
	/// after its deadline even if a complaint then removes one of them.
	Fulfilled {
		/// The block the last needed fragment arrived in.
		at: BlockNumber,
	},
	/// Denied at `at`, for `reason`; no fragment is accepted for it.
	Denied {
		/// Why.
		reason: Denial,
		/// When.
		at: BlockNumber,
	},
	/// The deadline passed before enough fragments arrived.
	Expired {
		/// The deadline.
		at: BlockNumber,
	},
}

/// A grantee's request to read records under a grant.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxRecords, MaxPurposeLen))]
pub struct Request<
	AccountId: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxRecords: Get<u32>,
	MaxPurposeLen: Get<u32>,
> {
	/// The grant it is made under.
	pub grant: GrantId,
	/// The grantee who made it.
	pub requester: AccountId,
	/// The records asked for.
	pub records: BoundedVec<RecordId, MaxRecords>,
	/// Why (free text, UTF-8, for the audit trail: "normal care", "emergency", …).
	pub purpose: BoundedVec<u8, MaxPurposeLen>,
	/// When it was made.
	pub requested_at: BlockNumber,
	/// The block at which it expires unless fulfilled.
	pub deadline: BlockNumber,
	/// Where it stands.
	pub state: RequestState<BlockNumber>,
	/// What the requester holds for it now: the deposit held when it opened, until it first
	/// ends (fulfilled, denied or expired), then nothing. A request denied at once, or open
	/// again after an upheld complaint, holds nothing. The last field: the client's SCALE
	/// mirror (`client/src/chain/access.rs`) decodes it there.
	pub deposit: Balance,
}

/// What happened, in a patient's audit trail.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxRecords, MaxPurposeLen))]
pub enum AccessEvent<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxRecords: Get<u32>,
	MaxPurposeLen: Get<u32>,
> {
	/// The patient granted `grantee` access under grant `grant`.
	Granted {
		/// The grant.
		grant: GrantId,
		/// Who may read.
		grantee: AccountId,
	},
	/// The patient wrapped more records to grant `grant`.
	Extended {
		/// The grant.
		grant: GrantId,
		/// The records added.
		records: BoundedVec<RecordId, MaxRecords>,
	},
	/// The patient revoked grant `grant`.
	Revoked {
		/// The grant.
		grant: GrantId,
	},
	/// A grantee asked to read `records` under `grant`, for `purpose`.
	Requested {
		/// The request.
		request: RequestId,
		/// The grant.
		grant: GrantId,
		/// The records asked for.
		records: BoundedVec<RecordId, MaxRecords>,
		/// Why.
		purpose: BoundedVec<u8, MaxPurposeLen>,
	},
	/// Request `request` was denied.
	Denied {
		/// The request.
		request: RequestId,
		/// Why.
		reason: Denial,
	},
	/// The proxy of authority `proxy` issued capsule fragments for `records` of `request`.
	FragmentsIssued {
		/// The request.
		request: RequestId,
		/// The authority whose proxy re-encrypted.
		proxy: AccountId,
		/// The records it issued fragments for.
		records: BoundedVec<RecordId, MaxRecords>,
	},
	/// Request `request` has all the fragments it needs: the grantee can read.
	Fulfilled {
		/// The request.
		request: RequestId,
	},
	/// Request `request` reached its deadline unfulfilled.
	Expired {
		/// The request.
		request: RequestId,
	},
	/// The grantee's complaint against the capsule fragment that the proxy of authority `proxy`
	/// issued for `record` of `request` was upheld: the chain found it malformed or wrong and
	/// removed it, and that proxy issues no more for the request. `reopened`: the request was
	/// fulfilled, lacks a threshold of fragments for `record` now, and is open again until its
	/// deadline.
	ComplaintUpheld {
		/// The request.
		request: RequestId,
		/// The record the fragment was for.
		record: RecordId,
		/// The authority whose proxy issued it.
		proxy: AccountId,
		/// Whether the request went from fulfilled back to open.
		reopened: bool,
	},
	/// This region answered cross-region query `query` (asked in region `query.region`, by the
	/// entry's actor) with the metadata of `records` records the actor may read here.
	QueryServed {
		/// The query.
		query: QueryId,
		/// How many records' metadata the answer gave.
		records: u32,
	},
	/// This region refused cross-region query `query`: the actor holds no live grant here.
	QueryDenied {
		/// The query.
		query: QueryId,
	},
	/// The answer of region `from` to this region's query `query` reached the requester, the
	/// entry's actor: the metadata of `records` records the actor may read there.
	QueryAnswered {
		/// The query.
		query: QueryId,
		/// The region that answered.
		from: ParaId,
		/// How many records' metadata it gave.
		records: u32,
	},
}

/// One entry of a patient's audit trail: who did what, when, in which region.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxRecords, MaxPurposeLen))]
pub struct AuditEntry<
	AccountId: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
	MaxRecords: Get<u32>,
	MaxPurposeLen: Get<u32>,
> {
	/// The block it happened in.
	pub at: BlockNumber,
	/// Who acted: the patient, the grantee, or a proxy's authority.
	pub actor: AccountId,
	/// The region it happened in.
	pub region: ParaId,
	/// What happened.
	pub event: AccessEvent<AccountId, MaxRecords, MaxPurposeLen>,
}
