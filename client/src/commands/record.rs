//! `ehr record register|list|show|void`: record metadata, registered by member institutions;
//! voiding one is a motion of the authority collective (see `proposal`).

use super::{
	args::{hash_arg, hex_arg},
	proposal::{motion, Quorum},
	Context,
};
use crate::{
	chain::{
		account,
		calls::{self, Call},
		registered_record_id,
	},
	cli::RecordCmd,
	render::{page_text, page_view, print, record_text, PinView, RecordView},
};
use anyhow::{anyhow, bail, Context as _, Result};
use medfed_primitives::{Capsule, Cid, ResourceType, WrappedKey};

/// Runs `ehr record …`.
pub(super) async fn run(context: &Context, command: RecordCmd) -> Result<()> {
	let (chain, json, keystore) = (&context.chain, context.json, &context.keystore);
	match command {
		RecordCmd::Register {
			signer,
			patient,
			resource_type,
			cid,
			sha256,
			capsule,
			wrapped_key,
			size,
			supersedes,
		} => {
			let call = record_call(
				&patient,
				&resource_type,
				&cid,
				&sha256,
				&capsule,
				&wrapped_key,
				size,
				supersedes,
			)?;
			let included = chain.submit(call, &signer.keypair(keystore)?).await?;
			let id = registered_record_id(&included.events)?;
			let record = chain
				.reading_at(included.block)
				.record(id)
				.await?
				.context("the record is not on chain after registering")?;
			print(json, &RecordView::from(&record), record_text);
			Ok(())
		},
		RecordCmd::List { patient, start, limit } => {
			let patient = account(&patient)?;
			let page = chain.records_of_patient(&patient, start, limit).await?;
			print(json, &page_view(&page, start), page_text);
			Ok(())
		},
		RecordCmd::Void { signer, id } => {
			let keypair = signer.keypair(keystore)?;
			chain
				.record(id)
				.await?
				.ok_or_else(|| anyhow!("no record {id} in this region"))?;
			motion(chain, json, calls::void_record(id), Quorum::Majority, &keypair).await
		},
		RecordCmd::Show { id } => {
			let record = chain
				.record(id)
				.await?
				.ok_or_else(|| anyhow!("no record {id} in this region"))?;
			let mut view = RecordView::from(&record);
			view.pins = chain
				.pin_status(id)
				.await?
				.into_iter()
				.map(|(authority, state)| PinView::new(authority.to_string(), state))
				.collect();
			print(json, &view, record_text);
			Ok(())
		},
	}
}

/// The `Records.register_record` call for these arguments, checked as the chain will check
/// them.
fn record_call(
	patient: &str,
	resource_type: &str,
	cid: &str,
	sha256: &str,
	capsule: &str,
	wrapped_key: &str,
	size: u64,
	supersedes: Option<u64>,
) -> Result<Call> {
	let patient = account(patient)?;
	let resource_type = ResourceType::parse(resource_type.as_bytes())
		.ok_or_else(|| anyhow!("'{resource_type}' is not a FHIR R4 resource type (they are case-sensitive, e.g. Observation)"))?;
	let cid = Cid::parse(cid.as_bytes())
		.map_err(|e| anyhow!("'{cid}' is not a CID MedFed accepts: {e:?}"))?;
	let hash = hash_arg("--sha256", sha256)?;
	let capsule = Capsule::parse(&hex_arg("--capsule", capsule)?)
		.map_err(|e| anyhow!("--capsule is not an Umbral capsule: {e:?}"))?;
	let wrapped_key = hex_arg("--wrapped-key", wrapped_key)?;
	let wrapped_key = WrappedKey::parse(&wrapped_key).map_err(|_| {
		anyhow!(
			"--wrapped-key must be {} bytes (the document key as umbral-pre encrypts it), not {}",
			medfed_primitives::umbral::WRAPPED_KEY_LEN,
			wrapped_key.len()
		)
	})?;
	if size == 0 {
		bail!("--size must be the ciphertext's size in bytes, not 0");
	}
	Ok(calls::register_record(
		&patient,
		resource_type,
		&cid,
		&hash,
		&capsule,
		&wrapped_key,
		size,
		supersedes,
	))
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const CAPSULE: &str = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f817980279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f817980000000000000000000000000000000000000000000000000000000000000001";

	#[test]
	fn record_arguments_are_checked_before_anything_is_sent() {
		let wrapped = "ab".repeat(72);
		let ok = |cid: &str, ty: &str, hash: &str, capsule: &str, size| {
			record_call(ALICE, ty, cid, hash, capsule, &wrapped, size, None).map(|_| ())
		};
		let cid = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
		let hash = "ab".repeat(32);
		assert!(ok(cid, "Bundle", &hash, CAPSULE, 10).is_ok());
		let err = |r: Result<()>| r.expect_err("refused").to_string();
		assert!(err(ok("Qm123", "Bundle", &hash, CAPSULE, 10)).contains("not a CID"));
		assert!(err(ok(cid, "bundle", &hash, CAPSULE, 10)).contains("FHIR R4"));
		assert!(err(ok(cid, "Bundle", "abcd", CAPSULE, 10)).contains("32 bytes"));
		assert!(err(ok(cid, "Bundle", &hash, &CAPSULE[..100], 10)).contains("Umbral capsule"));
		assert!(err(ok(cid, "Bundle", &hash, CAPSULE, 0)).contains("--size"));
		assert!(record_call("not-an-address", "Bundle", cid, &hash, CAPSULE, &wrapped, 1, None)
			.is_err());
		let wrapped_key = |wrapped: &str| {
			record_call(ALICE, "Bundle", cid, &hash, CAPSULE, wrapped, 10, None).map(|_| ())
		};
		assert!(err(wrapped_key(&"ab".repeat(71))).contains("--wrapped-key must be 72 bytes"));
		assert!(err(wrapped_key(&"ab".repeat(73))).contains("--wrapped-key must be 72 bytes"));
	}
}
