//! Unit tests of the federation pallet: one per error at least, try-state after each.

use crate::{mock::*, Coordinator, Error, Event, Unannounced};
use codec::Encode;
use medfed_primitives::{coordinator, OnFirstRecord};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
	staging_xcm::latest::prelude::*,
};

fn coordinator_location() -> Location {
	Location::new(1, [Parachain(COORDINATOR)])
}

#[test]
fn a_first_record_is_announced_to_the_coordinator_at_once() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		Federation::on_first_record(&PATIENT);

		let sent = Sent::get();
		assert_eq!(sent.len(), 1);
		let (destination, message) = &sent[0];
		assert_eq!(destination, &coordinator_location());
		// Unpaid, dispatched with the region's own XCM origin, carrying only the patient.
		match &message.0[..] {
			[UnpaidExecution { weight_limit: Limited(limit), check_origin: None }, Transact { origin_kind: OriginKind::Xcm, call, .. }] =>
			{
				assert_eq!(
					call.encoded(),
					&(coordinator::DIRECTORY_PALLET_INDEX, 0u8, PATIENT).encode()
				);
				let (ref_time, proof_size) = coordinator::NOTE_PATIENT_WEIGHT_LIMIT;
				assert_eq!(*limit, Weight::from_parts(ref_time, proof_size));
			},
			other => panic!("unexpected message {other:?}"),
		}
		let message_id = polkadot_sdk::sp_io::hashing::blake2_256(&message.encode());
		System::assert_last_event(
			Event::PatientAnnounced { patient: PATIENT, coordinator: COORDINATOR, message_id }
				.into(),
		);
		assert!(!Unannounced::<Test>::contains_key(PATIENT));
	});
}

#[docify::export]
#[test]
fn an_announcement_without_a_channel_waits_for_a_retry() {
	new_test_ext(|| {
		// No channel to the coordinator yet: the announcement waits.
		Federation::on_first_record(&PATIENT);
		System::assert_last_event(Event::AnnouncementDeferred { patient: PATIENT }.into());
		assert!(Unannounced::<Test>::contains_key(PATIENT));

		// Still no channel: the retry fails and changes nothing.
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT),
			Error::<Test>::SendFailed
		);

		// The channel opens: anyone may send it now.
		OpenChannels::set(vec![COORDINATOR]);
		assert_ok!(Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT));
		assert!(!Unannounced::<Test>::contains_key(PATIENT));
		assert_eq!(Sent::get().len(), 1);
	});
}

#[test]
fn announce_patient_refuses_a_patient_without_a_waiting_announcement() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT),
			Error::<Test>::NotPending
		);
		// Announced at once: nothing waits, so nothing is sent twice.
		Federation::on_first_record(&PATIENT);
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT),
			Error::<Test>::NotPending
		);
		assert_eq!(Sent::get().len(), 1);
	});
}

#[test]
fn without_a_coordinator_announcements_wait_until_one_is_set() {
	new_test_ext(|| {
		Coordinator::<Test>::kill();
		OpenChannels::set(vec![COORDINATOR]);
		Federation::on_first_record(&PATIENT);
		assert!(Unannounced::<Test>::contains_key(PATIENT));
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT),
			Error::<Test>::NoCoordinator
		);

		assert_ok!(Federation::set_coordinator(RuntimeOrigin::root(), COORDINATOR));
		System::assert_last_event(Event::CoordinatorSet { coordinator: COORDINATOR }.into());
		assert_ok!(Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT));
		assert_eq!(Sent::get()[0].0, coordinator_location());
	});
}

#[test]
fn announce_patient_needs_a_signed_origin() {
	new_test_ext(|| {
		Federation::on_first_record(&PATIENT);
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::none(), PATIENT),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_coordinator_needs_the_admin_origin() {
	new_test_ext(|| {
		assert_noop!(
			Federation::set_coordinator(RuntimeOrigin::signed(ANYONE), 1001),
			DispatchError::BadOrigin
		);
		assert_eq!(Coordinator::<Test>::get(), Some(COORDINATOR));
	});
}
