//! Unit tests of the access pallet.

use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::Pays},
	pallet_balances,
	sp_runtime::DispatchError,
};

/// What a patient's client sends to grant access; tests change what they need.
struct GrantCall {
	grantee: u64,
	scope: ScopeOf<Test>,
	threshold: u8,
	expires_at: u64,
	salt: [u8; 32],
	delegating_key: PublicKey,
	verifying_key: PublicKey,
	fragments: Vec<Vec<u8>>,
	envelopes: Vec<(RecordId, GrantEnvelope)>,
}

impl GrantCall {
	/// A 2-of-3 grant to the doctor of every record, wrapping record 0, until block 100.
	fn new() -> Self {
		GrantCall {
			grantee: DOCTOR,
			scope: Scope::All,
			threshold: 2,
			expires_at: 100,
			salt: [1; 32],
			delegating_key: key(),
			verifying_key: key(),
			fragments: vec![vec![0xaa; 48], vec![0xbb; 48], vec![0xcc; 48]],
			envelopes: vec![(0, envelope())],
		}
	}

	fn submit(self, patient: u64) -> DispatchResult {
		Access::grant(
			RuntimeOrigin::signed(patient),
			self.grantee,
			self.scope,
			self.threshold,
			self.expires_at,
			self.salt,
			self.delegating_key,
			self.verifying_key,
			self.fragments
				.into_iter()
				.map(|f| f.try_into().expect("within the bound"))
				.collect::<Vec<_>>()
				.try_into()
				.expect("within MaxProxies"),
			self.envelopes.try_into().expect("within MaxEnvelopesPerCall"),
		)
	}
}

fn records(ids: &[RecordId]) -> BoundedVec<RecordId, MaxRecordsPerRequest> {
	ids.to_vec().try_into().expect("within the bound")
}

fn purpose() -> BoundedVec<u8, MaxPurposeLen> {
	b"normal care".to_vec().try_into().expect("short")
}

fn fragments(
	ids: &[RecordId],
	byte: u8,
) -> BoundedVec<(RecordId, CapsuleFragmentOf<Test>), MaxRecordsPerRequest> {
	ids.iter()
		.map(|id| (*id, vec![byte; 40].try_into().expect("short")))
		.collect::<Vec<_>>()
		.try_into()
		.expect("within the bound")
}

fn state(request: RequestId) -> RequestState<u64> {
	Requests::<Test>::get(request).expect("the request exists").state
}

fn audit(patient: u64) -> Vec<AccessEventOf<Test>> {
	Access::audit_page(&patient, 0, u32::MAX)
		.1
		.into_iter()
		.map(|e| e.event)
		.collect()
}

#[docify::export]
#[test]
fn two_of_three_proxies_fulfil_a_request() {
	new_test_ext(|| {
		// The patient grants the doctor 2 of 3, with record 0 wrapped to the grant.
		assert_ok!(GrantCall::new().submit(PATIENT));
		// The doctor asks for record 0; the request is due 10 blocks later.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!(state(0), RequestState::Open);
		// Two proxies issue their capsule fragments, free of charge.
		let paid = Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1))
			.expect("accepted");
		assert_eq!(paid.pays_fee, Pays::No);
		assert_eq!(state(0), RequestState::Open);
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_C), 0, fragments(&[0], 3)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		System::assert_last_event(Event::RequestFulfilled { request: 0 }.into());
		// The doctor reads the fragments of proxies 0 and 2.
		let mut issued = Access::fragments_of(0);
		issued.sort();
		assert_eq!(issued, vec![(0, 0, vec![1; 40]), (0, 2, vec![3; 40])]);
		// The patient's audit trail has it all, in this region.
		let trail = Access::audit_page(&PATIENT, 0, 10).1;
		assert!(trail.iter().all(|e| e.region == 2000 && e.at == 1));
		assert!(matches!(trail[0].event, AccessEvent::Granted { grant: 0, grantee: DOCTOR }));
		assert!(matches!(trail[1].event, AccessEvent::Requested { request: 0, grant: 0, .. }));
		assert!(matches!(trail[2].event, AccessEvent::FragmentsIssued { proxy: AUTHORITY_A, .. }));
		assert!(matches!(trail[3].event, AccessEvent::FragmentsIssued { proxy: AUTHORITY_C, .. }));
		assert!(matches!(trail[4].event, AccessEvent::Fulfilled { request: 0 }));
		assert_eq!(trail.len(), 5);
	});
}

#[test]
fn a_grant_stores_its_proxies_fragments_and_envelopes() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		let grant = Grants::<Test>::get(0).expect("granted");
		assert_eq!(grant.proxies.to_vec(), vec![AUTHORITY_A, AUTHORITY_B, AUTHORITY_C]);
		assert_eq!((grant.threshold, grant.expires_at, grant.revoked_at), (2, 100, None));
		assert_eq!(Fragments::<Test>::get(0, 1).map(|f| f.to_vec()), Some(vec![0xbb; 48]));
		assert!(Envelopes::<Test>::contains_key(0, 0));
		assert!(GrantsOfPatient::<Test>::contains_key(PATIENT, 0));
		assert!(GrantsToGrantee::<Test>::contains_key(DOCTOR, 0));
		System::assert_last_event(
			Event::Granted {
				grant: 0,
				patient: PATIENT,
				grantee: DOCTOR,
				threshold: 2,
				proxies: 3,
				expires_at: 100,
			}
			.into(),
		);
	});
}

#[test]
fn bad_grants_are_refused_and_change_nothing() {
	new_test_ext(|| {
		let refused = |call: GrantCall, patient: u64, error: Error<Test>| {
			assert_noop!(call.submit(patient), error);
		};
		refused(GrantCall::new(), DOCTOR, Error::NotPatient);
		refused(GrantCall { grantee: PATIENT, ..GrantCall::new() }, PATIENT, Error::SelfGrant);
		refused(
			GrantCall { grantee: STRANGER, ..GrantCall::new() },
			PATIENT,
			Error::GranteeHasNoKey,
		);
		refused(
			GrantCall { delegating_key: PublicKey([9; 33]), ..GrantCall::new() },
			PATIENT,
			Error::InvalidKey,
		);
		// n must be the authority set: neither more nor fewer fragments.
		let four = vec![vec![1; 8], vec![2; 8], vec![3; 8], vec![4; 8]];
		refused(
			GrantCall { fragments: four, ..GrantCall::new() },
			PATIENT,
			Error::WrongFragmentCount,
		);
		let two = vec![vec![1; 8], vec![2; 8]];
		refused(
			GrantCall { fragments: two, ..GrantCall::new() },
			PATIENT,
			Error::WrongFragmentCount,
		);
		let empty = vec![vec![1; 8], vec![], vec![3; 8]];
		refused(GrantCall { fragments: empty, ..GrantCall::new() }, PATIENT, Error::EmptyFragment);
		refused(GrantCall { threshold: 0, ..GrantCall::new() }, PATIENT, Error::InvalidThreshold);
		refused(GrantCall { threshold: 4, ..GrantCall::new() }, PATIENT, Error::InvalidThreshold);
		refused(GrantCall { expires_at: 1, ..GrantCall::new() }, PATIENT, Error::InvalidExpiry);
		refused(GrantCall { expires_at: 1_002, ..GrantCall::new() }, PATIENT, Error::InvalidExpiry);
		let no_types = Scope::Types(BoundedVec::new());
		refused(GrantCall { scope: no_types, ..GrantCall::new() }, PATIENT, Error::InvalidScope);
		let twice = Scope::Types(vec![condition(), condition()].try_into().expect("short"));
		refused(GrantCall { scope: twice, ..GrantCall::new() }, PATIENT, Error::InvalidScope);
		// A scope naming another patient's record, or no record at all.
		let others = Scope::Records(vec![0, 3].try_into().expect("short"));
		let both = vec![(0, envelope()), (3, envelope())];
		refused(
			GrantCall { scope: others, envelopes: both, ..GrantCall::new() },
			PATIENT,
			Error::NotPatientsRecord,
		);
		let unknown = Scope::Records(vec![0, 9].try_into().expect("short"));
		let both = vec![(0, envelope()), (9, envelope())];
		refused(
			GrantCall { scope: unknown, envelopes: both, ..GrantCall::new() },
			PATIENT,
			Error::UnknownRecord,
		);
		// Envelopes: in scope, the patient's, not voided, once each, all of an id scope.
		let conditions = Scope::Types(vec![condition()].try_into().expect("short"));
		refused(GrantCall { scope: conditions, ..GrantCall::new() }, PATIENT, Error::OutOfScope);
		let other = vec![(3, envelope())];
		refused(
			GrantCall { envelopes: other, ..GrantCall::new() },
			PATIENT,
			Error::NotPatientsRecord,
		);
		let voided = vec![(2, envelope())];
		refused(GrantCall { envelopes: voided, ..GrantCall::new() }, PATIENT, Error::RecordVoided);
		let doubled = vec![(0, envelope()), (0, envelope())];
		refused(
			GrantCall { envelopes: doubled, ..GrantCall::new() },
			PATIENT,
			Error::DuplicateEnvelope,
		);
		let ids = Scope::Records(vec![0, 1].try_into().expect("short"));
		refused(GrantCall { scope: ids, ..GrantCall::new() }, PATIENT, Error::MissingEnvelope);
		let mut bad = envelope();
		bad.capsule.0[0] = 9;
		refused(
			GrantCall { envelopes: vec![(0, bad)], ..GrantCall::new() },
			PATIENT,
			Error::InvalidCapsule,
		);
		// A salt names one grant only.
		assert_ok!(GrantCall::new().submit(PATIENT));
		refused(GrantCall::new(), PATIENT, Error::SaltReused);
	});
}

#[test]
fn without_authorities_there_is_no_grant() {
	new_test_ext(|| {
		Authorities::set(vec![]);
		assert_noop!(
			GrantCall { fragments: vec![], ..GrantCall::new() }.submit(PATIENT),
			Error::<Test>::NoProxies
		);
	});
}

#[test]
fn a_grant_holds_at_most_max_records_per_grant() {
	new_test_ext(|| {
		for id in 10..16 {
			RecordTable::mutate(|t| {
				t.insert(
					id,
					RecordSubject { patient: PATIENT, resource_type: condition(), voided: false },
				)
			});
		}
		let envelopes = (10..14).map(|id| (id, envelope())).collect();
		assert_ok!(GrantCall { envelopes, ..GrantCall::new() }.submit(PATIENT));
		let more = vec![(14, envelope()), (15, envelope())];
		assert_ok!(Access::extend_grant(
			RuntimeOrigin::signed(PATIENT),
			0,
			more.try_into().unwrap()
		));
		assert_noop!(
			Access::extend_grant(
				RuntimeOrigin::signed(PATIENT),
				0,
				vec![(0, envelope())].try_into().unwrap()
			),
			Error::<Test>::TooManyEnvelopes
		);
		assert_eq!(EnvelopeCount::<Test>::get(0), 6);
	});
}

#[test]
fn the_patient_extends_a_live_grant_with_records_in_scope() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		let one = |id| -> BoundedVec<_, MaxEnvelopesPerCall> {
			vec![(id, envelope())].try_into().unwrap()
		};
		assert_noop!(
			Access::extend_grant(RuntimeOrigin::signed(DOCTOR), 0, one(1)),
			Error::<Test>::NotGrantor
		);
		assert_noop!(
			Access::extend_grant(RuntimeOrigin::signed(PATIENT), 7, one(1)),
			Error::<Test>::UnknownGrant
		);
		assert_noop!(
			Access::extend_grant(RuntimeOrigin::signed(PATIENT), 0, one(0)),
			Error::<Test>::DuplicateEnvelope
		);
		assert_ok!(Access::extend_grant(RuntimeOrigin::signed(PATIENT), 0, one(1)));
		assert!(Envelopes::<Test>::contains_key(0, 1));
		assert!(matches!(audit(PATIENT).last(), Some(AccessEvent::Extended { grant: 0, .. })));
		run_to(100);
		assert_noop!(
			Access::extend_grant(RuntimeOrigin::signed(PATIENT), 0, one(3)),
			Error::<Test>::GrantEnded
		);
	});
}

#[test]
fn a_scope_of_types_opens_those_types_only() {
	new_test_ext(|| {
		let conditions = Scope::Types(vec![condition()].try_into().expect("short"));
		assert_ok!(GrantCall {
			scope: conditions,
			envelopes: vec![(1, envelope())],
			..GrantCall::new()
		}
		.submit(PATIENT));
		// Record 0 is an Observation: denied, audited.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::OutOfScope, at: 1 });
		System::assert_last_event(
			Event::RequestDenied { request: 0, reason: Denial::OutOfScope }.into(),
		);
		assert_noop!(
			Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)),
			Error::<Test>::RequestEnded
		);
		// Record 1 is a Condition: open.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[1]), purpose()));
		assert_eq!(state(1), RequestState::Open);
	});
}

#[test]
fn a_record_in_scope_but_not_wrapped_is_denied() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0, 1]), purpose()));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::OutOfScope, at: 1 });
	});
}

#[test]
fn bad_requests_are_refused_and_change_nothing() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		let request = |who: u64, grant: GrantId, ids: &[RecordId]| {
			Access::request(RuntimeOrigin::signed(who), grant, records(ids), purpose())
		};
		assert_noop!(request(STRANGER, 0, &[0]), Error::<Test>::NotGrantee);
		assert_noop!(request(PATIENT, 0, &[0]), Error::<Test>::NotGrantee);
		assert_noop!(request(DOCTOR, 5, &[0]), Error::<Test>::UnknownGrant);
		assert_noop!(request(DOCTOR, 0, &[]), Error::<Test>::InvalidRequest);
		assert_noop!(request(DOCTOR, 0, &[0, 0]), Error::<Test>::InvalidRequest);
		assert_noop!(request(DOCTOR, 0, &[9]), Error::<Test>::UnknownRecord);
		assert_noop!(request(DOCTOR, 0, &[3]), Error::<Test>::NotPatientsRecord);
		assert_eq!(NextRequestId::<Test>::get(), 0);
	});
}

#[test]
fn a_voided_record_is_denied() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		RecordTable::mutate(|t| t.get_mut(&0).expect("record 0").voided = true);
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::Voided, at: 1 });
	});
}

#[test]
fn revocation_is_final_and_denies_open_requests_at_once() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		// A request and the revocation in the same block: no fragment is ever accepted.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_noop!(Access::revoke(RuntimeOrigin::signed(DOCTOR), 0), Error::<Test>::NotGrantor);
		assert_noop!(
			Access::revoke(RuntimeOrigin::signed(PATIENT), 3),
			Error::<Test>::UnknownGrant
		);
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		System::assert_last_event(Event::Revoked { grant: 0, denied: 1 }.into());
		assert_eq!(state(0), RequestState::Denied { reason: Denial::Revoked, at: 1 });
		assert_noop!(
			Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)),
			Error::<Test>::RequestEnded
		);
		// The proxies' encrypted fragments are gone from state.
		assert_eq!(Fragments::<Test>::iter_prefix(0).count(), 0);
		assert_noop!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0), Error::<Test>::GrantEnded);
		// A new request ends denied.
		run_to(2);
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!(state(1), RequestState::Denied { reason: Denial::Revoked, at: 2 });
		assert!(Access::fragments_of(0).is_empty() && Access::fragments_of(1).is_empty());
		let trail = audit(PATIENT);
		assert!(matches!(trail[2], AccessEvent::Denied { request: 0, reason: Denial::Revoked }));
		assert!(matches!(trail[3], AccessEvent::Revoked { grant: 0 }));
		assert!(matches!(trail[5], AccessEvent::Denied { request: 1, reason: Denial::Revoked }));
	});
}

#[test]
fn an_expired_grant_opens_nothing() {
	new_test_ext(|| {
		assert_ok!(GrantCall { expires_at: 20, ..GrantCall::new() }.submit(PATIENT));
		// A request open when the grant expires is denied by the next fragment, which is not
		// stored.
		run_to(15);
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		run_to(20);
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::Expired, at: 20 });
		assert!(Access::fragments_of(0).is_empty());
		// A request after expiry is denied.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!(state(1), RequestState::Denied { reason: Denial::Expired, at: 20 });
	});
}

#[test]
fn an_unfulfilled_request_expires_once_at_its_deadline() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_B), 0, fragments(&[0], 2)));
		assert_eq!(Access::open_requests(), vec![0]);
		run_to(10);
		assert_eq!(state(0), RequestState::Open);
		run_to(11);
		assert_eq!(state(0), RequestState::Expired { at: 11 });
		System::assert_last_event(Event::RequestExpired { request: 0 }.into());
		assert!(Access::open_requests().is_empty());
		assert_noop!(
			Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)),
			Error::<Test>::RequestEnded
		);
		run_to(30);
		let expiries = audit(PATIENT)
			.iter()
			.filter(|e| matches!(e, AccessEvent::Expired { .. }))
			.count();
		assert_eq!(expiries, 1);
	});
}

#[test]
fn too_many_requests_due_at_once_are_refused() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		for _ in 0..2 {
			assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		}
		assert_noop!(
			Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()),
			Error::<Test>::Busy
		);
		run_to(2);
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_noop!(
			Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()),
			Error::<Test>::Busy
		);
	});
}

#[test]
fn only_the_grants_proxies_issue_fragments_once_per_record() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::extend_grant(
			RuntimeOrigin::signed(PATIENT),
			0,
			vec![(1, envelope())].try_into().unwrap()
		));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0, 1]), purpose()));
		let submit = |who: u64, f| Access::submit_fragments(RuntimeOrigin::signed(who), 0, f);
		// Not a proxy account, or the authority's own account.
		assert_noop!(submit(STRANGER, fragments(&[0], 1)), Error::<Test>::NotProxy);
		assert_noop!(submit(AUTHORITY_A, fragments(&[0], 1)), Error::<Test>::NotProxy);
		assert_noop!(submit(PROXY_A, fragments(&[], 1)), Error::<Test>::EmptyFragments);
		assert_noop!(submit(PROXY_A, fragments(&[3], 1)), Error::<Test>::RecordNotRequested);
		assert_noop!(submit(PROXY_A, fragments(&[0, 0], 1)), Error::<Test>::AlreadyIssued);
		assert_noop!(
			Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 9, fragments(&[0], 1)),
			Error::<Test>::UnknownRequest
		);
		// One record now, the other later; never one twice.
		assert_ok!(submit(PROXY_A, fragments(&[0], 1)));
		assert_noop!(submit(PROXY_A, fragments(&[0], 1)), Error::<Test>::AlreadyIssued);
		assert_ok!(submit(PROXY_A, fragments(&[1], 1)));
		assert_ok!(submit(PROXY_B, fragments(&[0], 2)));
		assert_eq!(state(0), RequestState::Open, "record 1 has one fragment");
		assert_ok!(submit(PROXY_B, fragments(&[1], 2)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		// A fulfilled request still takes the third proxy's fragments until its deadline (the
		// first two might include a wrong one), and none after it.
		assert_ok!(submit(PROXY_C, fragments(&[0], 3)));
		assert_eq!(FragmentCount::<Test>::get(0, 0), 3);
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_eq!(Access::open_requests(), vec![0]);
		run_to(11);
		assert!(Access::open_requests().is_empty());
		assert_noop!(submit(PROXY_C, fragments(&[1], 3)), Error::<Test>::RequestEnded);
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		// A removed authority's proxy, and an authority admitted after the grant, issue nothing.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		Authorities::set(vec![AUTHORITY_B, AUTHORITY_C, 4]);
		assert_ok!(Access::set_proxy_account(RuntimeOrigin::signed(4), 14));
		let later =
			|who: u64| Access::submit_fragments(RuntimeOrigin::signed(who), 1, fragments(&[0], 4));
		assert_noop!(later(PROXY_A), Error::<Test>::NotProxy);
		assert_noop!(later(14), Error::<Test>::ProxyNotInGrant);
	});
}

#[test]
fn proxy_accounts_are_named_by_authorities_only() {
	new_test_ext(|| {
		assert_noop!(
			Access::set_proxy_account(RuntimeOrigin::signed(HOSPITAL), 30),
			Error::<Test>::NotAuthority
		);
		assert_noop!(
			Access::set_proxy_account(RuntimeOrigin::signed(AUTHORITY_A), PROXY_B),
			Error::<Test>::ProxyAccountInUse
		);
		// A new account replaces the old, which can no longer submit.
		assert_ok!(Access::set_proxy_account(RuntimeOrigin::signed(AUTHORITY_A), 30));
		assert_eq!(ProxyOf::<Test>::get(PROXY_A), None);
		assert_eq!(ProxyOf::<Test>::get(30), Some(AUTHORITY_A));
		assert_noop!(
			Access::set_proxy_account(RuntimeOrigin::none(), 31),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn keys_are_checked() {
	new_test_ext(|| {
		assert_noop!(
			Access::register_key(RuntimeOrigin::signed(STRANGER), PublicKey([4; 33])),
			Error::<Test>::InvalidKey
		);
		let k = key();
		assert_ok!(Access::register_key(RuntimeOrigin::signed(STRANGER), k));
		assert_eq!(Keys::<Test>::get(STRANGER), Some(k));
	});
}

#[test]
fn no_event_or_audit_entry_carries_a_fragment() {
	new_test_ext(|| {
		let marker = b"KFRAG-MARKER-0123456789".to_vec();
		let mut call = GrantCall::new();
		call.fragments = vec![marker.clone(), marker.clone(), marker.clone()];
		assert_ok!(call.submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		let cfrag: CapsuleFragmentOf<Test> = marker.clone().try_into().unwrap();
		let f: BoundedVec<_, MaxRecordsPerRequest> = vec![(0, cfrag)].try_into().unwrap();
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, f));
		let events = System::events().encode();
		let trail = Access::audit_page(&PATIENT, 0, 100).1.encode();
		for bytes in [events, trail] {
			assert!(!bytes.windows(marker.len()).any(|w| w == marker.as_slice()));
		}
	});
}

#[test]
fn a_record_voided_while_requested_is_never_released() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		RecordTable::mutate(|t| t.get_mut(&0).expect("record 0").voided = true);
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::Voided, at: 1 });
		assert!(Access::fragments_of(0).is_empty());
	});
}

#[test]
fn revoking_a_fulfilled_request_stops_its_remaining_fragments() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		for proxy in [PROXY_A, PROXY_B] {
			assert_ok!(Access::submit_fragments(
				RuntimeOrigin::signed(proxy),
				0,
				fragments(&[0], 1)
			));
		}
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		System::assert_last_event(Event::Revoked { grant: 0, denied: 0 }.into());
		assert_noop!(
			Access::submit_fragments(RuntimeOrigin::signed(PROXY_C), 0, fragments(&[0], 3)),
			Error::<Test>::GrantEnded
		);
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_eq!(FragmentCount::<Test>::get(0, 0), 2);
	});
}

#[test]
fn an_extension_names_every_record_it_wraps_in_the_audit_trail() {
	new_test_ext(|| {
		for id in 10..14 {
			RecordTable::mutate(|t| {
				t.insert(
					id,
					RecordSubject { patient: PATIENT, resource_type: condition(), voided: false },
				)
			});
		}
		assert_ok!(GrantCall::new().submit(PATIENT));
		let four: Vec<_> = (10..14).map(|id| (id, envelope())).collect();
		assert_ok!(Access::extend_grant(
			RuntimeOrigin::signed(PATIENT),
			0,
			four.try_into().expect("within the bound")
		));
		let named: Vec<RecordId> = audit(PATIENT)
			.into_iter()
			.filter_map(|e| match e {
				AccessEvent::Extended { records, .. } => Some(records.into_inner()),
				_ => None,
			})
			.flatten()
			.collect();
		assert_eq!(named, vec![10, 11, 12, 13]);
	});
}

/// The public key of an umbral-pre key, as the chain keeps it.
fn chain_key(key: &umbral_pre::PublicKey) -> PublicKey {
	PublicKey::parse(&key.to_compressed_bytes()).expect("a real key")
}

/// A real 2-of-3 grant's Umbral side: its delegating key, the patient's signer, the doctor's
/// key, record 0's document key wrapped to the grant, and the three proxies' key fragments.
struct RealGrant {
	delegating: umbral_pre::SecretKey,
	signer: umbral_pre::Signer,
	grantee: umbral_pre::SecretKey,
	capsule: umbral_pre::Capsule,
	envelope: GrantEnvelope,
	kfrags: Vec<umbral_pre::VerifiedKeyFrag>,
}

impl RealGrant {
	fn new() -> Self {
		let delegating = umbral_pre::SecretKey::random();
		let signer = umbral_pre::Signer::new(umbral_pre::SecretKey::random());
		let grantee = umbral_pre::SecretKey::random();
		let (capsule, wrapped) =
			umbral_pre::encrypt(&delegating.public_key(), &[7u8; 32]).expect("encrypts");
		let kfrags = umbral_pre::generate_kfrags(
			&delegating,
			&grantee.public_key(),
			&signer,
			2,
			3,
			true,
			true,
		)
		.into_vec();
		let envelope = GrantEnvelope {
			capsule: Capsule::from_umbral(&capsule),
			wrapped_key: medfed_primitives::WrappedKey::parse(&wrapped).expect("72 bytes"),
		};
		RealGrant { delegating, signer, grantee, capsule, envelope, kfrags }
	}

	/// The doctor publishes this grant's grantee key; the patient grants it record 0 (grant 0)
	/// with these keys, and the doctor requests record 0 (request 0).
	fn grant_and_request(&self) {
		assert_ok!(Access::register_key(
			RuntimeOrigin::signed(DOCTOR),
			chain_key(&self.grantee.public_key())
		));
		assert_ok!(GrantCall {
			delegating_key: chain_key(&self.delegating.public_key()),
			verifying_key: chain_key(&self.signer.verifying_key()),
			envelopes: vec![(0, self.envelope)],
			..GrantCall::new()
		}
		.submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
	}

	/// The capsule fragment of record 0 by the key fragment at `position`, as a proxy
	/// encodes it.
	fn cfrag(&self, position: usize) -> Vec<u8> {
		self.cfrag_of(&self.capsule, position)
	}

	/// A capsule fragment of `capsule` by this grant's key fragment at `position`.
	fn cfrag_of(&self, capsule: &umbral_pre::Capsule, position: usize) -> Vec<u8> {
		use umbral_pre::DefaultSerialize;
		umbral_pre::reencrypt(capsule, self.kfrags[position].clone())
			.unverify()
			.to_bytes()
			.expect("encodes")
			.into_vec()
	}

	/// What the chain finds of `bytes` as a fragment of record 0 under this grant.
	fn judge(&self, bytes: &[u8]) -> fragment::Verdict {
		fragment::judge(
			bytes,
			&self.envelope.capsule,
			&chain_key(&self.signer.verifying_key()),
			&chain_key(&self.delegating.public_key()),
			&chain_key(&self.grantee.public_key()),
		)
		.expect("real keys")
	}
}

/// `proxy` submits `bytes` as its capsule fragment of record 0 of request 0.
fn submit_one(proxy: u64, bytes: Vec<u8>) -> DispatchResultWithPostInfo {
	submit_one_to(0, proxy, bytes)
}

fn complain(
	who: u64,
	request: RequestId,
	record: RecordId,
	proxy: u64,
) -> DispatchResultWithPostInfo {
	Access::complain(RuntimeOrigin::signed(who), request, record, proxy)
}

#[test]
fn the_runtime_reads_umbral_pres_encoding_of_a_capsule_fragment_and_nothing_else() {
	let grant = RealGrant::new();
	let bytes = grant.cfrag(1);
	let cfrag = fragment::decode(&bytes).expect("umbral-pre's own encoding");
	assert_eq!(bytes.len(), fragment::ENCODED_LEN);
	assert!(bytes.len() <= medfed_primitives::access::CAPSULE_FRAGMENT_MAX_LEN);
	assert_eq!(fragment::encode(&cfrag), bytes, "the benchmarks' encoder writes the same bytes");
	assert_eq!(grant.judge(&bytes), fragment::Verdict::Valid);

	// Cut short, with a byte more, a byte changed in a point's tag, or not one at all.
	let short = &bytes[..bytes.len() - 1];
	let longer = [&bytes[..], &[0]].concat();
	let mut bad_point = bytes.clone();
	bad_point[3] = 0x04;
	for malformed in [short, &longer, &bad_point, b"not a capsule fragment", &[]] {
		assert!(fragment::decode(malformed).is_none());
		assert_eq!(grant.judge(malformed), fragment::Verdict::Malformed);
	}
	// Well formed but wrong: a changed scalar, another grant's fragment of another capsule, or
	// of this capsule by another grant's key fragment.
	let mut bad_scalar = bytes.clone();
	bad_scalar[314] ^= 1;
	let other = RealGrant::new();
	for wrong in [bad_scalar, other.cfrag(0), other.cfrag_of(&grant.capsule, 0)] {
		assert!(fragment::decode(&wrong).is_some());
		assert_eq!(grant.judge(&wrong), fragment::Verdict::Invalid);
	}
}

#[test]
fn a_complaint_removes_a_wrong_fragment_and_bars_its_proxy() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		// Proxy A answers with garbage, proxy B rightly: two fragments, fulfilled.
		assert_ok!(submit_one(PROXY_A, b"garbage, not a capsule fragment".to_vec()));
		let good = grant.cfrag(1);
		assert_ok!(submit_one(PROXY_B, good.clone()));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });

		// The doctor's complaint is upheld, free of charge.
		let paid = complain(DOCTOR, 0, 0, AUTHORITY_A).expect("upheld");
		assert_eq!(paid.pays_fee, Pays::No);
		System::assert_last_event(
			Event::ComplaintUpheld { request: 0, record: 0, proxy: AUTHORITY_A, reopened: true }
				.into(),
		);
		assert_eq!(Access::fragments_of(0), vec![(0, 1, good)]);
		assert_eq!(FragmentCount::<Test>::get(0, 0), 1);
		assert!(FailedProxies::<Test>::contains_key(0, 0));
		// One good fragment is below the threshold: open again, for the others to answer.
		assert_eq!(state(0), RequestState::Open);
		assert_eq!(Access::open_requests(), vec![0]);
		let trail = Access::audit_page(&PATIENT, 0, 100).1;
		let last = trail.last().expect("audited");
		assert_eq!(last.actor, DOCTOR);
		assert_eq!(
			last.event,
			AccessEvent::ComplaintUpheld {
				request: 0,
				record: 0,
				proxy: AUTHORITY_A,
				reopened: true
			}
		);
		// The last variant: the client's mirror (`client/src/chain/access.rs`) decodes it by this
		// position.
		assert_eq!(last.event.encode()[0], 8);

		// Proxy A issues nothing more for the request, even a good fragment; the same complaint
		// again finds no fragment.
		assert_noop!(submit_one(PROXY_A, grant.cfrag(0)), Error::<Test>::ProxyFailed);
		assert_noop!(complain(DOCTOR, 0, 0, AUTHORITY_A), Error::<Test>::NoFragment);

		// Proxy C's good fragment fulfils it again, and both left verify.
		assert_ok!(submit_one(PROXY_C, grant.cfrag(2)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		System::assert_last_event(Event::RequestFulfilled { request: 0 }.into());
		for (_, _, bytes) in Access::fragments_of(0) {
			assert_eq!(grant.judge(&bytes), fragment::Verdict::Valid);
		}
	});
}

#[test]
fn a_fragment_of_another_grant_is_complained_away() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		let other = RealGrant::new();
		// Proxy C answers with a well-formed fragment of another grant's capsule, proxy A with
		// one of this capsule by another grant's key fragment.
		assert_ok!(submit_one(PROXY_C, other.cfrag(2)));
		assert_ok!(submit_one(PROXY_A, other.cfrag_of(&grant.capsule, 0)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_ok!(complain(DOCTOR, 0, 0, AUTHORITY_C));
		System::assert_last_event(
			Event::ComplaintUpheld { request: 0, record: 0, proxy: AUTHORITY_C, reopened: true }
				.into(),
		);
		assert_ok!(complain(DOCTOR, 0, 0, AUTHORITY_A));
		// Already open: the second complaint reopens nothing.
		System::assert_last_event(
			Event::ComplaintUpheld { request: 0, record: 0, proxy: AUTHORITY_A, reopened: false }
				.into(),
		);
		assert!(Access::fragments_of(0).is_empty());
		assert!(!FragmentCount::<Test>::contains_key(0, 0));
		assert_noop!(submit_one(PROXY_C, grant.cfrag(2)), Error::<Test>::ProxyFailed);
		// Proxy B alone is below the threshold: the request expires at its deadline, once.
		assert_ok!(submit_one(PROXY_B, grant.cfrag(1)));
		assert_eq!(state(0), RequestState::Open);
		run_to(11);
		assert_eq!(state(0), RequestState::Expired { at: 11 });
		let ends = audit(PATIENT)
			.iter()
			.filter(|e| matches!(e, AccessEvent::Fulfilled { .. } | AccessEvent::Expired { .. }))
			.count();
		assert_eq!(ends, 2, "a fulfilment withdrawn, then the expiry");
	});
}

#[test]
fn a_valid_fragment_is_not_complained_away() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, grant.cfrag(0)));
		assert_ok!(submit_one(PROXY_B, grant.cfrag(1)));
		let refused = complain(DOCTOR, 0, 0, AUTHORITY_B).expect_err("the fragment verifies");
		assert_eq!(refused.error, Error::<Test>::FragmentValid.into());
		assert_eq!(refused.post_info.pays_fee, Pays::Yes, "the complainant pays");
		assert_noop!(complain(DOCTOR, 0, 0, AUTHORITY_A), Error::<Test>::FragmentValid);
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_eq!(FragmentCount::<Test>::get(0, 0), 2);
	});
}

#[test]
fn only_the_requester_complains() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, b"garbage".to_vec()));
		for who in [STRANGER, PATIENT, PROXY_B, AUTHORITY_B] {
			assert_noop!(complain(who, 0, 0, AUTHORITY_A), Error::<Test>::NotRequester);
		}
		assert_noop!(
			Access::complain(RuntimeOrigin::none(), 0, 0, AUTHORITY_A),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_complaint_names_a_request_record_and_fragment_that_exist() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, b"garbage".to_vec()));
		assert_noop!(complain(DOCTOR, 9, 0, AUTHORITY_A), Error::<Test>::UnknownRequest);
		assert_noop!(complain(DOCTOR, 0, 1, AUTHORITY_A), Error::<Test>::RecordNotRequested);
		// The proxy's account instead of its authority's, or no proxy of the grant at all.
		assert_noop!(complain(DOCTOR, 0, 0, PROXY_A), Error::<Test>::ProxyNotInGrant);
		assert_noop!(complain(DOCTOR, 0, 0, HOSPITAL), Error::<Test>::ProxyNotInGrant);
		assert_noop!(complain(DOCTOR, 0, 0, AUTHORITY_B), Error::<Test>::NoFragment);
		// A request that expired, or was denied, takes no complaint.
		run_to(11);
		assert_eq!(state(0), RequestState::Expired { at: 11 });
		assert_noop!(complain(DOCTOR, 0, 0, AUTHORITY_A), Error::<Test>::RequestEnded);
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_ok!(submit_one_to(1, PROXY_A, b"garbage".to_vec()));
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		assert_eq!(state(1), RequestState::Denied { reason: Denial::Revoked, at: 11 });
		assert_noop!(complain(DOCTOR, 1, 0, AUTHORITY_A), Error::<Test>::RequestEnded);
	});
}

/// `proxy` submits `bytes` as its capsule fragment of record 0 of `request`.
fn submit_one_to(request: RequestId, proxy: u64, bytes: Vec<u8>) -> DispatchResultWithPostInfo {
	let fragments: BoundedVec<_, MaxRecordsPerRequest> =
		vec![(0, bytes.try_into().expect("within the bound"))].try_into().expect("one");
	Access::submit_fragments(RuntimeOrigin::signed(proxy), request, fragments)
}

#[test]
fn a_complaint_after_the_deadline_is_upheld_but_reopens_nothing() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, grant.cfrag(0)));
		assert_ok!(submit_one(PROXY_B, b"garbage".to_vec()));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		// The grantee reads after the deadline: the proof against proxy B still stands.
		run_to(20);
		assert_ok!(complain(DOCTOR, 0, 0, AUTHORITY_B));
		System::assert_last_event(
			Event::ComplaintUpheld { request: 0, record: 0, proxy: AUTHORITY_B, reopened: false }
				.into(),
		);
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert!(Access::open_requests().is_empty());
		assert_eq!(FragmentCount::<Test>::get(0, 0), 1);
	});
}

#[test]
fn a_complaint_under_a_revoked_grant_reopens_nothing() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, grant.cfrag(0)));
		assert_ok!(submit_one(PROXY_B, b"garbage".to_vec()));
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		assert_ok!(complain(DOCTOR, 0, 0, AUTHORITY_B));
		System::assert_last_event(
			Event::ComplaintUpheld { request: 0, record: 0, proxy: AUTHORITY_B, reopened: false }
				.into(),
		);
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
	});
}

/// What `who` has on hold for access requests.
fn held(who: u64) -> u64 {
	use polkadot_sdk::frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::AccessRequest.into(), &who)
}

/// The deposit request `request` holds now.
fn deposit(request: RequestId) -> u64 {
	Requests::<Test>::get(request).expect("the request exists").deposit
}

/// The amounts the balances pallet released from hold for access requests, in order.
fn releases() -> Vec<(u64, u64)> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Balances(pallet_balances::Event::Released { reason, who, amount })
				if reason == HoldReason::AccessRequest.into() =>
				Some((who, amount)),
			_ => None,
		})
		.collect()
}

#[test]
fn an_open_request_holds_its_deposit_until_it_is_fulfilled() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!((held(DOCTOR), deposit(0)), (RequestDeposit::get(), RequestDeposit::get()));
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT - RequestDeposit::get());
		// One fragment is no end: still held.
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)));
		assert_eq!(held(DOCTOR), RequestDeposit::get());
		// Fulfilled: released in full; later fragments release nothing more.
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_B), 0, fragments(&[0], 2)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_eq!((held(DOCTOR), deposit(0)), (0, 0));
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_C), 0, fragments(&[0], 3)));
		run_to(20);
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
		assert_eq!(releases(), vec![(DOCTOR, RequestDeposit::get())]);
	});
}

#[test]
fn revocation_releases_the_deposits_of_the_grants_open_requests() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		for _ in 0..2 {
			assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		}
		assert_eq!(held(DOCTOR), 2 * RequestDeposit::get());
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		assert_eq!(state(1), RequestState::Denied { reason: Denial::Revoked, at: 1 });
		assert_eq!((held(DOCTOR), deposit(0), deposit(1)), (0, 0, 0));
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
		System::assert_last_event(Event::Revoked { grant: 0, denied: 2 }.into());
	});
}

#[test]
fn a_denial_by_a_late_fragment_releases_the_deposit() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		RecordTable::mutate(|t| t.get_mut(&0).expect("record 0").voided = true);
		assert_ok!(Access::submit_fragments(RuntimeOrigin::signed(PROXY_A), 0, fragments(&[0], 1)));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::Voided, at: 1 });
		assert_eq!((held(DOCTOR), deposit(0)), (0, 0));
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
	});
}

#[test]
fn an_expired_request_releases_its_deposit_once() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		run_to(10);
		assert_eq!(held(DOCTOR), RequestDeposit::get());
		run_to(11);
		assert_eq!(state(0), RequestState::Expired { at: 11 });
		assert_eq!((held(DOCTOR), deposit(0)), (0, 0));
		run_to(30);
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
		assert_eq!(releases(), vec![(DOCTOR, RequestDeposit::get())]);
	});
}

#[test]
fn a_requester_who_cannot_hold_the_deposit_is_refused() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		// Exactly the deposit is not enough: the account must keep the existential deposit.
		assert_ok!(Balances::force_set_balance(
			RuntimeOrigin::root(),
			DOCTOR,
			RequestDeposit::get()
		));
		assert_noop!(
			Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()),
			Error::<Test>::CannotHoldDeposit
		);
		// A request denied at once holds nothing, so it needs no deposit.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[1]), purpose()));
		assert_eq!(state(0), RequestState::Denied { reason: Denial::OutOfScope, at: 1 });
		assert_eq!((held(DOCTOR), deposit(0)), (0, 0));
		// With one unit more it opens.
		assert_ok!(Balances::force_set_balance(
			RuntimeOrigin::root(),
			DOCTOR,
			RequestDeposit::get() + 1
		));
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!((held(DOCTOR), deposit(1)), (RequestDeposit::get(), RequestDeposit::get()));
	});
}

#[test]
fn a_request_reopened_by_a_complaint_holds_and_releases_nothing_more() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, b"garbage, not a capsule fragment".to_vec()));
		assert_ok!(submit_one(PROXY_B, grant.cfrag(1)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_eq!((held(DOCTOR), deposit(0)), (0, 0));
		// Open again, with nothing held.
		assert_ok!(complain(DOCTOR, 0, 0, AUTHORITY_A));
		assert_eq!(state(0), RequestState::Open);
		assert_eq!((held(DOCTOR), deposit(0)), (0, 0));
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
		// Fulfilled again: nothing to release.
		assert_ok!(submit_one(PROXY_C, grant.cfrag(2)));
		assert_eq!(state(0), RequestState::Fulfilled { at: 1 });
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
		assert_eq!(releases(), vec![(DOCTOR, RequestDeposit::get())]);
	});
}

#[test]
fn a_request_reopened_by_a_complaint_expires_releasing_nothing() {
	new_test_ext(|| {
		let grant = RealGrant::new();
		grant.grant_and_request();
		assert_ok!(submit_one(PROXY_A, b"garbage".to_vec()));
		assert_ok!(submit_one(PROXY_B, grant.cfrag(1)));
		assert_ok!(complain(DOCTOR, 0, 0, AUTHORITY_A));
		assert_eq!(state(0), RequestState::Open);
		// A second request of the doctor's holds its own deposit meanwhile.
		assert_ok!(Access::request(RuntimeOrigin::signed(DOCTOR), 0, records(&[0]), purpose()));
		assert_eq!(
			(held(DOCTOR), deposit(0), deposit(1)),
			(RequestDeposit::get(), 0, RequestDeposit::get())
		);
		run_to(11);
		assert_eq!(state(0), RequestState::Expired { at: 11 });
		assert_eq!(state(1), RequestState::Expired { at: 11 });
		assert_eq!(held(DOCTOR), 0);
		assert_eq!(Balances::free_balance(DOCTOR), ENDOWMENT);
		assert_eq!(releases(), vec![(DOCTOR, RequestDeposit::get()); 2]);
	});
}

#[test]
fn a_patient_holds_at_most_max_grants_per_grantee_live_grants_to_one_grantee() {
	new_test_ext(|| {
		assert_ok!(GrantCall { expires_at: 20, ..GrantCall::new() }.submit(PATIENT));
		assert_ok!(GrantCall { salt: [2; 32], ..GrantCall::new() }.submit(PATIENT));
		assert_noop!(
			GrantCall { salt: [3; 32], ..GrantCall::new() }.submit(PATIENT),
			Error::<Test>::TooManyGrantsToGrantee
		);
		// Revoking one frees its place at once; an expired one frees it at the next grant.
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 1));
		assert_eq!(LiveGrants::<Test>::get(PATIENT, DOCTOR).to_vec(), vec![0]);
		assert_ok!(GrantCall { salt: [3; 32], ..GrantCall::new() }.submit(PATIENT));
		run_to(20);
		assert_ok!(GrantCall { salt: [4; 32], ..GrantCall::new() }.submit(PATIENT));
		assert_eq!(LiveGrants::<Test>::get(PATIENT, DOCTOR).to_vec(), vec![2, 3]);
	});
}

#[test]
fn shared_with_lists_the_records_of_live_grants_without_voided_ones() {
	new_test_ext(|| {
		// Nobody was granted anything yet.
		assert_eq!(Access::shared_with(&PATIENT, &DOCTOR, 10), None);
		assert_ok!(GrantCall {
			envelopes: vec![(0, envelope()), (1, envelope())],
			..GrantCall::new()
		}
		.submit(PATIENT));
		let (mut shared, more) = Access::shared_with(&PATIENT, &DOCTOR, 10).expect("a live grant");
		shared.sort();
		assert_eq!((shared, more), (vec![(0, 0), (0, 1)], false));
		// At most `limit`, and whether there are more.
		let (shared, more) = Access::shared_with(&PATIENT, &DOCTOR, 1).expect("a live grant");
		assert_eq!((shared.len(), more), (1, true));

		RecordTable::mutate(|t| t.get_mut(&1).expect("record 1").voided = true);
		let (shared, more) = Access::shared_with(&PATIENT, &DOCTOR, 10).expect("a live grant");
		assert_eq!((shared, more), (vec![(0, 0)], false));
		// Another grantee holds nothing; revocation ends the sharing at once.
		assert_eq!(Access::shared_with(&PATIENT, &STRANGER, 10), None);
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		assert_eq!(Access::shared_with(&PATIENT, &DOCTOR, 10), None);
	});
}

/// What the request observer was told so far.
fn observed() -> Vec<(RequestId, Option<bool>)> {
	Observed::get()
}

#[test]
fn a_request_for_another_regions_query_opens_without_a_deposit_and_is_observed() {
	new_test_ext(|| {
		// Records 0, 1 and 3 of the patient's wrapped to a 2-of-3 grant; then 3 is voided.
		RecordTable::mutate(|t| {
			t.insert(
				3,
				RecordSubject { patient: PATIENT, resource_type: observation(), voided: false },
			)
		});
		let mut call = GrantCall::new();
		call.envelopes = vec![(0, envelope()), (1, envelope()), (3, envelope())];
		assert_ok!(call.submit(PATIENT));
		RecordTable::mutate(|t| t.get_mut(&3).expect("listed").voided = true);
		let free = Balances::free_balance(DOCTOR);

		let request = Access::request_for_query(&DOCTOR, &PATIENT, 0, 16, 12, b"query 2001/4")
			.expect("opens");
		assert_eq!(state(request), RequestState::Open);
		let info = Requests::<Test>::get(request).expect("kept");
		// The readable records, the voided one left out; no deposit.
		assert_eq!(info.records.to_vec(), vec![0, 1]);
		assert_eq!(info.deposit, 0);
		assert_eq!(Balances::free_balance(DOCTOR), free);
		assert!(matches!(
			&audit(PATIENT)[1],
			AccessEvent::Requested { request: 0, grant: 0, purpose, .. } if &purpose[..] == b"query 2001/4"
		));

		// Two proxies fulfil it: the observer is told once, and the weight charged counts it.
		assert_ok!(Access::submit_fragments(
			RuntimeOrigin::signed(PROXY_A),
			request,
			fragments(&[0, 1], 1)
		));
		assert!(observed().is_empty());
		let post = Access::submit_fragments(
			RuntimeOrigin::signed(PROXY_B),
			request,
			fragments(&[0, 1], 2),
		)
		.expect("accepted");
		assert_eq!(observed(), vec![(request, None)]);
		let charged = post.actual_weight.expect("an actual weight");
		let own = <() as crate::WeightInfo>::submit_fragments(2);
		assert_eq!(charged.ref_time(), own.ref_time() + 7, "the observer's weight is counted");
		// The third proxy's fragments tell it nothing more.
		assert_ok!(Access::submit_fragments(
			RuntimeOrigin::signed(PROXY_C),
			request,
			fragments(&[0], 3)
		));
		assert_eq!(observed().len(), 1);

		// What the read sends: the grant, each record's envelope and its three fragments.
		let read = Access::fulfilled_read(request).expect("fulfilled");
		assert_eq!(read.grant, 0);
		assert_eq!(read.info.threshold, 2);
		let mut by_record: Vec<(RecordId, usize)> =
			read.records.iter().map(|(r, _, f)| (*r, f.len())).collect();
		by_record.sort();
		assert_eq!(by_record, vec![(0, 3), (1, 2)]);
		assert!(read
			.records
			.iter()
			.all(|(r, e, _)| Envelopes::<Test>::get(0, r).as_ref() == Some(e)));
		// A record voided after the request opened is never served.
		RecordTable::mutate(|t| t.get_mut(&1).expect("listed").voided = true);
		let read = Access::fulfilled_read(request).expect("fulfilled");
		assert_eq!(read.records.iter().map(|(r, ..)| *r).collect::<Vec<_>>(), vec![0]);
	});
}

#[test]
fn a_request_for_a_query_is_refused_for_a_grant_not_the_requesters_or_not_readable() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		let open = |who, patient, grant, max_threshold| {
			Access::request_for_query(&who, &patient, grant, 16, max_threshold, b"query")
		};
		assert_eq!(open(STRANGER, PATIENT, 0, 12), Err(QueryRefusal::NotTheirs));
		assert_eq!(open(DOCTOR, OTHER_PATIENT, 0, 12), Err(QueryRefusal::NotTheirs));
		assert_eq!(open(DOCTOR, PATIENT, 9, 12), Err(QueryRefusal::NotTheirs));
		// A threshold above what a read carries.
		assert_eq!(open(DOCTOR, PATIENT, 0, 1), Err(QueryRefusal::Denied));
		assert_eq!(NextRequestId::<Test>::get(), 0);

		// Revoked: no request opens.
		assert_ok!(Access::revoke(RuntimeOrigin::signed(PATIENT), 0));
		assert_eq!(open(DOCTOR, PATIENT, 0, 12), Err(QueryRefusal::Denied));
		assert_eq!(NextRequestId::<Test>::get(), 0);
	});
}

#[test]
fn the_observer_hears_a_revocation_and_an_expiry_of_an_open_request() {
	new_test_ext(|| {
		assert_ok!(GrantCall::new().submit(PATIENT));
		let mut call = GrantCall::new();
		call.salt = [2; 32];
		assert_ok!(call.submit(PATIENT));
		let revoked = Access::request_for_query(&DOCTOR, &PATIENT, 0, 16, 12, b"q").expect("opens");
		let expiring =
			Access::request_for_query(&DOCTOR, &PATIENT, 1, 16, 12, b"q").expect("opens");

		let post = Access::revoke(RuntimeOrigin::signed(PATIENT), 0).expect("revoked");
		assert_eq!(observed(), vec![(revoked, Some(true))]);
		let own = <() as crate::WeightInfo>::revoke(1).ref_time();
		assert_eq!(post.actual_weight.expect("an actual weight").ref_time(), own + 5);

		let deadline = Requests::<Test>::get(expiring).expect("kept").deadline;
		run_to(deadline);
		assert_eq!(observed(), vec![(revoked, Some(true)), (expiring, Some(false))]);
		assert_eq!(state(expiring), RequestState::Expired { at: deadline });
	});
}
