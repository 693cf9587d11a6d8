//! Cross-region queries between the real runtimes: region A asks, the coordinator forwards to
//! the regions its directory lists, region B answers straight to A; every query ends once.

use crate::coordinator;
use medfed_integration_tests::{
	region,
	xcm_emulator::{assert_expected_events, TestExt},
	CoordinatorPara, RegionAPara, RegionBPara, REGION_A, REGION_B,
};
use medfed_primitives::query::{self, Answer, Outcome, QueryId, QueryKind, QUERY_WEIGHT_LIMIT};
use medfed_region_runtime::{
	configs::xcm_config::XcmRouter, Federation, Runtime, RuntimeEvent, RuntimeOrigin, System,
};
use pallet_access::AccessEvent;
use polkadot_sdk::{
	cumulus_primitives_core::AggregateMessageOrigin, frame_support::assert_ok,
	pallet_message_queue, sp_keyring::Sr25519Keyring,
};

/// The patient of these tests, whose records region B holds.
const PATIENT: &str = "Patient1";
/// The practitioner who asks, in region A.
const DOCTOR: Sr25519Keyring = Sr25519Keyring::Dave;

/// In region B: the patient's first record (which announces the patient to the coordinator)
/// and, if `granted`, a grant of it to the doctor. Returns the record and the grant.
fn held_in_b(granted: bool) -> (u64, Option<u64>) {
	let held = RegionBPara::execute_with(|| {
		region::first_record(Sr25519Keyring::One, PATIENT);
		region::publish_key(DOCTOR);
		let record = region::last_record();
		(record, granted.then(|| region::grant(PATIENT, DOCTOR, record)))
	});
	// The next block announces the patient.
	RegionBPara::execute_with(|| {});
	// The coordinator takes the announcement.
	CoordinatorPara::execute_with(|| {
		assert_eq!(coordinator::Directory::regions_of(region::patient(PATIENT)), vec![REGION_B]);
	});
	held
}

/// In region A: the doctor asks about `patient`. Returns the query's number.
fn ask(patient: &str) -> u64 {
	RegionAPara::execute_with(|| {
		let nonce = pallet_federation::NextQuery::<Runtime>::get();
		assert_ok!(Federation::query(
			RuntimeOrigin::signed(DOCTOR.to_account_id()),
			region::patient(patient),
			QueryKind::Records
		));
		nonce
	})
}

/// How query `nonce` ended in region A, if it did: from its `QueryEnded` events (there is at
/// most one). Call it in region A.
pub(crate) fn ended(nonce: u64) -> Vec<Outcome> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Federation(pallet_federation::Event::QueryEnded { query, outcome })
				if query == (QueryId { region: REGION_A, nonce }) =>
				Some(outcome),
			_ => None,
		})
		.collect()
}

/// The query entries of the patient's audit trail in this region. Call it in a region.
fn audited_queries() -> Vec<pallet_access::AccessEventOf<Runtime>> {
	let patient = region::patient(PATIENT);
	let length = pallet_access::AuditLength::<Runtime>::get(&patient);
	(0..length)
		.filter_map(|i| pallet_access::Audit::<Runtime>::get(&patient, i))
		.map(|entry| entry.event)
		.filter(|event| {
			matches!(
				event,
				AccessEvent::QueryServed { .. } |
					AccessEvent::QueryDenied { .. } |
					AccessEvent::QueryAnswered { .. }
			)
		})
		.collect()
}

/// Sends `call` (a federation call, encoded) from this region to region A in MedFed's program
/// shape, as region B's runtime would.
fn send_to_a(call: Vec<u8>) {
	assert_ok!(query::send_to_sibling::<XcmRouter>(REGION_A, QUERY_WEIGHT_LIMIT, call));
}

/// The doctor in region A finds, through the coordinator, the record region B holds and
/// granted them; both regions audit it; A's own answer is empty, as A holds nothing.
#[test]
fn a_record_held_in_another_region_is_found_through_the_coordinator() {
	let (record, grant) = held_in_b(true);
	let grant = grant.expect("granted");
	let nonce = ask(PATIENT);
	let query = QueryId { region: REGION_A, nonce };

	CoordinatorPara::execute_with(|| {
		type RuntimeEvent = coordinator::RuntimeEvent;
		assert_expected_events!(
			CoordinatorPara,
			vec![
				RuntimeEvent::Directory(pallet_directory::Event::QueryRouted {
					query: routed, asked: 1, unreachable: 0
				}) => { routed: *routed == query, },
			]
		);
	});
	RegionBPara::execute_with(|| {
		assert_expected_events!(
			RegionBPara,
			vec![
				RuntimeEvent::Federation(pallet_federation::Event::QueryServed {
					query: served, records: 1, pages: 1, sent: 1
				}) => { served: *served == query, },
			]
		);
		assert_eq!(audited_queries(), vec![AccessEvent::QueryServed { query, records: 1 }]);
	});
	RegionAPara::execute_with(|| {
		assert_eq!(ended(nonce), vec![Outcome::Answered { records: 1 }]);
		let answer = pallet_federation::Answers::<Runtime>::get(nonce, REGION_B).expect("kept");
		assert_eq!(answer.records.len(), 1);
		assert_eq!((answer.records[0].id, answer.records[0].grant), (record, grant));
		assert!(pallet_federation::Answers::<Runtime>::get(nonce, REGION_A).is_none());
		assert_eq!(
			audited_queries(),
			vec![AccessEvent::QueryAnswered { query, from: REGION_B, records: 1 }]
		);
	});
}

/// Region B holds the patient's records but the doctor holds no grant there: denied.
#[test]
fn a_region_without_a_grant_denies_the_query() {
	held_in_b(false);
	let nonce = ask(PATIENT);
	CoordinatorPara::execute_with(|| {});
	RegionBPara::execute_with(|| {
		assert_eq!(
			audited_queries(),
			vec![AccessEvent::QueryDenied { query: QueryId { region: REGION_A, nonce } }]
		);
	});
	RegionAPara::execute_with(|| assert_eq!(ended(nonce), vec![Outcome::Denied]));
}

/// The patient revokes the grant in region B after the doctor asked and before B serves the
/// query: B answers with the state at its block, a denial.
#[test]
fn a_revocation_before_the_query_reaches_the_region_denies_it() {
	let (_, grant) = held_in_b(true);
	let nonce = ask(PATIENT);
	RegionBPara::execute_with(|| region::revoke(PATIENT, grant.expect("granted")));
	CoordinatorPara::execute_with(|| {});
	RegionBPara::execute_with(|| {});
	RegionAPara::execute_with(|| assert_eq!(ended(nonce), vec![Outcome::Denied]));
}

/// A patient no region knows: the coordinator forwards the query nowhere, and it ends "not
/// found" in one terminal event, without waiting for its deadline.
#[test]
fn a_query_about_a_patient_no_region_knows_ends_not_found() {
	let nonce = ask("Nobody1");
	CoordinatorPara::execute_with(|| {});
	RegionAPara::execute_with(|| {
		assert_eq!(ended(nonce), vec![Outcome::NotFound]);
		let info = pallet_federation::Queries::<Runtime>::get(nonce).expect("kept");
		assert!(info.asked.is_empty());
	});
}

/// Region B never answers (it takes queries from another coordinator now): the query times out
/// at its deadline, once; B's answer after that is recorded as late, changes nothing, and its
/// message is processed without an error.
#[test]
fn a_query_a_region_never_answers_times_out_and_a_late_answer_is_ignored() {
	held_in_b(true);
	RegionBPara::execute_with(|| {
		assert_ok!(Federation::set_coordinator(RuntimeOrigin::root(), 1999));
	});
	let nonce = ask(PATIENT);
	let deadline = RegionAPara::execute_with(|| {
		pallet_federation::Queries::<Runtime>::get(nonce).expect("kept").deadline
	});
	CoordinatorPara::execute_with(|| {});
	RegionBPara::execute_with(|| {});
	// The relay chain advances one block with every parachain block: region A's blocks alone
	// reach the deadline.
	let mut outcomes = Vec::new();
	for _ in 0..60 {
		outcomes.extend(RegionAPara::execute_with(|| ended(nonce)));
		if !outcomes.is_empty() {
			break;
		}
	}
	assert_eq!(outcomes, vec![Outcome::TimedOut]);
	RegionAPara::execute_with(|| {
		let info = pallet_federation::Queries::<Runtime>::get(nonce).expect("kept");
		match info.state {
			pallet_federation::QueryState::Ended { at, .. } =>
				assert!(at > deadline, "ended at relay block {at}, due {deadline}"),
			other => panic!("still {other:?}"),
		}
	});
	for _ in 0..3 {
		assert!(RegionAPara::execute_with(|| ended(nonce)).is_empty(), "ends once");
	}

	// B answers after all.
	RegionBPara::execute_with(|| send_to_a(query::take_answer(nonce, &Answer::NotFound)));
	RegionAPara::execute_with(|| {
		assert_expected_events!(
			RegionAPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					origin: AggregateMessageOrigin::Sibling(from), success: true, ..
				}) => { from: *from == REGION_B.into(), },
				RuntimeEvent::Federation(pallet_federation::Event::AnswerIgnored {
					from: REGION_B, reason: pallet_federation::Ignored::Late, ..
				}) => {},
			]
		);
		assert!(ended(nonce).is_empty());
	});
}

/// A forged answer: region B answers a query the coordinator forwarded to no region (region A
/// holds the patient's records itself), before the coordinator's word. It is kept until then,
/// dropped as not asked, and the query ends with A's own answer only. B's real answer sent a
/// second time after a query ended is late.
#[test]
fn an_answer_from_a_region_the_coordinator_did_not_name_is_dropped() {
	RegionAPara::execute_with(|| {
		region::first_record(Sr25519Keyring::Charlie, PATIENT);
		region::publish_key(DOCTOR);
		region::grant(PATIENT, DOCTOR, region::last_record());
	});
	RegionAPara::execute_with(|| {});
	CoordinatorPara::execute_with(|| {});
	let nonce = ask(PATIENT);
	let forged =
		query::Answer::Records { page: 0, pages: 1, truncated: false, records: Default::default() };
	RegionBPara::execute_with(|| send_to_a(query::take_answer(nonce, &forged)));
	RegionAPara::execute_with(|| {
		let info = pallet_federation::Queries::<Runtime>::get(nonce).expect("kept");
		assert_eq!(info.answered.to_vec(), vec![REGION_B], "kept until the coordinator's word");
	});
	CoordinatorPara::execute_with(|| {});
	RegionAPara::execute_with(|| {
		assert_expected_events!(
			RegionAPara,
			vec![
				RuntimeEvent::Federation(pallet_federation::Event::AnswerIgnored {
					from: REGION_B, reason: pallet_federation::Ignored::NotAsked, ..
				}) => {},
			]
		);
		assert_eq!(ended(nonce), vec![Outcome::Answered { records: 1 }]);
		assert!(pallet_federation::Answers::<Runtime>::get(nonce, REGION_B).is_none());
	});
	// The same answer again, after the end.
	RegionBPara::execute_with(|| send_to_a(query::take_answer(nonce, &forged)));
	RegionAPara::execute_with(|| {
		assert_expected_events!(
			RegionAPara,
			vec![
				RuntimeEvent::Federation(pallet_federation::Event::AnswerIgnored {
					from: REGION_B, reason: pallet_federation::Ignored::Late, ..
				}) => {},
			]
		);
	});
}
