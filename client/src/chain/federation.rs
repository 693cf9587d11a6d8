//! What the region's federation pallet holds of the cross-region queries asked in the region, as
//! clients read it through its runtime API (`FederationApi`). The types decode the runtime's
//! SCALE encoding: a struct is its fields in order, a bounded list encodes as a list, and the
//! messages' own types (`QueryId`, `QueryKind`, `Outcome`, `SharedRecord`, and a read's
//! `ReadGrant` and `ReadRecord`) are the primitives' that the pallet uses.

use super::Chain;
use anyhow::{anyhow, Context as _, Result};
use codec::Decode;
pub use medfed_primitives::query::{
	Failure, Outcome, QueryId, QueryKind, ReadGrant, ReadRecord, SharedRecord,
};
use medfed_primitives::ParaId;
use subxt::{dynamic::Value, ext::scale_value::ValueDef, utils::AccountId32};

/// Where a query is (the pallet's `QueryState`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Decode)]
pub enum QueryState {
	/// Sent to the coordinator, which has not yet said where it forwarded the query.
	Routing,
	/// Forwarded; waiting for the answers of the regions asked.
	Waiting,
	/// Ended with `outcome`, at relay chain block `at`.
	Ended { outcome: Outcome, at: u32 },
}

/// A query asked in this region, as the pallet keeps it (`pallet_federation::Query`) and
/// `FederationApi_query` returns it: the pallet's fields, in its order.
#[derive(Clone, PartialEq, Eq, Debug, Decode)]
pub struct Query {
	/// Who asked.
	pub requester: AccountId32,
	/// Whose records.
	pub patient: AccountId32,
	/// What for.
	pub kind: QueryKind,
	/// The relay chain block by which every answer must have come.
	pub deadline: u32,
	/// Where the query is.
	pub state: QueryState,
	/// The regions the coordinator forwarded it to.
	pub asked: Vec<ParaId>,
	/// The regions asked that have answered in full.
	pub answered: Vec<ParaId>,
	/// The regions holding the patient's records that the coordinator could not reach.
	pub unreachable: Vec<ParaId>,
	/// Records answered so far, here and elsewhere.
	pub records: u32,
	/// Whether some region answered with the records the requester may read there, even none.
	pub served: bool,
	/// Whether some region holding records of the patient's refused the requester.
	pub denied: bool,
	/// What the requester has on hold for the query, in planck, until it is dismissed.
	pub deposit: u128,
	/// The regions that answered with a refusal (before the coordinator's word, any sibling).
	pub refused: Vec<ParaId>,
	/// The siblings that sent anything before the coordinator's word, kept until it comes.
	pub heard: Vec<ParaId>,
}

impl Query {
	/// How the query ended, and at which relay block; `None` while it is open.
	pub fn ended(&self) -> Option<(Outcome, u32)> {
		match self.state {
			QueryState::Ended { outcome, at } => Some((outcome, at)),
			QueryState::Routing | QueryState::Waiting => None,
		}
	}
}

/// One region's answer to a query, as the asking region keeps it (`pallet_federation::
/// RegionAnswer`).
#[derive(Clone, PartialEq, Eq, Debug, Decode)]
pub struct RegionAnswer {
	/// How many pages have come, in order.
	pub pages: u8,
	/// How many pages the answer has.
	pub of: u8,
	/// Whether the region had more records than it answered with.
	pub truncated: bool,
	/// The records, in the order the pages brought them.
	pub records: Vec<SharedRecord>,
}

/// Serialises a query id as `{"region": 2000, "nonce": 3}`: `QueryId` is a SCALE type only.
pub fn serialize_query_id<S: serde::Serializer>(id: &QueryId, s: S) -> Result<S::Ok, S::Error> {
	use serde::ser::SerializeStruct;
	let mut fields = s.serialize_struct("QueryId", 2)?;
	fields.serialize_field("region", &id.region)?;
	fields.serialize_field("nonce", &id.nonce)?;
	fields.end()
}

/// The first number in `value`, looking through newtypes (a `ParaId` is `Id(u32)`).
fn number(value: &Value) -> Option<u128> {
	match &value.value {
		ValueDef::Composite(c) => c.values().next().and_then(number),
		_ => value.as_u128(),
	}
}

impl Chain {
	/// Query `nonce` asked in this region, until its requester dismisses it.
	pub async fn query(&self, nonce: u64) -> Result<Option<Query>> {
		self.call("FederationApi_query", nonce).await
	}

	/// The answers to query `nonce` so far, by region; this region's own is under its own para
	/// id.
	pub async fn query_answers(&self, nonce: u64) -> Result<Vec<(ParaId, RegionAnswer)>> {
		self.call("FederationApi_answers", nonce).await
	}

	/// Read query `nonce`'s answer so far (`FederationApi_read`): the region that answers, the
	/// grant, and the records come, in order, each with its envelope and capsule fragments.
	/// `None` if the query is not a read or nothing has come. Not in [`Chain::query_answers`].
	pub async fn query_read(
		&self,
		nonce: u64,
	) -> Result<Option<(ParaId, ReadGrant, Vec<ReadRecord>)>> {
		self.call("FederationApi_read", nonce).await
	}

	/// The relay chain block the region last saw: the clock of query deadlines.
	pub async fn relay_block(&self) -> Result<u32> {
		self.call("FederationApi_relay_block", ()).await
	}

	/// The region's own para id (`ParachainInfo.ParachainId`): the region part of the ids of
	/// the queries asked here.
	pub async fn para_id(&self) -> Result<ParaId> {
		let at = self.at_reading_block().await?;
		let id = at
			.storage()
			.fetch(subxt::dynamic::storage::<(), Value>("ParachainInfo", "ParachainId"), ())
			.await
			.context("cannot read the region's para id")?
			.decode()?;
		number(&id)
			.and_then(|n| ParaId::try_from(n).ok())
			.ok_or_else(|| anyhow!("unexpected shape of ParachainInfo.ParachainId: {id:?}"))
	}

	/// What a query holds of its requester's until it is dismissed (`Federation.QueryDeposit`),
	/// in planck.
	pub async fn query_deposit(&self) -> Result<u128> {
		let at = self.at_reading_block().await?;
		let bytes = at
			.constants()
			.entry_bytes(subxt::dynamic::constant::<Value>("Federation", "QueryDeposit"))
			.context("the chain has no Federation.QueryDeposit: is it a region?")?;
		u128::decode(&mut &bytes[..]).context("cannot decode Federation.QueryDeposit")
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::{Compact, Encode};
	use medfed_primitives::{Cid, ResourceType};

	/// `pallet_federation::Query`'s encoding, written field by field in the pallet's order, of
	/// a metadata query.
	fn encoded_query(
		state: &[u8],
		asked: &[u32],
		answered: &[u32],
		unreachable: &[u32],
	) -> Vec<u8> {
		encoded_query_of(&[0], state, asked, answered, unreachable) // kind: Records
	}

	/// `pallet_federation::Query`'s encoding, of kind `kind` (encoded).
	fn encoded_query_of(
		kind: &[u8],
		state: &[u8],
		asked: &[u32],
		answered: &[u32],
		unreachable: &[u32],
	) -> Vec<u8> {
		let mut bytes = vec![1u8]; // `Some`
		bytes.extend([5u8; 32]); // requester
		bytes.extend([6u8; 32]); // patient
		bytes.extend(kind);
		bytes.extend(1_040u32.to_le_bytes()); // deadline
		bytes.extend(state);
		for list in [asked, answered, unreachable] {
			Compact(list.len() as u32).encode_to(&mut bytes);
			for para in list {
				bytes.extend(para.to_le_bytes());
			}
		}
		bytes.extend(5u32.to_le_bytes()); // records
		bytes.push(1); // served
		bytes.push(0); // denied
		bytes.extend(100_000_000_000u128.to_le_bytes()); // deposit
		Compact(1u32).encode_to(&mut bytes); // refused: one region
		bytes.extend(2002u32.to_le_bytes());
		Compact(0u32).encode_to(&mut bytes); // heard: none
		bytes
	}

	#[test]
	fn a_query_decodes_in_the_pallets_field_order() {
		// Ended { outcome: Answered { records: 5 }, at: 1_003 }.
		let mut ended = vec![2u8, 0];
		ended.extend(5u32.to_le_bytes());
		ended.extend(1_003u32.to_le_bytes());
		let bytes = encoded_query(&ended, &[2001, 2002], &[2001], &[2003]);
		let mut input = &bytes[..];
		let query = Option::<Query>::decode(&mut input).expect("decodes").expect("some");
		assert!(input.is_empty(), "every byte is read: the early senders are the last field");
		assert_eq!(
			query,
			Query {
				requester: AccountId32([5; 32]),
				patient: AccountId32([6; 32]),
				kind: QueryKind::Records,
				deadline: 1_040,
				state: QueryState::Ended { outcome: Outcome::Answered { records: 5 }, at: 1_003 },
				asked: vec![2001, 2002],
				answered: vec![2001],
				unreachable: vec![2003],
				records: 5,
				served: true,
				denied: false,
				deposit: 100_000_000_000,
				refused: vec![2002],
				heard: vec![],
			}
		);
		assert_eq!(query.ended(), Some((Outcome::Answered { records: 5 }, 1_003)));

		// The other states and outcomes keep their places: Waiting is 1; Failed is the fifth
		// outcome, RegionUnreachable the second failure.
		let waiting = Option::<Query>::decode(&mut &encoded_query(&[1], &[], &[], &[])[..])
			.expect("decodes")
			.expect("some");
		assert_eq!((waiting.state, waiting.ended()), (QueryState::Waiting, None));
		let mut failed = vec![2u8, 4, 1];
		failed.extend(9u32.to_le_bytes());
		let failed = Option::<Query>::decode(&mut &encoded_query(&failed, &[], &[], &[])[..])
			.expect("decodes")
			.expect("some");
		assert_eq!(failed.ended(), Some((Outcome::Failed(Failure::RegionUnreachable), 9)));
		assert_eq!(Option::<Query>::decode(&mut &[0u8][..]).expect("decodes"), None);
	}

	#[test]
	fn answers_decode_as_region_and_the_pallets_region_answer() {
		let record = SharedRecord {
			id: 3,
			grant: 0,
			resource_type: ResourceType::parse(b"Observation").expect("FHIR type"),
			cid: Cid::parse(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG").expect("CID"),
			size: 1_234,
			created_at: 12,
		};
		// A list of (para id, RegionAnswer { pages, of, truncated, records }).
		let mut bytes = Vec::new();
		Compact(1u32).encode_to(&mut bytes);
		bytes.extend(2001u32.to_le_bytes());
		bytes.extend([1u8, 2, 1]);
		vec![record.clone()].encode_to(&mut bytes);
		let mut input = &bytes[..];
		let answers = Vec::<(ParaId, RegionAnswer)>::decode(&mut input).expect("decodes");
		assert!(input.is_empty());
		assert_eq!(
			answers,
			vec![(2001, RegionAnswer { pages: 1, of: 2, truncated: true, records: vec![record] })]
		);
	}

	#[test]
	fn a_read_query_decodes_with_its_region_and_grant() {
		// QueryKind::Read { region: 2000, grant: 4 }: the second variant, then its fields.
		let mut kind = vec![1u8];
		kind.extend(2000u32.to_le_bytes());
		kind.extend(4u64.to_le_bytes());
		assert_eq!(QueryKind::Read { region: 2000, grant: 4 }.encode(), kind);
		// Ended { outcome: Answered { records: 1 }, at: 1_010 }.
		let mut ended = vec![2u8, 0];
		ended.extend(1u32.to_le_bytes());
		ended.extend(1_010u32.to_le_bytes());
		let bytes = encoded_query_of(&kind, &ended, &[2000], &[2000], &[]);
		let mut input = &bytes[..];
		let query = Option::<Query>::decode(&mut input).expect("decodes").expect("some");
		assert!(input.is_empty(), "every byte is read");
		assert_eq!(query.kind, QueryKind::Read { region: 2000, grant: 4 });
		assert_eq!(query.ended(), Some((Outcome::Answered { records: 1 }, 1_010)));
		assert_eq!((query.asked, query.answered), (vec![2000], vec![2000]));
	}

	#[test]
	fn a_read_answer_decodes_as_region_grant_and_records_with_their_fragments() {
		let shared = SharedRecord {
			id: 3,
			grant: 4,
			resource_type: ResourceType::parse(b"Bundle").expect("FHIR type"),
			cid: Cid::parse(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG").expect("CID"),
			size: 1_234,
			created_at: 12,
		};
		// `Option<(ParaId, ReadGrant, Vec<ReadRecord>)>`, written field by field in the
		// primitives' order.
		let mut bytes = vec![1u8]; // `Some`
		bytes.extend(2000u32.to_le_bytes()); // the region that answers
		bytes.extend(4u64.to_le_bytes()); // grant: id
		bytes.extend(7u64.to_le_bytes()); // request
		bytes.push(2); // threshold
		bytes.extend([2u8; 33]); // delegating key
		bytes.extend([3u8; 33]); // verifying key
		bytes.extend([4u8; 33]); // grantee key
		Compact(1u32).encode_to(&mut bytes); // one record
		shared.encode_to(&mut bytes); // its metadata
		bytes.extend([9u8; 32]); // ciphertext hash
		bytes.extend([10u8; 98]); // capsule
		bytes.extend([11u8; 72]); // wrapped key
		Compact(2u32).encode_to(&mut bytes); // two fragments: (position, bytes)
		for (position, len) in [(0u8, 5u32), (1, 3)] {
			bytes.push(position);
			Compact(len).encode_to(&mut bytes);
			bytes.extend(std::iter::repeat(position + 20).take(len as usize));
		}
		let mut input = &bytes[..];
		let (region, grant, records) =
			Option::<(ParaId, ReadGrant, Vec<ReadRecord>)>::decode(&mut input)
				.expect("decodes")
				.expect("some");
		assert!(input.is_empty(), "every byte is read: the fragments are the last field");
		assert_eq!(region, 2000);
		assert_eq!((grant.id, grant.request, grant.threshold), (4, 7, 2));
		assert_eq!(
			(grant.delegating_key.0, grant.verifying_key.0, grant.grantee_key.0),
			([2; 33], [3; 33], [4; 33])
		);
		assert_eq!(records.len(), 1);
		let record = &records[0];
		assert_eq!(record.record, shared);
		assert_eq!(record.ciphertext_hash, [9; 32]);
		assert_eq!((record.capsule.0, record.wrapped_key.0), ([10; 98], [11; 72]));
		let fragments: Vec<(u8, Vec<u8>)> =
			record.fragments.iter().map(|(p, f)| (*p, f.to_vec())).collect();
		assert_eq!(fragments, vec![(0, vec![20; 5]), (1, vec![21; 3])]);
		// Nothing has come, or the query is not a read.
		assert_eq!(
			Option::<(ParaId, ReadGrant, Vec<ReadRecord>)>::decode(&mut &[0u8][..])
				.expect("decodes"),
			None
		);
	}

	#[test]
	fn a_query_id_prints_as_region_and_nonce() {
		#[derive(serde::Serialize)]
		struct Holder(#[serde(serialize_with = "serialize_query_id")] QueryId);
		let json =
			serde_json::to_value(Holder(QueryId { region: 2000, nonce: 3 })).expect("serialises");
		assert_eq!(json, serde_json::json!({"region": 2000, "nonce": 3}));
	}
}
