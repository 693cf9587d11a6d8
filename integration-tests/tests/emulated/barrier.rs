//! The coordinator executes MedFed's one program shape, and only from the federation's regions:
//! a region's program of any other shape, and any program from a sibling that is not a region,
//! is refused by its barrier, and the directory stays as it was.

use crate::{announcement_of, coordinator, directory_noted_anyone, processed_from, regions_of};
use medfed_integration_tests::{
	region,
	xcm_emulator::{assert_expected_events, TestExt},
	CoordinatorPara, RegionAPara, RegionBPara, COORDINATOR, REGION_A, REGION_B,
};
use medfed_primitives::{coordinator::NOTE_PATIENT_WEIGHT_LIMIT, query::QUERY_WEIGHT_LIMIT};
use medfed_region_runtime::configs::xcm_config::XcmRouter;
use polkadot_sdk::{
	cumulus_primitives_core::AggregateMessageOrigin,
	frame_support::{assert_ok, weights::Weight},
	pallet_message_queue,
	sp_keyring::Sr25519Keyring,
	staging_xcm::latest::{prelude::*, send_xcm},
};

/// Sends `message` to the coordinator over HRMP from inside the region whose `execute_with`
/// this runs in, as the region's root could with `PolkadotXcm.send`.
fn send_to_coordinator(message: Xcm<()>) {
	assert_ok!(send_xcm::<XcmRouter>(Location::new(1, [Parachain(COORDINATOR)]), message));
}

/// A weight of `(ref_time, proof_size)`.
fn weight((ref_time, proof_size): (u64, u64)) -> Weight {
	Weight::from_parts(ref_time, proof_size)
}

/// `Transact` of the coordinator's `Directory::note_patient { patient }` with the sender's own
/// XCM origin (`OriginKind::Xcm`) or another.
fn note_patient(
	patient: &medfed_region_runtime::AccountId,
	origin_kind: OriginKind,
) -> Instruction<()> {
	Transact {
		origin_kind,
		fallback_max_weight: None,
		call: medfed_primitives::coordinator::note_patient(patient).into(),
	}
}

/// Programs that differ from the documented announcement
/// (`pallet_federation::Pallet::note_patient_message`) in one way each, with that way.
fn other_shapes(patient: &medfed_region_runtime::AccountId) -> Vec<(&'static str, Xcm<()>)> {
	let unpaid = |weight_limit| UnpaidExecution { weight_limit, check_origin: None };
	let within = Limited(weight(NOTE_PATIENT_WEIGHT_LIMIT));
	let transact = || note_patient(patient, OriginKind::Xcm);
	vec![
		("no UnpaidExecution", Xcm(vec![transact()])),
		(
			"a weight limit above the most the coordinator executes unpaid",
			Xcm(vec![
				unpaid(Limited(
					weight(QUERY_WEIGHT_LIMIT).saturating_add(Weight::from_parts(1, 0)),
				)),
				transact(),
			]),
		),
		("no weight limit", Xcm(vec![unpaid(Unlimited), transact()])),
		(
			"a DescendOrigin first",
			Xcm(vec![
				DescendOrigin(AccountId32 { network: None, id: [1; 32] }.into()),
				unpaid(within.clone()),
				transact(),
			]),
		),
		(
			"an origin check in UnpaidExecution",
			Xcm(vec![
				UnpaidExecution {
					weight_limit: within.clone(),
					check_origin: Some(Location::new(1, [Parachain(REGION_A)])),
				},
				transact(),
			]),
		),
		(
			"the region's sovereign account as the Transact's origin",
			Xcm(vec![unpaid(within.clone()), note_patient(patient, OriginKind::SovereignAccount)]),
		),
		("two Transacts", Xcm(vec![unpaid(within), transact(), transact()])),
	]
}

/// Each of the other shapes, sent by region A itself, arrives and is refused: the message queue
/// reports it processed without success and the directory notes nothing. The documented
/// announcement, sent the same way, then executes: what was refused was the shape.
#[test]
fn the_coordinator_refuses_a_regions_program_of_another_shape() {
	let patient = region::patient("Patient2");
	for (shape, message) in other_shapes(&patient) {
		RegionAPara::execute_with(|| send_to_coordinator(message));
		CoordinatorPara::execute_with(|| {
			let processed = processed_from(REGION_A);
			assert_eq!(processed.len(), 1, "{shape}: one message from region A arrived");
			assert!(!processed[0].1, "{shape}: the message was refused");
			assert!(!directory_noted_anyone(), "{shape}: the directory noted no one");
			assert_eq!(regions_of(&patient), Vec::<u32>::new(), "{shape}: nothing listed");
		});
	}

	RegionAPara::execute_with(|| {
		send_to_coordinator(
			pallet_federation::Pallet::<medfed_region_runtime::Runtime>::announcement_message(
				0,
				&[patient.clone()],
			),
		)
	});
	CoordinatorPara::execute_with(|| {
		type RuntimeEvent = coordinator::RuntimeEvent;
		assert_expected_events!(
			CoordinatorPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					origin: AggregateMessageOrigin::Sibling(from), success: true, ..
				}) => {
					from: *from == REGION_A.into(),
				},
			]
		);
		assert_eq!(regions_of(&patient), vec![REGION_A]);
	});
}

/// Once the coordinator's root removes region B from the directory, B's announcements are
/// refused by the barrier (B is a sibling, but no region), and the patients B noted before are
/// no longer listed under B. Region A is not affected.
#[test]
fn a_sibling_removed_from_the_federation_is_refused() {
	let noted_before = region::patient("Patient3");
	let announced_after = region::patient("Patient4");
	RegionBPara::execute_with(|| region::first_record(Sr25519Keyring::One, "Patient3"));
	RegionBPara::execute_with(|| {});
	CoordinatorPara::execute_with(|| {
		assert_eq!(regions_of(&noted_before), vec![REGION_B]);
		assert_ok!(coordinator::Directory::remove_region(
			coordinator::RuntimeOrigin::root(),
			REGION_B
		));
		assert_eq!(regions_of(&noted_before), Vec::<u32>::new());
	});

	// Region B does not know it left: its announcement leaves as always.
	RegionBPara::execute_with(|| region::first_record(Sr25519Keyring::One, "Patient4"));
	RegionBPara::execute_with(|| {
		assert!(announcement_of(&announced_after).is_some(), "region B sent the announcement");
	});
	CoordinatorPara::execute_with(|| {
		type RuntimeEvent = coordinator::RuntimeEvent;
		assert_expected_events!(
			CoordinatorPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					origin: AggregateMessageOrigin::Sibling(from), success: false, ..
				}) => {
					from: *from == REGION_B.into(),
				},
			]
		);
		assert!(!directory_noted_anyone());
		assert_eq!(regions_of(&announced_after), Vec::<u32>::new());
	});

	RegionAPara::execute_with(|| region::first_record(Sr25519Keyring::Charlie, "Patient4"));
	RegionAPara::execute_with(|| {});
	CoordinatorPara::execute_with(|| assert_eq!(regions_of(&announced_after), vec![REGION_A]));
}
