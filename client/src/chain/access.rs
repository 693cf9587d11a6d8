//! What the region's access pallet holds, as clients and proxies read it through its runtime
//! API (`AccessApi`). The types decode the runtime's SCALE encoding (a bounded list encodes as
//! a list) and print as JSON.

use super::{
	federation::{serialize_query_id, QueryId},
	Chain,
};
use anyhow::Result;
use codec::Decode;
use medfed_primitives::{Capsule, ParaId, PublicKey, RecordId, ResourceType, WrappedKey};
use serde::Serialize;
use subxt::utils::AccountId32;

/// A grant's id.
pub type GrantId = u64;
/// An access request's id.
pub type RequestId = u64;

/// Which of the patient's records a grant opens.
#[derive(Clone, PartialEq, Eq, Debug, Decode, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum Scope {
	/// Every record.
	All,
	/// Records of these FHIR resource types.
	Types(Vec<ResourceType>),
	/// These records.
	Records(Vec<RecordId>),
}

impl Scope {
	/// Whether a record with this id and type is in scope.
	pub fn covers(&self, id: RecordId, resource_type: &ResourceType) -> bool {
		match self {
			Scope::All => true,
			Scope::Types(types) => types.contains(resource_type),
			Scope::Records(ids) => ids.contains(&id),
		}
	}
}

/// A patient's grant, as the chain keeps it.
#[derive(Clone, PartialEq, Eq, Debug, Decode, Serialize)]
pub struct Grant {
	pub patient: AccountId32,
	pub grantee: AccountId32,
	/// The grantee's key the fragments re-encrypt to.
	pub grantee_key: PublicKey,
	pub scope: Scope,
	pub threshold: u8,
	/// The authorities whose proxies re-encrypt, in fragment order.
	pub proxies: Vec<AccountId32>,
	#[serde(with = "hex_bytes")]
	pub salt: [u8; 32],
	pub delegating_key: PublicKey,
	pub verifying_key: PublicKey,
	pub granted_at: u32,
	pub expires_at: u32,
	pub revoked_at: Option<u32>,
}

/// A record's document key wrapped to a grant.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Decode, Serialize)]
pub struct Envelope {
	#[serde(serialize_with = "hex_capsule")]
	pub capsule: Capsule,
	pub wrapped_key: WrappedKey,
}

/// Why a request was denied.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Decode, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Denial {
	Revoked,
	Expired,
	OutOfScope,
	Voided,
}

/// Where a request stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Decode, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum RequestState {
	Open,
	Fulfilled { at: u32 },
	Denied { reason: Denial, at: u32 },
	Expired { at: u32 },
}

/// A grantee's access request: the pallet's fields but the last, the deposit ([`RequestInfo`]
/// has it).
#[derive(Clone, PartialEq, Eq, Debug, Decode, Serialize)]
pub struct Request {
	pub grant: GrantId,
	pub requester: AccountId32,
	pub records: Vec<RecordId>,
	#[serde(serialize_with = "lossy_text")]
	pub purpose: Vec<u8>,
	pub requested_at: u32,
	pub deadline: u32,
	pub state: RequestState,
}

/// A request as the pallet stores it and `AccessApi_request` returns it: the fields of
/// [`Request`], then the deposit the requester holds for it (in planck; zero once it has
/// ended, when denied at once, or open again after an upheld complaint), the pallet's last
/// field. SCALE encodes a struct as its fields in order, so this is the pallet's layout.
#[derive(Clone, PartialEq, Eq, Debug, Decode)]
pub struct RequestInfo {
	pub request: Request,
	pub deposit: u128,
}

/// What happened, in a patient's audit trail.
#[derive(Clone, PartialEq, Eq, Debug, Decode, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum AccessEvent {
	Granted {
		grant: GrantId,
		grantee: AccountId32,
	},
	Extended {
		grant: GrantId,
		records: Vec<RecordId>,
	},
	Revoked {
		grant: GrantId,
	},
	Requested {
		request: RequestId,
		grant: GrantId,
		records: Vec<RecordId>,
		#[serde(serialize_with = "lossy_text")]
		purpose: Vec<u8>,
	},
	Denied {
		request: RequestId,
		reason: Denial,
	},
	FragmentsIssued {
		request: RequestId,
		proxy: AccountId32,
		records: Vec<RecordId>,
	},
	Fulfilled {
		request: RequestId,
	},
	Expired {
		request: RequestId,
	},
	/// A complaint against the fragment `proxy` (an authority) issued for `record` was upheld.
	/// The variants are in the pallet's order: SCALE names a variant by its position.
	ComplaintUpheld {
		request: RequestId,
		record: RecordId,
		proxy: AccountId32,
		reopened: bool,
	},
	/// This region (the entry's) answered cross-region query `query`, asked by the entry's
	/// actor, with the metadata of `records` records the actor may read here.
	QueryServed {
		#[serde(serialize_with = "serialize_query_id")]
		query: QueryId,
		records: u32,
	},
	/// This region refused cross-region query `query`: the actor holds no live grant here.
	QueryDenied {
		#[serde(serialize_with = "serialize_query_id")]
		query: QueryId,
	},
	/// Region `from`'s answer to this region's query `query` reached the actor, who asked it:
	/// the metadata of `records` records the actor may read there.
	QueryAnswered {
		#[serde(serialize_with = "serialize_query_id")]
		query: QueryId,
		from: ParaId,
		records: u32,
	},
}

/// One entry of a patient's audit trail.
#[derive(Clone, PartialEq, Eq, Debug, Decode, Serialize)]
pub struct AuditEntry {
	pub at: u32,
	pub actor: AccountId32,
	pub region: u32,
	#[serde(flatten)]
	pub event: AccessEvent,
}

fn lossy_text<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
	serializer.serialize_str(&String::from_utf8_lossy(bytes))
}

fn hex_capsule<S: serde::Serializer>(capsule: &Capsule, s: S) -> Result<S::Ok, S::Error> {
	s.serialize_str(&format!("0x{}", hex::encode(capsule.0)))
}

mod hex_bytes {
	pub fn serialize<S: serde::Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&format!("0x{}", hex::encode(bytes)))
	}
}

impl Chain {
	/// One grant by id.
	pub async fn grant(&self, id: GrantId) -> Result<Option<Grant>> {
		self.call("AccessApi_grant", id).await
	}

	/// The grants a patient made.
	pub async fn grants_of_patient(&self, patient: &AccountId32) -> Result<Vec<GrantId>> {
		self.call("AccessApi_grants_of_patient", patient).await
	}

	/// The grants a grantee holds.
	pub async fn grants_to(&self, grantee: &AccountId32) -> Result<Vec<GrantId>> {
		self.call("AccessApi_grants_to", grantee).await
	}

	/// A live grant's key fragment for the proxy at `position`, encrypted to that proxy.
	pub async fn encrypted_fragment(
		&self,
		grant: GrantId,
		position: u32,
	) -> Result<Option<Vec<u8>>> {
		self.call("AccessApi_encrypted_fragment", (grant, position)).await
	}

	/// A record's envelope under a grant.
	pub async fn envelope(&self, grant: GrantId, record: RecordId) -> Result<Option<Envelope>> {
		self.call("AccessApi_envelope", (grant, record)).await
	}

	/// One request by id.
	pub async fn request(&self, id: RequestId) -> Result<Option<Request>> {
		Ok(self.request_info(id).await?.map(|info| info.request))
	}

	/// One request by id, with the deposit it holds.
	pub async fn request_info(&self, id: RequestId) -> Result<Option<RequestInfo>> {
		self.call("AccessApi_request", id).await
	}

	/// The requests open now.
	pub async fn open_requests(&self) -> Result<Vec<RequestId>> {
		self.call("AccessApi_open_requests", ()).await
	}

	/// The capsule fragments issued for a request: record, proxy position, fragment.
	pub async fn capsule_fragments(
		&self,
		request: RequestId,
	) -> Result<Vec<(RecordId, u32, Vec<u8>)>> {
		self.call("AccessApi_capsule_fragments", request).await
	}

	/// A page of a patient's audit trail, and its length.
	pub async fn audit(
		&self,
		patient: &AccountId32,
		start: u32,
		limit: u32,
	) -> Result<(u32, Vec<AuditEntry>)> {
		self.call("AccessApi_audit", (patient, start, limit)).await
	}

	/// The Umbral public key an account receives access with.
	pub async fn access_key(&self, who: &AccountId32) -> Result<Option<PublicKey>> {
		self.call("AccessApi_key", who).await
	}

	/// The account an authority's proxy submits with.
	pub async fn proxy_account(&self, authority: &AccountId32) -> Result<Option<AccountId32>> {
		self.call("AccessApi_proxy_account", authority).await
	}
}

/// The block time, for `ehr read`, which waits for the proxies a block at a time.
impl Chain {
	/// How often the chain makes a block: its Aura slot duration.
	pub async fn block_time(&self) -> Result<std::time::Duration> {
		let millis: u64 = self.call("AuraApi_slot_duration", ()).await?;
		Ok(std::time::Duration::from_millis(millis))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_upheld_complaint_decodes_as_the_pallet_encodes_it() {
		// The pallet's `AccessEvent::ComplaintUpheld`, its ninth variant: request, record, the
		// authority, reopened (`a_complaint_removes_a_wrong_fragment_and_bars_its_proxy` in
		// `pallets/access/src/tests.rs` checks the index on the pallet's side).
		let mut bytes = vec![8u8];
		bytes.extend(4u64.to_le_bytes());
		bytes.extend(3u64.to_le_bytes());
		bytes.extend([7u8; 32]);
		bytes.push(1);
		let event = AccessEvent::decode(&mut &bytes[..]).expect("decodes");
		assert_eq!(
			event,
			AccessEvent::ComplaintUpheld {
				request: 4,
				record: 3,
				proxy: AccountId32([7; 32]),
				reopened: true
			}
		);
		// The variants before it keep their places.
		assert_eq!(
			AccessEvent::decode(&mut &[7u8, 5, 0, 0, 0, 0, 0, 0, 0][..]).expect("decodes"),
			AccessEvent::Expired { request: 5 }
		);
	}

	#[test]
	fn the_query_entries_decode_as_the_pallet_encodes_them() {
		// The pallet's three query variants follow `ComplaintUpheld` (8): `QueryServed` (9) with
		// the query id (region u32, nonce u64) and a record count, `QueryDenied` (10) with the
		// id, `QueryAnswered` (11) with the id, the answering region and a record count.
		let id = |bytes: &mut Vec<u8>| {
			bytes.extend(2000u32.to_le_bytes());
			bytes.extend(3u64.to_le_bytes());
		};
		let query = QueryId { region: 2000, nonce: 3 };
		let mut served = vec![9u8];
		id(&mut served);
		served.extend(5u32.to_le_bytes());
		let mut denied = vec![10u8];
		id(&mut denied);
		let mut answered = vec![11u8];
		id(&mut answered);
		answered.extend(2001u32.to_le_bytes());
		answered.extend(3u32.to_le_bytes());
		for (bytes, expected) in [
			(served, AccessEvent::QueryServed { query, records: 5 }),
			(denied, AccessEvent::QueryDenied { query }),
			(answered, AccessEvent::QueryAnswered { query, from: 2001, records: 3 }),
		] {
			let mut input = &bytes[..];
			assert_eq!(AccessEvent::decode(&mut input).expect("decodes"), expected);
			assert!(input.is_empty(), "{expected:?} left bytes unread");
		}

		// A whole audit entry of one, as `AccessApi_audit` returns it, prints its query id.
		let mut entry = 31u32.to_le_bytes().to_vec();
		entry.extend([4u8; 32]);
		entry.extend(2001u32.to_le_bytes());
		entry.push(10);
		id(&mut entry);
		let entry = AuditEntry::decode(&mut &entry[..]).expect("decodes");
		let json = serde_json::to_value(&entry).expect("serialises");
		assert_eq!(json["event"], "query_denied");
		assert_eq!(json["region"], 2001);
		assert_eq!(json["query"], serde_json::json!({"region": 2000, "nonce": 3}));
	}

	#[test]
	fn a_request_decodes_in_the_pallets_layout_with_its_deposit_last() {
		use codec::Encode;
		// `pallet_access::Request`'s fields in order: grant, requester, records, purpose,
		// requested_at, deadline, state (`Denied { reason: Voided, at }`), deposit.
		let encoded = Some((
			7u64,
			[5u8; 32],
			vec![3u64, 4],
			b"care".to_vec(),
			(10u32, 110u32),
			(2u8, 3u8, 12u32),
			100_000_000_000u128,
		))
		.encode();
		let info = Option::<RequestInfo>::decode(&mut &encoded[..])
			.expect("decodes")
			.expect("some");
		assert_eq!(info.deposit, 100_000_000_000);
		assert_eq!(info.request.records, vec![3, 4]);
		assert_eq!(info.request.state, RequestState::Denied { reason: Denial::Voided, at: 12 });
		// Every byte is read: the deposit is the last field.
		let mut input = &encoded[..];
		Option::<RequestInfo>::decode(&mut input).expect("decodes");
		assert!(input.is_empty());
	}
}
