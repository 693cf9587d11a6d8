//! The off-chain worker: pins records on the collator's IPFS node and reports them on chain.
//!
//! One run, for each pinning key in the node's keystore that belongs to an active authority:
//! take the lock, skip the run while backing off, then
//!
//! 1. go through the records from the authority's cursor on that it has not settled and has no
//!    report in flight for, and ask IPFS to pin each (with a timeout), checking the pinned
//!    content's size against the record's;
//! 2. try again, each on its own backoff, a few records the authority reported unpinnable;
//! 3. submit one signed report of what was pinned and what could not be.
//!
//! A pin that gets no answer makes the worker probe the IPFS node: if the node is down, the run
//! stops and the worker backs off; if it is up, the content is missing, and the record is
//! reported unpinnable. A run stops trying new pins once it has spent [`RUN_BUDGET_MS`].
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
/// After this long, a run tries no more pins: it reports what it has.
pub const RUN_BUDGET_MS: u64 = 60_000;
/// How long one run may hold the lock: blocks, and milliseconds.
const LOCK_BLOCKS: u32 = 32;
const LOCK_MS: u64 = 180_000;
/// For how many blocks a submitted report keeps its records out of the next runs.
const IN_FLIGHT_BLOCKS: u64 = 8;
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
#[derive(Debug, PartialEq, Eq)]
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
		Backoff { next_at: now.saturating_add(delay.into()), delay: delay.saturating_mul(2).min(cap) }
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
	sp_io::offchain::local_storage_get(polkadot_sdk::sp_core::offchain::StorageKind::PERSISTENT, IPFS_API_KEY)
		.and_then(|raw| String::from_utf8(raw).ok())
		.filter(|url| url.starts_with("http://") || url.starts_with("https://"))
		.map(|url| String::from(url.trim_end_matches('/')))
		.unwrap_or_else(|| DEFAULT_IPFS_API.into())
}

/// POSTs a Kubo RPC request and returns the body of a 200 answer.
fn rpc(url: &str, timeout_ms: u64) -> Result<Vec<u8>, PinError> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(timeout_ms));
	let pending = http::Request::post(url, Vec::<Vec<u8>>::new())
		.deadline(deadline)
		.send()
		.map_err(|_| PinError::Unreachable)?;
	let response = pending
		.try_wait(deadline)
		.map_err(|_| PinError::Unreachable)?
		.map_err(|_| PinError::Unreachable)?;
	let code = response.code;
	let body: Vec<u8> = response.body().collect();
	if code == 200 {
		Ok(body)
	} else {
		Err(error_answer(code, &body))
	}
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
	/// Pins `cid` (recursively) and checks that the node pinned that CID.
	fn pin_add(&self, cid: &Cid) -> Result<(), PinError>;
	/// The size in bytes of the file under `cid`.
	fn content_size(&self, cid: &Cid) -> Result<u64, PinError>;
	/// Drops the pin of `cid`, best effort.
	fn pin_rm(&self, cid: &Cid);
	/// Whether the node answers at all.
	fn probe(&self) -> bool;
}

/// An IPFS node's Kubo RPC API at an address such as `http://127.0.0.1:5001`.
pub struct Kubo<'a>(pub &'a str);

impl Ipfs for Kubo<'_> {
	fn pin_add(&self, cid: &Cid) -> Result<(), PinError> {
		pin_add(self.0, cid)
	}
	fn content_size(&self, cid: &Cid) -> Result<u64, PinError> {
		content_size(self.0, cid)
	}
	fn pin_rm(&self, cid: &Cid) {
		pin_rm(self.0, cid)
	}
	fn probe(&self) -> bool {
		probe(self.0)
	}
}

/// Asks the IPFS node at `api` to pin `cid` (recursively, giving up after
/// [`PIN_TIMEOUT_SECS`]) and checks that it pinned that CID.
pub fn pin_add(api: &str, cid: &Cid) -> Result<(), PinError> {
	let url = format!("{api}/api/v0/pin/add?arg={}&timeout={PIN_TIMEOUT_SECS}s", cid.to_text());
	let body = rpc(&url, REQUEST_TIMEOUT_MS)?;
	#[derive(serde::Deserialize)]
	struct Pinned {
		#[serde(rename = "Pins")]
		pins: Vec<String>,
	}
	let pinned: Pinned = serde_json::from_slice(&body).map_err(|_| PinError::Malformed)?;
	// The same CID, whatever text form the node prints it in.
	let same = |text: &String| Cid::parse(text.as_bytes()).as_ref() == Ok(cid);
	if pinned.pins.len() == 1 && pinned.pins.iter().all(same) {
		Ok(())
	} else {
		Err(PinError::OtherCid)
	}
}

/// The size in bytes of the file under `cid` on the node at `api` (`files/stat`: the file's
/// own size, what a record's `size` counts, not the size of its DAG's blocks).
pub fn content_size(api: &str, cid: &Cid) -> Result<u64, PinError> {
	let url = format!("{api}/api/v0/files/stat?arg=/ipfs/{}&timeout={PIN_TIMEOUT_SECS}s", cid.to_text());
	let body = rpc(&url, REQUEST_TIMEOUT_MS)?;
	#[derive(serde::Deserialize)]
	struct Stat {
		#[serde(rename = "Size")]
		size: u64,
	}
	serde_json::from_slice::<Stat>(&body).map(|stat| stat.size).map_err(|_| PinError::Malformed)
}

/// Asks the node at `api` to drop its pin of `cid`; best effort.
fn pin_rm(api: &str, cid: &Cid) {
	let url = format!("{api}/api/v0/pin/rm?arg={}", cid.to_text());
	if let Err(e) = rpc(&url, REQUEST_TIMEOUT_MS) {
		log::warn!(target: LOG_TARGET, "could not unpin {}: {e:?}", cid.to_text());
	}
}

/// Whether the IPFS node at `api` answers at all.
pub fn probe(api: &str) -> bool {
	rpc(&format!("{api}/api/v0/version"), PROBE_TIMEOUT_MS).is_ok()
}

/// Pins `cid` on `ipfs` and checks that its content is `size` bytes; unpins content of another
/// size. Tells a node that is down from content that is missing by probing the node when a pin
/// gets no answer.
pub fn pin_checked(ipfs: &impl Ipfs, cid: &Cid, size: u64) -> Result<(), Failure> {
	match ipfs.pin_add(cid) {
		Ok(()) => {},
		Err(PinError::Unreachable) if ipfs.probe() =>
			return Err(Failure::Unpinnable(Reason::NotFound)),
		Err(PinError::Unreachable) => return Err(Failure::Unreachable),
		Err(PinError::TimedOut) => return Err(Failure::Unpinnable(Reason::NotFound)),
		Err(e) => {
			log::warn!(target: LOG_TARGET, "IPFS refused to pin {}: {e:?}", cid.to_text());
			return Err(Failure::Unpinnable(Reason::Refused));
		},
	}
	match ipfs.content_size(cid) {
		Ok(found) if found == size => Ok(()),
		Ok(found) => {
			ipfs.pin_rm(cid);
			Err(Failure::Unpinnable(Reason::WrongSize { found }))
		},
		Err(PinError::Unreachable) => Err(Failure::Unreachable),
		Err(e) => {
			log::warn!(target: LOG_TARGET, "IPFS cannot tell the size of {}: {e:?}", cid.to_text());
			Err(Failure::Unpinnable(Reason::Refused))
		},
	}
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
		match run_for::<T>(now, key, &authority, |cid, size| pin_checked(&Kubo(&api), cid, size)) {
			Ok(0) => {},
			Ok(n) => log::info!(target: LOG_TARGET, "reported {n} records (pinned or unpinnable)"),
			Err(e) => log::warn!(target: LOG_TARGET, "pinning run failed: {e}"),
		}
	}
}

/// What one run found.
#[derive(Default)]
struct Found {
	pinned: Vec<RecordId>,
	unpinnable: Vec<(RecordId, Reason)>,
	/// The IPFS node is down: the run stops.
	unreachable: bool,
	/// The node answered at least once.
	answered: bool,
}

impl Found {
	fn reported(&self) -> usize {
		self.pinned.len() + self.unpinnable.len()
	}
}

/// Pins (with `pin`) and reports for one authority; returns how many records it reported.
pub fn run_for<T: Config>(
	now: BlockNumberFor<T>,
	key: T::AuthorityId,
	authority: &T::AccountId,
	mut pin: impl FnMut(&Cid, u64) -> Result<(), Failure>,
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
	let budget_end = sp_io::offchain::timestamp().add(Duration::from_millis(RUN_BUDGET_MS));
	let over_budget = || sp_io::offchain::timestamp() > budget_end;

	let max = T::MaxPinsPerReport::get() as usize;
	let mut found = Found::default();

	// 1. New records, from the cursor on.
	let next = T::Records::next_record_id();
	let start = Cursor::<T>::get(authority);
	let end = next.min(start.saturating_add((max as u32 * SCAN_FACTOR).into()));
	for id in start..end {
		if found.reported() >= max || found.unreachable || over_budget() {
			break;
		}
		if PinnedAt::<T>::contains_key(id, authority) ||
			Unpinnable::<T>::contains_key(authority, id) ||
			flying(id)
		{
			continue;
		}
		let Some((cid, size)) = T::Records::content(id) else { continue };
		attempt(&mut found, id, &cid, size, &mut pin);
		if let Some((_, reason)) = found.unpinnable.last().filter(|(last, _)| *last == id) {
			log::warn!(
				target: LOG_TARGET,
				"record {id} ({}) cannot be pinned: {reason:?}; reported, and tried again later",
				cid.to_text()
			);
			StorageValueRef::persistent(&local_key("retry", &(authority, id)))
				.set(&Backoff::default().retry_failed(block));
		}
	}

	// 2. A few records reported unpinnable before, each when its own backoff is over.
	if !found.unreachable {
		retry_unpinnable::<T>(authority, block, &flying, &over_budget, &mut found, &mut pin);
	}

	if found.unreachable {
		let after = backoff.failed(block);
		log::warn!(
			target: LOG_TARGET,
			"IPFS API unreachable; pending records wait, next try at block {}",
			after.next_at
		);
		backoff_store.set(&after);
	} else if found.answered && backoff != Backoff::default() {
		// IPFS is back: no more waiting.
		backoff_store.clear();
	}
	let count = found.reported();
	if count == 0 {
		return Ok(0);
	}
	let until = block.saturating_add(IN_FLIGHT_BLOCKS);
	let mut in_flight = in_flight;
	in_flight.extend(found.pinned.iter().chain(found.unpinnable.iter().map(|(id, _)| id)).map(|id| (*id, until)));
	found.pinned.sort_unstable();
	found.unpinnable.sort_unstable_by_key(|(id, _)| *id);
	let pins = BoundedVec::truncate_from(found.pinned);
	let unpinnable = BoundedVec::truncate_from(found.unpinnable);
	Pallet::<T>::submit_report(key, now, pins, unpinnable)?;
	in_flight_store.set(&in_flight);
	Ok(count)
}

/// One attempt to pin record `id`, noted in `found`.
fn attempt(
	found: &mut Found,
	id: RecordId,
	cid: &Cid,
	size: u64,
	pin: &mut impl FnMut(&Cid, u64) -> Result<(), Failure>,
) {
	match pin(cid, size) {
		Ok(()) => {
			found.answered = true;
			found.pinned.push(id);
		},
		Err(Failure::Unpinnable(reason)) => {
			found.answered = true;
			found.unpinnable.push((id, reason));
		},
		Err(Failure::Unreachable) => found.unreachable = true,
	}
}

/// Tries again up to [`RETRIES_PER_RUN`] of `authority`'s unpinnable records whose backoff is
/// over, going round them across runs (where the last run stopped is kept locally). A record
/// pinned now joins `found.pinned`; one that fails again waits twice as long.
fn retry_unpinnable<T: Config>(
	authority: &T::AccountId,
	block: u64,
	flying: &impl Fn(RecordId) -> bool,
	over_budget: &impl Fn() -> bool,
	found: &mut Found,
	pin: &mut impl FnMut(&Cid, u64) -> Result<(), Failure>,
) {
	let max = T::MaxPinsPerReport::get() as usize;
	let resume_key = local_key("retry-from", authority);
	let resume_store = StorageValueRef::persistent(&resume_key);
	let from: Vec<u8> = resume_store.get().ok().flatten().unwrap_or_default();
	let mut entries = if from.is_empty() {
		Unpinnable::<T>::iter_prefix(authority)
	} else {
		Unpinnable::<T>::iter_prefix_from(authority, from)
	}
	.peekable();
	let (mut tried, mut looked) = (0, 0);
	let mut resume = None;
	while let Some((id, _)) = entries.peek().cloned() {
		if tried >= RETRIES_PER_RUN || looked >= max * SCAN_FACTOR as usize || found.reported() >= max {
			break;
		}
		entries.next();
		resume = Some(id);
		looked += 1;
		let retry_key = local_key("retry", &(authority, id));
		let mut retry_store = StorageValueRef::persistent(&retry_key);
		let retry: Backoff = retry_store.get().ok().flatten().unwrap_or_default();
		if block < retry.next_at || flying(id) || over_budget() {
			continue;
		}
		let Some((cid, size)) = T::Records::content(id) else { continue };
		tried += 1;
		let before = found.unpinnable.len();
		attempt(found, id, &cid, size, pin);
		if found.unreachable {
			// Not tried after all: start from it next time.
			resume = None;
			break;
		}
		if found.unpinnable.len() > before {
			// Still unpinnable: already reported, so not again; only wait longer.
			found.unpinnable.truncate(before);
			retry_store.set(&retry.retry_failed(block));
		} else {
			log::info!(target: LOG_TARGET, "record {id}, unpinnable before, is pinned now");
			retry_store.clear();
		}
	}
	// Go on after the last record looked at next time, or from the start once round.
	let mut resume_store = resume_store;
	match resume {
		Some(id) if entries.peek().is_some() =>
			resume_store.set(&Unpinnable::<T>::hashed_key_for(authority, id)),
		_ => resume_store.clear(),
	}
}
