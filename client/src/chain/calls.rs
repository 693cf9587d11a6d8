//! Every extrinsic MedFed sends, built in one place. Each function takes arguments already
//! checked (parsed accounts, keys, CIDs) and returns the call; [`Chain::submit`] signs and sends
//! it and waits for it, [`send`] hands it to the pool without waiting.
//!
//! [`Chain::submit`]: super::Chain::submit
//! [`send`]: super::send

use medfed_primitives::{
	query::QueryKind, Capsule, Cid, CiphertextHash, PublicKey, RecordId, ResourceType, Role,
	WrappedKey,
};
use subxt::{dynamic::Value, ext::scale_value::Composite, utils::AccountId32};

/// A call of a MedFed runtime, built at run time from its metadata's names.
pub type Call = subxt::transactions::DynamicPayload<Composite<()>>;

/// `Records.register_record`: registers a record's metadata, as a member institution.
pub fn register_record(
	patient: &AccountId32,
	resource_type: ResourceType,
	cid: &Cid,
	ciphertext_hash: &CiphertextHash,
	capsule: &Capsule,
	wrapped_key: &WrappedKey,
	size: u64,
	supersedes: Option<RecordId>,
) -> Call {
	subxt::dynamic::tx(
		"Records",
		"register_record",
		Composite::named([
			("patient", Value::from_bytes(patient.0)),
			("resource_type", Value::from_bytes(resource_type.as_str().as_bytes())),
			("cid", Value::from_bytes(cid.to_text().as_bytes())),
			("ciphertext_hash", Value::from_bytes(ciphertext_hash)),
			("capsule", Value::from_bytes(capsule.0)),
			("wrapped_key", Value::from_bytes(wrapped_key.0)),
			("size", Value::u128(size.into())),
			("supersedes", option(supersedes.map(|id| Value::u128(id.into())))),
		]),
	)
}

/// `Records.register_patient`: publishes the signer's Umbral public key, which records will be
/// encrypted to.
pub fn register_patient(key: &PublicKey) -> Call {
	subxt::dynamic::tx(
		"Records",
		"register_patient",
		Composite::named([("key", Value::from_bytes(key.0))]),
	)
}

/// `Institutions.admit`: admits an institution (a motion of the authority collective
/// dispatches it). Only an authority has a proxy key.
pub fn admit_institution(
	institution: &AccountId32,
	role: Role,
	name: &str,
	proxy_key: Option<&PublicKey>,
) -> Call {
	subxt::dynamic::tx(
		"Institutions",
		"admit",
		Composite::named([
			("institution", Value::from_bytes(institution.0)),
			("role", role_value(role)),
			("name", Value::from_bytes(name.as_bytes())),
			("proxy_key", option(proxy_key.map(|k| Value::from_bytes(k.0)))),
		]),
	)
}

/// `Institutions.remove`: removes an institution (a motion of the authority collective
/// dispatches it).
pub fn remove_institution(institution: &AccountId32) -> Call {
	subxt::dynamic::tx(
		"Institutions",
		"remove",
		Composite::named([("institution", Value::from_bytes(institution.0))]),
	)
}

/// `Records.void_record`: voids a record (a motion of the authority collective dispatches it).
pub fn void_record(id: RecordId) -> Call {
	subxt::dynamic::tx("Records", "void_record", Composite::named([("id", Value::u128(id.into()))]))
}

/// `Governance.enact`: dispatches `call` as root (a two-thirds motion of the authority
/// collective dispatches it).
pub fn enact(call: Call) -> Call {
	subxt::dynamic::tx("Governance", "enact", Composite::named([("call", call.into_value())]))
}

/// `System.authorize_upgrade`: authorizes the runtime code whose blake2-256 hash is
/// `code_hash`, checked for its version when it is applied (root: see [`enact`]).
pub fn authorize_upgrade(code_hash: [u8; 32]) -> Call {
	subxt::dynamic::tx(
		"System",
		"authorize_upgrade",
		Composite::named([("code_hash", Value::from_bytes(code_hash))]),
	)
}

/// `System.apply_authorized_upgrade`: installs `code`, if its hash is the authorized one.
pub fn apply_authorized_upgrade(code: &[u8]) -> Call {
	subxt::dynamic::tx(
		"System",
		"apply_authorized_upgrade",
		Composite::named([("code", Value::from_bytes(code))]),
	)
}

/// `propose` of `collective` (a region's `AuthorityCollective`, the coordinator's
/// `FederationCouncil`): a motion to dispatch `call` once `threshold` members approve; `length`
/// is the encoded length of `call`.
pub fn propose_motion(collective: &str, threshold: u32, call: Call, length: u128) -> Call {
	subxt::dynamic::tx(
		collective,
		"propose",
		Composite::unnamed([Value::u128(threshold.into()), call.into_value(), Value::u128(length)]),
	)
}

/// `vote` of `collective`: a member's vote on open motion `hash`.
pub fn vote_on_motion(collective: &str, hash: [u8; 32], index: u32, approve: bool) -> Call {
	subxt::dynamic::tx(
		collective,
		"vote",
		Composite::unnamed([
			Value::from_bytes(hash),
			Value::u128(index.into()),
			Value::bool(approve),
		]),
	)
}

/// `close` of `collective`: closes open motion `hash`, executing it if approved; the weight
/// (`ref_time`, `proof_size`) and `length` bound the call it dispatches.
pub fn close_motion(
	collective: &str,
	hash: [u8; 32],
	index: u32,
	ref_time: u64,
	proof_size: u64,
	length: u32,
) -> Call {
	let weight = Value::named_composite([
		("ref_time", Value::u128(ref_time.into())),
		("proof_size", Value::u128(proof_size.into())),
	]);
	subxt::dynamic::tx(
		collective,
		"close",
		Composite::unnamed([
			Value::from_bytes(hash),
			Value::u128(index.into()),
			weight,
			Value::u128(length.into()),
		]),
	)
}

/// `Balances.transfer_keep_alive`: sends `value` (in the chain's smallest unit) to `dest`.
pub fn transfer_keep_alive(dest: &AccountId32, value: u128) -> Call {
	subxt::dynamic::tx(
		"Balances",
		"transfer_keep_alive",
		Composite::named([
			("dest", Value::unnamed_variant("Id", [Value::from_bytes(dest.0)])),
			("value", Value::u128(value)),
		]),
	)
}

/// A role as the runtime's `Role` enum.
fn role_value(role: Role) -> Value {
	Value::unnamed_variant(
		match role {
			Role::Authority => "Authority",
			Role::Hospital => "Hospital",
			Role::Clinic => "Clinic",
			Role::Lab => "Lab",
		},
		[],
	)
}

/// An `Option` argument.
fn option(value: Option<Value>) -> Value {
	match value {
		Some(value) => Value::unnamed_variant("Some", [value]),
		None => Value::unnamed_variant("None", []),
	}
}

/// `Access.register_key`: publishes the Umbral public key the signer receives access with.
pub fn register_access_key(key: &PublicKey) -> Call {
	subxt::dynamic::tx(
		"Access",
		"register_key",
		Composite::named([("key", Value::from_bytes(key.0))]),
	)
}

/// `Access.set_proxy_account`: names the account the signing authority's proxy submits with.
pub fn set_proxy_account(proxy: &AccountId32) -> Call {
	subxt::dynamic::tx(
		"Access",
		"set_proxy_account",
		Composite::named([("proxy", Value::from_bytes(proxy.0))]),
	)
}

/// What a grant opens, as the chain takes it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum GrantScope {
	/// Every record of the patient's.
	All,
	/// The patient's records of these FHIR resource types.
	Types(Vec<ResourceType>),
	/// These records.
	Records(Vec<RecordId>),
}

impl GrantScope {
	fn value(&self) -> Value {
		match self {
			GrantScope::All => Value::unnamed_variant("All", []),
			GrantScope::Types(types) => Value::unnamed_variant(
				"Types",
				[Value::unnamed_composite(
					types.iter().map(|t| Value::from_bytes(t.as_str().as_bytes())),
				)],
			),
			GrantScope::Records(ids) => Value::unnamed_variant(
				"Records",
				[Value::unnamed_composite(ids.iter().map(|id| Value::u128((*id).into())))],
			),
		}
	}
}

/// A record's document key wrapped to a grant: its capsule and wrapped key.
pub type Envelope = (RecordId, Capsule, WrappedKey);

fn envelopes(envelopes: &[Envelope]) -> Value {
	Value::unnamed_composite(envelopes.iter().map(|(id, capsule, wrapped)| {
		Value::unnamed_composite([
			Value::u128((*id).into()),
			Value::named_composite([
				("capsule", Value::from_bytes(capsule.0)),
				("wrapped_key", Value::from_bytes(wrapped.0)),
			]),
		])
	}))
}

/// `Access.grant`: the signing patient grants `grantee` access to `scope` until `expires_at`,
/// opened by `threshold` of the proxies whose encrypted key fragments `fragments` holds (one
/// per authority, in the authority set's order).
pub fn grant(
	grantee: &AccountId32,
	scope: &GrantScope,
	threshold: u8,
	expires_at: u32,
	salt: &[u8; 32],
	delegating_key: &PublicKey,
	verifying_key: &PublicKey,
	fragments: &[Vec<u8>],
	wrapped: &[Envelope],
) -> Call {
	subxt::dynamic::tx(
		"Access",
		"grant",
		Composite::named([
			("grantee", Value::from_bytes(grantee.0)),
			("scope", scope.value()),
			("threshold", Value::u128(threshold.into())),
			("expires_at", Value::u128(expires_at.into())),
			("salt", Value::from_bytes(salt)),
			("delegating_key", Value::from_bytes(delegating_key.0)),
			("verifying_key", Value::from_bytes(verifying_key.0)),
			("fragments", Value::unnamed_composite(fragments.iter().map(Value::from_bytes))),
			("envelopes", envelopes(wrapped)),
		]),
	)
}

/// `Access.extend_grant`: wraps more of the patient's records to a live grant.
pub fn extend_grant(grant: u64, wrapped: &[Envelope]) -> Call {
	subxt::dynamic::tx(
		"Access",
		"extend_grant",
		Composite::named([("grant", Value::u128(grant.into())), ("envelopes", envelopes(wrapped))]),
	)
}

/// `Access.revoke`: the patient revokes a grant, finally.
pub fn revoke(grant: u64) -> Call {
	subxt::dynamic::tx("Access", "revoke", Composite::named([("grant", Value::u128(grant.into()))]))
}

/// `Access.request`: the grantee asks to read `records` under `grant`, for `purpose`.
pub fn request(grant: u64, records: &[RecordId], purpose: &str) -> Call {
	subxt::dynamic::tx(
		"Access",
		"request",
		Composite::named([
			("grant", Value::u128(grant.into())),
			(
				"records",
				Value::unnamed_composite(records.iter().map(|id| Value::u128((*id).into()))),
			),
			("purpose", Value::from_bytes(purpose.as_bytes())),
		]),
	)
}

/// `Access.complain`: the grantee's complaint against the capsule fragment that the proxy of
/// authority `proxy` issued for `record` of `request`; the chain verifies it.
pub fn complain(request: u64, record: RecordId, proxy: &AccountId32) -> Call {
	subxt::dynamic::tx(
		"Access",
		"complain",
		Composite::named([
			("request", Value::u128(request.into())),
			("record", Value::u128(record.into())),
			("proxy", Value::from_bytes(proxy.0)),
		]),
	)
}

/// `Access.submit_fragments`: a proxy's capsule fragments for records of a request.
pub fn submit_fragments(request: u64, fragments: &[(RecordId, Vec<u8>)]) -> Call {
	subxt::dynamic::tx(
		"Access",
		"submit_fragments",
		Composite::named([
			("request", Value::u128(request.into())),
			(
				"fragments",
				Value::unnamed_composite(fragments.iter().map(|(id, bytes)| {
					Value::unnamed_composite([Value::u128((*id).into()), Value::from_bytes(bytes)])
				})),
			),
		]),
	)
}

/// `Federation.query`: the signer asks, of `patient`'s records, for what `kind` names: with
/// [`QueryKind::Records`], every region of the federation for the metadata of those it may read
/// under the patient's live grants there; with [`QueryKind::Read`], region `region` for the
/// records its grant `grant` shares with the signer, to read. Holds the region's
/// `QueryDeposit` until [`dismiss_query`].
pub fn query(patient: &AccountId32, kind: QueryKind) -> Call {
	subxt::dynamic::tx(
		"Federation",
		"query",
		Composite::named([("patient", Value::from_bytes(patient.0)), ("kind", query_kind(kind))]),
	)
}

/// A query's kind as the runtime's `QueryKind` enum.
fn query_kind(kind: QueryKind) -> Value {
	match kind {
		QueryKind::Records => Value::unnamed_variant("Records", []),
		QueryKind::Read { region, grant } => Value::named_variant(
			"Read",
			[("region", Value::u128(region.into())), ("grant", Value::u128(grant.into()))],
		),
	}
}

/// `Federation.dismiss_query`: the requester removes ended query `nonce` and its answers, and
/// gets its deposit back.
pub fn dismiss_query(nonce: u64) -> Call {
	subxt::dynamic::tx(
		"Federation",
		"dismiss_query",
		Composite::named([("nonce", Value::u128(nonce.into()))]),
	)
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt::dynamic::At;

	#[test]
	fn a_query_names_its_kind_as_the_runtimes_query_kind() {
		assert_eq!(query_kind(QueryKind::Records), Value::unnamed_variant("Records", []));
		let read = query_kind(QueryKind::Read { region: 2000, grant: 4 });
		assert_eq!(
			read,
			Value::named_variant(
				"Read",
				[("region", Value::u128(2000)), ("grant", Value::u128(4))]
			),
			"{read:?}"
		);
		let call = query(&AccountId32([6; 32]), QueryKind::Read { region: 2001, grant: 9 });
		assert_eq!((call.pallet_name(), call.call_name()), ("Federation", "query"));
		// `Federation(query { patient, kind })`.
		let value = call.into_value();
		let args = value.at(0).expect("the call");
		assert_eq!(args.at("patient"), Some(&Value::from_bytes([6u8; 32])), "{value:?}");
		assert_eq!(
			args.at("kind"),
			Some(&query_kind(QueryKind::Read { region: 2001, grant: 9 })),
			"{value:?}"
		);
	}
}
