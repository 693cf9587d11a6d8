//! Tests of the pinning pallet: reports, their authorization, and the off-chain worker against
//! a scripted Kubo RPC API.

use crate::{
	mock::*, offchain::*, Cursor, Departed, Event, PinReport, PinnedAt, Reason, Unpinnable,
	DEFAULT_IPFS_API, FIRST_RETRY_BLOCKS,
};
use codec::{Decode, Encode};
use core::cell::RefCell;
use medfed_primitives::{Cid, PinState, RecordId};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::DispatchResult,
		traits::{Authorize, Hooks},
		weights::Weight,
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_core::offchain::testing::PendingRequest,
	sp_runtime::{
		traits::Dispatchable,
		transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
		DispatchError, RuntimeAppPublic,
	},
};

type Key = crate::crypto::Public;

/// A report by `key` of `pins` at block `at`, signed by `key`'s secret in the keystore, or by
/// `//Bob` for the other authority's key.
fn report_call(key: &Key, at: u64, pins: &[RecordId]) -> RuntimeCall {
	full_report_call(key, at, pins, &[])
}

/// A report by `key` of `pins` and of `unpinnable` records at block `at`, signed as
/// [`report_call`] signs.
fn full_report_call(
	key: &Key,
	at: u64,
	pins: &[RecordId],
	unpinnable: &[(RecordId, Reason)],
) -> RuntimeCall {
	let report = PinReport {
		key: key.clone(),
		at,
		pins: BoundedVec::truncate_from(pins.to_vec()),
		unpinnable: BoundedVec::truncate_from(unpinnable.to_vec()),
	};
	let payload = Pinning::signing_payload(&report);
	let signature = key
		.sign(&payload)
		.or_else(|| {
			use polkadot_sdk::sp_core::{crypto::ByteArray, Pair};
			let bob = polkadot_sdk::sp_core::sr25519::Pair::from_string("//Bob", None).ok()?;
			crate::crypto::Signature::from_slice(bob.sign(&payload).as_slice()).ok()
		})
		.expect("a key of the test");
	RuntimeCall::Pinning(crate::Call::report_pins { report, signature })
}

/// What the transaction pipeline does with a call: authorize it, then dispatch it as
/// `Authorized`.
fn include(call: RuntimeCall) -> Result<DispatchResult, TransactionValidityError> {
	call.authorize(TransactionSource::External)
		.expect("report_pins has authorize logic")?;
	Ok(call.dispatch(RawOrigin::Authorized.into()).map(|_| ()).map_err(|e| e.error))
}

/// Includes every transaction the worker submitted.
fn include_submitted(node: &Node) -> usize {
	let txs: Vec<_> = node.pool.write().transactions.drain(..).collect();
	for tx in &txs {
		let xt = Extrinsic::decode(&mut &tx[..]).expect("the worker submits extrinsics");
		assert_eq!(include(xt.function), Ok(Ok(())));
	}
	txs.len()
}

/// Scripts the IPFS node's answer to one request.
fn ipfs_answers(node: &Node, uri: String, body: String) {
	node.http.write().expect_request(PendingRequest {
		method: "POST".into(),
		uri,
		response: Some(body.into_bytes()),
		sent: true,
		..Default::default()
	});
}

/// Scripts the IPFS node's answer to one `pin/add`.
fn ipfs_pins(node: &Node, asked: &Cid, answered: &str) {
	ipfs_answers(
		node,
		format!(
			"{DEFAULT_IPFS_API}/api/v0/pin/add?arg={}&timeout={PIN_TIMEOUT_SECS}s",
			asked.to_text()
		),
		format!(r#"{{"Pins":["{answered}"]}}"#),
	);
}

/// Scripts the IPFS node's answer to one `files/stat`: the file under `cid` has `size` bytes.
fn ipfs_stats(node: &Node, cid: &Cid, size: u64) {
	ipfs_answers(
		node,
		format!(
			"{DEFAULT_IPFS_API}/api/v0/files/stat?arg=/ipfs/{}&timeout={PIN_TIMEOUT_SECS}s",
			cid.to_text()
		),
		format!(r#"{{"Type":"file","Size":{size},"CumulativeSize":{}}}"#, size + 108),
	);
}

/// Scripts a good pin of records `ids`, asked all at once: of the records' sizes, and pinned.
fn ipfs_pins_records(node: &Node, ids: core::ops::Range<u8>) {
	for id in ids.clone() {
		ipfs_stats(node, &cid(id), record_size(id.into()));
	}
	for id in ids {
		ipfs_pins(node, &cid(id), &cid(id).to_text());
	}
}

/// The worker's pins when every record's content is there.
fn all_there(records: &[(Cid, u64)]) -> Vec<Result<(), Failure>> {
	records.iter().map(|_| Ok(())).collect()
}

/// The worker's pins when IPFS is down.
fn all_unreachable(records: &[(Cid, u64)]) -> Vec<Result<(), Failure>> {
	records.iter().map(|_| Err(Failure::Unreachable)).collect()
}

fn unpinnable(id: RecordId, who: u64) -> Option<Reason> {
	Unpinnable::<Test>::get(who, id).map(|(reason, _)| reason)
}

fn pinned(id: RecordId, who: u64) -> bool {
	PinnedAt::<Test>::contains_key(id, who)
}

#[docify::export]
#[test]
fn a_report_records_pins_and_advances_the_cursor() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(3);
		// Records 0 and 2 pinned: the cursor moves past 0 and stops at the gap.
		assert_eq!(include(report_call(&node.keys[0], 1, &[0, 2])), Ok(Ok(())));
		assert!(pinned(0, AUTHORITY) && !pinned(1, AUTHORITY) && pinned(2, AUTHORITY));
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 1);
		System::assert_last_event(
			Event::Pinned { authority: AUTHORITY, records: vec![0, 2], cursor: 1 }.into(),
		);

		// Record 1 closes the gap: the cursor reaches the end.
		assert_eq!(include(report_call(&node.keys[0], 1, &[1])), Ok(Ok(())));
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 3);
		assert_eq!(Pinning::pending(&AUTHORITY), 0);
		assert_eq!(Pinning::pending(&OTHER_AUTHORITY), 3);
		assert_eq!(
			Pinning::pin_status(1),
			vec![(AUTHORITY, PinState::Pinned { at: 1 }), (OTHER_AUTHORITY, PinState::Pending)]
		);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn the_other_authoritys_reports_count_for_it_alone() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(1);
		assert_eq!(include(report_call(&node.keys[1], 1, &[0])), Ok(Ok(())));
		assert!(pinned(0, OTHER_AUTHORITY) && !pinned(0, AUTHORITY));
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn reports_are_authorized_only_when_fresh_signed_by_an_authority_and_new() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(3);
		go_to(10);
		let refused = |call: RuntimeCall, why: InvalidTransaction| {
			assert_eq!(include(call), Err(why.into()));
			assert_eq!(PinnedAt::<Test>::iter().count(), 0);
		};
		let alice = &node.keys[0];
		// Too old (longevity 5), or from the future.
		refused(report_call(alice, 4, &[0]), InvalidTransaction::Stale);
		refused(report_call(alice, 11, &[0]), InvalidTransaction::Stale);
		// Signed by a member that is no authority.
		refused(report_call(&node.keys[2], 10, &[0]), InvalidTransaction::BadSigner);
		// Nothing, records that do not exist, or not in ascending order.
		refused(report_call(alice, 10, &[]), InvalidTransaction::Call);
		refused(report_call(alice, 10, &[3]), InvalidTransaction::Call);
		refused(report_call(alice, 10, &[1, 0]), InvalidTransaction::Call);
		refused(report_call(alice, 10, &[1, 1]), InvalidTransaction::Call);
		// A signature over another report.
		let RuntimeCall::Pinning(crate::Call::report_pins { signature, .. }) =
			report_call(alice, 10, &[0])
		else {
			unreachable!()
		};
		let report = PinReport {
			key: alice.clone(),
			at: 10,
			pins: BoundedVec::truncate_from(vec![1]),
			unpinnable: BoundedVec::new(),
		};
		refused(
			RuntimeCall::Pinning(crate::Call::report_pins { report, signature }),
			InvalidTransaction::BadProof,
		);

		// A replay of an included report is stale; so is one below the cursor.
		assert_eq!(include(report_call(alice, 10, &[0])), Ok(Ok(())));
		let before = PinnedAt::<Test>::iter().count();
		assert_eq!(include(report_call(alice, 10, &[0])), Err(InvalidTransaction::Stale.into()));
		assert_eq!(include(report_call(alice, 10, &[1, 2])), Ok(Ok(())));
		assert_eq!(include(report_call(alice, 10, &[2])), Err(InvalidTransaction::Stale.into()));
		assert_eq!(PinnedAt::<Test>::iter().count(), before + 2);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn a_removed_authority_can_no_longer_report() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(1);
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), AUTHORITY));
		assert_eq!(
			include(report_call(&node.keys[0], 1, &[0])),
			Err(InvalidTransaction::BadSigner.into())
		);
		assert_eq!(Pinning::pin_status(0), vec![(OTHER_AUTHORITY, PinState::Pending)]);
		Pinning::do_try_state().unwrap();
	});
}

/// The weight that lets `on_idle` clear `n` records of a removed authority, and no more.
fn weight_to_clear(n: u32) -> Weight {
	<() as crate::WeightInfo>::prune_pins(n)
}

#[test]
fn a_removed_authoritys_pins_are_cleared_in_spare_weight_and_no_one_elses() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(5);
		assert_eq!(
			include(full_report_call(&node.keys[0], 1, &[0, 1, 3], &[(2, Reason::NotFound)])),
			Ok(Ok(()))
		);
		assert_eq!(include(report_call(&node.keys[1], 1, &[0, 1])), Ok(Ok(())));
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 4);

		assert_ok!(Institutions::remove(RuntimeOrigin::root(), AUTHORITY));
		// The cursor goes at once; the pins and the mark wait for spare weight.
		assert!(!Cursor::<Test>::contains_key(AUTHORITY));
		assert_eq!(Departed::<Test>::get(AUTHORITY), Some((0, 5)));
		Pinning::do_try_state().unwrap();

		// Too little weight for one record: nothing is cleared, and nothing is charged but the
		// look at the queue.
		let base = weight_to_clear(0);
		assert_eq!(Pinning::on_idle(2, base), base);
		assert_eq!(Departed::<Test>::get(AUTHORITY), Some((0, 5)));
		assert_eq!(
			Pinning::on_idle(2, base.saturating_sub(Weight::from_parts(1, 0))),
			Weight::zero()
		);

		// Weight for three records: records 0 to 2.
		assert_eq!(Pinning::on_idle(2, weight_to_clear(3)), weight_to_clear(3));
		assert_eq!(Departed::<Test>::get(AUTHORITY), Some((3, 5)));
		assert!(!pinned(0, AUTHORITY) && !pinned(1, AUTHORITY) && pinned(3, AUTHORITY));
		assert_eq!(unpinnable(2, AUTHORITY), None);
		Pinning::do_try_state().unwrap();

		// The rest, with more weight than it needs: charged for what it did.
		assert_eq!(Pinning::on_idle(3, Weight::MAX), weight_to_clear(2));
		assert_eq!(Departed::<Test>::get(AUTHORITY), None);
		System::assert_last_event(Event::PinsForgotten { authority: AUTHORITY }.into());
		assert_eq!(PinnedAt::<Test>::iter().filter(|(_, who, _)| *who == AUTHORITY).count(), 0);
		assert_eq!(Unpinnable::<Test>::iter_prefix(AUTHORITY).count(), 0);
		// The other authority's pins stay.
		assert!(pinned(0, OTHER_AUTHORITY) && pinned(1, OTHER_AUTHORITY));
		// Nothing left to clear: one look at the queue.
		assert_eq!(Pinning::on_idle(4, Weight::MAX), base);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn an_authority_admitted_again_reports_nothing_until_its_old_pins_are_cleared() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(2);
		assert_eq!(include(report_call(&node.keys[0], 1, &[0, 1])), Ok(Ok(())));
		assert_ok!(Institutions::remove(RuntimeOrigin::root(), AUTHORITY));
		assert_ok!(Institutions::admit(
			RuntimeOrigin::root(),
			AUTHORITY,
			medfed_primitives::Role::Authority,
			b"Authority one".to_vec(),
			Some(medfed_primitives::umbral::dev::public_key("One")),
		));
		// Its old pins are not its pins now: it has pinned nothing, and reports nothing yet.
		assert_eq!(Pinning::pin_status(0)[0], (AUTHORITY, PinState::Pending));
		assert_eq!(
			include(report_call(&node.keys[0], 1, &[0])),
			Err(InvalidTransaction::BadSigner.into())
		);
		Pinning::do_try_state().unwrap();

		Pinning::on_idle(2, Weight::MAX);
		assert_eq!(Departed::<Test>::get(AUTHORITY), None);
		// Then it starts at record 0, as a new authority does.
		assert_eq!(Pinning::pending(&AUTHORITY), 2);
		assert_eq!(include(report_call(&node.keys[0], 1, &[0, 1])), Ok(Ok(())));
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 2);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn reports_need_the_authorized_origin() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(1);
		let RuntimeCall::Pinning(crate::Call::report_pins { report, signature }) =
			report_call(&node.keys[0], 1, &[0])
		else {
			unreachable!()
		};
		assert_noop!(
			Pinning::report_pins(
				RuntimeOrigin::signed(AUTHORITY),
				report.clone(),
				signature.clone()
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Pinning::report_pins(RuntimeOrigin::none(), report, signature),
			DispatchError::BadOrigin
		);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn the_worker_pins_through_the_kubo_api_and_reports() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(2);
		ipfs_pins_records(&node, 0..2);
		run_worker();
		// One report, for the local authority only (the hospital's key is ignored).
		assert_eq!(include_submitted(&node), 1);
		assert!(pinned(0, AUTHORITY) && pinned(1, AUTHORITY));
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 2);

		// Nothing left: the next run asks IPFS nothing and submits nothing.
		go_to(2);
		run_worker();
		assert_eq!(include_submitted(&node), 0);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn one_run_pins_at_most_max_pins_per_report_and_the_next_run_goes_on() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(5);
		ipfs_pins_records(&node, 0..3);
		run_worker();
		assert_eq!(include_submitted(&node), 1);
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 3);
		go_to(2);
		ipfs_pins_records(&node, 3..5);
		run_worker();
		assert_eq!(include_submitted(&node), 1);
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 5);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn records_in_flight_are_not_pinned_or_reported_twice() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(1);
		ipfs_pins_records(&node, 0..1);
		run_worker();
		assert_eq!(node.pool.read().transactions.len(), 1);
		// The report is not in a block yet; the next run leaves record 0 alone (no request is
		// scripted, so one would fail the test).
		go_to(2);
		run_worker();
		assert_eq!(node.pool.read().transactions.len(), 1);
		assert_eq!(include_submitted(&node), 1);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn a_node_that_pins_another_cid_reports_the_record_unpinnable_and_tries_it_again() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(2);
		ipfs_stats(&node, &cid(0), record_size(0));
		ipfs_stats(&node, &cid(1), record_size(1));
		ipfs_pins(&node, &cid(0), &cid(9).to_text());
		ipfs_pins(&node, &cid(1), &cid(1).to_text());
		run_worker();
		assert_eq!(include_submitted(&node), 1);
		assert!(!pinned(0, AUTHORITY) && pinned(1, AUTHORITY));
		assert_eq!(unpinnable(0, AUTHORITY), Some(Reason::Refused));
		// Record 0 no longer holds the cursor back.
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 2);
		System::assert_has_event(
			Event::NotPinned {
				authority: AUTHORITY,
				records: vec![(0, Reason::Refused)],
				cursor: 2,
			}
			.into(),
		);
		// Tried again once its backoff is over (no request is scripted before: one would fail
		// the test), and pinned: the mark is gone.
		go_to(1 + u64::from(FIRST_RETRY_BLOCKS) - 1);
		run_worker();
		assert_eq!(include_submitted(&node), 0);
		go_to(1 + u64::from(FIRST_RETRY_BLOCKS));
		ipfs_pins_records(&node, 0..1);
		run_worker();
		assert_eq!(include_submitted(&node), 1);
		assert!(pinned(0, AUTHORITY));
		assert_eq!(unpinnable(0, AUTHORITY), None);
		assert_eq!(Pinning::pin_status(0)[0], (AUTHORITY, PinState::Pinned { at: 17 }));
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn a_record_nobody_serves_holds_up_no_other_record() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		// More records than one run looks at from the cursor, the first of them without content.
		add_records(200);
		let key = node.keys[0].clone();
		let missing = cid(0);
		let pin = |records: &[(Cid, u64)]| -> Vec<Result<(), Failure>> {
			records
				.iter()
				.map(|(asked, _)| {
					if *asked == missing {
						Err(Failure::Unpinnable(Reason::NotFound))
					} else {
						Ok(())
					}
				})
				.collect()
		};
		// Every run settles a full report's worth of records, the missing one among the first,
		// less the slots kept for retries.
		let max = u64::from(MaxPinsPerReport::get());
		let reserved = RETRIES_PER_RUN.min(max as usize / 2) as u64;
		let mut block = 1;
		while Pinning::pending(&AUTHORITY) > 0 {
			go_to(block);
			let before = Pinning::pending(&AUTHORITY);
			assert!(run_for::<Test>(block, key.clone(), &AUTHORITY, pin).expect("reported") > 0);
			assert_eq!(include_submitted(&node), 1);
			// A full report's worth, but for the slot kept for retrying record 0.
			let settled = before - Pinning::pending(&AUTHORITY);
			assert!(settled >= (max - reserved).min(before), "{settled} settled at block {block}");
			block += 1;
		}
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 200);
		assert_eq!(PinnedAt::<Test>::iter_prefix(0).count(), 0);
		assert_eq!((1..200).filter(|id| pinned(*id, AUTHORITY)).count(), 199);
		assert_eq!(
			Pinning::pin_status(0)[0],
			(AUTHORITY, PinState::Unpinnable { reason: Reason::NotFound, at: 1 })
		);
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn an_unpinnable_record_costs_the_chain_one_report() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(1);
		let key = node.keys[0].clone();
		let asked = RefCell::new(Vec::new());
		let missing = |records: &[(Cid, u64)]| -> Vec<Result<(), Failure>> {
			asked.borrow_mut().push(System::block_number());
			records.iter().map(|_| Err(Failure::Unpinnable(Reason::NotFound))).collect()
		};
		assert_eq!(run_for::<Test>(1, key.clone(), &AUTHORITY, missing), Ok(1));
		assert_eq!(include_submitted(&node), 1);
		// Every block for a long while: asked again only when its backoff is over (after 16,
		// then 32, then 64 blocks), and never reported again.
		for block in 2..=200 {
			go_to(block);
			assert_eq!(run_for::<Test>(block, key.clone(), &AUTHORITY, missing), Ok(0));
		}
		assert!(node.pool.read().transactions.is_empty());
		assert_eq!(*asked.borrow(), vec![1, 17, 49, 113]);
		assert_eq!(unpinnable(0, AUTHORITY), Some(Reason::NotFound));
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn unpinnable_reports_are_checked() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(3);
		let alice = &node.keys[0];
		let missing = Reason::NotFound;
		// A record both pinned and unpinnable, or out of order.
		assert_eq!(
			include(full_report_call(alice, 1, &[0], &[(0, missing)])),
			Err(InvalidTransaction::Call.into())
		);
		assert_eq!(
			include(full_report_call(alice, 1, &[], &[(1, missing), (0, missing)])),
			Err(InvalidTransaction::Call.into())
		);
		assert_eq!(
			include(full_report_call(alice, 1, &[], &[(3, missing)])),
			Err(InvalidTransaction::Call.into())
		);
		// Reported once; again is stale, and so is marking a pinned record.
		assert_eq!(include(full_report_call(alice, 1, &[1], &[(0, missing)])), Ok(Ok(())));
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 2);
		assert_eq!(
			include(full_report_call(alice, 1, &[], &[(0, missing)])),
			Err(InvalidTransaction::Stale.into())
		);
		assert_eq!(
			include(full_report_call(alice, 1, &[], &[(1, missing)])),
			Err(InvalidTransaction::Stale.into())
		);
		// Below the cursor, only a record reported unpinnable can be pinned.
		assert_eq!(include(report_call(alice, 1, &[1])), Err(InvalidTransaction::Stale.into()));
		assert_eq!(include(report_call(alice, 1, &[0])), Ok(Ok(())));
		assert_eq!(unpinnable(0, AUTHORITY), None);
		assert_eq!(Cursor::<Test>::get(AUTHORITY), 2);
		Pinning::do_try_state().unwrap();
	});
}

/// An IPFS node scripted for [`pin_checked`]: whether it answers, whether it has the content,
/// and how large that is.
struct Scripted {
	up: bool,
	has_content: bool,
	size: u64,
	/// How many pins it was asked for.
	pinned: RefCell<usize>,
}

impl Ipfs for Scripted {
	fn pin_add_all(&self, cids: &[Cid]) -> Vec<Result<(), PinError>> {
		let answer = || match (self.up, self.has_content) {
			(false, _) => Err(PinError::Unreachable),
			(true, false) => Err(PinError::TimedOut),
			(true, true) => Ok(()),
		};
		*self.pinned.borrow_mut() += cids.len();
		cids.iter().map(|_| answer()).collect()
	}
	fn content_sizes(&self, cids: &[Cid]) -> Vec<Result<u64, PinError>> {
		let answer = || match (self.up, self.has_content) {
			(false, _) => Err(PinError::Unreachable),
			(true, false) => Err(PinError::TimedOut),
			(true, true) => Ok(self.size),
		};
		cids.iter().map(|_| answer()).collect()
	}
	fn probe(&self) -> bool {
		self.up
	}
}

#[test]
fn a_dead_node_is_told_from_missing_or_wrong_content() {
	let node = |up, has_content, size| Scripted { up, has_content, size, pinned: RefCell::new(0) };
	let asked = [(cid(1), 100)];
	assert_eq!(pin_checked(&node(true, true, 100), &asked), vec![Ok(())]);
	assert_eq!(pin_checked(&node(false, false, 0), &asked), vec![Err(Failure::Unreachable)]);
	assert_eq!(
		pin_checked(&node(true, false, 0), &asked),
		vec![Err(Failure::Unpinnable(Reason::NotFound))]
	);
	let wrong = node(true, true, 99);
	assert_eq!(
		pin_checked(&wrong, &asked),
		vec![Err(Failure::Unpinnable(Reason::WrongSize { found: 99 }))]
	);
	assert_eq!(*wrong.pinned.borrow(), 0, "content of the wrong size is never pinned");
	// Records of other codecs than raw and dag-pb have no file size to ask: pinned unchecked.
	use medfed_primitives::cid::{CidVersion, Codec, HashAlg};
	let dag_json = Cid {
		version: CidVersion::V1,
		codec: Codec::DagJson,
		hash: HashAlg::Sha2_256,
		digest: BoundedVec::truncate_from(vec![0xab; 32]),
	};
	assert_eq!(pin_checked(&wrong, &[(dag_json, 100)]), vec![Ok(())]);
	assert_eq!(*wrong.pinned.borrow(), 1);

	/// A node that is up but whose pins get no answer in time (it hangs on the content).
	struct Hangs;
	impl Ipfs for Hangs {
		fn pin_add_all(&self, cids: &[Cid]) -> Vec<Result<(), PinError>> {
			cids.iter().map(|_| Err(PinError::Unreachable)).collect()
		}
		fn content_sizes(&self, cids: &[Cid]) -> Vec<Result<u64, PinError>> {
			cids.iter().map(|_| Err(PinError::Unreachable)).collect()
		}
		fn probe(&self) -> bool {
			true
		}
	}
	let two = [(cid(1), 100), (cid(2), 200)];
	assert_eq!(pin_checked(&Hangs, &two), vec![Err(Failure::Unpinnable(Reason::NotFound)); 2]);
}

#[test]
fn kubo_errors_are_told_apart() {
	assert_eq!(
		error_answer(
			500,
			br#"{"Message":"Failed to add pin: request timed out","Code":0,"Type":"error"}"#
		),
		PinError::TimedOut
	);
	assert_eq!(
		error_answer(500, br#"{"Message":"context deadline exceeded","Code":0}"#),
		PinError::TimedOut
	);
	assert_eq!(
		error_answer(500, br#"{"Message":"invalid path","Code":0}"#),
		PinError::Refused(500)
	);
	assert_eq!(error_answer(404, b"404 page not found"), PinError::Refused(404));
}

#[test]
fn kubo_answers_are_checked() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		let asked = cid(7);
		let answer = |body: &str| {
			node.http.write().expect_request(PendingRequest {
				method: "POST".into(),
				uri: format!(
					"http://ipfs:5001/api/v0/pin/add?arg={}&timeout={PIN_TIMEOUT_SECS}s",
					asked.to_text()
				),
				response: Some(body.as_bytes().to_vec()),
				sent: true,
				..Default::default()
			});
			pin_add("http://ipfs:5001", &asked)
		};
		assert_eq!(answer(&format!(r#"{{"Pins":["{}"]}}"#, asked.to_text())), Ok(()));
		// The same CID in another base is the same CID.
		let base16 = format!("f01551220{}", "07".repeat(32));
		assert_eq!(answer(&format!(r#"{{"Pins":["{base16}"]}}"#)), Ok(()));
		assert_eq!(
			answer(&format!(r#"{{"Pins":["{}"]}}"#, cid(8).to_text())),
			Err(PinError::OtherCid)
		);
		assert_eq!(answer(r#"{"Pins":[]}"#), Err(PinError::OtherCid));
		assert_eq!(answer(r#"{"Message":"no"}"#), Err(PinError::Malformed));
		assert_eq!(answer("not json"), Err(PinError::Malformed));
	});
}

#[test]
fn unreachable_ipfs_backs_off_and_loses_nothing() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(3);
		let key = node.keys[0].clone();
		let down = all_unreachable;
		let up = all_there;

		// Down at block 1: nothing reported, retry at block 2, then 4, then 8.
		assert_eq!(run_for::<Test>(1, key.clone(), &AUTHORITY, down), Ok(0));
		assert_eq!(run_for::<Test>(2, key.clone(), &AUTHORITY, down), Ok(0));
		// Still backing off at block 3: IPFS is not even asked.
		assert_eq!(
			run_for::<Test>(3, key.clone(), &AUTHORITY, |_| panic!("asked while backing off")),
			Ok(0)
		);
		assert_eq!(run_for::<Test>(4, key.clone(), &AUTHORITY, down), Ok(0));
		assert!(node.pool.read().transactions.is_empty());
		assert_eq!(Pinning::pending(&AUTHORITY), 3);

		// Back at block 8: every record is pinned, the backoff is reset.
		go_to(8);
		assert_eq!(run_for::<Test>(8, key.clone(), &AUTHORITY, up), Ok(3));
		assert_eq!(include_submitted(&node), 1);
		assert_eq!(Pinning::pending(&AUTHORITY), 0);
		add_records(1);
		assert_eq!(run_for::<Test>(9, key.clone(), &AUTHORITY, up), Ok(1));
		// The backoff was reset: down again at block 10, the worker tries at block 11 (one
		// block), not after the 16 blocks the old backoff had come to.
		go_to(10);
		assert_eq!(include_submitted(&node), 1);
		add_records(1);
		assert_eq!(run_for::<Test>(10, key.clone(), &AUTHORITY, down), Ok(0));
		assert_eq!(run_for::<Test>(11, key, &AUTHORITY, up), Ok(1));
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn a_signature_for_another_chain_does_not_count() {
	let (mut ext, node) = new_test_ext();
	ext.execute_with(|| {
		add_records(1);
		let report = PinReport {
			key: node.keys[0].clone(),
			at: 1,
			pins: BoundedVec::truncate_from(vec![0]),
			unpinnable: BoundedVec::new(),
		};
		// Signed without the chain's genesis hash (as another region's worker would sign it).
		let elsewhere = (crate::SIGNING_CONTEXT, [7u8; 32], &report).encode();
		let signature = node.keys[0].sign(&elsewhere).unwrap();
		let call = RuntimeCall::Pinning(crate::Call::report_pins { report, signature });
		assert_eq!(include(call), Err(InvalidTransaction::BadProof.into()));
		Pinning::do_try_state().unwrap();
	});
}

#[test]
fn the_ipfs_api_is_node_configuration() {
	use polkadot_sdk::{sp_core::offchain::StorageKind, sp_io::offchain::local_storage_set};
	let (mut ext, _node) = new_test_ext();
	ext.execute_with(|| {
		assert_eq!(ipfs_api(), DEFAULT_IPFS_API);
		local_storage_set(StorageKind::PERSISTENT, crate::IPFS_API_KEY, b"http://10.0.0.7:5001/");
		assert_eq!(ipfs_api(), "http://10.0.0.7:5001");
		// Anything but an HTTP URL is ignored.
		local_storage_set(StorageKind::PERSISTENT, crate::IPFS_API_KEY, b"file:///etc/passwd");
		assert_eq!(ipfs_api(), DEFAULT_IPFS_API);
	});
}

#[test]
fn the_backoff_doubles_up_to_its_cap() {
	let mut backoff = Backoff::default();
	let mut waits = Vec::new();
	for now in [0u64; 9] {
		backoff = backoff.failed(now);
		waits.push(backoff.next_at);
	}
	assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 64, 64, 64]);
}

#[test]
fn a_records_retries_double_up_to_their_cap() {
	let mut retry = Backoff::default();
	let mut waits = Vec::new();
	for _ in 0..11 {
		retry = retry.retry_failed(0);
		waits.push(retry.next_at);
	}
	assert_eq!(waits, vec![16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 4096, 4096]);
}
