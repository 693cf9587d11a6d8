//! The off-chain worker: pins records on the collator's IPFS node and reports them on chain.
//!
//! One run, for each pinning key in the node's keystore that belongs to an active authority:
//! take the lock, skip the run while backing off, then
//!
//! 1. take the records from the authority's cursor on that it has not settled and has no report
//!    in flight for, and a few records it reported unpinnable whose own backoff is over;
//! 2. ask IPFS for the size of each one's content, then to pin those of the record's size, each
//!    step for all of them at once (each request with a timeout, so a step waits for the
//!    slowest request, not for their sum). Content of another size is never pinned, and the
//!    worker never unpins anything: another record may name the same CID;
//! 3. submit one signed report of what was pinned and what could not be.
//!
//! A pin that gets no answer makes the worker probe the IPFS node: if the node is down, the
//! worker backs off; if it is up, the content is missing, and the record is reported
//! unpinnable.
//! State that only this node needs (the backoffs, the reports in flight, where the retries
//! stopped) lives in its persistent off-chain storage.

use crate::{
	Config, Cursor, Pallet, PinnedAt, Reason, Unpinnable, DEFAULT_IPFS_API, FIRST_RETRY_BLOCKS,
	IPFS_API_KEY, LOG_TARGET, MAX_BACKOFF_BLOCKS, MAX_RETRY_BLOCKS,
};
use alloc::{format, string::String, vec::Vec};
use codec::{Decode, Encode};
use medfed_primitives::{Cid, RecordId, RecordsInspect};
use polkadot_sdk::{
	frame_support::{traits::Get, BoundedVec},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_io,
	sp_runtime::{
		offchain::{
			http,
			storage::StorageValueRef,
			storage_lock::{BlockAndTime, StorageLock},
			Duration,
		},
		traits::UniqueSaturatedInto,
		RuntimeAppPublic,
	},
};

/// How long the IPFS node may look for a record's content before it gives up (Kubo's `timeout`
/// option of every RPC command).
pub const PIN_TIMEOUT_SECS: u64 = 15;
/// How long one IPFS request may take on our side: longer than [`PIN_TIMEOUT_SECS`], so a node
/// that is up answers with its own timeout first.
const REQUEST_TIMEOUT_MS: u64 = 20_000;
/// How long the probe of a node that did not answer may take.
const PROBE_TIMEOUT_MS: u64 = 3_000;
/// How long one run may hold the lock: blocks, and milliseconds.
const LOCK_BLOCKS: u32 = 32;
const LOCK_MS: u64 = 120_000;
/// How many records past the cursor one run looks at, in multiples of `MaxPinsPerReport`.
const SCAN_FACTOR: u32 = 4;
/// How many unpinnable records one run tries again, at most.
pub const RETRIES_PER_RUN: usize = 4;

/// What the IPFS node answered to one request.
#[derive(Debug, PartialEq, Eq)]
pub enum PinError {
	/// The IPFS API did not answer (down, refused the connection, or too slow).
	Unreachable,
	/// The node gave up looking for the content within its timeout.
	TimedOut,
	/// The API answered with another error status.
	Refused(u16),
	/// The API answered, but not with the Kubo RPC JSON asked for.
	Malformed,
	/// The node pinned another CID than the one asked for.
	OtherCid,
}

/// Why one attempt to pin a record failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
	/// The IPFS node is down: nothing can be pinned now.
	Unreachable,
	/// The node is up, but cannot pin this record.
	Unpinnable(Reason),
}

/// A backoff: no attempt before `next_at`, and how long to wait after the next failure.
#[derive(Encode, Decode, Default, Debug, PartialEq, Eq)]
pub struct Backoff {
	/// No attempt before this block.
	pub next_at: u64,
	/// The wait after the next failure, in blocks.
	pub delay: u32,
}

impl Backoff {
	/// The backoff while the IPFS node is down, after one more failure at block `now`: from
	/// one block, doubling up to [`MAX_BACKOFF_BLOCKS`].
	pub fn failed(&self, now: u64) -> Backoff {
		self.after_failure(now, 1, MAX_BACKOFF_BLOCKS)
	}

	/// The backoff of one unpinnable record, after one more failure at block `now`: from
	/// [`FIRST_RETRY_BLOCKS`], doubling up to [`MAX_RETRY_BLOCKS`].
	pub fn retry_failed(&self, now: u64) -> Backoff {
		self.after_failure(now, FIRST_RETRY_BLOCKS, MAX_RETRY_BLOCKS)
	}

	fn after_failure(&self, now: u64, first: u32, cap: u32) -> Backoff {
		let delay = self.delay.clamp(first, cap);
		Backoff {
			next_at: now.saturating_add(delay.into()),
			delay: delay.saturating_mul(2).min(cap),
		}
	}
}

/// Local storage keys, per authority account (and record).
fn local_key(kind: &str, authority: &impl Encode) -> Vec<u8> {
	let mut key = format!("medfed::pinning::{kind}::").into_bytes();
	authority.encode_to(&mut key);
	key
}

/// The IPFS API address this node is configured with: the raw UTF-8 bytes under
/// [`IPFS_API_KEY`] (as `offchain_localStorageSet` writes them), else the default.
pub fn ipfs_api() -> String {
	sp_io::offchain::local_storage_get(
		polkadot_sdk::sp_core::offchain::StorageKind::PERSISTENT,
		IPFS_API_KEY,
	)
	.and_then(|raw| String::from_utf8(raw).ok())
	.filter(|url| url.starts_with("http://") || url.starts_with("https://"))
	.map(|url| String::from(url.trim_end_matches('/')))
	.unwrap_or_else(|| DEFAULT_IPFS_API.into())
}

/// POSTs a Kubo RPC request and returns the body of a 200 answer.
fn rpc(url: &str, timeout_ms: u64) -> Result<Vec<u8>, PinError> {
	rpc_all(&[url.into()], timeout_ms).pop().unwrap_or(Err(PinError::Unreachable))
}

/// POSTs Kubo RPC requests all at once and returns, in order, the body of each 200 answer.
fn rpc_all(urls: &[String], timeout_ms: u64) -> Vec<Result<Vec<u8>, PinError>> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(timeout_ms));
	let (mut sent, mut pending) = (Vec::with_capacity(urls.len()), Vec::with_capacity(urls.len()));
	for url in urls {
		let request = http::Request::post(url, Vec::<Vec<u8>>::new()).deadline(deadline).send();
		sent.push(request.is_ok());
		pending.extend(request.ok());
	}
	let mut answers = http::PendingRequest::try_wait_all(pending, deadline).into_iter();
	sent.into_iter()
		.map(|sent| {
			if !sent {
				return Err(PinError::Unreachable);
			}
			let response = answers
				.next()
				.ok_or(PinError::Unreachable)?
				.map_err(|_| PinError::Unreachable)?
				.map_err(|_| PinError::Unreachable)?;
			let code = response.code;
			let mut body = response.body();
			// A node that sends headers and then stalls does not hold the worker past it.
			body.deadline(deadline);
			let body: Vec<u8> = body.collect();
			if code == 200 {
				Ok(body)
			} else {
				Err(error_answer(code, &body))
			}
		})
		.collect()
}

/// What an error answer of the Kubo RPC API means. Its JSON is `{"Message": …, "Code": …,
/// "Type": "error"}`; a node that gave up looking for content says it timed out (js-ipfs) or
/// that its deadline was exceeded (Kubo).
pub fn error_answer(code: u16, body: &[u8]) -> PinError {
	#[derive(serde::Deserialize)]
	struct KuboError {
		#[serde(rename = "Message")]
		message: String,
	}
	match serde_json::from_slice::<KuboError>(body) {
		Ok(e) if e.message.contains("timed out") || e.message.contains("deadline exceeded") =>
			PinError::TimedOut,
		_ => PinError::Refused(code),
	}
}

/// What the worker asks of an IPFS node.
pub trait Ipfs {
	/// Pins each of `cids` (recursively), all at once, and checks that the node pinned that
	/// CID; the answers in the order of `cids`.
	fn pin_add_all(&self, cids: &[Cid]) -> Vec<Result<(), PinError>>;
	/// The size in bytes of the file under each of `cids`, asked all at once; in their order.
	fn content_sizes(&self, cids: &[Cid]) -> Vec<Result<u64, PinError>>;
	/// Whether the node answers at all.
	fn probe(&self) -> bool;
}

/// An IPFS node's Kubo RPC API at an address such as `http://127.0.0.1:5001`.
pub struct Kubo<'a>(pub &'a str);

impl Ipfs for Kubo<'_> {
	fn pin_add_all(&self, cids: &[Cid]) -> Vec<Result<(), PinError>> {
		pin_add_all(self.0, cids)
	}
	fn content_sizes(&self, cids: &[Cid]) -> Vec<Result<u64, PinError>> {
		content_sizes(self.0, cids)
	}
	fn probe(&self) -> bool {
		probe(self.0)
	}
}

/// Asks the IPFS node at `api` to pin `cid` (recursively, giving up after
/// [`PIN_TIMEOUT_SECS`]) and checks that it pinned that CID.
pub fn pin_add(api: &str, cid: &Cid) -> Result<(), PinError> {
	pin_add_all(api, core::slice::from_ref(cid))
		.pop()
		.unwrap_or(Err(PinError::Unreachable))
}

/// [`pin_add`] of each of `cids`, the requests all sent at once.
pub fn pin_add_all(api: &str, cids: &[Cid]) -> Vec<Result<(), PinError>> {
	let urls: Vec<String> = cids
		.iter()
		.map(|cid| {
			format!("{api}/api/v0/pin/add?arg={}&timeout={PIN_TIMEOUT_SECS}s", cid.to_text())
		})
		.collect();
	rpc_all(&urls, REQUEST_TIMEOUT_MS)
		.into_iter()
		.zip(cids)
		.map(|(answer, cid)| {
			#[derive(serde::Deserialize)]
			struct Pinned {
				#[serde(rename = "Pins")]
				pins: Vec<String>,
			}
			let pinned: Pinned =
				serde_json::from_slice(&answer?).map_err(|_| PinError::Malformed)?;
			// The same CID, whatever text form the node prints it in.
			let same = |text: &String| Cid::parse(text.as_bytes()).as_ref() == Ok(cid);
			if pinned.pins.len() == 1 && pinned.pins.iter().all(same) {
				Ok(())
			} else {
				Err(PinError::OtherCid)
			}
		})
		.collect()
}

/// The size in bytes of the file under each of `cids` on the node at `api`, asked all at once
/// (`files/stat`: the file's own size, what a record's `size` counts, not the size of its DAG's
/// blocks; it fetches only the root block).
pub fn content_sizes(api: &str, cids: &[Cid]) -> Vec<Result<u64, PinError>> {
	let urls: Vec<String> = cids
		.iter()
		.map(|cid| {
			format!(
				"{api}/api/v0/files/stat?arg=/ipfs/{}&timeout={PIN_TIMEOUT_SECS}s",
				cid.to_text()
			)
		})
		.collect();
	#[derive(serde::Deserialize)]
	struct Stat {
		#[serde(rename = "Size")]
		size: u64,
	}
	rpc_all(&urls, REQUEST_TIMEOUT_MS)
		.into_iter()
		.map(|answer| {
			serde_json::from_slice::<Stat>(&answer?)
				.map(|stat| stat.size)
				.map_err(|_| PinError::Malformed)
		})
		.collect()
}

/// Whether the IPFS node at `api` answers at all.
pub fn probe(api: &str) -> bool {
	rpc(&format!("{api}/api/v0/version"), PROBE_TIMEOUT_MS).is_ok()
}

/// Whether the size of content under `cid` can be asked with `files/stat`: a UnixFS file
/// (`raw` or `dag-pb`), which is what MedFed's clients add. Other codecs are pinned unchecked.
fn has_file_size(cid: &Cid) -> bool {
	matches!(cid.codec, medfed_primitives::cid::Codec::Raw | medfed_primitives::cid::Codec::DagPb)
}

/// Pins each `(cid, size)` of `records` on `ipfs` if its content is `size` bytes: first asks
/// every size, then pins those that match, each step for all records at once. Content of
/// another size is never pinned (nor is anything ever unpinned: another record may name the
/// same CID). Tells a node that is down from content that is missing by probing the node when a
/// request gets no answer. The outcomes in the order of `records`.
pub fn pin_checked(ipfs: &impl Ipfs, records: &[(Cid, u64)]) -> Vec<Result<(), Failure>> {
	let mut alive = None;
	let mut failure = |error: PinError, cid: &Cid| match error {
		PinError::Unreachable if *alive.get_or_insert_with(|| ipfs.probe()) =>
			Failure::Unpinnable(Reason::NotFound),
		PinError::Unreachable => Failure::Unreachable,
		PinError::TimedOut => Failure::Unpinnable(Reason::NotFound),
		e => {
			log::warn!(target: LOG_TARGET, "IPFS refused {}: {e:?}", cid.to_text());
			Failure::Unpinnable(Reason::Refused)
		},
	};
	let sized: Vec<Cid> = records
		.iter()
		.filter(|(cid, _)| has_file_size(cid))
		.map(|(cid, _)| cid.clone())
		.collect();
	let mut sizes = ipfs.content_sizes(&sized).into_iter();
	let mut outcomes: Vec<Result<(), Failure>> = records
		.iter()
		.map(|(cid, size)| {
			if !has_file_size(cid) {
				return Ok(());
			}
			match sizes.next().unwrap_or(Err(PinError::Unreachable)) {
				Ok(found) if found == *size => Ok(()),
				Ok(found) => Err(Failure::Unpinnable(Reason::WrongSize { found })),
				Err(e) => Err(failure(e, cid)),
			}
		})
		.collect();
	let to_pin: Vec<Cid> = records
		.iter()
		.zip(&outcomes)
		.filter(|(_, outcome)| outcome.is_ok())
		.map(|((cid, _), _)| cid.clone())
		.collect();
	let mut pins = ipfs.pin_add_all(&to_pin).into_iter();
	for ((cid, _), outcome) in records.iter().zip(outcomes.iter_mut()) {
		if outcome.is_ok() {
			if let Err(e) = pins.next().unwrap_or(Err(PinError::Unreachable)) {
				*outcome = Err(failure(e, cid));
			}
		}
	}
	outcomes
}

/// One run of the worker at block `now`.
pub fn run<T: Config>(now: BlockNumberFor<T>) {
	for key in T::AuthorityId::all() {
		let Some(authority) = Pallet::<T>::authority_of(&key) else { continue };
		let lock_key = local_key("lock", &authority);
		let mut lock = StorageLock::<BlockAndTime<polkadot_sdk::frame_system::Pallet<T>>>::with_block_and_time_deadline(
			&lock_key,
			LOCK_BLOCKS,
			Duration::from_millis(LOCK_MS),
		);
		let Ok(_guard) = lock.try_lock() else {
			log::debug!(target: LOG_TARGET, "a previous run still holds the pinning lock");
			continue;
		};
		let api = ipfs_api();
		match run_for::<T>(now, key, &authority, |records| pin_checked(&Kubo(&api), records)) {
			Ok(0) => {},
			Ok(n) => log::info!(target: LOG_TARGET, "reported {n} records (pinned or unpinnable)"),
			Err(e) => log::warn!(target: LOG_TARGET, "pinning run failed: {e}"),
		}
	}
}

/// A record one run tries to pin.
struct Attempt {
	id: RecordId,
	cid: Cid,
	size: u64,
	/// Reported unpinnable before: its retry backoff, under this local storage key.
	retry: Option<(Vec<u8>, Backoff)>,
}

/// Pins (with `pin`, given every record of the run at once) and reports for one authority;
/// returns how many records it reported.
pub fn run_for<T: Config>(
	now: BlockNumberFor<T>,
	key: T::AuthorityId,
	authority: &T::AccountId,
	pin: impl FnOnce(&[(Cid, u64)]) -> Vec<Result<(), Failure>>,
) -> Result<usize, &'static str> {
	let block: u64 = now.unique_saturated_into();
	let backoff_key = local_key("backoff", authority);
	let mut backoff_store = StorageValueRef::persistent(&backoff_key);
	let backoff: Backoff = backoff_store.get().ok().flatten().unwrap_or_default();
	if block < backoff.next_at {
		return Ok(0);
	}
	let in_flight_key = local_key("in-flight", authority);
	let in_flight_store = StorageValueRef::persistent(&in_flight_key);
	let in_flight: Vec<(RecordId, u64)> = in_flight_store
		.get::<Vec<(RecordId, u64)>>()
		.ok()
		.flatten()
		.unwrap_or_default()
		.into_iter()
		.filter(|(_, until)| *until > block)
		.collect();
	let flying = |id: RecordId| in_flight.iter().any(|(i, _)| *i == id);

	// A few unpinnable records whose backoff is over (always some room for them, so that no
	// flood of new records starves them), then new records from the cursor on.
	let max = T::MaxPinsPerReport::get() as usize;
	let mut attempts = due_retries::<T>(authority, block, RETRIES_PER_RUN.min(max / 2), &flying);
	let next = T::Records::next_record_id();
	let start = Cursor::<T>::get(authority);
	let end = next.min(start.saturating_add((max as u32 * SCAN_FACTOR).into()));
	for id in start..end {
		if attempts.len() >= max {
			break;
		}
		if PinnedAt::<T>::contains_key(id, authority) ||
			Unpinnable::<T>::contains_key(authority, id) ||
			flying(id)
		{
			continue;
		}
		if let Some((cid, size)) = T::Records::content(id) {
			attempts.push(Attempt { id, cid, size, retry: None });
		}
	}
	if attempts.is_empty() {
		return Ok(0);
	}

	let records: Vec<(Cid, u64)> = attempts.iter().map(|a| (a.cid.clone(), a.size)).collect();
	let outcomes = pin(&records);
	let (mut pinned, mut unpinnable) = (Vec::new(), Vec::new());
	let (mut answered, mut unreachable) = (false, false);
	for (attempt, outcome) in attempts.into_iter().zip(outcomes) {
		let id = attempt.id;
		match (outcome, attempt.retry) {
			(Ok(()), retry) => {
				answered = true;
				pinned.push(id);
				if let Some((retry_key, _)) = retry {
					log::info!(target: LOG_TARGET, "record {id}, unpinnable before, is pinned now");
					StorageValueRef::persistent(&retry_key).clear();
				}
			},
			(Err(Failure::Unpinnable(reason)), None) => {
				answered = true;
				log::warn!(
					target: LOG_TARGET,
					"record {id} ({}) cannot be pinned: {reason:?}; reported, and tried again later",
					attempt.cid.to_text()
				);
				unpinnable.push((id, reason));
				StorageValueRef::persistent(&local_key("retry", &(authority, id)))
					.set(&Backoff::default().retry_failed(block));
			},
			// Still unpinnable: already reported, so not again; only wait longer.
			(Err(Failure::Unpinnable(_)), Some((retry_key, retry))) => {
				answered = true;
				StorageValueRef::persistent(&retry_key).set(&retry.retry_failed(block));
			},
			(Err(Failure::Unreachable), _) => unreachable = true,
		}
	}

	if unreachable {
		let after = backoff.failed(block);
		log::warn!(
			target: LOG_TARGET,
			"IPFS API unreachable; pending records wait, next try at block {}",
			after.next_at
		);
		backoff_store.set(&after);
	} else if answered && backoff != Backoff::default() {
		// IPFS is back: no more waiting.
		backoff_store.clear();
	}
	let count = pinned.len() + unpinnable.len();
	if count == 0 {
		return Ok(0);
	}
	// Out of the next runs for as long as the report may wait in the pool.
	let until = block.saturating_add(T::ReportLongevity::get().unique_saturated_into());
	let mut in_flight = in_flight;
	in_flight
		.extend(pinned.iter().chain(unpinnable.iter().map(|(id, _)| id)).map(|id| (*id, until)));
	pinned.sort_unstable();
	unpinnable.sort_unstable_by_key(|(id, _)| *id);
	let pins = BoundedVec::truncate_from(pinned);
	let unpinnable = BoundedVec::truncate_from(unpinnable);
	Pallet::<T>::submit_report(key, now, pins, unpinnable)?;
	in_flight_store.set(&in_flight);
	Ok(count)
}

/// Up to `limit` of `authority`'s unpinnable records whose backoff is over, going round them
/// across runs: where this look stopped is kept locally, and the next one goes on from there
/// (from the start once round). Looks at most at `SCAN_FACTOR` times `MaxPinsPerReport`.
fn due_retries<T: Config>(
	authority: &T::AccountId,
	block: u64,
	limit: usize,
	flying: &impl Fn(RecordId) -> bool,
) -> Vec<Attempt> {
	let resume_key = local_key("retry-from", authority);
	let mut resume_store = StorageValueRef::persistent(&resume_key);
	if limit == 0 {
		return Vec::new();
	}
	let from: Vec<u8> = resume_store.get().ok().flatten().unwrap_or_default();
	let mut entries = if from.is_empty() {
		Unpinnable::<T>::iter_prefix(authority)
	} else {
		Unpinnable::<T>::iter_prefix_from(authority, from)
	}
	.peekable();
	let look = T::MaxPinsPerReport::get().saturating_mul(SCAN_FACTOR) as usize;
	let (mut due, mut looked, mut last) = (Vec::new(), 0, None);
	while due.len() < limit && looked < look {
		let Some((id, _)) = entries.next() else { break };
		looked += 1;
		last = Some(id);
		let retry_key = local_key("retry", &(authority, id));
		let retry: Backoff =
			StorageValueRef::persistent(&retry_key).get().ok().flatten().unwrap_or_default();
		if block < retry.next_at || flying(id) {
			continue;
		}
		if let Some((cid, size)) = T::Records::content(id) {
			due.push(Attempt { id, cid, size, retry: Some((retry_key, retry)) });
		}
	}
	match last {
		Some(id) if entries.peek().is_some() =>
			resume_store.set(&Unpinnable::<T>::hashed_key_for(authority, id)),
		_ => resume_store.clear(),
	}
	due
}
