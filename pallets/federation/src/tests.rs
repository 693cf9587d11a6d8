//! Unit tests of the federation pallet: one per error at least, try-state after each.

use crate::{
	mock::*, Announcements, Answers, Coordinator, Error, Event, Ignored, NextQuery, Queries,
	QueryAudit, Unannounced,
};
use codec::Encode;
use medfed_primitives::{
	coordinator,
	query::{self, Answer, Failure, Outcome, QueryId, QueryKind, SharedRecord},
	OnFirstRecord, ParaId,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks},
	sp_runtime::DispatchError,
	staging_xcm::latest::prelude::*,
};

fn coordinator_location() -> Location {
	Location::new(1, [Parachain(COORDINATOR)])
}

/// Runs the pallet's `on_initialize` at block `n`.
fn next_block(n: u64) {
	System::set_block_number(n);
	Federation::on_initialize(n);
}

/// The patients of every `note_patients` sent so far, by announcement number.
fn announced() -> Vec<(u64, Vec<u64>)> {
	Sent::get()
		.into_iter()
		.map(|(destination, message)| {
			assert_eq!(destination, coordinator_location());
			match &message.0[..] {
				[UnpaidExecution { weight_limit: Limited(limit), check_origin: None }, Transact { origin_kind: OriginKind::Xcm, call, .. }] =>
				{
					let (ref_time, proof_size) = coordinator::NOTE_PATIENTS_WEIGHT_LIMIT;
					assert_eq!(*limit, Weight::from_parts(ref_time, proof_size));
					let (pallet, index, batch, patients): (u8, u8, u64, Vec<u64>) =
						codec::Decode::decode(&mut &call.encoded()[..]).expect("note_patients");
					assert_eq!(
						(pallet, index),
						(coordinator::DIRECTORY_PALLET_INDEX, coordinator::NOTE_PATIENTS_CALL_INDEX)
					);
					(batch, patients)
				},
				other => panic!("unexpected message {other:?}"),
			}
		})
		.collect()
}

#[docify::export]
#[test]
fn a_blocks_first_records_are_announced_in_one_message_the_next_block() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		for patient in [PATIENT, 70, 71] {
			Federation::on_first_record(&patient);
		}
		assert!(Sent::get().is_empty(), "queued until the next block");
		assert_eq!(Unannounced::<Test>::count(), 3);

		next_block(2);
		let sent = announced();
		assert_eq!(sent.len(), 1);
		let (batch, mut patients) = sent[0].clone();
		patients.sort();
		assert_eq!((batch, patients), (0, vec![PATIENT, 70, 71]));
		assert_eq!(Unannounced::<Test>::count(), 0);
		// Each patient's announcement names the message, which the coordinator's message queue
		// reports when it processes it.
		let message_id = polkadot_sdk::sp_io::hashing::blake2_256(&Sent::get()[0].1.encode());
		System::assert_has_event(
			Event::PatientAnnounced { patient: PATIENT, coordinator: COORDINATOR, message_id }
				.into(),
		);
		System::assert_has_event(
			Event::AnnouncementSent { batch: 0, patients: 3, message_id }.into(),
		);
		// Kept until the coordinator acknowledges it.
		assert!(Announcements::<Test>::contains_key(0));
		assert_ok!(Federation::announcement_noted(sibling(COORDINATOR), 0));
		System::assert_last_event(Event::AnnouncementNoted { batch: 0 }.into());
		assert_eq!(Announcements::<Test>::count(), 0);
		// Nothing more to send.
		next_block(3);
		assert_eq!(Sent::get().len(), 1);
	});
}

#[test]
fn one_announcement_carries_at_most_max_announcement_patients() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		let most = coordinator::MAX_ANNOUNCEMENT_PATIENTS as u64;
		for patient in 100..100 + most + 5 {
			Federation::on_first_record(&patient);
		}
		next_block(2);
		next_block(3);
		let sizes: Vec<usize> = announced().iter().map(|(_, p)| p.len()).collect();
		assert_eq!(sizes, vec![most as usize, 5]);
		// The largest fits an 8 KiB HRMP message, twice over with room.
		let size = polkadot_sdk::staging_xcm::VersionedXcm::from(Sent::get()[0].1.clone())
			.encoded_size() +
			33;
		assert!(2 * size < 8 * 1024, "{size} bytes");
	});
}

#[test]
fn an_announcement_the_coordinator_does_not_acknowledge_is_resent_until_it_does() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		Federation::on_first_record(&PATIENT);
		next_block(2);
		assert_eq!(announced().len(), 1);

		// No acknowledgement (the coordinator refused it): not resent before the wait is over.
		RelayBlock::set(RelayBlock::get() + AnnouncementResendAfter::get());
		next_block(3);
		assert_eq!(announced().len(), 1);
		RelayBlock::set(RelayBlock::get() + 1);
		next_block(4);
		assert_eq!(announced(), vec![(0, vec![PATIENT]), (0, vec![PATIENT])]);
		System::assert_has_event(
			Event::AnnouncementResent {
				batch: 0,
				message_id: polkadot_sdk::sp_io::hashing::blake2_256(&Sent::get()[1].1.encode()),
			}
			.into(),
		);

		// Anyone may resend it at once, too.
		assert_ok!(Federation::resend_announcement(RuntimeOrigin::signed(ANYONE), 0));
		assert_eq!(announced().len(), 3);
		assert_noop!(
			Federation::resend_announcement(RuntimeOrigin::signed(ANYONE), 1),
			Error::<Test>::UnknownAnnouncement
		);

		// Acknowledged: never again.
		assert_ok!(Federation::announcement_noted(sibling(COORDINATOR), 0));
		RelayBlock::set(RelayBlock::get() + 100);
		next_block(5);
		assert_eq!(announced().len(), 3);
	});
}

#[test]
fn only_the_coordinator_acknowledges_and_an_unknown_acknowledgement_changes_nothing() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		Federation::on_first_record(&PATIENT);
		next_block(2);
		assert_noop!(
			Federation::announcement_noted(sibling(REGION_B), 0),
			Error::<Test>::NotCoordinator
		);
		assert_noop!(
			Federation::announcement_noted(RuntimeOrigin::signed(ANYONE), 0),
			DispatchError::BadOrigin
		);
		assert_ok!(Federation::announcement_noted(sibling(COORDINATOR), 9));
		assert!(Announcements::<Test>::contains_key(0));
	});
}

#[test]
fn announcements_wait_while_max_announcements_in_flight_are_unacknowledged() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		for (block, patient) in [(2, 80), (3, 81), (4, 82)] {
			Federation::on_first_record(&patient);
			next_block(block);
		}
		assert_eq!(announced().len(), MaxAnnouncementsInFlight::get() as usize);
		assert!(Unannounced::<Test>::contains_key(82));
		System::assert_has_event(Event::AnnouncementDeferred { waiting: 1 }.into());
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), 82),
			Error::<Test>::TooManyInFlight
		);
		assert_ok!(Federation::announcement_noted(sibling(COORDINATOR), 0));
		next_block(5);
		assert_eq!(announced().last(), Some(&(2, vec![82])));
	});
}

#[test]
fn a_block_with_nothing_waiting_or_in_flight_is_charged_counter_reads_not_the_search() {
	use crate::WeightInfo;
	use polkadot_sdk::frame_support::{traits::Get, weights::RuntimeDbWeight};
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		let block = |n| {
			System::set_block_number(n);
			Federation::on_initialize(n)
		};
		let idle = block(2);
		Federation::on_first_record(&PATIENT);
		let sending = block(3);
		assert_eq!(announced().len(), 1);
		// In flight, not yet due again: the search through the announcements in flight is charged.
		let in_flight = block(4);
		assert_ok!(Federation::announcement_noted(sibling(COORDINATOR), 0));
		let idle_again = block(5);

		let db: RuntimeDbWeight =
			<<Test as polkadot_sdk::frame_system::Config>::DbWeight as Get<_>>::get();
		let counter = db.reads(1);
		let search = <() as WeightInfo>::find_overdue_announcement();
		let send = <() as WeightInfo>::send_announcement(1);
		assert_eq!(idle_again, idle);
		assert_eq!(sending, idle.saturating_sub(counter).saturating_add(send));
		assert_eq!(in_flight, idle.saturating_sub(counter).saturating_add(search));
	});
}

#[docify::export]
#[test]
fn an_announcement_without_a_channel_waits_for_a_retry() {
	new_test_ext(|| {
		// No channel to the coordinator yet: the announcement waits.
		Federation::on_first_record(&PATIENT);
		next_block(2);
		System::assert_last_event(Event::AnnouncementDeferred { waiting: 1 }.into());
		assert!(Unannounced::<Test>::contains_key(PATIENT));

		// Still no channel: the retry fails and changes nothing.
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT),
			Error::<Test>::SendFailed
		);

		// The channel opens: anyone may send it now, or the next block does.
		OpenChannels::set(vec![COORDINATOR]);
		assert_ok!(Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT));
		assert!(!Unannounced::<Test>::contains_key(PATIENT));
		assert_eq!(announced(), vec![(0, vec![PATIENT])]);
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
		// Announced with the next block: nothing waits, so nothing is sent twice.
		Federation::on_first_record(&PATIENT);
		next_block(2);
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
		next_block(2);
		assert!(Unannounced::<Test>::contains_key(PATIENT));
		assert_noop!(
			Federation::announce_patient(RuntimeOrigin::signed(ANYONE), PATIENT),
			Error::<Test>::NoCoordinator
		);

		assert_ok!(Federation::set_coordinator(RuntimeOrigin::root(), COORDINATOR));
		System::assert_last_event(Event::CoordinatorSet { coordinator: COORDINATOR }.into());
		next_block(3);
		assert_eq!(announced(), vec![(0, vec![PATIENT])]);
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
		assert_noop!(
			Federation::resend_announcement(RuntimeOrigin::none(), 0),
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

/// The Transact call of every message sent so far, with its destination para.
fn sent_calls() -> Vec<(ParaId, Vec<u8>)> {
	Sent::get()
		.into_iter()
		.map(|(destination, message)| {
			let para = match destination.unpack() {
				(1, [Parachain(id)]) => *id,
				other => panic!("sent to {other:?}"),
			};
			match &message.0[..] {
				[UnpaidExecution { weight_limit: Limited(_), check_origin: None }, Transact { origin_kind: OriginKind::Xcm, call, .. }] =>
					(para, call.encoded().to_vec()),
				other => panic!("unexpected message {other:?}"),
			}
		})
		.collect()
}

/// Shares `records` of `PATIENT`'s with `REQUESTER` in this region's table.
fn share_here(records: Vec<SharedRecord>) {
	SharedTable::mutate(|t| {
		t.entry(PATIENT).or_default().insert(REQUESTER, records);
	});
}

/// Asks query 0 as `REQUESTER` about `PATIENT`, with a channel to the coordinator.
fn ask() -> u64 {
	OpenChannels::mutate(|open| open.push(COORDINATOR));
	assert_ok!(Federation::query(RuntimeOrigin::signed(REQUESTER), PATIENT, QueryKind::Records));
	NextQuery::<Test>::get() - 1
}

/// The coordinator's word that query `nonce` went to `asked` and not to `unreachable`.
fn routed(nonce: u64, asked: Vec<ParaId>, unreachable: Vec<ParaId>) {
	assert_ok!(Federation::query_routed(
		sibling(COORDINATOR),
		nonce,
		asked.try_into().expect("few regions"),
		unreachable.try_into().expect("few regions"),
	));
}

/// The one answer page of `records`.
fn page(records: Vec<SharedRecord>) -> Answer {
	Answer::Records {
		page: 0,
		pages: 1,
		truncated: false,
		records: records.try_into().expect("a page"),
	}
}

/// The outcomes of every `QueryEnded` event so far.
fn ended() -> Vec<(QueryId, Outcome)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Federation(Event::QueryEnded { query, outcome }) =>
				Some((query, outcome)),
			_ => None,
		})
		.collect()
}

fn id(nonce: u64) -> QueryId {
	QueryId { region: REGION_A, nonce }
}

#[docify::export]
#[test]
fn a_query_is_answered_here_and_by_the_region_asked() {
	new_test_ext(|| {
		// Two records are shared with the requester here.
		share_here(vec![shared_record(0, 0), shared_record(1, 0)]);
		let nonce = ask();
		// The query went to the coordinator, with its deadline in relay blocks.
		let deadline = RelayBlock::get() + QueryTimeout::get();
		assert_eq!(
			sent_calls(),
			vec![(
				COORDINATOR,
				query::route_query(nonce, &REQUESTER, &PATIENT, QueryKind::Records, deadline)
			)]
		);
		assert_eq!(Balances::reserved_balance(REQUESTER), QueryDeposit::get());

		// The coordinator forwarded it to region B, which answers with three more records.
		routed(nonce, vec![REGION_B], vec![]);
		let theirs: Vec<_> = (10..13).map(|id| shared_record(id, 4)).collect();
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, page(theirs.clone())));

		System::assert_last_event(
			Event::QueryEnded { query: id(nonce), outcome: Outcome::Answered { records: 5 } }
				.into(),
		);
		assert_eq!(Answers::<Test>::get(nonce, REGION_B).expect("kept").records.to_vec(), theirs);
		assert_eq!(Answers::<Test>::get(nonce, REGION_A).expect("kept").records.len(), 2);
		// Both the local answer and B's are in the patient's audit trail here.
		assert_eq!(
			Audited::get(),
			vec![
				(PATIENT, REQUESTER, QueryAudit::Served { query: id(nonce), records: 2 }),
				(
					PATIENT,
					REQUESTER,
					QueryAudit::Answered { query: id(nonce), from: REGION_B, records: 3 }
				),
			]
		);
	});
}

#[test]
fn a_query_about_a_patient_no_region_knows_ends_not_found() {
	new_test_ext(|| {
		let nonce = ask();
		routed(nonce, vec![], vec![]);
		assert_eq!(ended(), vec![(id(nonce), Outcome::NotFound)]);
		assert!(Audited::get().is_empty());
	});
}

#[test]
fn a_query_every_region_refuses_ends_denied() {
	new_test_ext(|| {
		// The patient has records here, none shared with the requester.
		SharedTable::mutate(|t| {
			t.insert(PATIENT, Default::default());
		});
		let nonce = ask();
		routed(nonce, vec![REGION_B], vec![]);
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, Answer::Denied));
		assert_eq!(ended(), vec![(id(nonce), Outcome::Denied)]);
		assert_eq!(
			Audited::get(),
			vec![(PATIENT, REQUESTER, QueryAudit::Denied { query: id(nonce) })]
		);
	});
}

#[test]
fn a_query_unanswered_by_its_deadline_times_out_once_and_a_late_answer_is_ignored() {
	new_test_ext(|| {
		let nonce = ask();
		routed(nonce, vec![REGION_B], vec![]);
		let deadline = Queries::<Test>::get(nonce).expect("kept").deadline;

		// At the deadline itself the query is still open.
		RelayBlock::set(deadline);
		Federation::on_initialize(2);
		assert!(ended().is_empty());

		RelayBlock::set(deadline + 1);
		Federation::on_initialize(3);
		assert_eq!(ended(), vec![(id(nonce), Outcome::TimedOut)]);
		// The sweep took the deadline off the queue; a second pass ends nothing more.
		Federation::on_initialize(4);
		assert_eq!(ended().len(), 1);

		// B's answer comes after all: recorded, ignored, and not an error.
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			nonce,
			page(vec![shared_record(1, 1)])
		));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_B, reason: Ignored::Late }.into(),
		);
		assert!(Answers::<Test>::get(nonce, REGION_B).is_none());
		assert_eq!(ended().len(), 1);
	});
}

#[test]
fn the_sweep_ends_at_most_max_sweep_per_block_queries_a_block() {
	new_test_ext(|| {
		for requester in [REQUESTER, REQUESTER, ANYONE] {
			OpenChannels::mutate(|open| open.push(COORDINATOR));
			let nonce = NextQuery::<Test>::get();
			assert_ok!(Federation::query(
				RuntimeOrigin::signed(requester),
				PATIENT,
				QueryKind::Records
			));
			routed(nonce, vec![REGION_B], vec![]);
		}
		RelayBlock::set(RelayBlock::get() + QueryTimeout::get() + 1);
		Federation::on_initialize(2);
		assert_eq!(ended().len(), MaxSweepPerBlock::get() as usize);
		Federation::on_initialize(3);
		assert_eq!(ended().iter().map(|(q, _)| q.nonce).collect::<Vec<_>>(), vec![0, 1, 2]);
		assert!(ended().iter().all(|(_, outcome)| *outcome == Outcome::TimedOut));
	});
}

#[test]
fn a_repeated_answer_and_an_answer_from_a_region_not_asked_change_nothing() {
	new_test_ext(|| {
		let nonce = ask();
		routed(nonce, vec![REGION_B, REGION_C], vec![]);
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			nonce,
			page(vec![shared_record(1, 1)])
		));

		// B again, and a region the coordinator did not name (answering for another).
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			nonce,
			page(vec![shared_record(2, 1)])
		));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_B, reason: Ignored::Duplicate }
				.into(),
		);
		assert_ok!(Federation::take_answer(sibling(3000), nonce, Answer::NotFound));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(nonce), from: 3000, reason: Ignored::NotAsked }.into(),
		);
		let info = Queries::<Test>::get(nonce).expect("kept");
		assert_eq!(info.answered.to_vec(), vec![REGION_B]);
		assert_eq!(info.records, 1);
		assert!(ended().is_empty());

		// C's answer ends it.
		assert_ok!(Federation::take_answer(sibling(REGION_C), nonce, Answer::NotFound));
		assert_eq!(ended(), vec![(id(nonce), Outcome::Answered { records: 1 })]);
	});
}

#[test]
fn an_answer_before_the_routing_news_counts_once_the_coordinator_names_its_region() {
	new_test_ext(|| {
		let nonce = ask();
		// B's and C's answers come before the coordinator's word (HRMP orders messages per
		// sender only): kept, not yet counted.
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			nonce,
			page(vec![shared_record(1, 1)])
		));
		assert_ok!(Federation::take_answer(
			sibling(REGION_C),
			nonce,
			page(vec![shared_record(2, 1)])
		));
		System::assert_last_event(
			Event::AnswerTaken { query: id(nonce), from: REGION_C, records: 0 }.into(),
		);
		assert_eq!(Queries::<Test>::get(nonce).expect("kept").records, 0);
		assert!(Audited::get().is_empty());

		// The coordinator asked B only: B's answer counts, C's is dropped, and the query ends.
		routed(nonce, vec![REGION_B], vec![]);
		System::assert_has_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_C, reason: Ignored::NotAsked }
				.into(),
		);
		assert!(Answers::<Test>::get(nonce, REGION_C).is_none());
		assert_eq!(ended(), vec![(id(nonce), Outcome::Answered { records: 1 })]);
		assert_eq!(
			Audited::get(),
			vec![(
				PATIENT,
				REQUESTER,
				QueryAudit::Answered { query: id(nonce), from: REGION_B, records: 1 }
			)]
		);
	});
}

#[test]
fn an_early_refusal_from_a_region_not_asked_does_not_deny_the_query() {
	new_test_ext(|| {
		let nonce = ask();
		assert_ok!(Federation::take_answer(sibling(REGION_C), nonce, Answer::Denied));
		routed(nonce, vec![], vec![]);
		assert_eq!(ended(), vec![(id(nonce), Outcome::NotFound)]);
		let info = Queries::<Test>::get(nonce).expect("kept");
		assert!(info.refused.is_empty() && info.answered.is_empty() && !info.denied);
	});
}

#[test]
fn an_answer_to_an_unknown_query_and_a_second_routing_news_are_ignored() {
	new_test_ext(|| {
		let nonce = ask();
		assert_ok!(Federation::take_answer(sibling(REGION_B), 99, Answer::Denied));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(99), from: REGION_B, reason: Ignored::UnknownQuery }
				.into(),
		);
		// The coordinator's word, twice: the second is ignored.
		routed(nonce, vec![REGION_B], vec![]);
		routed(nonce, vec![REGION_C], vec![]);
		System::assert_last_event(
			Event::AnswerIgnored {
				query: id(nonce),
				from: COORDINATOR,
				reason: Ignored::AlreadyRouted,
			}
			.into(),
		);
		assert_eq!(Queries::<Test>::get(nonce).expect("kept").asked.to_vec(), vec![REGION_B]);
	});
}

#[test]
fn a_paged_answer_is_taken_in_order_and_pages_out_of_order_are_ignored() {
	new_test_ext(|| {
		let nonce = ask();
		routed(nonce, vec![REGION_B], vec![]);
		let records: Vec<_> = (0..70).map(|id| shared_record(id, 1)).collect();
		let pages = Federation::pages(records.clone(), false);
		assert_eq!(pages.len(), 3);

		// Page 2 before page 1: out of order.
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, pages[0].clone()));
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, pages[2].clone()));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_B, reason: Ignored::Malformed }
				.into(),
		);
		// Page 0 again: a duplicate.
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, pages[0].clone()));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_B, reason: Ignored::Duplicate }
				.into(),
		);
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, pages[1].clone()));
		assert!(ended().is_empty());
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, pages[2].clone()));
		assert_eq!(ended(), vec![(id(nonce), Outcome::Answered { records: 70 })]);
		assert_eq!(Answers::<Test>::get(nonce, REGION_B).expect("kept").records.to_vec(), records);
	});
}

#[test]
fn a_forwarded_query_is_answered_in_pages_that_fit_an_hrmp_message() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		let records: Vec<_> = (0..query::MAX_ANSWER_RECORDS as u64 + 5)
			.map(|id| shared_record(id, 1))
			.collect();
		share_here(records.clone());
		let query = QueryId { region: REGION_B, nonce: 7 };
		assert_ok!(Federation::serve_query(
			sibling(COORDINATOR),
			query,
			REQUESTER,
			PATIENT,
			QueryKind::Records,
			200
		));

		let sent = Sent::get();
		let pages = (query::MAX_ANSWER_RECORDS / query::MAX_RECORDS_PER_PAGE) as usize;
		assert_eq!(sent.len(), pages);
		for (i, (destination, message)) in sent.iter().enumerate() {
			// Straight to the asking region, never through the coordinator.
			assert_eq!(destination, &Location::new(1, [Parachain(REGION_B)]));
			// Each message, with the topic the router adds and XCM's version prefix, fits an
			// 8 KiB HRMP message with room to spare.
			let size =
				polkadot_sdk::staging_xcm::VersionedXcm::from(message.clone()).encoded_size() + 33;
			assert!(size < 8 * 1024 - 512, "page {i} is {size} bytes");
		}
		let expected: Vec<_> =
			Federation::pages(records[..query::MAX_ANSWER_RECORDS as usize].to_vec(), true)
				.iter()
				.map(|answer| (REGION_B, query::take_answer(7, answer)))
				.collect();
		assert_eq!(sent_calls(), expected);
		System::assert_last_event(
			Event::QueryServed {
				query,
				records: query::MAX_ANSWER_RECORDS,
				pages: pages as u32,
				sent: pages as u32,
			}
			.into(),
		);
		assert_eq!(
			Audited::get(),
			vec![(
				PATIENT,
				REQUESTER,
				QueryAudit::Served { query, records: query::MAX_ANSWER_RECORDS }
			)]
		);
	});
}

#[test]
fn a_forwarded_query_without_a_grant_is_denied_and_one_for_an_unknown_patient_not_found() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		SharedTable::mutate(|t| {
			t.insert(PATIENT, Default::default());
		});
		let query = QueryId { region: REGION_B, nonce: 1 };
		assert_ok!(Federation::serve_query(
			sibling(COORDINATOR),
			query,
			REQUESTER,
			PATIENT,
			QueryKind::Records,
			200
		));
		assert_ok!(Federation::serve_query(
			sibling(COORDINATOR),
			query,
			REQUESTER,
			ANYONE,
			QueryKind::Records,
			200
		));
		assert_eq!(
			sent_calls(),
			vec![
				(REGION_B, query::take_answer(1, &Answer::Denied)),
				(REGION_B, query::take_answer(1, &Answer::NotFound)),
			]
		);
		assert_eq!(Audited::get(), vec![(PATIENT, REQUESTER, QueryAudit::Denied { query })]);
	});
}

#[test]
fn only_the_coordinator_forwards_queries_and_routing_news() {
	new_test_ext(|| {
		let query = QueryId { region: REGION_B, nonce: 1 };
		assert_noop!(
			Federation::serve_query(
				sibling(REGION_C),
				query,
				REQUESTER,
				PATIENT,
				QueryKind::Records,
				9
			),
			Error::<Test>::NotCoordinator
		);
		assert_noop!(
			Federation::serve_query(
				RuntimeOrigin::signed(ANYONE),
				query,
				REQUESTER,
				PATIENT,
				QueryKind::Records,
				9
			),
			DispatchError::BadOrigin
		);
		let nonce = ask();
		assert_noop!(
			Federation::query_routed(
				sibling(REGION_B),
				nonce,
				Default::default(),
				Default::default()
			),
			Error::<Test>::NotCoordinator
		);
		assert_noop!(
			Federation::take_answer(RuntimeOrigin::signed(REQUESTER), nonce, Answer::NotFound),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_query_the_coordinator_cannot_take_fails_at_once_and_keeps_the_local_answer() {
	new_test_ext(|| {
		share_here(vec![shared_record(0, 0)]);
		// No channel to the coordinator.
		assert_ok!(Federation::query(
			RuntimeOrigin::signed(REQUESTER),
			PATIENT,
			QueryKind::Records
		));
		assert_eq!(ended(), vec![(id(0), Outcome::Failed(Failure::CoordinatorUnreachable))]);
		assert_eq!(Answers::<Test>::get(0, REGION_A).expect("kept").records.len(), 1);
	});
}

#[test]
fn a_region_outside_a_federation_answers_for_itself() {
	new_test_ext(|| {
		Coordinator::<Test>::kill();
		share_here(vec![shared_record(0, 0)]);
		assert_ok!(Federation::query(
			RuntimeOrigin::signed(REQUESTER),
			PATIENT,
			QueryKind::Records
		));
		assert_eq!(ended(), vec![(id(0), Outcome::Answered { records: 1 })]);
		assert!(Sent::get().is_empty());
	});
}

#[test]
fn a_region_the_coordinator_cannot_reach_fails_the_query_unless_another_answered() {
	new_test_ext(|| {
		let first = ask();
		routed(first, vec![], vec![REGION_C]);
		let second = ask();
		routed(second, vec![REGION_B], vec![REGION_C]);
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			second,
			page(vec![shared_record(1, 1)])
		));
		assert_eq!(
			ended(),
			vec![
				(id(first), Outcome::Failed(Failure::RegionUnreachable)),
				(id(second), Outcome::Answered { records: 1 }),
			]
		);
	});
}

#[test]
fn query_refuses_a_requester_who_cannot_pay_and_past_max_open_queries() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		assert_noop!(
			Federation::query(RuntimeOrigin::signed(PAUPER), PATIENT, QueryKind::Records),
			Error::<Test>::CannotHoldDeposit
		);
		// One requester alone cannot fill the region's open queries.
		for _ in 0..MaxOpenQueriesPerRequester::get() {
			assert_ok!(Federation::query(
				RuntimeOrigin::signed(REQUESTER),
				PATIENT,
				QueryKind::Records
			));
		}
		assert_noop!(
			Federation::query(RuntimeOrigin::signed(REQUESTER), PATIENT, QueryKind::Records),
			Error::<Test>::TooManyQueriesOfRequester
		);
		assert_eq!(crate::OpenQueriesOf::<Test>::get(REQUESTER), 2);
		assert_ok!(Federation::query(RuntimeOrigin::signed(ANYONE), PATIENT, QueryKind::Records));
		assert_eq!(MaxOpenQueries::get(), 3);
		assert_noop!(
			Federation::query(RuntimeOrigin::signed(ANYONE), PATIENT, QueryKind::Records),
			Error::<Test>::TooManyOpenQueries
		);

		// Once one of the requester's queries ends, they may ask again.
		routed(0, vec![], vec![]);
		assert_eq!(crate::OpenQueriesOf::<Test>::get(REQUESTER), 1);
		RelayBlock::set(RelayBlock::get() + QueryTimeout::get() + 1);
		Federation::on_initialize(2);
		Federation::on_initialize(3);
		assert_eq!(crate::OpenQueriesOf::<Test>::iter().count(), 0);
		assert_ok!(Federation::query(
			RuntimeOrigin::signed(REQUESTER),
			PATIENT,
			QueryKind::Records
		));
		assert_noop!(
			Federation::query(RuntimeOrigin::none(), PATIENT, QueryKind::Records),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn dismissing_an_ended_query_removes_its_answers_and_releases_its_deposit() {
	new_test_ext(|| {
		share_here(vec![shared_record(0, 0)]);
		let nonce = ask();
		assert_noop!(
			Federation::dismiss_query(RuntimeOrigin::signed(REQUESTER), nonce),
			Error::<Test>::QueryOpen
		);
		routed(nonce, vec![REGION_B], vec![]);
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			nonce,
			page(vec![shared_record(1, 1)])
		));
		assert_noop!(
			Federation::dismiss_query(RuntimeOrigin::signed(ANYONE), nonce),
			Error::<Test>::NotRequester
		);
		assert_noop!(
			Federation::dismiss_query(RuntimeOrigin::signed(REQUESTER), 42),
			Error::<Test>::UnknownQuery
		);

		assert_ok!(Federation::dismiss_query(RuntimeOrigin::signed(REQUESTER), nonce));
		System::assert_last_event(Event::QueryDismissed { query: id(nonce) }.into());
		assert!(Queries::<Test>::get(nonce).is_none());
		assert_eq!(Federation::answers_of(nonce), vec![]);
		assert_eq!(Balances::reserved_balance(REQUESTER), 0);
	});
}

#[test]
fn a_query_that_times_out_before_the_coordinators_word_drops_what_others_sent() {
	new_test_ext(|| {
		share_here(vec![shared_record(0, 0)]);
		let nonce = ask();
		// B's complete answer and C's first page of two come; the coordinator's word never does.
		assert_ok!(Federation::take_answer(
			sibling(REGION_B),
			nonce,
			page(vec![shared_record(1, 1)])
		));
		let two_pages = Federation::pages((0..40).map(|id| shared_record(id, 1)).collect(), false);
		assert_ok!(Federation::take_answer(sibling(REGION_C), nonce, two_pages[0].clone()));
		assert_eq!(
			Queries::<Test>::get(nonce).expect("kept").heard.to_vec(),
			vec![REGION_B, REGION_C]
		);

		RelayBlock::set(RelayBlock::get() + QueryTimeout::get() + 1);
		Federation::on_initialize(2);
		assert_eq!(ended(), vec![(id(nonce), Outcome::TimedOut)]);
		// Nobody named B or C: what they sent is gone; this region's own answer stays.
		assert_eq!(
			Federation::answers_of(nonce).into_iter().map(|(r, _)| r).collect::<Vec<_>>(),
			vec![REGION_A]
		);
		let info = Queries::<Test>::get(nonce).expect("kept");
		assert!(info.answered.is_empty() && info.heard.is_empty());
		assert_eq!(info.records, 1);
	});
}

#[test]
fn a_partial_answer_from_a_region_not_asked_is_dropped_at_the_coordinators_word() {
	new_test_ext(|| {
		let nonce = ask();
		let two_pages = Federation::pages((0..40).map(|id| shared_record(id, 1)).collect(), false);
		assert_ok!(Federation::take_answer(sibling(REGION_C), nonce, two_pages[0].clone()));
		routed(nonce, vec![REGION_B], vec![]);
		System::assert_has_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_C, reason: Ignored::NotAsked }
				.into(),
		);
		assert!(Answers::<Test>::get(nonce, REGION_C).is_none());
		assert!(Queries::<Test>::get(nonce).expect("kept").heard.is_empty());
	});
}

#[test]
fn at_most_max_query_regions_siblings_are_heard_before_the_coordinators_word() {
	new_test_ext(|| {
		let nonce = ask();
		for para in 0..query::MAX_QUERY_REGIONS {
			assert_ok!(Federation::take_answer(sibling(3000 + para), nonce, Answer::NotFound));
		}
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, Answer::NotFound));
		System::assert_last_event(
			Event::AnswerIgnored { query: id(nonce), from: REGION_B, reason: Ignored::Malformed }
				.into(),
		);
		// The coordinator names B only: every early sender is dropped, and B can still answer.
		routed(nonce, vec![REGION_B], vec![]);
		assert!(Queries::<Test>::get(nonce).expect("kept").answered.is_empty());
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, Answer::NotFound));
		assert_eq!(ended(), vec![(id(nonce), Outcome::NotFound)]);
	});
}

/// Asks `REQUESTER`'s read of `PATIENT`'s records under grant `grant` of region B.
fn ask_read(grant: u64) -> u64 {
	OpenChannels::mutate(|open| open.push(COORDINATOR));
	assert_ok!(Federation::query(
		RuntimeOrigin::signed(REQUESTER),
		PATIENT,
		QueryKind::Read { region: REGION_B, grant }
	));
	NextQuery::<Test>::get() - 1
}

/// Record `index` of the `of` records of a read under grant 4 (request 30), by region B.
fn read_page(index: u8, of: u8) -> Answer {
	Answer::Read {
		index,
		of,
		grant: read_grant(4, 30),
		record: read_record(10 + index as u64, 4, 2, 381),
	}
}

#[test]
fn a_read_goes_to_the_grants_region_and_ends_once_every_record_came() {
	new_test_ext(|| {
		// Records shared here too: a read answers nothing of them.
		share_here(vec![shared_record(0, 0)]);
		let nonce = ask_read(4);
		let kind = QueryKind::Read { region: REGION_B, grant: 4 };
		let deadline = RelayBlock::get() + QueryTimeout::get();
		assert_eq!(
			sent_calls(),
			vec![(COORDINATOR, query::route_query(nonce, &REQUESTER, &PATIENT, kind, deadline))]
		);
		assert!(Answers::<Test>::get(nonce, REGION_A).is_none());
		assert!(Audited::get().is_empty());

		routed(nonce, vec![REGION_B], vec![]);
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(0, 2)));
		assert!(ended().is_empty());
		assert_eq!(Federation::read_of(nonce).expect("begun").2.len(), 1);
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(1, 2)));

		assert_eq!(ended(), vec![(id(nonce), Outcome::Answered { records: 2 })]);
		let (region, grant, records) = Federation::read_of(nonce).expect("kept");
		assert_eq!((region, grant), (REGION_B, read_grant(4, 30)));
		assert_eq!(records, vec![read_record(10, 4, 2, 381), read_record(11, 4, 2, 381)]);
		assert_eq!(
			Audited::get(),
			vec![(
				PATIENT,
				REQUESTER,
				QueryAudit::Answered { query: id(nonce), from: REGION_B, records: 2 }
			)]
		);

		// Dismissed: the records go with the query.
		assert_ok!(Federation::dismiss_query(RuntimeOrigin::signed(REQUESTER), nonce));
		assert!(Federation::read_of(nonce).is_none());
		assert_eq!(crate::ReadRecords::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_read_of_this_regions_own_grant_is_refused() {
	new_test_ext(|| {
		OpenChannels::set(vec![COORDINATOR]);
		assert_noop!(
			Federation::query(
				RuntimeOrigin::signed(REQUESTER),
				PATIENT,
				QueryKind::Read { region: REGION_A, grant: 0 }
			),
			Error::<Test>::ReadHere
		);
	});
}

#[test]
fn read_answers_out_of_order_repeated_of_another_grant_or_for_a_metadata_query_change_nothing() {
	new_test_ext(|| {
		let nonce = ask_read(4);
		routed(nonce, vec![REGION_B], vec![]);
		let ignored = |reason| Event::AnswerIgnored { query: id(nonce), from: REGION_B, reason };

		// Out of order.
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(1, 2)));
		System::assert_last_event(ignored(Ignored::Malformed).into());
		// Another grant than the one the query reads.
		let other = Answer::Read {
			index: 0,
			of: 2,
			grant: read_grant(5, 30),
			record: read_record(10, 5, 2, 381),
		};
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, other));
		System::assert_last_event(ignored(Ignored::Malformed).into());
		// Metadata pages do not answer a read.
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, page(vec![])));
		System::assert_last_event(ignored(Ignored::Malformed).into());
		assert!(Federation::read_of(nonce).is_none());

		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(0, 2)));
		// Twice.
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(0, 2)));
		System::assert_last_event(ignored(Ignored::Duplicate).into());
		// A record count that changed.
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(1, 3)));
		System::assert_last_event(ignored(Ignored::Malformed).into());
		assert_eq!(Federation::read_of(nonce).expect("begun").2.len(), 1);

		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, read_page(1, 2)));
		assert_eq!(ended(), vec![(id(nonce), Outcome::Answered { records: 2 })]);
	});
}

#[test]
fn a_read_denied_by_the_grants_region_ends_denied() {
	new_test_ext(|| {
		let nonce = ask_read(4);
		routed(nonce, vec![REGION_B], vec![]);
		assert_ok!(Federation::take_answer(sibling(REGION_B), nonce, Answer::Denied));
		assert_eq!(ended(), vec![(id(nonce), Outcome::Denied)]);
		assert!(Federation::read_of(nonce).is_none());
	});
}

/// Region B's read `query` of `PATIENT`'s records under this region's grant `grant`, as the
/// coordinator forwards it here.
fn serve_read(query: QueryId, region: ParaId, grant: u64) {
	assert_ok!(Federation::serve_query(
		sibling(COORDINATOR),
		query,
		REQUESTER,
		PATIENT,
		QueryKind::Read { region, grant },
		200
	));
}

#[test]
fn a_forwarded_read_opens_a_request_and_sends_each_record_once_it_is_fulfilled() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		share_here(vec![shared_record(0, 3), shared_record(1, 3)]);
		let query = QueryId { region: REGION_B, nonce: 7 };
		serve_read(query, REGION_A, 3);

		// A request opened under grant 3; nothing is sent until the proxies fulfil it.
		assert_eq!(OpenedReads::get(), vec![(100, 3, query)]);
		System::assert_last_event(Event::ReadOpened { query, request: 100 }.into());
		assert!(Sent::get().is_empty());
		// Another request's fulfilment sends nothing.
		Federation::read_fulfilled(99);
		next_block(2);
		assert!(Sent::get().is_empty());

		let records = vec![read_record(0, 3, 2, 381), read_record(1, 3, 3, 381)];
		FulfilledReads::mutate(|f| f.insert(100, (read_grant(3, 100), records.clone())));
		Federation::read_fulfilled(100);
		// Queued: the proxy's submission is not charged for the sending; the next block sends.
		assert!(Sent::get().is_empty());
		assert_eq!(crate::ReadyReads::<Test>::get().to_vec(), vec![100]);
		next_block(2);
		assert!(crate::ReadyReads::<Test>::get().is_empty());

		let expected: Vec<_> = records
			.iter()
			.enumerate()
			.map(|(index, record)| {
				let answer = Answer::Read {
					index: index as u8,
					of: 2,
					grant: read_grant(3, 100),
					record: record.clone(),
				};
				(REGION_B, query::take_answer(7, &answer))
			})
			.collect();
		assert_eq!(sent_calls(), expected);
		System::assert_last_event(
			Event::QueryServed { query, records: 2, pages: 2, sent: 2 }.into(),
		);
		assert_eq!(
			Audited::get(),
			vec![(PATIENT, REQUESTER, QueryAudit::Served { query, records: 2 })]
		);
		// Once only: a second fulfilment (after a complaint reopened it) sends nothing more.
		Federation::read_fulfilled(100);
		Federation::send_ready_read();
		assert_eq!(Sent::get().len(), 2);
	});
}

#[test]
fn a_read_revoked_before_its_proxies_answer_is_denied_and_one_that_expires_says_nothing() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		share_here(vec![shared_record(0, 3)]);
		let revoked = QueryId { region: REGION_B, nonce: 7 };
		serve_read(revoked, REGION_A, 3);
		let expired = QueryId { region: REGION_B, nonce: 8 };
		serve_read(expired, REGION_A, 3);

		Federation::read_ended(100, true);
		assert_eq!(sent_calls(), vec![(REGION_B, query::take_answer(7, &Answer::Denied))]);
		Federation::read_ended(101, false);
		assert_eq!(Sent::get().len(), 1);
		assert_eq!(
			Audited::get(),
			vec![(PATIENT, REQUESTER, QueryAudit::Denied { query: revoked })]
		);
		// Neither is answered later.
		FulfilledReads::mutate(|f| f.insert(100, (read_grant(3, 100), vec![])));
		Federation::read_fulfilled(100);
		Federation::send_ready_read();
		assert_eq!(Sent::get().len(), 1);
		assert_eq!(crate::RemoteReads::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_forwarded_read_of_a_grant_not_the_requesters_is_denied_and_one_for_another_region_not_found() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		share_here(vec![shared_record(0, 3)]);
		let query = QueryId { region: REGION_B, nonce: 7 };
		// Grant 4 shares nothing with the requester here.
		serve_read(query, REGION_A, 4);
		// A read of region C's grant, misrouted here.
		serve_read(QueryId { nonce: 8, ..query }, REGION_C, 3);
		// A patient this region holds nothing of.
		SharedTable::set(Default::default());
		serve_read(QueryId { nonce: 9, ..query }, REGION_A, 3);

		assert_eq!(
			sent_calls(),
			vec![
				(REGION_B, query::take_answer(7, &Answer::Denied)),
				(REGION_B, query::take_answer(8, &Answer::NotFound)),
				(REGION_B, query::take_answer(9, &Answer::NotFound)),
			]
		);
		assert!(OpenedReads::get().is_empty());
		assert_eq!(Audited::get(), vec![(PATIENT, REQUESTER, QueryAudit::Denied { query })]);
	});
}

#[test]
fn the_largest_read_message_fits_an_hrmp_message() {
	use codec::MaxEncodedLen;
	use medfed_primitives::{access::CAPSULE_FRAGMENT_MAX_LEN, query::ReadRecord};
	// Every record of a read with the most fragments, each of the most bytes.
	let record = read_record(1, 4, query::MAX_READ_FRAGMENTS as u8, CAPSULE_FRAGMENT_MAX_LEN);
	let answer = Answer::Read { index: 15, of: 16, grant: read_grant(4, 30), record };
	let message = query::program(query::QUERY_WEIGHT_LIMIT, query::take_answer(u64::MAX, &answer));
	// With XCM's version prefix and the topic the router adds.
	let size = polkadot_sdk::staging_xcm::VersionedXcm::from(message).encoded_size() + 33;
	assert!(size < 8 * 1024 - 512, "{size} bytes");
	// And the bound of any record, whatever its CID and type, leaves room too.
	let bound =
		ReadRecord::max_encoded_len() + medfed_primitives::query::ReadGrant::max_encoded_len();
	assert!(bound + 128 < 8 * 1024 - 512, "{bound} bytes");
}

#[test]
fn a_query_forwarded_after_its_deadline_is_not_served() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		share_here(vec![shared_record(0, 3)]);
		let query = QueryId { region: REGION_B, nonce: 7 };
		let deadline = RelayBlock::get() - 1;
		for kind in [QueryKind::Records, QueryKind::Read { region: REGION_A, grant: 3 }] {
			assert_ok!(Federation::serve_query(
				sibling(COORDINATOR),
				query,
				REQUESTER,
				PATIENT,
				kind,
				deadline
			));
			System::assert_last_event(Event::QueryOverdue { query, deadline }.into());
		}
		assert!(Sent::get().is_empty());
		assert!(OpenedReads::get().is_empty());
		assert!(Audited::get().is_empty());
	});
}

#[test]
fn a_read_fulfilled_after_the_querys_deadline_sends_nothing_and_one_with_nothing_left_is_denied() {
	new_test_ext(|| {
		OpenChannels::set(vec![REGION_B]);
		share_here(vec![shared_record(0, 3)]);
		let late = QueryId { region: REGION_B, nonce: 7 };
		assert_ok!(Federation::serve_query(
			sibling(COORDINATOR),
			late,
			REQUESTER,
			PATIENT,
			QueryKind::Read { region: REGION_A, grant: 3 },
			RelayBlock::get() + 1
		));
		FulfilledReads::mutate(|f| {
			f.insert(100, (read_grant(3, 100), vec![read_record(0, 3, 2, 381)]))
		});
		RelayBlock::set(RelayBlock::get() + 2);
		Federation::read_fulfilled(100);
		Federation::send_ready_read();
		assert!(Sent::get().is_empty());
		System::assert_last_event(
			Event::QueryOverdue { query: late, deadline: RelayBlock::get() - 1 }.into(),
		);

		// Fulfilled, but every record voided meanwhile: a denial at once, not a timeout.
		let emptied = QueryId { region: REGION_B, nonce: 8 };
		serve_read(emptied, REGION_A, 3);
		FulfilledReads::mutate(|f| f.insert(101, (read_grant(3, 101), vec![])));
		Federation::read_fulfilled(101);
		Federation::send_ready_read();
		assert_eq!(sent_calls(), vec![(REGION_B, query::take_answer(8, &Answer::Denied))]);
		assert_eq!(
			Audited::get(),
			vec![(PATIENT, REQUESTER, QueryAudit::Denied { query: emptied })]
		);
	});
}
