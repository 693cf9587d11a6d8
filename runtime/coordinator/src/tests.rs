//! Integration tests of the coordinator runtime: genesis, the call encoding regions rely on,
//! and a region's `Transact` through the real XCM executor and barrier.

use crate::{
	configs::xcm_config::XcmConfig, genesis_config_presets, AccountId, Directory, RuntimeCall,
	RuntimeGenesisConfig, System,
};
use codec::Encode;
use medfed_primitives::query::{QueryId, QueryKind};
use medfed_runtime_common::{
	genesis,
	para_ids::{COORDINATOR, REGION_A, REGION_B},
};
use polkadot_sdk::{
	frame_support::{traits::BuildGenesisConfig, weights::Weight},
	sp_genesis_builder::PresetId,
	sp_io,
	sp_keyring::Sr25519Keyring,
	staging_xcm::latest::prelude::*,
	staging_xcm_executor::XcmExecutor,
};

/// The externalities of a chain started from preset `id` (a patch over the default genesis,
/// merged as chain spec builders do), at block 1.
fn chain(id: &str) -> sp_io::TestExternalities {
	let preset =
		genesis_config_presets::get_preset(&PresetId::from(id)).expect("the preset exists");
	let config: RuntimeGenesisConfig = genesis::config_from_preset(&preset);
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		config.build();
		System::set_block_number(1);
	});
	ext
}

fn coordinator() -> sp_io::TestExternalities {
	chain(genesis_config_presets::COORDINATOR)
}

fn patient() -> AccountId {
	Sr25519Keyring::Ferdie.to_account_id()
}

/// The weight limit regions announce with.
fn announcement_limit() -> Weight {
	let (ref_time, proof_size) = medfed_primitives::coordinator::NOTE_PATIENT_WEIGHT_LIMIT;
	Weight::from_parts(ref_time, proof_size)
}

/// The weight limit of every query message.
fn query_limit() -> Weight {
	let (ref_time, proof_size) = medfed_primitives::query::QUERY_WEIGHT_LIMIT;
	Weight::from_parts(ref_time, proof_size)
}

/// `Transact` of `Directory::note_patient { patient }` with the sender's own XCM origin.
fn note_patient(patient: &AccountId) -> Instruction<RuntimeCall> {
	Transact {
		origin_kind: OriginKind::Xcm,
		fallback_max_weight: None,
		call: medfed_primitives::coordinator::note_patient(patient).into(),
	}
}

/// What region `para` sends when a patient's first record is registered there.
fn announcement(para: u32, patient: &AccountId) -> (Location, Xcm<RuntimeCall>) {
	let message = Xcm(vec![
		UnpaidExecution { weight_limit: Limited(announcement_limit()), check_origin: None },
		note_patient(patient),
		SetTopic([7; 32]),
	]);
	(Location::new(1, [Parachain(para)]), message)
}

fn execute(origin: Location, message: Xcm<RuntimeCall>) -> Outcome {
	let mut id = [7; 32];
	XcmExecutor::<XcmConfig>::prepare_and_execute(
		origin,
		message,
		&mut id,
		Weight::MAX,
		Weight::zero(),
	)
}

#[test]
fn the_regions_encoding_of_note_patient_is_the_coordinators() {
	let patient = patient();
	let ours =
		RuntimeCall::Directory(pallet_directory::Call::note_patient { patient: patient.clone() });
	assert_eq!(ours.encode(), medfed_primitives::coordinator::note_patient(&patient));
}

#[test]
fn the_regions_encoding_of_note_patients_and_its_acknowledgement_are_the_runtimes() {
	let patients = vec![patient(), Sr25519Keyring::Dave.to_account_id()];
	let ours = RuntimeCall::Directory(pallet_directory::Call::note_patients {
		batch: 9,
		patients: patients.clone().try_into().expect("few"),
	});
	assert_eq!(ours.encode(), medfed_primitives::coordinator::note_patients(9, &patients));
}

#[test]
fn every_preset_builds_a_coordinator_of_both_regions() {
	for id in genesis_config_presets::preset_names() {
		chain(&id).execute_with(|| {
			assert_eq!(crate::ParachainInfo::parachain_id(), COORDINATOR.into());
			assert_eq!(
				Directory::regions(),
				vec![(REGION_A, b"Region A".to_vec()), (REGION_B, b"Region B".to_vec())]
			);
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
fn a_regions_announcement_lists_the_patient() {
	coordinator().execute_with(|| {
		let (origin, message) = announcement(REGION_A, &patient());
		let outcome = execute(origin, message);
		assert!(matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
		assert_eq!(Directory::regions_of(patient()), vec![REGION_A]);

		let (origin, message) = announcement(REGION_B, &patient());
		assert!(matches!(execute(origin, message), Outcome::Complete { .. }));
		assert_eq!(Directory::regions_of(patient()), vec![REGION_A, REGION_B]);
	});
}

#[test]
fn the_regions_encoding_of_route_query_is_the_coordinators() {
	let (requester, patient) = (Sr25519Keyring::Dave.to_account_id(), patient());
	let ours = RuntimeCall::Directory(pallet_directory::Call::route_query {
		nonce: 3,
		requester: requester.clone(),
		patient: patient.clone(),
		kind: QueryKind::Records,
		deadline: 77,
	});
	assert_eq!(
		ours.encode(),
		medfed_primitives::query::route_query(3, &requester, &patient, QueryKind::Records, 77)
	);
}

#[test]
fn a_regions_query_is_routed_to_the_regions_holding_the_patient() {
	coordinator().execute_with(|| {
		let (origin, message) = announcement(REGION_B, &patient());
		assert!(matches!(execute(origin, message), Outcome::Complete { .. }));
		let call = medfed_primitives::query::route_query(
			0,
			&Sr25519Keyring::Dave.to_account_id(),
			&patient(),
			QueryKind::Records,
			500,
		);
		let message = Xcm(vec![
			UnpaidExecution { weight_limit: Limited(query_limit()), check_origin: None },
			Transact { origin_kind: OriginKind::Xcm, fallback_max_weight: None, call: call.into() },
			SetTopic([9; 32]),
		]);
		let outcome = execute(Location::new(1, [Parachain(REGION_A)]), message);
		assert!(matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
		// No HRMP channel is open in this test: region B is unreachable, and says so.
		System::assert_has_event(
			pallet_directory::Event::QueryRouted {
				query: QueryId { region: REGION_A, nonce: 0 },
				asked: 0,
				unreachable: 1,
			}
			.into(),
		);
	});
}

#[test]
fn a_parachain_outside_the_federation_cannot_execute_unpaid() {
	coordinator().execute_with(|| {
		let (origin, message) = announcement(3000, &patient());
		let outcome = execute(origin, message);
		assert!(
			matches!(
				outcome,
				Outcome::Incomplete {
					error: InstructionError { error: XcmError::Barrier, .. },
					..
				} | Outcome::Error(InstructionError { error: XcmError::Barrier, .. })
			),
			"{outcome:?}"
		);
		assert!(Directory::regions_of(patient()).is_empty());
	});
}

#[test]
fn only_the_exact_announcement_executes() {
	coordinator().execute_with(|| {
		let region = Location::new(1, [Parachain(REGION_A)]);
		let unpaid = |weight_limit| UnpaidExecution { weight_limit, check_origin: None };
		let limit = announcement_limit();
		let refused = [
			// No weight limit, or one above the most a region's program may ask.
			Xcm(vec![unpaid(Unlimited), note_patient(&patient())]),
			Xcm(vec![
				unpaid(Limited(query_limit().saturating_add(Weight::from_parts(1, 0)))),
				note_patient(&patient()),
			]),
			// A limit below what the program weighs.
			Xcm(vec![unpaid(Limited(Weight::from_parts(1, 1))), note_patient(&patient())]),
			// Another origin kind, or an origin check.
			Xcm(vec![
				unpaid(Limited(limit)),
				Transact {
					origin_kind: OriginKind::SovereignAccount,
					fallback_max_weight: None,
					call: medfed_primitives::coordinator::note_patient(&patient()).into(),
				},
			]),
			Xcm(vec![
				UnpaidExecution {
					weight_limit: Limited(limit),
					check_origin: Some(region.clone()),
				},
				note_patient(&patient()),
			]),
			// Anything more, or anything else.
			Xcm(vec![unpaid(Limited(limit)), ClearOrigin, note_patient(&patient())]),
			Xcm(vec![unpaid(Limited(limit)), note_patient(&patient()), note_patient(&patient())]),
			Xcm(vec![
				unpaid(Limited(limit)),
				DescendOrigin([AccountId32 { network: None, id: [1; 32] }].into()),
				note_patient(&patient()),
			]),
			Xcm(vec![
				WithdrawAsset((Here, 1_000_000_000_000u128).into()),
				BuyExecution {
					fees: (Here, 1_000_000_000_000u128).into(),
					weight_limit: Unlimited,
				},
				note_patient(&patient()),
			]),
		];
		for message in refused {
			let outcome = execute(region.clone(), message.clone());
			assert!(
				medfed_runtime_common::xcm::refused_before_execution(&outcome),
				"{message:?}: {outcome:?}"
			);
		}
		assert!(Directory::regions_of(patient()).is_empty());
	});
}

#[test]
fn the_relay_chain_cannot_speak_for_a_region() {
	coordinator().execute_with(|| {
		let unpaid =
			UnpaidExecution { weight_limit: Limited(announcement_limit()), check_origin: None };
		let as_region = DescendOrigin([Parachain(REGION_A)].into());
		for message in [
			Xcm(vec![unpaid.clone(), as_region.clone(), note_patient(&patient())]),
			Xcm(vec![as_region, unpaid, note_patient(&patient())]),
		] {
			let outcome = execute(Location::parent(), message.clone());
			assert!(
				medfed_runtime_common::xcm::refused_before_execution(&outcome),
				"{message:?}: {outcome:?}"
			);
		}
		assert!(Directory::regions_of(patient()).is_empty());
	});
}

#[test]
fn a_region_may_transact_only_directory_calls() {
	coordinator().execute_with(|| {
		let remark = RuntimeCall::System(polkadot_sdk::frame_system::Call::remark_with_event {
			remark: b"hi".to_vec(),
		});
		let message = Xcm(vec![
			UnpaidExecution { weight_limit: Limited(announcement_limit()), check_origin: None },
			Transact {
				origin_kind: OriginKind::Xcm,
				fallback_max_weight: None,
				call: remark.encode().into(),
			},
		]);
		let outcome = execute(Location::new(1, [Parachain(REGION_A)]), message);
		assert!(!matches!(outcome, Outcome::Complete { .. }), "{outcome:?}");
		assert!(!System::events().iter().any(|e| matches!(
			e.event,
			crate::RuntimeEvent::System(polkadot_sdk::frame_system::Event::Remarked { .. })
		)));
	});
}

#[test]
fn a_signed_account_cannot_write_the_directory() {
	coordinator().execute_with(|| {
		let origin = crate::RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		assert!(Directory::note_patient(origin, patient()).is_err());
	});
}

/// `voters` (by their keyring names) pass, or fail to pass, a council motion for `call`: the
/// first proposes with threshold `voters.len()`, all vote aye, the first closes. The result of
/// the motion's dispatch, as the council's `Executed` event gives it.
fn council_motion(
	voters: &[Sr25519Keyring],
	call: RuntimeCall,
) -> Result<(), polkadot_sdk::sp_runtime::DispatchError> {
	use crate::{FederationCouncil, Runtime, RuntimeEvent, RuntimeOrigin};
	use polkadot_sdk::{
		frame_support::{assert_ok, dispatch::GetDispatchInfo},
		pallet_collective,
		sp_runtime::traits::Hash,
	};
	let length = call.encoded_size() as u32;
	let weight = call.get_dispatch_info().call_weight;
	let hash = <Runtime as polkadot_sdk::frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	let signed = |k: &Sr25519Keyring| RuntimeOrigin::signed(k.to_account_id());
	System::reset_events();
	assert_ok!(FederationCouncil::propose(
		signed(&voters[0]),
		voters.len() as u32,
		Box::new(call),
		length
	));
	for voter in voters {
		assert_ok!(FederationCouncil::vote(signed(voter), hash, index, true));
	}
	assert_ok!(FederationCouncil::close(signed(&voters[0]), hash, index, weight, length));
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::FederationCouncil(pallet_collective::Event::Executed {
				result, ..
			}) => Some(result),
			_ => None,
		})
		.expect("a motion with enough ayes for its threshold is executed")
}

/// The council's members.
fn council() -> Vec<AccountId> {
	polkadot_sdk::pallet_collective::Members::<
		crate::Runtime,
		polkadot_sdk::pallet_collective::Instance1,
	>::get()
}

/// The directory's regions, in order.
fn region_ids() -> Vec<u32> {
	let mut ids: Vec<u32> = Directory::regions().into_iter().map(|(id, _)| id).collect();
	ids.sort();
	ids
}

fn add_region(id: u32) -> RuntimeCall {
	RuntimeCall::Directory(pallet_directory::Call::add_region {
		region: id,
		name: b"Rogue".to_vec(),
	})
}

#[test]
fn the_council_is_every_regions_authorities_and_there_is_no_sudo() {
	use codec::Decode;
	coordinator().execute_with(|| {
		let mut expected = genesis::accounts(&[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Eve,
			Sr25519Keyring::Ferdie,
		]);
		expected.sort();
		assert_eq!(council(), expected);
		// `Sudo.sudo(System.remark)` as it was encoded (pallet 15, call 0) is no call at all.
		let remark =
			RuntimeCall::System(polkadot_sdk::frame_system::Call::remark { remark: vec![1] });
		let sudo = [&[15u8, 0][..], &remark.encode()].concat();
		assert!(RuntimeCall::decode(&mut &sudo[..]).is_err());
	});
}

#[test]
fn one_regions_authorities_alone_cannot_add_or_remove_a_region() {
	coordinator().execute_with(|| {
		// Region A's two authorities are half the council: not two thirds.
		let region_a = [Sr25519Keyring::Alice, Sr25519Keyring::Bob];
		assert_eq!(
			council_motion(&region_a, add_region(3000)),
			Err(polkadot_sdk::sp_runtime::DispatchError::BadOrigin)
		);
		let remove_b =
			RuntimeCall::Directory(pallet_directory::Call::remove_region { region: REGION_B });
		assert_eq!(
			council_motion(&region_a, remove_b),
			Err(polkadot_sdk::sp_runtime::DispatchError::BadOrigin)
		);
		assert_eq!(region_ids(), vec![REGION_A, REGION_B]);
		// Nor may any one account, even a collator.
		assert!(polkadot_sdk::sp_runtime::traits::Dispatchable::dispatch(
			add_region(3000),
			crate::RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id())
		)
		.is_err());

		// With one authority of region B, three of four: added.
		let three = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Eve];
		assert_eq!(council_motion(&three, add_region(3000)), Ok(()));
		assert_eq!(region_ids(), vec![REGION_A, REGION_B, 3000]);
	});
}

#[test]
fn a_council_supermajority_enacts_root_calls_and_changes_its_own_members() {
	coordinator().execute_with(|| {
		let enact = |call: RuntimeCall| {
			RuntimeCall::Governance(pallet_governance::Call::enact { call: Box::new(call) })
		};
		let code_hash = crate::Hash::repeat_byte(9);
		let authorize =
			enact(RuntimeCall::System(polkadot_sdk::frame_system::Call::authorize_upgrade {
				code_hash,
			}));
		let upgrade_authorized = || {
			System::events().iter().any(|r| {
				r.event ==
					crate::RuntimeEvent::System(
						polkadot_sdk::frame_system::Event::UpgradeAuthorized {
							code_hash,
							check_version: true,
						},
					)
			})
		};
		let region_b = [Sr25519Keyring::Eve, Sr25519Keyring::Ferdie];
		assert!(council_motion(&region_b, authorize.clone()).is_err());
		assert!(!upgrade_authorized());
		let three = [Sr25519Keyring::Eve, Sr25519Keyring::Ferdie, Sr25519Keyring::Bob];
		assert_eq!(council_motion(&three, authorize), Ok(()));
		assert!(upgrade_authorized());

		// A new region's authority joins the council by an enacted motion.
		let newcomer = Sr25519Keyring::Charlie.to_account_id();
		let mut members = council();
		members.push(newcomer.clone());
		let set_members = enact(RuntimeCall::FederationCouncil(
			polkadot_sdk::pallet_collective::Call::set_members {
				new_members: members,
				prime: None,
				old_count: 4,
			},
		));
		assert_eq!(council_motion(&three, set_members), Ok(()));
		assert!(council().contains(&newcomer));
	});
}

/// The origin of a council motion passed by `yes` of `of` members.
fn council_of(yes: u32, of: u32) -> crate::RuntimeOrigin {
	polkadot_sdk::pallet_collective::RawOrigin::<
		AccountId,
		polkadot_sdk::pallet_collective::Instance1,
	>::Members(yes, of)
	.into()
}

#[test]
fn a_council_majority_short_of_two_thirds_cannot_govern() {
	use polkadot_sdk::{frame_support::assert_noop, sp_runtime::traits::Dispatchable};
	coordinator().execute_with(|| {
		let two_thirds_only = [
			add_region(3000),
			RuntimeCall::Directory(pallet_directory::Call::remove_region { region: REGION_B }),
			RuntimeCall::CollatorSelection(
				polkadot_sdk::pallet_collator_selection::Call::set_invulnerables {
					new: vec![Sr25519Keyring::Alice.to_account_id()],
				},
			),
			RuntimeCall::Governance(pallet_governance::Call::enact {
				call: Box::new(RuntimeCall::System(
					polkadot_sdk::frame_system::Call::authorize_upgrade {
						code_hash: crate::Hash::repeat_byte(9),
					},
				)),
			}),
		];
		for call in &two_thirds_only {
			assert_noop!(
				call.clone().dispatch(council_of(3, 5)),
				polkadot_sdk::sp_runtime::DispatchError::BadOrigin
			);
		}
		for call in two_thirds_only {
			assert!(call.dispatch(council_of(4, 5)).is_ok());
		}
		assert_eq!(region_ids(), vec![REGION_A, 3000]);
	});
}

#[test]
fn members_who_do_not_vote_count_against_a_motion() {
	coordinator().execute_with(|| {
		use crate::{FederationCouncil, RuntimeOrigin};
		use polkadot_sdk::{frame_support::dispatch::GetDispatchInfo, sp_runtime::traits::Hash};
		// A fifth member joins (three of four enact it).
		let three = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Eve];
		let mut members = council();
		members.push(Sr25519Keyring::Charlie.to_account_id());
		let set_members = RuntimeCall::Governance(pallet_governance::Call::enact {
			call: Box::new(RuntimeCall::FederationCouncil(
				polkadot_sdk::pallet_collective::Call::set_members {
					new_members: members,
					prime: None,
					old_count: 4,
				},
			)),
		});
		assert_eq!(council_motion(&three, set_members), Ok(()));
		assert_eq!(council().len(), 5);

		// A motion for adding a region needs all five; three vote for it, two stay silent
		// until its end.
		let call = add_region(3000);
		let (length, weight) = (call.encoded_size() as u32, call.get_dispatch_info().call_weight);
		let hash = <crate::Runtime as polkadot_sdk::frame_system::Config>::Hashing::hash_of(&call);
		let index = polkadot_sdk::pallet_collective::ProposalCount::<
			crate::Runtime,
			polkadot_sdk::pallet_collective::Instance1,
		>::get();
		let signed = |k: &Sr25519Keyring| RuntimeOrigin::signed(k.to_account_id());
		System::reset_events();
		assert!(FederationCouncil::propose(signed(&three[0]), 5, Box::new(call), length).is_ok());
		for voter in &three {
			assert!(FederationCouncil::vote(signed(voter), hash, index, true).is_ok());
		}
		// After its end anyone closes it, the silent members counted against it: it is
		// disapproved. (Counted as ayes, as `MoreThanMajorityThenPrimeDefaultVote` counts them
		// once more than half voted aye, it would pass as five of five.)
		let end = System::block_number() + crate::configs::CouncilMotionDuration::get();
		System::set_block_number(end + 1);
		assert!(FederationCouncil::close(signed(&three[0]), hash, index, weight, length).is_ok());
		let outcome = System::events().into_iter().find_map(|r| match r.event {
			crate::RuntimeEvent::FederationCouncil(
				polkadot_sdk::pallet_collective::Event::Executed { result, .. },
			) => Some(result.map_err(|_| "failed")),
			crate::RuntimeEvent::FederationCouncil(
				polkadot_sdk::pallet_collective::Event::Disapproved { .. },
			) => Some(Err("disapproved")),
			_ => None,
		});
		assert_eq!(outcome, Some(Err("disapproved")));
		assert_eq!(region_ids(), vec![REGION_A, REGION_B]);
	});
}

/// How many of MedFed's messages the coordinator executes per block, by the weights its XCM
/// weigher gives them (benchmarked instructions plus the benchmarked call) and the message
/// queue's share of a block. Prints the figures `docs/benchmarks.md` quotes.
#[test]
fn messages_per_block() {
	// The HRMP channels MedFed opens carry messages of up to 8 KiB
	// (`client/src/federation/channels.rs`).
	const HRMP_PAGE: u64 = 8 * 1024;
	use polkadot_sdk::staging_xcm_executor::traits::WeightBounds;
	type Weigher = <XcmConfig as polkadot_sdk::staging_xcm_executor::Config>::Weigher;
	let budget = crate::configs::MessageQueueServiceWeight::get();
	let requester = Sr25519Keyring::Dave.to_account_id();
	// `route_query` is weighed for the most regions the directory may forward to.
	let route =
		medfed_primitives::query::route_query(1, &requester, &patient(), QueryKind::Records, 40);
	for (name, call, limit) in [
		(
			"announcement (note_patient)",
			medfed_primitives::coordinator::note_patient(&patient()),
			announcement_limit(),
		),
		("query (route_query)", route, query_limit()),
		(
			"announcement of the most patients (note_patients)",
			medfed_primitives::coordinator::note_patients(
				u64::MAX,
				&vec![
					patient();
					medfed_primitives::coordinator::MAX_ANNOUNCEMENT_PATIENTS as usize
				],
			),
			{
				let (ref_time, proof_size) =
					medfed_primitives::coordinator::NOTE_PATIENTS_WEIGHT_LIMIT;
				Weight::from_parts(ref_time, proof_size)
			},
		),
	] {
		let mut message = Xcm::<RuntimeCall>(vec![
			UnpaidExecution { weight_limit: Limited(limit), check_origin: None },
			Transact { origin_kind: OriginKind::Xcm, fallback_max_weight: None, call: call.into() },
			SetTopic([1; 32]),
		]);
		// What one channel carries: a sender's XCMP queue sends one page a channel a block, of
		// the programs as versioned XCM one after the other behind a format byte.
		let size = polkadot_sdk::staging_xcm::VersionedXcm::from(message.clone()).encode().len();
		let per_page = (HRMP_PAGE - 1) / size as u64;
		let weight = Weigher::weight(&mut message, Weight::MAX).expect("MedFed's program weighs");
		assert!(weight.all_lte(limit), "{name} weighs {weight:?}, above its limit {limit:?}");
		let by_ref_time = budget.ref_time() / weight.ref_time().max(1);
		let by_proof_size = budget.proof_size() / weight.proof_size().max(1);
		println!(
			"{name}: {} ps and {} bytes of proof; the message queue's {} ps and {} bytes a block \
			 fit {by_ref_time} by ref time, {by_proof_size} by proof size; {size} bytes, \
			 {per_page} to a channel's page a block",
			weight.ref_time(),
			weight.proof_size(),
			budget.ref_time(),
			budget.proof_size(),
		);
		assert!(by_ref_time.min(by_proof_size) > 0 && per_page > 0);
		if name.starts_with("query") {
			// Queries: one region's channel alone carries more than the coordinator executes.
			assert!(per_page > by_ref_time.min(by_proof_size), "{per_page} a page");
		}
	}
	// Any other instruction cannot be weighed within a limit.
	let mut other = Xcm::<RuntimeCall>(vec![ClearOrigin]);
	assert!(Weigher::weight(&mut other, query_limit()).is_err());
}
