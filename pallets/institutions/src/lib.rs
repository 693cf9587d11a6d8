//! # Institutions pallet
//!
//! The member institutions of one region: authorities, hospitals, clinics and labs.
//!
//! ## Overview
//!
//! Every MedFed region keeps its own list of member institutions. Only members may register
//! health records; only authorities govern the list. Admitting and removing an institution
//! takes [`Config::AdminOrigin`], which a runtime sets to a collective of the authorities (a
//! majority of them), so no single key decides membership. Admitting or removing an
//! *authority* takes [`Config::AuthorityAdminOrigin`] instead: the authorities are the
//! collective that governs the chain, so changing them must take as many of them as the
//! chain's root does (two thirds in MedFed's runtimes), or a majority could remove or add
//! authorities until it is two thirds.
//!
//! Authorities also run the region's re-encryption proxies, so an authority is admitted with
//! the Umbral public key its proxy uses, and may rotate it later with
//! [`Pallet::set_proxy_key`]. The set of active authorities is kept sorted in [`Authorities`]
//! and handed to [`Config::AuthoritiesChanged`] whenever it changes, which keeps the runtime's
//! authority collective in step with membership.
//!
//! A removed institution can no longer act as a member. If anything on chain names it (records
//! it issued, as [`Config::Named`] tells; every authority, whose account grants name as a
//! re-encryption proxy), it stays in [`Institutions`] with its removal block, so those still name
//! a known institution; otherwise it is forgotten. Either way it may be admitted again.
//!
//! ## Example
//!
//! Admitting a hospital through the admin origin:
#![doc = docify::embed!("src/tests.rs", admit_adds_a_member)]
//!
//! ## Low-level notes
//!
//! - At most [`Config::MaxInstitutions`] institutions are members at once; removed ones do not
//!   count, so a region that replaces its members over the years never runs out of room.
//!   [`Institutions`] also keeps the removed institutions something names: each issued at
//!   least one record (records are bounded, each with its patient's deposit) or was an
//!   authority (each admitted by two thirds of the authorities). [`Authorities`] holds at most
//!   [`Config::MaxAuthorities`].
//! - A region never loses its last authority: removing it is refused.
//! - Other pallets ask about membership through [`medfed_primitives::Membership`], which this
//!   pallet implements.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::Institution;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use medfed_primitives::{
	InstitutionInfo, Membership, MembershipError, MembershipStatus, PublicKey, Role,
};
use polkadot_sdk::{
	frame_support::{
		self,
		pallet_prelude::*,
		traits::{ChangeMembers, Contains, InitializeMembers},
	},
	frame_system::{self, pallet_prelude::*},
	sp_runtime::traits::Zero,
};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::institutions";

/// What the benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Opens as many motions as the authorities' collective holds, each with a vote of every
	/// one of `authorities`: changing the authorities then rewrites the most votes.
	fn open_motions(authorities: &[AccountId]);
}

#[cfg(feature = "runtime-benchmarks")]
impl<AccountId> BenchmarkHelper<AccountId> for () {
	fn open_motions(_: &[AccountId]) {}
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the institutions pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// Who may admit and remove institutions: the region's authorities acting together.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may admit and remove authorities: at least as many authorities as the chain's
		/// root needs, since the authorities are the collective that governs the chain.
		type AuthorityAdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Told the new sorted set of active authorities whenever it changes.
		type AuthoritiesChanged: ChangeMembers<Self::AccountId>;

		/// Told the active authorities at genesis.
		type AuthoritiesInitialized: InitializeMembers<Self::AccountId>;

		/// Most member institutions at once; removed ones do not count.
		#[pallet::constant]
		type MaxInstitutions: Get<u32>;

		/// The accounts something on chain names as an institution besides its own entry (the
		/// records they issued): when removed, these stay in [`Institutions`], marked removed,
		/// as authorities always do. Any other removed institution is forgotten.
		type Named: Contains<Self::AccountId>;

		/// Most active authorities at once; also the most re-encryption proxies a grant can use.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Longest institution name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Sets up what the benchmarks need: open motions of the authorities' collective.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;

		/// Weights of this pallet's calls, generated by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Every member institution, by account, and the removed ones something names, marked so.
	#[pallet::storage]
	pub type Institutions<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Institution<BlockNumberFor<T>, T::MaxNameLen>,
		OptionQuery,
	>;

	/// How many entries [`Institutions`] holds, members and removed ones.
	#[pallet::storage]
	pub type InstitutionCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How many institutions are members now.
	#[pallet::storage]
	pub type MemberCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The active authorities, sorted by account.
	#[pallet::storage]
	pub type Authorities<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxAuthorities>, ValueQuery>;

	/// Institutions of the region at genesis: account, role, name and, for authorities, the
	/// proxy's Umbral public key.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The founding institutions.
		pub institutions: Vec<(T::AccountId, Role, Vec<u8>, Option<PublicKey>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (account, role, name, proxy_key) in &self.institutions {
				let institution = Pallet::<T>::new_institution(
					*role,
					name.clone(),
					*proxy_key,
					BlockNumberFor::<T>::zero(),
				)
				.expect("genesis institutions must be valid: a bad chain spec is a setup error");
				Pallet::<T>::insert_member(account, institution)
					.expect("genesis institutions must fit the runtime's limits");
			}
			// The collective learns the founding authorities once, here.
			T::AuthoritiesInitialized::initialize_members(&Authorities::<T>::get());
		}
	}

	/// Events of the institutions pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An institution was admitted, or admitted again after a removal.
		InstitutionAdmitted {
			/// The institution's account.
			institution: T::AccountId,
			/// Its role.
			role: Role,
		},
		/// An institution was removed; its records stay.
		InstitutionRemoved {
			/// The institution's account.
			institution: T::AccountId,
			/// Whether its entry went too, nothing on chain naming it.
			forgotten: bool,
		},
		/// An authority changed the Umbral public key of its re-encryption proxy.
		ProxyKeyRotated {
			/// The authority's account.
			authority: T::AccountId,
		},
	}

	/// Errors of the institutions pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The account is a member already. Remove it first to change its role.
		AlreadyMember,
		/// The account was never admitted. Check the account, or admit it first.
		NotMember,
		/// The institution has been removed. An admin may admit it again.
		InstitutionRemoved,
		/// Only an authority has a proxy key. Sign with an authority's account.
		NotAuthority,
		/// An authority must be admitted with its proxy's Umbral public key.
		ProxyKeyRequired,
		/// Only authorities run proxies: admit hospitals, clinics and labs without a proxy key.
		ProxyKeyNotAllowed,
		/// The proxy key is not a compressed secp256k1 point. Send the 33-byte compressed
		/// Umbral public key.
		InvalidProxyKey,
		/// The name is empty, or not UTF-8.
		InvalidName,
		/// The name is longer than `MaxNameLen`.
		NameTooLong,
		/// The region has `MaxInstitutions` members already. Remove one first.
		TooManyInstitutions,
		/// The region has `MaxAuthorities` authorities already.
		TooManyAuthorities,
		/// Removing the last authority would leave the region ungovernable. Admit another
		/// authority first.
		LastAuthority,
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

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Admits `institution` with `role` and `name`; an authority also with the Umbral
		/// public key of its proxy. An institution that was removed may be admitted again.
		///
		/// Origin: [`Config::AdminOrigin`]; for an authority, [`Config::AuthorityAdminOrigin`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::admit())]
		pub fn admit(
			origin: OriginFor<T>,
			institution: T::AccountId,
			role: Role,
			name: Vec<u8>,
			proxy_key: Option<PublicKey>,
		) -> DispatchResult {
			if role == Role::Authority {
				T::AuthorityAdminOrigin::ensure_origin(origin)?;
			} else {
				T::AdminOrigin::ensure_origin(origin)?;
			}
			let now = frame_system::Pallet::<T>::block_number();
			let entry = Self::new_institution(role, name, proxy_key, now)?;
			Self::admit_member(&institution, entry)?;
			Self::deposit_event(Event::InstitutionAdmitted { institution, role });
			Ok(())
		}

		/// Removes `institution` from the region. Its records stay; it can register no more. Its
		/// entry stays, marked removed, if it is an authority or [`Config::Named`] names it, and
		/// goes otherwise.
		///
		/// Origin: [`Config::AdminOrigin`]; for an authority, [`Config::AuthorityAdminOrigin`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove())]
		pub fn remove(origin: OriginFor<T>, institution: T::AccountId) -> DispatchResult {
			// Which origin it takes depends on what the institution is.
			let entry = Institutions::<T>::get(&institution);
			if entry.as_ref().is_some_and(|e| e.role == Role::Authority) {
				T::AuthorityAdminOrigin::ensure_origin(origin)?;
			} else {
				T::AdminOrigin::ensure_origin(origin)?;
			}
			let mut entry = entry.ok_or(Error::<T>::NotMember)?;
			ensure!(entry.is_active(), Error::<T>::InstitutionRemoved);
			let mut authorities = Authorities::<T>::get();
			if entry.role == Role::Authority {
				ensure!(authorities.len() > 1, Error::<T>::LastAuthority);
			}

			entry.status =
				MembershipStatus::Removed { at: frame_system::Pallet::<T>::block_number() };
			if entry.role == Role::Authority {
				authorities.retain(|a| a != &institution);
				T::AuthoritiesChanged::change_members_sorted(
					&[],
					&[institution.clone()],
					&authorities,
				);
				Authorities::<T>::put(authorities);
			}
			let forgotten = entry.role != Role::Authority && !T::Named::contains(&institution);
			if forgotten {
				Institutions::<T>::remove(&institution);
				InstitutionCount::<T>::mutate(|n| *n = n.saturating_sub(1));
			} else {
				Institutions::<T>::insert(&institution, entry);
			}
			MemberCount::<T>::mutate(|n| *n = n.saturating_sub(1));
			Self::deposit_event(Event::InstitutionRemoved { institution, forgotten });
			Ok(())
		}

		/// Replaces the Umbral public key of the caller's re-encryption proxy.
		///
		/// Origin: signed by an active authority.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_proxy_key())]
		pub fn set_proxy_key(origin: OriginFor<T>, proxy_key: PublicKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = Institutions::<T>::get(&who).ok_or(Error::<T>::NotMember)?;
			ensure!(entry.is_active(), Error::<T>::InstitutionRemoved);
			ensure!(entry.role == Role::Authority, Error::<T>::NotAuthority);
			let key = PublicKey::parse(&proxy_key.0).map_err(|_| Error::<T>::InvalidProxyKey)?;

			entry.proxy_key = Some(key);
			Institutions::<T>::insert(&who, entry);
			Self::deposit_event(Event::ProxyKeyRotated { authority: who });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks an institution's fields and builds its entry, active from `now`.
	fn new_institution(
		role: Role,
		name: Vec<u8>,
		proxy_key: Option<PublicKey>,
		now: BlockNumberFor<T>,
	) -> Result<Institution<BlockNumberFor<T>, T::MaxNameLen>, Error<T>> {
		ensure!(!name.is_empty() && core::str::from_utf8(&name).is_ok(), Error::<T>::InvalidName);
		let name: BoundedVec<u8, T::MaxNameLen> =
			name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
		let proxy_key = match (role, proxy_key) {
			(Role::Authority, None) => return Err(Error::<T>::ProxyKeyRequired),
			(Role::Authority, Some(key)) =>
				Some(PublicKey::parse(&key.0).map_err(|_| Error::<T>::InvalidProxyKey)?),
			(_, Some(_)) => return Err(Error::<T>::ProxyKeyNotAllowed),
			(_, None) => None,
		};
		Ok(Institution { role, name, proxy_key, status: MembershipStatus::Active { since: now } })
	}

	/// Stores `entry` for `who`, who must not be a member now, and updates the counters and the
	/// authority set. Writes nothing if it fails. Does not tell [`Config::AuthoritiesChanged`]:
	/// see [`Self::admit_member`].
	fn insert_member(
		who: &T::AccountId,
		entry: Institution<BlockNumberFor<T>, T::MaxNameLen>,
	) -> Result<(), Error<T>> {
		let previous = Institutions::<T>::get(who);
		ensure!(!previous.as_ref().is_some_and(|p| p.is_active()), Error::<T>::AlreadyMember);
		let members = MemberCount::<T>::get();
		ensure!(members < T::MaxInstitutions::get(), Error::<T>::TooManyInstitutions);
		if entry.role == Role::Authority {
			let mut authorities = Authorities::<T>::get();
			let position = authorities.binary_search(who).err().ok_or(Error::<T>::AlreadyMember)?;
			authorities
				.try_insert(position, who.clone())
				.map_err(|_| Error::<T>::TooManyAuthorities)?;
			Authorities::<T>::put(authorities);
		}
		if previous.is_none() {
			InstitutionCount::<T>::mutate(|n| *n = n.saturating_add(1));
		}
		MemberCount::<T>::put(members.saturating_add(1));
		Institutions::<T>::insert(who, entry);
		Ok(())
	}

	/// Admits `who` with `entry` and, for an authority, tells [`Config::AuthoritiesChanged`] the
	/// new authority set.
	fn admit_member(
		who: &T::AccountId,
		entry: Institution<BlockNumberFor<T>, T::MaxNameLen>,
	) -> Result<(), Error<T>> {
		let authority = entry.role == Role::Authority;
		Self::insert_member(who, entry)?;
		if authority {
			T::AuthoritiesChanged::change_members_sorted(
				&[who.clone()],
				&[],
				&Authorities::<T>::get(),
			);
		}
		Ok(())
	}

	/// An institution as the runtime API shows it.
	pub fn info(account: T::AccountId) -> Option<InstitutionInfo<T::AccountId, BlockNumberFor<T>>> {
		Institutions::<T>::get(&account).map(|i| Self::to_info(account, i))
	}

	/// Every institution the region has known, as the runtime API shows them.
	pub fn all_info() -> Vec<InstitutionInfo<T::AccountId, BlockNumberFor<T>>> {
		Institutions::<T>::iter()
			.map(|(account, i)| Self::to_info(account, i))
			.collect()
	}

	fn to_info(
		account: T::AccountId,
		i: Institution<BlockNumberFor<T>, T::MaxNameLen>,
	) -> InstitutionInfo<T::AccountId, BlockNumberFor<T>> {
		InstitutionInfo {
			account,
			role: i.role,
			name: i.name.into_inner(),
			proxy_key: i.proxy_key,
			status: i.status,
		}
	}
}

impl<T: Config> Membership<T::AccountId> for Pallet<T> {
	fn active_role(who: &T::AccountId) -> Result<Role, MembershipError> {
		match Institutions::<T>::get(who) {
			None => Err(MembershipError::NotMember),
			Some(i) if !i.is_active() => Err(MembershipError::Removed),
			Some(i) => Ok(i.role),
		}
	}

	fn authorities() -> Vec<T::AccountId> {
		Authorities::<T>::get().into_inner()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn admit_for_benchmarks(who: &T::AccountId, role: Role) {
		let proxy_key = (role == Role::Authority).then(benchmarking::proxy_key);
		let entry =
			Self::new_institution(role, b"Benchmark institution".to_vec(), proxy_key, Zero::zero())
				.expect("the benchmark institution is valid");
		let _ = Self::admit_member(who, entry);
	}
}

#[cfg(any(feature = "try-runtime", test))]
impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet's storage.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		Self::try_state_counts()?;
		Self::try_state_authorities()?;
		Self::try_state_proxy_keys()
	}

	/// [`InstitutionCount`] counts every entry; [`MemberCount`] counts the active ones and stays
	/// within `MaxInstitutions`; every removed entry is an authority's or a named one's.
	fn try_state_counts() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let (known, active) = Institutions::<T>::iter_values()
			.fold((0u32, 0u32), |(k, a), i| (k + 1, a + i.is_active() as u32));
		ensure!(known == InstitutionCount::<T>::get(), "InstitutionCount is off");
		ensure!(active == MemberCount::<T>::get(), "MemberCount is off");
		ensure!(active <= T::MaxInstitutions::get(), "more members than MaxInstitutions");
		ensure!(
			Institutions::<T>::iter().all(|(who, i)| i.is_active() ||
				i.role == Role::Authority ||
				T::Named::contains(&who)),
			"a removed institution nothing names is kept"
		);
		Ok(())
	}

	/// [`Authorities`] is exactly the sorted set of active authorities, never empty once any
	/// institution is a member.
	fn try_state_authorities() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let mut expected: Vec<T::AccountId> = Institutions::<T>::iter()
			.filter(|(_, i)| i.is_active() && i.role == Role::Authority)
			.map(|(a, _)| a)
			.collect();
		expected.sort();
		ensure!(Authorities::<T>::get().into_inner() == expected, "Authorities is off");
		ensure!(MemberCount::<T>::get() == 0 || !expected.is_empty(), "members but no authority");
		Ok(())
	}

	/// Authorities, and only they, carry a proxy key, and every key is a curve point.
	fn try_state_proxy_keys() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		for (_, i) in Institutions::<T>::iter() {
			ensure!(
				(i.role == Role::Authority) == i.proxy_key.is_some(),
				"proxy key on a non-authority, or an authority without one"
			);
			if let Some(key) = i.proxy_key {
				ensure!(PublicKey::parse(&key.0).is_ok(), "stored proxy key is not a curve point");
			}
		}
		Ok(())
	}
}
