//! `ehr read`: the grantee reads the records of a request once the proxies have answered it.
//!
//! For each record: its capsule fragments from the chain, checked one by one (a fragment that
//! does not verify is reported with the authority whose proxy sent it and the `ehr complain`
//! command that has the chain check it, and left out: the record still opens if the grant's
//! threshold of good ones remains), the document key opened with the
//! grantee's Umbral secret key ([`sharing::open_reencrypted`]), the ciphertext fetched from IPFS
//! and checked against the chain's hash before it is decrypted
//! ([`envelope::open_with_document_key`]), and the FHIR JSON written to a file only its owner
//! can read, never over an existing one.

use super::{args::open_keystore, storage::write_private, Context};
use crate::{
	chain::{
		access::{Envelope, Grant, Request, RequestId, RequestState},
		Chain,
	},
	ipfs::Ipfs,
	keystore::Identity,
	render::{
		denial_text, print, read_text, BadFragmentView, FailedRecordView, ReadRecordView, ReadView,
	},
	sharing::{self, SharingError},
};
use anyhow::{anyhow, bail, Context as _, Result};
use medfed_primitives::{
	envelope::{self, DocumentKey},
	RecordId, ResourceType,
};
use std::{
	io::Write,
	path::{Path, PathBuf},
	time::{Duration, Instant},
};
use zeroize::Zeroizing;

/// Where one record's FHIR JSON goes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Destination {
	Stdout,
	File(PathBuf),
}

/// Where each record of a request goes: with one record, `output` itself (a new file, or `-`
/// for standard output); with several, or when `output` is a directory or ends with `/`,
/// `output/<record id>.json`, `output` a directory (created if missing). Refuses now, before any
/// waiting or decrypting, what would overwrite a file. For `ehr read` and `ehr query
/// --read-from`.
pub(super) fn destinations(output: &Path, records: &[RecordId]) -> Result<Vec<Destination>> {
	let stdout = output.as_os_str() == "-";
	let exists = |path: &Path| std::fs::symlink_metadata(path).is_ok();
	let directory = output.is_dir() || output.as_os_str().to_string_lossy().ends_with('/');
	if let ([_], false) = (records, directory) {
		if stdout {
			return Ok(vec![Destination::Stdout]);
		}
		if exists(output) {
			bail!("{} exists: a read never overwrites a file; name a new one", output.display());
		}
		return Ok(vec![Destination::File(output.to_owned())]);
	}
	if stdout {
		bail!(
			"there are {} records to write: `--output -` takes one; name a directory for them",
			records.len()
		);
	}
	if exists(output) && !output.is_dir() {
		bail!(
			"{} is not a directory: with {} records, --output names a directory (created if \
			 missing) that gets one <record id>.json each",
			output.display(),
			records.len()
		);
	}
	let files: Vec<PathBuf> = records.iter().map(|id| output.join(format!("{id}.json"))).collect();
	if let Some(file) = files.iter().find(|f| exists(f)) {
		bail!("{} exists: a read never overwrites a file", file.display());
	}
	Ok(files.into_iter().map(Destination::File).collect())
}

/// Creates directory `path` (and its parents), readable by its owner only.
fn create_private_dir(path: &Path) -> Result<()> {
	let mut builder = std::fs::DirBuilder::new();
	builder.recursive(true);
	#[cfg(unix)]
	std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
	builder
		.create(path)
		.with_context(|| format!("cannot create directory {}", path.display()))
}

/// Makes ready what [`destinations`] chose under `output`: the directory the files go in, when
/// they go in one.
pub(super) fn prepare(output: &Path, destinations: &[Destination]) -> Result<()> {
	if let Some(Destination::File(first)) = destinations.first() {
		if first.as_path() != output {
			// Files in a directory.
			if let Some(dir) = first.parent() {
				create_private_dir(dir)?;
			}
		}
	}
	Ok(())
}

/// Writes one record's FHIR JSON to `destination`; returns where, as printed (`-`: standard
/// output).
pub(super) fn write_document(destination: &Destination, document: &[u8]) -> Result<String> {
	Ok(match destination {
		Destination::Stdout => {
			std::io::stdout().write_all(document)?;
			"-".to_owned()
		},
		Destination::File(path) => {
			write_private(path, document)?;
			path.display().to_string()
		},
	})
}

/// Why a capsule fragment was left out, without the list position `SharingError` names.
pub(super) fn fragment_fault(error: &SharingError) -> String {
	match error {
		SharingError::MalformedCapsuleFragment { .. } => "it could not be decoded".into(),
		SharingError::InvalidCapsuleFragment { .. } =>
			"it is not a correct re-encryption of the grant's capsule for this grantee".into(),
		SharingError::RepeatedCapsuleFragments =>
			"it is another proxy's fragment, byte for byte: one of the two copied the other's \
			 (it verifies, so no complaint can tell which)"
				.into(),
		other => other.to_string(),
	}
}

/// Opens with the capsule fragments that verify. `fragments` are (proxy position, fragment);
/// `open` is [`sharing::open_reencrypted`] for one record. A fragment byte for byte the same as
/// an earlier one (a proxy that copied another's: it verifies, but opens nothing more) is set
/// aside first; a fragment that fails to decode or verify is set aside with its position and
/// the rest tried again, so the record opens while the threshold of distinct good fragments
/// remains. Returns the outcome and the fragments set aside.
pub(super) fn open_with_good_fragments<K>(
	fragments: &[(u32, Vec<u8>)],
	open: impl Fn(&[Vec<u8>]) -> Result<K, SharingError>,
) -> (Result<K, SharingError>, Vec<(u32, SharingError)>) {
	let mut remaining: Vec<(u32, Vec<u8>)> = Vec::with_capacity(fragments.len());
	let mut refused = Vec::new();
	for (position, fragment) in fragments {
		if remaining.iter().any(|(_, earlier)| earlier == fragment) {
			refused.push((*position, SharingError::RepeatedCapsuleFragments));
		} else {
			remaining.push((*position, fragment.clone()));
		}
	}
	loop {
		let cfrags: Vec<Vec<u8>> = remaining.iter().map(|(_, f)| f.clone()).collect();
		match open(&cfrags) {
			Err(
				error @ (SharingError::InvalidCapsuleFragment { index } |
				SharingError::MalformedCapsuleFragment { index }),
			) if index < remaining.len() => {
				let (position, _) = remaining.remove(index);
				refused.push((position, error));
			},
			outcome => return (outcome, refused),
		}
	}
}

/// Request `id`, which the node's best block does not hold: one just made may be in a block of
/// the other collator's fork that the best chain takes up a block or two later. Looks again
/// every block for three blocks (at most `wait` seconds) before it says there is no such
/// request.
async fn appearing_request(chain: &Chain, id: RequestId, wait: u64) -> Result<Request> {
	let step = block_step(chain).await;
	let until = Instant::now() + (step * 3).min(Duration::from_secs(wait));
	loop {
		let now = Instant::now();
		if now >= until {
			bail!("no request {id} in this region");
		}
		tokio::time::sleep(step.min(until - now)).await;
		if let Some(request) = chain.request(id).await? {
			return Ok(request);
		}
	}
}

/// How long `ehr` waits between two looks at the chain: a block, at least a second (6 s if the
/// chain does not say).
async fn block_step(chain: &Chain) -> Duration {
	chain
		.block_time()
		.await
		.unwrap_or(Duration::from_secs(6))
		.max(Duration::from_secs(1))
}

/// Waits, polling once a block, until request `id` is fulfilled, at most until `until` (`wait`
/// seconds from the start); fails clearly if it was denied or expired, or is still open then.
async fn wait_until_fulfilled(
	chain: &Chain,
	id: RequestId,
	mut request: Request,
	(until, wait): (Instant, u64),
) -> Result<Request> {
	let mut block_time = None;
	loop {
		match request.state {
			RequestState::Fulfilled { .. } => return Ok(request),
			RequestState::Denied { reason, at } =>
				bail!("request {id} was denied at block {at}: {}", denial_text(reason)),
			RequestState::Expired { at } => bail!(
				"request {id} expired at block {at} before enough proxies answered: ask again \
				 with `ehr request`"
			),
			RequestState::Open => {},
		}
		let now = Instant::now();
		if now >= until {
			bail!(
				"request {id} is still open after {} s: the proxies have until block {} to \
				 answer; run `ehr read` again later, or with a longer --wait",
				wait,
				request.deadline
			);
		}
		let step = match block_time {
			Some(step) => step,
			None => {
				let step = block_step(chain).await;
				eprintln!(
					"waiting for the proxies (request {id} is due at block {}; at most {} s)…",
					request.deadline, wait
				);
				block_time = Some(step);
				step
			},
		};
		tokio::time::sleep(step.min(until - now)).await;
		request = chain
			.request(id)
			.await?
			.ok_or_else(|| anyhow!("request {id} is no longer on chain"))?;
	}
}

/// The keys a grant's capsule fragments are checked and opened with.
pub(super) struct GrantKeys {
	/// The grant's delegating key: the envelopes are wrapped to it.
	pub(super) delegating: umbral_pre::PublicKey,
	/// The key the patient signed the grant's key fragments with.
	pub(super) verifying: umbral_pre::PublicKey,
	/// The grantee's key the fragments re-encrypt to.
	pub(super) grantee: umbral_pre::PublicKey,
}

/// One record's document key as the capsule fragments on chain open it.
struct RecordKey {
	/// The key, or why the fragments that verify do not open it.
	key: Result<DocumentKey, SharingError>,
	/// The fragments set aside: proxy position and fault.
	refused: Vec<(u32, SharingError)>,
	/// How many of the grant's proxies have sent a fragment for the record.
	answered: usize,
}

/// Opens `record`'s document key, sealed to the grant as `sealed`, with its fragments among the
/// request's `fragments` that verify.
fn open_key(
	grantee: &Identity,
	keys: &GrantKeys,
	sealed: &Envelope,
	record: RecordId,
	fragments: &[(RecordId, u32, Vec<u8>)],
) -> RecordKey {
	let mut mine: Vec<(u32, Vec<u8>)> = fragments
		.iter()
		.filter(|(r, ..)| *r == record)
		.map(|(_, position, fragment)| (*position, fragment.clone()))
		.collect();
	mine.sort_by_key(|(position, _)| *position);
	let (key, refused) = open_with_good_fragments(&mine, |cfrags| {
		sharing::open_reencrypted(
			&grantee.umbral,
			&keys.delegating,
			&keys.verifying,
			&keys.grantee,
			&sealed.capsule,
			&sealed.wrapped_key,
			cfrags,
		)
	});
	RecordKey { key, refused, answered: mine.len() }
}

/// Whether a record's key is still short of good fragments while proxies of the grant (`proxies`
/// in all) have yet to send theirs: then waiting may open it. (A capsule or wrapped key that
/// does not open is not cured by more fragments.)
fn short_of_fragments(keys: &[Option<RecordKey>], proxies: usize) -> bool {
	keys.iter().flatten().any(|k| {
		matches!(
			k.key,
			Err(SharingError::NoCapsuleFragments |
				SharingError::TooFewCapsuleFragments |
				SharingError::RepeatedCapsuleFragments)
		) && k.answered < proxies
	})
}

/// Opens each record's key (`None` where its envelope could not be read) from the request's
/// fragments on chain. While a record is short of good fragments ([`short_of_fragments`]), a
/// block before the request's deadline may still take fragments and `until` has not come, reads
/// them again a block later: the chain takes every proxy's fragment until the deadline and does
/// not verify them, so a wrong one may be among the first `threshold` that fulfilled the request.
async fn open_keys(
	chain: &Chain,
	(id, request): (RequestId, &Request),
	grant: &Grant,
	grantee: &Identity,
	keys: &GrantKeys,
	envelopes: &[Result<Envelope>],
	until: Instant,
) -> Result<Vec<Option<RecordKey>>> {
	let mut step = None;
	loop {
		// The fragments and the block number from one block: a fragment comes in a block
		// before the deadline, so none can come after the block before it.
		let (block, number) = chain.reading_block().await?;
		let fragments = chain.reading_at(block).capsule_fragments(id).await?;
		let opened: Vec<Option<RecordKey>> = request
			.records
			.iter()
			.zip(envelopes)
			.map(|(record, sealed)| {
				let sealed = sealed.as_ref().ok()?;
				Some(open_key(grantee, keys, sealed, *record, &fragments))
			})
			.collect();
		let now = Instant::now();
		if !short_of_fragments(&opened, grant.proxies.len()) ||
			now >= until ||
			number.saturating_add(1) >= request.deadline
		{
			return Ok(opened);
		}
		let step = match step {
			Some(step) => step,
			None => {
				eprintln!(
					"request {id} is fulfilled, but its good capsule fragments do not yet open \
					 every record: waiting for the grant's other proxies (until block {}, at most \
					 {} s more)…",
					request.deadline,
					until.saturating_duration_since(now).as_secs()
				);
				*step.insert(block_step(chain).await)
			},
		};
		tokio::time::sleep(step.min(until.saturating_duration_since(now))).await;
	}
}

/// Reads one record of a fulfilled request with its key as [`open_keys`] opened it: its
/// ciphertext from IPFS, checked and decrypted. Fragments set aside are added to `bad`.
async fn open_record(
	chain: &Chain,
	ipfs: &Ipfs,
	grant: &Grant,
	record: RecordId,
	opened: RecordKey,
	bad: &mut Vec<BadFragmentView>,
) -> Result<(ResourceType, Zeroizing<Vec<u8>>)> {
	let RecordKey { key, refused, answered } = opened;
	for (position, error) in &refused {
		let proxy = grant
			.proxies
			.get(*position as usize)
			.map(ToString::to_string)
			.unwrap_or_else(|| format!("<no proxy at position {position}>"));
		bad.push(BadFragmentView {
			record,
			position: *position,
			proxy,
			error: fragment_fault(error),
			complain: None,
			complainable: !matches!(error, SharingError::RepeatedCapsuleFragments),
		});
	}
	let key = key.map_err(|e| {
		anyhow!(
			"{e} ({answered} capsule fragment(s), {} refused; the grant needs {}): ask again with \
			 `ehr request`, other proxies may answer",
			refused.len(),
			grant.threshold
		)
	})?;
	let info = chain
		.record(record)
		.await?
		.ok_or_else(|| anyhow!("no record {record} in this region"))?;
	if let Some(at) = info.voided_at {
		bail!("record {record} was voided by the region's authorities at block {at}: it is not served");
	}
	let info = info.record;
	let ciphertext = ipfs.cat(&info.cid).await?;
	if ciphertext.len() as u64 != info.size {
		bail!(
			"IPFS returned {} bytes for {}, but the record is {} bytes: refusing to decrypt",
			ciphertext.len(),
			info.cid.to_text(),
			info.size
		);
	}
	let document = envelope::open_with_document_key(&key, &info.ciphertext_hash, &ciphertext)
		.map_err(|e| anyhow!("{e}"))?;
	Ok((info.resource_type, Zeroizing::new(document)))
}

/// Runs `ehr read`: the records of request `id`, as grantee `key`, to `output`.
pub(super) async fn read(
	context: &Context,
	key: &str,
	id: RequestId,
	output: &Path,
	wait: u64,
) -> Result<()> {
	let grantee = open_keystore(&context.keystore)?.identity(key)?;
	let chain = &context.chain;
	let request = match chain.request(id).await? {
		Some(request) => request,
		None => appearing_request(chain, id, wait).await?,
	};
	if request.requester != grantee.account() {
		bail!(
			"request {id} was made by {}, not by '{key}' ({}): only its requester reads it",
			request.requester,
			grantee.account()
		);
	}
	let grant_id = request.grant;
	let grant = chain
		.grant(grant_id)
		.await?
		.ok_or_else(|| anyhow!("grant {grant_id} of request {id} is not on chain"))?;
	if grant.grantee_key != grantee.umbral_public() {
		bail!(
			"grant {grant_id} re-encrypts to another Umbral key than that of '{key}': the grantee \
			 published a new key after the grant was made; the patient makes a new grant"
		);
	}
	let destinations = destinations(output, &request.records)?;
	let until = Instant::now() + Duration::from_secs(wait);
	let request = wait_until_fulfilled(chain, id, request, (until, wait)).await?;

	let curve_point = |what: &str, key: &medfed_primitives::PublicKey| {
		key.to_umbral()
			.map_err(|_| anyhow!("grant {grant_id}'s {what} key is not a curve point"))
	};
	let keys = GrantKeys {
		delegating: curve_point("delegating", &grant.delegating_key)?,
		verifying: curve_point("verifying", &grant.verifying_key)?,
		grantee: grantee.umbral.public_key(),
	};
	let mut envelopes = Vec::with_capacity(request.records.len());
	for record in &request.records {
		envelopes.push(chain.envelope(grant_id, *record).await.and_then(|sealed| {
			sealed.ok_or_else(|| anyhow!("grant {grant_id} holds no envelope of record {record}"))
		}));
	}
	let opened =
		open_keys(chain, (id, &request), &grant, &grantee, &keys, &envelopes, until).await?;
	let ipfs = Ipfs::new(&context.ipfs, context.timeout)?;
	prepare(output, &destinations)?;
	let mut view = ReadView {
		request: id,
		grant: grant_id,
		records: vec![],
		bad_fragments: vec![],
		failed: vec![],
	};
	let records = request.records.iter().zip(&destinations).zip(envelopes).zip(opened);
	for (((record, destination), envelope), opened) in records {
		let opened = match (envelope, opened) {
			(Ok(_), Some(key)) =>
				open_record(chain, &ipfs, &grant, *record, key, &mut view.bad_fragments).await,
			(Err(error), _) => Err(error),
			(Ok(_), None) => Err(anyhow!("record {record}'s key was not opened")),
		};
		let written = opened.and_then(|(resource_type, document)| {
			let path = write_document(destination, &document)?;
			Ok(ReadRecordView {
				id: *record,
				resource_type: resource_type.as_str().to_owned(),
				path,
				bytes: document.len(),
			})
		});
		match written {
			Ok(done) => view.records.push(done),
			Err(error) =>
				view.failed.push(FailedRecordView { id: *record, error: format!("{error:#}") }),
		}
	}
	// Each fragment set aside is the proof of a complaint: name the command.
	for bad in view.bad_fragments.iter_mut().filter(|bad| bad.complainable) {
		bad.complain = grant
			.proxies
			.get(bad.position as usize)
			.map(|proxy| super::access::complain_command(id, bad.record, proxy, key));
	}
	if destinations.first() == Some(&Destination::Stdout) {
		// Standard output holds the document: the summary goes to standard error.
		let summary =
			if context.json { serde_json::to_string_pretty(&view)? } else { read_text(&view) };
		eprintln!("{summary}");
	} else {
		print(context.json, &view, read_text);
	}
	if !view.failed.is_empty() {
		bail!(
			"{} of the {} records of request {id} could not be read: {}",
			view.failed.len(),
			request.records.len(),
			view.failed
				.iter()
				.map(|f| format!("record {}: {}", f.id, f.error))
				.collect::<Vec<_>>()
				.join("; ")
		);
	}
	Ok(())
}

/// Real Umbral data for the tests of the commands that read shared records.
#[cfg(test)]
pub(super) mod fixture {
	use super::*;
	use medfed_primitives::{envelope::DocumentKey, Capsule, WrappedKey};
	use rand_core::{OsRng, RngCore};
	use umbral_pre::SecretKey;

	/// A real 2-of-3 grant of one record: the proxies' capsule fragments and how the grantee
	/// opens them.
	pub(in crate::commands) struct Shared {
		/// The record's FHIR JSON.
		pub(in crate::commands) document: Vec<u8>,
		/// The record as sealed to the patient: its ciphertext and hash.
		pub(in crate::commands) sealed: envelope::Sealed,
		/// The grantee's Umbral secret key.
		pub(in crate::commands) grantee: SecretKey,
		/// The grant's delegating key.
		pub(in crate::commands) delegating: umbral_pre::PublicKey,
		/// The key the patient signed the key fragments with.
		pub(in crate::commands) verifying: umbral_pre::PublicKey,
		/// The record's envelope wrapped to the grant.
		pub(in crate::commands) capsule: Capsule,
		/// The record's document key wrapped under that capsule.
		pub(in crate::commands) wrapped_key: WrappedKey,
		/// Each proxy's capsule fragment, by position.
		pub(in crate::commands) cfrags: Vec<(u32, Vec<u8>)>,
	}

	impl Shared {
		/// A new grant of a new record, with every proxy's good fragment.
		pub(in crate::commands) fn new() -> Self {
			let document = br#"{"resourceType":"Observation","status":"final"}"#.to_vec();
			let patient = SecretKey::random();
			let patient_public =
				medfed_primitives::PublicKey::parse(&patient.public_key().to_compressed_bytes())
					.unwrap();
			let sealed = envelope::seal(&mut OsRng, &patient_public, &document).unwrap();
			let mut salt = [0u8; 32];
			OsRng.fill_bytes(&mut salt);
			let grant_ref = sharing::grant_ref(&[1; 32], &[2; 32], &salt);
			let delegating = sharing::grant_key(&patient, &salt);
			let signer = sharing::signing_key(&patient);
			let grantee = SecretKey::random();
			let proxies: Vec<SecretKey> = (0..3).map(|_| SecretKey::random()).collect();
			let (capsule, wrapped_key) = sharing::rewrap(
				&mut OsRng,
				&patient,
				&sealed.capsule,
				&sealed.wrapped_key,
				&delegating.public_key(),
			)
			.unwrap();
			let proxy_keys: Vec<_> = proxies.iter().map(SecretKey::public_key).collect();
			let fragments = sharing::make_fragments(
				&mut OsRng,
				&delegating,
				&signer,
				&grantee.public_key(),
				2,
				&proxy_keys,
				&grant_ref,
			)
			.unwrap();
			let cfrags = proxies
				.iter()
				.zip(&fragments)
				.enumerate()
				.map(|(n, (proxy, fragment))| {
					let kfrag = sharing::open_fragment(
						proxy,
						fragment,
						&grant_ref,
						&proxy.public_key(),
						&signer.verifying_key(),
						&delegating.public_key(),
						&grantee.public_key(),
					)
					.unwrap();
					(n as u32, sharing::reencrypt(&mut OsRng, &capsule, &kfrag).unwrap())
				})
				.collect();
			Shared {
				document,
				sealed,
				grantee,
				delegating: delegating.public_key(),
				verifying: signer.verifying_key(),
				capsule,
				wrapped_key,
				cfrags,
			}
		}

		/// Opens the record's key with `cfrags`, setting bad ones aside.
		pub(in crate::commands) fn open(
			&self,
			cfrags: &[(u32, Vec<u8>)],
		) -> (Result<DocumentKey, SharingError>, Vec<(u32, SharingError)>) {
			open_with_good_fragments(cfrags, |list| {
				sharing::open_reencrypted(
					&self.grantee,
					&self.delegating,
					&self.verifying,
					&self.grantee.public_key(),
					&self.capsule,
					&self.wrapped_key,
					list,
				)
			})
		}

		/// Whether `key` opens the record to its document.
		pub(in crate::commands) fn decrypts(&self, key: &DocumentKey) -> bool {
			envelope::open_with_document_key(key, &self.sealed.hash(), &self.sealed.ciphertext)
				.is_ok_and(|d| d == self.document)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::{fixture::Shared, *};

	#[test]
	fn a_bad_fragment_is_named_and_the_good_ones_still_open_the_record() {
		let shared = Shared::new();
		let (key, refused) = shared.open(&shared.cfrags);
		assert!(shared.decrypts(&key.unwrap()));
		assert!(refused.is_empty());

		// Proxy 0 answers with a fragment of another grant's capsule; proxy 2 with garbage.
		let other = Shared::new();
		let mut cfrags = shared.cfrags.clone();
		cfrags[0].1 = other.cfrags[0].1.clone();
		let (key, refused) = shared.open(&cfrags);
		assert!(shared.decrypts(&key.unwrap()), "proxies 1 and 2 make the threshold");
		assert_eq!(refused.len(), 1);
		assert_eq!(refused[0].0, 0);
		assert!(fragment_fault(&refused[0].1).contains("not a correct re-encryption"));

		cfrags[2].1 = b"not a capsule fragment".to_vec();
		let (key, refused) = shared.open(&cfrags);
		assert_eq!(key.map(|_| ()), Err(SharingError::TooFewCapsuleFragments));
		let positions: Vec<u32> = refused.iter().map(|(p, _)| *p).collect();
		assert_eq!(positions, vec![0, 2]);
		assert!(fragment_fault(&refused[1].1).contains("could not be decoded"));

		let (key, refused) = shared.open(&[]);
		assert_eq!(key.map(|_| ()), Err(SharingError::NoCapsuleFragments));
		assert!(refused.is_empty());
	}

	#[test]
	fn a_copied_fragment_is_set_aside_and_the_distinct_ones_open_the_record() {
		let shared = Shared::new();
		// Proxy 2 sends proxy 0's fragment as its own: proxies 0 and 1 still make 2 of 3.
		let mut cfrags = shared.cfrags.clone();
		cfrags[2].1 = cfrags[0].1.clone();
		let (key, refused) = shared.open(&cfrags);
		assert!(shared.decrypts(&key.unwrap()));
		assert_eq!(refused.len(), 1);
		assert_eq!(refused[0].0, 2);
		assert_eq!(refused[0].1, SharingError::RepeatedCapsuleFragments);
		assert!(fragment_fault(&refused[0].1).contains("byte for byte"));
		// With proxy 1 silent, the copy leaves one distinct fragment: too few, and said so.
		let (key, refused) = shared.open(&[cfrags[0].clone(), cfrags[2].clone()]);
		assert_eq!(key.map(|_| ()), Err(SharingError::TooFewCapsuleFragments));
		assert_eq!(refused.len(), 1);
	}

	#[test]
	fn a_wrong_fragment_among_the_first_is_waited_past_while_proxies_have_yet_to_answer() {
		let shared = Shared::new();
		let key_of = |cfrags: &[(u32, Vec<u8>)]| {
			let (key, refused) = shared.open(cfrags);
			Some(RecordKey { key, refused, answered: cfrags.len() })
		};
		let mut cfrags = shared.cfrags.clone();
		cfrags[1].1 = vec![7; 381];
		// Proxies 0 (good) and 1 (wrong) fulfilled the request; proxy 2 has yet to answer.
		let first = [key_of(&cfrags[..2])];
		assert!(first[0].as_ref().unwrap().key.is_err());
		assert!(short_of_fragments(&first, 3), "proxy 2 may still open it");
		// Proxy 2's fragment arrives: proxies 0 and 2 make the threshold.
		let all = [key_of(&cfrags)];
		assert!(shared.decrypts(all[0].as_ref().unwrap().key.as_ref().unwrap()));
		assert!(!short_of_fragments(&all, 3));
		// Every proxy answered and two are wrong: nothing more will come.
		cfrags[2].1 = vec![9; 381];
		let wrong = [key_of(&cfrags), None];
		assert!(wrong[0].as_ref().unwrap().key.is_err());
		assert!(!short_of_fragments(&wrong, 3), "no proxy is left to wait for");
	}

	#[test]
	fn one_record_goes_to_a_new_file_several_to_a_directory() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("record.json");
		assert_eq!(destinations(&file, &[3]).unwrap(), vec![Destination::File(file.clone())]);
		assert_eq!(destinations(Path::new("-"), &[3]).unwrap(), vec![Destination::Stdout]);
		assert!(format!("{:#}", destinations(Path::new("-"), &[3, 7]).unwrap_err())
			.contains("takes one"));

		let out = dir.path().join("out");
		assert_eq!(
			destinations(&out, &[3, 7]).unwrap(),
			vec![Destination::File(out.join("3.json")), Destination::File(out.join("7.json"))]
		);
		// A directory, or a path ending with '/', takes one record as <id>.json too.
		let slash = PathBuf::from(format!("{}/", out.display()));
		assert_eq!(
			destinations(&slash, &[3]).unwrap(),
			vec![Destination::File(slash.join("3.json"))]
		);
		create_private_dir(&out).unwrap();
		assert_eq!(destinations(&out, &[3]).unwrap(), vec![Destination::File(out.join("3.json"))]);
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			let mode = std::fs::metadata(&out).unwrap().permissions().mode();
			assert_eq!(mode & 0o777, 0o700);
		}
		// Nothing is ever overwritten.
		write_private(&out.join("7.json"), b"{}").unwrap();
		assert!(format!("{:#}", destinations(&out, &[3, 7]).unwrap_err()).contains("7.json exists"));
		std::fs::write(&file, b"{}").unwrap();
		assert!(
			format!("{:#}", destinations(&file, &[3]).unwrap_err()).contains("never overwrites")
		);
		assert!(format!("{:#}", destinations(&file, &[3, 7]).unwrap_err())
			.contains("is not a directory"));
	}
}
