//! # Access pallet
//!
//! Patient-controlled sharing of a region's records by threshold proxy re-encryption.
//!
//! ## Overview
//!
//! A patient grants a grantee (a practitioner or an institution) access to some of their
//! records: all of them, those of some FHIR resource types, or a list of ids, until an expiry
//! block. The grant names the region's authority institutions of the moment as its `n`
//! proxies and a threshold `m`. Everything secret stays with the patient's client, which:
//!
//! - derives a fresh delegating key pair for the grant, and wraps to it the document key of
//!   every record in scope ([`GrantEnvelope`]): whoever recovers the grant's secret key (a
//!   grantee colluding with `m` proxies can) opens those records and no others;
//! - makes `n` Umbral key fragments from that key to the grantee's public key ([`Keys`]),
//!   signs each together with the grant's identity and the proxy's position, and encrypts
//!   each to one proxy's public key. The chain stores those ciphertexts, which only the
//!   proxy named can open.
//!
//! The grantee then asks for records with a purpose ([`Pallet::request`]). The chain checks the
//! grant at that block (revocation, expiry, scope) and either opens the request or denies it.
//! Each authority's proxy (`medfed-proxy`) follows open requests, opens its key fragment,
//! checks it against the grant, re-encrypts each record's capsule and submits the capsule
//! fragments ([`Pallet::submit_fragments`]), free of charge once accepted. The chain re-checks
//! at inclusion: the request still open and before its deadline, the grant live, the proxy one
//! of the grant's, one fragment per proxy and record. With `m` fragments for every record the
//! request is fulfilled, and it takes the other proxies' fragments until its deadline (the chain
//! does not verify them as they come, so one of the first `m` may be wrong); the grantee
//! verifies them, decrypts the document key, fetches the ciphertext from IPFS and opens it. A
//! fragment that fails the grantee's check is complained about ([`Pallet::complain`]): the
//! chain verifies that one fragment and, if it is wrong, removes it and bars its proxy from the
//! request.
//!
//! Every request ends exactly once: fulfilled, denied (with the reason), or expired at its
//! deadline (swept in `on_initialize`); a fulfilment that an upheld complaint withdraws is no
//! end, and the request, open again, ends once later. Revocation is final and ends the grant's open
//! requests in the block it is included in. Every grant, extension, revocation, request,
//! denial, fragment issue, fulfilment and expiry is written to the patient's audit trail
//! ([`Audit`]), which the runtime API pages through. No key fragment, capsule fragment or
//! plaintext is ever in an event or in the audit trail.
//!
//! ## Example
//!
//! A 2-of-3 grant, a request, and two proxies' fragments fulfilling it:
#![doc = docify::embed!("src/tests.rs", two_of_three_proxies_fulfil_a_request)]
//!
//! ## Low-level notes
//!
//! - Capsule fragments are not verified when they are submitted: the grantee verifies every
//!   one before decrypting (a fraction of a millisecond natively) and names the proxy of one
//!   that fails. Only a complaint makes the runtime verify one, with umbral-pre, reading the
//!   fragment's encoding itself ([`fragment`]): umbral-pre's own decoder needs `std`.
//! - A complaint's rule: upheld (free) if the fragment is malformed or does not verify against
//!   the grant's keys and the record's capsule wrapped to the grant; the fragment is removed,
//!   its proxy is barred from the request ([`FailedProxies`]) and a fulfilled request that now
//!   lacks a threshold for that record is open again, if its deadline has not come and its
//!   grant is live. Refused (paid) if it verifies. An honest proxy's fragment always verifies:
//!   it re-encrypts only with a key fragment it verified against the same keys.
//! - Capsule fragments stay in storage for the grantee to read; each is bounded, and each
//!   request holds at most `MaxRecordsPerRequest × MaxProxies` of them.
//! - A request that opens holds [`Config::RequestDeposit`] of the grantee's
//!   ([`HoldReason::AccessRequest`]) and releases it in full when it first ends: fulfilled,
//!   denied or expired. A request open again after an upheld complaint holds nothing. The
//!   deposit prices the deadline slots: a grantee whose requests nobody answers keeps one of a
//!   block's `MaxRequestsPerBlock` slots per deposit, for `RequestTimeout` blocks.
//! - A proxy submits with its own account, which its authority names with
//!   [`Pallet::set_proxy_account`], so the authority's own key never sits on the proxy's
//!   machine.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod fragment;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

/// The target of this pallet's log messages.
const LOG_TARGET: &str = "runtime::access";

use alloc::vec::Vec;
use medfed_primitives::{Capsule, Membership, ParaId, PublicKey, RecordId, ResourceType, Role};
use polkadot_sdk::{
	frame_support::{
		dispatch::{DispatchResultWithPostInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{
			fungible::{self, MutateHold},
			tokens::Precision,
		},
	},
	frame_system::{self, pallet_prelude::*},
	sp_runtime::traits::{One, Saturating, Zero},
};

/// What the access pallet needs to know of a record.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecordSubject<AccountId> {
	/// Whose record it is.
	pub patient: AccountId,
	/// Its FHIR resource type.
	pub resource_type: ResourceType,
	/// Whether the region's authorities voided it.
	pub voided: bool,
}

/// The region's records and patients, as the access pallet reads them.
pub trait Records<AccountId> {
	/// Record `id`'s patient, type and whether it is voided.
	fn subject(id: RecordId) -> Option<RecordSubject<AccountId>>;

	/// Whether `who` is a registered patient.
	fn is_patient(who: &AccountId) -> bool;

	/// Registers a patient with one record of `resource_type`, for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn record_for_benchmarks(patient: &AccountId, resource_type: ResourceType) -> RecordId;
}

/// Told when requests end, by the pallet that opened some of them for another region's query.
pub trait RequestObserver {
	/// Request `request` is fulfilled: every record has a threshold of capsule fragments.
	fn fulfilled(request: RequestId);
	/// Request `request` ended unfulfilled: `denied` (revoked, expired grant, voided record),
	/// or expired before enough proxies answered.
	fn ended(request: RequestId, denied: bool);
	/// The most [`RequestObserver::fulfilled`] weighs.
	fn fulfilled_weight() -> Weight;
	/// The most [`RequestObserver::ended`] weighs.
	fn ended_weight() -> Weight;
}

impl RequestObserver for () {
	fn fulfilled(_: RequestId) {}
	fn ended(_: RequestId, _: bool) {}
	fn fulfilled_weight() -> Weight {
		Weight::zero()
	}
	fn ended_weight() -> Weight {
		Weight::zero()
	}
}

/// Why [`Pallet::request_for_query`] opened no request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QueryRefusal {
	/// The grant is not the requester's for this patient, or this region has no such grant.
	NotTheirs,
	/// The grant is revoked or expired, wraps no record that is not voided, or needs more
	/// capsule fragments than a read carries; or the request was denied at once.
	Denied,
	/// The region cannot take another open request now (`Busy`).
	Busy,
}

/// What a fulfilled request gives a read: the grant's keys and, per record, its envelope and
/// the capsule fragments issued for it, by proxy position.
pub struct FulfilledRead<T: Config> {
	/// The grant's id.
	pub grant: GrantId,
	/// The grant.
	pub info: GrantOf<T>,
	/// (record, its envelope under the grant, (proxy position, capsule fragment)).
	pub records: Vec<(RecordId, GrantEnvelope, Vec<(u32, CapsuleFragmentOf<T>)>)>,
}

/// A grant of runtime `T`.
pub type GrantOf<T> = Grant<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::MaxProxies,
	<T as Config>::MaxScopeTypes,
	<T as Config>::MaxScopeRecords,
>;
/// A scope of runtime `T`.
pub type ScopeOf<T> = Scope<<T as Config>::MaxScopeTypes, <T as Config>::MaxScopeRecords>;
/// A balance of runtime `T`'s currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A request of runtime `T`.
pub type RequestOf<T> = Request<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	BalanceOf<T>,
	<T as Config>::MaxRecordsPerRequest,
	<T as Config>::MaxPurposeLen,
>;
/// An audit entry of runtime `T`.
pub type AuditEntryOf<T> = AuditEntry<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::MaxRecordsPerRequest,
	<T as Config>::MaxPurposeLen,
>;
/// What happened, in runtime `T`'s audit trail.
pub type AccessEventOf<T> = AccessEvent<
	<T as frame_system::Config>::AccountId,
	<T as Config>::MaxRecordsPerRequest,
	<T as Config>::MaxPurposeLen,
>;
/// A key fragment encrypted to one proxy.
pub type EncryptedFragmentOf<T> = BoundedVec<u8, <T as Config>::MaxEncryptedFragmentLen>;
/// A capsule fragment.
pub type CapsuleFragmentOf<T> = BoundedVec<u8, <T as Config>::MaxCapsuleFragmentLen>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the access pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The region's member institutions and its authorities, who run the proxies.
		type Membership: Membership<Self::AccountId>;

		/// The region's records and patients.
		type Records: Records<Self::AccountId>;

		/// This region's para id, written into every audit entry.
		type SelfParaId: Get<ParaId>;

		/// Most proxies a grant can name: at least the region's most authorities.
		#[pallet::constant]
		type MaxProxies: Get<u32>;

		/// Most resource types one scope names.
		#[pallet::constant]
		type MaxScopeTypes: Get<u32>;

		/// Most record ids one scope names.
		#[pallet::constant]
		type MaxScopeRecords: Get<u32>;

		/// Most records one grant call or extension wraps to the grant.
		#[pallet::constant]
		type MaxEnvelopesPerCall: Get<u32>;

		/// Most records a grant can hold wrapped, over all its extensions.
		#[pallet::constant]
		type MaxRecordsPerGrant: Get<u32>;

		/// Longest a grant can run, in blocks.
		#[pallet::constant]
		type MaxGrantDuration: Get<BlockNumberFor<Self>>;

		/// Largest encrypted key fragment, in bytes.
		#[pallet::constant]
		type MaxEncryptedFragmentLen: Get<u32>;

		/// Largest capsule fragment, in bytes.
		#[pallet::constant]
		type MaxCapsuleFragmentLen: Get<u32>;

		/// Most records one request asks for.
		#[pallet::constant]
		type MaxRecordsPerRequest: Get<u32>;

		/// Longest purpose text, in bytes.
		#[pallet::constant]
		type MaxPurposeLen: Get<u32>;

		/// How many blocks the proxies have to fulfil a request.
		#[pallet::constant]
		type RequestTimeout: Get<BlockNumberFor<Self>>;

		/// Most requests that can fall due in one block (and so be swept in one).
		#[pallet::constant]
		type MaxRequestsPerBlock: Get<u32>;

		/// Most open requests one grant can have.
		#[pallet::constant]
		type MaxOpenRequestsPerGrant: Get<u32>;

		/// Most grants a patient may hold open to one grantee at a time (neither revoked nor
		/// expired): what bounds the grants a cross-region query reads.
		#[pallet::constant]
		type MaxGrantsPerGrantee: Get<u32>;

		/// The overarching hold reason, which this pallet's [`HoldReason`] is part of.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency a request's deposit is held in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// What the requester holds for each request while it is open, released in full when
		/// it ends: what it costs to keep one of a block's `MaxRequestsPerBlock` deadline slots
		/// for `RequestTimeout` blocks.
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// Told when a request is fulfilled or ends unfulfilled.
		type RequestObserver: RequestObserver;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The Umbral public keys grantees receive re-encrypted keys to.
	#[pallet::storage]
	pub type Keys<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PublicKey, OptionQuery>;

	/// The account each authority's proxy submits with.
	#[pallet::storage]
	pub type ProxyAccounts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId, OptionQuery>;

	/// The authority each proxy account submits for (the reverse of [`ProxyAccounts`]).
	#[pallet::storage]
	pub type ProxyOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId, OptionQuery>;

	/// The id the next grant gets.
	#[pallet::storage]
	pub type NextGrantId<T: Config> = StorageValue<_, GrantId, ValueQuery>;

	/// Every grant, live or ended. Kept for the audit trail.
	#[pallet::storage]
	pub type Grants<T: Config> = StorageMap<_, Twox64Concat, GrantId, GrantOf<T>, OptionQuery>;

	/// The grant a patient's salt named: a salt is used once.
	#[pallet::storage]
	pub type GrantBySalt<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Identity,
		[u8; 32],
		GrantId,
		OptionQuery,
	>;

	/// Each live grant's key fragment for the proxy at each position, encrypted to that proxy.
	/// Removed when the grant is revoked.
	#[pallet::storage]
	pub type Fragments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		GrantId,
		Twox64Concat,
		u32,
		EncryptedFragmentOf<T>,
		OptionQuery,
	>;

	/// The records wrapped to each grant, with their envelopes.
	#[pallet::storage]
	pub type Envelopes<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		GrantId,
		Twox64Concat,
		RecordId,
		GrantEnvelope,
		OptionQuery,
	>;

	/// How many records each grant holds wrapped.
	#[pallet::storage]
	pub type EnvelopeCount<T: Config> = StorageMap<_, Twox64Concat, GrantId, u32, ValueQuery>;

	/// The grants each patient made, live or ended (a reverse index of [`Grants`]).
	#[pallet::storage]
	pub type GrantsOfPatient<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, GrantId, (), OptionQuery>;

	/// The grants each grantee holds, live or ended (a reverse index of [`Grants`]).
	#[pallet::storage]
	pub type GrantsToGrantee<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, GrantId, (), OptionQuery>;

	/// The grants each patient holds open to each grantee, newest last: revoked ones leave at
	/// once, expired ones when the patient next grants to the same grantee.
	#[pallet::storage]
	pub type LiveGrants<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<GrantId, T::MaxGrantsPerGrantee>,
		ValueQuery,
	>;

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextRequestId<T: Config> = StorageValue<_, RequestId, ValueQuery>;

	/// Every request, open or ended.
	#[pallet::storage]
	pub type Requests<T: Config> =
		StorageMap<_, Twox64Concat, RequestId, RequestOf<T>, OptionQuery>;

	/// Each grant's open requests, ended together when it is revoked.
	#[pallet::storage]
	pub type OpenRequests<T: Config> = StorageMap<
		_,
		Twox64Concat,
		GrantId,
		BoundedVec<RequestId, T::MaxOpenRequestsPerGrant>,
		ValueQuery,
	>;

	/// The requests that fall due at each block, swept then.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RequestId, T::MaxRequestsPerBlock>,
		ValueQuery,
	>;

	/// The capsule fragments of each request, by record and proxy position.
	#[pallet::storage]
	pub type CapsuleFragments<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, RequestId>,
			NMapKey<Twox64Concat, RecordId>,
			NMapKey<Twox64Concat, u32>,
		),
		CapsuleFragmentOf<T>,
		OptionQuery,
	>;

	/// How many capsule fragments each record of each request has.
	#[pallet::storage]
	pub type FragmentCount<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RequestId, Twox64Concat, RecordId, u32, ValueQuery>;

	/// The proxies (by position in the grant) that a complaint found to have issued a wrong
	/// capsule fragment for a request: they issue no more for it. At most `MaxProxies` per
	/// request.
	#[pallet::storage]
	pub type FailedProxies<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RequestId, Twox64Concat, u32, (), OptionQuery>;

	/// Each patient's audit trail, in order.
	#[pallet::storage]
	pub type Audit<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		AuditEntryOf<T>,
		OptionQuery,
	>;

	/// How long each patient's audit trail is.
	#[pallet::storage]
	pub type AuditLength<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of an open access request.
		#[codec(index = 0)]
		AccessRequest,
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` published the Umbral public key it receives access with.
		KeyRegistered { who: T::AccountId },
		/// An authority named the account its proxy submits with.
		ProxyAccountSet { authority: T::AccountId, proxy: T::AccountId },
		/// A patient granted access.
		Granted {
			grant: GrantId,
			patient: T::AccountId,
			grantee: T::AccountId,
			threshold: u8,
			proxies: u32,
			expires_at: BlockNumberFor<T>,
		},
		/// A patient wrapped `records` more records to a grant.
		GrantExtended { grant: GrantId, records: u32 },
		/// A patient revoked a grant; its open requests were denied.
		Revoked { grant: GrantId, denied: u32 },
		/// A grantee opened a request, due at `deadline`.
		RequestOpened {
			request: RequestId,
			grant: GrantId,
			requester: T::AccountId,
			deadline: BlockNumberFor<T>,
		},
		/// A request was denied.
		RequestDenied { request: RequestId, reason: Denial },
		/// A proxy issued capsule fragments for `records` records of a request.
		FragmentsIssued { request: RequestId, proxy: T::AccountId, records: u32 },
		/// A request has all its fragments: the grantee can read.
		RequestFulfilled { request: RequestId },
		/// A request reached its deadline unfulfilled.
		RequestExpired { request: RequestId },
		/// The grantee's complaint was upheld: the capsule fragment the proxy of authority
		/// `proxy` issued for `record` of `request` was malformed or wrong, and is removed; that
		/// proxy issues no more for the request. `reopened`: the request is open again.
		ComplaintUpheld {
			request: RequestId,
			record: RecordId,
			proxy: T::AccountId,
			reopened: bool,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The key is not a compressed secp256k1 point. Send the 33-byte compressed key.
		InvalidKey,
		/// Only an active authority names a proxy account.
		NotAuthority,
		/// That account already submits for a proxy. Use a fresh account for each proxy.
		ProxyAccountInUse,
		/// Only a registered patient grants access to their records.
		NotPatient,
		/// The grantee has published no Umbral public key (`register_key`).
		GranteeHasNoKey,
		/// A patient does not grant access to themself.
		SelfGrant,
		/// The threshold must be at least 1 and at most the number of proxies.
		InvalidThreshold,
		/// The region has no authority to act as proxy.
		NoProxies,
		/// A grant carries exactly one encrypted key fragment per authority of the region, in
		/// the order of the authority set.
		WrongFragmentCount,
		/// An encrypted key fragment is empty.
		EmptyFragment,
		/// The expiry is not in the future, or further than `MaxGrantDuration`.
		InvalidExpiry,
		/// A scope names no type or no record, or names one twice.
		InvalidScope,
		/// A record does not exist.
		UnknownRecord,
		/// The record is another patient's.
		NotPatientsRecord,
		/// The record is not in the grant's scope.
		OutOfScope,
		/// The record was voided by the region's authorities.
		RecordVoided,
		/// A record is wrapped twice, or was wrapped to this grant before.
		DuplicateEnvelope,
		/// A grant naming records by id must wrap every one of them.
		MissingEnvelope,
		/// The grant would hold more than `MaxRecordsPerGrant` records.
		TooManyEnvelopes,
		/// The patient already holds `MaxGrantsPerGrantee` live grants to this grantee. Revoke
		/// one, or extend one instead.
		TooManyGrantsToGrantee,
		/// The capsule in an envelope is not an Umbral capsule.
		InvalidCapsule,
		/// This salt was used for another grant of this patient. Use a fresh random salt.
		SaltReused,
		/// No such grant.
		UnknownGrant,
		/// Only the grant's patient may do this.
		NotGrantor,
		/// The grant was revoked or has expired.
		GrantEnded,
		/// Only the grant's grantee may request under it.
		NotGrantee,
		/// A request names no record, or one twice.
		InvalidRequest,
		/// Too many requests fall due in the same block, or the grant has
		/// `MaxOpenRequestsPerGrant` open. Try again in the next block.
		Busy,
		/// No such request.
		UnknownRequest,
		/// The request has ended: fulfilled, denied or expired.
		RequestEnded,
		/// The caller is no active authority's proxy account.
		NotProxy,
		/// This proxy is not one of the grant's.
		ProxyNotInGrant,
		/// A fragment names a record the request does not ask for.
		RecordNotRequested,
		/// This proxy has already issued a fragment for this record of this request.
		AlreadyIssued,
		/// No fragment, or an empty one.
		EmptyFragments,
		/// Only the grantee who made the request complains about its fragments.
		NotRequester,
		/// This proxy holds no capsule fragment for this record of this request (none issued,
		/// or one already removed by a complaint). Name the authority as `FragmentsIssued` does.
		NoFragment,
		/// The capsule fragment complained about verifies: it is a correct re-encryption of the
		/// record's capsule for the grantee under this grant. The complaint is refused and the
		/// complainant pays for it.
		FragmentValid,
		/// A complaint found this proxy's fragment for this request wrong: it issues no more for
		/// the request.
		ProxyFailed,
		/// The requester cannot put `RequestDeposit` on hold: too little free balance, beyond
		/// the existential deposit. Add funds, or wait until an open request of the requester's
		/// ends and its deposit is released.
		CannotHoldDeposit,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = Deadlines::<T>::take(now);
			let count = due.len() as u32;
			for request in due {
				Self::close(request, now);
			}
			T::WeightInfo::on_initialize(count)
				.saturating_add(T::RequestObserver::ended_weight().saturating_mul(count.into()))
		}

		fn integrity_test() {
			assert!(
				!T::RequestTimeout::get().is_zero(),
				"a request must have at least one block for the proxies"
			);
			assert!(T::MaxProxies::get() > 0 && T::MaxRecordsPerRequest::get() > 0);
			assert!(
				T::MaxEnvelopesPerCall::get() >= T::MaxScopeRecords::get(),
				"a grant naming records by id wraps them all in one call"
			);
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
		/// Publishes the Umbral public key the caller receives access with, or replaces it.
		/// Grants already made keep the key their fragments were made for.
		///
		/// Origin: signed.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_key())]
		pub fn register_key(origin: OriginFor<T>, key: PublicKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let key = PublicKey::parse(&key.0).map_err(|_| Error::<T>::InvalidKey)?;

			Keys::<T>::insert(&who, key);
			Self::deposit_event(Event::KeyRegistered { who });
			Ok(())
		}

		/// Names the account the caller's proxy submits capsule fragments with, replacing any
		/// earlier one.
		///
		/// Origin: signed by an active authority institution.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_proxy_account())]
		pub fn set_proxy_account(origin: OriginFor<T>, proxy: T::AccountId) -> DispatchResult {
			let authority = ensure_signed(origin)?;
			ensure!(
				T::Membership::active_role(&authority) == Ok(Role::Authority),
				Error::<T>::NotAuthority
			);
			ensure!(!ProxyOf::<T>::contains_key(&proxy), Error::<T>::ProxyAccountInUse);

			if let Some(old) = ProxyAccounts::<T>::get(&authority) {
				ProxyOf::<T>::remove(old);
			}
			ProxyAccounts::<T>::insert(&authority, &proxy);
			ProxyOf::<T>::insert(&proxy, &authority);
			Self::deposit_event(Event::ProxyAccountSet { authority, proxy });
			Ok(())
		}

		/// Grants `grantee` access to the caller's records in `scope` until block
		/// `expires_at`, opened by `threshold` of the region's authorities' proxies.
		///
		/// `fragments` holds one key fragment per authority, in the order of the authority
		/// set, each encrypted to that authority's proxy key; `delegating_key` is the grant's
		/// own public key, `verifying_key` the key the fragments are signed with, `salt` the
		/// fresh random value that names the grant in those signatures. `envelopes` wraps
		/// records in scope to the grant (all of them, for a scope of record ids).
		///
		/// Origin: signed by the patient.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::grant(envelopes.len() as u32))]
		pub fn grant(
			origin: OriginFor<T>,
			grantee: T::AccountId,
			scope: ScopeOf<T>,
			threshold: u8,
			expires_at: BlockNumberFor<T>,
			salt: [u8; 32],
			delegating_key: PublicKey,
			verifying_key: PublicKey,
			fragments: BoundedVec<EncryptedFragmentOf<T>, T::MaxProxies>,
			envelopes: BoundedVec<(RecordId, GrantEnvelope), T::MaxEnvelopesPerCall>,
		) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			ensure!(T::Records::is_patient(&patient), Error::<T>::NotPatient);
			ensure!(grantee != patient, Error::<T>::SelfGrant);
			let grantee_key = Keys::<T>::get(&grantee).ok_or(Error::<T>::GranteeHasNoKey)?;
			let delegating_key =
				PublicKey::parse(&delegating_key.0).map_err(|_| Error::<T>::InvalidKey)?;
			let verifying_key =
				PublicKey::parse(&verifying_key.0).map_err(|_| Error::<T>::InvalidKey)?;
			let proxies = T::Membership::authorities();
			ensure!(!proxies.is_empty(), Error::<T>::NoProxies);
			ensure!(fragments.len() == proxies.len(), Error::<T>::WrongFragmentCount);
			ensure!(fragments.iter().all(|f| !f.is_empty()), Error::<T>::EmptyFragment);
			ensure!(
				threshold >= 1 && threshold as usize <= proxies.len(),
				Error::<T>::InvalidThreshold
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				expires_at > now && expires_at <= now.saturating_add(T::MaxGrantDuration::get()),
				Error::<T>::InvalidExpiry
			);
			// Before any record is read: a scope of ids is then no longer than the envelopes,
			// which the weight counts.
			if let Scope::Records(ids) = &scope {
				ensure!(
					ids.iter().all(|r| envelopes.iter().any(|(e, _)| e == r)),
					Error::<T>::MissingEnvelope
				);
			}
			Self::check_scope(&patient, &scope)?;
			ensure!(!GrantBySalt::<T>::contains_key(&patient, salt), Error::<T>::SaltReused);
			let id = NextGrantId::<T>::get();
			Self::check_envelopes(&patient, &scope, id, &envelopes)?;
			let proxies: BoundedVec<T::AccountId, T::MaxProxies> =
				proxies.try_into().map_err(|_| Error::<T>::WrongFragmentCount)?;
			let mut live = LiveGrants::<T>::get(&patient, &grantee);
			live.retain(|g| Grants::<T>::get(g).is_some_and(|g| Self::is_live(&g)));
			live.try_push(id).map_err(|_| Error::<T>::TooManyGrantsToGrantee)?;

			NextGrantId::<T>::put(id.saturating_add(1));
			LiveGrants::<T>::insert(&patient, &grantee, live);
			GrantsOfPatient::<T>::insert(&patient, id, ());
			GrantsToGrantee::<T>::insert(&grantee, id, ());
			GrantBySalt::<T>::insert(&patient, salt, id);
			for (position, fragment) in fragments.into_iter().enumerate() {
				Fragments::<T>::insert(id, position as u32, fragment);
			}
			for (record, envelope) in &envelopes {
				Envelopes::<T>::insert(id, record, envelope);
			}
			EnvelopeCount::<T>::insert(id, envelopes.len() as u32);
			let proxy_count = proxies.len() as u32;
			Grants::<T>::insert(
				id,
				Grant {
					patient: patient.clone(),
					grantee: grantee.clone(),
					grantee_key,
					scope,
					threshold,
					proxies,
					salt,
					delegating_key,
					verifying_key,
					granted_at: now,
					expires_at,
					revoked_at: None,
				},
			);
			Self::audit(
				&patient,
				&patient,
				AccessEvent::Granted { grant: id, grantee: grantee.clone() },
			);
			Self::deposit_event(Event::Granted {
				grant: id,
				patient,
				grantee,
				threshold,
				proxies: proxy_count,
				expires_at,
			});
			Ok(())
		}

		/// Wraps more records in the grant's scope to it: records registered after the grant,
		/// for a scope of types or of all records.
		///
		/// Origin: signed by the grant's patient.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::extend_grant(envelopes.len() as u32))]
		pub fn extend_grant(
			origin: OriginFor<T>,
			grant: GrantId,
			envelopes: BoundedVec<(RecordId, GrantEnvelope), T::MaxEnvelopesPerCall>,
		) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let info = Grants::<T>::get(grant).ok_or(Error::<T>::UnknownGrant)?;
			ensure!(info.patient == patient, Error::<T>::NotGrantor);
			ensure!(Self::is_live(&info), Error::<T>::GrantEnded);
			ensure!(!envelopes.is_empty(), Error::<T>::InvalidScope);
			Self::check_envelopes(&patient, &info.scope, grant, &envelopes)?;

			for (record, envelope) in &envelopes {
				Envelopes::<T>::insert(grant, record, envelope);
			}
			EnvelopeCount::<T>::mutate(grant, |n| n.saturating_accrue(envelopes.len() as u32));
			// One audit entry per `MaxRecordsPerRequest` records, so that every record is named.
			let ids: Vec<RecordId> = envelopes.iter().map(|(r, _)| *r).collect();
			for chunk in ids.chunks(T::MaxRecordsPerRequest::get().max(1) as usize) {
				let records = BoundedVec::truncate_from(chunk.to_vec());
				Self::audit(&patient, &patient, AccessEvent::Extended { grant, records });
			}
			Self::deposit_event(Event::GrantExtended { grant, records: envelopes.len() as u32 });
			Ok(())
		}

		/// Revokes a grant, finally: its open requests are denied and no proxy fragment is
		/// accepted for it from this block on. Fragments already issued cannot be recalled.
		///
		/// Origin: signed by the grant's patient.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::revoke(T::MaxOpenRequestsPerGrant::get()).saturating_add(
			T::RequestObserver::ended_weight().saturating_mul(T::MaxOpenRequestsPerGrant::get().into())
		))]
		pub fn revoke(origin: OriginFor<T>, grant: GrantId) -> DispatchResultWithPostInfo {
			let patient = ensure_signed(origin)?;
			let mut info = Grants::<T>::get(grant).ok_or(Error::<T>::UnknownGrant)?;
			ensure!(info.patient == patient, Error::<T>::NotGrantor);
			ensure!(info.revoked_at.is_none(), Error::<T>::GrantEnded);

			let now = frame_system::Pallet::<T>::block_number();
			info.revoked_at = Some(now);
			let listed = OpenRequests::<T>::take(grant);
			let count = listed.len() as u32;
			let mut denied = 0;
			for request in listed {
				let Some(request_info) = Requests::<T>::get(request) else { continue };
				if request_info.state == RequestState::Open {
					denied += 1;
					Self::end(
						request,
						RequestState::Denied { reason: Denial::Revoked, at: now },
						&patient,
					);
				} else {
					// Fulfilled: it takes no more fragments either.
					Self::forget_open(grant, request, request_info.deadline);
				}
			}
			let _ = Fragments::<T>::clear_prefix(grant, T::MaxProxies::get(), None);
			LiveGrants::<T>::mutate_exists(&patient, &info.grantee, |live| {
				if let Some(list) = live {
					list.retain(|g| *g != grant);
					if list.is_empty() {
						*live = None;
					}
				}
			});
			Grants::<T>::insert(grant, info);
			Self::audit(&patient, &patient, AccessEvent::Revoked { grant });
			Self::deposit_event(Event::Revoked { grant, denied });
			let observed = T::RequestObserver::ended_weight().saturating_mul(denied.into());
			Ok(Some(T::WeightInfo::revoke(count).saturating_add(observed)).into())
		}

		/// Asks to read `records` under `grant`, for `purpose`. The chain checks the grant at
		/// this block: the request opens, due `RequestTimeout` blocks later, or is denied
		/// (revoked, expired, out of scope, voided) and the denial is audited.
		///
		/// A request that opens holds `RequestDeposit` of the requester's until it ends
		/// (fulfilled, denied or expired), then releases it in full; refused with
		/// `CannotHoldDeposit` if the requester cannot pay. A request denied at once holds
		/// nothing.
		///
		/// Origin: signed by the grant's grantee.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::request(records.len() as u32))]
		pub fn request(
			origin: OriginFor<T>,
			grant: GrantId,
			records: BoundedVec<RecordId, T::MaxRecordsPerRequest>,
			purpose: BoundedVec<u8, T::MaxPurposeLen>,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_request(requester, grant, records, purpose, true).map(|_| ())
		}

		/// A proxy's capsule fragments for records of an open request: one per record, at most
		/// one per proxy and record ever. Free of charge when accepted. If the grant has
		/// expired meanwhile, the request is denied and nothing is stored. A proxy that an
		/// upheld complaint found wrong issues no more for the request.
		///
		/// Origin: signed by the proxy account of one of the grant's authorities.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::submit_fragments(T::MaxRecordsPerRequest::get())
			.saturating_add(T::RequestObserver::fulfilled_weight()))]
		pub fn submit_fragments(
			origin: OriginFor<T>,
			request: RequestId,
			fragments: BoundedVec<(RecordId, CapsuleFragmentOf<T>), T::MaxRecordsPerRequest>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let authority = ProxyOf::<T>::get(&who).ok_or(Error::<T>::NotProxy)?;
			ensure!(
				T::Membership::active_role(&authority) == Ok(Role::Authority),
				Error::<T>::NotProxy
			);
			let mut info = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			// A fulfilled request takes the other proxies' fragments until its deadline too: the
			// chain does not verify fragments, so the first `m` may include a wrong one.
			ensure!(
				matches!(info.state, RequestState::Open | RequestState::Fulfilled { .. }),
				Error::<T>::RequestEnded
			);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now < info.deadline, Error::<T>::RequestEnded);
			let grant = Grants::<T>::get(info.grant).ok_or(Error::<T>::UnknownGrant)?;
			let position = grant
				.proxies
				.iter()
				.position(|p| *p == authority)
				.ok_or(Error::<T>::ProxyNotInGrant)? as u32;
			ensure!(!FailedProxies::<T>::contains_key(request, position), Error::<T>::ProxyFailed);
			ensure!(
				!fragments.is_empty() && fragments.iter().all(|(_, f)| !f.is_empty()),
				Error::<T>::EmptyFragments
			);
			for (i, (record, _)) in fragments.iter().enumerate() {
				ensure!(info.records.contains(record), Error::<T>::RecordNotRequested);
				ensure!(
					!fragments[..i].iter().any(|(r, _)| r == record) &&
						!CapsuleFragments::<T>::contains_key((request, record, position)),
					Error::<T>::AlreadyIssued
				);
			}
			let voided = fragments
				.iter()
				.any(|(record, _)| T::Records::subject(*record).map_or(true, |s| s.voided));
			let actual = Some(T::WeightInfo::submit_fragments(info.records.len() as u32));
			if grant.revoked_at.is_some() || now >= grant.expires_at || voided {
				// Nothing is stored; an open request ends denied, a fulfilled one takes no more.
				ensure!(info.state == RequestState::Open, Error::<T>::GrantEnded);
				let reason = if grant.revoked_at.is_some() {
					Denial::Revoked
				} else if voided {
					Denial::Voided
				} else {
					Denial::Expired
				};
				Self::end(request, RequestState::Denied { reason, at: now }, &grant.patient);
				let ended = actual.map(|w| w.saturating_add(T::RequestObserver::ended_weight()));
				return Ok(PostDispatchInfo { actual_weight: ended, pays_fee: Pays::No });
			}

			let mut records = Vec::with_capacity(fragments.len());
			for (record, fragment) in fragments {
				CapsuleFragments::<T>::insert((request, record, position), fragment);
				FragmentCount::<T>::mutate(request, record, |n| n.saturating_inc());
				records.push(record);
			}
			let issued = records.len() as u32;
			Self::audit(
				&grant.patient,
				&authority,
				AccessEvent::FragmentsIssued {
					request,
					proxy: authority.clone(),
					records: records.try_into().unwrap_or_default(),
				},
			);
			Self::deposit_event(Event::FragmentsIssued {
				request,
				proxy: authority,
				records: issued,
			});
			let threshold = grant.threshold as u32;
			if info.state == RequestState::Open &&
				info.records.iter().all(|r| FragmentCount::<T>::get(request, r) >= threshold)
			{
				// Fulfilled, and still listed until its deadline for the other proxies. Its end:
				// the deposit goes back (a request open again after a complaint holds none).
				info.state = RequestState::Fulfilled { at: now };
				Self::release_deposit(request, &mut info);
				Requests::<T>::insert(request, &info);
				Self::audit(&grant.patient, &grant.patient, AccessEvent::Fulfilled { request });
				Self::deposit_event(Event::RequestFulfilled { request });
				T::RequestObserver::fulfilled(request);
				let forwarded =
					actual.map(|w| w.saturating_add(T::RequestObserver::fulfilled_weight()));
				return Ok(PostDispatchInfo { actual_weight: forwarded, pays_fee: Pays::No });
			}
			Ok(PostDispatchInfo { actual_weight: actual, pays_fee: Pays::No })
		}

		/// The grantee's complaint against the capsule fragment that the proxy of authority
		/// `proxy` (as `FragmentsIssued` names it) issued for `record` of `request`. The chain
		/// verifies the fragment with umbral-pre against the keys it holds: the record's capsule
		/// as wrapped to the grant, the grant's verifying and delegating keys, and the grantee's
		/// key the grant re-encrypts to.
		///
		/// Upheld if the fragment is malformed or does not verify, free of charge: it is
		/// removed, the proxy issues no more fragments for this request, and the complaint is
		/// audited. A fulfilled request that then lacks a threshold of fragments for `record`
		/// is open again if its deadline has not come and its grant is live, so that the other
		/// proxies answer it; it ends once, as any request. Refused with `FragmentValid`, and
		/// paid for, if the fragment verifies. A request denied or expired takes no complaint.
		///
		/// Origin: signed by the request's grantee.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::complain())]
		pub fn complain(
			origin: OriginFor<T>,
			request: RequestId,
			record: RecordId,
			proxy: T::AccountId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut info = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			let grant = Grants::<T>::get(info.grant).ok_or(Error::<T>::UnknownGrant)?;
			ensure!(info.requester == who && grant.grantee == who, Error::<T>::NotRequester);
			ensure!(
				matches!(info.state, RequestState::Open | RequestState::Fulfilled { .. }),
				Error::<T>::RequestEnded
			);
			ensure!(info.records.contains(&record), Error::<T>::RecordNotRequested);
			let position = grant
				.proxies
				.iter()
				.position(|p| *p == proxy)
				.ok_or(Error::<T>::ProxyNotInGrant)? as u32;
			let stored = CapsuleFragments::<T>::get((request, record, position))
				.ok_or(Error::<T>::NoFragment)?;
			// A request opens only for records wrapped to its grant, and envelopes stay.
			let envelope = Envelopes::<T>::get(info.grant, record).ok_or(Error::<T>::OutOfScope)?;
			let verdict = fragment::judge(
				&stored,
				&envelope.capsule,
				&grant.verifying_key,
				&grant.delegating_key,
				&grant.grantee_key,
			)
			.map_err(|()| Error::<T>::InvalidKey)?;
			ensure!(verdict != fragment::Verdict::Valid, Error::<T>::FragmentValid);

			CapsuleFragments::<T>::remove((request, record, position));
			FragmentCount::<T>::mutate_exists(request, record, |count| {
				*count = count.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
			});
			FailedProxies::<T>::insert(request, position, ());
			let now = frame_system::Pallet::<T>::block_number();
			let reopened = matches!(info.state, RequestState::Fulfilled { .. }) &&
				now < info.deadline &&
				Self::is_live(&grant) &&
				FragmentCount::<T>::get(request, record) < grant.threshold as u32;
			if reopened {
				// Still listed under its deadline and grant, as a fulfilled request before its
				// deadline under a live grant is. It holds no deposit again: its fulfilment
				// released it.
				info.state = RequestState::Open;
				Requests::<T>::insert(request, &info);
			}
			Self::audit(
				&grant.patient,
				&who,
				AccessEvent::ComplaintUpheld { request, record, proxy: proxy.clone(), reopened },
			);
			Self::deposit_event(Event::ComplaintUpheld { request, record, proxy, reopened });
			Ok(PostDispatchInfo { actual_weight: None, pays_fee: Pays::No })
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Whether `grant` still opens records now: not revoked, not expired.
	pub fn is_live(grant: &GrantOf<T>) -> bool {
		grant.revoked_at.is_none() && frame_system::Pallet::<T>::block_number() < grant.expires_at
	}

	/// A scope names at least one type or record, none twice, and only the patient's records.
	fn check_scope(patient: &T::AccountId, scope: &ScopeOf<T>) -> DispatchResult {
		match scope {
			Scope::All => Ok(()),
			Scope::Types(types) => {
				ensure!(!types.is_empty(), Error::<T>::InvalidScope);
				let mut sorted = types.to_vec();
				sorted.sort();
				ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::InvalidScope);
				Ok(())
			},
			Scope::Records(ids) => {
				ensure!(!ids.is_empty(), Error::<T>::InvalidScope);
				let mut sorted = ids.to_vec();
				sorted.sort_unstable();
				ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::InvalidScope);
				for id in ids {
					let subject = T::Records::subject(*id).ok_or(Error::<T>::UnknownRecord)?;
					ensure!(&subject.patient == patient, Error::<T>::NotPatientsRecord);
				}
				Ok(())
			},
		}
	}

	/// Envelopes wrap distinct records of the patient's, in scope, not voided, not yet wrapped
	/// to the grant, with valid capsules, within `MaxRecordsPerGrant`.
	fn check_envelopes(
		patient: &T::AccountId,
		scope: &ScopeOf<T>,
		grant: GrantId,
		envelopes: &[(RecordId, GrantEnvelope)],
	) -> DispatchResult {
		ensure!(
			EnvelopeCount::<T>::get(grant).saturating_add(envelopes.len() as u32) <=
				T::MaxRecordsPerGrant::get(),
			Error::<T>::TooManyEnvelopes
		);
		for (i, (id, envelope)) in envelopes.iter().enumerate() {
			let subject = T::Records::subject(*id).ok_or(Error::<T>::UnknownRecord)?;
			ensure!(&subject.patient == patient, Error::<T>::NotPatientsRecord);
			ensure!(!subject.voided, Error::<T>::RecordVoided);
			ensure!(scope.covers(*id, &subject.resource_type), Error::<T>::OutOfScope);
			ensure!(
				!envelopes[..i].iter().any(|(other, _)| other == id) &&
					!Envelopes::<T>::contains_key(grant, id),
				Error::<T>::DuplicateEnvelope
			);
			ensure!(Capsule::parse(&envelope.capsule.0).is_ok(), Error::<T>::InvalidCapsule);
		}
		Ok(())
	}

	/// Opens `requester`'s request for `records` under `grant`, for `purpose` (`request`'s
	/// checks and audit), holding `RequestDeposit` if `hold_deposit`. Returns the request's id
	/// and, if it was denied at once, why.
	fn do_request(
		requester: T::AccountId,
		grant: GrantId,
		records: BoundedVec<RecordId, T::MaxRecordsPerRequest>,
		purpose: BoundedVec<u8, T::MaxPurposeLen>,
		hold_deposit: bool,
	) -> Result<(RequestId, Option<Denial>), DispatchError> {
		let info = Grants::<T>::get(grant).ok_or(Error::<T>::UnknownGrant)?;
		ensure!(info.grantee == requester, Error::<T>::NotGrantee);
		ensure!(!records.is_empty(), Error::<T>::InvalidRequest);
		let mut sorted = records.to_vec();
		sorted.sort_unstable();
		ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::InvalidRequest);
		let mut subjects = Vec::with_capacity(records.len());
		for id in &records {
			let subject = T::Records::subject(*id).ok_or(Error::<T>::UnknownRecord)?;
			ensure!(subject.patient == info.patient, Error::<T>::NotPatientsRecord);
			subjects.push((*id, subject));
		}
		let now = frame_system::Pallet::<T>::block_number();
		let denial = if info.revoked_at.is_some() {
			Some(Denial::Revoked)
		} else if now >= info.expires_at {
			Some(Denial::Expired)
		} else if subjects.iter().any(|(_, s)| s.voided) {
			Some(Denial::Voided)
		} else if subjects.iter().any(|(id, s)| {
			!info.scope.covers(*id, &s.resource_type) || !Envelopes::<T>::contains_key(grant, id)
		}) {
			Some(Denial::OutOfScope)
		} else {
			None
		};
		let deadline = now.saturating_add(T::RequestTimeout::get());
		let id = NextRequestId::<T>::get();
		let mut deposit = Zero::zero();
		if denial.is_none() {
			let mut due = Deadlines::<T>::get(deadline);
			due.try_push(id).map_err(|_| Error::<T>::Busy)?;
			let mut open = OpenRequests::<T>::get(grant);
			open.try_push(id).map_err(|_| Error::<T>::Busy)?;
			if hold_deposit {
				deposit = T::RequestDeposit::get();
			}
			if !deposit.is_zero() {
				T::Currency::hold(&HoldReason::AccessRequest.into(), &requester, deposit)
					.map_err(|_| Error::<T>::CannotHoldDeposit)?;
			}
			Deadlines::<T>::insert(deadline, due);
			OpenRequests::<T>::insert(grant, open);
		}

		NextRequestId::<T>::put(id.saturating_add(1));
		Requests::<T>::insert(
			id,
			Request {
				grant,
				requester: requester.clone(),
				records: records.clone(),
				purpose: purpose.clone(),
				requested_at: now,
				deadline,
				state: match denial {
					Some(reason) => RequestState::Denied { reason, at: now },
					None => RequestState::Open,
				},
				deposit,
			},
		);
		Self::audit(
			&info.patient,
			&requester,
			AccessEvent::Requested { request: id, grant, records, purpose },
		);
		match denial {
			Some(reason) => {
				Self::audit(&info.patient, &requester, AccessEvent::Denied { request: id, reason });
				Self::deposit_event(Event::RequestDenied { request: id, reason });
			},
			None => Self::deposit_event(Event::RequestOpened {
				request: id,
				grant,
				requester,
				deadline,
			}),
		}
		Ok((id, denial))
	}

	/// Takes an ended request off its grant's open list and its deadline's list (removing
	/// lists left empty).
	fn forget_open(grant: GrantId, request: RequestId, deadline: BlockNumberFor<T>) {
		OpenRequests::<T>::mutate_exists(grant, |ids| Self::unlist(ids, request));
		Deadlines::<T>::mutate_exists(deadline, |ids| Self::unlist(ids, request));
	}

	/// Takes `request` off a stored list, and the list out of storage once it is empty.
	fn unlist<S: Get<u32>>(ids: &mut Option<BoundedVec<RequestId, S>>, request: RequestId) {
		if let Some(list) = ids {
			list.retain(|r| *r != request);
			if list.is_empty() {
				*ids = None;
			}
		}
	}

	/// Ends open request `request` in `state`, releasing its deposit and auditing it under
	/// `patient`'s trail.
	fn end(request: RequestId, state: RequestState<BlockNumberFor<T>>, patient: &T::AccountId) {
		let Some(mut info) = Requests::<T>::get(request) else { return };
		if info.state != RequestState::Open {
			return;
		}
		info.state = state;
		Self::forget_open(info.grant, request, info.deadline);
		Self::release_deposit(request, &mut info);
		let requester = info.requester.clone();
		Requests::<T>::insert(request, info);
		match state {
			RequestState::Denied { reason, .. } => {
				Self::audit(patient, &requester, AccessEvent::Denied { request, reason });
				Self::deposit_event(Event::RequestDenied { request, reason });
				T::RequestObserver::ended(request, true);
			},
			RequestState::Expired { .. } => {
				Self::audit(patient, &requester, AccessEvent::Expired { request });
				Self::deposit_event(Event::RequestExpired { request });
				T::RequestObserver::ended(request, false);
			},
			_ => {},
		}
	}

	/// Opens, for another region's query, `requester`'s request for the first `limit`
	/// unvoided records among the first `2 × limit` grant `grant` of `patient`'s wraps (in
	/// storage order; the request lists them by id), for `purpose`. It holds no deposit:
	/// the asking region holds the query's. Audited as any request. Refused if the grant is not
	/// `requester`'s of `patient`'s, if it is not live, wraps no readable record or needs more
	/// than `max_threshold` fragments, or if the request is denied at once.
	pub fn request_for_query(
		requester: &T::AccountId,
		patient: &T::AccountId,
		grant: GrantId,
		limit: u32,
		max_threshold: u32,
		purpose: &[u8],
	) -> Result<RequestId, QueryRefusal> {
		let info = Grants::<T>::get(grant).ok_or(QueryRefusal::NotTheirs)?;
		if info.grantee != *requester || info.patient != *patient {
			return Err(QueryRefusal::NotTheirs);
		}
		if !Self::is_live(&info) || info.threshold as u32 > max_threshold {
			return Err(QueryRefusal::Denied);
		}
		let limit = limit.min(T::MaxRecordsPerRequest::get()) as usize;
		let mut records: Vec<RecordId> = Envelopes::<T>::iter_key_prefix(grant)
			.take(limit.saturating_mul(2))
			.filter(|record| T::Records::subject(*record).is_some_and(|s| !s.voided))
			.take(limit)
			.collect();
		if records.is_empty() {
			return Err(QueryRefusal::Denied);
		}
		records.sort_unstable();
		let records = BoundedVec::truncate_from(records);
		let purpose = BoundedVec::truncate_from(purpose.to_vec());
		match Self::do_request(requester.clone(), grant, records, purpose, false) {
			Ok((request, None)) => Ok(request),
			Ok((_, Some(_))) => Err(QueryRefusal::Denied),
			Err(_) => Err(QueryRefusal::Busy),
		}
	}

	/// What fulfilled request `request` gives a read: its grant, and each record's envelope
	/// and capsule fragments, records voided since left out. `None` if the request or its grant
	/// is gone.
	pub fn fulfilled_read(request: RequestId) -> Option<FulfilledRead<T>> {
		let info = Requests::<T>::get(request)?;
		let grant = Grants::<T>::get(info.grant)?;
		let records = info
			.records
			.iter()
			.filter_map(|record| {
				// A record voided since the request opened is never served.
				if T::Records::subject(*record).is_none_or(|s| s.voided) {
					return None;
				}
				let envelope = Envelopes::<T>::get(info.grant, record)?;
				let fragments = CapsuleFragments::<T>::iter_prefix((request, *record)).collect();
				Some((*record, envelope, fragments))
			})
			.collect();
		Some(FulfilledRead { grant: info.grant, info: grant, records })
	}

	/// Releases what `info` (request `request`) holds to its requester, and records that it
	/// holds nothing more. Never fails: if the currency refuses (nothing is then released), the
	/// request keeps the amount as still held, and a warning is logged.
	fn release_deposit(request: RequestId, info: &mut RequestOf<T>) {
		if info.deposit.is_zero() {
			return;
		}
		let reason = HoldReason::AccessRequest.into();
		match T::Currency::release(&reason, &info.requester, info.deposit, Precision::BestEffort) {
			Ok(released) => {
				if released < info.deposit {
					log::warn!(
						target: LOG_TARGET,
						"request {request} held {:?} but only {released:?} was on hold to release",
						info.deposit,
					);
				}
				info.deposit = Zero::zero();
			},
			Err(error) => log::warn!(
				target: LOG_TARGET,
				"request {request}: its deposit of {:?} could not be released: {error:?}",
				info.deposit,
			),
		}
	}

	/// At request `request`'s deadline `now`: an open request expires; a fulfilled one takes
	/// no more fragments and leaves its grant's list.
	fn close(request: RequestId, now: BlockNumberFor<T>) {
		let Some(info) = Requests::<T>::get(request) else { return };
		match Grants::<T>::get(info.grant) {
			Some(grant) if info.state == RequestState::Open =>
				Self::end(request, RequestState::Expired { at: now }, &grant.patient),
			_ => Self::forget_open(info.grant, request, info.deadline),
		}
	}

	/// The records of `patient`'s that `grantee` may read now: at most `limit` of them, as
	/// (grant, record), from the patient's live grants to the grantee, oldest grant first, and
	/// whether there may be more. `None` if the grantee holds no live grant of the patient's.
	/// Voided records are left out. Reads at most `MaxGrantsPerGrantee` grants and `limit + 1`
	/// envelopes, voided ones included: past them the answer says there may be more.
	pub fn shared_with(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		limit: u32,
	) -> Option<(Vec<(GrantId, RecordId)>, bool)> {
		let grants: Vec<GrantId> = LiveGrants::<T>::get(patient, grantee)
			.into_iter()
			.filter(|g| Grants::<T>::get(g).is_some_and(|g| Self::is_live(&g)))
			.collect();
		if grants.is_empty() {
			return None;
		}
		let mut shared = Vec::new();
		let mut read = 0u32;
		for grant in grants {
			for record in Envelopes::<T>::iter_key_prefix(grant) {
				if read == limit.saturating_add(1) || shared.len() as u32 == limit {
					return Some((shared, true));
				}
				read += 1;
				if T::Records::subject(record).is_some_and(|s| s.voided) {
					continue;
				}
				shared.push((grant, record));
			}
		}
		Some((shared, false))
	}

	/// Shares `records` of `patient`'s with `grantee` under a new live grant, written straight
	/// to storage, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn share_for_benchmarks(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		records: &[RecordId],
	) {
		use medfed_primitives::umbral::{GENERATOR, WRAPPED_KEY_LEN};
		let mut capsule = [0u8; medfed_primitives::umbral::CAPSULE_LEN];
		capsule[..33].copy_from_slice(&GENERATOR.0);
		capsule[33..66].copy_from_slice(&GENERATOR.0);
		capsule[medfed_primitives::umbral::CAPSULE_LEN - 1] = 1;
		let envelope = GrantEnvelope {
			capsule: Capsule(capsule),
			wrapped_key: medfed_primitives::WrappedKey([7; WRAPPED_KEY_LEN]),
		};
		let id = NextGrantId::<T>::get();
		NextGrantId::<T>::put(id.saturating_add(1));
		let now = frame_system::Pallet::<T>::block_number();
		Grants::<T>::insert(
			id,
			Grant {
				patient: patient.clone(),
				grantee: grantee.clone(),
				grantee_key: GENERATOR,
				scope: Scope::All,
				threshold: 1,
				proxies: Default::default(),
				salt: [id as u8; 32],
				delegating_key: GENERATOR,
				verifying_key: GENERATOR,
				granted_at: now,
				expires_at: now.saturating_add(T::MaxGrantDuration::get()),
				revoked_at: None,
			},
		);
		GrantsOfPatient::<T>::insert(patient, id, ());
		GrantsToGrantee::<T>::insert(grantee, id, ());
		GrantBySalt::<T>::insert(patient, [id as u8; 32], id);
		LiveGrants::<T>::mutate(patient, grantee, |live| {
			let _ = live.try_push(id);
		});
		for record in records {
			Envelopes::<T>::insert(id, record, envelope);
		}
		EnvelopeCount::<T>::insert(id, records.len() as u32);
	}

	/// Gives every record of request `request` `fragments` capsule fragments of `len` bytes,
	/// written straight to storage, and marks it fulfilled, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn fulfil_for_benchmarks(request: RequestId, fragments: u32, len: u32) {
		let Some(mut info) = Requests::<T>::get(request) else { return };
		for record in info.records.iter() {
			for position in 0..fragments {
				let fragment = BoundedVec::truncate_from(alloc::vec![position as u8; len as usize]);
				CapsuleFragments::<T>::insert((request, *record, position), fragment);
			}
			FragmentCount::<T>::insert(request, record, fragments);
		}
		info.state = RequestState::Fulfilled { at: frame_system::Pallet::<T>::block_number() };
		Requests::<T>::insert(request, info);
	}

	/// Appends `event`, done by `actor`, to `patient`'s audit trail: for the federation's
	/// cross-region queries, which the audit trail shows beside the grants and requests.
	pub fn audit_query(patient: &T::AccountId, actor: &T::AccountId, event: AccessEventOf<T>) {
		Self::audit(patient, actor, event)
	}

	/// Appends an entry to `patient`'s audit trail.
	fn audit(patient: &T::AccountId, actor: &T::AccountId, event: AccessEventOf<T>) {
		let index = AuditLength::<T>::get(patient);
		Audit::<T>::insert(
			patient,
			index,
			AuditEntry {
				at: frame_system::Pallet::<T>::block_number(),
				actor: actor.clone(),
				region: T::SelfParaId::get(),
				event,
			},
		);
		AuditLength::<T>::insert(patient, index.saturating_add(1));
	}

	/// At most `limit` entries of `patient`'s audit trail from the `start`-th on, and its
	/// length.
	pub fn audit_page(
		patient: &T::AccountId,
		start: u32,
		limit: u32,
	) -> (u32, Vec<AuditEntryOf<T>>) {
		let total = AuditLength::<T>::get(patient);
		let end = start.saturating_add(limit).min(total);
		let entries = (start..end).filter_map(|i| Audit::<T>::get(patient, i)).collect();
		(total, entries)
	}

	/// The capsule fragments issued for `request`: record, proxy position, fragment.
	pub fn fragments_of(request: RequestId) -> Vec<(RecordId, u32, Vec<u8>)> {
		CapsuleFragments::<T>::iter_prefix((request,))
			.map(|((record, position), fragment)| (record, position, fragment.into_inner()))
			.collect()
	}

	/// The requests open now that fall due within the next `RequestTimeout` blocks: what the
	/// proxies work on.
	pub fn open_requests() -> Vec<RequestId> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut open = Vec::new();
		let mut at = now.saturating_add(One::one());
		let last = now.saturating_add(T::RequestTimeout::get());
		while at <= last {
			open.extend(Deadlines::<T>::get(at));
			at = at.saturating_add(One::one());
		}
		open
	}
}

#[cfg(any(feature = "try-runtime", test))]
impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet's storage.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		Self::try_state_proxies()?;
		Self::try_state_grants()?;
		Self::try_state_requests()?;
		Self::try_state_fragments()?;
		Self::try_state_complaints()?;
		Self::try_state_deposits()?;
		Self::try_state_audit()
	}

	/// Proxy accounts and their authorities are each other's reverse.
	fn try_state_proxies() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		for (authority, proxy) in ProxyAccounts::<T>::iter() {
			ensure!(ProxyOf::<T>::get(&proxy) == Some(authority), "proxy index out of step");
		}
		ensure!(
			ProxyOf::<T>::iter().count() == ProxyAccounts::<T>::iter().count(),
			"a proxy account without its authority"
		);
		Ok(())
	}

	/// Every grant is indexed under its patient and grantee; a live grant has one encrypted
	/// fragment per proxy and a revoked one none; envelope counts are right and bounded.
	fn try_state_grants() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		for (patient, grantee, live) in LiveGrants::<T>::iter() {
			ensure!(!live.is_empty(), "an empty list of live grants");
			for id in live {
				let grant = Grants::<T>::get(id).ok_or("a live grant that does not exist")?;
				ensure!(grant.patient == patient && grant.grantee == grantee, "misfiled grant");
				ensure!(grant.revoked_at.is_none(), "a revoked grant listed as live");
			}
		}
		for (id, grant) in Grants::<T>::iter() {
			ensure!(id < NextGrantId::<T>::get(), "a grant id not yet assigned");
			ensure!(GrantsOfPatient::<T>::contains_key(&grant.patient, id), "unindexed grant");
			ensure!(GrantsToGrantee::<T>::contains_key(&grant.grantee, id), "unindexed grant");
			ensure!(
				GrantBySalt::<T>::get(&grant.patient, grant.salt) == Some(id),
				"the grant's salt does not name it"
			);
			ensure!(
				grant.threshold >= 1 && grant.threshold as usize <= grant.proxies.len(),
				"threshold out of range"
			);
			let fragments = Fragments::<T>::iter_prefix(id).count();
			let expected = if grant.revoked_at.is_some() { 0 } else { grant.proxies.len() };
			ensure!(fragments == expected, "a grant's fragments do not match its proxies");
			let envelopes = Envelopes::<T>::iter_prefix(id).count() as u32;
			ensure!(envelopes == EnvelopeCount::<T>::get(id), "envelope count is off");
			ensure!(envelopes <= T::MaxRecordsPerGrant::get(), "too many envelopes");
		}
		ensure!(
			GrantsOfPatient::<T>::iter().count() == Grants::<T>::iter().count() &&
				GrantsToGrantee::<T>::iter().count() == Grants::<T>::iter().count(),
			"a grant index names a grant that does not exist"
		);
		Ok(())
	}

	/// A request is open exactly when it is listed under its deadline and its grant, and an
	/// open request's grant is not revoked.
	fn try_state_requests() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut listed = 0usize;
		for (deadline, ids) in Deadlines::<T>::iter() {
			ensure!(!ids.is_empty(), "an empty deadline list is kept");
			for id in ids {
				let request = Requests::<T>::get(id).ok_or("a deadline names no request")?;
				ensure!(
					matches!(request.state, RequestState::Open | RequestState::Fulfilled { .. }),
					"a denied or expired request is due"
				);
				ensure!(request.deadline == deadline, "a request is listed at another deadline");
				ensure!(OpenRequests::<T>::get(request.grant).contains(&id), "not listed open");
				listed += 1;
			}
		}
		let now = frame_system::Pallet::<T>::block_number();
		let active = Requests::<T>::iter()
			.filter(|(_, r)| match r.state {
				RequestState::Open => true,
				RequestState::Fulfilled { .. } =>
					r.deadline > now &&
						Grants::<T>::get(r.grant).is_some_and(|g| g.revoked_at.is_none()),
				_ => false,
			})
			.count();
		ensure!(
			active == listed,
			"an open request, or a fulfilled one before its deadline, is not listed"
		);
		let by_grant: usize = OpenRequests::<T>::iter().map(|(_, ids)| ids.len()).sum();
		ensure!(by_grant == listed, "a grant lists a request that is not open");
		for (_, request) in Requests::<T>::iter().filter(|(_, r)| r.state == RequestState::Open) {
			let grant = Grants::<T>::get(request.grant).ok_or("a request of no grant")?;
			ensure!(grant.revoked_at.is_none(), "an open request under a revoked grant");
		}
		Ok(())
	}

	/// Fragment counts match the fragments stored, and only the grant's proxies have any.
	fn try_state_fragments() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut counted = alloc::collections::BTreeMap::<(RequestId, RecordId), u32>::new();
		for ((request, record, position), _) in CapsuleFragments::<T>::iter() {
			let info = Requests::<T>::get(request).ok_or("fragments of no request")?;
			ensure!(info.records.contains(&record), "a fragment of a record not requested");
			let grant = Grants::<T>::get(info.grant).ok_or("a request of no grant")?;
			ensure!((position as usize) < grant.proxies.len(), "a fragment of no proxy");
			*counted.entry((request, record)).or_default() += 1;
		}
		for ((request, record), count) in FragmentCount::<T>::iter().map(|(a, b, c)| ((a, b), c)) {
			ensure!(counted.get(&(request, record)) == Some(&count), "fragment count is off");
		}
		ensure!(counted.len() == FragmentCount::<T>::iter().count(), "fragments without a count");
		Ok(())
	}

	/// A proxy marked failed is one of its request's grant's proxies.
	fn try_state_complaints() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		for (request, position, ()) in FailedProxies::<T>::iter() {
			let info = Requests::<T>::get(request).ok_or("a failed proxy of no request")?;
			let grant = Grants::<T>::get(info.grant).ok_or("a request of no grant")?;
			ensure!((position as usize) < grant.proxies.len(), "a failed proxy of no position");
		}
		Ok(())
	}

	/// Only open requests hold a deposit, and what each requester has on hold for requests is
	/// the sum of its requests' deposits: all holds together are the open requests' deposits.
	fn try_state_deposits() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use fungible::InspectHold;
		let mut held = alloc::collections::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
		for (_, request) in Requests::<T>::iter() {
			ensure!(
				request.deposit.is_zero() || request.state == RequestState::Open,
				"a request that is not open holds a deposit"
			);
			let sum = held.entry(request.requester).or_insert_with(Zero::zero);
			*sum = sum.saturating_add(request.deposit);
		}
		let reason = HoldReason::AccessRequest.into();
		for (requester, deposits) in held {
			ensure!(
				T::Currency::balance_on_hold(&reason, &requester) == deposits,
				"a requester's hold is not its open requests' deposits"
			);
		}
		Ok(())
	}

	/// Each patient's audit trail is numbered from 0 without gaps.
	fn try_state_audit() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		for (patient, length) in AuditLength::<T>::iter() {
			ensure!(
				Audit::<T>::iter_prefix(&patient).count() as u32 == length &&
					(length == 0 || Audit::<T>::contains_key(&patient, length - 1)),
				"an audit trail has gaps"
			);
		}
		Ok(())
	}
}
