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

/// Whether the barrier stopped `outcome`'s message.
fn stopped_by_the_barrier(outcome: &Outcome) -> bool {
	matches!(
		outcome,
		Outcome::Incomplete { error: InstructionError { error: XcmError::Barrier, .. }, .. } |
			Outcome::Error(InstructionError { error: XcmError::Barrier, .. })
	)
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
			assert!(stopped_by_the_barrier(&outcome), "{message:?}: {outcome:?}");
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
			assert!(stopped_by_the_barrier(&outcome), "{message:?}: {outcome:?}");
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
