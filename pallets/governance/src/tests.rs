//! Tests of the governance pallet: only the enact origin reaches root, the call's result is
//! enact's, and the weight covers the call.

use crate::{mock::*, Event};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::{GetDispatchInfo, Pays, PostDispatchInfo},
		traits::UnfilteredDispatchable,
		weights::Weight,
	},
	frame_system, pallet_collective,
	sp_runtime::{
		traits::{BlakeTwo256, Hash},
		DispatchError,
	},
};

const KEY: &[u8] = b":medfed:test";

/// A call only root may make: write [`KEY`].
fn root_only_call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::set_storage {
		items: vec![(KEY.to_vec(), b"enacted".to_vec())],
	})
}

fn enact(call: RuntimeCall) -> RuntimeCall {
	RuntimeCall::Governance(crate::Call::enact { call: Box::new(call) })
}

/// `who` proposes `call` to the authorities with `threshold` ayes; returns its hash and index.
fn propose(who: u64, threshold: u32, call: RuntimeCall) -> (polkadot_sdk::sp_core::H256, u32) {
	let length = codec::Encode::encoded_size(&call) as u32;
	let hash = BlakeTwo256::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Test, pallet_collective::Instance1>::get();
	assert_ok!(Authorities::propose(RuntimeOrigin::signed(who), threshold, Box::new(call), length));
	(hash, index)
}

fn close(hash: polkadot_sdk::sp_core::H256, index: u32, call: &RuntimeCall) {
	let length = codec::Encode::encoded_size(call) as u32;
	assert_ok!(Authorities::close(
		RuntimeOrigin::signed(1),
		hash,
		index,
		call.get_dispatch_info().call_weight,
		length
	));
}

fn executed(hash: polkadot_sdk::sp_core::H256) -> Option<Result<(), DispatchError>> {
	System::events().into_iter().find_map(|record| match record.event {
		RuntimeEvent::Authorities(pallet_collective::Event::Executed { proposal_hash, result })
			if proposal_hash == hash =>
			Some(result),
		_ => None,
	})
}

#[docify::export]
#[test]
fn enact_dispatches_as_root_only_for_the_enact_origin() {
	new_test_ext().execute_with(|| {
		// One authority alone: the motion executes at once, with one of three votes.
		let motion = enact(root_only_call());
		let (hash, _) = propose(1, 1, motion.clone());
		assert_eq!(executed(hash), Some(Err(DispatchError::BadOrigin)));
		assert_eq!(polkadot_sdk::sp_io::storage::get(KEY), None);

		// Two of three: enacted as root. (A proposer votes like every other member.)
		System::reset_events();
		let (hash, index) = propose(1, 2, motion.clone());
		for who in [1, 2] {
			assert_ok!(Authorities::vote(RuntimeOrigin::signed(who), hash, index, true));
		}
		close(hash, index, &motion);
		assert_eq!(executed(hash), Some(Ok(())));
		assert_eq!(polkadot_sdk::sp_io::storage::get(KEY).as_deref(), Some(&b"enacted"[..]));
		System::assert_has_event(
			Event::Enacted { call_hash: BlakeTwo256::hash_of(&root_only_call()) }.into(),
		);
	});
}

#[test]
fn no_single_account_and_not_root_itself_may_enact() {
	new_test_ext().execute_with(|| {
		for origin in [RuntimeOrigin::signed(1), RuntimeOrigin::root(), RuntimeOrigin::none()] {
			assert_noop!(
				Governance::enact(origin, Box::new(root_only_call())),
				DispatchError::BadOrigin
			);
		}
		// Nor one of three authorities, nor three of five (a majority, short of two thirds),
		// however the origin is made.
		for (yes, of) in [(1, 3), (3, 5)] {
			let members =
				pallet_collective::RawOrigin::<u64, pallet_collective::Instance1>::Members(yes, of);
			assert_noop!(
				Governance::enact(members.into(), Box::new(root_only_call())),
				DispatchError::BadOrigin
			);
		}
		assert_eq!(polkadot_sdk::sp_io::storage::get(KEY), None);
	});
}

#[test]
fn a_failing_call_fails_the_enactment_and_records_nothing() {
	new_test_ext().execute_with(|| {
		let two_of_three =
			pallet_collective::RawOrigin::<u64, pallet_collective::Instance1>::Members(2, 3);
		// `remark_with_event` needs a signed origin: root is refused.
		let call = RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![1] });
		let error = enact(call)
			.dispatch_bypass_filter(two_of_three.into())
			.expect_err("root cannot remark with an event");
		assert_eq!(error.error, DispatchError::BadOrigin);
		assert!(System::events().is_empty(), "{:?}", System::events());
	});
}

#[test]
fn enact_is_weighed_as_its_overhead_and_the_call() {
	new_test_ext().execute_with(|| {
		use crate::WeightInfo;
		let call = root_only_call();
		let declared = call.get_dispatch_info();
		let info = enact(call).get_dispatch_info();
		assert_eq!(info.call_weight, <() as WeightInfo>::enact() + declared.call_weight);
		assert_eq!(info.class, declared.class);

		let two_of_three =
			pallet_collective::RawOrigin::<u64, pallet_collective::Instance1>::Members(2, 3);
		let post = enact(root_only_call())
			.dispatch_bypass_filter(two_of_three.into())
			.expect("two of three enact");
		assert_eq!(
			post,
			PostDispatchInfo {
				actual_weight: Some(<() as WeightInfo>::enact() + declared.call_weight),
				pays_fee: Pays::Yes,
			}
		);
		assert!(post.actual_weight.is_some_and(|w| w.any_gt(Weight::zero())));
	});
}
