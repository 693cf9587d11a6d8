//! Encrypted storage: `ehr upload` (encrypt to the patient, add to IPFS, register on chain) and
//! `ehr fetch` (fetch from IPFS, check against the chain, decrypt).

use crate::{
	chain::{self, Chain, Record},
	ipfs::Ipfs,
	keystore::Identity,
};
use anyhow::{anyhow, bail, Context, Result};
use medfed_primitives::{
	cid::{CidVersion, Codec, HashAlg},
	envelope, Cid, CiphertextHash, ResourceType,
};
use serde::Serialize;
use std::{
	io::IsTerminal,
	time::{Duration, Instant},
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;

/// How long each stage of an upload took.
#[derive(Debug, Default, Serialize)]
pub struct Timings {
	pub encrypt_ms: f64,
	pub ipfs_add_ms: f64,
	/// Checking that the CID is the ciphertext's (reading it back when it is a DAG).
	pub cid_check_ms: f64,
	pub inclusion_ms: f64,
}

fn ms(d: Duration) -> f64 {
	d.as_secs_f64() * 1000.0
}

/// Checks that `document` is FHIR R4 JSON: a JSON object whose `resourceType` names an R4
/// resource. Returns that type.
pub fn fhir_resource_type(document: &[u8]) -> Result<ResourceType> {
	let value: serde_json::Value = serde_json::from_slice(document)
		.context("the document is not JSON (FHIR R4 JSON expected)")?;
	let name = value
		.as_object()
		.ok_or_else(|| {
			anyhow!("the document is JSON but not an object: FHIR resources are JSON objects")
		})?
		.get("resourceType")
		.ok_or_else(|| anyhow!("the document has no resourceType: it is not a FHIR resource"))?
		.as_str()
		.ok_or_else(|| anyhow!("the document's resourceType is not a string"))?;
	ResourceType::parse(name.as_bytes()).ok_or_else(|| {
		anyhow!("'{name}' is not a FHIR R4 resource type (they are case-sensitive, e.g. Bundle)")
	})
}

/// Reports upload progress on stderr: a running line on a terminal, every quarter otherwise.
fn progress_reporter(total: u64) -> impl Fn(u64) + Send + Sync + 'static {
	let terminal = std::io::stderr().is_terminal();
	let last_quarter = std::sync::atomic::AtomicU64::new(0);
	move |sent| {
		let percent = (sent * 100).checked_div(total).unwrap_or(100);
		if terminal {
			eprint!("\r  IPFS: {sent} of {total} bytes ({percent}%)");
			if sent == total {
				eprintln!();
			}
		} else {
			let quarter = percent / 25;
			if quarter > last_quarter.swap(quarter, std::sync::atomic::Ordering::Relaxed) {
				eprintln!("  IPFS: {sent} of {total} bytes ({percent}%)");
			}
		}
	}
}

/// Encrypts `document` to `patient`, adds the ciphertext to IPFS and registers the record, as
/// `issuer`. If registration fails, the upload's pin is removed again, so nothing is left
/// half-registered.
pub async fn upload(
	chain: &Chain,
	ipfs: &Ipfs,
	issuer: &Keypair,
	patient: &AccountId32,
	document: &[u8],
	supersedes: Option<u64>,
) -> Result<(Record, Timings)> {
	let resource_type = fhir_resource_type(document)?;
	// Everything the chain will check that can be checked before the upload.
	let issuer_account = issuer.public_key().to_account_id();
	let institution = chain
		.institution(&issuer_account)
		.await?
		.ok_or_else(|| anyhow!("{issuer_account} is not a member institution of this region: only members register records"))?;
	if let medfed_primitives::MembershipStatus::Removed { .. } = institution.status {
		bail!("{issuer_account} has been removed from the region and may not register records");
	}
	let patient_info = chain.patient(patient).await?.ok_or_else(|| {
		anyhow!("{patient} has no Umbral key on this chain: the patient registers first (`ehr patient register`)")
	})?;

	let mut timings = Timings::default();
	let started = Instant::now();
	let sealed = envelope::seal(&mut rand_core::OsRng, &patient_info.key, document)?;
	timings.encrypt_ms = ms(started.elapsed());
	let hash = sealed.hash();
	let size = sealed.ciphertext.len() as u64;

	let started = Instant::now();
	let cid = ipfs.add(sealed.ciphertext, progress_reporter(size)).await?;
	timings.ipfs_add_ms = ms(started.elapsed());
	let started = Instant::now();
	if let Err(error) = check_cid(ipfs, &cid, &hash).await {
		let _ = ipfs.unpin(&cid).await;
		return Err(error);
	}
	timings.cid_check_ms = ms(started.elapsed());

	let call = chain::calls::register_record(
		patient,
		resource_type,
		&cid,
		&hash,
		&sealed.capsule,
		&sealed.wrapped_key,
		size,
		supersedes,
	);
	let started = Instant::now();
	let registered = chain.submit(call, issuer).await;
	timings.inclusion_ms = ms(started.elapsed());
	let included = match registered {
		Ok(included) => included,
		Err(error) => return Err(undo_upload(chain, ipfs, patient, &hash, &cid, error).await),
	};
	let id = chain::registered_record_id(&included.events)?;
	let record = chain
		.reading_at(included.block)
		.record(id)
		.await?
		.context("the record is not on chain after registering")?;
	Ok((record, timings))
}

/// Whether `cid` names a raw block of exactly the bytes hashing to `hash`: `None` if the CID
/// is a DAG (a ciphertext of more than one chunk), which only reading it back can tell.
pub fn raw_cid_matches(cid: &Cid, hash: &CiphertextHash) -> Option<bool> {
	(cid.version == CidVersion::V1 && cid.codec == Codec::Raw)
		.then(|| cid.hash == HashAlg::Sha2_256 && cid.digest.as_slice() == hash.as_slice())
}

/// Makes sure the IPFS node's CID is the CID of the ciphertext we sent: computed for one chunk,
/// read back and hashed for more. A node that answers with another CID is refused, so no
/// record ever names content other than its ciphertext.
async fn check_cid(ipfs: &Ipfs, cid: &Cid, hash: &CiphertextHash) -> Result<()> {
	let matches = match raw_cid_matches(cid, hash) {
		Some(matches) => matches,
		None => &envelope::ciphertext_hash(&ipfs.cat(cid).await?) == hash,
	};
	if !matches {
		bail!(
			"the IPFS node answered the upload with {}, which is not the CID of the ciphertext \
			 sent; nothing was registered. Check the node at the --ipfs address.",
			cid.to_text()
		);
	}
	Ok(())
}

/// After a failed registration: unless the record did reach the chain, removes the pin, and
/// explains what happened and what to do.
async fn undo_upload(
	chain: &Chain,
	ipfs: &Ipfs,
	patient: &AccountId32,
	hash: &CiphertextHash,
	cid: &Cid,
	error: anyhow::Error,
) -> anyhow::Error {
	match find_by_hash(chain, patient, hash).await {
		Ok(Some(id)) =>
			return anyhow!(
				"{error:#}\nbut the record did reach the chain as record {id}: nothing to redo"
			),
		Ok(None) => {},
		Err(check) =>
			return anyhow!(
				"{error:#}\nand the chain cannot be asked whether the record got in ({check:#}). The \
				 ciphertext stays pinned as {}: run `ehr record list --patient {patient}` once the node \
				 is back, and upload again only if it is not there",
				cid.to_text()
			),
	}
	match ipfs.unpin(cid).await {
		Ok(()) => anyhow!(
			"{error:#}\nThe record was not registered, and the ciphertext's pin ({}) was removed again: \
			 nothing is half-registered. Fix the cause and run the upload again.",
			cid.to_text()
		),
		Err(unpin) => anyhow!(
			"{error:#}\nThe record was not registered, and removing the ciphertext's pin failed too \
			 ({unpin:#}): remove it with `ipfs pin rm {}` (it is only ciphertext), then upload again.",
			cid.to_text()
		),
	}
}

/// The id of the patient's record with ciphertext `hash`, looking at their latest records.
async fn find_by_hash(
	chain: &Chain,
	patient: &AccountId32,
	hash: &CiphertextHash,
) -> Result<Option<u64>> {
	let total = chain.records_of_patient(patient, 0, 0).await?.total;
	let recent = chain.records_of_patient(patient, total.saturating_sub(16), 16).await?;
	Ok(recent.records.iter().find(|r| &r.record.ciphertext_hash == hash).map(|r| r.id))
}

/// Fetches record `id` from IPFS, checks it against the hash on chain and decrypts it with the
/// patient's key. Only the record's patient can open it until access grants exist.
pub async fn fetch(chain: &Chain, ipfs: &Ipfs, patient: &Identity, id: u64) -> Result<Vec<u8>> {
	let record = chain
		.record(id)
		.await?
		.ok_or_else(|| anyhow!("no record {id} in this region"))?;
	if let Some(at) = record.voided_at {
		bail!("record {id} was voided by the region's authorities at block {at}: it is not served");
	}
	let record = record.record;
	if record.patient != patient.account() {
		bail!(
			"record {id} belongs to {}, not to '{}' ({}): it is encrypted to its patient",
			record.patient,
			patient.name,
			patient.account()
		);
	}
	let ciphertext = ipfs.cat(&record.cid).await?;
	if ciphertext.len() as u64 != record.size {
		bail!(
			"IPFS returned {} bytes for {}, but the record is {} bytes: refusing to decrypt",
			ciphertext.len(),
			record.cid.to_text(),
			record.size
		);
	}
	envelope::open(
		&patient.umbral,
		&record.capsule,
		&record.wrapped_key,
		&record.ciphertext_hash,
		&ciphertext,
	)
	.map_err(|e| anyhow!("record {id}: {e}"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_raw_cid_must_be_the_hash_of_the_ciphertext() {
		let hash = envelope::ciphertext_hash(b"ciphertext");
		let raw = |hash_alg, digest: &[u8]| Cid {
			version: CidVersion::V1,
			codec: Codec::Raw,
			hash: hash_alg,
			digest: digest.to_vec().try_into().expect("fits"),
		};
		assert_eq!(raw_cid_matches(&raw(HashAlg::Sha2_256, &hash), &hash), Some(true));
		let other = envelope::ciphertext_hash(b"other bytes");
		assert_eq!(raw_cid_matches(&raw(HashAlg::Sha2_256, &other), &hash), Some(false));
		assert_eq!(raw_cid_matches(&raw(HashAlg::Blake3, &hash), &hash), Some(false));
		// A DAG root can only be checked by reading the content back.
		let dag = Cid { codec: Codec::DagPb, ..raw(HashAlg::Sha2_256, &hash) };
		assert_eq!(raw_cid_matches(&dag, &hash), None);
	}

	#[test]
	fn only_fhir_json_is_uploaded() {
		let ok = |doc: &str| fhir_resource_type(doc.as_bytes()).map(|t| t.as_str().to_owned());
		assert_eq!(ok(r#"{"resourceType":"Bundle","type":"collection"}"#).unwrap(), "Bundle");
		let err = |doc: &str| ok(doc).expect_err("refused").to_string();
		assert!(err("not json").contains("not JSON"));
		assert!(err("[1,2]").contains("not an object"));
		assert!(err(r#"{"id":"x"}"#).contains("no resourceType"));
		assert!(err(r#"{"resourceType":3}"#).contains("not a string"));
		assert!(err(r#"{"resourceType":"bundle"}"#).contains("FHIR R4"));
	}
}
