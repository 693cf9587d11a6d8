//! # MedFed primitives
//!
//! Types shared by the MedFed pallets, runtimes and the `ehr` client, and the runtime APIs
//! through which clients read chain state without decoding raw storage.
//!
//! - [`cid`]: IPFS content identifiers, parsed and validated (CIDv0 and CIDv1).
//! - [`fhir`]: FHIR R4 resource type names.
//! - [`umbral`]: Umbral public keys and capsules, checked to be curve points, and wrapped
//!   document keys.
//! - [`envelope`]: the record envelope: documents encrypted under a per-record document key,
//!   that key encrypted to a patient's Umbral key.
//! - [`access`]: sizes of the sharing protocol's messages (encrypted key fragments, capsule
//!   fragments).
//! - Record and institution metadata as the runtime APIs return them.
//! - [`coordinator`]: the coordinator's calls that regions send over XCM, encoded as the
//!   coordinator's runtime decodes them.
//!
//! Nothing here holds plaintext health data or secret key material.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod access;
pub mod cid;
pub mod coordinator;
pub mod envelope;
pub mod fhir;
pub mod query;
pub mod umbral;

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};

use scale_info::TypeInfo;

pub use crate::{
	cid::{Cid, CidError},
	fhir::ResourceType,
	umbral::{Capsule, KeyError, PublicKey, WrappedKey},
};

/// Identifies a record within its region; assigned in order from 0.
pub type RecordId = u64;

/// A para id: how the relay chain names a parachain (a region, the coordinator). The same
/// number as cumulus' `ParaId`, kept as a plain `u32` in MedFed's storage and messages.
pub type ParaId = u32;

/// SHA-256 digest of a record's ciphertext, as stored on IPFS.
pub type CiphertextHash = [u8; 32];

/// What an institution is within its region.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Role {
	/// Governs the region's membership, runs a collator, an IPFS node and a re-encryption
	/// proxy. Carries an Umbral public key.
	Authority,
	/// A hospital.
	Hospital,
	/// A clinic or practice.
	Clinic,
	/// A laboratory.
	Lab,
}

/// Whether an institution is a member now.
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
pub enum MembershipStatus<BlockNumber> {
	/// A member since the given block.
	Active { since: BlockNumber },
	/// Removed at the given block; its records stay, it can register no more.
	Removed { at: BlockNumber },
}

/// An institution as the institutions runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct InstitutionInfo<AccountId, BlockNumber> {
	/// The institution's account.
	pub account: AccountId,
	/// Its role in the region.
	pub role: Role,
	/// Its display name, UTF-8.
	pub name: Vec<u8>,
	/// The Umbral public key it uses as a re-encryption proxy (authorities only).
	pub proxy_key: Option<PublicKey>,
	/// Member now, or removed.
	pub status: MembershipStatus<BlockNumber>,
}

/// A patient known to the region: the Umbral public key records are encrypted to.
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
pub struct Patient<BlockNumber> {
	/// The patient's Umbral public key.
	pub key: PublicKey,
	/// When the patient registered.
	pub registered_at: BlockNumber,
	/// How many records the region holds for the patient.
	pub record_count: u32,
}

/// Metadata of one encrypted record. The document itself is on IPFS, encrypted to the
/// patient's key; nothing here reveals its content.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Record<AccountId, BlockNumber> {
	/// Whose record it is.
	pub patient: AccountId,
	/// The member institution that registered it.
	pub issuer: AccountId,
	/// FHIR resource type of the document.
	pub resource_type: ResourceType,
	/// Where the ciphertext is on IPFS.
	pub cid: Cid,
	/// SHA-256 of the ciphertext, checked by readers before decrypting.
	pub ciphertext_hash: CiphertextHash,
	/// Umbral capsule of the patient's key to the document key.
	pub capsule: Capsule,
	/// The record's document key, encrypted under the key the capsule encapsulates (the
	/// envelope's first layer; the document is encrypted under the document key on IPFS).
	pub wrapped_key: WrappedKey,
	/// Size of the ciphertext in bytes.
	pub size: u64,
	/// Block in which it was registered.
	pub created_at: BlockNumber,
	/// The earlier version this record corrects, if any.
	pub supersedes: Option<RecordId>,
}

/// A record with its id and, if it has been corrected, the id of its correction.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct RecordInfo<AccountId, BlockNumber> {
	/// The record's id.
	pub id: RecordId,
	/// Its metadata.
	pub record: Record<AccountId, BlockNumber>,
	/// The record that corrects this one, if any.
	pub superseded_by: Option<RecordId>,
	/// When the region's authorities voided it, if they did: a voided record is never served.
	pub voided_at: Option<BlockNumber>,
}

/// One page of a list of records.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct RecordPage<AccountId, BlockNumber> {
	/// How many records the whole list holds.
	pub total: u32,
	/// The records of this page, in the list's order.
	pub records: Vec<RecordInfo<AccountId, BlockNumber>>,
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Read access to a region's records and patients.
	pub trait RecordsApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// One record by id.
		fn record(id: RecordId) -> Option<RecordInfo<AccountId, BlockNumber>>;
		/// A patient's records in the order they were registered: at most `limit` (capped by
		/// the runtime) from the `start`-th on.
		fn records_of_patient(
			patient: AccountId,
			start: u32,
			limit: u32,
		) -> RecordPage<AccountId, BlockNumber>;
		/// The records an institution registered, paged like `records_of_patient`.
		fn records_of_institution(
			institution: AccountId,
			start: u32,
			limit: u32,
		) -> RecordPage<AccountId, BlockNumber>;
		/// A registered patient.
		fn patient(patient: AccountId) -> Option<Patient<BlockNumber>>;
	}

	/// Read access to a region's member institutions.
	pub trait InstitutionsApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// One institution, member or removed.
		fn institution(account: AccountId) -> Option<InstitutionInfo<AccountId, BlockNumber>>;
		/// Every institution the region has known, member or removed.
		fn institutions() -> Vec<InstitutionInfo<AccountId, BlockNumber>>;
	}

	/// Read access to where records are pinned.
	pub trait PinningApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// For each active authority, the state of its IPFS node's pin of record `id`: pending,
		/// pinned (and when) or unpinnable (why, and when it was reported).
		fn pin_status(id: RecordId) -> Vec<(AccountId, PinState<BlockNumber>)>;
		/// How many records an authority has yet to pin (those at or above its cursor).
		fn pending_pins(authority: AccountId) -> u64;
	}

	/// Read access to the coordinator's patient directory.
	pub trait DirectoryApi<AccountId>
	where
		AccountId: Codec,
	{
		/// The para ids of the regions that hold records of `patient`, in the order they
		/// announced the patient.
		fn regions_of(patient: AccountId) -> Vec<ParaId>;
		/// Every region of the federation: para id and name (UTF-8).
		fn regions() -> Vec<(ParaId, Vec<u8>)>;
	}
}

/// Told when a patient's first record in the region has been registered, so that the region
/// can announce the patient to the coordinator's directory.
pub trait OnFirstRecord<AccountId> {
	/// `patient`'s first record in this region was registered. Must not fail the registration:
	/// an announcement that cannot be made now is kept and made later.
	fn on_first_record(patient: &AccountId);

	/// The most `on_first_record` can weigh.
	fn weight() -> polkadot_sdk::sp_runtime::Weight;
}

impl<AccountId> OnFirstRecord<AccountId> for () {
	fn on_first_record(_: &AccountId) {}

	fn weight() -> polkadot_sdk::sp_runtime::Weight {
		polkadot_sdk::sp_runtime::Weight::zero()
	}
}

/// Why an account may not act as a member institution.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MembershipError {
	/// The account was never admitted.
	NotMember,
	/// The account was admitted and has since been removed.
	Removed,
}

/// What other pallets may read of the region's records.
pub trait RecordsInspect {
	/// Every record id below this one has been assigned.
	fn next_record_id() -> RecordId;

	/// The IPFS CID of record `id`'s ciphertext, and its size in bytes.
	fn content(id: RecordId) -> Option<(Cid, u64)>;
}

/// Why an authority's IPFS node could not pin a record. Reported once per record and
/// authority; the authority's worker keeps retrying off chain, and a later pin clears it.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Unpinnable {
	/// The IPFS node answered but could not fetch the content in time: no node it reaches
	/// serves that CID.
	NotFound,
	/// The content under the CID is not as large as the record says: `found` bytes.
	WrongSize {
		/// The size the IPFS node found.
		found: u64,
	},
	/// The IPFS node refused the pin with an error, or pinned something else.
	Refused,
}

/// One authority's pin of one record.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub enum PinState<BlockNumber> {
	/// Not pinned yet, and not reported unpinnable.
	Pending,
	/// Pinned, as reported in block `at`.
	Pinned {
		/// The block the pin was reported in.
		at: BlockNumber,
	},
	/// Reported unpinnable in block `at`, for `reason`.
	Unpinnable {
		/// Why the authority's IPFS node could not pin it.
		reason: Unpinnable,
		/// The block the failure was reported in.
		at: BlockNumber,
	},
}

/// What other pallets may ask about the region's member institutions.
pub trait Membership<AccountId> {
	/// The role of `who` if it is a member now, or why it is not.
	fn active_role(who: &AccountId) -> Result<Role, MembershipError>;

	/// The active authority institutions, sorted.
	fn authorities() -> Vec<AccountId>;

	/// Makes `who` a member with `role`, for benchmarks of pallets that need one.
	#[cfg(feature = "runtime-benchmarks")]
	fn admit_for_benchmarks(who: &AccountId, role: Role);
}
