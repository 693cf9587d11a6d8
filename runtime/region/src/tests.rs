//! Runtime integration tests: the genesis presets build the regions they describe, and the
//! pallets are wired as configured (authority collective → institutions → records).

use crate::{
	genesis_config_presets::{get_preset, preset_names, REGION_A, REGION_B},
	AuthorityCollective, CollatorSelection, Institutions, ParachainInfo, Records, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, RuntimeOrigin, System,
};
use codec::Encode;
use medfed_primitives::{umbral::dev, Capsule, Cid, Membership, Role};
use medfed_runtime_common::{genesis, para_ids};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok, dispatch::GetDispatchInfo, traits::BuildGenesisConfig,
	},
	pallet_collective, sp_io,
	sp_keyring::Sr25519Keyring,
	sp_runtime::traits::{Dispatchable, Hash},
};

/// The externalities of a chain started from preset `id`, at block 1.
fn chain(id: &str) -> sp_io::TestExternalities {
	let config: RuntimeGenesisConfig =
		genesis::config_from_preset(&get_preset(&id.into()).expect("preset exists"));
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		config.build();
		System::set_block_number(1);
	});
	ext
}

fn account(k: Sr25519Keyring) -> crate::AccountId {
	k.to_account_id()
}

#[test]
fn every_preset_builds_a_chain() {
	for id in preset_names() {
		chain(&id).execute_with(|| {
			assert!([para_ids::REGION_A, para_ids::REGION_B]
				.contains(&ParachainInfo::parachain_id().into()));
			#[cfg(feature = "try-runtime")]
			{
				use polkadot_sdk::frame_support::traits::{TryState, TryStateSelect};
				crate::AllPalletsWithSystem::try_state(1, TryStateSelect::All)
					.expect("every pallet's invariants hold at genesis");
			}
		});
	}
}

#[test]
fn regions_differ_by_genesis() {
	chain(REGION_A).execute_with(|| {
		assert_eq!(ParachainInfo::parachain_id(), para_ids::REGION_A.into());
		assert_eq!(Institutions::active_role(&account(Sr25519Keyring::Charlie)), Ok(Role::Clinic));
		assert!(Institutions::active_role(&account(Sr25519Keyring::Eve)).is_err());
		let alice = Institutions::info(account(Sr25519Keyring::Alice)).expect("member");
		assert_eq!(alice.proxy_key, Some(dev::public_key("Alice")));
	});
	chain(REGION_B).execute_with(|| {
		assert_eq!(ParachainInfo::parachain_id(), para_ids::REGION_B.into());
		assert_eq!(Institutions::active_role(&account(Sr25519Keyring::Eve)), Ok(Role::Authority));
		assert!(Institutions::active_role(&account(Sr25519Keyring::Alice)).is_err());
	});
}

#[test]
fn the_authority_collective_is_the_set_of_authorities() {
	chain(REGION_A).execute_with(|| {
		let mut expected = vec![account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob)];
		expected.sort();
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(),
			expected
		);
	});
}

fn admit_call(who: crate::AccountId) -> RuntimeCall {
	RuntimeCall::Institutions(pallet_institutions::Call::admit {
		institution: who,
		role: Role::Hospital,
		name: b"Northern Hospital".to_vec(),
		proxy_key: None,
	})
}

fn propose(by: Sr25519Keyring, threshold: u32, call: RuntimeCall) -> polkadot_sdk::sp_core::H256 {
	let length = call.encoded_size() as u32;
	let hash = <Runtime as polkadot_sdk::frame_system::Config>::Hashing::hash_of(&call);
	assert_ok!(RuntimeCall::AuthorityCollective(pallet_collective::Call::propose {
		threshold,
		proposal: Box::new(call),
		length_bound: length,
	})
	.dispatch(RuntimeOrigin::signed(account(by))));
	hash
}

/// Alice proposes `call` to both authorities of region A, both vote for it (`before_vote` runs
/// before each vote: a proposal is not a vote), and Bob closes the motion.
fn pass_motion(call: RuntimeCall, before_vote: impl Fn()) {
	let weight = call.get_dispatch_info().call_weight;
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	let hash = propose(Sr25519Keyring::Alice, 2, call.clone());
	for authority in [Sr25519Keyring::Alice, Sr25519Keyring::Bob] {
		before_vote();
		assert_ok!(AuthorityCollective::vote(
			RuntimeOrigin::signed(account(authority)),
			hash,
			index,
			true
		));
	}
	assert_ok!(AuthorityCollective::close(
		RuntimeOrigin::signed(account(Sr25519Keyring::Bob)),
		hash,
		index,
		weight,
		call.encoded_size() as u32,
	));
}

#[test]
fn a_majority_of_authorities_admits_an_institution() {
	chain(REGION_A).execute_with(|| {
		let newcomer = account(Sr25519Keyring::Ferdie);
		pass_motion(admit_call(newcomer.clone()), || {
			assert!(Institutions::active_role(&newcomer).is_err(), "not before the majority")
		});
		assert_eq!(Institutions::active_role(&newcomer), Ok(Role::Hospital));
	});
}

#[test]
fn one_authority_alone_cannot_admit() {
	chain(REGION_A).execute_with(|| {
		let newcomer = account(Sr25519Keyring::Ferdie);
		propose(Sr25519Keyring::Alice, 1, admit_call(newcomer.clone()));
		assert!(Institutions::active_role(&newcomer).is_err());
		let executed = System::events().into_iter().find_map(|r| match r.event {
			RuntimeEvent::AuthorityCollective(pallet_collective::Event::Executed {
				result,
				..
			}) => Some(result),
			_ => None,
		});
		assert_eq!(executed, Some(Err(polkadot_sdk::sp_runtime::DispatchError::BadOrigin)));
		// Nor can an institution admit itself, or a clinic anyone.
		assert!(admit_call(newcomer.clone())
			.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Charlie)))
			.is_err());
	});
}

/// `Governance.enact(System.authorize_upgrade(code_hash))`: what authorities pass to upgrade.
fn authorize_upgrade(code_hash: crate::Hash) -> RuntimeCall {
	RuntimeCall::Governance(pallet_governance::Call::enact {
		call: Box::new(RuntimeCall::System(polkadot_sdk::frame_system::Call::authorize_upgrade {
			code_hash,
		})),
	})
}

fn upgrade_authorized(code_hash: crate::Hash) -> bool {
	System::events().iter().any(|r| {
		r.event ==
			RuntimeEvent::System(polkadot_sdk::frame_system::Event::UpgradeAuthorized {
				code_hash,
				check_version: true,
			})
	})
}

#[test]
fn a_region_has_no_sudo_and_one_authority_cannot_upgrade_it() {
	use codec::Decode;
	chain(REGION_A).execute_with(|| {
		// `Sudo.sudo(System.remark)` as it was encoded (pallet 15, call 0) is no call at all.
		let remark =
			RuntimeCall::System(polkadot_sdk::frame_system::Call::remark { remark: vec![1] });
		let sudo = [&[15u8, 0][..], &remark.encode()].concat();
		assert!(RuntimeCall::decode(&mut &sudo[..]).is_err());

		// Alice alone: the motion executes at once with one of two votes, and is refused.
		let code_hash = crate::Hash::repeat_byte(7);
		propose(Sr25519Keyring::Alice, 1, authorize_upgrade(code_hash));
		let executed = System::events().into_iter().find_map(|r| match r.event {
			RuntimeEvent::AuthorityCollective(pallet_collective::Event::Executed {
				result,
				..
			}) => Some(result),
			_ => None,
		});
		assert_eq!(executed, Some(Err(polkadot_sdk::sp_runtime::DispatchError::BadOrigin)));
		assert!(!upgrade_authorized(code_hash));
		// Nor may a signed account enact.
		assert!(authorize_upgrade(code_hash)
			.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Alice)))
			.is_err());
		assert!(!upgrade_authorized(code_hash));
	});
}

/// The origin of a motion of the authority collective passed by `yes` of `of` authorities.
fn authorities(yes: u32, of: u32) -> RuntimeOrigin {
	pallet_collective::RawOrigin::<crate::AccountId, pallet_collective::Instance1>::Members(yes, of)
		.into()
}

#[test]
fn a_majority_short_of_two_thirds_neither_acts_as_root_nor_changes_authorities_or_collators() {
	chain(REGION_A).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let code_hash = crate::Hash::repeat_byte(7);
		let two_thirds_only = [
			authorize_upgrade(code_hash),
			RuntimeCall::Institutions(pallet_institutions::Call::remove {
				institution: bob.clone(),
			}),
			RuntimeCall::Institutions(pallet_institutions::Call::admit {
				institution: account(Sr25519Keyring::Ferdie),
				role: Role::Authority,
				name: b"Puppet Board".to_vec(),
				proxy_key: Some(dev::public_key("Ferdie")),
			}),
			RuntimeCall::CollatorSelection(
				polkadot_sdk::pallet_collator_selection::Call::set_invulnerables {
					new: vec![alice.clone()],
				},
			),
			RuntimeCall::Federation(pallet_federation::Call::set_coordinator {
				coordinator: para_ids::COORDINATOR,
			}),
		];
		// Three of five are a majority, not two thirds: each is refused, nothing changes.
		for call in &two_thirds_only {
			assert_noop!(
				call.clone().dispatch(authorities(3, 5)),
				polkadot_sdk::sp_runtime::DispatchError::BadOrigin
			);
		}
		// A majority still admits a hospital.
		assert_ok!(admit_call(account(Sr25519Keyring::One)).dispatch(authorities(3, 5)));
		// Four of five may do each.
		for call in two_thirds_only {
			assert_ok!(call.dispatch(authorities(4, 5)));
		}
		assert!(upgrade_authorized(code_hash));
		assert!(Institutions::active_role(&bob).is_err());
		assert_eq!(
			Institutions::active_role(&account(Sr25519Keyring::Ferdie)),
			Ok(Role::Authority)
		);
	});
}

#[test]
fn a_supermajority_of_authorities_authorizes_a_runtime_upgrade() {
	chain(REGION_A).execute_with(|| {
		let code_hash = crate::Hash::repeat_byte(7);
		pass_motion(authorize_upgrade(code_hash), || assert!(!upgrade_authorized(code_hash)));
		assert!(upgrade_authorized(code_hash));
	});
}

/// Charlie (a clinic of region A) registers a record of a fresh patient, Ferdie; its CID.
fn register_a_record_of_ferdie() -> alloc::string::String {
	let patient = account(Sr25519Keyring::Ferdie);
	let secret = umbral_pre::SecretKey::random();
	let key = secret.public_key().to_compressed_bytes().to_vec();
	assert_ok!(Records::register_patient(RuntimeOrigin::signed(patient.clone()), key));
	// The envelope's first layer, a document key wrapped to the patient; of the second, the
	// document encrypted under that key, the chain sees only the hash and the size.
	let (capsule, wrapped_key) =
		umbral_pre::encrypt(&secret.public_key(), &[0x42; 32]).expect("encrypts");
	let ciphertext = [0x5a; 64];
	let hash = sp_io::hashing::sha2_256(&ciphertext);
	let cid = Cid::v0(hash).to_text();
	assert_ok!(RuntimeCall::Records(pallet_records::Call::register_record {
		patient,
		resource_type: b"Observation".to_vec(),
		cid: cid.clone().into_bytes(),
		ciphertext_hash: hash,
		capsule: Capsule::from_umbral(&capsule).0.to_vec(),
		wrapped_key: wrapped_key.to_vec(),
		size: ciphertext.len() as u64,
		supersedes: None,
	})
	.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Charlie))));
	cid
}

#[test]
fn a_majority_of_authorities_voids_a_record_and_one_alone_cannot() {
	chain(REGION_A).execute_with(|| {
		register_a_record_of_ferdie();
		let call = RuntimeCall::Records(pallet_records::Call::void_record { id: 0 });
		// One authority alone: a motion of threshold 1 executes at once (it takes no motion
		// index) and is refused.
		propose(Sr25519Keyring::Alice, 1, call.clone());
		assert_eq!(Records::record_info(0).expect("kept").voided_at, None);
		// Nor can the record's issuer, or any member, void it directly.
		assert!(call
			.clone()
			.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Charlie)))
			.is_err());
		// Both authorities: voided, and still there.
		pass_motion(call, || {});
		let info = Records::record_info(0).expect("kept");
		assert_eq!(info.voided_at, Some(1));
		assert_eq!(Records::records_of_patient(account(Sr25519Keyring::Ferdie), 0, 10).total, 1);
	});
}

#[test]
fn a_removed_authority_collates_no_more() {
	chain(REGION_A).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let mut collators = crate::Session::validators();
		collators.sort();
		let mut both = vec![alice.clone(), bob.clone()];
		both.sort();
		assert_eq!(collators, both);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), bob.clone()));
		assert_eq!(
			polkadot_sdk::pallet_collator_selection::Invulnerables::<Runtime>::get().to_vec(),
			vec![alice.clone()]
		);
		// The session pallet queues a session ahead: after two rotations, Bob authors no more.
		crate::Session::rotate_session();
		crate::Session::rotate_session();
		assert_eq!(crate::Session::validators(), vec![alice]);
		let bob_aura: crate::AuraId = Sr25519Keyring::Bob.public().into();
		assert!(!polkadot_sdk::pallet_aura::Authorities::<Runtime>::get().contains(&bob_aura));
	});
}

/// The runtime tells the pinning pallet when an authority goes (`AuthoritySetChanged`), and the
/// runtime's idle hooks clear its pins: Bob's pin of record 0 goes, Alice's stays.
#[test]
fn a_removed_authoritys_pins_are_cleared_by_the_runtimes_idle_hooks() {
	use medfed_primitives::PinState;
	use polkadot_sdk::frame_support::{traits::OnIdle, weights::Weight};
	chain(REGION_A).execute_with(|| {
		register_a_record_of_ferdie();
		let (alice, bob) = (Sr25519Keyring::Alice, Sr25519Keyring::Bob);
		assert_eq!(apply_pin_report(alice, 0), Ok(Ok(())));
		assert_eq!(apply_pin_report(bob, 0), Ok(Ok(())));
		assert!(pallet_pinning::PinnedAt::<Runtime>::contains_key(0, account(bob)));

		assert_ok!(Institutions::remove(RuntimeOrigin::root(), account(bob)));
		assert_eq!(pallet_pinning::Departed::<Runtime>::get(account(bob)), Some((0, 1)));
		assert!(!pallet_pinning::Cursor::<Runtime>::contains_key(account(bob)));

		<crate::AllPalletsWithSystem as OnIdle<_>>::on_idle(1, Weight::MAX);
		assert_eq!(pallet_pinning::Departed::<Runtime>::get(account(bob)), None);
		assert!(!pallet_pinning::PinnedAt::<Runtime>::contains_key(0, account(bob)));
		assert!(matches!(
			crate::Pinning::pin_status(0).as_slice(),
			[(who, PinState::Pinned { .. })] if *who == account(alice)
		));
	});
}

/// Removed by a majority, Charlie, who issued a record, stays known as its issuer; Dave, who
/// issued none, is forgotten (`pallet_records::Issuers` is the institutions' `Named`).
#[test]
fn a_removed_issuer_stays_known_and_a_removed_institution_without_records_is_forgotten() {
	use medfed_primitives::MembershipError;
	chain(REGION_A).execute_with(|| {
		register_a_record_of_ferdie();
		let (charlie, dave) = (account(Sr25519Keyring::Charlie), account(Sr25519Keyring::Dave));
		pass_motion(
			RuntimeCall::Institutions(pallet_institutions::Call::remove {
				institution: charlie.clone(),
			}),
			|| {},
		);
		pass_motion(
			RuntimeCall::Institutions(pallet_institutions::Call::remove {
				institution: dave.clone(),
			}),
			|| {},
		);
		assert_eq!(Institutions::active_role(&charlie), Err(MembershipError::Removed));
		assert_eq!(Records::record_info(0).expect("kept").record.issuer, charlie);
		assert!(Institutions::info(charlie).is_some());
		assert_eq!(Institutions::active_role(&dave), Err(MembershipError::NotMember));
		assert!(Institutions::info(dave).is_none());
		assert_eq!(pallet_institutions::MemberCount::<Runtime>::get(), 2);
	});
}

#[test]
fn only_an_active_authority_can_be_made_a_collator() {
	use polkadot_sdk::{pallet_collator_selection::Error as CollatorError, pallet_session};
	chain(REGION_A).execute_with(|| {
		let with_keys = |k: Sr25519Keyring| {
			let keys = crate::SessionKeys { aura: k.public().into(), pinning: k.public().into() };
			pallet_session::NextKeys::<Runtime>::insert(account(k), keys);
			account(k)
		};
		// Charlie, a clinic, with session keys: no collator, even by root.
		let charlie = with_keys(Sr25519Keyring::Charlie);
		assert_noop!(
			CollatorSelection::add_invulnerable(RuntimeOrigin::root(), charlie.clone()),
			CollatorError::<Runtime>::ValidatorNotRegistered
		);
		// Ferdie, admitted as an authority, with session keys: made a collator.
		assert_ok!(Institutions::admit(
			RuntimeOrigin::root(),
			account(Sr25519Keyring::Ferdie),
			Role::Authority,
			b"Northern Health Board".to_vec(),
			Some(dev::public_key("Ferdie")),
		));
		let ferdie = with_keys(Sr25519Keyring::Ferdie);
		assert_ok!(CollatorSelection::add_invulnerable(RuntimeOrigin::root(), ferdie));
		// Nobody stands as a candidate, not even an authority with keys: no open candidacy.
		let eve = with_keys(Sr25519Keyring::Eve);
		assert_ok!(Institutions::admit(
			RuntimeOrigin::root(),
			eve.clone(),
			Role::Authority,
			b"Valley Health Board".to_vec(),
			Some(dev::public_key("Eve")),
		));
		assert_noop!(
			CollatorSelection::register_as_candidate(RuntimeOrigin::signed(eve)),
			CollatorError::<Runtime>::TooManyCandidates
		);
		assert_noop!(
			CollatorSelection::register_as_candidate(RuntimeOrigin::signed(charlie)),
			CollatorError::<Runtime>::TooManyCandidates
		);
	});
}

#[test]
fn a_region_executes_no_message_from_outside() {
	use polkadot_sdk::{staging_xcm::latest::prelude::*, staging_xcm_executor::XcmExecutor};
	chain(REGION_A).execute_with(|| {
		let remark = RuntimeCall::System(polkadot_sdk::frame_system::Call::remark_with_event {
			remark: b"hi".to_vec(),
		});
		let transact = Transact {
			origin_kind: OriginKind::SovereignAccount,
			fallback_max_weight: None,
			call: remark.encode().into(),
		};
		let fees: Asset = (Here, 1_000_000_000_000u128).into();
		let unpaid = Xcm(vec![
			UnpaidExecution { weight_limit: Unlimited, check_origin: None },
			transact.clone(),
		]);
		let paid = Xcm(vec![
			WithdrawAsset(fees.clone().into()),
			BuyExecution { fees, weight_limit: Unlimited },
			transact,
		]);
		let coordinator = Location::new(1, [Parachain(para_ids::COORDINATOR)]);
		for (origin, message) in [
			(Location::parent(), unpaid.clone()),
			(coordinator.clone(), unpaid),
			(coordinator, paid.clone()),
			(Location::new(1, [Parachain(3000)]), paid),
		] {
			let mut id = [0; 32];
			let outcome = XcmExecutor::<crate::configs::xcm_config::XcmConfig>::prepare_and_execute(
				origin.clone(),
				message,
				&mut id,
				Weight::MAX,
				Weight::zero(),
			);
			assert!(
				medfed_runtime_common::xcm::refused_before_execution(&outcome),
				"{origin:?}: {outcome:?}"
			);
		}
	});
}

#[test]
fn a_member_registers_a_record_that_the_runtime_api_reads_back() {
	chain(REGION_A).execute_with(|| {
		let cid = register_a_record_of_ferdie();
		let page = Records::records_of_patient(account(Sr25519Keyring::Ferdie), 0, 10);
		assert_eq!(page.total, 1);
		assert_eq!(page.records[0].record.cid.to_text(), cid);
		assert_eq!(page.records[0].record.issuer, account(Sr25519Keyring::Charlie));
	});
}

/// Without an HRMP channel to the coordinator (none is open in these tests) the real XCMP
/// queue refuses the announcement: the record is registered all the same and the announcement
/// waits.
#[test]
fn a_first_record_without_a_channel_to_the_coordinator_is_announced_later() {
	chain(REGION_A).execute_with(|| {
		register_a_record_of_ferdie();
		let patient = account(Sr25519Keyring::Ferdie);
		assert_eq!(Records::records_of_patient(patient.clone(), 0, 10).total, 1);
		assert!(pallet_federation::Unannounced::<Runtime>::contains_key(&patient));
		<crate::Federation as polkadot_sdk::frame_support::traits::Hooks<_>>::on_initialize(2);
		assert!(pallet_federation::Unannounced::<Runtime>::contains_key(&patient));
		System::assert_has_event(
			pallet_federation::Event::AnnouncementDeferred { waiting: 1 }.into(),
		);
	});
}

/// With a channel open, the next block's announcement leaves through the real XCMP queue.
#[cfg(feature = "runtime-benchmarks")]
#[test]
fn a_first_record_is_announced_to_the_coordinator_over_hrmp() {
	chain(REGION_A).execute_with(|| {
		crate::ParachainSystem::open_outbound_hrmp_channel_for_benchmarks_or_tests(1000.into());
		register_a_record_of_ferdie();
		let patient = account(Sr25519Keyring::Ferdie);
		<crate::Federation as polkadot_sdk::frame_support::traits::Hooks<_>>::on_initialize(2);
		assert!(!pallet_federation::Unannounced::<Runtime>::contains_key(&patient));
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Federation(pallet_federation::Event::PatientAnnounced { patient: p, coordinator: 1000, .. })
				if *p == patient
		)));
		use polkadot_sdk::cumulus_primitives_core::XcmpMessageSource;
		let outbound = crate::XcmpQueue::take_outbound_messages(10, &[]);
		assert_eq!(outbound.len(), 1);
		assert_eq!(u32::from(outbound[0].0), 1000);
	});
}

/// How many `register_record` calls fit in one block by the generated weights: by compute
/// (ref time) and by proof size, for normal transactions, as new records and as corrections;
/// beside them, the same with the SDK's default RocksDB weights instead of those measured by
/// `scripts/bench-storage.sh`. `scripts/bench.sh` and `scripts/bench-storage.sh` print it.
#[test]
fn block_capacity() {
	use pallet_records::WeightInfo;
	use polkadot_sdk::frame_support::dispatch::DispatchClass;

	let weights = crate::configs::RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let available = normal.max_total.unwrap_or(weights.max_block);
	for (supersedes, kind) in [(0, "new record"), (1, "correction")] {
		for (db, weight) in [
			(
				"measured",
				pallet_records::weights::SubstrateWeight::<Runtime>::register_record(supersedes),
			),
			("SDK default", <() as WeightInfo>::register_record(supersedes)),
		] {
			let per_call = weight.saturating_add(normal.base_extrinsic);
			let by_ref_time = available.ref_time() / per_call.ref_time().max(1);
			let by_proof_size = available.proof_size() / per_call.proof_size().max(1);
			println!(
				"register_record ({kind}, {db} database weights): {} ps and {} bytes of proof \
				 each (with the base extrinsic); a block fits {by_ref_time} by ref time, \
				 {by_proof_size} by proof size",
				per_call.ref_time(),
				per_call.proof_size(),
			);
			assert!(by_ref_time.min(by_proof_size) > 0, "a block must fit at least one record");
		}
	}
	use pallet_access::WeightInfo as _;
	let most = crate::configs::MaxRecordsPerRequest::get();
	for (call, weight) in [
		("request (1 record)", pallet_access::weights::SubstrateWeight::<Runtime>::request(1)),
		(
			"request (most records)",
			pallet_access::weights::SubstrateWeight::<Runtime>::request(most),
		),
		(
			"submit_fragments (1 record)",
			pallet_access::weights::SubstrateWeight::<Runtime>::submit_fragments(1),
		),
		(
			"submit_fragments (most records)",
			pallet_access::weights::SubstrateWeight::<Runtime>::submit_fragments(most),
		),
	] {
		let per_call = weight.saturating_add(normal.base_extrinsic);
		let by_ref_time = available.ref_time() / per_call.ref_time().max(1);
		let by_proof_size = available.proof_size() / per_call.proof_size().max(1);
		println!(
			"{call}: {} ps and {} bytes of proof each (with the base extrinsic); a block fits \
			 {by_ref_time} by ref time, {by_proof_size} by proof size",
			per_call.ref_time(),
			per_call.proof_size(),
		);
		assert!(by_ref_time.min(by_proof_size) > 0, "a block must fit at least one {call}");
	}
	// A removed authority's pins are cleared in blocks' spare weight: at most what a block
	// leaves beside its base weight.
	use pallet_pinning::WeightInfo as _;
	let base = pallet_pinning::weights::SubstrateWeight::<Runtime>::prune_pins(0);
	let per_record =
		pallet_pinning::weights::SubstrateWeight::<Runtime>::prune_pins(1).saturating_sub(base);
	let idle = weights.max_block.saturating_sub(weights.base_block).saturating_sub(base);
	let by_ref_time = idle.ref_time() / per_record.ref_time().max(1);
	let by_proof_size = idle.proof_size() / per_record.proof_size().max(1);
	println!(
		"prune_pins: {} ps and {} bytes of proof a record; an otherwise empty block clears \
		 {by_ref_time} records of a removed authority by ref time, {by_proof_size} by proof size",
		per_record.ref_time(),
		per_record.proof_size(),
	);
	assert!(by_ref_time.min(by_proof_size) > 0, "an idle block must clear at least one record");
}

/// Each genesis collator's pinning session key maps to its authority institution, and to no one
/// else: the pinning pallet accepts its reports and nobody else's.
#[test]
fn genesis_collators_pin_as_their_authority_institutions() {
	use pallet_pinning::crypto::Public;
	for (id, collators, outsiders) in [
		(
			REGION_A,
			[Sr25519Keyring::Alice, Sr25519Keyring::Bob],
			[Sr25519Keyring::Charlie, Sr25519Keyring::Eve],
		),
		(
			REGION_B,
			[Sr25519Keyring::Eve, Sr25519Keyring::Ferdie],
			[Sr25519Keyring::One, Sr25519Keyring::Alice],
		),
	] {
		chain(id).execute_with(|| {
			for k in collators {
				let key: Public = k.public().into();
				assert_eq!(crate::Pinning::authority_of(&key), Some(account(k)), "{id}: {k:?}");
			}
			for k in outsiders {
				let key: Public = k.public().into();
				assert_eq!(crate::Pinning::authority_of(&key), None, "{id}: {k:?}");
			}
			let status = crate::Pinning::pin_status(0);
			assert_eq!(status.len(), 2);
			assert!(status.iter().all(|(_, state)| *state == medfed_primitives::PinState::Pending));
		});
	}
}

/// Applies, as the off-chain worker sends it, a report by `authority`'s collator (its pinning
/// key is its dev key) that it pinned record `id`.
fn apply_pin_report(
	authority: Sr25519Keyring,
	id: medfed_primitives::RecordId,
) -> polkadot_sdk::sp_runtime::ApplyExtrinsicResult {
	use polkadot_sdk::{
		frame_system::offchain::CreateAuthorizedTransaction, sp_core::crypto::ByteArray,
	};
	let report = pallet_pinning::PinReport {
		key: authority.public().into(),
		at: System::block_number(),
		pins: vec![id].try_into().expect("one"),
		unpinnable: Default::default(),
	};
	let payload = crate::Pinning::signing_payload(&report);
	let signature =
		pallet_pinning::crypto::Signature::from_slice(authority.sign(&payload).as_ref())
			.expect("an sr25519 signature");
	let call = RuntimeCall::Pinning(pallet_pinning::Call::report_pins { report, signature });
	let extension = <Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_extension();
	crate::Executive::apply_extrinsic(crate::UncheckedExtrinsic::new_transaction(call, extension))
}

/// A pin report goes through the transaction pipeline as the off-chain worker sends it (the
/// runtime's authorized-transaction extension, no signer) and is applied, and nobody pays for it:
/// no fee event, the reporting authority's balance and the total issuance unchanged.
#[test]
fn a_pin_report_is_applied_and_costs_no_fee() {
	use medfed_primitives::PinState;
	chain(REGION_A).execute_with(|| {
		register_a_record_of_ferdie();
		let alice = Sr25519Keyring::Alice;
		let issuance = crate::Balances::total_issuance();
		let balance = crate::Balances::free_balance(account(alice));
		System::reset_events();

		let applied = apply_pin_report(alice, 0);

		assert_eq!(applied, Ok(Ok(())));
		assert!(crate::Pinning::pin_status(0)
			.iter()
			.any(|(who, state)| *who == account(alice) && matches!(state, PinState::Pinned { .. })));
		assert!(!System::events()
			.iter()
			.any(|r| matches!(r.event, RuntimeEvent::TransactionPayment(_))));
		assert_eq!(crate::Balances::free_balance(account(alice)), balance);
		assert_eq!(crate::Balances::total_issuance(), issuance);
	});
}

/// Sharing through the real pallets of region A, with real Umbral: Ferdie grants Dave 2 of 2
/// (Alice's and Bob's proxies), Dave requests the record, both proxies re-encrypt its capsule
/// and submit free of charge, and Dave opens the document key from their fragments. The audit
/// trail, read through the runtime API, has every step.
#[test]
fn a_grant_opens_a_record_to_the_grantee_through_the_authorities_proxies() {
	use pallet_access::{runtime_api::runtime_decl_for_access_api::AccessApiV1, AccessEvent};
	use polkadot_sdk::frame_support::dispatch::Pays;
	chain(REGION_A).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let (ferdie, dave) = (account(Sr25519Keyring::Ferdie), account(Sr25519Keyring::Dave));
		// Ferdie's record, its document key wrapped to a fresh per-grant key.
		let patient_secret = umbral_pre::SecretKey::random();
		let key = patient_secret.public_key().to_compressed_bytes().to_vec();
		assert_ok!(Records::register_patient(RuntimeOrigin::signed(ferdie.clone()), key));
		let (capsule, wrapped_key) =
			umbral_pre::encrypt(&patient_secret.public_key(), &[0x42; 32]).expect("encrypts");
		assert_ok!(RuntimeCall::Records(pallet_records::Call::register_record {
			patient: ferdie.clone(),
			resource_type: b"Observation".to_vec(),
			cid: Cid::v0([1; 32]).to_text().into_bytes(),
			ciphertext_hash: [1; 32],
			capsule: Capsule::from_umbral(&capsule).0.to_vec(),
			wrapped_key: wrapped_key.to_vec(),
			size: 64,
			supersedes: None,
		})
		.dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Charlie))));
		let grant_secret = umbral_pre::SecretKey::random();
		let (grant_capsule, grant_wrapped) =
			umbral_pre::encrypt(&grant_secret.public_key(), &[0x42; 32]).expect("encrypts");
		// Dave's key; the two proxies' accounts.
		let dave_secret = umbral_pre::SecretKey::random();
		let public = |s: &umbral_pre::SecretKey| {
			medfed_primitives::PublicKey::parse(&s.public_key().to_compressed_bytes())
				.expect("a real key")
		};
		assert_ok!(crate::Access::register_key(
			RuntimeOrigin::signed(dave.clone()),
			public(&dave_secret)
		));
		let proxies = [account(Sr25519Keyring::One), account(Sr25519Keyring::Two)];
		for (authority, proxy) in [(&alice, &proxies[0]), (&bob, &proxies[1])] {
			assert_ok!(crate::Access::set_proxy_account(
				RuntimeOrigin::signed(authority.clone()),
				proxy.clone()
			));
		}
		// Two key fragments, one per authority (the client encrypts each to its proxy; here
		// they stay in the test, which plays both sides).
		let signer = umbral_pre::Signer::new(umbral_pre::SecretKey::random());
		let kfrags = umbral_pre::generate_kfrags(
			&grant_secret,
			&dave_secret.public_key(),
			&signer,
			2,
			2,
			true,
			true,
		);
		let sealed: Vec<_> = (0..2)
			.map(|i| vec![0xe0 + i as u8; 100].try_into().expect("within the bound"))
			.collect();
		assert_ok!(crate::Access::grant(
			RuntimeOrigin::signed(ferdie.clone()),
			dave.clone(),
			pallet_access::Scope::All,
			2,
			1_000,
			[7; 32],
			public(&grant_secret),
			medfed_primitives::PublicKey::parse(&signer.verifying_key().to_compressed_bytes())
				.expect("a real key"),
			sealed.try_into().expect("two proxies"),
			vec![(
				0,
				pallet_access::GrantEnvelope {
					capsule: Capsule::from_umbral(&grant_capsule),
					wrapped_key: medfed_primitives::WrappedKey::parse(&grant_wrapped)
						.expect("72 bytes"),
				},
			)]
			.try_into()
			.expect("one envelope"),
		));
		let purpose = b"referral".to_vec().try_into().expect("short");
		assert_ok!(crate::Access::request(
			RuntimeOrigin::signed(dave.clone()),
			0,
			vec![0].try_into().expect("one"),
			purpose
		));
		for (proxy, kfrag) in proxies.iter().zip(kfrags.iter()) {
			let cfrag = umbral_pre::reencrypt(&grant_capsule, kfrag.clone());
			let bytes = umbral_pre::DefaultSerialize::to_bytes(&cfrag.unverify())
				.expect("serializes")
				.to_vec();
			let result = RuntimeCall::Access(pallet_access::Call::submit_fragments {
				request: 0,
				fragments: vec![(0, bytes.try_into().expect("within the bound"))]
					.try_into()
					.expect("one"),
			})
			.dispatch(RuntimeOrigin::signed(proxy.clone()))
			.expect("accepted");
			assert_eq!(result.pays_fee, Pays::No);
		}
		assert!(matches!(
			Runtime::request(0).map(|r| r.state),
			Some(pallet_access::RequestState::Fulfilled { .. })
		));
		// Dave verifies both fragments and opens the document key.
		let cfrags: Vec<_> = Runtime::capsule_fragments(0)
			.into_iter()
			.map(|(_, _, bytes)| {
				<umbral_pre::CapsuleFrag as umbral_pre::DefaultDeserialize>::from_bytes(&bytes)
					.expect("a capsule fragment")
					.verify(
						&grant_capsule,
						&signer.verifying_key(),
						&grant_secret.public_key(),
						&dave_secret.public_key(),
					)
					.expect("verifies")
			})
			.collect();
		let envelope = Runtime::envelope(0, 0).expect("wrapped to the grant");
		let opened = umbral_pre::decrypt_reencrypted(
			&dave_secret,
			&grant_secret.public_key(),
			&envelope.capsule.to_umbral().expect("a capsule"),
			cfrags,
			envelope.wrapped_key.0,
		)
		.expect("opens");
		assert_eq!(&opened[..], &[0x42; 32]);
		// The audit trail, through the runtime API.
		let (total, trail) = Runtime::audit(ferdie.clone(), 0, 100);
		assert_eq!(total, 5);
		assert!(trail.iter().all(|e| e.region == para_ids::REGION_A));
		assert!(matches!(trail[4].event, AccessEvent::Fulfilled { request: 0 }));
		assert_eq!(Runtime::grants_to(dave), vec![0]);
	});
}

#[test]
fn the_query_calls_other_chains_send_encode_as_this_runtimes() {
	use medfed_primitives::query::{self, Answer, QueryId, QueryKind};
	let (requester, patient) = (account(Sr25519Keyring::Dave), account(Sr25519Keyring::Ferdie));
	let id = QueryId { region: para_ids::REGION_B, nonce: 4 };
	let serve = RuntimeCall::Federation(pallet_federation::Call::serve_query {
		query: id,
		requester: requester.clone(),
		patient: patient.clone(),
		kind: QueryKind::Records,
		deadline: 90,
	});
	assert_eq!(
		serve.encode(),
		query::serve_query(id, &requester, &patient, QueryKind::Records, 90)
	);
	let routed = RuntimeCall::Federation(pallet_federation::Call::query_routed {
		nonce: 4,
		asked: vec![para_ids::REGION_A].try_into().expect("one region"),
		unreachable: Default::default(),
	});
	assert_eq!(routed.encode(), query::query_routed(4, &[para_ids::REGION_A], &[]));
	let answer = Answer::Denied;
	let take = RuntimeCall::Federation(pallet_federation::Call::take_answer {
		nonce: 4,
		answer: answer.clone(),
	});
	assert_eq!(take.encode(), query::take_answer(4, &answer));
}

#[test]
fn a_sibling_may_send_only_the_query_calls_in_medfeds_program_shape() {
	use medfed_primitives::query::{self, Answer, QUERY_WEIGHT_LIMIT};
	use polkadot_sdk::{staging_xcm::latest::prelude::*, staging_xcm_executor::XcmExecutor};
	chain(REGION_A).execute_with(|| {
		let limit = Weight::from_parts(QUERY_WEIGHT_LIMIT.0, QUERY_WEIGHT_LIMIT.1);
		let program = |call: Vec<u8>| {
			Xcm::<RuntimeCall>(vec![
				UnpaidExecution { weight_limit: Limited(limit), check_origin: None },
				Transact {
					origin_kind: OriginKind::Xcm,
					fallback_max_weight: None,
					call: call.into(),
				},
				SetTopic([3; 32]),
			])
		};
		let execute = |origin: Location, message: Xcm<RuntimeCall>| {
			let mut id = [0; 32];
			XcmExecutor::<crate::configs::xcm_config::XcmConfig>::prepare_and_execute(
				origin,
				message,
				&mut id,
				Weight::MAX,
				Weight::zero(),
			)
		};
		let region_b = Location::new(1, [Parachain(para_ids::REGION_B)]);
		let answer = query::take_answer(0, &Answer::NotFound);

		// A sibling's answer executes: to an unknown query, it is recorded and ignored.
		let outcome = execute(region_b.clone(), program(answer.clone()));
		assert!(matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
		System::assert_has_event(
			pallet_federation::Event::AnswerIgnored {
				query: medfed_primitives::query::QueryId { region: para_ids::REGION_A, nonce: 0 },
				from: para_ids::REGION_B,
				reason: pallet_federation::Ignored::UnknownQuery,
			}
			.into(),
		);

		// Not from the relay chain, not through `DescendOrigin`, not above the limit.
		let mut over = program(answer.clone());
		over.0[0] = UnpaidExecution {
			weight_limit: Limited(limit.saturating_add(Weight::from_parts(1, 0))),
			check_origin: None,
		};
		let mut descended = program(answer.clone());
		descended.0.insert(1, DescendOrigin([Parachain(para_ids::REGION_B)].into()));
		for (origin, message) in [
			(Location::parent(), program(answer.clone())),
			(Location::parent(), descended.clone()),
			(region_b.clone(), descended),
			(region_b.clone(), over),
		] {
			let outcome = execute(origin.clone(), message);
			assert!(
				medfed_runtime_common::xcm::refused_before_execution(&outcome),
				"{origin:?}: {outcome:?}"
			);
		}

		// The program shape with any other call dispatches nothing.
		System::reset_events();
		let remark = RuntimeCall::System(polkadot_sdk::frame_system::Call::remark_with_event {
			remark: b"hi".to_vec(),
		});
		let outcome = execute(region_b, program(remark.encode()));
		assert!(!matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
		assert!(!System::events().iter().any(|e| matches!(
			e.event,
			RuntimeEvent::System(polkadot_sdk::frame_system::Event::Remarked { .. })
		)));
	});
}

#[test]
fn every_query_program_weighs_within_the_query_weight_limit() {
	use medfed_primitives::query::{
		self, Answer, QueryId, QueryKind, SharedRecord, MAX_QUERY_REGIONS, MAX_RECORDS_PER_PAGE,
		QUERY_WEIGHT_LIMIT,
	};
	use polkadot_sdk::{
		staging_xcm::latest::prelude::*, staging_xcm_executor::traits::WeightBounds,
	};
	type Weigher = <crate::configs::xcm_config::XcmConfig as polkadot_sdk::staging_xcm_executor::Config>::Weigher;
	let limit = Weight::from_parts(QUERY_WEIGHT_LIMIT.0, QUERY_WEIGHT_LIMIT.1);
	let (requester, patient) = (account(Sr25519Keyring::Dave), account(Sr25519Keyring::Ferdie));
	let record = SharedRecord {
		id: 1,
		grant: 2,
		resource_type: medfed_primitives::ResourceType::parse(b"Observation").expect("a type"),
		cid: Cid::raw_sha256([3; 32]),
		size: 4,
		created_at: 5,
	};
	let page = Answer::Records {
		page: 0,
		pages: 4,
		truncated: true,
		records: vec![record; MAX_RECORDS_PER_PAGE as usize].try_into().expect("one page"),
	};
	let regions: Vec<u32> = (0..MAX_QUERY_REGIONS).map(|r| 3000 + r).collect();
	let id = QueryId { region: para_ids::REGION_B, nonce: 9 };
	for (name, call) in [
		("serve_query", query::serve_query(id, &requester, &patient, QueryKind::Records, 9)),
		("query_routed", query::query_routed(9, &regions, &[])),
		("take_answer", query::take_answer(9, &page)),
	] {
		let mut message = Xcm::<RuntimeCall>(vec![
			UnpaidExecution { weight_limit: Limited(limit), check_origin: None },
			Transact { origin_kind: OriginKind::Xcm, fallback_max_weight: None, call: call.into() },
			SetTopic([1; 32]),
		]);
		let weight = Weigher::weight(&mut message, Weight::MAX).expect("weighs");
		assert!(weight.all_lte(limit), "{name} weighs {weight:?}, above {limit:?}");
		// How many the message queue's share of a block executes (printed for
		// docs/benchmarks.md).
		let budget = crate::configs::MessageQueueServiceWeight::get();
		println!(
			"{name}: {} ps and {} bytes of proof; a block's message queue fits {} by ref time, \
			 {} by proof size",
			weight.ref_time(),
			weight.proof_size(),
			budget.ref_time() / weight.ref_time().max(1),
			budget.proof_size() / weight.proof_size().max(1),
		);
	}
	// Any other instruction cannot be weighed within a limit: the barrier's shape, again.
	let mut other = Xcm::<RuntimeCall>(vec![ClearOrigin]);
	assert!(Weigher::weight(&mut other, limit).is_err());
}

#[test]
fn collator_selection_is_never_asked_for_more_candidates_than_it_may_hold() {
	use polkadot_sdk::frame_support::traits::Get;
	chain(REGION_A).execute_with(|| {
		let max =
			<Runtime as polkadot_sdk::pallet_collator_selection::Config>::MaxCandidates::get();
		let call = RuntimeCall::CollatorSelection(
			polkadot_sdk::pallet_collator_selection::Call::set_desired_candidates { max: max + 1 },
		);
		// Even four of five authorities (fuzz seed 0x26415eafbfe6038c found it passing).
		let error = call.dispatch(authorities(4, 5)).expect_err("filtered");
		assert_eq!(error.error, polkadot_sdk::frame_system::Error::<Runtime>::CallFiltered.into());
		assert_ok!(RuntimeCall::CollatorSelection(
			polkadot_sdk::pallet_collator_selection::Call::set_desired_candidates { max }
		)
		.dispatch(authorities(4, 5)));
		#[cfg(feature = "try-runtime")]
		{
			use polkadot_sdk::frame_support::traits::{TryState, TryStateSelect};
			crate::AllPalletsWithSystem::try_state(1, TryStateSelect::All)
				.expect("collator selection's invariants hold");
		}
	});
}
