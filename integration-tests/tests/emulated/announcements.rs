//! A patient's first record in a region is announced to the coordinator over HRMP, and the
//! coordinator's directory lists that region for the patient.

use crate::{announcement_of, coordinator, regions_of};
use medfed_integration_tests::{
	region,
	xcm_emulator::{assert_expected_events, TestExt},
	CoordinatorPara, RegionAPara, RegionBPara, COORDINATOR, REGION_A, REGION_B,
};
use polkadot_sdk::{
	cumulus_primitives_core::AggregateMessageOrigin, pallet_message_queue, sp_core::H256,
	sp_keyring::Sr25519Keyring,
};

/// The patient of these tests: no institution of either region.
const PATIENT: &str = "Patient1";

/// Region A announces a patient's first record, the coordinator executes the announcement (the
/// message the region sent, by its id) and lists region A; the same patient's first record in
/// region B adds region B, after A.
#[test]
#[cfg_attr(
	feature = "runtime-benchmarks",
	ignore = "with runtime-benchmarks the runtimes' message queues execute no XCM"
)]
fn a_first_record_in_each_region_lists_both_regions_in_the_directory() {
	let patient = region::patient(PATIENT);

	let announced_by_a = RegionAPara::execute_with(|| {
		region::first_record(Sr25519Keyring::Charlie, PATIENT);
		type RuntimeEvent = medfed_region_runtime::RuntimeEvent;
		assert_expected_events!(
			RegionAPara,
			vec![
				RuntimeEvent::Federation(pallet_federation::Event::PatientAnnounced {
					patient: announced, coordinator: to, ..
				}) => {
					announced: *announced == patient,
					to: *to == COORDINATOR,
				},
			]
		);
		assert!(!pallet_federation::Unannounced::<medfed_region_runtime::Runtime>::contains_key(
			&patient
		));
		announcement_of(&patient).expect("region A announced the patient")
	});

	CoordinatorPara::execute_with(|| {
		type RuntimeEvent = coordinator::RuntimeEvent;
		assert_expected_events!(
			CoordinatorPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					id, origin: AggregateMessageOrigin::Sibling(from), success: true, ..
				}) => {
					id: *id == H256::from(announced_by_a),
					from: *from == REGION_A.into(),
				},
				RuntimeEvent::Directory(pallet_directory::Event::PatientNoted {
					patient: noted, region
				}) => {
					noted: *noted == patient,
					region: *region == REGION_A,
				},
			]
		);
		assert_eq!(regions_of(&patient), vec![REGION_A]);
	});

	let announced_by_b = RegionBPara::execute_with(|| {
		region::first_record(Sr25519Keyring::One, PATIENT);
		announcement_of(&patient).expect("region B announced the patient")
	});

	CoordinatorPara::execute_with(|| {
		type RuntimeEvent = coordinator::RuntimeEvent;
		assert_expected_events!(
			CoordinatorPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					id, origin: AggregateMessageOrigin::Sibling(from), success: true, ..
				}) => {
					id: *id == H256::from(announced_by_b),
					from: *from == REGION_B.into(),
				},
				RuntimeEvent::Directory(pallet_directory::Event::PatientNoted {
					patient: noted, region
				}) => {
					noted: *noted == patient,
					region: *region == REGION_B,
				},
			]
		);
		assert_eq!(regions_of(&patient), vec![REGION_A, REGION_B]);
	});
}

/// A patient's second record in a region announces nothing: the coordinator is sent no message
/// and its directory stays as it was.
#[test]
#[cfg_attr(
	feature = "runtime-benchmarks",
	ignore = "with runtime-benchmarks the runtimes' message queues execute no XCM"
)]
fn only_the_first_record_is_announced() {
	let patient = region::patient(PATIENT);
	RegionAPara::execute_with(|| region::first_record(Sr25519Keyring::Charlie, PATIENT));
	CoordinatorPara::execute_with(|| assert_eq!(regions_of(&patient), vec![REGION_A]));

	RegionAPara::execute_with(|| {
		region::register_record(Sr25519Keyring::Dave, PATIENT);
		assert_eq!(announcement_of(&patient), None);
	});
	CoordinatorPara::execute_with(|| {
		assert_eq!(crate::processed_from(REGION_A), vec![]);
		assert_eq!(regions_of(&patient), vec![REGION_A]);
	});
}
