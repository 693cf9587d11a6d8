//! The emulated network itself: each chain starts from its preset, and every two parachains
//! reach each other over HRMP, regions included.

use crate::coordinator;
use medfed_integration_tests::{
	xcm_emulator::{assert_expected_events, Encode, TestExt},
	CoordinatorPara, RegionAPara, RegionBPara, RococoRelay, COORDINATOR, REGION_A, REGION_B,
};
use medfed_primitives::{query::QUERY_WEIGHT_LIMIT, Membership, Role};
use medfed_region_runtime::{configs::xcm_config::XcmRouter, Institutions, Runtime, RuntimeCall};
use polkadot_sdk::{
	cumulus_primitives_core::AggregateMessageOrigin,
	frame_support::{assert_ok, weights::Weight},
	frame_system, pallet_message_queue,
	sp_keyring::Sr25519Keyring,
	staging_xcm::latest::{prelude::*, send_xcm},
};

/// The relay chain, the coordinator and both regions start as their presets describe them:
/// the para ids, the coordinator's regions, each region's coordinator and institutions.
#[test]
fn each_chain_starts_from_its_preset() {
	RococoRelay::execute_with(|| {
		assert_eq!(
			polkadot_sdk::pallet_sudo::Key::<rococo_runtime::Runtime>::get(),
			Some(Sr25519Keyring::Alice.to_account_id())
		);
		assert_eq!(rococo_runtime::Session::validators().len(), 2, "Alice and Bob validate");
	});
	CoordinatorPara::execute_with(|| {
		assert_eq!(coordinator::ParachainInfo::parachain_id(), COORDINATOR.into());
		let regions: Vec<u32> =
			coordinator::Directory::regions().into_iter().map(|(id, _)| id).collect();
		assert_eq!(regions, vec![REGION_A, REGION_B]);
	});
	for (para, member, role) in [
		(REGION_A, Sr25519Keyring::Charlie, Role::Clinic),
		(REGION_B, Sr25519Keyring::One, Role::Hospital),
	] {
		let check = || {
			assert_eq!(medfed_region_runtime::ParachainInfo::parachain_id(), para.into());
			assert_eq!(pallet_federation::Coordinator::<Runtime>::get(), Some(COORDINATOR));
			assert_eq!(Institutions::active_role(&member.to_account_id()), Ok(role));
		};
		if para == REGION_A {
			RegionAPara::execute_with(check);
		} else {
			RegionBPara::execute_with(check);
		}
	}
}

/// A program that runs `System::remark_with_event` with the sender's own XCM origin, in
/// MedFed's one program shape: the regions' barrier lets it in, their `Transact` filter does not
/// dispatch it.
fn remark_program() -> Xcm<()> {
	let (ref_time, proof_size) = QUERY_WEIGHT_LIMIT;
	let remark = RuntimeCall::System(frame_system::Call::remark_with_event {
		remark: b"from a sibling".to_vec(),
	});
	Xcm(vec![
		UnpaidExecution {
			weight_limit: Limited(Weight::from_parts(ref_time, proof_size)),
			check_origin: None,
		},
		Transact {
			origin_kind: OriginKind::Xcm,
			fallback_max_weight: None,
			call: remark.encode().into(),
		},
	])
}

/// Whether anything remarked in this region's current block.
fn remarked() -> bool {
	medfed_region_runtime::System::events().into_iter().any(|record| {
		matches!(
			record.event,
			medfed_region_runtime::RuntimeEvent::System(frame_system::Event::Remarked { .. })
		)
	})
}

/// Region A's message reaches region B over HRMP, and B's reaches A: each region's message
/// queue processes the other's message, and executes no call outside the federation's.
#[test]
fn regions_reach_each_other_over_hrmp_and_dispatch_no_foreign_call() {
	type RuntimeEvent = medfed_region_runtime::RuntimeEvent;
	RegionAPara::execute_with(|| {
		assert_ok!(send_xcm::<XcmRouter>(
			Location::new(1, [Parachain(REGION_B)]),
			remark_program()
		));
	});
	RegionBPara::execute_with(|| {
		assert_expected_events!(
			RegionBPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					origin: AggregateMessageOrigin::Sibling(from), success: false, ..
				}) => {
					from: *from == REGION_A.into(),
				},
			]
		);
		assert!(!remarked());
		assert_ok!(send_xcm::<XcmRouter>(
			Location::new(1, [Parachain(REGION_A)]),
			remark_program()
		));
	});
	RegionAPara::execute_with(|| {
		assert_expected_events!(
			RegionAPara,
			vec![
				RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
					origin: AggregateMessageOrigin::Sibling(from), success: false, ..
				}) => {
					from: *from == REGION_B.into(),
				},
			]
		);
		assert!(!remarked());
	});
}
