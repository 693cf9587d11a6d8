//! # Pinning pallet
//!
//! Keeps every record's ciphertext pinned on the IPFS node of every authority institution, and
//! the pin status of each record per authority on chain.
//!
//! ## Overview
//!
//! Records (see the records pallet) name their ciphertext by IPFS CID. An off-chain worker runs
//! on the authority collators: it walks the records its authority has not pinned yet, asks the
//! collator's own IPFS node to pin each CID through the Kubo RPC API (`/api/v0/pin/add`), checks
//! that the node pinned exactly that CID, and reports the pinned records back on chain with
//! [`Pallet::report_pins`].
//!
//! A report is signed with the collator's pinning key, a session key of type `pin_`. It is
//! authorized, not paid for: the pallet accepts it only if the signature is valid and the key
//! belongs (through [`Config::KeyOwner`]) to an active authority institution. Nobody else can
//! forge one, and a collator needs no funds to report.
//!
//! Nothing is ever dropped, and no record can hold up the others. Each authority has a
//! [`Cursor`]: every record below it is settled for that authority, either pinned or reported
//! [`Unpinnable`] (with the reason: the content is nowhere to be found, it is not as large as
//! the record says, or the node refused it). The worker tells a dead IPFS node from missing
//! content: when a pin fails without an answer it probes the node; while the node is down the
//! worker backs off exponentially (up to [`MAX_BACKOFF_BLOCKS`]) and resumes where it stopped,
//! and when the node is up the record is reported unpinnable and the worker moves on. It keeps
//! retrying unpinnable records off chain, each with its own backoff (up to
//! [`MAX_RETRY_BLOCKS`]); a later pin clears the mark. A record is reported unpinnable once per
//! authority, so a record whose content nobody serves costs the chain one report and nothing
//! more. An authority admitted later starts at record 0 and pins everything.
//!
//! What the chain keeps of an authority's pins goes with the authority: the runtime calls
//! [`Pallet::forget_authority`] when one is removed, which drops its cursor and queues its pins
//! and unpinnable marks in [`Departed`]; blocks' spare weight ([`Hooks::on_idle`]) then clears
//! them, record by record, as far as the weight allows. An authority admitted again before
//! that is done reports nothing until it is, then starts at record 0.
//!
//! The IPFS API address is node configuration, not chain state: the worker reads it from the
//! node's persistent off-chain storage under [`IPFS_API_KEY`] (set with the
//! `offchain_localStorageSet` RPC, or by `scripts/launch.sh`) and falls back to
//! [`DEFAULT_IPFS_API`].
//!
//! ## Example
//!
//! A report of pinned records advances the authority's cursor:
#![doc = docify::embed!("src/tests.rs", a_report_records_pins_and_advances_the_cursor)]
//!
//! ## Low-level notes
//!
//! - A report names at most [`Config::MaxPinsPerReport`] pinned and as many unpinnable records,
//!   each below the next record id and not yet settled by that authority (a pin may also name a
//!   record it reported unpinnable); anything else makes the whole report invalid, so a stale or
//!   replayed report never reaches a block.
//! - The cursor advances over at most twice `MaxPinsPerReport` records per report; a gap (a
//!   record still pending) stops it.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use medfed_primitives::{Membership, PinState, RecordId, RecordsInspect, Role};

pub use medfed_primitives::Unpinnable as Reason;
use polkadot_sdk::{
	frame_support::pallet_prelude::*,
	frame_system::{
		self,
		offchain::{CreateAuthorizedTransaction, SubmitTransaction},
		pallet_prelude::*,
	},
	sp_runtime::{
		traits::{Saturating, Zero},
		RuntimeAppPublic,
	},
};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::pinning";

/// The key type of the collators' pinning keys.
pub const KEY_TYPE: polkadot_sdk::sp_core::crypto::KeyTypeId =
	polkadot_sdk::sp_core::crypto::KeyTypeId(*b"pin_");

/// Where in the node's persistent off-chain storage the IPFS API address is.
pub const IPFS_API_KEY: &[u8] = b"medfed::ipfs-api";

/// The IPFS API the worker uses when the node is not configured otherwise.
pub const DEFAULT_IPFS_API: &str = "http://127.0.0.1:5001";

/// What pinning keys sign reports under.
pub const SIGNING_CONTEXT: &[u8] = b"medfed:pinning:report";

/// The pool priority of pin reports: above ordinary transactions, like other collator reports.
pub const REPORT_PRIORITY: u64 = 1 << 20;

/// The longest the worker waits between attempts while IPFS is unreachable, in blocks.
pub const MAX_BACKOFF_BLOCKS: u32 = 64;

/// The first wait before the worker tries an unpinnable record again, in blocks.
pub const FIRST_RETRY_BLOCKS: u32 = 16;

/// The longest the worker waits between tries of one unpinnable record, in blocks (about seven
/// hours of 6-second blocks).
pub const MAX_RETRY_BLOCKS: u32 = 4096;

/// The pinning key: sr25519, kept in the collator's keystore.
pub mod crypto {
	use polkadot_sdk::sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::KEY_TYPE);
}

/// Who owns a pinning key: the runtime maps keys to collator accounts (through the session
/// pallet's key owners).
pub trait KeyOwner<Key, AccountId> {
	/// The account that registered `key`, if any.
	fn owner(key: &Key) -> Option<AccountId>;
}

/// What the benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<Key, AccountId> {
	/// An active authority institution that owns a pinning key in the keystore.
	fn authority() -> (Key, AccountId);
	/// Registers `n` more records.
	fn add_records(n: u32);
}

/// What a collator reports: which records its authority's IPFS node has pinned.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxPins))]
pub struct PinReport<
	Key: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxPins: Get<u32>,
> {
	/// The pinning key that signs the report.
	pub key: Key,
	/// The block the worker ran at: reports older than `ReportLongevity` are stale.
	pub at: BlockNumber,
	/// The records pinned, ascending.
	pub pins: BoundedVec<RecordId, MaxPins>,
	/// The records the authority's IPFS node could not pin, ascending, and why.
	pub unpinnable: BoundedVec<(RecordId, Reason), MaxPins>,
}

/// The report type of a runtime.
pub type PinReportOf<T> =
	PinReport<<T as Config>::AuthorityId, BlockNumberFor<T>, <T as Config>::MaxPinsPerReport>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pinning pallet.
	///
	/// The runtime must have `frame_system::AuthorizeCall` in its transaction extensions.
	#[pallet::config]
	pub trait Config:
		CreateAuthorizedTransaction<Call<Self>> + polkadot_sdk::frame_system::Config
	{
		/// The collators' pinning key.
		type AuthorityId: Member + Parameter + RuntimeAppPublic + Ord + MaxEncodedLen;

		/// Who owns a pinning key.
		type KeyOwner: KeyOwner<Self::AuthorityId, Self::AccountId>;

		/// Which accounts are authority institutions.
		type Membership: Membership<Self::AccountId>;

		/// The records to pin.
		type Records: RecordsInspect;

		/// Most records one report names: also how many pins one worker run attempts.
		#[pallet::constant]
		type MaxPinsPerReport: Get<u32>;

		/// How many blocks a report stays valid for inclusion.
		#[pallet::constant]
		type ReportLongevity: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;

		/// Sets up authorities and records for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AuthorityId, Self::AccountId>;
	}

	/// When each authority's IPFS node pinned each record: `(record, authority) → block`.
	#[pallet::storage]
	pub type PinnedAt<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RecordId,
		Blake2_128Concat,
		T::AccountId,
		BlockNumberFor<T>,
		OptionQuery,
	>;

	/// Per authority, the lowest record it has not settled: every record below is pinned by it
	/// or in [`Unpinnable`].
	#[pallet::storage]
	pub type Cursor<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, RecordId, ValueQuery>;

	/// The records each authority's IPFS node could not pin: `(authority, record) → (why, the
	/// block it was reported in)`. Removed when the authority pins the record after all.
	#[pallet::storage]
	pub type Unpinnable<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		RecordId,
		(Reason, BlockNumberFor<T>),
		OptionQuery,
	>;

	/// Removed authorities whose pins and unpinnable marks are being cleared: `authority →
	/// (first record not cleared yet, end)`; no record at or past `end` holds any. One entry
	/// per authority removed and not cleared yet.
	#[pallet::storage]
	pub type Departed<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (RecordId, RecordId), OptionQuery>;

	/// Events of the pinning pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An authority's IPFS node pinned records.
		Pinned {
			/// The authority institution.
			authority: T::AccountId,
			/// The records it pinned.
			records: Vec<RecordId>,
			/// Every record below this one is now settled by the authority.
			cursor: RecordId,
		},
		/// An authority's IPFS node could not pin records. Its worker keeps trying them.
		NotPinned {
			/// The authority institution.
			authority: T::AccountId,
			/// The records, and why.
			records: Vec<(RecordId, Reason)>,
			/// Every record below this one is now settled by the authority.
			cursor: RecordId,
		},
		/// A removed authority's pins and unpinnable marks are all cleared.
		PinsForgotten {
			/// The former authority institution.
			authority: T::AccountId,
		},
	}

	/// Errors of the pinning pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The signing key belongs to no active authority institution.
		NotAuthority,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(now: BlockNumberFor<T>) {
			offchain::run::<T>(now);
		}

		/// Clears removed authorities' pins with the block's spare weight.
		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune(remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Records that an authority's IPFS node pinned the given records, and could not pin
		/// others.
		///
		/// Origin: authorized, by a report signed with the pinning key of an active authority
		/// institution (see [`Pallet::authorize_report`]); no fee.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::report_pins(
			report.pins.len() as u32,
			report.unpinnable.len() as u32,
		))]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_report_pins(
			report.pins.len() as u32,
			report.unpinnable.len() as u32,
		))]
		#[pallet::authorize(Self::authorize_report)]
		pub fn report_pins(
			origin: OriginFor<T>,
			report: PinReportOf<T>,
			// Checked in `authorize_report`.
			_signature: <T::AuthorityId as RuntimeAppPublic>::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let authority = Self::authority_of(&report.key).ok_or(Error::<T>::NotAuthority)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut pinned = Vec::with_capacity(report.pins.len());
			for id in report.pins {
				if !PinnedAt::<T>::contains_key(id, &authority) {
					PinnedAt::<T>::insert(id, &authority, now);
					Unpinnable::<T>::remove(&authority, id);
					pinned.push(id);
				}
			}
			let mut failed = Vec::with_capacity(report.unpinnable.len());
			for (id, reason) in report.unpinnable {
				if !Self::settled(id, &authority) {
					Unpinnable::<T>::insert(&authority, id, (reason, now));
					failed.push((id, reason));
				}
			}
			let cursor = Self::advance_cursor(&authority);
			if !pinned.is_empty() {
				Self::deposit_event(Event::Pinned {
					authority: authority.clone(),
					records: pinned,
					cursor,
				});
			}
			if !failed.is_empty() {
				Self::deposit_event(Event::NotPinned { authority, records: failed, cursor });
			}
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The active authority institution that owns `key`, unless its pins from an earlier
	/// membership are still being cleared.
	pub fn authority_of(key: &T::AuthorityId) -> Option<T::AccountId> {
		let owner = T::KeyOwner::owner(key)?;
		(T::Membership::active_role(&owner) == Ok(Role::Authority) &&
			!Departed::<T>::contains_key(&owner))
		.then_some(owner)
	}

	/// Drops `authority`'s cursor and queues its pins and unpinnable marks for clearing: the
	/// runtime calls it when an authority is removed. Two reads and writes; the clearing
	/// happens in later blocks' spare weight ([`Self::prune`]).
	pub fn forget_authority(authority: &T::AccountId) {
		let end = T::Records::next_record_id();
		Cursor::<T>::remove(authority);
		// Removed again while an earlier removal's pins are being cleared: clear from where that
		// is, to the newer end (it reported nothing since).
		Departed::<T>::mutate(authority, |entry| {
			let next = entry.map_or(0, |(next, _)| next);
			*entry = Some((next, end));
		});
	}

	/// Clears removed authorities' pins and unpinnable marks, record by record, as far as
	/// `remaining` allows; returns the weight used.
	pub fn prune(remaining: Weight) -> Weight {
		let base = T::WeightInfo::prune_pins(0);
		let per_record = T::WeightInfo::prune_pins(1).saturating_sub(base);
		if remaining.any_lt(base) {
			return Weight::zero();
		}
		let Some((authority, (next, end))) = Departed::<T>::iter().next() else {
			return base;
		};
		let spare = remaining.saturating_sub(base);
		let fits = |total: u64, each: u64| total.checked_div(each).unwrap_or(u64::MAX);
		let n = fits(spare.ref_time(), per_record.ref_time())
			.min(fits(spare.proof_size(), per_record.proof_size()))
			.min(end.saturating_sub(next));
		let stop = next.saturating_add(n);
		if stop < end && n == 0 {
			return base;
		}
		// Read before removed (`take`): the proof of a block must hold each key's trie path,
		// and the benchmark then weighs it into `prune_pins`' proof size.
		for id in next..stop {
			let _ = PinnedAt::<T>::take(id, &authority);
			let _ = Unpinnable::<T>::take(&authority, id);
		}
		if stop >= end {
			Departed::<T>::remove(&authority);
			Self::deposit_event(Event::PinsForgotten { authority });
		} else {
			Departed::<T>::insert(&authority, (stop, end));
		}
		T::WeightInfo::prune_pins(n.try_into().unwrap_or(u32::MAX))
	}

	/// Whether `authority` has pinned record `id` or reported it unpinnable.
	fn settled(id: RecordId, authority: &T::AccountId) -> bool {
		PinnedAt::<T>::contains_key(id, authority) || Unpinnable::<T>::contains_key(authority, id)
	}

	/// Moves `authority`'s cursor over the records it has settled, at most twice
	/// `MaxPinsPerReport` of them (what one report can settle), and returns it.
	fn advance_cursor(authority: &T::AccountId) -> RecordId {
		let next = T::Records::next_record_id();
		let mut cursor = Cursor::<T>::get(authority);
		for _ in 0..T::MaxPinsPerReport::get().saturating_mul(2) {
			if cursor >= next || !Self::settled(cursor, authority) {
				break;
			}
			cursor.saturating_inc();
		}
		Cursor::<T>::insert(authority, cursor);
		cursor
	}

	/// Accepts a report only when it is fresh, signed by an active authority's pinning key, and
	/// names, each list in ascending order and no record in both, records that exist and that
	/// authority has not settled (a pin may name a record it reported unpinnable).
	fn authorize_report(
		_source: TransactionSource,
		report: &PinReportOf<T>,
		signature: &<T::AuthorityId as RuntimeAppPublic>::Signature,
	) -> TransactionValidityWithRefund {
		let now = frame_system::Pallet::<T>::block_number();
		if report.at > now || report.at.saturating_add(T::ReportLongevity::get()) < now {
			return Err(InvalidTransaction::Stale.into());
		}
		let authority = Self::authority_of(&report.key).ok_or(InvalidTransaction::BadSigner)?;
		let next = T::Records::next_record_id();
		let cursor = Cursor::<T>::get(&authority);
		let failed: Vec<RecordId> = report.unpinnable.iter().map(|(id, _)| *id).collect();
		let ascending = |ids: &[RecordId]| ids.windows(2).all(|w| w[0] < w[1]);
		if (report.pins.is_empty() && failed.is_empty()) ||
			!ascending(&report.pins) ||
			!ascending(&failed) ||
			report.pins.iter().chain(&failed).any(|id| *id >= next) ||
			report.pins.iter().any(|id| failed.contains(id))
		{
			return Err(InvalidTransaction::Call.into());
		}
		// The signature before the per-record reads: a forged report costs two reads at most.
		if !report.key.verify(&Self::signing_payload(report), signature) {
			return Err(InvalidTransaction::BadProof.into());
		}
		// Below the cursor everything is settled: a pin there must be of an unpinnable record.
		let stale_pin = |id: &RecordId| {
			PinnedAt::<T>::contains_key(id, &authority) ||
				(*id < cursor && !Unpinnable::<T>::contains_key(&authority, id))
		};
		if report.pins.iter().any(stale_pin) ||
			failed.iter().any(|id| *id < cursor || Self::settled(*id, &authority))
		{
			return Err(InvalidTransaction::Stale.into());
		}
		let longevity: u64 = T::ReportLongevity::get().try_into().unwrap_or(16);
		// One tag per record: two reports of one record never share a block.
		let mut valid = ValidTransaction::with_tag_prefix("MedFedPinning")
			.priority(REPORT_PRIORITY)
			.longevity(longevity)
			.propagate(true);
		for id in report.pins.iter().chain(&failed) {
			valid = valid.and_provides((&authority, id));
		}
		valid.build().map(|valid| (valid, Weight::zero()))
	}

	/// What a pinning key signs: the report, bound to this chain by its genesis hash, so a key
	/// reused in another region cannot have its reports replayed there.
	pub fn signing_payload(report: &PinReportOf<T>) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(SIGNING_CONTEXT, genesis, report).encode()
	}

	/// The pin status of record `id` for each active authority: pending, pinned (when), or
	/// unpinnable (why, and when it was reported).
	pub fn pin_status(id: RecordId) -> Vec<(T::AccountId, PinState<BlockNumberFor<T>>)> {
		T::Membership::authorities()
			.into_iter()
			.map(|authority| {
				// Admitted again while its old pins are cleared: it has pinned nothing yet.
				let state = if Departed::<T>::contains_key(&authority) {
					PinState::Pending
				} else {
					match (PinnedAt::<T>::get(id, &authority), Unpinnable::<T>::get(&authority, id))
					{
						(Some(at), _) => PinState::Pinned { at },
						(None, Some((reason, at))) => PinState::Unpinnable { reason, at },
						(None, None) => PinState::Pending,
					}
				};
				(authority, state)
			})
			.collect()
	}

	/// How many records are at or above `authority`'s cursor: an upper bound of what it has
	/// yet to settle (records settled out of order above the cursor count until the cursor
	/// walks past them, at most twice `MaxPinsPerReport` a report).
	pub fn pending(authority: &T::AccountId) -> u64 {
		T::Records::next_record_id().saturating_sub(Cursor::<T>::get(authority))
	}

	/// Submits a signed report of `pins` from the worker.
	pub(crate) fn submit_report(
		key: T::AuthorityId,
		at: BlockNumberFor<T>,
		pins: BoundedVec<RecordId, T::MaxPinsPerReport>,
		unpinnable: BoundedVec<(RecordId, Reason), T::MaxPinsPerReport>,
	) -> Result<(), &'static str> {
		let report = PinReport { key, at, pins, unpinnable };
		let signature = report
			.key
			.sign(&Self::signing_payload(&report))
			.ok_or("the pinning key cannot sign")?;
		let call = Call::report_pins { report, signature };
		let xt = T::create_authorized_transaction(call.into());
		SubmitTransaction::<T, Call<T>>::submit_transaction(xt)
			.map_err(|_| "the transaction pool refused the report")
	}
}

impl<T: Config> polkadot_sdk::sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = T::AuthorityId;
}

/// Pinning keys are session keys; the pallet keeps no per-session state of its own, because
/// [`Config::KeyOwner`] answers from the session pallet's key owners.
impl<T: Config> polkadot_sdk::frame_support::traits::OneSessionHandler<T::AccountId> for Pallet<T> {
	type Key = T::AuthorityId;

	fn on_genesis_session<'a, I: 'a>(_validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, T::AuthorityId)>,
	{
	}

	fn on_new_session<'a, I: 'a>(_changed: bool, _validators: I, _queued: I)
	where
		I: Iterator<Item = (&'a T::AccountId, T::AuthorityId)>,
	{
	}

	fn on_disabled(_validator_index: u32) {}
}

#[cfg(any(feature = "try-runtime", test))]
impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet's storage.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		Self::try_state_pins_exist()?;
		Self::try_state_unpinnable()?;
		Self::try_state_cursors()?;
		Self::try_state_departed()
	}

	/// Pins and unpinnable marks are an active authority's, or a removed one's not cleared yet
	/// (at or past its [`Departed`] entry's first record, before its end), which has no cursor.
	fn try_state_departed() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let kept = |id: RecordId, authority: &T::AccountId| match Departed::<T>::get(authority) {
			Some((next, end)) => next <= id && id < end,
			None => T::Membership::active_role(authority) == Ok(Role::Authority),
		};
		ensure!(
			PinnedAt::<T>::iter_keys().all(|(id, authority)| kept(id, &authority)),
			"a pin of a removed authority outlives its clearing"
		);
		ensure!(
			Unpinnable::<T>::iter_keys().all(|(authority, id)| kept(id, &authority)),
			"an unpinnable mark of a removed authority outlives its clearing"
		);
		ensure!(
			Departed::<T>::iter_keys().all(|authority| !Cursor::<T>::contains_key(&authority)),
			"an authority whose pins are being cleared has a cursor"
		);
		Ok(())
	}

	/// Every unpinnable mark names an existing record that authority has not pinned.
	fn try_state_unpinnable() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let next = T::Records::next_record_id();
		for (authority, id) in Unpinnable::<T>::iter_keys() {
			ensure!(id < next, "an unpinnable mark names no record");
			ensure!(
				!PinnedAt::<T>::contains_key(id, &authority),
				"a record is pinned and unpinnable"
			);
		}
		Ok(())
	}

	/// Every pin names an existing record.
	fn try_state_pins_exist() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let next = T::Records::next_record_id();
		ensure!(PinnedAt::<T>::iter_keys().all(|(id, _)| id < next), "a pin names no record");
		Ok(())
	}

	/// Every record below an authority's cursor is settled by it.
	fn try_state_cursors() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		for (authority, cursor) in Cursor::<T>::iter() {
			ensure!(cursor <= T::Records::next_record_id(), "a cursor is past the last record");
			ensure!(
				(0..cursor).all(|id| Self::settled(id, &authority)),
				"a record below a cursor is not settled"
			);
		}
		Ok(())
	}
}
