//! How the client shows what it reads: readable text by default, JSON with `--json`.

use crate::chain::{Institution, Record};
use medfed_primitives::{MembershipStatus, Patient, PinState, RecordPage, Role, Unpinnable};
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
