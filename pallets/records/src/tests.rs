//! Tests of the records pallet. Every test ends with both pallets' try-state checks.

use crate::{
	mock::*, Error, Event, IssuedToPatient, NextRecordId, Patients, RecordByHash,
	Records as RecordsMap, SupersededBy, Voided,
};
use medfed_primitives::{Cid, RecordId};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo},
	sp_runtime::{DispatchError, DispatchResult, DispatchResultWithInfo},
};

fn upload_for(patient: u64, document: &[u8]) -> Upload {
	upload(&Patients::<Test>::get(patient).expect("registered").key, document)
}

fn register(
	issuer: u64,
	patient: u64,
	up: &Upload,
	supersedes: Option<RecordId>,
) -> DispatchResult {
	register_with_info(issuer, patient, up, supersedes)
		.map(|_| ())
		.map_err(|e| e.error)
}

fn register_with_info(
	issuer: u64,
	patient: u64,
	up: &Upload,
	supersedes: Option<RecordId>,
) -> DispatchResultWithInfo<polkadot_sdk::frame_support::dispatch::PostDispatchInfo> {
	Records::register_record(
		RuntimeOrigin::signed(issuer),
		patient,
		b"Bundle".to_vec(),
		up.cid.clone(),
		up.hash,
		up.capsule.clone(),
		up.wrapped_key.clone(),
		up.size,
		supersedes,
	)
}

#[docify::export]
#[test]
fn register_record_stores_metadata_and_indexes() {
	new_test_ext(|| {
		let key = Patients::<Test>::get(PATIENT).expect("registered").key;
		let up = upload(&key, br#"{"resourceType":"Bundle","type":"collection"}"#);

		assert_ok!(Records::register_record(
			RuntimeOrigin::signed(HOSPITAL),
			PATIENT,
			b"Bundle".to_vec(),
			up.cid.clone(),
			up.hash,
			up.capsule.clone(),
			up.wrapped_key.clone(),
			up.size,
			None,
		));

		System::assert_last_event(
			Event::RecordRegistered { id: 0, patient: PATIENT, issuer: HOSPITAL, supersedes: None }
				.into(),
		);
		let info = Records::record_info(0).expect("stored");
		assert_eq!(info.record.cid, Cid::parse(&up.cid).expect("valid CID"));
		assert_eq!((info.record.ciphertext_hash, info.record.size), (up.hash, up.size));
		assert_eq!(info.record.resource_type.as_str(), "Bundle");
		assert_eq!(Records::records_of_patient(PATIENT, 0, 10).records, vec![info.clone()]);
		assert_eq!(Records::records_of_institution(HOSPITAL, 0, 10).records, vec![info]);
	});
}

#[test]
fn register_patient_publishes_a_key_once() {
	new_test_ext(|| {
		let (_, key) = keys();
		assert_ok!(Records::register_patient(RuntimeOrigin::signed(200), key.0.to_vec()));
		System::assert_last_event(Event::PatientRegistered { patient: 200 }.into());
		assert_eq!(Patients::<Test>::get(200).map(|p| (p.key, p.record_count)), Some((key, 0)));
		assert_noop!(
			Records::register_patient(RuntimeOrigin::signed(200), keys().1 .0.to_vec()),
			Error::<Test>::PatientAlreadyRegistered
		);
	});
}

#[test]
fn a_registration_holds_the_patients_deposit_and_one_without_it_is_refused() {
	use polkadot_sdk::frame_support::traits::fungible::InspectHold;
	new_test_ext(|| {
		let reason = crate::HoldReason::PatientRegistration.into();
		assert_ok!(Records::register_patient(RuntimeOrigin::signed(200), keys().1 .0.to_vec()));
		assert_eq!(Balances::balance_on_hold(&reason, &200), PATIENT_DEPOSIT);
		assert_eq!(Balances::free_balance(200), ENDOWMENT - PATIENT_DEPOSIT);
		assert_noop!(
			Records::register_patient(RuntimeOrigin::signed(PENNILESS), keys().1 .0.to_vec()),
			Error::<Test>::CannotHoldDeposit
		);
		assert!(!Patients::<Test>::contains_key(PENNILESS));
	});
}

#[test]
fn register_patient_refuses_unknown_key_formats() {
	new_test_ext(|| {
		let (secret, key) = keys();
		let signed = || RuntimeOrigin::signed(200);
		assert_noop!(
			Records::register_patient(RuntimeOrigin::root(), key.0.to_vec()),
			DispatchError::BadOrigin
		);
		// Uncompressed SEC1 (65 bytes), a truncated key, a bad tag, a point off the curve.
		let uncompressed = secret.public_key().to_uncompressed_bytes().to_vec();
		assert_noop!(
			Records::register_patient(signed(), uncompressed),
			Error::<Test>::InvalidPatientKey
		);
		assert_noop!(
			Records::register_patient(signed(), key.0[..32].to_vec()),
			Error::<Test>::InvalidPatientKey
		);
		let mut tagged = key.0;
		tagged[0] = 0x04;
		assert_noop!(
			Records::register_patient(signed(), tagged.to_vec()),
			Error::<Test>::InvalidPatientKey
		);
		let mut off_curve = [0xffu8; 33];
		off_curve[0] = 0x03;
		assert_noop!(
			Records::register_patient(signed(), off_curve.to_vec()),
			Error::<Test>::InvalidPatientKey
		);
	});
}

#[test]
fn only_current_members_register_records() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		assert_noop!(
			Records::register_record(
				RuntimeOrigin::root(),
				PATIENT,
				b"Bundle".to_vec(),
				up.cid.clone(),
				up.hash,
				up.capsule.clone(),
				up.wrapped_key.clone(),
				up.size,
				None
			),
			DispatchError::BadOrigin
		);
		assert_noop!(register(PATIENT, PATIENT, &up, None), Error::<Test>::NotMember);
		assert_noop!(register(REMOVED, PATIENT, &up, None), Error::<Test>::InstitutionRemoved);
		// Authorities are members too.
		assert_ok!(register(AUTHORITY, PATIENT, &up, None));
	});
}

#[test]
fn records_need_a_registered_patient() {
	new_test_ext(|| {
		let up = upload(&keys().1, b"{}");
		assert_noop!(register(HOSPITAL, 300, &up, None), Error::<Test>::PatientNotRegistered);
	});
}

#[test]
fn resource_types_must_be_fhir_r4() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		for bad in [&b"bundle"[..], b"", b"HL7v2Message", &[b'A'; 200]] {
			assert_noop!(
				Records::register_record(
					RuntimeOrigin::signed(HOSPITAL),
					PATIENT,
					bad.to_vec(),
					up.cid.clone(),
					up.hash,
					up.capsule.clone(),
					up.wrapped_key.clone(),
					up.size,
					None
				),
				Error::<Test>::UnknownResourceType
			);
		}
		assert_ok!(Records::register_record(
			RuntimeOrigin::signed(HOSPITAL),
			PATIENT,
			b"Observation".to_vec(),
			up.cid.clone(),
			up.hash,
			up.capsule.clone(),
			up.wrapped_key.clone(),
			up.size,
			None
		));
	});
}

#[test]
fn cids_are_parsed_and_bad_ones_refused_each_with_its_error() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		let with_cid = |cid: &[u8]| Upload { cid: cid.to_vec(), ..up.clone() };
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_cid(&[b'b'; 129]), None),
			Error::<Test>::CidTooLong
		);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_cid(b"not-a-cid"), None),
			Error::<Test>::InvalidCid
		);
		assert_noop!(register(HOSPITAL, PATIENT, &with_cid(b""), None), Error::<Test>::InvalidCid);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_cid(b"f01551202abcd"), None),
			Error::<Test>::InvalidCid
		);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_cid(b"f01ff01"), None),
			Error::<Test>::UnsupportedCid
		);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_cid(b"f015500036869"), None),
			Error::<Test>::IdentityCid
		);
		// A CIDv0, as `ipfs add` prints by default, is accepted and kept structured.
		let v0 = with_cid(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
		assert_ok!(register(HOSPITAL, PATIENT, &v0, None));
		assert_eq!(
			RecordsMap::<Test>::get(0).map(|r| r.cid.to_text()),
			Some("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG".into())
		);
	});
}

#[test]
fn capsules_must_be_umbral_capsules() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		let with_capsule = |capsule: Vec<u8>| Upload { capsule, ..up.clone() };
		let mut oversized = up.capsule.clone();
		oversized.push(0);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_capsule(oversized), None),
			Error::<Test>::CapsuleTooLarge
		);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_capsule(vec![0u8; 4096]), None),
			Error::<Test>::CapsuleTooLarge
		);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_capsule(up.capsule[..97].to_vec()), None),
			Error::<Test>::InvalidCapsule
		);
		let mut garbled = up.capsule.clone();
		garbled[0] = 0x09;
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_capsule(garbled), None),
			Error::<Test>::InvalidCapsule
		);
	});
}

#[test]
fn wrapped_keys_must_be_72_bytes() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		let with_wrapped_key = |wrapped_key: Vec<u8>| Upload { wrapped_key, ..up.clone() };
		for bad in [vec![], up.wrapped_key[..71].to_vec(), [&up.wrapped_key[..], &[0]].concat()] {
			assert_noop!(
				register(HOSPITAL, PATIENT, &with_wrapped_key(bad), None),
				Error::<Test>::WrappedKeyLength
			);
		}
		assert_ok!(register(HOSPITAL, PATIENT, &up, None));
		let stored = RecordsMap::<Test>::get(0).expect("registered");
		assert_eq!(stored.wrapped_key.0.to_vec(), up.wrapped_key);
	});
}

#[test]
fn the_patient_opens_a_record_from_what_the_chain_holds() {
	new_test_ext(|| {
		use medfed_primitives::umbral::dev;
		let patient = 200;
		assert_ok!(Records::register_patient(
			RuntimeOrigin::signed(patient),
			dev::public_key("Alice").0.to_vec()
		));
		let document = br#"{"resourceType":"Observation","status":"final"}"#;
		let up = upload_for(patient, document);
		assert_ok!(register(HOSPITAL, patient, &up, None));
		let record = RecordsMap::<Test>::get(0).expect("registered");
		let opened = medfed_primitives::envelope::open(
			&dev::secret_key("Alice"),
			&record.capsule,
			&record.wrapped_key,
			&record.ciphertext_hash,
			&up.ciphertext,
		);
		assert_eq!(opened.as_deref(), Ok(&document[..]));
	});
}

#[test]
fn sizes_must_be_positive_and_within_the_limit() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		let with_size = |size| Upload { size, ..up.clone() };
		assert_noop!(register(HOSPITAL, PATIENT, &with_size(0), None), Error::<Test>::EmptyRecord);
		assert_noop!(
			register(HOSPITAL, PATIENT, &with_size((1 << 30) + 1), None),
			Error::<Test>::RecordTooLarge
		);
		assert_ok!(register(HOSPITAL, PATIENT, &with_size(1 << 30), None));
	});
}

#[test]
fn a_ciphertext_is_registered_once_per_issuer() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"{}");
		assert_ok!(register(HOSPITAL, PATIENT, &up, None));
		assert_eq!(RecordByHash::<Test>::get(HOSPITAL, up.hash), Some(0));
		assert_noop!(register(HOSPITAL, PATIENT, &up, None), Error::<Test>::DuplicateCiphertext);
	});
}

#[test]
fn a_front_run_registration_gains_nothing() {
	new_test_ext(|| {
		// The clinic sees the hospital's pending registration and registers the same
		// ciphertext first: it becomes the issuer of its own record, and the hospital's
		// registration still goes through, as the hospital's.
		let up = upload_for(PATIENT, b"{}");
		assert_ok!(register(CLINIC, PATIENT, &up, None));
		assert_ok!(register(HOSPITAL, PATIENT, &up, None));
		assert_eq!(RecordsMap::<Test>::get(1).expect("registered").issuer, HOSPITAL);
		assert_eq!(RecordByHash::<Test>::get(HOSPITAL, up.hash), Some(1));
		assert_eq!(RecordByHash::<Test>::get(CLINIC, up.hash), Some(0));
	});
}

#[test]
fn one_member_cannot_fill_a_patients_records() {
	new_test_ext(|| {
		for i in 0..3u8 {
			assert_ok!(register(CLINIC, PATIENT, &upload_for(PATIENT, &[i]), None));
		}
		assert_noop!(
			register(CLINIC, PATIENT, &upload_for(PATIENT, b"flood"), None),
			Error::<Test>::IssuerQuotaReached
		);
		assert_eq!(IssuedToPatient::<Test>::get(PATIENT, CLINIC), 3);
		// Another member still can, and the clinic still can for another patient.
		assert_ok!(register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"care"), None));
		assert_ok!(register(CLINIC, OTHER_PATIENT, &upload_for(OTHER_PATIENT, b"care"), None));
	});
}

#[test]
fn the_authorities_void_a_record_which_stays_marked() {
	new_test_ext(|| {
		assert_ok!(register(CLINIC, PATIENT, &upload_for(PATIENT, b"junk"), None));
		assert_noop!(
			Records::void_record(RuntimeOrigin::signed(HOSPITAL), 0),
			DispatchError::BadOrigin
		);
		assert_noop!(Records::void_record(RuntimeOrigin::root(), 1), Error::<Test>::RecordNotFound);
		System::set_block_number(5);
		assert_ok!(Records::void_record(RuntimeOrigin::root(), 0));
		System::assert_last_event(Event::RecordVoided { id: 0 }.into());
		assert_eq!(Voided::<Test>::get(0), Some(5));
		let info = Records::record_info(0).expect("kept");
		assert_eq!(info.voided_at, Some(5));
		assert_eq!(Records::records_of_patient(PATIENT, 0, 10).records[0].voided_at, Some(5));
		assert_noop!(Records::void_record(RuntimeOrigin::root(), 0), Error::<Test>::AlreadyVoided);
	});
}

#[test]
fn a_patient_holds_at_most_max_records() {
	new_test_ext(|| {
		for i in 0..4u8 {
			let issuer = if i < 2 { HOSPITAL } else { CLINIC };
			assert_ok!(register(issuer, PATIENT, &upload_for(PATIENT, &[i]), None));
		}
		assert_noop!(
			register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"5"), None),
			Error::<Test>::TooManyRecords
		);
		// Other patients are not affected.
		assert_ok!(register(HOSPITAL, OTHER_PATIENT, &upload_for(OTHER_PATIENT, b"5"), None));
	});
}

#[test]
fn a_correction_supersedes_the_earlier_version() {
	new_test_ext(|| {
		assert_ok!(register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"v1"), None));
		assert_ok!(register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"v2"), Some(0)));
		System::assert_last_event(
			Event::RecordRegistered {
				id: 1,
				patient: PATIENT,
				issuer: HOSPITAL,
				supersedes: Some(0),
			}
			.into(),
		);
		assert_ok!(register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"v3"), Some(1)));
		assert_eq!(SupersededBy::<Test>::get(0), Some(1));
		assert_eq!(Records::record_info(1).and_then(|i| i.superseded_by), Some(2));
		assert_eq!(Records::record_info(2).and_then(|i| i.superseded_by), None);
		// The corrected record itself is unchanged.
		assert_eq!(RecordsMap::<Test>::get(0).and_then(|r| r.supersedes), None);
	});
}

#[test]
fn corrections_are_checked() {
	new_test_ext(|| {
		assert_ok!(register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"v1"), None));
		assert_ok!(register(HOSPITAL, OTHER_PATIENT, &upload_for(OTHER_PATIENT, b"other"), None));
		let fix = upload_for(PATIENT, b"v2");
		assert_noop!(
			register(HOSPITAL, PATIENT, &fix, Some(7)),
			Error::<Test>::SupersededRecordNotFound
		);
		assert_noop!(
			register(HOSPITAL, PATIENT, &fix, Some(1)),
			Error::<Test>::SupersededRecordOfOtherPatient
		);
		assert_noop!(register(CLINIC, PATIENT, &fix, Some(0)), Error::<Test>::NotRecordIssuer);
		assert_ok!(register(HOSPITAL, PATIENT, &fix, Some(0)));
		assert_noop!(
			register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"v2'"), Some(0)),
			Error::<Test>::AlreadySuperseded
		);
	});
}

#[test]
fn record_ids_never_wrap() {
	new_test_ext(|| {
		NextRecordId::<Test>::put(u64::MAX);
		assert_noop!(
			register(HOSPITAL, PATIENT, &upload_for(PATIENT, b"x"), None),
			Error::<Test>::RecordIdOverflow
		);
		NextRecordId::<Test>::put(0);
	});
}

#[test]
fn pages_follow_registration_order_and_the_page_cap() {
	new_test_ext(|| {
		for (i, issuer) in [HOSPITAL, CLINIC, HOSPITAL, HOSPITAL].into_iter().enumerate() {
			assert_ok!(register(issuer, PATIENT, &upload_for(PATIENT, &[i as u8]), None));
		}
		let ids = |page: medfed_primitives::RecordPage<u64, u64>| {
			(page.total, page.records.into_iter().map(|r| r.id).collect::<Vec<_>>())
		};
		// MaxPageSize is 3: a larger limit is capped.
		assert_eq!(ids(Records::records_of_patient(PATIENT, 0, 100)), (4, vec![0, 1, 2]));
		assert_eq!(ids(Records::records_of_patient(PATIENT, 3, 100)), (4, vec![3]));
		assert_eq!(ids(Records::records_of_patient(PATIENT, 9, 100)), (4, vec![]));
		assert_eq!(ids(Records::records_of_institution(HOSPITAL, 1, 1)), (3, vec![2]));
		assert_eq!(ids(Records::records_of_patient(OTHER_PATIENT, 0, 10)), (0, vec![]));
		assert_eq!(Records::record_info(99), None);
	});
}

#[test]
fn a_patients_first_record_announces_the_patient_and_pays_for_it() {
	new_test_ext(|| {
		let first = upload_for(PATIENT, b"first");
		let second = upload_for(PATIENT, b"second");
		let call = |up: &Upload| crate::Call::<Test>::register_record {
			patient: PATIENT,
			resource_type: b"Bundle".to_vec(),
			cid: up.cid.clone(),
			ciphertext_hash: up.hash,
			capsule: up.capsule.clone(),
			wrapped_key: up.wrapped_key.clone(),
			size: up.size,
			supersedes: None,
		};
		let charged = call(&first).get_dispatch_info().call_weight;

		let info = register_with_info(HOSPITAL, PATIENT, &first, None).expect("registers");
		assert_eq!(Announced::get(), vec![PATIENT]);
		assert_eq!(info.actual_weight, Some(charged));

		// The second record announces nothing and is refunded the announcement.
		let info = register_with_info(CLINIC, PATIENT, &second, None).expect("registers");
		assert_eq!(Announced::get(), vec![PATIENT]);
		assert_eq!(info.actual_weight, Some(charged - ANNOUNCE_WEIGHT));
	});
}

#[test]
fn a_refused_record_announces_nobody() {
	new_test_ext(|| {
		let up = upload_for(PATIENT, b"doc");
		assert_noop!(register(REMOVED, PATIENT, &up, None), Error::<Test>::InstitutionRemoved);
		assert!(Announced::get().is_empty());
	});
}
