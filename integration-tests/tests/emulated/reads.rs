//! Cross-region reads between the real runtimes: the doctor in region A reads, through the
//! coordinator, a record region B holds under the patient's grant there. B opens an access
//! request; its proxies answer it as any request; once fulfilled, B sends A the record with its
//! envelope and capsule fragments. The proxies are played by their accounts here: the chain
//! carries their fragments unread, and the network test runs the real proxies.

use crate::queries::ended;
use medfed_integration_tests::{
	region, xcm_emulator::TestExt, CoordinatorPara, RegionAPara, RegionBPara, REGION_A, REGION_B,
};
use medfed_primitives::{
	query::{Outcome, QueryId, QueryKind},
	Membership,
};
use medfed_region_runtime::{
	Access, Federation, Institutions, Runtime, RuntimeEvent, RuntimeOrigin, System,
};
use pallet_access::{AccessEvent, Denial, RequestState};
use polkadot_sdk::{frame_support::assert_ok, sp_keyring::Sr25519Keyring};

/// The patient of these tests, whose records region B holds.
const PATIENT: &str = "Patient2";
/// The practitioner who reads, from region A.
const DOCTOR: Sr25519Keyring = Sr25519Keyring::Dave;
/// The account region B's first authority names as its proxy.
const PROXY: Sr25519Keyring = Sr25519Keyring::Two;

/// In region B: the patient's first record, granted to the doctor, and the first authority's
/// proxy account. Returns the record and the grant.
fn granted_in_b() -> (u64, u64) {
	let held = RegionBPara::execute_with(|| {
		region::first_record(Sr25519Keyring::One, PATIENT);
		region::publish_key(DOCTOR);
		let authority = Institutions::authorities()[0].clone();
		assert_ok!(Access::set_proxy_account(
			RuntimeOrigin::signed(authority),
			PROXY.to_account_id()
		));
		let record = region::last_record();
		(record, region::grant(PATIENT, DOCTOR, record))
	});
	// The next block announces the patient.
	RegionBPara::execute_with(|| {});
	CoordinatorPara::execute_with(|| {});
	held
}

/// In region A: the doctor asks to read what grant `grant` of region B shares. Returns the
/// query's number.
fn read(grant: u64) -> u64 {
	RegionAPara::execute_with(|| {
		let nonce = pallet_federation::NextQuery::<Runtime>::get();
		assert_ok!(Federation::query(
			RuntimeOrigin::signed(DOCTOR.to_account_id()),
			region::patient(PATIENT),
			QueryKind::Read { region: REGION_B, grant }
		));
		nonce
	})
}

/// The access request region B opened for read `query`. Call it in region B.
fn opened_for(query: QueryId) -> u64 {
	System::events()
		.into_iter()
		.find_map(|record| match record.event {
			RuntimeEvent::Federation(pallet_federation::Event::ReadOpened {
				query: read,
				request,
			}) if read == query => Some(request),
			_ => None,
		})
		.expect("region B opened a request for the read")
}

/// The proxy's capsule fragment for `record` of `request`: placeholder bytes of a real
/// fragment's size.
fn fragment(record: u64) -> Vec<u8> {
	vec![record as u8 ^ 0x5a; 381]
}

/// The doctor in region A reads the record region B holds: B opens a request in the doctor's
/// name, its proxy answers, and the record comes to A with the envelope and the fragment
/// byte for byte. Both regions audit it.
#[test]
fn a_record_held_in_another_region_is_read_with_its_proxies_fragments() {
	let (record, grant) = granted_in_b();
	let nonce = read(grant);
	let query = QueryId { region: REGION_A, nonce };
	CoordinatorPara::execute_with(|| {});
	let envelope = RegionBPara::execute_with(|| {
		let request = opened_for(query);
		let info = pallet_access::Requests::<Runtime>::get(request).expect("opened");
		assert_eq!(info.requester, DOCTOR.to_account_id());
		assert_eq!(info.records.to_vec(), vec![record]);
		assert_eq!(info.state, RequestState::Open);
		assert_eq!(info.deposit, 0, "the asking region holds the query's deposit");
		// The region's proxy answers it as any request.
		assert_ok!(Access::submit_fragments(
			RuntimeOrigin::signed(PROXY.to_account_id()),
			request,
			vec![(record, fragment(record).try_into().expect("short"))]
				.try_into()
				.expect("one record"),
		));
		assert!(matches!(
			pallet_access::Requests::<Runtime>::get(request).expect("kept").state,
			RequestState::Fulfilled { .. }
		));
		let trail: Vec<_> = {
			let patient = region::patient(PATIENT);
			let length = pallet_access::AuditLength::<Runtime>::get(&patient);
			(0..length)
				.filter_map(|i| pallet_access::Audit::<Runtime>::get(&patient, i))
				.map(|entry| entry.event)
				.collect()
		};
		assert!(trail
			.iter()
			.any(|e| matches!(e, AccessEvent::Requested { request: r, .. } if *r == request)));
		pallet_access::Envelopes::<Runtime>::get(grant, record).expect("wrapped")
	});
	// The next block sends the record, and audits it.
	RegionBPara::execute_with(|| {
		let patient = region::patient(PATIENT);
		let length = pallet_access::AuditLength::<Runtime>::get(&patient);
		let last = pallet_access::Audit::<Runtime>::get(&patient, length - 1).expect("audited");
		assert_eq!(last.event, AccessEvent::QueryServed { query, records: 1 });
	});
	RegionAPara::execute_with(|| {
		assert_eq!(ended(nonce), vec![Outcome::Answered { records: 1 }]);
		let (from, read_grant, records) = Federation::read_of(nonce).expect("answered");
		assert_eq!((from, read_grant.id), (REGION_B, grant));
		assert_eq!(records.len(), 1);
		assert_eq!(records[0].record.id, record);
		assert_eq!(records[0].capsule, envelope.capsule);
		assert_eq!(records[0].wrapped_key, envelope.wrapped_key);
		let fragments: Vec<(u8, Vec<u8>)> =
			records[0].fragments.iter().map(|(p, f)| (*p, f.to_vec())).collect();
		assert_eq!(fragments, vec![(0, fragment(record))]);
		let patient = region::patient(PATIENT);
		let length = pallet_access::AuditLength::<Runtime>::get(&patient);
		let last = pallet_access::Audit::<Runtime>::get(&patient, length - 1).expect("audited");
		assert_eq!(last.event, AccessEvent::QueryAnswered { query, from: REGION_B, records: 1 });
	});
}

/// The patient revokes the grant in region B after the read arrived there and before its proxy
/// answered: B's request is denied at once, A is told, the query ends denied, and the proxy's
/// fragment is refused.
#[test]
fn a_revocation_between_the_reads_arrival_and_its_answer_denies_it() {
	let (record, grant) = granted_in_b();
	let nonce = read(grant);
	let query = QueryId { region: REGION_A, nonce };
	CoordinatorPara::execute_with(|| {});
	RegionBPara::execute_with(|| {
		let request = opened_for(query);
		region::revoke(PATIENT, grant);
		assert_eq!(
			pallet_access::Requests::<Runtime>::get(request).expect("kept").state,
			RequestState::Denied { reason: Denial::Revoked, at: System::block_number() }
		);
		assert!(Access::submit_fragments(
			RuntimeOrigin::signed(PROXY.to_account_id()),
			request,
			vec![(record, fragment(record).try_into().expect("short"))]
				.try_into()
				.expect("one record"),
		)
		.is_err());
	});
	RegionAPara::execute_with(|| {
		assert_eq!(ended(nonce), vec![Outcome::Denied]);
		assert!(Federation::read_of(nonce).is_none());
	});
}

/// A read of a grant that is not the doctor's (the patient granted someone else) is denied in
/// region B without opening any request.
#[test]
fn a_read_of_someone_elses_grant_is_denied_without_a_request() {
	let grant = RegionBPara::execute_with(|| {
		region::first_record(Sr25519Keyring::One, PATIENT);
		region::publish_key(Sr25519Keyring::Eve);
		region::grant(PATIENT, Sr25519Keyring::Eve, region::last_record())
	});
	RegionBPara::execute_with(|| {});
	CoordinatorPara::execute_with(|| {});
	let nonce = read(grant);
	CoordinatorPara::execute_with(|| {});
	RegionBPara::execute_with(|| {
		assert_eq!(pallet_access::NextRequestId::<Runtime>::get(), 0);
	});
	RegionAPara::execute_with(|| assert_eq!(ended(nonce), vec![Outcome::Denied]));
}
