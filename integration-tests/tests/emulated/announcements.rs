//! A patient's first record in a region is announced to the coordinator over HRMP, and the
//! coordinator's directory lists that region for the patient.

use crate::{announcement_of, coordinator, regions_of};
use medfed_integration_tests::{
	region,
	xcm_emulator::{assert_expected_events, TestExt},
	CoordinatorPara, RegionAPara, RegionBPara, COORDINATOR, REGION_A, REGION_B,
};
use medfed_primitives::coordinator::MAX_ANNOUNCEMENT_PATIENTS;
use polkadot_sdk::{
	cumulus_primitives_core::AggregateMessageOrigin, frame_support::assert_ok,
	pallet_message_queue, sp_core::H256, sp_keyring::Sr25519Keyring,
};

/// How many announcements this region sent that the coordinator has not acknowledged. Call it
/// in a region.
fn in_flight() -> u32 {
	pallet_federation::Announcements::<medfed_region_runtime::Runtime>::count()
}

/// The patient of these tests: no institution of either region.
const PATIENT: &str = "Patient1";

/// Region A announces a patient's first record, the coordinator executes the announcement (the
/// message the region sent, by its id) and lists region A; the same patient's first record in
/// region B adds region B, after A.
#[test]
fn a_first_record_in_each_region_lists_both_regions_in_the_directory() {
	let patient = region::patient(PATIENT);

	RegionAPara::execute_with(|| region::first_record(Sr25519Keyring::Charlie, PATIENT));
	// The next block announces the block's first records.
	let announced_by_a = RegionAPara::execute_with(|| {
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

	// The coordinator's acknowledgement reaches region A: nothing is left to resend.
	RegionAPara::execute_with(|| {
		assert_eq!(in_flight(), 0);
	});

	RegionBPara::execute_with(|| region::first_record(Sr25519Keyring::One, PATIENT));
	let announced_by_b = RegionBPara::execute_with(|| {
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
fn only_the_first_record_is_announced() {
	let patient = region::patient(PATIENT);
	RegionAPara::execute_with(|| region::first_record(Sr25519Keyring::Charlie, PATIENT));
	RegionAPara::execute_with(|| {});
	CoordinatorPara::execute_with(|| assert_eq!(regions_of(&patient), vec![REGION_A]));

	RegionAPara::execute_with(|| region::register_record(Sr25519Keyring::Dave, PATIENT));
	RegionAPara::execute_with(|| assert_eq!(announcement_of(&patient), None));
	CoordinatorPara::execute_with(|| {
		assert_eq!(crate::processed_from(REGION_A), vec![]);
		assert_eq!(regions_of(&patient), vec![REGION_A]);
	});
}

/// More first records in one block of each region than one announcement carries: each region
/// announces them in two messages over the next two blocks, the coordinator notes every
/// patient, and acknowledges every announcement, so nothing is left to resend.
#[test]
fn a_block_of_first_records_in_each_region_is_announced_in_batches_and_acknowledged() {
	let count = MAX_ANNOUNCEMENT_PATIENTS + 10;
	let names: Vec<String> = (0..count).map(|i| format!("Bulk{i}")).collect();
	RegionAPara::execute_with(|| {
		for name in &names {
			region::first_record(Sr25519Keyring::Charlie, name);
		}
	});
	RegionBPara::execute_with(|| {
		for name in &names {
			region::first_record(Sr25519Keyring::One, name);
		}
	});
	// Two blocks of each region send two announcements each.
	for _ in 0..2 {
		RegionAPara::execute_with(|| {});
		RegionBPara::execute_with(|| {});
	}
	CoordinatorPara::execute_with(|| {
		for name in &names {
			let mut regions = regions_of(&region::patient(name));
			regions.sort();
			assert_eq!(regions, vec![REGION_A, REGION_B], "{name}");
		}
	});
	RegionAPara::execute_with(|| {
		assert_eq!(in_flight(), 0);
		assert_eq!(
			pallet_federation::NextAnnouncement::<medfed_region_runtime::Runtime>::get(),
			2,
			"{count} patients in two announcements"
		);
	});
	RegionBPara::execute_with(|| assert_eq!(in_flight(), 0));
}

/// The coordinator refuses region B's announcement while B is not a region of the federation;
/// B keeps it and, once the council added B again and the wait is over, resends it, and the
/// coordinator notes the patient and acknowledges it.
#[test]
fn an_announcement_the_coordinator_refused_is_resent_until_it_is_noted() {
	let patient = region::patient("Patient5");
	CoordinatorPara::execute_with(|| {
		assert_ok!(coordinator::Directory::remove_region(
			coordinator::RuntimeOrigin::root(),
			REGION_B
		));
	});
	RegionBPara::execute_with(|| region::first_record(Sr25519Keyring::One, "Patient5"));
	RegionBPara::execute_with(|| assert!(announcement_of(&patient).is_some()));
	CoordinatorPara::execute_with(|| {
		assert!(crate::processed_from(REGION_B).iter().all(|(_, success)| !success));
		assert_eq!(regions_of(&patient), Vec::<u32>::new());
		assert_ok!(coordinator::Directory::add_region(
			coordinator::RuntimeOrigin::root(),
			REGION_B,
			b"Region B".to_vec()
		));
	});
	// Not acknowledged: kept, and resent once the wait is over (the relay chain advances a
	// block with each of region B's).
	let mut resent = false;
	for _ in 0..40 {
		RegionBPara::execute_with(|| {
			assert_eq!(in_flight(), 1);
			resent = medfed_region_runtime::System::events().iter().any(|r| {
				matches!(
					r.event,
					medfed_region_runtime::RuntimeEvent::Federation(
						pallet_federation::Event::AnnouncementResent { batch: 0, .. }
					)
				)
			});
		});
		if resent {
			break;
		}
	}
	assert!(resent, "region B resent its announcement");
	CoordinatorPara::execute_with(|| assert_eq!(regions_of(&patient), vec![REGION_B]));
	RegionBPara::execute_with(|| assert_eq!(in_flight(), 0));
}

/// Whether the coordinator keeps up with two regions registering first records at full speed,
/// by the benchmarked weights: how many patients a region's block registers, how many its HRMP
/// channel to the coordinator carries a relay block (the local relay chain's 8 KiB), and how
/// many the coordinator's message queue executes a block. The coordinator executes what two
/// regions' channels carry at least twice over; a region registers more first records a block
/// than its channel carries, and the rest wait in `Unannounced`, sent block after block.
#[test]
fn the_coordinator_executes_more_announcements_a_block_than_two_regions_channels_carry() {
	use polkadot_sdk::{
		frame_support::{dispatch::DispatchClass, pallet_prelude::Encode, weights::Weight},
		staging_xcm::{latest::prelude::*, VersionedXcm},
		staging_xcm_executor::traits::WeightBounds,
	};
	type Weigher = <coordinator::configs::xcm_config::XcmConfig as polkadot_sdk::staging_xcm_executor::Config>::Weigher;

	// A region: first records a block, each with its queued announcement.
	let weights = medfed_region_runtime::configs::RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let available = normal.max_total.unwrap_or(weights.max_block);
	let per_record = <pallet_records::weights::SubstrateWeight<medfed_region_runtime::Runtime> as pallet_records::WeightInfo>::register_record(0)
		.saturating_add(<pallet_federation::weights::SubstrateWeight<medfed_region_runtime::Runtime> as pallet_federation::WeightInfo>::queue_announcement())
		.saturating_add(normal.base_extrinsic);
	let registered = (available.ref_time() / per_record.ref_time())
		.min(available.proof_size() / per_record.proof_size());

	// The announcement of the most patients, as the coordinator weighs and its channel carries it.
	let most = MAX_ANNOUNCEMENT_PATIENTS as u64;
	let patients = vec![region::patient("Bulk0"); most as usize];
	let (ref_time, proof_size) = medfed_primitives::coordinator::NOTE_PATIENTS_WEIGHT_LIMIT;
	let limit = Weight::from_parts(ref_time, proof_size);
	let call = medfed_primitives::coordinator::note_patients(u64::MAX, &patients);
	let mut message = Xcm::<coordinator::RuntimeCall>(vec![
		UnpaidExecution { weight_limit: Limited(limit), check_origin: None },
		Transact { origin_kind: OriginKind::Xcm, fallback_max_weight: None, call: call.into() },
		SetTopic([1; 32]),
	]);
	let weight = Weigher::weight(&mut message, Weight::MAX).expect("MedFed's program weighs");
	assert!(weight.all_lte(limit), "an announcement weighs {weight:?}, above its limit");
	let budget = coordinator::configs::MessageQueueServiceWeight::get();
	let executed = most *
		(budget.ref_time() / weight.ref_time()).min(budget.proof_size() / weight.proof_size());
	let bytes = VersionedXcm::from(
		pallet_federation::Pallet::<medfed_region_runtime::Runtime>::announcement_message(
			u64::MAX,
			&patients,
		),
	)
	.encoded_size() as u64 +
		33;
	// The local relay chain's channels carry 8 KiB a relay block (`client/src/federation/channels.rs`).
	let carried = most * (8 * 1024 / bytes);
	println!(
		"FIGURE announcements: a region registers {registered} first records a block; its channel \
		 carries {carried} patients a relay block ({bytes}-byte announcements of {most}); the \
		 coordinator executes {executed} a block ({} ps, {} bytes of proof each announcement)",
		weight.ref_time(),
		weight.proof_size(),
	);
	assert!(carried >= most, "a channel carries at least one full announcement a relay block");
	assert!(
		executed >= 4 * carried,
		"the coordinator executes {executed} a block, not four times the {carried} two regions' channels carry"
	);
}
