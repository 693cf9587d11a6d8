//! `ehr query --read-from REGION --grant GRANT --output PATH`: the signer reads, from its own
//! region, the records that another region's grant shares with it.
//!
//! `ehr` asks `Federation.query` with `QueryKind::Read`: through the coordinator, the holding
//! region opens an access request for the grant's records, its proxies answer it as any
//! request, and once it is fulfilled that region sends each record back (metadata, envelope
//! wrapped to the grant, capsule fragments). `ehr` follows the query as a metadata query until
//! it ends; for an answered one it reads the records through `FederationApi_read` and opens
//! each as `ehr read` does: the capsule fragments checked one by one (a bad one is reported and
//! left out; the complaint goes to the holding region, whose request it is), the document key
//! opened with the grantee's Umbral secret key, the ciphertext fetched from IPFS (`--ipfs`:
//! typically the holding region's node) by CID, checked against the record's size and hash and
//! decrypted, and the FHIR JSON written to files only their owner can read, never over an
//! existing one.

use super::{
	args::open_keystore,
	query::ask_and_follow,
	read::{
		destinations, fragment_fault, open_with_good_fragments, prepare, write_document,
		Destination, GrantKeys,
	},
	Context,
};
use crate::{
	chain::federation::{Outcome, QueryKind, ReadGrant, ReadRecord},
	ipfs::Ipfs,
	render::{
		print, query_id_text, query_read_text, FailedRecordView, QueryReadView, ReadRecordView,
		RemoteBadFragmentView,
	},
	sharing::{self, SharingError},
};
use anyhow::{anyhow, bail, Context as _, Result};
use medfed_primitives::{
	envelope::{self, DocumentKey},
	ParaId, ResourceType,
};
use std::{path::Path, time::Duration};
use subxt::utils::AccountId32;
use zeroize::Zeroizing;

/// Checks a read's arguments before `ehr` connects: the signer must be a keystore identity
/// (`--key`), whose Umbral secret key opens the records, and `output` must not be an existing
/// file (one record goes to a new file, several to a directory).
pub(super) fn check_arguments(key: Option<&str>, output: &Path) -> Result<()> {
	if key.is_none() {
		bail!(
			"a read opens the records with the grantee's Umbral secret key: sign with --key (the \
			 keystore identity the grant was made to), not --as"
		);
	}
	let exists = std::fs::symlink_metadata(output).is_ok();
	if output.as_os_str() != "-" && exists && !output.is_dir() {
		bail!(
			"{} exists: a read never overwrites a file; name a new file (one record), or a \
			 directory (several)",
			output.display()
		);
	}
	Ok(())
}

/// The `ehr complain` command against the fragment of the grant's proxy at `position` for
/// `record` of `request`, for keystore identity `key`: to send to region `region`'s node,
/// where the request is.
fn complain_command(
	region: ParaId,
	grant: u64,
	request: u64,
	record: u64,
	position: u32,
	key: &str,
) -> String {
	format!(
		"ehr --url <region {region}'s node> complain --request {request} --record {record} \
		 --proxy <the authority at position {position} of grant {grant}'s proxies, from 0: `ehr \
		 --url <region {region}'s node> grants --key {key}` lists them> --key {key}"
	)
}

/// Opens the document key of `record`, read under a grant with `keys`, with its capsule
/// fragments that verify ([`open_with_good_fragments`]) and the grantee's Umbral secret key
/// `grantee`. Returns the outcome and the fragments set aside, by proxy position.
fn open_key(
	grantee: &umbral_pre::SecretKey,
	keys: &GrantKeys,
	record: &ReadRecord,
) -> (Result<DocumentKey, SharingError>, Vec<(u32, SharingError)>) {
	let mut fragments: Vec<(u32, Vec<u8>)> = record
		.fragments
		.iter()
		.map(|(position, fragment)| (u32::from(*position), fragment.to_vec()))
		.collect();
	fragments.sort_by_key(|(position, _)| *position);
	open_with_good_fragments(&fragments, |cfrags| {
		sharing::open_reencrypted(
			grantee,
			&keys.delegating,
			&keys.verifying,
			&keys.grantee,
			&record.capsule,
			&record.wrapped_key,
			cfrags,
		)
	})
}

/// Checks `ciphertext`, as IPFS returned it for `record`, against the record's size and
/// SHA-256, and decrypts it with the document `key`.
fn decrypt(
	key: &DocumentKey,
	record: &ReadRecord,
	ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
	let info = &record.record;
	if ciphertext.len() as u64 != info.size {
		bail!(
			"IPFS returned {} bytes for {}, but the record is {} bytes: refusing to decrypt",
			ciphertext.len(),
			info.cid.to_text(),
			info.size
		);
	}
	let document = envelope::open_with_document_key(key, &record.ciphertext_hash, ciphertext)
		.map_err(|e| anyhow!("{e}"))?;
	Ok(Zeroizing::new(document))
}

/// Opens one record of a read: its document key from its capsule fragments, its ciphertext
/// from IPFS, checked and decrypted. Fragments set aside are added to `bad`, with the
/// complaint to send to region `region`, where grant `grant`'s request is.
async fn open_record(
	ipfs: &Ipfs,
	grantee: &umbral_pre::SecretKey,
	(region, grant): (ParaId, &ReadGrant),
	keys: &GrantKeys,
	record: &ReadRecord,
	key_name: &str,
	bad: &mut Vec<RemoteBadFragmentView>,
) -> Result<(ResourceType, Zeroizing<Vec<u8>>)> {
	let id = record.record.id;
	let (key, refused) = open_key(grantee, keys, record);
	for (position, error) in &refused {
		let complainable = !matches!(error, SharingError::RepeatedCapsuleFragments);
		bad.push(RemoteBadFragmentView {
			record: id,
			position: *position,
			error: fragment_fault(error),
			complain: complainable.then(|| {
				complain_command(region, grant.id, grant.request, id, *position, key_name)
			}),
		});
	}
	let key = key.map_err(|e| {
		anyhow!(
			"{e} ({} capsule fragment(s), {} refused; the grant needs {}): complain about the \
			 refused ones to region {region} (request {}), or ask again with `ehr query \
			 --read-from {region} --grant {}`, other proxies may answer",
			record.fragments.len(),
			refused.len(),
			grant.threshold,
			grant.request,
			grant.id
		)
	})?;
	let ciphertext = ipfs.cat(&record.record.cid).await?;
	let document = decrypt(&key, record, &ciphertext)?;
	Ok((record.record.resource_type.clone(), document))
}

/// Runs `ehr query --read-from`: keystore identity `key` asks region `region`, through this
/// region, to read the records its grant `grant` of `patient`'s shares with it, follows the
/// query until it ends, at most `wait`, and writes the records it brought to `output`.
pub(super) async fn read(
	context: &Context,
	key: &str,
	patient: &AccountId32,
	(region, grant): (ParaId, u64),
	output: &Path,
	wait: Duration,
) -> Result<()> {
	let chain = &context.chain;
	let grantee = open_keystore(&context.keystore)?.identity(key)?;
	let here = chain.para_id().await?;
	if here == region {
		bail!(
			"region {region} is this region (--url): read its grant here, with `ehr request \
			 --grant {grant}` and `ehr read`"
		);
	}
	let kind = QueryKind::Read { region, grant };
	let what = format!(": region {region} reads grant {grant} once its proxies answer");
	let (id, block, query) =
		ask_and_follow(chain, (patient, kind), &grantee.signer, wait, &what).await?;
	let at = chain.reading_at(block);
	let mut view = QueryReadView::new(id, &query, region, grant, at.relay_block().await?);
	let Some((Outcome::Answered { records: count }, _)) = query.ended() else {
		// Open still, or ended without records: said as a metadata query says it.
		print(context.json, &view, query_read_text);
		if query.ended().is_none() {
			eprintln!(
				"query {} is still open after {} s: it goes on without `ehr`, but only the `ehr \
				 query --read-from` that follows it to its end writes its records. Once it has \
				 ended (`ehr query show {}`), get the deposit back with `ehr query dismiss {}`, \
				 and ask again with a longer --wait-seconds",
				query_id_text(&id),
				wait.as_secs(),
				id.nonce,
				id.nonce
			);
		}
		return Ok(());
	};
	let (from, read_grant, records) = at.query_read(id.nonce).await?.ok_or_else(|| {
		anyhow!("query {} was answered, but the region keeps no read answer", query_id_text(&id))
	})?;
	if from != region || read_grant.id != grant || records.len() != count as usize {
		bail!(
			"query {} was answered with {} record(s) of grant {} from region {from}, not the {count} \
			 of grant {grant} from region {region} it ended with",
			query_id_text(&id),
			records.len(),
			read_grant.id
		);
	}
	view.request = Some(read_grant.request);
	if read_grant.grantee_key != grantee.umbral_public() {
		bail!(
			"grant {grant} of region {region} re-encrypts to another Umbral key than that of \
			 '{key}': the grantee published a new key after the grant was made; the patient makes \
			 a new grant"
		);
	}
	let ids: Vec<u64> = records.iter().map(|r| r.record.id).collect();
	let destinations = destinations(output, &ids).with_context(|| {
		format!(
			"query {} brought {} record(s), none written: ask again with another --output",
			query_id_text(&id),
			ids.len()
		)
	})?;
	let curve_point = |what: &str, key: &medfed_primitives::PublicKey| {
		key.to_umbral().map_err(|_| {
			anyhow!("grant {grant} of region {region}: its {what} key is not a curve point")
		})
	};
	let keys = GrantKeys {
		delegating: curve_point("delegating", &read_grant.delegating_key)?,
		verifying: curve_point("verifying", &read_grant.verifying_key)?,
		grantee: grantee.umbral.public_key(),
	};
	let ipfs = Ipfs::new(&context.ipfs, context.timeout)?;
	prepare(output, &destinations)?;
	for (record, destination) in records.iter().zip(&destinations) {
		let opened = open_record(
			&ipfs,
			&grantee.umbral,
			(region, &read_grant),
			&keys,
			record,
			key,
			&mut view.bad_fragments,
		)
		.await;
		let written = opened.and_then(|(resource_type, document)| {
			Ok(ReadRecordView {
				id: record.record.id,
				resource_type: resource_type.as_str().to_owned(),
				path: write_document(destination, &document)?,
				bytes: document.len(),
			})
		});
		match written {
			Ok(done) => view.records.push(done),
			Err(error) => view
				.failed
				.push(FailedRecordView { id: record.record.id, error: format!("{error:#}") }),
		}
	}
	if destinations.first() == Some(&Destination::Stdout) {
		// Standard output holds the document: the summary goes to standard error.
		let summary = if context.json {
			serde_json::to_string_pretty(&view)?
		} else {
			query_read_text(&view)
		};
		eprintln!("{summary}");
	} else {
		print(context.json, &view, query_read_text);
	}
	if !view.failed.is_empty() {
		bail!(
			"{} of the {} records that grant {grant} of region {region} shares could not be read: \
			 {}",
			view.failed.len(),
			records.len(),
			view.failed
				.iter()
				.map(|f| format!("record {}: {}", f.id, f.error))
				.collect::<Vec<_>>()
				.join("; ")
		);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::commands::read::fixture::Shared;
	use medfed_primitives::{
		query::{CapsuleFragment, SharedRecord},
		Cid,
	};

	/// `shared`'s record as a read brings it, with `fragments` (proxy position, fragment).
	fn read_record(shared: &Shared, fragments: &[(u32, Vec<u8>)]) -> ReadRecord {
		let fragments: Vec<(u8, CapsuleFragment)> = fragments
			.iter()
			.map(|(position, fragment)| {
				(*position as u8, fragment.clone().try_into().expect("a fragment fits"))
			})
			.collect();
		ReadRecord {
			record: SharedRecord {
				id: 3,
				grant: 0,
				resource_type: ResourceType::parse(b"Observation").expect("FHIR type"),
				cid: Cid::parse(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG").expect("CID"),
				size: shared.sealed.ciphertext.len() as u64,
				created_at: 12,
			},
			ciphertext_hash: shared.sealed.hash(),
			capsule: shared.capsule,
			wrapped_key: shared.wrapped_key,
			fragments: fragments.try_into().expect("at most 12 fragments"),
		}
	}

	fn keys(shared: &Shared) -> GrantKeys {
		GrantKeys {
			delegating: shared.delegating,
			verifying: shared.verifying,
			grantee: shared.grantee.public_key(),
		}
	}

	#[test]
	fn a_read_record_opens_with_its_good_fragments_and_its_checked_ciphertext() {
		let shared = Shared::new();
		let record = read_record(&shared, &shared.cfrags);
		let (key, refused) = open_key(&shared.grantee, &keys(&shared), &record);
		assert!(refused.is_empty(), "{refused:?}");
		let key = key.expect("2 of 3 good fragments open the key");
		let document = decrypt(&key, &record, &shared.sealed.ciphertext).expect("decrypts");
		assert_eq!(*document, shared.document);

		// IPFS returning other bytes: a size that differs is refused before decrypting, and
		// bytes of the right size that differ fail the hash.
		let short = &shared.sealed.ciphertext[1..];
		let error = decrypt(&key, &record, short).expect_err("too short");
		assert!(format!("{error:#}").contains("refusing to decrypt"), "{error:#}");
		let mut altered = shared.sealed.ciphertext.clone();
		altered[0] ^= 1;
		assert!(decrypt(&key, &record, &altered).is_err(), "an altered ciphertext opens");

		// Another grantee's key opens nothing.
		let stranger = umbral_pre::SecretKey::random();
		let (key, _) = open_key(&stranger, &keys(&shared), &record);
		assert!(key.is_err(), "a stranger opened the record");
	}

	#[test]
	fn a_read_records_bad_fragment_is_refused_by_position_and_the_rest_open_it() {
		let shared = Shared::new();
		let other = Shared::new();
		// The fragments come in any order; proxy 1's is another grant's.
		let mut fragments = vec![shared.cfrags[2].clone(), shared.cfrags[0].clone()];
		fragments.push((1, other.cfrags[1].1.clone()));
		let record = read_record(&shared, &fragments);
		let (key, refused) = open_key(&shared.grantee, &keys(&shared), &record);
		let key = key.expect("proxies 0 and 2 make the threshold");
		assert_eq!(
			*decrypt(&key, &record, &shared.sealed.ciphertext).expect("decrypts"),
			shared.document
		);
		assert_eq!(refused.len(), 1, "{refused:?}");
		assert_eq!(refused[0].0, 1, "the refused fragment is named by its proxy's position");
		assert!(fragment_fault(&refused[0].1).contains("not a correct re-encryption"));

		// With proxy 2's fragment garbage too, one good one is too few.
		let garbage = vec![
			shared.cfrags[0].clone(),
			(1, other.cfrags[1].1.clone()),
			(2, b"not a capsule fragment".to_vec()),
		];
		let (key, refused) =
			open_key(&shared.grantee, &keys(&shared), &read_record(&shared, &garbage));
		assert_eq!(key.map(|_| ()), Err(SharingError::TooFewCapsuleFragments));
		let positions: Vec<u32> = refused.iter().map(|(p, _)| *p).collect();
		assert_eq!(positions, vec![1, 2]);
	}

	#[test]
	fn a_complaint_names_the_holding_region_and_its_request() {
		let command = complain_command(2000, 4, 7, 3, 1, "dave");
		assert!(command.starts_with("ehr --url <region 2000's node> complain"), "{command}");
		assert!(command.contains("--request 7 --record 3"), "{command}");
		assert!(command.contains("position 1 of grant 4's proxies"), "{command}");
		assert!(command.ends_with("--key dave"), "{command}");
	}

	#[test]
	fn a_read_is_signed_by_a_keystore_identity_and_never_overwrites_a_file() {
		let dir = tempfile::tempdir().expect("a temporary directory");
		let new = dir.path().join("record.json");
		check_arguments(Some("dave"), &new).expect("a new file");
		check_arguments(Some("dave"), dir.path()).expect("a directory");
		check_arguments(Some("dave"), Path::new("-")).expect("standard output");
		let error = check_arguments(None, &new).expect_err("--as cannot open records");
		assert!(format!("{error:#}").contains("sign with --key"), "{error:#}");
		std::fs::write(&new, b"{}").expect("written");
		let error = check_arguments(Some("dave"), &new).expect_err("an existing file");
		assert!(format!("{error:#}").contains("never overwrites"), "{error:#}");
	}
}
