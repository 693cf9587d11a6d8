//! Unit tests of the directory pallet: one per error at least, try-state after each.

use crate::{mock::*, Error, Event, ParaId, PatientRegions, Regions};
use medfed_primitives::{
	coordinator,
	query::{self, QueryId, QueryKind},
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, weights::Weight, BoundedVec},
	sp_runtime::DispatchError,
	staging_xcm::latest::prelude::*,
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
fn the_admin_forgets_a_removed_regions_entry_and_the_patient_takes_a_new_region() {
	new_test_ext(|| {
		// The patient's entry is full, one of its regions removed (as above).
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), 2002, b"Region C".to_vec()));
		for region in [REGION_A, REGION_B, 2002] {
			assert_ok!(Directory::note_patient(para(region), PATIENT));
		}
		assert_ok!(Directory::remove_region(RuntimeOrigin::root(), 2002));
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), 2003, b"Region D".to_vec()));

		assert_ok!(Directory::forget_patient_region(RuntimeOrigin::root(), PATIENT, 2002));
		System::assert_last_event(
			Event::PatientForgotten { patient: PATIENT, region: 2002 }.into(),
		);
		assert_eq!(PatientRegions::<Test>::get(PATIENT).into_inner(), vec![REGION_A, REGION_B]);
		assert_ok!(Directory::note_patient(para(2003), PATIENT));
		assert_eq!(Directory::regions_of(PATIENT), vec![REGION_A, REGION_B, 2003]);

		// The last region forgotten, the entry is gone.
		for region in [REGION_A, REGION_B, 2003] {
			assert_ok!(Directory::forget_patient_region(RuntimeOrigin::root(), PATIENT, region));
		}
		assert!(!PatientRegions::<Test>::contains_key(PATIENT));
	});
}

#[test]
fn forget_patient_region_refuses_what_is_not_listed_and_any_other_origin() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_A), PATIENT));
		assert_noop!(
			Directory::forget_patient_region(RuntimeOrigin::root(), PATIENT, REGION_B),
			Error::<Test>::NotListed
		);
		assert_noop!(
			Directory::forget_patient_region(RuntimeOrigin::root(), PATIENT + 1, REGION_A),
			Error::<Test>::NotListed
		);
		// Not the region itself, nor the patient.
		for origin in [para(REGION_A), RuntimeOrigin::signed(PATIENT)] {
			assert_noop!(
				Directory::forget_patient_region(origin, PATIENT, REGION_A),
				DispatchError::BadOrigin
			);
		}
		assert_eq!(Directory::regions_of(PATIENT), vec![REGION_A]);
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

/// The Transact calls sent so far, with their destinations: query messages, each within the
/// query weight limit.
fn sent_calls() -> Vec<(ParaId, Vec<u8>)> {
	sent_calls_within(query::QUERY_WEIGHT_LIMIT)
}

/// The Transact calls sent so far, with their destinations, each checked to ask for `limit`.
fn sent_calls_within((ref_time, proof_size): (u64, u64)) -> Vec<(ParaId, Vec<u8>)> {
	Sent::get()
		.into_iter()
		.map(|(para, message)| match &message.0[..] {
			[UnpaidExecution { weight_limit: Limited(limit), check_origin: None }, Transact { origin_kind: OriginKind::Xcm, call, .. }] =>
			{
				assert_eq!(*limit, Weight::from_parts(ref_time, proof_size));
				(para, call.encoded().to_vec())
			},
			other => panic!("unexpected message {other:?}"),
		})
		.collect()
}

/// Region `asker`'s query 5 about `PATIENT`.
fn route(asker: ParaId) -> polkadot_sdk::frame_support::dispatch::DispatchResultWithPostInfo {
	Directory::route_query(para(asker), 5, REQUESTER, PATIENT, QueryKind::Records, 300)
}

#[test]
fn a_query_goes_to_every_other_region_holding_the_patient_and_the_asker_is_told() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_A), PATIENT));
		assert_ok!(Directory::note_patient(para(REGION_B), PATIENT));

		assert_ok!(route(REGION_A));
		let query = QueryId { region: REGION_A, nonce: 5 };
		// B is asked, A (which answers for itself) is not; then A hears where it went.
		assert_eq!(
			sent_calls(),
			vec![
				(
					REGION_B,
					query::serve_query(query, &REQUESTER, &PATIENT, QueryKind::Records, 300)
				),
				(REGION_A, query::query_routed(5, &[REGION_B], &[])),
			]
		);
		System::assert_last_event(Event::QueryRouted { query, asked: 1, unreachable: 0 }.into());
	});
}

#[test]
fn a_read_goes_to_the_region_of_its_grant_alone_and_nowhere_if_that_region_holds_nothing() {
	const REGION_C: ParaId = 2002;
	new_test_ext(|| {
		assert_ok!(Directory::add_region(RuntimeOrigin::root(), REGION_C, b"Region C".to_vec()));
		OpenChannels::mutate(|open| open.push(REGION_C));
		for region in [REGION_A, REGION_B, REGION_C] {
			assert_ok!(Directory::note_patient(para(region), PATIENT));
		}
		let read = QueryKind::Read { region: REGION_C, grant: 9 };
		assert_ok!(Directory::route_query(para(REGION_A), 5, REQUESTER, PATIENT, read, 300));
		let query = QueryId { region: REGION_A, nonce: 5 };
		assert_eq!(
			sent_calls(),
			vec![
				(REGION_C, query::serve_query(query, &REQUESTER, &PATIENT, read, 300)),
				(REGION_A, query::query_routed(5, &[REGION_C], &[])),
			]
		);

		// Region C forgotten for the patient: the read is asked nowhere.
		assert_ok!(Directory::forget_patient_region(RuntimeOrigin::root(), PATIENT, REGION_C));
		Sent::set(vec![]);
		assert_ok!(Directory::route_query(para(REGION_A), 6, REQUESTER, PATIENT, read, 300));
		assert_eq!(sent_calls(), vec![(REGION_A, query::query_routed(6, &[], &[]))]);
	});
}

#[test]
fn a_query_about_a_patient_no_region_holds_is_reported_as_asked_nowhere() {
	new_test_ext(|| {
		assert_ok!(route(REGION_A));
		assert_eq!(sent_calls(), vec![(REGION_A, query::query_routed(5, &[], &[]))]);
	});
}

#[test]
fn a_region_without_a_channel_is_reported_unreachable() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_B), PATIENT));
		OpenChannels::set(vec![REGION_A]);
		assert_ok!(route(REGION_A));
		assert_eq!(sent_calls(), vec![(REGION_A, query::query_routed(5, &[], &[REGION_B]))]);
		System::assert_last_event(
			Event::QueryRouted {
				query: QueryId { region: REGION_A, nonce: 5 },
				asked: 0,
				unreachable: 1,
			}
			.into(),
		);
	});
}

#[test]
fn an_asker_that_cannot_be_told_is_noted() {
	new_test_ext(|| {
		OpenChannels::set(vec![]);
		assert_ok!(route(REGION_A));
		System::assert_has_event(
			Event::RoutingNotReported { query: QueryId { region: REGION_A, nonce: 5 } }.into(),
		);
		assert!(Sent::get().is_empty());
	});
}

#[test]
fn route_query_refuses_a_parachain_that_is_not_a_region_and_a_person() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_B), PATIENT));
		assert_noop!(route(STRANGER), Error::<Test>::UnknownRegion);
		assert_noop!(
			Directory::route_query(
				RuntimeOrigin::signed(PATIENT),
				5,
				REQUESTER,
				PATIENT,
				QueryKind::Records,
				300
			),
			DispatchError::BadOrigin
		);
		assert!(Sent::get().is_empty());
	});
}

/// The acknowledgements sent so far: (region, `Federation.announcement_noted` call).
fn acknowledgements() -> Vec<(ParaId, Vec<u8>)> {
	sent_calls_within(coordinator::ANNOUNCEMENT_NOTED_WEIGHT_LIMIT)
}

#[test]
fn an_announcement_notes_its_patients_once_and_is_acknowledged_to_its_region() {
	new_test_ext(|| {
		assert_ok!(Directory::note_patient(para(REGION_A), 11));
		let batch = vec![10u64, 11, 12].try_into().expect("few");
		assert_ok!(Directory::note_patients(para(REGION_A), 4, batch));
		for patient in [10, 11, 12] {
			assert_eq!(Directory::regions_of(patient), vec![REGION_A]);
		}
		System::assert_last_event(
			Event::AnnouncementExecuted {
				region: REGION_A,
				batch: 4,
				noted: 2,
				refused: 0,
				acknowledged: true,
			}
			.into(),
		);
		assert_eq!(acknowledgements(), vec![(REGION_A, coordinator::announcement_noted(4))]);
		// The same announcement again (the acknowledgement was lost): nothing changes, and it is
		// acknowledged again.
		let batch = vec![10u64, 11, 12].try_into().expect("few");
		assert_ok!(Directory::note_patients(para(REGION_A), 4, batch));
		assert_eq!(acknowledgements().len(), 2);
		assert_eq!(Directory::regions_of(10), vec![REGION_A]);
	});
}

#[test]
fn an_announcement_from_outside_the_federation_is_refused_unacknowledged_and_a_full_patient_reported(
) {
	new_test_ext(|| {
		let batch = |patients: Vec<u64>| patients.try_into().expect("few");
		assert_noop!(
			Directory::note_patients(para(STRANGER), 1, batch(vec![10])),
			Error::<Test>::UnknownRegion
		);
		assert_noop!(
			Directory::note_patients(RuntimeOrigin::signed(REQUESTER), 1, batch(vec![10])),
			DispatchError::BadOrigin
		);
		assert!(Sent::get().is_empty());

		// Patient 10 listed for the most regions already: reported, the others noted.
		let full: BoundedVec<ParaId, MaxRegions> =
			vec![3001, 3002, 3003].try_into().expect("MaxRegions");
		PatientRegions::<Test>::insert(10u64, full);
		assert_ok!(Directory::note_patients(para(REGION_B), 2, batch(vec![10, 13])));
		System::assert_has_event(Event::PatientNotNoted { patient: 10, region: REGION_B }.into());
		assert_eq!(Directory::regions_of(13), vec![REGION_B]);
		System::assert_last_event(
			Event::AnnouncementExecuted {
				region: REGION_B,
				batch: 2,
				noted: 1,
				refused: 1,
				acknowledged: true,
			}
			.into(),
		);
	});
}
