//! # Records pallet
//!
//! Append-only metadata of a region's encrypted health records.
//!
//! ## Overview
//!
//! A MedFed record is a FHIR document encrypted to its patient's Umbral public key and stored
//! on IPFS. This pallet keeps what the chain needs to find, check and later share it: whose
//! record it is, which member institution registered it, its FHIR resource type, the CID of the
//! ciphertext, the SHA-256 of the ciphertext, the Umbral capsule, the wrapped document key and
//! the size. Never the document, never a key that opens it: the wrapped key is the record's
//! document key encrypted under the key the capsule encapsulates, which only the patient's
//! secret key opens.
//!
//! A patient first publishes the Umbral public key records will be encrypted to, with
//! [`Pallet::register_patient`]. A member institution (see [`Config::Membership`]) then
//! registers records with [`Pallet::register_record`]. Every input is checked before anything
//! is written: the CID is parsed (CIDv0 or CIDv1, no identity hash), the resource type must be a
//! FHIR R4 one, the capsule must decode to curve points, the wrapped key must be 72 bytes.
//!
//! Records are never changed or deleted. A correction is a new record that names the one it
//! supersedes (same patient, same issuing institution); [`SupersededBy`] links the old one
//! forward, and a record is corrected at most once, so versions form a chain.
//!
//! Records are indexed by patient and by institution, in registration order, and read through
//! the `RecordsApi` runtime API in pages.
//!
//! ## Example
//!
//! Registering a record for a registered patient:
#![doc = docify::embed!("src/tests.rs", register_record_stores_metadata_and_indexes)]
//!
//! ## Low-level notes
//!
//! - An institution registers a ciphertext hash once: its second registration of the same
//!   ciphertext is refused, so a client that retries after a timeout cannot create a duplicate.
//!   Per institution, so that registering another's ciphertext first gains a member nothing.
//! - A patient holds at most [`Config::MaxRecordsPerPatient`] records, at most
//!   [`Config::MaxRecordsPerIssuer`] of them from one institution.
//! - A majority of the authorities can void a record ([`Pallet::void_record`]): it stays,
//!   marked, and clients do not serve it.
//! - `register_record` is weighed as a new record or as a correction, which also reads and
//!   writes the version chain.
//! - Records carry the wrapped document key of the two-layer envelope (v2) since the region
//!   runtime's `spec_version` 2. The record layout changed then without a migration or a
//!   storage version bump: no chain held records of the earlier layout. A chain that does must
//!   migrate [`Records`] before such a change.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use medfed_primitives::{
	Capsule, Cid, CidError, CiphertextHash, Membership, MembershipError, OnFirstRecord, Patient,
	PublicKey, Record, RecordId, RecordInfo, RecordPage, RecordsInspect, ResourceType, WrappedKey,
};
#[cfg(feature = "runtime-benchmarks")]
use polkadot_sdk::sp_runtime::traits::Zero;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::fungible::{self, MutateHold},
	},
	frame_system::{self, pallet_prelude::*},
};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::records";

/// A record as this pallet stores it.
pub type RecordOf<T> = Record<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
/// A balance of runtime `T`'s currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the records pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// Who is a member institution of the region, and which are removed.
		type Membership: Membership<Self::AccountId>;

		/// Most records one patient may hold in this region.
		#[pallet::constant]
		type MaxRecordsPerPatient: Get<u32>;

		/// Most records one institution may register for one patient, so that no member alone
		/// can fill a patient's `MaxRecordsPerPatient`.
		#[pallet::constant]
		type MaxRecordsPerIssuer: Get<u32>;

		/// Who may void a record: the region's authorities acting together.
		type VoidOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Largest ciphertext a record may describe, in bytes.
		#[pallet::constant]
		type MaxRecordSize: Get<u64>;

		/// Most records one page of the runtime API returns.
		#[pallet::constant]
		type MaxPageSize: Get<u32>;

		/// Told when a patient's first record in this region is registered: the region then
		/// announces the patient to the coordinator's directory.
		type OnFirstRecord: OnFirstRecord<Self::AccountId>;

		/// The overarching hold reason, which this pallet's [`HoldReason`] is part of.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency a patient's registration deposit is held in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// What a patient's registration holds of theirs for as long as it stays: the storage
		/// of the patient's entry (key, count, block), which no one else pays for.
		#[pallet::constant]
		type PatientDeposit: Get<BalanceOf<Self>>;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next record gets.
	#[pallet::storage]
	pub type NextRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	/// Every record, by id. Never changed, never removed.
	///
	/// The layout gained `wrapped_key` (envelope v2) with no migration: there were no live
	/// chains (see the low-level notes).
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Twox64Concat, RecordId, RecordOf<T>, OptionQuery>;

	/// Patients and the Umbral public key their records are encrypted to.
	#[pallet::storage]
	pub type Patients<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Patient<BlockNumberFor<T>>, OptionQuery>;

	/// A patient's records in registration order: the `n`-th record of a patient, for `n` below
	/// its `record_count`.
	#[pallet::storage]
	pub type RecordsByPatient<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		RecordId,
		OptionQuery,
	>;

	/// How many records each institution has registered.
	#[pallet::storage]
	pub type InstitutionRecordCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// An institution's records in registration order, like [`RecordsByPatient`].
	#[pallet::storage]
	pub type RecordsByInstitution<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		RecordId,
		OptionQuery,
	>;

	/// The record that corrects a record, for records that have been corrected.
	#[pallet::storage]
	pub type SupersededBy<T: Config> = StorageMap<_, Twox64Concat, RecordId, RecordId, OptionQuery>;

	/// The record of each ciphertext hash, per issuer: an institution registers a ciphertext
	/// once. Per issuer, so that a member who sees another's pending registration gains
	/// nothing by registering the same ciphertext first.
	#[pallet::storage]
	pub type RecordByHash<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		CiphertextHash,
		RecordId,
		OptionQuery,
	>;

	/// How many records each institution has registered for each patient: `(patient,
	/// institution) → count`, at most `MaxRecordsPerIssuer`.
	#[pallet::storage]
	pub type IssuedToPatient<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		u32,
		ValueQuery,
	>;

	/// Records the authorities voided, and the block they did: kept, marked, and never served
	/// to readers.
	#[pallet::storage]
	pub type Voided<T: Config> =
		StorageMap<_, Twox64Concat, RecordId, BlockNumberFor<T>, OptionQuery>;

	/// Events of the records pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A patient published the Umbral public key their records are encrypted to.
		PatientRegistered {
			/// The patient's account.
			patient: T::AccountId,
		},
		/// The authorities voided a record: it stays on chain, marked, and is not served.
		RecordVoided {
			/// The record's id.
			id: RecordId,
		},
		/// A member institution registered a record.
		RecordRegistered {
			/// The new record's id.
			id: RecordId,
			/// Whose record it is.
			patient: T::AccountId,
			/// The institution that registered it.
			issuer: T::AccountId,
			/// The record it corrects, if any.
			supersedes: Option<RecordId>,
		},
	}

	/// Errors of the records pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not a member institution of this region.
		NotMember,
		/// The signer's institution has been removed from the region and may not register.
		InstitutionRemoved,
		/// The patient has published a key already. Records stay encrypted to it.
		PatientAlreadyRegistered,
		/// The patient key is not a 33-byte compressed secp256k1 point (an Umbral public key).
		InvalidPatientKey,
		/// The patient has not published an Umbral public key; ask them to register first.
		PatientNotRegistered,
		/// The resource type is not a FHIR R4 resource type (names are case-sensitive,
		/// e.g. `Observation`).
		UnknownResourceType,
		/// The CID text is longer than 128 bytes.
		CidTooLong,
		/// The CID could not be decoded: check its base encoding and multihash.
		InvalidCid,
		/// The CID's version, codec or hash function is not supported: use CIDv0, or CIDv1 with
		/// raw, dag-pb, dag-cbor or dag-json and a 256- or 512-bit hash.
		UnsupportedCid,
		/// The CID uses the identity hash, which would put content on chain.
		IdentityCid,
		/// The capsule is longer than an Umbral capsule (98 bytes).
		CapsuleTooLarge,
		/// The capsule is not an Umbral capsule: two compressed curve points and a scalar.
		InvalidCapsule,
		/// The wrapped document key is not 72 bytes: nonce, encrypted 32-byte key and tag.
		WrappedKeyLength,
		/// The record size is zero.
		EmptyRecord,
		/// The record is larger than `MaxRecordSize`.
		RecordTooLarge,
		/// This institution registered this ciphertext already, as the record given by
		/// `RecordByHash`.
		DuplicateCiphertext,
		/// The patient holds `MaxRecordsPerPatient` records already.
		TooManyRecords,
		/// This institution registered `MaxRecordsPerIssuer` records for this patient already.
		IssuerQuotaReached,
		/// There is no record with this id.
		RecordNotFound,
		/// The record is voided already.
		AlreadyVoided,
		/// The record to supersede does not exist.
		SupersededRecordNotFound,
		/// The record to supersede belongs to another patient.
		SupersededRecordOfOtherPatient,
		/// Only the institution that registered a record may correct it.
		NotRecordIssuer,
		/// The record has been corrected already; correct its latest version instead.
		AlreadySuperseded,
		/// Record ids are exhausted.
		RecordIdOverflow,
		/// The patient cannot put `PatientDeposit` on hold: too little free balance. A
		/// registration holds it for as long as it stays.
		CannotHoldDeposit,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A patient's registration, for as long as it stays.
		#[codec(index = 0)]
		PatientRegistration,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publishes the caller's Umbral public key: the key its records are encrypted to. Holds
		/// [`Config::PatientDeposit`] of the patient's for as long as the registration stays.
		///
		/// Origin: signed by the patient.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_patient())]
		pub fn register_patient(origin: OriginFor<T>, key: Vec<u8>) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			ensure!(!Patients::<T>::contains_key(&patient), Error::<T>::PatientAlreadyRegistered);
			let key = PublicKey::parse(&key).map_err(|_| Error::<T>::InvalidPatientKey)?;
			T::Currency::hold(
				&HoldReason::PatientRegistration.into(),
				&patient,
				T::PatientDeposit::get(),
			)
			.map_err(|_| Error::<T>::CannotHoldDeposit)?;

			let registered_at = frame_system::Pallet::<T>::block_number();
			Patients::<T>::insert(&patient, Patient { key, registered_at, record_count: 0 });
			Self::deposit_event(Event::PatientRegistered { patient });
			Ok(())
		}

		/// Registers the metadata of a record: the patient's document, encrypted under its
		/// document key and added to IPFS as `cid`; the document key encrypted to the patient's
		/// key as `capsule` and `wrapped_key`. With `supersedes`, the record corrects an
		/// earlier record of the same patient that the caller registered.
		///
		/// A patient's first record in the region also announces the patient to the
		/// coordinator's directory ([`Config::OnFirstRecord`]); the call is charged for that only
		/// then.
		///
		/// Origin: signed by a member institution.
		#[pallet::call_index(1)]
		#[pallet::weight(
			T::WeightInfo::register_record(supersedes.is_some().into())
				.saturating_add(T::OnFirstRecord::weight())
		)]
		pub fn register_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			resource_type: Vec<u8>,
			cid: Vec<u8>,
			ciphertext_hash: CiphertextHash,
			capsule: Vec<u8>,
			wrapped_key: Vec<u8>,
			size: u64,
			supersedes: Option<RecordId>,
		) -> DispatchResultWithPostInfo {
			let issuer = ensure_signed(origin)?;
			T::Membership::active_role(&issuer).map_err(|e| match e {
				MembershipError::NotMember => Error::<T>::NotMember,
				MembershipError::Removed => Error::<T>::InstitutionRemoved,
			})?;
			let record = Self::check_record(
				patient,
				issuer,
				&resource_type,
				&cid,
				ciphertext_hash,
				&capsule,
				&wrapped_key,
				size,
				supersedes,
			)?;
			let first = Self::do_register_record(record)?;
			let weight = T::WeightInfo::register_record(supersedes.is_some().into());
			Ok(Some(if first { weight.saturating_add(T::OnFirstRecord::weight()) } else { weight })
				.into())
		}

		/// Voids record `id`: for a record registered in bad faith or in error that its issuer
		/// cannot correct. The record stays on chain, marked; the runtime API shows it voided
		/// and clients refuse to serve it.
		///
		/// Origin: [`Config::VoidOrigin`], the region's authorities acting together.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::void_record())]
		pub fn void_record(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			T::VoidOrigin::ensure_origin(origin)?;
			ensure!(Records::<T>::contains_key(id), Error::<T>::RecordNotFound);
			ensure!(!Voided::<T>::contains_key(id), Error::<T>::AlreadyVoided);

			Voided::<T>::insert(id, frame_system::Pallet::<T>::block_number());
			Self::deposit_event(Event::RecordVoided { id });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks every field of a new record against the chain and builds it. Reads only.
	fn check_record(
		patient: T::AccountId,
		issuer: T::AccountId,
		resource_type: &[u8],
		cid: &[u8],
		ciphertext_hash: CiphertextHash,
		capsule: &[u8],
		wrapped_key: &[u8],
		size: u64,
		supersedes: Option<RecordId>,
	) -> Result<RecordOf<T>, Error<T>> {
		let patient_info = Patients::<T>::get(&patient).ok_or(Error::<T>::PatientNotRegistered)?;
		ensure!(
			patient_info.record_count < T::MaxRecordsPerPatient::get(),
			Error::<T>::TooManyRecords
		);
		let resource_type =
			ResourceType::parse(resource_type).ok_or(Error::<T>::UnknownResourceType)?;
		let cid = Cid::parse(cid).map_err(Self::cid_error)?;
		ensure!(
			capsule.len() <= medfed_primitives::umbral::CAPSULE_LEN,
			Error::<T>::CapsuleTooLarge
		);
		let capsule = Capsule::parse(capsule).map_err(|_| Error::<T>::InvalidCapsule)?;
		let wrapped_key =
			WrappedKey::parse(wrapped_key).map_err(|_| Error::<T>::WrappedKeyLength)?;
		ensure!(size > 0, Error::<T>::EmptyRecord);
		ensure!(size <= T::MaxRecordSize::get(), Error::<T>::RecordTooLarge);
		ensure!(
			IssuedToPatient::<T>::get(&patient, &issuer) < T::MaxRecordsPerIssuer::get(),
			Error::<T>::IssuerQuotaReached
		);
		ensure!(
			!RecordByHash::<T>::contains_key(&issuer, ciphertext_hash),
			Error::<T>::DuplicateCiphertext
		);
		if let Some(old) = supersedes {
			let previous = Records::<T>::get(old).ok_or(Error::<T>::SupersededRecordNotFound)?;
			ensure!(previous.patient == patient, Error::<T>::SupersededRecordOfOtherPatient);
			ensure!(previous.issuer == issuer, Error::<T>::NotRecordIssuer);
			ensure!(!SupersededBy::<T>::contains_key(old), Error::<T>::AlreadySuperseded);
		}
		Ok(Record {
			patient,
			issuer,
			resource_type,
			cid,
			ciphertext_hash,
			capsule,
			wrapped_key,
			size,
			created_at: frame_system::Pallet::<T>::block_number(),
			supersedes,
		})
	}

	fn cid_error(error: CidError) -> Error<T> {
		match error {
			CidError::TooLong => Error::<T>::CidTooLong,
			CidError::IdentityHash => Error::<T>::IdentityCid,
			CidError::UnsupportedVersion |
			CidError::UnsupportedCodec |
			CidError::UnsupportedHash => Error::<T>::UnsupportedCid,
			CidError::Empty |
			CidError::UnsupportedMultibase |
			CidError::InvalidEncoding |
			CidError::InvalidVarint |
			CidError::DigestLength |
			CidError::TrailingBytes => Error::<T>::InvalidCid,
		}
	}

	/// Stores a checked record and its indexes; whether it is the patient's first record here.
	fn do_register_record(record: RecordOf<T>) -> Result<bool, DispatchError> {
		let id = NextRecordId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::RecordIdOverflow)?;
		let mut patient =
			Patients::<T>::get(&record.patient).ok_or(Error::<T>::PatientNotRegistered)?;
		let issued = InstitutionRecordCount::<T>::get(&record.issuer);
		let first = patient.record_count == 0;

		NextRecordId::<T>::put(next);
		RecordsByPatient::<T>::insert(&record.patient, patient.record_count, id);
		patient.record_count = patient.record_count.saturating_add(1);
		Patients::<T>::insert(&record.patient, patient);
		RecordsByInstitution::<T>::insert(&record.issuer, issued, id);
		InstitutionRecordCount::<T>::insert(&record.issuer, issued.saturating_add(1));
		RecordByHash::<T>::insert(&record.issuer, record.ciphertext_hash, id);
		IssuedToPatient::<T>::mutate(&record.patient, &record.issuer, |n| *n = n.saturating_add(1));
		if let Some(old) = record.supersedes {
			SupersededBy::<T>::insert(old, id);
		}
		let event = Event::RecordRegistered {
			id,
			patient: record.patient.clone(),
			issuer: record.issuer.clone(),
			supersedes: record.supersedes,
		};
		if first {
			T::OnFirstRecord::on_first_record(&record.patient);
		}
		Records::<T>::insert(id, record);
		Self::deposit_event(event);
		Ok(first)
	}

	/// A record with its correction, as the runtime API shows it.
	pub fn record_info(id: RecordId) -> Option<RecordInfo<T::AccountId, BlockNumberFor<T>>> {
		Records::<T>::get(id).map(|record| RecordInfo {
			id,
			record,
			superseded_by: SupersededBy::<T>::get(id),
			voided_at: Voided::<T>::get(id),
		})
	}

	/// A page of a patient's records.
	pub fn records_of_patient(
		patient: T::AccountId,
		start: u32,
		limit: u32,
	) -> RecordPage<T::AccountId, BlockNumberFor<T>> {
		let total = Patients::<T>::get(&patient).map_or(0, |p| p.record_count);
		Self::page(total, start, limit, |n| RecordsByPatient::<T>::get(&patient, n))
	}

	/// A page of the records an institution registered.
	pub fn records_of_institution(
		institution: T::AccountId,
		start: u32,
		limit: u32,
	) -> RecordPage<T::AccountId, BlockNumberFor<T>> {
		let total = InstitutionRecordCount::<T>::get(&institution);
		Self::page(total, start, limit, |n| RecordsByInstitution::<T>::get(&institution, n))
	}

	fn page(
		total: u32,
		start: u32,
		limit: u32,
		nth: impl Fn(u32) -> Option<RecordId>,
	) -> RecordPage<T::AccountId, BlockNumberFor<T>> {
		let end = start.saturating_add(limit.min(T::MaxPageSize::get())).min(total);
		let records = (start..end).filter_map(|n| nth(n).and_then(Self::record_info)).collect();
		RecordPage { total, records }
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> Pallet<T> {
	/// Registers `n` records of a benchmark patient, for other pallets' benchmarks.
	pub fn add_records_for_benchmarks(n: u32) {
		benchmarking::add_records::<T>(n)
	}
}

/// The institutions that have registered a record: what names a removed institution, so the
/// institutions pallet keeps its entry (its `Named`).
pub struct Issuers<T>(core::marker::PhantomData<T>);
impl<T: Config> polkadot_sdk::frame_support::traits::Contains<T::AccountId> for Issuers<T> {
	fn contains(who: &T::AccountId) -> bool {
		InstitutionRecordCount::<T>::contains_key(who)
	}
}

impl<T: Config> RecordsInspect for Pallet<T> {
	fn next_record_id() -> RecordId {
		NextRecordId::<T>::get()
	}

	fn content(id: RecordId) -> Option<(Cid, u64)> {
		Records::<T>::get(id).map(|record| (record.cid, record.size))
	}
}

#[cfg(any(feature = "try-runtime", test))]
impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet's storage.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		Self::try_state_records()?;
		Self::try_state_patient_index()?;
		Self::try_state_institution_index()?;
		Self::try_state_issuer_quotas()?;
		Self::try_state_voided()?;
		Self::try_state_versions()
	}

	/// Each institution's count of records for each patient is what it registered, and within
	/// `MaxRecordsPerIssuer`.
	fn try_state_issuer_quotas() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut counted = alloc::collections::BTreeMap::<(T::AccountId, T::AccountId), u32>::new();
		for (_, record) in Records::<T>::iter() {
			*counted.entry((record.patient, record.issuer)).or_default() += 1;
		}
		for (patient, issuer, count) in IssuedToPatient::<T>::iter() {
			ensure!(count <= T::MaxRecordsPerIssuer::get(), "an issuer is over its quota");
			ensure!(counted.remove(&(patient, issuer)) == Some(count), "an issuer count is off");
		}
		ensure!(counted.is_empty(), "records no issuer count counts");
		Ok(())
	}

	/// Every voided record exists.
	fn try_state_voided() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		ensure!(
			Voided::<T>::iter_keys().all(Records::<T>::contains_key),
			"a voided record is missing"
		);
		Ok(())
	}

	/// Every record has an id below [`NextRecordId`], valid fields, a registered patient, and
	/// is its issuer's one record of its ciphertext hash.
	fn try_state_records() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let next = NextRecordId::<T>::get();
		let mut count = 0u64;
		for (id, record) in Records::<T>::iter() {
			count += 1;
			ensure!(id < next, "record id not below NextRecordId");
			ensure!(Patients::<T>::contains_key(&record.patient), "record of an unknown patient");
			ensure!(
				RecordByHash::<T>::get(&record.issuer, record.ciphertext_hash) == Some(id),
				"hash index is off"
			);
			ensure!(Capsule::parse(&record.capsule.0).is_ok(), "stored capsule is invalid");
			ensure!(
				WrappedKey::parse(&record.wrapped_key.0).as_ref() == Ok(&record.wrapped_key),
				"stored wrapped key does not round-trip"
			);
			ensure!(
				Cid::parse(record.cid.to_text().as_bytes()).as_ref() == Ok(&record.cid),
				"stored CID does not round-trip"
			);
			ensure!(
				record.size > 0 && record.size <= T::MaxRecordSize::get(),
				"size out of bounds"
			);
		}
		ensure!(RecordByHash::<T>::iter().count() as u64 == count, "hash index has extra entries");
		Ok(())
	}

	/// The `n`-th record of each patient exists for every `n` below its count and is theirs.
	fn try_state_patient_index() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut indexed = 0u64;
		for (patient, info) in Patients::<T>::iter() {
			ensure!(info.record_count <= T::MaxRecordsPerPatient::get(), "patient over the limit");
			for n in 0..info.record_count {
				let id =
					RecordsByPatient::<T>::get(&patient, n).ok_or("patient index has a gap")?;
				let record = Records::<T>::get(id).ok_or("patient index names no record")?;
				ensure!(record.patient == patient, "patient index names another's record");
				indexed += 1;
			}
		}
		ensure!(
			RecordsByPatient::<T>::iter().count() as u64 == indexed,
			"patient index has extra entries"
		);
		ensure!(
			Records::<T>::iter().count() as u64 == indexed,
			"a record is missing from the patient index"
		);
		Ok(())
	}

	/// The `n`-th record of each institution exists for every `n` below its count and is its.
	fn try_state_institution_index() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut indexed = 0u64;
		for (institution, count) in InstitutionRecordCount::<T>::iter() {
			for n in 0..count {
				let id = RecordsByInstitution::<T>::get(&institution, n)
					.ok_or("institution index has a gap")?;
				let record = Records::<T>::get(id).ok_or("institution index names no record")?;
				ensure!(record.issuer == institution, "institution index names another's record");
				indexed += 1;
			}
		}
		ensure!(
			RecordsByInstitution::<T>::iter().count() as u64 == indexed,
			"institution index has extra entries"
		);
		ensure!(
			Records::<T>::iter().count() as u64 == indexed,
			"a record is missing from the institution index"
		);
		Ok(())
	}

	/// [`SupersededBy`] is exactly the inverse of every record's `supersedes`, and a correction
	/// has the patient and issuer of what it corrects.
	fn try_state_versions() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut links = 0usize;
		for (id, record) in Records::<T>::iter() {
			if let Some(old) = record.supersedes {
				links += 1;
				ensure!(
					SupersededBy::<T>::get(old) == Some(id),
					"SupersededBy misses a correction"
				);
				let previous = Records::<T>::get(old).ok_or("correction of a missing record")?;
				ensure!(
					previous.patient == record.patient,
					"correction of another patient's record"
				);
				ensure!(previous.issuer == record.issuer, "correction by another institution");
				ensure!(old < id, "a correction is older than what it corrects");
			}
		}
		ensure!(SupersededBy::<T>::iter().count() == links, "SupersededBy has extra entries");
		Ok(())
	}
}
