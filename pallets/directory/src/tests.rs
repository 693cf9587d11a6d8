//! Unit tests of the directory pallet: one per error at least, try-state after each.

use crate::{mock::*, Error, Event, PatientRegions, Regions};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

#[docify::export]
#[test]
fn note_patient_lists_the_region_once() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_A), PATIENT));
		System::assert_last_event(
			Event::PatientNoted { patient: PATIENT, region: REGION_A }.into(),
		);
		assert_eq!(Directory::regions_of(PATIENT), vec![REGION_A]);

		// A repeated message is accepted and changes nothing.
		System::reset_events();
		assert_ok!(Directory::note_patient(para(REGION_A), PATIENT));
		assert!(System::events().is_empty());
		assert_eq!(Directory::regions_of(PATIENT), vec![REGION_A]);
	});
}

#[test]
fn regions_are_listed_in_the_order_they_noted_the_patient() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_B), PATIENT));
		assert_ok!(Directory::note_patient(para(REGION_A), PATIENT));
		assert_eq!(Directory::regions_of(PATIENT), vec![REGION_B, REGION_A]);
		assert_eq!(Directory::regions_of(PATIENT + 1), Vec::<u32>::new());
	});
}

#[test]
fn note_patient_from_a_parachain_outside_the_federation_is_refused() {
	new_test_ext(|| {
		assert_noop!(
			Directory::note_patient(para(STRANGER), PATIENT),
			Error::<Test>::UnknownRegion
		);
	});
}

#[test]
fn note_patient_needs_a_parachain_origin() {
	new_test_ext(|| {
		assert_noop!(
			Directory::note_patient(RuntimeOrigin::signed(PATIENT), PATIENT),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Directory::note_patient(RuntimeOrigin::root(), PATIENT),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_full_patient_entry_refuses_another_region() {
	new_test_ext(|| {
		// Three regions note the patient, one of them leaves and a fourth joins.
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), 2002, b"Region C".to_vec()));
		for region in [REGION_A, REGION_B, 2002] {
			assert_ok!(Directory::note_patient(para(region), PATIENT));
		}
		assert_ok!(Directory::remove_region(RuntimeOrigin::root(), 2002));
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), 2003, b"Region D".to_vec()));
		assert_noop!(
			Directory::note_patient(para(2003), PATIENT),
			Error::<Test>::TooManyRegionsForPatient
		);
	});
}

#[test]
fn add_region_admits_a_new_region() {
	new_test_ext(|| {
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), 2002, b"Region C".to_vec()));
		System::assert_last_event(Event::RegionAdded { region: 2002 }.into());
		assert_eq!(
			Directory::regions(),
			vec![
				(REGION_A, b"Region A".to_vec()),
				(REGION_B, b"Region B".to_vec()),
				(2002, b"Region C".to_vec())
			]
		);
		assert_ok!(Directory::note_patient(para(2002), PATIENT));
	});
}

#[test]
fn add_region_needs_the_admin_origin() {
	new_test_ext(|| {
		assert_noop!(
			Directory::add_region(RuntimeOrigin::signed(PATIENT), 2002, b"Region C".to_vec()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn add_region_refuses_a_region_twice() {
	new_test_ext(|| {
		assert_noop!(
			Directory::add_region(RuntimeOrigin::root(), REGION_A, b"Again".to_vec()),
			Error::<Test>::RegionExists
		);
	});
}

#[test]
fn add_region_refuses_more_than_max_regions() {
	new_test_ext(|| {
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), 2002, b"Region C".to_vec()));
		assert_noop!(
			Directory::add_region(RuntimeOrigin::root(), 2003, b"Region D".to_vec()),
			Error::<Test>::TooManyRegions
		);
	});
}

#[test]
fn add_region_refuses_a_long_name() {
	new_test_ext(|| {
		assert_noop!(
			Directory::add_region(RuntimeOrigin::root(), 2002, vec![b'n'; 17]),
			Error::<Test>::NameTooLong
		);
	});
}

#[test]
fn add_region_refuses_an_empty_or_non_utf8_name() {
	new_test_ext(|| {
		assert_noop!(
			Directory::add_region(RuntimeOrigin::root(), 2002, vec![]),
			Error::<Test>::InvalidName
		);
		assert_noop!(
			Directory::add_region(RuntimeOrigin::root(), 2002, vec![0xff, 0xfe]),
			Error::<Test>::InvalidName
		);
	});
}

#[test]
fn remove_region_refuses_its_messages_and_hides_its_entries() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_A), PATIENT));
		assert_ok!(Directory::note_patient(para(REGION_B), PATIENT));
		assert_ok!(Directory::remove_region(RuntimeOrigin::root(), REGION_A));
		System::assert_last_event(Event::RegionRemoved { region: REGION_A }.into());

		assert_eq!(Directory::regions_of(PATIENT), vec![REGION_B]);
		assert_eq!(PatientRegions::<Test>::get(PATIENT).into_inner(), vec![REGION_A, REGION_B]);
		assert_noop!(
			Directory::note_patient(para(REGION_A), PATIENT + 1),
			Error::<Test>::UnknownRegion
		);
		assert!(!Regions::<Test>::contains_key(REGION_A));
	});
}

#[test]
fn remove_region_refuses_an_unknown_region() {
	new_test_ext(|| {
		assert_noop!(
			Directory::remove_region(RuntimeOrigin::root(), STRANGER),
			Error::<Test>::UnknownRegion
		);
	});
}

#[test]
fn remove_region_needs_the_admin_origin() {
	new_test_ext(|| {
		assert_noop!(Directory::remove_region(para(REGION_A), REGION_A), DispatchError::BadOrigin);
	});
}
