//! Benchmarks of the federation pallet, each at its worst case.

use super::*;
use medfed_primitives::{
	access::CAPSULE_FRAGMENT_MAX_LEN,
	coordinator::MAX_ANNOUNCEMENT_PATIENTS,
	query::{
		ReadGrant, MAX_ANSWER_RECORDS, MAX_QUERY_REGIONS, MAX_READ_FRAGMENTS, MAX_READ_RECORDS,
	},
	umbral::{Capsule, PublicKey, WrappedKey, CAPSULE_LEN, GENERATOR, WRAPPED_KEY_LEN},
};
use polkadot_sdk::{frame_benchmarking::v2::*, frame_system::RawOrigin};

/// The coordinator of the benchmarks.
const COORDINATOR: ParaId = 1000;
/// The region that answers in the benchmarks.
const ANSWERING: ParaId = 3000;

/// A requester with records of a patient's shared to them here and funds for a deposit,
/// the coordinator set and a channel to it and to the answering region open.
fn setup<T: Config>() -> (T::AccountId, T::AccountId) {
	setup_for::<T>(whitelisted_caller())
}

/// [`setup`] for `requester`.
fn setup_for<T: Config>(requester: T::AccountId) -> (T::AccountId, T::AccountId) {
	let patient: T::AccountId = account("patient", 0, 0);
	T::BenchmarkHelper::share_records(&patient, &requester);
	Coordinator::<T>::put(COORDINATOR);
	T::BenchmarkHelper::open_channel(COORDINATOR);
	T::BenchmarkHelper::open_channel(ANSWERING);
	(requester, patient)
}

/// The query `setup`'s requester asked, waiting for the answers of `asked`.
fn waiting_query<T: Config>(asked: Vec<ParaId>) -> Result<u64, BenchmarkError> {
	waiting_query_of::<T>(whitelisted_caller(), asked)
}

/// [`waiting_query`] of `requester`'s.
fn waiting_query_of<T: Config>(
	requester: T::AccountId,
	asked: Vec<ParaId>,
) -> Result<u64, BenchmarkError> {
	let (requester, patient) = setup_for::<T>(requester);
	Pallet::<T>::do_query(requester, patient, QueryKind::Records)
		.map_err(|_| BenchmarkError::Stop("the query does not open"))?;
	let nonce = NextQuery::<T>::get() - 1;
	let asked = QueryRegions::truncate_from(asked);
	Pallet::<T>::do_query_routed(COORDINATOR, nonce, asked, Default::default());
	Ok(nonce)
}

/// The metadata of `n` records.
fn records(n: u32) -> Vec<medfed_primitives::query::SharedRecord> {
	(0..n as u64)
		.map(|id| medfed_primitives::query::SharedRecord {
			id,
			grant: 0,
			resource_type: medfed_primitives::ResourceType::parse(b"Observation")
				.expect("a FHIR resource type"),
			cid: medfed_primitives::Cid::parse(
				b"bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
			)
			.expect("a valid CID"),
			size: 1_000,
			created_at: 1,
		})
		.collect()
}

/// Record `index` of a read under grant 0, with the most capsule fragments of the most bytes.
fn read_answer(index: u8) -> Answer {
	let record = ReadRecord {
		record: records(1).remove(0),
		ciphertext_hash: [index; 32],
		capsule: Capsule([1; CAPSULE_LEN]),
		wrapped_key: WrappedKey([2; WRAPPED_KEY_LEN]),
		fragments: BoundedVec::truncate_from(
			(0..MAX_READ_FRAGMENTS as u8)
				.map(|p| (p, BoundedVec::truncate_from(vec![p; CAPSULE_FRAGMENT_MAX_LEN])))
				.collect(),
		),
	};
	let key: PublicKey = GENERATOR;
	let grant = ReadGrant {
		id: 0,
		request: 0,
		threshold: 1,
		delegating_key: key,
		verifying_key: key,
		grantee_key: key,
	};
	Answer::Read { index, of: MAX_READ_RECORDS as u8, grant, record }
}

/// `n` announcements in flight, numbered from 0, each of the most patients, sent at relay block
/// 0.
fn in_flight<T: Config>(n: u32) {
	for batch in 0..n {
		let patients = (0..MAX_ANNOUNCEMENT_PATIENTS)
			.map(|i| account::<T::AccountId>("announced", i, batch))
			.collect();
		let patients = BoundedVec::truncate_from(patients);
		Announcements::<T>::insert(batch as u64, Announcement { patients, sent_at: 0 });
	}
	NextAnnouncement::<T>::put(n as u64);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Sending a waiting announcement through the runtime's router, over an open channel.
	#[benchmark]
	fn announce_patient() -> Result<(), BenchmarkError> {
		let coordinator: ParaId = 1000;
		Coordinator::<T>::put(coordinator);
		T::BenchmarkHelper::open_channel(coordinator);
		let patient: T::AccountId = account("patient", 0, 0);
		Unannounced::<T>::insert(&patient, ());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), patient.clone());

		assert!(!Unannounced::<T>::contains_key(&patient));
		Ok(())
	}

	/// A first record's patient queued for the next block's announcement.
	#[benchmark]
	fn queue_announcement() -> Result<(), BenchmarkError> {
		let patient: T::AccountId = account("patient", 0, 0);

		#[block]
		{
			<Pallet<T> as OnFirstRecord<T::AccountId>>::on_first_record(&patient);
		}

		assert!(Unannounced::<T>::contains_key(&patient));
		Ok(())
	}

	/// A block's announcement of `n` waiting patients, with the most announcements in flight
	/// but one.
	#[benchmark]
	fn send_announcement(n: Linear<1, MAX_ANNOUNCEMENT_PATIENTS>) -> Result<(), BenchmarkError> {
		Coordinator::<T>::put(COORDINATOR);
		T::BenchmarkHelper::open_channel(COORDINATOR);
		in_flight::<T>(T::MaxAnnouncementsInFlight::get().saturating_sub(1));
		for i in 0..n {
			Unannounced::<T>::insert(account::<T::AccountId>("patient", i, 1), ());
		}

		#[block]
		{
			Pallet::<T>::send_waiting(0);
		}

		assert_eq!(Unannounced::<T>::count(), 0);
		Ok(())
	}

	/// Looking through the most announcements in flight for an overdue one, finding none.
	#[benchmark]
	fn find_overdue_announcement() -> Result<(), BenchmarkError> {
		Coordinator::<T>::put(COORDINATOR);
		in_flight::<T>(T::MaxAnnouncementsInFlight::get());

		#[block]
		{
			assert!(!Pallet::<T>::resend_overdue(0));
		}

		Ok(())
	}

	/// Resending an announcement of the most patients, with the most in flight.
	#[benchmark]
	fn resend_announcement() -> Result<(), BenchmarkError> {
		Coordinator::<T>::put(COORDINATOR);
		T::BenchmarkHelper::open_channel(COORDINATOR);
		in_flight::<T>(T::MaxAnnouncementsInFlight::get());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0);

		Ok(())
	}

	/// The coordinator's acknowledgement of an announcement in flight.
	#[benchmark]
	fn announcement_noted() -> Result<(), BenchmarkError> {
		Coordinator::<T>::put(COORDINATOR);
		in_flight::<T>(1);
		let origin = T::BenchmarkHelper::sibling_origin(COORDINATOR);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0);

		assert_eq!(Announcements::<T>::count(), 0);
		Ok(())
	}

	#[benchmark]
	fn set_coordinator() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1001);

		assert_eq!(Coordinator::<T>::get(), Some(1001));
		Ok(())
	}

	/// A query answered here from the most records an answer holds, sent to the coordinator.
	#[benchmark]
	fn query() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(requester), patient, QueryKind::Records);

		let nonce = NextQuery::<T>::get() - 1;
		let info = Queries::<T>::get(nonce).ok_or(BenchmarkError::Stop("no query"))?;
		assert_eq!(info.state, QueryState::Routing);
		Ok(())
	}

	/// A forwarded query answered from the most records an answer holds, in the most pages.
	#[benchmark]
	fn serve_query() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		let origin = T::BenchmarkHelper::sibling_origin(COORDINATOR);
		let asked = QueryId { region: ANSWERING, nonce: 0 };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, asked, requester, patient, QueryKind::Records, u32::MAX);

		Ok(())
	}

	/// A forwarded read of a grant that shares the most records: an access request opens.
	#[benchmark]
	fn serve_read() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		let grant = T::BenchmarkHelper::readable_grant(&patient, &requester);
		let origin = T::BenchmarkHelper::sibling_origin(COORDINATOR);
		let asked = QueryId { region: ANSWERING, nonce: 0 };
		let read = QueryKind::Read { region: T::SelfParaId::get(), grant };

		#[extrinsic_call]
		serve_query(origin as T::RuntimeOrigin, asked, requester, patient, read, u32::MAX);

		assert_eq!(RemoteReads::<T>::iter().count(), 1);
		Ok(())
	}

	/// A fulfilled read queued to be sent, behind the most reads but one.
	#[benchmark]
	fn read_fulfilled() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		let asked = QueryId { region: ANSWERING, nonce: 0 };
		let read = RemoteRead { query: asked, requester, patient, deadline: u32::MAX };
		for request in 0..MAX_READY_READS as u64 {
			RemoteReads::<T>::insert(request, read.clone());
		}
		ReadyReads::<T>::put(BoundedVec::truncate_from((1..MAX_READY_READS as u64).collect()));

		#[block]
		{
			Pallet::<T>::read_fulfilled(0);
		}

		assert_eq!(ReadyReads::<T>::get().len() as u32, MAX_READY_READS);
		Ok(())
	}

	/// Sending a fulfilled read of the most records, each with every proxy's capsule fragment
	/// read and the most sent: one message per record to the asking region.
	#[benchmark]
	fn send_read() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		let request = T::BenchmarkHelper::fulfilled_read(&patient, &requester);
		let asked = QueryId { region: ANSWERING, nonce: 0 };
		let read = RemoteRead { query: asked, requester, patient, deadline: u32::MAX };
		RemoteReads::<T>::insert(request, read);
		ReadyReads::<T>::put(BoundedVec::truncate_from(vec![request]));

		#[block]
		{
			assert!(Pallet::<T>::send_ready_read());
		}

		assert!(!RemoteReads::<T>::contains_key(request));
		Ok(())
	}

	/// A read whose request was denied: the asking region is told.
	#[benchmark]
	fn read_ended() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		let asked = QueryId { region: ANSWERING, nonce: 0 };
		RemoteReads::<T>::insert(
			0,
			RemoteRead { query: asked, requester, patient, deadline: u32::MAX },
		);

		#[block]
		{
			Pallet::<T>::read_ended(0, true);
		}

		assert!(!RemoteReads::<T>::contains_key(0));
		Ok(())
	}

	/// The last record of the largest read, which completes the query.
	#[benchmark]
	fn take_read_answer() -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		Pallet::<T>::do_query(requester, patient, QueryKind::Read { region: ANSWERING, grant: 0 })
			.map_err(|_| BenchmarkError::Stop("the read does not open"))?;
		let nonce = NextQuery::<T>::get() - 1;
		let asked = QueryRegions::truncate_from(vec![ANSWERING]);
		Pallet::<T>::do_query_routed(COORDINATOR, nonce, asked, Default::default());
		let last = MAX_READ_RECORDS as u8 - 1;
		for index in 0..last {
			Pallet::<T>::do_take_answer(ANSWERING, nonce, read_answer(index));
		}
		let origin = T::BenchmarkHelper::sibling_origin(ANSWERING);

		#[extrinsic_call]
		take_answer(origin as T::RuntimeOrigin, nonce, read_answer(last));

		let info = Queries::<T>::get(nonce).ok_or(BenchmarkError::Stop("no query"))?;
		assert!(matches!(info.state, QueryState::Ended { .. }));
		Ok(())
	}

	/// The coordinator's word that a query went to `a` regions, all of whose answers, each of
	/// the most records, came before it: every one is counted now.
	#[benchmark]
	fn query_routed(a: Linear<0, MAX_QUERY_REGIONS>) -> Result<(), BenchmarkError> {
		let (requester, patient) = setup::<T>();
		Pallet::<T>::do_query(requester, patient, QueryKind::Records)
			.map_err(|_| BenchmarkError::Stop("the query does not open"))?;
		let nonce = NextQuery::<T>::get() - 1;
		let regions: Vec<ParaId> = (0..a).map(|r| 3000 + r).collect();
		for region in &regions {
			for page in Pallet::<T>::pages(records(MAX_ANSWER_RECORDS), false) {
				Pallet::<T>::do_take_answer(*region, nonce, page);
			}
		}
		let origin = T::BenchmarkHelper::sibling_origin(COORDINATOR);

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			nonce,
			QueryRegions::truncate_from(regions),
			Default::default(),
		);

		let info = Queries::<T>::get(nonce).ok_or(BenchmarkError::Stop("no query"))?;
		assert!(matches!(info.state, QueryState::Ended { .. }));
		assert_eq!(info.answered.len() as u32, a);
		Ok(())
	}

	/// The last page of the largest answer, which completes the query.
	#[benchmark]
	fn take_answer() -> Result<(), BenchmarkError> {
		let nonce = waiting_query::<T>(vec![ANSWERING])?;
		let pages = Pallet::<T>::pages(records(MAX_ANSWER_RECORDS), false);
		let last = pages.len() - 1;
		for page in pages[..last].iter().cloned() {
			Pallet::<T>::do_take_answer(ANSWERING, nonce, page);
		}
		let origin = T::BenchmarkHelper::sibling_origin(ANSWERING);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, nonce, pages[last].clone());

		let info = Queries::<T>::get(nonce).ok_or(BenchmarkError::Stop("no query"))?;
		assert!(matches!(info.state, QueryState::Ended { .. }));
		Ok(())
	}

	/// Dismissing a query with the most answers, each of the most records.
	#[benchmark]
	fn dismiss_query() -> Result<(), BenchmarkError> {
		let asked: Vec<ParaId> = (0..MAX_QUERY_REGIONS).map(|r| 3000 + r).collect();
		let nonce = waiting_query::<T>(asked.clone())?;
		for region in asked {
			for page in Pallet::<T>::pages(records(MAX_ANSWER_RECORDS), false) {
				Pallet::<T>::do_take_answer(region, nonce, page);
			}
		}
		let info = Queries::<T>::get(nonce).ok_or(BenchmarkError::Stop("no query"))?;
		assert!(matches!(info.state, QueryState::Ended { .. }));

		#[extrinsic_call]
		_(RawOrigin::Signed(info.requester), nonce);

		assert!(Queries::<T>::get(nonce).is_none());
		Ok(())
	}

	/// `n` overdue queries timed out by the sweep.
	#[benchmark]
	fn on_initialize(n: Linear<0, { T::MaxSweepPerBlock::get() }>) -> Result<(), BenchmarkError> {
		// Each of another requester: one requester has at most `MaxOpenQueriesPerRequester`.
		for i in 0..n {
			waiting_query_of::<T>(account("requester", i, 0), vec![ANSWERING])?;
		}
		let now = T::RelayBlockNumber::current_block_number()
			.saturating_add(T::QueryTimeout::get())
			.saturating_add(1);

		#[block]
		{
			Pallet::<T>::sweep(now);
		}

		assert_eq!(QueueHead::<T>::get(), n as u64);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
