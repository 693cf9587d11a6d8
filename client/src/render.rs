//! How the client shows what it reads: readable text by default, JSON with `--json`.

use crate::chain::{
	access::{
		AccessEvent, AuditEntry, Denial, Grant, GrantId, Request, RequestId, RequestState, Scope,
	},
	federation::{
		serialize_query_id, Failure, Outcome, Query, QueryId, QueryKind, QueryState, RegionAnswer,
		SharedRecord,
	},
	Institution, Record,
};
use medfed_primitives::{
	MembershipStatus, Patient, PinState, RecordId, RecordPage, Role, Unpinnable,
};
use serde::Serialize;
use subxt::utils::AccountId32;

/// A record as the client prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct RecordView {
	pub id: u64,
	pub patient: String,
	pub issuer: String,
	pub resource_type: String,
	pub cid: String,
	pub ciphertext_sha256: String,
	pub capsule: String,
	/// The document key, encrypted: ciphertext, like the capsule a public value.
	pub wrapped_key: String,
	pub size: u64,
	pub created_at: u32,
	pub supersedes: Option<u64>,
	pub superseded_by: Option<u64>,
	/// The block the region's authorities voided it in: a voided record is not served.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub voided_at: Option<u32>,
	/// Where the ciphertext is pinned: filled by `record show`, empty in lists.
	#[serde(skip_serializing_if = "Vec::is_empty")]
	pub pins: Vec<PinView>,
}

/// One authority's pin of a record.
#[derive(Debug, Serialize, PartialEq)]
pub struct PinView {
	pub authority: String,
	/// The block the pin was reported in; `None` while pending or unpinnable.
	pub pinned_at: Option<u32>,
	/// Why the authority's IPFS node could not pin the record, if it reported so (its worker
	/// keeps trying).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub unpinnable: Option<UnpinnableView>,
}

/// A record an authority's IPFS node could not pin.
#[derive(Debug, Serialize, PartialEq)]
pub struct UnpinnableView {
	/// `not-found`, `wrong-size` or `refused`.
	pub reason: &'static str,
	/// For `wrong-size`: how large the content under the CID is.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub found_size: Option<u64>,
	/// The block the failure was reported in.
	pub reported_at: u32,
}

impl PinView {
	pub fn new(authority: String, state: PinState<u32>) -> Self {
		let (pinned_at, unpinnable) = match state {
			PinState::Pending => (None, None),
			PinState::Pinned { at } => (Some(at), None),
			PinState::Unpinnable { reason, at } => {
				let (reason, found_size) = match reason {
					Unpinnable::NotFound => ("not-found", None),
					Unpinnable::WrongSize { found } => ("wrong-size", Some(found)),
					Unpinnable::Refused => ("refused", None),
				};
				(None, Some(UnpinnableView { reason, found_size, reported_at: at }))
			},
		};
		PinView { authority, pinned_at, unpinnable }
	}
}

impl From<&Record> for RecordView {
	fn from(info: &Record) -> Self {
		let r = &info.record;
		RecordView {
			id: info.id,
			patient: r.patient.to_string(),
			issuer: r.issuer.to_string(),
			resource_type: r.resource_type.as_str().into(),
			cid: r.cid.to_text(),
			ciphertext_sha256: hex::encode(r.ciphertext_hash),
			capsule: hex::encode(r.capsule.0),
			wrapped_key: hex::encode(r.wrapped_key.0),
			size: r.size,
			created_at: r.created_at,
			supersedes: r.supersedes,
			superseded_by: info.superseded_by,
			voided_at: info.voided_at,
			pins: Vec::new(),
		}
	}
}

/// A page of records as the client prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct PageView {
	pub total: u32,
	pub start: u32,
	pub records: Vec<RecordView>,
}

/// An institution as the client prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct InstitutionView {
	pub account: String,
	pub role: &'static str,
	pub name: String,
	pub proxy_key: Option<String>,
	pub member: bool,
	/// Block since which it is a member, or at which it was removed.
	pub since: u32,
}

impl From<&Institution> for InstitutionView {
	fn from(i: &Institution) -> Self {
		let (member, since) = match i.status {
			MembershipStatus::Active { since } => (true, since),
			MembershipStatus::Removed { at } => (false, at),
		};
		InstitutionView {
			account: i.account.to_string(),
			role: role_name(i.role),
			name: String::from_utf8_lossy(&i.name).into_owned(),
			proxy_key: i.proxy_key.map(|k| format!("0x{}", hex::encode(k.0))),
			member,
			since,
		}
	}
}

/// A patient as the client prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct PatientView {
	pub account: String,
	pub umbral_public_key: String,
	pub registered_at: u32,
	pub records: u32,
}

impl PatientView {
	pub fn new(account: &AccountId32, p: &Patient<u32>) -> Self {
		PatientView {
			account: account.to_string(),
			umbral_public_key: format!("0x{}", hex::encode(p.key.0)),
			registered_at: p.registered_at,
			records: p.record_count,
		}
	}
}

/// The lower-case name of a role, as the CLI accepts and prints it.
pub fn role_name(role: Role) -> &'static str {
	match role {
		Role::Authority => "authority",
		Role::Hospital => "hospital",
		Role::Clinic => "clinic",
		Role::Lab => "lab",
	}
}

pub fn page_view(page: &RecordPage<AccountId32, u32>, start: u32) -> PageView {
	PageView {
		total: page.total,
		start,
		records: page.records.iter().map(RecordView::from).collect(),
	}
}

/// Prints `value` as JSON, or as text with `text`.
pub fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce(&T) -> String) {
	if json {
		match serde_json::to_string_pretty(value) {
			Ok(s) => println!("{s}"),
			Err(e) => eprintln!("error: cannot render JSON: {e}"),
		}
	} else {
		println!("{}", text(value));
	}
}

pub fn record_text(r: &RecordView) -> String {
	let mut lines = vec![
		format!("Record {}", r.id),
		format!("  patient        {}", r.patient),
		format!("  issuer         {}", r.issuer),
		format!("  FHIR type      {}", r.resource_type),
		format!("  CID            {}", r.cid),
		format!("  SHA-256        {}", r.ciphertext_sha256),
		format!("  size           {} bytes", r.size),
		format!("  registered at  block {}", r.created_at),
	];
	if let Some(old) = r.supersedes {
		lines.push(format!("  corrects       record {old}"));
	}
	if let Some(new) = r.superseded_by {
		lines.push(format!("  corrected by   record {new}"));
	}
	if let Some(at) = r.voided_at {
		lines.push(format!(
			"  VOIDED         by the region's authorities at block {at}; not served"
		));
	}
	for pin in &r.pins {
		let state = match (pin.pinned_at, &pin.unpinnable) {
			(Some(at), _) => format!("pinned (block {at})"),
			(None, Some(u)) => {
				let why = match (u.reason, u.found_size) {
					("wrong-size", Some(found)) =>
						format!("the content under the CID is {found} bytes"),
					("not-found", _) => "no IPFS node serves the CID".into(),
					_ => "the IPFS node refused it".into(),
				};
				format!("cannot pin: {why} (reported at block {}; still retried)", u.reported_at)
			},
			(None, None) => "pending".into(),
		};
		lines.push(format!("  IPFS pin       {state} by {}", pin.authority));
	}
	lines.join("\n")
}

pub fn page_text(p: &PageView) -> String {
	if p.records.is_empty() {
		return format!("No records (the patient has {} in all).", p.total);
	}
	let mut lines = vec![format!(
		"Records {}–{} of {}:",
		p.start + 1,
		p.start as usize + p.records.len(),
		p.total
	)];
	for r in &p.records {
		let status = match (r.voided_at, r.superseded_by) {
			(Some(at), _) => format!(" (VOIDED at block {at})"),
			(None, Some(new)) => format!(" (corrected by {new})"),
			(None, None) => String::new(),
		};
		lines.push(format!(
			"  #{:<6} {:<22} {:>10} B  block {:<8} {}{}",
			r.id, r.resource_type, r.size, r.created_at, r.cid, status
		));
	}
	lines.join("\n")
}

pub fn institution_text(i: &InstitutionView) -> String {
	let status = if i.member {
		format!("member since block {}", i.since)
	} else {
		format!("removed at block {}", i.since)
	};
	let key = i
		.proxy_key
		.as_deref()
		.map(|k| format!("\n  proxy key  {k}"))
		.unwrap_or_default();
	format!("{} ({})\n  account    {}\n  status     {status}{key}", i.name, i.role, i.account)
}

pub fn institutions_text(list: &Vec<InstitutionView>) -> String {
	list.iter().map(institution_text).collect::<Vec<_>>().join("\n")
}

pub fn patient_text(p: &PatientView) -> String {
	format!(
		"Patient {}\n  Umbral key     {}\n  registered at  block {}\n  records        {}",
		p.account, p.umbral_public_key, p.registered_at, p.records
	)
}

#[cfg(test)]
mod tests {
	use super::*;
	use medfed_primitives::{
		umbral::{GENERATOR, WRAPPED_KEY_LEN},
		Capsule, Cid, RecordInfo, ResourceType, WrappedKey,
	};

	fn sample() -> Record {
		let mut capsule = [0u8; 98];
		capsule[..33].copy_from_slice(&GENERATOR.0);
		capsule[33..66].copy_from_slice(&GENERATOR.0);
		capsule[97] = 1;
		RecordInfo {
			id: 7,
			record: medfed_primitives::Record {
				patient: AccountId32([1; 32]),
				issuer: AccountId32([2; 32]),
				resource_type: ResourceType::parse(b"Bundle").expect("FHIR type"),
				cid: Cid::parse(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG").expect("CID"),
				ciphertext_hash: [0xab; 32],
				capsule: Capsule::parse(&capsule).expect("capsule"),
				wrapped_key: WrappedKey([0xcd; WRAPPED_KEY_LEN]),
				size: 1024,
				created_at: 12,
				supersedes: Some(3),
			},
			superseded_by: None,
			voided_at: None,
		}
	}

	#[test]
	fn json_carries_every_field_in_readable_form() {
		let view = RecordView::from(&sample());
		let json: serde_json::Value = serde_json::to_value(&view).expect("serialises");
		assert_eq!(json["id"], 7);
		assert_eq!(json["cid"], "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
		assert_eq!(json["resource_type"], "Bundle");
		assert_eq!(json["ciphertext_sha256"], "ab".repeat(32));
		assert_eq!(json["wrapped_key"], "cd".repeat(WRAPPED_KEY_LEN));
		assert_eq!(json["patient"], AccountId32([1; 32]).to_string());
		assert_eq!(json["supersedes"], 3);
		assert!(json["superseded_by"].is_null());
	}

	#[test]
	fn text_names_the_correction_chain() {
		let text = record_text(&RecordView::from(&sample()));
		assert!(text.contains("corrects       record 3"), "{text}");
		assert!(text.contains("FHIR type      Bundle"), "{text}");
		assert!(!text.contains("corrected by"), "{text}");
	}

	#[test]
	fn an_empty_page_says_so() {
		let view = PageView { total: 0, start: 0, records: vec![] };
		assert_eq!(page_text(&view), "No records (the patient has 0 in all).");
	}
}

/// A region of the federation.
#[derive(Serialize)]
pub struct RegionView {
	pub para_id: u32,
	pub name: String,
}

/// A patient's entry in the coordinator's directory.
#[derive(Serialize)]
pub struct DirectoryView {
	pub patient: String,
	pub regions: Vec<RegionView>,
}

pub fn regions_text(regions: &Vec<RegionView>) -> String {
	regions
		.iter()
		.map(|r| format!("para {:<6} {}", r.para_id, r.name))
		.collect::<Vec<_>>()
		.join("\n")
}

pub fn directory_text(d: &DirectoryView) -> String {
	if d.regions.is_empty() {
		return format!("{}: no region has records of this patient", d.patient);
	}
	format!("{}: records in\n{}", d.patient, regions_text(&d.regions))
}

// Sharing: grants, requests, reads and the audit trail.

/// A grant as the client prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct GrantView {
	pub id: GrantId,
	pub patient: String,
	pub grantee: String,
	/// `{"kind": "all"}`, `{"kind": "types", "of": ["Observation"]}` or `{"kind": "records",
	/// "of": [3, 7]}`.
	pub scope: Scope,
	pub threshold: u8,
	/// The authorities whose proxies re-encrypt, in the order of their key fragments.
	pub proxies: Vec<String>,
	pub granted_at: u32,
	/// The first block at which it opens nothing.
	pub expires_at: u32,
	/// `live`, `expired` (from `expires_at`) or `revoked` (at `revoked_at`), at the best block.
	pub state: &'static str,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub revoked_at: Option<u32>,
}

/// Where a grant stands at block `best`: revoked, expired (from its `expires_at` on) or live.
pub fn grant_state(grant: &Grant, best: u32) -> &'static str {
	if grant.revoked_at.is_some() {
		"revoked"
	} else if best >= grant.expires_at {
		"expired"
	} else {
		"live"
	}
}

impl GrantView {
	/// Grant `id` as it stands at block `best`.
	pub fn new(id: GrantId, grant: &Grant, best: u32) -> Self {
		GrantView {
			id,
			patient: grant.patient.to_string(),
			grantee: grant.grantee.to_string(),
			scope: grant.scope.clone(),
			threshold: grant.threshold,
			proxies: grant.proxies.iter().map(ToString::to_string).collect(),
			granted_at: grant.granted_at,
			expires_at: grant.expires_at,
			state: grant_state(grant, best),
			revoked_at: grant.revoked_at,
		}
	}
}

/// A scope in words: "all records", "types Observation, Condition", "records 3, 7".
pub fn scope_text(scope: &Scope) -> String {
	match scope {
		Scope::All => "all records".into(),
		Scope::Types(types) =>
			format!("types {}", types.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")),
		Scope::Records(ids) => format!("records {}", ids_text(ids)),
	}
}

/// Record ids as "3, 7", or "none".
fn ids_text(ids: &[RecordId]) -> String {
	if ids.is_empty() {
		return "none".into();
	}
	ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

pub fn grant_text(g: &GrantView) -> String {
	let state = match (g.state, g.revoked_at) {
		("revoked", Some(at)) => format!("revoked at block {at}"),
		("expired", _) => format!("expired at block {}", g.expires_at),
		_ => format!("live until block {}", g.expires_at),
	};
	format!(
		"Grant {} ({state})\n  patient     {}\n  grantee     {}\n  scope       {}\n  threshold   {} of {} \
		 proxies\n  proxies     {}\n  granted at  block {}",
		g.id,
		g.patient,
		g.grantee,
		scope_text(&g.scope),
		g.threshold,
		g.proxies.len(),
		g.proxies.join(", "),
		g.granted_at
	)
}

/// What `ehr grant` made: the grant, and the records it wrapped to it.
#[derive(Debug, Serialize, PartialEq)]
pub struct GrantMadeView {
	pub grant: GrantView,
	/// The records wrapped to the grant, in the grant call and the extensions after it.
	pub records_wrapped: Vec<RecordId>,
}

pub fn grant_made_text(v: &GrantMadeView) -> String {
	format!(
		"{}\n  wrapped     {} record(s): {}",
		grant_text(&v.grant),
		v.records_wrapped.len(),
		ids_text(&v.records_wrapped)
	)
}

/// What `ehr grant extend` wrapped.
#[derive(Debug, Serialize, PartialEq)]
pub struct ExtendView {
	pub grant: GrantId,
	pub records_wrapped: Vec<RecordId>,
}

pub fn extend_text(v: &ExtendView) -> String {
	if v.records_wrapped.is_empty() {
		return format!(
			"Grant {} holds every record in its scope already: nothing to wrap.",
			v.grant
		);
	}
	format!(
		"Grant {}: {} more record(s) wrapped: {}",
		v.grant,
		v.records_wrapped.len(),
		ids_text(&v.records_wrapped)
	)
}

/// What `ehr revoke` did.
#[derive(Debug, Serialize, PartialEq)]
pub struct RevokeView {
	pub grant: GrantId,
	pub revoked_at: u32,
	/// How many open requests the revocation denied.
	pub requests_denied: u32,
}

pub fn revoke_text(v: &RevokeView) -> String {
	format!(
		"Grant {} revoked at block {}; {} open request(s) denied.",
		v.grant, v.revoked_at, v.requests_denied
	)
}

/// The grants of `ehr grants`: made as patient, held as grantee (each `None` when not asked
/// for).
#[derive(Debug, Serialize, PartialEq)]
pub struct GrantsView {
	/// The best block the states are at.
	pub best_block: u32,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub as_patient: Option<Vec<GrantView>>,
	#[serde(skip_serializing_if = "Option::is_none")]
	pub as_grantee: Option<Vec<GrantView>>,
}

pub fn grants_text(v: &GrantsView) -> String {
	let mut parts = Vec::new();
	for (title, list) in [("made as patient", &v.as_patient), ("held as grantee", &v.as_grantee)] {
		let Some(list) = list else { continue };
		if list.is_empty() {
			parts.push(format!("Grants {title}: none."));
		} else {
			parts.push(format!("Grants {title}:"));
			parts.extend(list.iter().map(grant_text));
		}
	}
	parts.push(format!("(states at block {})", v.best_block));
	parts.join("\n")
}

/// A denial reason as the CLI prints it in JSON.
pub fn denial_name(reason: Denial) -> &'static str {
	match reason {
		Denial::Revoked => "revoked",
		Denial::Expired => "expired",
		Denial::OutOfScope => "out-of-scope",
		Denial::Voided => "voided",
	}
}

/// Why a request was denied, in words.
pub fn denial_text(reason: Denial) -> &'static str {
	match reason {
		Denial::Revoked => "the patient revoked the grant",
		Denial::Expired => "the grant has expired",
		Denial::OutOfScope =>
			"a requested record is outside the grant's scope, or not wrapped to it yet (the \
			 patient wraps newer records with `ehr grant extend`)",
		Denial::Voided => "a requested record was voided by the region's authorities",
	}
}

/// A request as the client prints it.
#[derive(Debug, Serialize, PartialEq)]
pub struct RequestView {
	pub id: RequestId,
	pub grant: GrantId,
	pub requester: String,
	pub records: Vec<RecordId>,
	pub purpose: String,
	pub requested_at: u32,
	/// The block at which it expires unless fulfilled.
	pub deadline: u32,
	/// `open`, `fulfilled`, `denied` or `expired`.
	pub state: &'static str,
	/// When it was fulfilled, denied or expired.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub ended_at: Option<u32>,
	/// Why it was denied: `revoked`, `expired`, `out-of-scope` or `voided`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub reason: Option<&'static str>,
	/// The reason, for the text form.
	#[serde(skip)]
	pub denial: Option<Denial>,
}

impl RequestView {
	pub fn new(id: RequestId, r: &Request) -> Self {
		let (state, ended_at, denial) = match r.state {
			RequestState::Open => ("open", None, None),
			RequestState::Fulfilled { at } => ("fulfilled", Some(at), None),
			RequestState::Denied { reason, at } => ("denied", Some(at), Some(reason)),
			RequestState::Expired { at } => ("expired", Some(at), None),
		};
		RequestView {
			id,
			grant: r.grant,
			requester: r.requester.to_string(),
			records: r.records.clone(),
			purpose: String::from_utf8_lossy(&r.purpose).into_owned(),
			requested_at: r.requested_at,
			deadline: r.deadline,
			state,
			ended_at,
			reason: denial.map(denial_name),
			denial,
		}
	}
}

pub fn request_text(v: &RequestView) -> String {
	let at = v.ended_at.unwrap_or_default();
	let state = match (v.state, v.denial) {
		("fulfilled", _) => format!("fulfilled at block {at}"),
		("denied", Some(reason)) => format!("DENIED at block {at}: {}", denial_text(reason)),
		("expired", _) => format!("expired at block {at}, unanswered"),
		_ => format!("open until block {}", v.deadline),
	};
	format!(
		"Request {} ({state})\n  grant         {}\n  requester     {}\n  records       {}\n  purpose       \
		 {}\n  requested at  block {}",
		v.id,
		v.grant,
		v.requester,
		ids_text(&v.records),
		v.purpose,
		v.requested_at
	)
}

/// A record `ehr read` decrypted.
#[derive(Debug, Serialize, PartialEq)]
pub struct ReadRecordView {
	pub id: RecordId,
	pub resource_type: String,
	/// Where it was written (`-`: standard output).
	pub path: String,
	pub bytes: usize,
}

/// A capsule fragment that did not verify: its proxy answered wrongly, or it was altered.
#[derive(Debug, Serialize, PartialEq)]
pub struct BadFragmentView {
	pub record: RecordId,
	/// The proxy's position in the grant.
	pub position: u32,
	/// The authority whose proxy sent it.
	pub proxy: String,
	pub error: String,
	/// The `ehr complain` command that has the chain check it, remove it and bar its proxy.
	pub complain: Option<String>,
	/// Whether the chain would uphold a complaint (not for a copy of another proxy's fragment,
	/// which verifies).
	#[serde(skip)]
	pub complainable: bool,
}

/// A record `ehr read` could not open.
#[derive(Debug, Serialize, PartialEq)]
pub struct FailedRecordView {
	pub id: RecordId,
	pub error: String,
}

/// What `ehr read` did.
#[derive(Debug, Serialize, PartialEq)]
pub struct ReadView {
	pub request: RequestId,
	pub grant: GrantId,
	pub records: Vec<ReadRecordView>,
	pub bad_fragments: Vec<BadFragmentView>,
	pub failed: Vec<FailedRecordView>,
}

pub fn read_text(v: &ReadView) -> String {
	let mut lines = vec![format!(
		"Request {} (grant {}): {} record(s) decrypted",
		v.request,
		v.grant,
		v.records.len()
	)];
	for r in &v.records {
		let to = if r.path == "-" { "standard output".into() } else { r.path.clone() };
		lines.push(format!(
			"  record {:<6} {:<22} {:>8} B  -> {to}",
			r.id, r.resource_type, r.bytes
		));
	}
	for b in &v.bad_fragments {
		lines.push(format!(
			"  warning: record {}: the capsule fragment of proxy {} ({}) was refused: {}",
			b.record, b.position, b.proxy, b.error
		));
		if let Some(command) = &b.complain {
			lines.push(format!("    the chain can check it; complain with: {command}"));
		}
	}
	for f in &v.failed {
		lines.push(format!("  FAILED record {}: {}", f.id, f.error));
	}
	lines.join("\n")
}

/// A patient's audit trail as `ehr audit` prints it.
#[derive(Debug, Serialize)]
pub struct AuditView {
	pub patient: String,
	pub total: u32,
	/// In order: `at` (block), `actor`, `region` (para id), `event` (`granted`, `extended`,
	/// `revoked`, `requested`, `denied`, `fragments_issued`, `fulfilled`, `expired`,
	/// `complaint_upheld`, `query_served`, `query_denied`, `query_answered`) and its fields.
	pub entries: Vec<AuditEntry>,
}

/// What an audit entry says happened, in words.
pub fn access_event_text(event: &AccessEvent) -> String {
	match event {
		AccessEvent::Granted { grant, grantee } => format!("granted grant {grant} to {grantee}"),
		AccessEvent::Extended { grant, records } =>
			format!("extended grant {grant} with records {}", ids_text(records)),
		AccessEvent::Revoked { grant } => format!("revoked grant {grant}"),
		AccessEvent::Requested { request, grant, records, purpose } => format!(
			"requested records {} under grant {grant} (request {request}), purpose \"{}\"",
			ids_text(records),
			String::from_utf8_lossy(purpose)
		),
		AccessEvent::Denied { request, reason } =>
			format!("denied request {request}: {}", denial_text(*reason)),
		AccessEvent::FragmentsIssued { request, proxy, records } => format!(
			"fragments issued for request {request} by the proxy of {proxy}, records {}",
			ids_text(records)
		),
		AccessEvent::Fulfilled { request } => format!("fulfilled request {request}"),
		AccessEvent::Expired { request } => format!("expired request {request}, unanswered"),
		AccessEvent::ComplaintUpheld { request, record, proxy, reopened } => format!(
			"complaint upheld: the fragment of the proxy of {proxy} for record {record} of \
			 request {request} was wrong and is removed{}",
			if *reopened { "; the request is open again" } else { "" }
		),
		AccessEvent::QueryServed { query, records } => format!(
			"the region answered query {} with the metadata of {}",
			query_id_text(query),
			count_text(*records, "record")
		),
		AccessEvent::QueryDenied { query } =>
			format!("the region refused query {}: no live grant", query_id_text(query)),
		AccessEvent::QueryAnswered { query, from, records } => format!(
			"received region {from}'s answer to query {}: {}",
			query_id_text(query),
			count_text(*records, "record")
		),
	}
}

/// One audit entry on one line: block, region, actor, what.
pub fn audit_line(e: &AuditEntry) -> String {
	format!("block {:<8} region {:<5} {}  {}", e.at, e.region, e.actor, access_event_text(&e.event))
}

pub fn audit_text(v: &AuditView) -> String {
	if v.entries.is_empty() {
		return format!("{}: no access history.", v.patient);
	}
	let mut lines = vec![format!("Access history of {} ({} entries):", v.patient, v.total)];
	lines.extend(v.entries.iter().map(audit_line));
	lines.join("\n")
}

/// An Umbral public key published for access (`ehr keys publish`).
#[derive(Debug, Serialize, PartialEq)]
pub struct AccessKeyView {
	pub account: String,
	pub umbral_public_key: String,
}

/// An authority's proxy account (`ehr proxy set-account`).
#[derive(Debug, Serialize, PartialEq)]
pub struct ProxyAccountView {
	pub authority: String,
	pub proxy_account: String,
}

// Cross-region queries.

/// Planck in one unit of a region's currency (`UNIT` in `runtime/common/src/lib.rs`).
const PLANCK_PER_UNIT: u128 = 1_000_000_000_000;

/// An amount in planck, in units: "0.1 unit", "1 unit", "2.5 units".
pub fn units_text(planck: u128) -> String {
	let (whole, fraction) = (planck / PLANCK_PER_UNIT, planck % PLANCK_PER_UNIT);
	let noun = if planck == 0 || planck > PLANCK_PER_UNIT { "units" } else { "unit" };
	if fraction == 0 {
		return format!("{whole} {noun}");
	}
	let digits = format!("{fraction:012}");
	format!("{whole}.{} {noun}", digits.trim_end_matches('0'))
}

/// A query's id as "2000/3": the asking region's para id, and the query's number there.
pub fn query_id_text(id: &QueryId) -> String {
	format!("{}/{}", id.region, id.nonce)
}

/// "1 record", "5 records".
fn count_text(n: u32, noun: &str) -> String {
	if n == 1 {
		format!("1 {noun}")
	} else {
		format!("{n} {noun}s")
	}
}

/// Para ids as "2001, 2002", or "none".
fn regions_list(regions: &[u32]) -> String {
	if regions.is_empty() {
		return "none".into();
	}
	regions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// A record a region's answer names: its metadata, never its content or keys.
#[derive(Debug, Serialize, PartialEq)]
pub struct SharedRecordView {
	/// The record's id in the answering region.
	pub id: u64,
	/// The grant, of that region, that lets the requester read it.
	pub grant: u64,
	pub resource_type: String,
	pub cid: String,
	/// Size of the ciphertext in bytes.
	pub size: u64,
	/// The answering region's block it was registered in.
	pub created_at: u32,
}

impl From<&SharedRecord> for SharedRecordView {
	fn from(r: &SharedRecord) -> Self {
		SharedRecordView {
			id: r.id,
			grant: r.grant,
			resource_type: r.resource_type.as_str().into(),
			cid: r.cid.to_text(),
			size: r.size,
			created_at: r.created_at,
		}
	}
}

/// One region's answer to a query.
#[derive(Debug, Serialize, PartialEq)]
pub struct AnswerView {
	/// The answering region's para id.
	pub region: u32,
	/// Whether it is the asking region's own answer.
	pub here: bool,
	/// Whether every page has come (`pages` of `of`).
	pub complete: bool,
	pub pages: u8,
	pub of: u8,
	/// Whether the region has more records for the requester than it answered with.
	pub truncated: bool,
	pub records: Vec<SharedRecordView>,
}

/// A query as `ehr query` and `ehr query show` print it.
#[derive(Debug, Serialize, PartialEq)]
pub struct QueryView {
	/// The asking region and the query's number there.
	#[serde(serialize_with = "serialize_query_id")]
	pub query: QueryId,
	pub requester: String,
	pub patient: String,
	/// What it asks for: `records` (metadata, of every region) or `read` (the records of one
	/// region's grant).
	pub kind: &'static str,
	/// For a read: the region that holds the grant.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub read_from: Option<u32>,
	/// For a read: the grant, as that region numbers it.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub grant: Option<u64>,
	/// `routing` (the coordinator has not said where it went), `waiting` (for answers) or
	/// `ended`.
	pub state: &'static str,
	/// How it ended: `answered`, `denied`, `not_found`, `timed_out` or `failed`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub outcome: Option<&'static str>,
	/// Why it failed: `coordinator_unreachable` or `region_unreachable`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub failure: Option<&'static str>,
	/// Where it stands or how it ended, in words.
	pub explanation: String,
	/// The relay chain block it ended at.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub ended_at: Option<u32>,
	/// The relay chain block by which every answer must have come.
	pub deadline: u32,
	/// The relay chain block the region last saw, when this was read.
	pub relay_block: u32,
	/// The regions the coordinator forwarded it to.
	pub asked: Vec<u32>,
	/// The regions asked that have answered in full.
	pub answered: Vec<u32>,
	/// The regions holding records of the patient that the coordinator could not reach.
	pub unreachable: Vec<u32>,
	/// Records answered so far, in all regions.
	pub records: u32,
	/// What the requester has on hold for it until it is dismissed, in planck.
	pub deposit: u128,
	/// Every answer with records (those that denied or hold nothing store none).
	pub answers: Vec<AnswerView>,
}

/// The name of an outcome in JSON, and of its failure.
fn outcome_names(outcome: Outcome) -> (&'static str, Option<&'static str>) {
	match outcome {
		Outcome::Answered { .. } => ("answered", None),
		Outcome::Denied => ("denied", None),
		Outcome::NotFound => ("not_found", None),
		Outcome::TimedOut => ("timed_out", None),
		Outcome::Failed(Failure::CoordinatorUnreachable) =>
			("failed", Some("coordinator_unreachable")),
		Outcome::Failed(Failure::RegionUnreachable) => ("failed", Some("region_unreachable")),
	}
}

/// How a query ended, in words; `deadline` is its relay block deadline.
pub fn outcome_text(outcome: Outcome, deadline: u32) -> String {
	match outcome {
		Outcome::Answered { records } =>
			format!("answered: {} the requester may read", count_text(records, "record")),
		Outcome::Denied => "denied: regions hold records of this patient, but the requester holds \
		                    no live grant in any of them"
			.into(),
		Outcome::NotFound => "not found: no region holds records of this patient".into(),
		Outcome::TimedOut => format!(
			"timed out: not every region asked had answered by relay block {deadline} (the answers \
			 that came are below)"
		),
		Outcome::Failed(Failure::CoordinatorUnreachable) =>
			"failed: the coordinator could not be reached (no channel to it, or its queue was \
			 full), and this region had no records to give"
				.into(),
		Outcome::Failed(Failure::RegionUnreachable) =>
			"failed: the coordinator could not reach a region that holds records of this patient, \
			 and no region that answered had records to give"
				.into(),
	}
}

/// How a read of grant `grant` of region `region` ended, in words; `deadline` is its relay
/// block deadline.
pub fn read_outcome_text(outcome: Outcome, region: u32, grant: u64, deadline: u32) -> String {
	match outcome {
		Outcome::Answered { records } => format!(
			"answered: region {region} sent {} of grant {grant}, with their capsule fragments",
			count_text(records, "record")
		),
		Outcome::Denied => format!(
			"denied: region {region} refused to read grant {grant}: it is not the requester's, \
			 is revoked or expired, shares no record that is not voided, needs more capsule \
			 fragments than a read carries, was revoked before its proxies answered, or the \
			 region takes no more requests now"
		),
		Outcome::NotFound => format!(
			"not found: region {region} holds no record of this patient (or is no region of the \
			 federation)"
		),
		Outcome::TimedOut => format!(
			"timed out: region {region} had not sent every record of grant {grant} by relay \
			 block {deadline} (its proxies may not have answered the read's access request in \
			 time): ask again"
		),
		Outcome::Failed(Failure::CoordinatorUnreachable) =>
			"failed: the coordinator could not be reached (no channel to it, or its queue was \
			 full)"
				.into(),
		Outcome::Failed(Failure::RegionUnreachable) =>
			format!("failed: the coordinator could not reach region {region}"),
	}
}

impl QueryView {
	/// Query `id` as it stands, with its `answers`, read when the region was at relay block
	/// `relay_block`.
	pub fn new(
		id: QueryId,
		query: &Query,
		answers: &[(u32, RegionAnswer)],
		relay_block: u32,
	) -> Self {
		let (state, outcome, failure, ended_at, explanation) = match query.state {
			QueryState::Routing => (
				"routing",
				None,
				None,
				None,
				format!(
					"open: waiting for the coordinator to forward it (due at relay block {})",
					query.deadline
				),
			),
			QueryState::Waiting => {
				let missing = query.asked.iter().filter(|r| !query.answered.contains(r)).count();
				(
					"waiting",
					None,
					None,
					None,
					format!(
						"open: waiting for the answers of {missing} of {} (due at relay block {})",
						count_text(query.asked.len() as u32, "region"),
						query.deadline
					),
				)
			},
			QueryState::Ended { outcome, at } => {
				let (name, failure) = outcome_names(outcome);
				let explanation = match query.kind {
					QueryKind::Records => outcome_text(outcome, query.deadline),
					QueryKind::Read { region, grant } =>
						read_outcome_text(outcome, region, grant, query.deadline),
				};
				("ended", Some(name), failure, Some(at), explanation)
			},
		};
		let (kind, read_from, grant) = match query.kind {
			QueryKind::Records => ("records", None, None),
			QueryKind::Read { region, grant } => ("read", Some(region), Some(grant)),
		};
		QueryView {
			query: id,
			requester: query.requester.to_string(),
			patient: query.patient.to_string(),
			kind,
			read_from,
			grant,
			state,
			outcome,
			failure,
			explanation,
			ended_at,
			deadline: query.deadline,
			relay_block,
			asked: query.asked.clone(),
			answered: query.answered.clone(),
			unreachable: query.unreachable.clone(),
			records: query.records,
			deposit: query.deposit,
			answers: answers
				.iter()
				.map(|(region, answer)| AnswerView {
					region: *region,
					here: *region == id.region,
					complete: answer.pages >= answer.of,
					pages: answer.pages,
					of: answer.of,
					truncated: answer.truncated,
					records: answer.records.iter().map(SharedRecordView::from).collect(),
				})
				.collect(),
		}
	}
}

pub fn query_text(v: &QueryView) -> String {
	let id = query_id_text(&v.query);
	let mut lines = vec![
		format!("Query {id}: {}", v.explanation),
		format!("  patient      {}", v.patient),
		format!("  requester    {}", v.requester),
		format!(
			"  regions      asked {}; answered {}; unreachable {}",
			regions_list(&v.asked),
			regions_list(&v.answered),
			regions_list(&v.unreachable)
		),
	];
	if let (Some(region), Some(grant)) = (v.read_from, v.grant) {
		lines.push(format!("  reads        grant {grant} of region {region}"));
	}
	lines.push(ended_or_due(v.ended_at, v.deadline, v.relay_block));
	lines.push(deposit_line(&v.query, v.state, v.deposit));
	for answer in &v.answers {
		let whose = if answer.here {
			format!("Region {} (this region)", answer.region)
		} else {
			format!("Region {}", answer.region)
		};
		let mut about = count_text(answer.records.len() as u32, "record");
		if !answer.complete {
			about = format!("{about} so far (page {} of {})", answer.pages, answer.of);
		}
		if answer.truncated {
			about.push_str(
				", truncated: the region has more for the requester than one answer carries",
			);
		}
		lines.push(format!("{whose}: {about}"));
		for r in &answer.records {
			lines.push(format!(
				"  record {:<6} grant {:<5} {:<22} {:>10} B  {}",
				r.id, r.grant, r.resource_type, r.size, r.cid
			));
		}
	}
	let silent: Vec<u32> = v
		.answered
		.iter()
		.copied()
		.filter(|r| !v.answers.iter().any(|a| a.region == *r))
		.collect();
	// A read's records are not answers: `ehr query --read-from` writes them.
	if !silent.is_empty() && v.read_from.is_none() {
		lines.push(format!(
			"Region(s) {} answered with no record for the requester (no live grant there, or no \
			 record of the patient)",
			regions_list(&silent)
		));
	}
	lines.join("\n")
}

/// A query's "ended at" line, or its "due at" line while it is open.
fn ended_or_due(ended_at: Option<u32>, deadline: u32, relay_block: u32) -> String {
	match ended_at {
		Some(at) => format!("  ended at     relay block {at} (deadline {deadline})"),
		None => format!("  due at       relay block {deadline} (now {relay_block})"),
	}
}

/// A query's deposit line: held until its requester dismisses it.
fn deposit_line(query: &QueryId, state: &str, deposit: u128) -> String {
	let until = if state == "ended" {
		format!("until `ehr query dismiss {}`", query.nonce)
	} else {
		"until it ends and its requester dismisses it".into()
	};
	format!("  deposit      {} held {until}", units_text(deposit))
}

/// A capsule fragment that `ehr query --read-from` refused. The request it belongs to is the
/// holding region's, so a complaint goes to that region's node, not to this one.
#[derive(Debug, Serialize, PartialEq)]
pub struct RemoteBadFragmentView {
	/// The record, as the holding region numbers it.
	pub record: RecordId,
	/// The proxy's position in the grant, from 0 (`ehr grants` in the holding region lists the
	/// grant's proxies in that order).
	pub position: u32,
	pub error: String,
	/// The `ehr complain` command to send to the holding region's node (`--url`), which has
	/// its chain check the fragment; `None` for a copy of another proxy's fragment, which
	/// verifies and cannot be complained about.
	pub complain: Option<String>,
}

/// What `ehr query --read-from` did: the query, and for an answered one the records written.
#[derive(Debug, Serialize, PartialEq)]
pub struct QueryReadView {
	/// The asking region and the query's number there.
	#[serde(serialize_with = "serialize_query_id")]
	pub query: QueryId,
	/// `routing`, `waiting` or `ended`, as [`QueryView`]'s.
	pub state: &'static str,
	/// How it ended: `answered`, `denied`, `not_found`, `timed_out` or `failed`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub outcome: Option<&'static str>,
	/// Why it failed: `coordinator_unreachable` or `region_unreachable`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub failure: Option<&'static str>,
	/// Where it stands or how it ended, in words.
	pub explanation: String,
	/// The relay chain block it ended at.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub ended_at: Option<u32>,
	/// The relay chain block by which the records must have come.
	pub deadline: u32,
	/// The relay chain block the region last saw, when this was read.
	pub relay_block: u32,
	/// The region that holds the grant.
	pub region: u32,
	/// The grant, as that region numbers it.
	pub grant: u64,
	/// The access request that region opened for the read (its proxies' fragments are its),
	/// once the records have come: where a complaint goes.
	pub request: Option<u64>,
	/// What the requester has on hold for the query until it is dismissed, in planck.
	pub deposit: u128,
	/// The records decrypted and written.
	pub records: Vec<ReadRecordView>,
	/// The capsule fragments refused.
	pub bad_fragments: Vec<RemoteBadFragmentView>,
	/// The records that could not be read.
	pub failed: Vec<FailedRecordView>,
}

impl QueryReadView {
	/// Read query `id` (of grant `grant` of region `region`) as it stands, read when the region
	/// was at relay block `relay_block`; no record read yet.
	pub fn new(id: QueryId, query: &Query, region: u32, grant: u64, relay_block: u32) -> Self {
		let QueryView { state, outcome, failure, explanation, ended_at, deadline, deposit, .. } =
			QueryView::new(id, query, &[], relay_block);
		QueryReadView {
			query: id,
			state,
			outcome,
			failure,
			explanation,
			ended_at,
			deadline,
			relay_block,
			region,
			grant,
			request: None,
			deposit,
			records: vec![],
			bad_fragments: vec![],
			failed: vec![],
		}
	}
}

pub fn query_read_text(v: &QueryReadView) -> String {
	let mut lines = vec![format!("Query {}: {}", query_id_text(&v.query), v.explanation)];
	lines.push(match v.request {
		Some(request) => format!(
			"  reads        grant {} of region {}, under its request {request} there",
			v.grant, v.region
		),
		None => format!("  reads        grant {} of region {}", v.grant, v.region),
	});
	lines.push(ended_or_due(v.ended_at, v.deadline, v.relay_block));
	lines.push(deposit_line(&v.query, v.state, v.deposit));
	for r in &v.records {
		let to = if r.path == "-" { "standard output".into() } else { r.path.clone() };
		lines.push(format!(
			"  record {:<6} {:<22} {:>8} B  -> {to}",
			r.id, r.resource_type, r.bytes
		));
	}
	for b in &v.bad_fragments {
		lines.push(format!(
			"  warning: record {}: the capsule fragment of the grant's proxy {} was refused: {}",
			b.record, b.position, b.error
		));
		if let Some(command) = &b.complain {
			lines.push(format!(
				"    region {}'s chain can check it (request {} there); complain to region {}'s \
				 node, not this one: {command}",
				v.region,
				v.request.map(|r| r.to_string()).unwrap_or_else(|| "?".into()),
				v.region
			));
		}
	}
	for f in &v.failed {
		lines.push(format!("  FAILED record {}: {}", f.id, f.error));
	}
	lines.join("\n")
}

/// What `ehr query dismiss` did.
#[derive(Debug, Serialize, PartialEq)]
pub struct DismissView {
	#[serde(serialize_with = "serialize_query_id")]
	pub query: QueryId,
	/// The deposit released to the requester, in planck.
	pub released: u128,
}

pub fn dismiss_text(v: &DismissView) -> String {
	format!(
		"Query {} dismissed: its answers are removed and its deposit of {} released.",
		query_id_text(&v.query),
		units_text(v.released)
	)
}

#[cfg(test)]
mod sharing_tests {
	use super::*;
	use medfed_primitives::{umbral::dev, ResourceType};

	fn grant(revoked_at: Option<u32>) -> Grant {
		Grant {
			patient: AccountId32([1; 32]),
			grantee: AccountId32([2; 32]),
			grantee_key: dev::public_key("Bob"),
			scope: Scope::Types(vec![
				ResourceType::parse(b"Observation").expect("FHIR type"),
				ResourceType::parse(b"Condition").expect("FHIR type"),
			]),
			threshold: 2,
			proxies: vec![AccountId32([3; 32]), AccountId32([4; 32]), AccountId32([5; 32])],
			salt: [9; 32],
			delegating_key: dev::public_key("Charlie"),
			verifying_key: dev::public_key("Dave"),
			granted_at: 10,
			expires_at: 110,
			revoked_at,
		}
	}

	#[test]
	fn a_grant_is_live_until_its_expiry_block_and_revoked_for_good() {
		assert_eq!(grant_state(&grant(None), 109), "live");
		assert_eq!(grant_state(&grant(None), 110), "expired");
		assert_eq!(grant_state(&grant(Some(50)), 60), "revoked");
		assert_eq!(grant_state(&grant(Some(50)), 200), "revoked");

		let view = GrantView::new(4, &grant(None), 20);
		let json = serde_json::to_value(&view).expect("serialises");
		assert_eq!(json["id"], 4);
		assert_eq!(json["state"], "live");
		assert_eq!(json["scope"]["kind"], "types");
		assert_eq!(json["scope"]["of"][1], "Condition");
		assert_eq!(json["proxies"].as_array().map(Vec::len), Some(3));
		assert!(json.get("revoked_at").is_none());
		let text = grant_text(&view);
		assert!(text.starts_with("Grant 4 (live until block 110)"), "{text}");
		assert!(text.contains("types Observation, Condition"), "{text}");
		assert!(text.contains("2 of 3 proxies"), "{text}");
		let revoked = grant_text(&GrantView::new(4, &grant(Some(50)), 60));
		assert!(revoked.starts_with("Grant 4 (revoked at block 50)"), "{revoked}");
	}

	#[test]
	fn a_denied_request_names_its_reason() {
		let request = Request {
			grant: 4,
			requester: AccountId32([2; 32]),
			records: vec![3, 7],
			purpose: b"referral".to_vec(),
			requested_at: 30,
			deadline: 50,
			state: RequestState::Denied { reason: Denial::OutOfScope, at: 30 },
		};
		let view = RequestView::new(12, &request);
		let json = serde_json::to_value(&view).expect("serialises");
		assert_eq!(json["state"], "denied");
		assert_eq!(json["reason"], "out-of-scope");
		assert_eq!(json["ended_at"], 30);
		assert_eq!(json["records"], serde_json::json!([3, 7]));
		assert!(json.get("denial").is_none());
		let text = request_text(&view);
		assert!(text.contains("DENIED at block 30: a requested record is outside"), "{text}");
		assert!(text.contains("records       3, 7"), "{text}");

		let open = RequestView::new(12, &Request { state: RequestState::Open, ..request });
		assert!(serde_json::to_value(&open).expect("serialises").get("reason").is_none());
		assert!(request_text(&open).contains("open until block 50"));
	}

	#[test]
	fn an_audit_entry_is_one_line_of_block_region_actor_and_what() {
		let entry = AuditEntry {
			at: 31,
			actor: AccountId32([4; 32]),
			region: 2000,
			event: AccessEvent::FragmentsIssued {
				request: 12,
				proxy: AccountId32([4; 32]),
				records: vec![3, 7],
			},
		};
		let proxy = AccountId32([4; 32]).to_string();
		assert_eq!(
			audit_line(&entry),
			format!(
				"block 31       region 2000  {proxy}  fragments issued for request 12 by the \
				 proxy of {proxy}, records 3, 7"
			)
		);
		let json = serde_json::to_value(&entry).expect("serialises");
		assert_eq!(json["event"], "fragments_issued");
		assert_eq!(json["region"], 2000);
		assert_eq!(json["records"], serde_json::json!([3, 7]));

		let requested = AccessEvent::Requested {
			request: 12,
			grant: 4,
			records: vec![3],
			purpose: b"referral".to_vec(),
		};
		assert_eq!(
			access_event_text(&requested),
			"requested records 3 under grant 4 (request 12), purpose \"referral\""
		);
		assert_eq!(
			access_event_text(&AccessEvent::Denied { request: 12, reason: Denial::Revoked }),
			"denied request 12: the patient revoked the grant"
		);
		let view = AuditView { patient: "p".into(), total: 0, entries: vec![] };
		assert_eq!(audit_text(&view), "p: no access history.");
	}
}

#[cfg(test)]
mod query_tests {
	use super::*;
	use medfed_primitives::{Cid, ResourceType};

	const CID: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
	const ID: QueryId = QueryId { region: 2000, nonce: 3 };

	fn shared(id: u64, grant: u64, resource_type: &str) -> SharedRecord {
		SharedRecord {
			id,
			grant,
			resource_type: ResourceType::parse(resource_type.as_bytes()).expect("FHIR type"),
			cid: Cid::parse(CID.as_bytes()).expect("CID"),
			size: 1_234,
			created_at: 12,
		}
	}

	fn query(state: QueryState, asked: Vec<u32>, answered: Vec<u32>) -> Query {
		Query {
			requester: AccountId32([2; 32]),
			patient: AccountId32([1; 32]),
			kind: QueryKind::Records,
			deadline: 1_040,
			state,
			asked,
			answered,
			unreachable: vec![],
			records: 4,
			served: true,
			denied: false,
			deposit: 100_000_000_000,
			refused: vec![],
			heard: vec![],
		}
	}

	#[test]
	fn a_query_names_its_outcome_and_every_regions_records() {
		let ended = QueryState::Ended { outcome: Outcome::Answered { records: 4 }, at: 1_003 };
		let answers = vec![
			(
				2000,
				RegionAnswer {
					pages: 1,
					of: 1,
					truncated: false,
					records: vec![shared(3, 0, "Observation")],
				},
			),
			(
				2001,
				RegionAnswer {
					pages: 1,
					of: 1,
					truncated: true,
					records: vec![
						shared(8, 2, "Condition"),
						shared(9, 2, "Bundle"),
						shared(10, 5, "Bundle"),
					],
				},
			),
		];
		let view =
			QueryView::new(ID, &query(ended, vec![2001, 2002], vec![2001, 2002]), &answers, 1_010);
		let text = query_text(&view);
		let lines: Vec<&str> = text.lines().collect();
		assert_eq!(lines[0], "Query 2000/3: answered: 4 records the requester may read", "{text}");
		assert!(
			text.contains("regions      asked 2001, 2002; answered 2001, 2002; unreachable none"),
			"{text}"
		);
		assert!(text.contains("ended at     relay block 1003 (deadline 1040)"), "{text}");
		assert!(text.contains("deposit      0.1 unit held until `ehr query dismiss 3`"), "{text}");
		assert!(text.contains("Region 2000 (this region): 1 record\n"), "{text}");
		assert!(
			text.contains(&format!(
				"  record 3      grant 0     Observation                  1234 B  {CID}"
			)),
			"{text}"
		);
		assert!(text.contains("Region 2001: 3 records, truncated"), "{text}");
		assert!(
			text.contains("Region(s) 2002 answered with no record for the requester"),
			"{text}"
		);

		let json = serde_json::to_value(&view).expect("serialises");
		assert_eq!(json["query"], serde_json::json!({"region": 2000, "nonce": 3}));
		assert_eq!(
			(json["state"].as_str(), json["outcome"].as_str()),
			(Some("ended"), Some("answered"))
		);
		assert!(json.get("failure").is_none());
		assert_eq!(json["ended_at"], 1_003);
		assert_eq!(json["deposit"], 100_000_000_000u64);
		assert_eq!(json["answers"][0]["here"], true);
		assert_eq!(json["answers"][1]["here"], false);
		assert_eq!(json["answers"][1]["truncated"], true);
		assert_eq!(
			json["answers"][0]["records"][0],
			serde_json::json!({"id": 3, "grant": 0, "resource_type": "Observation", "cid": CID,
				"size": 1234, "created_at": 12})
		);
	}

	#[test]
	fn every_outcome_and_open_state_is_said_in_words() {
		let ended = |outcome| {
			let view = QueryView::new(
				ID,
				&query(QueryState::Ended { outcome, at: 1_041 }, vec![], vec![]),
				&[],
				1_041,
			);
			(query_text(&view), serde_json::to_value(&view).expect("serialises"))
		};
		let (text, json) = ended(Outcome::Denied);
		assert!(text.starts_with("Query 2000/3: denied: regions hold records of this patient, but the requester holds no live grant in any of them"), "{text}");
		assert_eq!(json["outcome"], "denied");
		let (text, json) = ended(Outcome::NotFound);
		assert!(
			text.starts_with("Query 2000/3: not found: no region holds records of this patient"),
			"{text}"
		);
		assert_eq!(json["outcome"], "not_found");
		let (text, json) = ended(Outcome::TimedOut);
		assert!(
			text.contains("timed out: not every region asked had answered by relay block 1040"),
			"{text}"
		);
		assert_eq!(json["outcome"], "timed_out");
		let (text, json) = ended(Outcome::Failed(Failure::CoordinatorUnreachable));
		assert!(text.contains("failed: the coordinator could not be reached"), "{text}");
		assert_eq!(
			(json["outcome"].as_str(), json["failure"].as_str()),
			(Some("failed"), Some("coordinator_unreachable"))
		);
		let (text, json) = ended(Outcome::Failed(Failure::RegionUnreachable));
		assert!(text.contains("failed: the coordinator could not reach a region"), "{text}");
		assert_eq!(json["failure"], "region_unreachable");

		let waiting = QueryView::new(
			ID,
			&query(QueryState::Waiting, vec![2001, 2002], vec![2002]),
			&[],
			1_010,
		);
		let text = query_text(&waiting);
		assert!(text.starts_with("Query 2000/3: open: waiting for the answers of 1 of 2 regions (due at relay block 1040)"), "{text}");
		assert!(text.contains("due at       relay block 1040 (now 1010)"), "{text}");
		assert!(text.contains("held until it ends and its requester dismisses it"), "{text}");
		let json = serde_json::to_value(&waiting).expect("serialises");
		assert_eq!(json["state"], "waiting");
		assert!(json.get("outcome").is_none() && json.get("ended_at").is_none());
		let routing = QueryView::new(ID, &query(QueryState::Routing, vec![], vec![]), &[], 1_001);
		assert!(query_text(&routing).contains("open: waiting for the coordinator to forward it"));
		assert_eq!(routing.state, "routing");

		// An answer still coming in pages says so.
		let partial = vec![(
			2001,
			RegionAnswer {
				pages: 1,
				of: 2,
				truncated: false,
				records: vec![shared(8, 2, "Bundle")],
			},
		)];
		let view =
			QueryView::new(ID, &query(QueryState::Waiting, vec![2001], vec![]), &partial, 1_010);
		assert!(!view.answers[0].complete);
		assert!(query_text(&view).contains("Region 2001: 1 record so far (page 1 of 2)"));
	}

	/// A read of grant 4 of region 2000, asked in region 2001, in `state`.
	fn read_query(state: QueryState) -> Query {
		Query {
			kind: QueryKind::Read { region: 2000, grant: 4 },
			records: 1,
			..query(state, vec![2000], vec![2000])
		}
	}

	const ASKED_IN_B: QueryId = QueryId { region: 2001, nonce: 3 };

	#[test]
	fn a_read_query_says_its_region_grant_request_and_what_it_wrote() {
		let ended = QueryState::Ended { outcome: Outcome::Answered { records: 1 }, at: 1_010 };
		let mut view = QueryReadView::new(ASKED_IN_B, &read_query(ended), 2000, 4, 1_012);
		view.request = Some(7);
		view.records.push(ReadRecordView {
			id: 3,
			resource_type: "Bundle".into(),
			path: "out/3.json".into(),
			bytes: 4_096,
		});
		view.bad_fragments.push(RemoteBadFragmentView {
			record: 3,
			position: 1,
			error: "it could not be decoded".into(),
			complain: Some("ehr --url <region 2000's node> complain --request 7 …".into()),
		});
		let text = query_read_text(&view);
		let lines: Vec<&str> = text.lines().collect();
		assert_eq!(
			lines[0],
			"Query 2001/3: answered: region 2000 sent 1 record of grant 4, with their capsule \
			 fragments",
			"{text}"
		);
		assert!(text.contains("reads        grant 4 of region 2000, under its request 7 there"));
		assert!(text.contains("ended at     relay block 1010 (deadline 1040)"), "{text}");
		assert!(text.contains("deposit      0.1 unit held until `ehr query dismiss 3`"), "{text}");
		assert!(text.contains("record 3      Bundle"), "{text}");
		assert!(text.contains("4096 B  -> out/3.json"), "{text}");
		assert!(
			text.contains("record 3: the capsule fragment of the grant's proxy 1 was refused"),
			"{text}"
		);
		assert!(
			text.contains("region 2000's chain can check it (request 7 there); complain to region 2000's node, not this one: ehr --url <region 2000's node> complain"),
			"{text}"
		);
		let json = serde_json::to_value(&view).expect("serialises");
		assert_eq!(json["query"], serde_json::json!({"region": 2001, "nonce": 3}));
		assert_eq!(json["outcome"], "answered");
		assert_eq!((json["region"].as_u64(), json["grant"].as_u64()), (Some(2000), Some(4)));
		assert_eq!(json["request"], 7);
		assert_eq!(
			json["records"],
			serde_json::json!([{"id": 3, "resource_type": "Bundle", "path": "out/3.json",
				"bytes": 4096}])
		);
		assert_eq!(json["bad_fragments"][0]["position"], 1);
		assert_eq!(json["bad_fragments"][0]["record"], 3);
		assert!(json["bad_fragments"][0]["complain"]
			.as_str()
			.is_some_and(|c| c.contains("--request 7")));
		assert_eq!(json["failed"], serde_json::json!([]));
	}

	#[test]
	fn a_read_that_brought_nothing_says_why_and_has_no_request() {
		let ended = |outcome| {
			let query = read_query(QueryState::Ended { outcome, at: 1_041 });
			let view = QueryReadView::new(ASKED_IN_B, &query, 2000, 4, 1_041);
			(query_read_text(&view), serde_json::to_value(&view).expect("serialises"))
		};
		let (text, json) = ended(Outcome::Denied);
		assert!(text.starts_with("Query 2001/3: denied: region 2000 refused to read grant 4"));
		assert!(text.contains("reads        grant 4 of region 2000\n"), "{text}");
		assert_eq!(json["outcome"], "denied");
		assert_eq!(json["request"], serde_json::Value::Null);
		assert_eq!(json["records"], serde_json::json!([]));
		let (text, json) = ended(Outcome::NotFound);
		assert!(text.contains("not found: region 2000 holds no record of this patient"), "{text}");
		assert_eq!(json["outcome"], "not_found");
		let (text, json) = ended(Outcome::TimedOut);
		assert!(
			text.contains(
				"timed out: region 2000 had not sent every record of grant 4 by relay block 1040"
			),
			"{text}"
		);
		assert_eq!(json["outcome"], "timed_out");
		let (text, json) = ended(Outcome::Failed(Failure::RegionUnreachable));
		assert!(text.contains("failed: the coordinator could not reach region 2000"), "{text}");
		assert_eq!(json["failure"], "region_unreachable");
		// Open: as a metadata query says it.
		let waiting =
			QueryReadView::new(ASKED_IN_B, &read_query(QueryState::Waiting), 2000, 4, 1_020);
		assert_eq!((waiting.state, waiting.outcome), ("waiting", None));
		assert!(query_read_text(&waiting).contains("due at       relay block 1040 (now 1020)"));

		// `ehr query show` of a read names it, and no region "with no record".
		let shown = QueryView::new(
			ASKED_IN_B,
			&read_query(QueryState::Ended { outcome: Outcome::Answered { records: 1 }, at: 9 }),
			&[],
			10,
		);
		let text = query_text(&shown);
		assert!(text.contains("answered: region 2000 sent 1 record of grant 4"), "{text}");
		assert!(text.contains("reads        grant 4 of region 2000"), "{text}");
		assert!(!text.contains("with no record"), "{text}");
		let json = serde_json::to_value(&shown).expect("serialises");
		assert_eq!((json["kind"].as_str(), json["read_from"].as_u64()), (Some("read"), Some(2000)));
		assert_eq!(json["grant"], 4);
		let metadata = serde_json::to_value(QueryView::new(
			ID,
			&query(QueryState::Waiting, vec![], vec![]),
			&[],
			10,
		))
		.expect("serialises");
		assert_eq!(metadata["kind"], "records");
		assert!(metadata.get("read_from").is_none() && metadata.get("grant").is_none());
	}

	#[test]
	fn deposits_are_printed_in_units() {
		assert_eq!(units_text(100_000_000_000), "0.1 unit");
		assert_eq!(units_text(1_000_000_000_000), "1 unit");
		assert_eq!(units_text(2_500_000_000_000), "2.5 units");
		assert_eq!(units_text(1), "0.000000000001 unit");
		assert_eq!(units_text(0), "0 units");
		let dismissed = DismissView { query: ID, released: 100_000_000_000 };
		assert_eq!(
			dismiss_text(&dismissed),
			"Query 2000/3 dismissed: its answers are removed and its deposit of 0.1 unit released."
		);
		let json = serde_json::to_value(&dismissed).expect("serialises");
		assert_eq!(
			json,
			serde_json::json!({"query": {"region": 2000, "nonce": 3}, "released": 100_000_000_000u64})
		);
	}

	#[test]
	fn the_audit_trail_says_which_region_answered_or_refused_which_query() {
		let entry =
			|region, event| AuditEntry { at: 31, actor: AccountId32([4; 32]), region, event };
		let actor = AccountId32([4; 32]).to_string();
		assert_eq!(
			audit_line(&entry(2001, AccessEvent::QueryServed { query: ID, records: 5 })),
			format!("block 31       region 2001  {actor}  the region answered query 2000/3 with the metadata of 5 records")
		);
		assert_eq!(
			access_event_text(&AccessEvent::QueryServed { query: ID, records: 1 }),
			"the region answered query 2000/3 with the metadata of 1 record"
		);
		assert_eq!(
			access_event_text(&AccessEvent::QueryDenied { query: ID }),
			"the region refused query 2000/3: no live grant"
		);
		assert_eq!(
			access_event_text(&AccessEvent::QueryAnswered { query: ID, from: 2001, records: 3 }),
			"received region 2001's answer to query 2000/3: 3 records"
		);
		let json = serde_json::to_value(entry(
			2000,
			AccessEvent::QueryAnswered { query: ID, from: 2001, records: 3 },
		))
		.expect("serialises");
		assert_eq!(json["event"], "query_answered");
		assert_eq!(json["from"], 2001);
		assert_eq!(json["records"], 3);
		assert_eq!(json["query"]["nonce"], 3);
	}
}
