//! # Federation pallet
//!
//! A region's side of the federation: it tells the coordinator which patients the region holds
//! records of, and asks and answers cross-region queries through it.
//!
//! ## Overview
//!
//! The coordinator (the paper's main chain, para [`Coordinator`]) keeps a directory of which
//! regions hold records of which patient, so that cross-region queries know where to go. When
//! a patient's first record is registered in this region, the records pallet tells this one
//! ([`OnFirstRecord`]), which queues the patient ([`Unannounced`]). The next block's
//! `on_initialize` sends the waiting patients, at most
//! [`medfed_primitives::coordinator::MAX_ANNOUNCEMENT_PATIENTS`], in one XCM message over HRMP:
//!
//! ```text
//! UnpaidExecution { weight_limit: Limited(coordinator::NOTE_PATIENTS_WEIGHT_LIMIT), check_origin: None }
//! Transact { origin_kind: Xcm, call: Directory::note_patients { batch, patients } }
//! ```
//!
//! The coordinator lets the federation's regions execute unpaid and sees the message's origin
//! as this parachain, so no account of the region's pays or signs anything there. It answers
//! with [`Pallet::announcement_noted`]; until then the announcement is kept in
//! [`Announcements`] and sent again every [`Config::AnnouncementResendAfter`] relay blocks, so
//! that one the coordinator refused (this region not yet added, say) is not lost. The
//! coordinator notes a patient once however often it hears it.
//!
//! An announcement that cannot be sent (no coordinator configured, no HRMP channel yet, a full
//! queue) never fails the record's registration: the patients stay in [`Unannounced`] and the
//! next block tries again; anyone may send a patient's at once with
//! [`Pallet::announce_patient`], or resend an unacknowledged one with
//! [`Pallet::resend_announcement`].
//!
//! ### Cross-region queries
//!
//! A requester asks for a patient's records with [`Pallet::query`]. What this region holds is
//! answered at once ([`Answers`] under this region's para id). The query goes on to the
//! coordinator, which forwards it to every other region holding records of the patient and
//! tells this region which ([`Pallet::query_routed`]). Each answers straight back
//! ([`Pallet::take_answer`]) with the metadata of the records the requester may read there
//! under the patient's live grants, in pages that fit an HRMP message, or with a denial
//! ([`Pallet::serve_query`] is the answering side). Every hop is an XCM `Transact`
//! (`medfed_primitives::query`).
//!
//! Every query has a deadline in relay chain blocks (the common clock of all parachains) and
//! ends exactly once, with [`Event::QueryEnded`]: answered, denied, not found, timed out, or
//! failed (the coordinator or a region unreachable). A bounded sweep in `on_initialize` ends
//! overdue queries. An answer that comes late, twice, from a region not asked, or out of order
//! is recorded ([`Event::AnswerIgnored`]) and changes nothing; it never fails, so no message is
//! lost to an error. Both regions write the access to the patient's audit trail.
//!
//! A query holds [`Config::QueryDeposit`] of the requester's until the requester dismisses it
//! ([`Pallet::dismiss_query`]) after it ended, which removes its answers.
//!
//! ## Example
//!
//! A block's first records are announced in one message the next block, kept until the
//! coordinator acknowledges it:
#![doc = docify::embed!("src/tests.rs", a_blocks_first_records_are_announced_in_one_message_the_next_block)]
//!
//! Without a channel an announcement waits, and is sent once the channel is open:
#![doc = docify::embed!("src/tests.rs", an_announcement_without_a_channel_waits_for_a_retry)]
//!
//! A query answered here and by one other region:
#![doc = docify::embed!("src/tests.rs", a_query_is_answered_here_and_by_the_region_asked)]
//!
//! ## Low-level notes
//!
//! - An announcement carries patients' account ids and nothing else: no record, no CID.
//! - [`Event::PatientAnnounced`] carries the message's id (its XCM topic), which the
//!   coordinator's message queue reports when it processes the message.
//! - Deadlines are queued in the order queries are made ([`DeadlineQueue`]): with a constant
//!   timeout they fall due in that order, and the sweep pops at most
//!   [`Config::MaxSweepPerBlock`] due ones per block.
//! - Only the coordinator forwards queries here, and only the answer of a region the
//!   coordinator named for a query counts: the XCM origin of every message is checked against
//!   both. An answer that comes before the coordinator's word (HRMP orders messages per sender
//!   only) is kept, at most [`medfed_primitives::query::MAX_QUERY_REGIONS`] senders, until
//!   then.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod announce;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod query;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::{vec, vec::Vec};
use medfed_primitives::{
	coordinator,
	query::{self as messages, Answer, Outcome, QueryId, QueryKind, ReadGrant, ReadRecord},
	OnFirstRecord,
};
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible, fungible::MutateHold, tokens::Precision},
	},
	frame_system::pallet_prelude::*,
	sp_runtime::traits::{BlockNumberProvider, Zero},
	staging_xcm::latest::{prelude::*, XcmHash},
};

/// A balance of runtime `T`'s currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A query of runtime `T`.
pub type QueryOf<T> = Query<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
/// An announcement of runtime `T`.
pub type AnnouncementOf<T> = Announcement<<T as frame_system::Config>::AccountId>;

use polkadot_sdk::frame_system;

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::federation";

/// Most fulfilled reads waiting to be sent: one leaves a block.
pub const MAX_READY_READS: u32 = 64;

pub use medfed_primitives::ParaId;

/// What benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, RuntimeOrigin> {
	/// Opens an outbound HRMP channel to `para`, so that messages to it can be sent.
	fn open_channel(para: ParaId);

	/// Makes `patient`'s records shared with `requester` as many as a query answers, and
	/// funds `requester`.
	fn share_records(patient: &AccountId, requester: &AccountId);

	/// The origin of a `Transact` from sibling parachain `para`.
	fn sibling_origin(para: ParaId) -> RuntimeOrigin;

	/// A live grant of `patient`'s to `requester` here that a read reads the most records of,
	/// at the most cost; its id.
	fn readable_grant(patient: &AccountId, requester: &AccountId) -> u64;

	/// A fulfilled access request of `requester`'s here, for the most records a read carries,
	/// each with the most capsule fragments of the most bytes; its id.
	fn fulfilled_read(patient: &AccountId, requester: &AccountId) -> u64;
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the federation pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// How messages reach sibling parachains (the runtime's XCM router).
		type XcmSender: SendXcm;

		/// Who sets the coordinator's para id.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// A `Transact` from a sibling parachain with its own XCM origin: succeeds with its
		/// para id. Whether that para may send the call is this pallet's check.
		type SiblingOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = ParaId>;

		/// This region's para id.
		type SelfParaId: Get<ParaId>;

		/// The relay chain's block number, the clock of query deadlines.
		type RelayBlockNumber: BlockNumberProvider<BlockNumber = u32>;

		/// The region's records and grants, which answer queries, and the audit trail.
		type Sharing: Sharing<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency query deposits are held in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// What a query holds of its requester's until it is dismissed.
		#[pallet::constant]
		type QueryDeposit: Get<BalanceOf<Self>>;

		/// How many relay chain blocks a query waits for its answers.
		#[pallet::constant]
		type QueryTimeout: Get<u32>;

		/// Most queries open at once in this region.
		#[pallet::constant]
		type MaxOpenQueries: Get<u32>;

		/// Most queries one requester has open at once, so that no requester alone fills
		/// `MaxOpenQueries`.
		#[pallet::constant]
		type MaxOpenQueriesPerRequester: Get<u32>;

		/// Most overdue queries one block's sweep ends.
		#[pallet::constant]
		type MaxSweepPerBlock: Get<u32>;

		/// Most announcements sent and not yet acknowledged by the coordinator at once.
		#[pallet::constant]
		type MaxAnnouncementsInFlight: Get<u32>;

		/// Relay chain blocks after which an announcement the coordinator has not acknowledged
		/// is sent again.
		#[pallet::constant]
		type AnnouncementResendAfter: Get<u32>;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;

		/// Sets up what the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::RuntimeOrigin>;
	}

	/// The coordinator's para id. Until it is set, announcements wait in [`Unannounced`].
	#[pallet::storage]
	pub type Coordinator<T: Config> = StorageValue<_, ParaId, OptionQuery>;

	/// Patients with records here whom the coordinator has not been told about yet, because
	/// the message could not be sent. At most one entry per registered patient.
	#[pallet::storage]
	pub type Unannounced<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// The number of the next announcement this region sends.
	#[pallet::storage]
	pub type NextAnnouncement<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The announcements sent and not yet acknowledged by the coordinator, by number: resent
	/// every `AnnouncementResendAfter` relay blocks until it acknowledges them.
	#[pallet::storage]
	pub type Announcements<T: Config> =
		CountedStorageMap<_, Twox64Concat, u64, AnnouncementOf<T>, OptionQuery>;

	/// The number the next query gets.
	#[pallet::storage]
	pub type NextQuery<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every query asked here that the requester has not dismissed, by number.
	#[pallet::storage]
	pub type Queries<T: Config> = StorageMap<_, Twox64Concat, u64, QueryOf<T>, OptionQuery>;

	/// How many queries each requester has open (not yet ended).
	#[pallet::storage]
	pub type OpenQueriesOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The answers to each query, by query number and answering region (this region's own
	/// answer under its own para id).
	#[pallet::storage]
	pub type Answers<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, ParaId, RegionAnswer, OptionQuery>;

	/// How many records each complete answer in [`Answers`] holds: what counting an answer
	/// reads, instead of the answer itself.
	#[pallet::storage]
	pub type AnswerCounts<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, ParaId, u32, OptionQuery>;

	/// The reads this region serves for other regions' queries, by the access request it
	/// opened for each: the query. Removed when the request is fulfilled or ends.
	#[pallet::storage]
	pub type RemoteReads<T: Config> =
		StorageMap<_, Twox64Concat, u64, RemoteRead<T::AccountId>, OptionQuery>;

	/// The reads whose access requests were fulfilled, oldest first: `on_initialize` sends one
	/// a block.
	#[pallet::storage]
	pub type ReadyReads<T: Config> =
		StorageValue<_, BoundedVec<u64, ConstU32<MAX_READY_READS>>, ValueQuery>;

	/// Each read query's answer so far: the region and grant, how many records it answers
	/// with and how many have come.
	#[pallet::storage]
	pub type ReadAnswers<T: Config> = StorageMap<_, Twox64Concat, u64, ReadAnswer, OptionQuery>;

	/// The records a read query's answer brought, by query and index.
	#[pallet::storage]
	pub type ReadRecords<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, u8, ReadRecord, OptionQuery>;

	/// Open queries' deadlines, in the order the queries were asked: (relay block, query).
	/// Entries `QueueHead..QueueTail`.
	#[pallet::storage]
	pub type DeadlineQueue<T: Config> = StorageMap<_, Twox64Concat, u64, (u32, u64), OptionQuery>;

	/// The first entry of [`DeadlineQueue`].
	#[pallet::storage]
	pub type QueueHead<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// One past the last entry of [`DeadlineQueue`].
	#[pallet::storage]
	pub type QueueTail<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a query and its answers.
		#[codec(index = 0)]
		Query,
	}

	/// The coordinator at genesis.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The coordinator's para id, if the region belongs to a federation from genesis.
		pub coordinator: Option<ParaId>,
		#[serde(skip)]
		pub _config: PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(para) = self.coordinator {
				Coordinator::<T>::put(para);
			}
		}
	}

	/// What happened between this region and the coordinator.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The coordinator was sent the news that this region holds records of `patient`, in
		/// the XCM message `message_id`.
		PatientAnnounced { patient: T::AccountId, coordinator: ParaId, message_id: XcmHash },
		/// The coordinator could not be sent the `waiting` patients' announcement now (no
		/// coordinator, no channel, a full queue, or `MaxAnnouncementsInFlight` unacknowledged);
		/// they wait in `Unannounced`, and the next block tries again.
		AnnouncementDeferred { waiting: u32 },
		/// Announcement `batch` of `patients` patients was sent in XCM message `message_id`.
		AnnouncementSent { batch: u64, patients: u32, message_id: XcmHash },
		/// Announcement `batch`, not acknowledged in time, was sent again in `message_id`.
		AnnouncementResent { batch: u64, message_id: XcmHash },
		/// The coordinator executed announcement `batch`: it is no longer resent.
		AnnouncementNoted { batch: u64 },
		/// The coordinator is now para `coordinator`.
		CoordinatorSet { coordinator: ParaId },
		/// `requester` asked query `query` of `kind` about `patient`'s records; this region
		/// answered with `local` records of its own. Due at relay block `deadline`.
		QueryAsked {
			query: QueryId,
			requester: T::AccountId,
			patient: T::AccountId,
			kind: QueryKind,
			local: u32,
			deadline: u32,
		},
		/// The coordinator forwarded `query` to `asked` regions and could not reach
		/// `unreachable` others.
		QueryRouted { query: QueryId, asked: u32, unreachable: u32 },
		/// `from` answered `query` in full: `records` records the requester may read there.
		AnswerTaken { query: QueryId, from: ParaId, records: u32 },
		/// A message about `query` from `from` was recorded and ignored: `reason`.
		AnswerIgnored { query: QueryId, from: ParaId, reason: Ignored },
		/// `query` ended: its one terminal event.
		QueryEnded { query: QueryId, outcome: Outcome },
		/// The requester dismissed `query`: its answers are removed, its deposit released.
		QueryDismissed { query: QueryId },
		/// This region answered `query`, forwarded by the coordinator, with `records` records
		/// in `pages` messages; `sent` of them left.
		QueryServed { query: QueryId, records: u32, pages: u32, sent: u32 },
		/// Query `query` came after its deadline (relay block `deadline`): not served, since
		/// the asking region would ignore the answer.
		QueryOverdue { query: QueryId, deadline: u32 },
		/// This region opened access request `request` for read `query` of another region's;
		/// it is answered once the grant's proxies fulfil it.
		ReadOpened { query: QueryId, request: u64 },
	}

	/// Why a federation call was refused.
	#[pallet::error]
	pub enum Error<T> {
		/// The patient has no announcement waiting: it was sent already, or the patient has no
		/// record in this region.
		NotPending,
		/// No coordinator is configured; the admin origin sets it with `set_coordinator`.
		NoCoordinator,
		/// The message to the coordinator could not be sent (no open HRMP channel, or its
		/// queue is full). Try again later.
		SendFailed,
		/// The message did not come from this region's coordinator.
		NotCoordinator,
		/// The region has `MaxOpenQueries` queries open. Try again in a few blocks.
		TooManyOpenQueries,
		/// The requester has `MaxOpenQueriesPerRequester` queries open. Wait for one to end.
		TooManyQueriesOfRequester,
		/// The requester cannot put `QueryDeposit` on hold.
		CannotHoldDeposit,
		/// No such query, or it was dismissed.
		UnknownQuery,
		/// Only the query's requester may dismiss it.
		NotRequester,
		/// The query has not ended yet; dismiss it once it has.
		QueryOpen,
		/// A read of this region's own grant: request it here (`Access.request`).
		ReadHere,
		/// `MaxAnnouncementsInFlight` announcements wait for the coordinator's acknowledgement.
		TooManyInFlight,
		/// No announcement of this number waits for the coordinator's acknowledgement.
		UnknownAnnouncement,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			let now = T::RelayBlockNumber::current_block_number();
			let swept = Self::sweep(now);
			// In most blocks no patient waits and no announcement is in flight: then each costs
			// one counter read, not the search through the most there can be.
			let waiting = Unannounced::<T>::count() > 0;
			let in_flight = Announcements::<T>::count() > 0;
			let sent = waiting.then(|| Self::send_waiting(now));
			let resent = in_flight && Self::resend_overdue(now);
			let read = Self::send_ready_read();
			let counter = T::DbWeight::get().reads(1);
			T::WeightInfo::on_initialize(swept)
				.saturating_add(if read { T::WeightInfo::send_read() } else { counter })
				.saturating_add(sent.map_or(counter, T::WeightInfo::send_announcement))
				.saturating_add(if resent {
					T::WeightInfo::resend_announcement()
				} else if in_flight {
					T::WeightInfo::find_overdue_announcement()
				} else {
					counter
				})
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
		/// Sends the coordinator the waiting announcement of `patient` now, rather than with
		/// the next block's: an announcement of its own, resent until the coordinator
		/// acknowledges it. Anyone may send it; it changes nothing unless the message leaves.
		///
		/// Origin: signed.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::announce_patient())]
		pub fn announce_patient(origin: OriginFor<T>, patient: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			ensure!(Unannounced::<T>::contains_key(&patient), Error::<T>::NotPending);
			let coordinator = Coordinator::<T>::get().ok_or(Error::<T>::NoCoordinator)?;
			ensure!(
				Announcements::<T>::count() < T::MaxAnnouncementsInFlight::get(),
				Error::<T>::TooManyInFlight
			);
			let now = T::RelayBlockNumber::current_block_number();
			Self::send_announcement(coordinator, alloc::vec![patient], now).map_err(|error| {
				log::debug!(target: LOG_TARGET, "announcement to {coordinator} failed: {error:?}");
				Error::<T>::SendFailed
			})?;
			Ok(())
		}

		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_coordinator())]
		pub fn set_coordinator(origin: OriginFor<T>, coordinator: ParaId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;

			Coordinator::<T>::put(coordinator);
			Self::deposit_event(Event::CoordinatorSet { coordinator });
			Ok(())
		}

		/// Asks every region of the federation for what `requester` (the caller) may read of
		/// `patient`'s records. This region answers at once; the query goes on to the
		/// coordinator, and the other regions' answers come within `QueryTimeout` relay
		/// blocks. Holds `QueryDeposit` until the requester dismisses the query.
		///
		/// A query of kind `Read { region, grant }` reads, through the coordinator, the records
		/// that grant `grant` of region `region` shares with the requester: that region opens
		/// an access request for them, and once the grant's proxies fulfil it, sends each record
		/// with its envelope and capsule fragments ([`Pallet::read_of`]). Refused with
		/// `ReadHere` for this region's own grants: request those here.
		///
		/// Origin: signed by the requester.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::query())]
		pub fn query(
			origin: OriginFor<T>,
			patient: T::AccountId,
			kind: QueryKind,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_query(requester, patient, kind)
		}

		/// Answers a query that the coordinator forwarded here: the metadata of the records
		/// `requester` may read of `patient`'s under their live grants here, in pages, straight
		/// to the asking region; or a denial; or "not found". A read opens an access request
		/// for the grant's records instead, answered once the proxies fulfil it.
		///
		/// Origin: [`Config::SiblingOrigin`], the coordinator.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::serve_query().max(T::WeightInfo::serve_read()))]
		pub fn serve_query(
			origin: OriginFor<T>,
			query: QueryId,
			requester: T::AccountId,
			patient: T::AccountId,
			kind: QueryKind,
			deadline: u32,
		) -> DispatchResult {
			let sender = T::SiblingOrigin::ensure_origin(origin)?;
			ensure!(Coordinator::<T>::get() == Some(sender), Error::<T>::NotCoordinator);
			Self::do_serve_query(query, requester, patient, kind, deadline);
			Ok(())
		}

		/// The coordinator's word on where it forwarded query `nonce`: to `asked`, and not to
		/// `unreachable`. Recorded and ignored if the query is unknown, ended or routed before.
		///
		/// Origin: [`Config::SiblingOrigin`], the coordinator.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::query_routed(medfed_primitives::query::MAX_QUERY_REGIONS))]
		pub fn query_routed(
			origin: OriginFor<T>,
			nonce: u64,
			asked: QueryRegions,
			unreachable: QueryRegions,
		) -> DispatchResult {
			let sender = T::SiblingOrigin::ensure_origin(origin)?;
			ensure!(Coordinator::<T>::get() == Some(sender), Error::<T>::NotCoordinator);
			Self::do_query_routed(sender, nonce, asked, unreachable);
			Ok(())
		}

		/// Region `sender`'s answer (or one page of it) to query `nonce`. Recorded and
		/// ignored, never refused, if it is late, repeated, out of order or from a region the
		/// query was not forwarded to.
		///
		/// Origin: [`Config::SiblingOrigin`], the answering region.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::take_answer().max(T::WeightInfo::take_read_answer()))]
		pub fn take_answer(origin: OriginFor<T>, nonce: u64, answer: Answer) -> DispatchResult {
			let sender = T::SiblingOrigin::ensure_origin(origin)?;
			Self::do_take_answer(sender, nonce, answer);
			Ok(())
		}

		/// Removes ended query `nonce` and its answers, and releases its deposit.
		///
		/// Origin: signed by the query's requester.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::dismiss_query())]
		pub fn dismiss_query(origin: OriginFor<T>, nonce: u64) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Queries::<T>::get(nonce).ok_or(Error::<T>::UnknownQuery)?;
			ensure!(info.requester == who, Error::<T>::NotRequester);
			ensure!(matches!(info.state, QueryState::Ended { .. }), Error::<T>::QueryOpen);

			Self::forget_answers(nonce);
			Queries::<T>::remove(nonce);
			Self::release_deposit(&info);
			Self::deposit_event(Event::QueryDismissed { query: Self::query_id(nonce) });
			Ok(())
		}

		/// The coordinator's word that it executed this region's announcement `batch`: it is
		/// no longer resent. Recorded and ignored if no such announcement waits.
		///
		/// Origin: [`Config::SiblingOrigin`], the coordinator.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::announcement_noted())]
		pub fn announcement_noted(origin: OriginFor<T>, batch: u64) -> DispatchResult {
			let sender = T::SiblingOrigin::ensure_origin(origin)?;
			ensure!(Coordinator::<T>::get() == Some(sender), Error::<T>::NotCoordinator);
			if Announcements::<T>::take(batch).is_some() {
				Self::deposit_event(Event::AnnouncementNoted { batch });
			}
			Ok(())
		}

		/// Sends announcement `batch`, not yet acknowledged by the coordinator, again now (for
		/// example once the coordinator's council added this region), rather than when
		/// `AnnouncementResendAfter` has passed. Anyone may send it.
		///
		/// Origin: signed.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::resend_announcement())]
		pub fn resend_announcement(origin: OriginFor<T>, batch: u64) -> DispatchResult {
			ensure_signed(origin)?;
			ensure!(Announcements::<T>::contains_key(batch), Error::<T>::UnknownAnnouncement);
			let now = T::RelayBlockNumber::current_block_number();
			Self::resend(batch, now).map_err(|error| {
				log::debug!(target: LOG_TARGET, "announcement {batch} not resent: {error:?}");
				Error::<T>::SendFailed.into()
			})
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks every documented invariant of this pallet's storage.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		ensure!(
			Unannounced::<T>::iter_keys().count() as u32 == Unannounced::<T>::count(),
			"the count of unannounced patients is off"
		);
		Self::try_state_announcements()?;
		Self::try_state_queries()
	}
}

impl<T: Config> OnFirstRecord<T::AccountId> for Pallet<T> {
	/// Queues `patient`'s announcement for the next block's.
	fn on_first_record(patient: &T::AccountId) {
		Unannounced::<T>::insert(patient, ());
	}

	fn weight() -> Weight {
		T::WeightInfo::queue_announcement()
	}
}
