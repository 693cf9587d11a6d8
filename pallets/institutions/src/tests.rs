//! Tests of the institutions pallet. Every test ends with the pallet's try-state checks.

use crate::{
	mock::*, Authorities, Error, Event, InstitutionCount, Institutions as InstitutionStore,
	MemberCount,
};
use medfed_primitives::{Membership, MembershipError, MembershipStatus, PublicKey, Role};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

const HOSPITAL: u64 = 10;
const AUTHORITY: u64 = 11;

fn admit(who: u64, role: Role, key: Option<PublicKey>) -> polkadot_sdk::sp_runtime::DispatchResult {
	Institutions::admit(RuntimeOrigin::root(), who, role, b"Member".to_vec(), key)
}

#[docify::export]
#[test]
fn admit_adds_a_member() {
	new_test_ext(|| {
		assert_ok!(Institutions::admit(
			RuntimeOrigin::root(),
			HOSPITAL,
			Role::Hospital,
			b"St. Mary".to_vec(),
			None,
		));
		System::assert_last_event(
			Event::InstitutionAdmitted { institution: HOSPITAL, role: Role::Hospital }.into(),
		);
		assert_eq!(Institutions::active_role(&HOSPITAL), Ok(Role::Hospital));
		assert_eq!(MemberCount::<Test>::get(), 2);
	});
}

#[test]
fn genesis_authority_is_member_and_initialises_the_collective() {
	new_test_ext(|| {
		assert_eq!(Institutions::active_role(&FOUNDER), Ok(Role::Authority));
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![FOUNDER]);
		assert_eq!(CollectiveMembers::get(), vec![FOUNDER]);
		assert_eq!((InstitutionCount::<Test>::get(), MemberCount::<Test>::get()), (1, 1));
	});
}

#[test]
fn admitting_an_authority_updates_the_collective_in_order() {
	new_test_ext(|| {
		assert_ok!(admit(AUTHORITY, Role::Authority, Some(key())));
		assert_ok!(admit(0, Role::Authority, Some(key())));
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![0, FOUNDER, AUTHORITY]);
		assert_eq!(CollectiveMembers::get(), vec![0, FOUNDER, AUTHORITY]);
	});
}

#[test]
fn admit_needs_the_admin_origin() {
	new_test_ext(|| {
		assert_noop!(
			Institutions::admit(
				RuntimeOrigin::signed(FOUNDER),
				HOSPITAL,
				Role::Hospital,
				b"X".to_vec(),
				None
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn admit_refuses_a_current_member() {
	new_test_ext(|| {
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		assert_noop!(admit(HOSPITAL, Role::Clinic, None), Error::<Test>::AlreadyMember);
		assert_noop!(admit(FOUNDER, Role::Authority, Some(key())), Error::<Test>::AlreadyMember);
	});
}

#[test]
fn authorities_and_only_authorities_carry_a_valid_proxy_key() {
	new_test_ext(|| {
		assert_noop!(admit(AUTHORITY, Role::Authority, None), Error::<Test>::ProxyKeyRequired);
		assert_noop!(admit(HOSPITAL, Role::Lab, Some(key())), Error::<Test>::ProxyKeyNotAllowed);
		let mut off_curve = [0xffu8; 33];
		off_curve[0] = 0x02;
		assert_noop!(
			admit(AUTHORITY, Role::Authority, Some(PublicKey(off_curve))),
			Error::<Test>::InvalidProxyKey
		);
	});
}

#[test]
fn names_must_be_non_empty_utf8_within_the_bound() {
	new_test_ext(|| {
		let call = |name: &[u8]| {
			Institutions::admit(RuntimeOrigin::root(), HOSPITAL, Role::Clinic, name.to_vec(), None)
		};
		assert_noop!(call(b""), Error::<Test>::InvalidName);
		assert_noop!(call(&[0xff, 0xfe]), Error::<Test>::InvalidName);
		assert_noop!(call(&[b'a'; 17]), Error::<Test>::NameTooLong);
		assert_ok!(call(&[b'a'; 16]));
	});
}

#[test]
fn the_region_keeps_at_most_max_institutions_as_members() {
	new_test_ext(|| {
		for who in 100..107 {
			assert_ok!(admit(who, Role::Lab, None));
		}
		assert_eq!(MemberCount::<Test>::get(), 8);
		assert_noop!(admit(200, Role::Lab, None), Error::<Test>::TooManyInstitutions);
		// Removed institutions do not count, kept (named by a record) or forgotten: a region
		// that replaces its members never runs out of room.
		NamedAccounts::set(vec![100]);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), 100));
		assert_ok!(admit(200, Role::Lab, None));
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), 101));
		assert_ok!(admit(201, Role::Lab, None));
		assert_eq!((MemberCount::<Test>::get(), InstitutionCount::<Test>::get()), (8, 9));
		// Coming back takes a member's place like any admission.
		assert_noop!(admit(100, Role::Lab, None), Error::<Test>::TooManyInstitutions);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), 200));
		assert_ok!(admit(100, Role::Lab, None));
		assert_eq!((MemberCount::<Test>::get(), InstitutionCount::<Test>::get()), (8, 8));
	});
}

#[test]
fn the_region_keeps_at_most_max_authorities() {
	new_test_ext(|| {
		assert_ok!(admit(20, Role::Authority, Some(key())));
		assert_ok!(admit(21, Role::Authority, Some(key())));
		assert_noop!(admit(22, Role::Authority, Some(key())), Error::<Test>::TooManyAuthorities);
	});
}

#[test]
fn remove_keeps_the_entry_of_a_named_institution_and_ends_membership() {
	new_test_ext(|| {
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		NamedAccounts::set(vec![HOSPITAL]);
		System::set_block_number(5);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), HOSPITAL));
		System::assert_last_event(
			Event::InstitutionRemoved { institution: HOSPITAL, forgotten: false }.into(),
		);
		let entry = InstitutionStore::<Test>::get(HOSPITAL).expect("kept");
		assert_eq!(entry.status, MembershipStatus::Removed { at: 5 });
		assert_eq!(Institutions::active_role(&HOSPITAL), Err(MembershipError::Removed));
		assert_eq!(Institutions::active_role(&99), Err(MembershipError::NotMember));
		assert_eq!(MemberCount::<Test>::get(), 1);
	});
}

#[test]
fn a_removed_institution_nothing_names_is_forgotten_and_an_authority_never_is() {
	new_test_ext(|| {
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		assert_ok!(admit(AUTHORITY, Role::Authority, Some(key())));
		assert_eq!(InstitutionCount::<Test>::get(), 3);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), HOSPITAL));
		System::assert_last_event(
			Event::InstitutionRemoved { institution: HOSPITAL, forgotten: true }.into(),
		);
		assert!(InstitutionStore::<Test>::get(HOSPITAL).is_none());
		assert_eq!(Institutions::active_role(&HOSPITAL), Err(MembershipError::NotMember));
		// Grants name authorities as proxies: a removed authority stays, named or not.
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), AUTHORITY));
		System::assert_last_event(
			Event::InstitutionRemoved { institution: AUTHORITY, forgotten: false }.into(),
		);
		assert_eq!(Institutions::active_role(&AUTHORITY), Err(MembershipError::Removed));
		assert_eq!((MemberCount::<Test>::get(), InstitutionCount::<Test>::get()), (1, 2));
		// Forgotten, it may be admitted again, as new.
		assert_ok!(admit(HOSPITAL, Role::Lab, None));
		assert_eq!(Institutions::active_role(&HOSPITAL), Ok(Role::Lab));
	});
}

#[test]
fn removing_an_authority_updates_the_collective() {
	new_test_ext(|| {
		assert_ok!(admit(AUTHORITY, Role::Authority, Some(key())));
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), FOUNDER));
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![AUTHORITY]);
		assert_eq!(CollectiveMembers::get(), vec![AUTHORITY]);
	});
}

#[test]
fn remove_errors() {
	new_test_ext(|| {
		assert_noop!(
			Institutions::remove(RuntimeOrigin::signed(FOUNDER), FOUNDER),
			DispatchError::BadOrigin
		);
		assert_noop!(Institutions::remove(RuntimeOrigin::root(), 99), Error::<Test>::NotMember);
		assert_noop!(
			Institutions::remove(RuntimeOrigin::root(), FOUNDER),
			Error::<Test>::LastAuthority
		);
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		NamedAccounts::set(vec![HOSPITAL]);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), HOSPITAL));
		assert_noop!(
			Institutions::remove(RuntimeOrigin::root(), HOSPITAL),
			Error::<Test>::InstitutionRemoved
		);
	});
}

#[test]
fn readmission_after_removal_may_change_the_role() {
	new_test_ext(|| {
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), HOSPITAL));
		assert_ok!(admit(HOSPITAL, Role::Authority, Some(key())));
		assert_eq!(Institutions::active_role(&HOSPITAL), Ok(Role::Authority));
		assert_eq!(Authorities::<Test>::get().into_inner(), vec![FOUNDER, HOSPITAL]);
	});
}

#[test]
fn an_authority_rotates_its_proxy_key() {
	new_test_ext(|| {
		let new_key = key();
		assert_ok!(Institutions::set_proxy_key(RuntimeOrigin::signed(FOUNDER), new_key));
		System::assert_last_event(Event::ProxyKeyRotated { authority: FOUNDER }.into());
		assert_eq!(InstitutionStore::<Test>::get(FOUNDER).and_then(|i| i.proxy_key), Some(new_key));
	});
}

#[test]
fn set_proxy_key_errors() {
	new_test_ext(|| {
		assert_noop!(
			Institutions::set_proxy_key(RuntimeOrigin::root(), key()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Institutions::set_proxy_key(RuntimeOrigin::signed(99), key()),
			Error::<Test>::NotMember
		);
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		assert_noop!(
			Institutions::set_proxy_key(RuntimeOrigin::signed(HOSPITAL), key()),
			Error::<Test>::NotAuthority
		);
		assert_noop!(
			Institutions::set_proxy_key(RuntimeOrigin::signed(FOUNDER), PublicKey([0u8; 33])),
			Error::<Test>::InvalidProxyKey
		);
		assert_ok!(admit(AUTHORITY, Role::Authority, Some(key())));
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), AUTHORITY));
		assert_noop!(
			Institutions::set_proxy_key(RuntimeOrigin::signed(AUTHORITY), key()),
			Error::<Test>::InstitutionRemoved
		);
	});
}

#[test]
fn runtime_api_views_show_members_and_removed_ones() {
	new_test_ext(|| {
		assert_ok!(admit(HOSPITAL, Role::Hospital, None));
		NamedAccounts::set(vec![HOSPITAL]);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), HOSPITAL));
		let info = Institutions::info(HOSPITAL).expect("known");
		assert_eq!(
			(info.role, info.name, info.proxy_key),
			(Role::Hospital, b"Member".to_vec(), None)
		);
		assert_eq!(info.status, MembershipStatus::Removed { at: 1 });
		let mut all: Vec<u64> = Institutions::all_info().into_iter().map(|i| i.account).collect();
		all.sort();
		assert_eq!(all, vec![FOUNDER, HOSPITAL]);
	});
}

#[test]
fn a_majority_admits_and_removes_members_but_not_authorities() {
	new_test_ext(|| {
		let majority = RuntimeOrigin::signed(Majority::get());
		assert_ok!(Institutions::admit(
			majority.clone(),
			7,
			Role::Hospital,
			b"Hospital".to_vec(),
			None
		));
		assert_noop!(
			Institutions::admit(
				majority.clone(),
				8,
				Role::Authority,
				b"Board".to_vec(),
				Some(key())
			),
			DispatchError::BadOrigin
		);
		assert_noop!(Institutions::remove(majority.clone(), FOUNDER), DispatchError::BadOrigin);
		assert_ok!(Institutions::remove(majority, 7));
		// Two thirds (root here) change the authorities.
		assert_ok!(Institutions::admit(
			RuntimeOrigin::root(),
			8,
			Role::Authority,
			b"Board".to_vec(),
			Some(key())
		));
		assert_eq!(Institutions::active_role(&8), Ok(Role::Authority));
	});
}
