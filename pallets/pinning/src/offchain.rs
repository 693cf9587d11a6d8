//! The off-chain worker: pins records on the collator's IPFS node and reports them on chain.
//!
//! One run, for each pinning key in the node's keystore that belongs to an active authority:
//! take the lock, skip the run while backing off, collect up to `MaxPinsPerReport` records from
//! the authority's cursor on that it has not pinned and has no report in flight for, ask IPFS to
//! pin each, and submit one signed report of those pinned. State that only this node needs (the
//! backoff, the reports in flight) lives in its persistent off-chain storage.

use crate::{Config, Cursor, Pallet, PinnedAt, DEFAULT_IPFS_API, IPFS_API_KEY, LOG_TARGET, MAX_BACKOFF_BLOCKS};
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

/// How long one IPFS request may take.
const REQUEST_TIMEOUT_MS: u64 = 20_000;
/// How long one run may hold the lock: blocks, and milliseconds.
const LOCK_BLOCKS: u32 = 8;
const LOCK_MS: u64 = 120_000;
/// For how many blocks a submitted report keeps its records out of the next runs.
const IN_FLIGHT_BLOCKS: u64 = 8;
/// How many records past the cursor one run looks at, in multiples of `MaxPinsPerReport`.
const SCAN_FACTOR: u32 = 4;

/// Why a pin did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum PinError {
	/// The IPFS API did not answer (down, refused the connection, or timed out).
	Unreachable,
	/// The API answered with an error status.
	Refused(u16),
	/// The API answered, but not with the Kubo RPC JSON of a pin.
	Malformed,
	/// The node pinned another CID than the one asked for.
	OtherCid,
}

/// The worker's backoff while IPFS is unreachable.
#[derive(Encode, Decode, Default, Debug, PartialEq, Eq)]
pub struct Backoff {
	/// No attempt before this block.
	pub next_at: u64,
	/// The wait after the next failure, in blocks.
	pub delay: u32,
}

impl Backoff {
	/// The backoff after one more failure at block `now`.
	pub fn failed(&self, now: u64) -> Backoff {
		let delay = self.delay.clamp(1, MAX_BACKOFF_BLOCKS);
		Backoff { next_at: now.saturating_add(delay.into()), delay: (delay * 2).min(MAX_BACKOFF_BLOCKS) }
	}
}

/// Local storage keys, per authority account.
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

/// Asks the IPFS node at `api` to pin `cid` (recursively) and checks that it pinned that CID.
pub fn pin_add(api: &str, cid: &Cid) -> Result<(), PinError> {
	let url = format!("{api}/api/v0/pin/add?arg={}", cid.to_text());
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(REQUEST_TIMEOUT_MS));
	let pending = http::Request::post(&url, Vec::<Vec<u8>>::new())
		.deadline(deadline)
		.send()
		.map_err(|_| PinError::Unreachable)?;
	let response = pending
		.try_wait(deadline)
		.map_err(|_| PinError::Unreachable)?
		.map_err(|_| PinError::Unreachable)?;
	if response.code != 200 {
		return Err(PinError::Refused(response.code));
	}
	let body: Vec<u8> = response.body().collect();
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
		match run_for::<T>(now, key, &authority, |cid| pin_add(&api, cid)) {
			Ok(0) => {},
			Ok(n) => log::info!(target: LOG_TARGET, "reported {n} pinned records"),
			Err(e) => log::warn!(target: LOG_TARGET, "pinning run failed: {e}"),
		}
	}
}

/// Pins (with `pin`) and reports for one authority; returns how many records it reported.
pub fn run_for<T: Config>(
	now: BlockNumberFor<T>,
	key: T::AuthorityId,
	authority: &T::AccountId,
	mut pin: impl FnMut(&Cid) -> Result<(), PinError>,
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

	let max = T::MaxPinsPerReport::get();
	let next = T::Records::next_record_id();
	let start = Cursor::<T>::get(authority);
	let end = next.min(start.saturating_add((max * SCAN_FACTOR).into()));
	let mut pinned = Vec::new();
	let (mut answered, mut unreachable) = (false, false);
	for id in start..end {
		if pinned.len() as u32 >= max {
			break;
		}
		if PinnedAt::<T>::contains_key(id, authority) || in_flight.iter().any(|(i, _)| *i == id) {
			continue;
		}
		let Some(cid) = T::Records::cid(id) else { continue };
		let result = pin(&cid);
		answered |= result != Err(PinError::Unreachable);
		match result {
			Ok(()) => pinned.push(id),
			Err(PinError::Unreachable) => {
				let after = backoff.failed(block);
				log::warn!(
					target: LOG_TARGET,
					"IPFS API unreachable; record {id} and later stay pending, next try at block {}",
					after.next_at
				);
				backoff_store.set(&after);
				unreachable = true;
				break;
			},
			Err(e) => log::error!(
				target: LOG_TARGET,
				"IPFS did not pin record {id} ({}): {e:?}; it stays pending",
				cid.to_text()
			),
		}
	}
	if answered && !unreachable && backoff != Backoff::default() {
		// IPFS is back: no more waiting.
		backoff_store.clear();
	}
	if pinned.is_empty() {
		return Ok(0);
	}
	let count = pinned.len();
	let until = block.saturating_add(IN_FLIGHT_BLOCKS);
	let mut in_flight = in_flight;
	in_flight.extend(pinned.iter().map(|id| (*id, until)));
	let pins = BoundedVec::truncate_from(pinned);
	Pallet::<T>::submit_report(key, now, pins)?;
	in_flight_store.set(&in_flight);
	Ok(count)
}
