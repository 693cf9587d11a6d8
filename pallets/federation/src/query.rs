//! Cross-region queries: asking, routing news, answering, taking answers, and the deadline
//! sweep. The calls in `lib.rs` check origins and hand over to these.

use crate::*;
use medfed_primitives::query::{
	self as messages, Failure, SharedRecord, MAX_ANSWER_RECORDS, MAX_QUERY_REGIONS,
	MAX_READ_RECORDS, MAX_RECORDS_PER_PAGE, QUERY_WEIGHT_LIMIT,
};

impl<T: Config> Pallet<T> {
	/// The id of this region's query `nonce`.
	pub fn query_id(nonce: u64) -> QueryId {
		QueryId { region: T::SelfParaId::get(), nonce }
	}

	/// Opens a query: answers it here, queues its deadline, and sends it to the coordinator.
	pub(crate) fn do_query(
		requester: T::AccountId,
		patient: T::AccountId,
		kind: QueryKind,
	) -> DispatchResult {
		if let QueryKind::Read { region, .. } = kind {
			ensure!(region != T::SelfParaId::get(), Error::<T>::ReadHere);
		}
		let head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		ensure!(
			tail.saturating_sub(head) < T::MaxOpenQueries::get() as u64,
			Error::<T>::TooManyOpenQueries
		);
		let open = OpenQueriesOf::<T>::get(&requester);
		ensure!(open < T::MaxOpenQueriesPerRequester::get(), Error::<T>::TooManyQueriesOfRequester);
		let deposit = T::QueryDeposit::get();
		T::Currency::hold(&HoldReason::Query.into(), &requester, deposit)
			.map_err(|_| Error::<T>::CannotHoldDeposit)?;

		OpenQueriesOf::<T>::insert(&requester, open.saturating_add(1));
		let nonce = NextQuery::<T>::get();
		NextQuery::<T>::put(nonce.saturating_add(1));
		let query = Self::query_id(nonce);
		let deadline =
			T::RelayBlockNumber::current_block_number().saturating_add(T::QueryTimeout::get());
		DeadlineQueue::<T>::insert(tail, (deadline, nonce));
		QueueTail::<T>::put(tail.saturating_add(1));
		let mut info = Query {
			requester: requester.clone(),
			patient: patient.clone(),
			kind,
			deadline,
			state: QueryState::Routing,
			asked: Default::default(),
			answered: Default::default(),
			unreachable: Default::default(),
			records: 0,
			served: false,
			denied: false,
			deposit,
			refused: Default::default(),
			heard: Default::default(),
		};
		if kind == QueryKind::Records {
			Self::answer_here(nonce, &mut info);
		}
		Self::deposit_event(Event::QueryAsked {
			query,
			requester: requester.clone(),
			patient: patient.clone(),
			kind,
			local: info.records,
			deadline,
		});

		// A region outside any federation answers for itself alone.
		let Some(coordinator) = Coordinator::<T>::get() else {
			info.state = QueryState::Waiting;
			Self::settle(nonce, info);
			return Ok(());
		};
		let call = messages::route_query(nonce, &requester, &patient, kind, deadline);
		match Self::send(coordinator, call) {
			Ok(_) => Queries::<T>::insert(nonce, info),
			Err(error) => {
				log::debug!(target: LOG_TARGET, "query {nonce} could not reach the coordinator: {error:?}");
				Self::end(nonce, info, Outcome::Failed(Failure::CoordinatorUnreachable));
			},
		}
		Ok(())
	}

	/// This region's own answer to its query `nonce`, stored under its own para id.
	fn answer_here(nonce: u64, info: &mut QueryOf<T>) {
		let query = Self::query_id(nonce);
		let here = T::SelfParaId::get();
		match T::Sharing::shared(&info.patient, &info.requester, MAX_ANSWER_RECORDS) {
			Shared::NotHeld => {},
			Shared::Denied => {
				info.denied = true;
				T::Sharing::audit(&info.patient, &info.requester, QueryAudit::Denied { query });
			},
			Shared::Records { records, truncated } => {
				let records = AnsweredRecords::truncate_from(records);
				let count = records.len() as u32;
				info.records = count;
				info.served = true;
				AnswerCounts::<T>::insert(nonce, here, count);
				Answers::<T>::insert(
					nonce,
					here,
					RegionAnswer { pages: 1, of: 1, truncated, records },
				);
				T::Sharing::audit(
					&info.patient,
					&info.requester,
					QueryAudit::Served { query, records: count },
				);
			},
		}
	}

	/// Answers `query`, forwarded by the coordinator, straight to the asking region.
	pub(crate) fn do_serve_query(
		query: QueryId,
		requester: T::AccountId,
		patient: T::AccountId,
		kind: QueryKind,
		deadline: u32,
	) {
		if T::RelayBlockNumber::current_block_number() > deadline {
			return Self::deposit_event(Event::QueryOverdue { query, deadline });
		}
		let (answers, records) = match kind {
			QueryKind::Records => Self::answers(query, &requester, &patient),
			QueryKind::Read { region, grant } => {
				let Some(refusal) =
					Self::open_read(query, requester, patient, region, grant, deadline)
				else {
					return;
				};
				(vec![refusal], 0)
			},
		};
		let pages = answers.len() as u32;
		let mut sent = 0;
		for answer in answers {
			match Self::send(query.region, messages::take_answer(query.nonce, &answer)) {
				Ok(_) => sent += 1,
				Err(error) => {
					log::debug!(target: LOG_TARGET, "answer to {query:?} not sent: {error:?}");
					break;
				},
			}
		}
		Self::deposit_event(Event::QueryServed { query, records, pages, sent });
	}

	/// Opens an access request for read `query` of `requester`'s, under this region's grant
	/// `grant` of `patient`'s: the grant's proxies answer it as any request, and
	/// [`Pallet::read_fulfilled`] sends the records. Returns the answer to send at once if
	/// there is nothing to read.
	fn open_read(
		query: QueryId,
		requester: T::AccountId,
		patient: T::AccountId,
		region: ParaId,
		grant: u64,
		deadline: u32,
	) -> Option<Answer> {
		if region != T::SelfParaId::get() {
			return Some(Answer::NotFound);
		}
		match T::Sharing::open_read(&patient, &requester, grant, query) {
			Ok(request) => {
				let read = RemoteRead { query, requester, patient, deadline };
				RemoteReads::<T>::insert(request, read);
				Self::deposit_event(Event::ReadOpened { query, request });
				None
			},
			Err(ReadRefusal::NotHeld) => Some(Answer::NotFound),
			Err(ReadRefusal::Denied) => {
				T::Sharing::audit(&patient, &requester, QueryAudit::Denied { query });
				Some(Answer::Denied)
			},
		}
	}

	/// Access request `request` is fulfilled: if it was opened for another region's read, it is
	/// queued for the next block's `on_initialize` ([`Pallet::send_ready_read`]), so that the
	/// proxy's `submit_fragments` is not charged for the sending.
	pub fn read_fulfilled(request: u64) {
		if !RemoteReads::<T>::contains_key(request) {
			return;
		}
		let queued = ReadyReads::<T>::mutate(|ready| ready.try_push(request).is_ok());
		if !queued {
			// The asking region's query times out; the request stays fulfilled here.
			log::warn!(target: LOG_TARGET, "read request {request} not sent: the queue is full");
			RemoteReads::<T>::remove(request);
		}
	}

	/// Sends the oldest read whose request was fulfilled, if any. Returns whether it sent one.
	pub(crate) fn send_ready_read() -> bool {
		let request = ReadyReads::<T>::mutate(|ready| (!ready.is_empty()).then(|| ready.remove(0)));
		match request {
			Some(request) => {
				Self::send_read(request);
				true
			},
			None => false,
		}
	}

	/// Sends the asking region the records of fulfilled read request `request`, one message
	/// each, with their envelopes and capsule fragments. Audited.
	fn send_read(request: u64) {
		let Some(read) = RemoteReads::<T>::take(request) else { return };
		let query = read.query;
		if T::RelayBlockNumber::current_block_number() > read.deadline {
			// The asking region ignores answers past the deadline: they would only fill the
			// channel.
			return Self::deposit_event(Event::QueryOverdue { query, deadline: read.deadline });
		}
		let answer = T::Sharing::read_answer(request).filter(|(_, records)| !records.is_empty());
		let Some((grant, records)) = answer else {
			// Nothing readable is left (records voided meanwhile): a denial, not a wait.
			T::Sharing::audit(&read.patient, &read.requester, QueryAudit::Denied { query });
			let sent =
				Self::send(query.region, messages::take_answer(query.nonce, &Answer::Denied));
			return Self::deposit_event(Event::QueryServed {
				query,
				records: 0,
				pages: 1,
				sent: sent.is_ok() as u32,
			});
		};
		let of = records.len().min(MAX_READ_RECORDS as usize) as u8;
		T::Sharing::audit(
			&read.patient,
			&read.requester,
			QueryAudit::Served { query, records: of as u32 },
		);
		let mut sent = 0;
		for (index, record) in records.into_iter().take(of as usize).enumerate() {
			let answer = Answer::Read { index: index as u8, of, grant: grant.clone(), record };
			match Self::send(query.region, messages::take_answer(query.nonce, &answer)) {
				Ok(_) => sent += 1,
				Err(error) => {
					log::debug!(target: LOG_TARGET, "read {query:?} not sent: {error:?}");
					break;
				},
			}
		}
		Self::deposit_event(Event::QueryServed {
			query,
			records: of as u32,
			pages: of as u32,
			sent,
		});
	}

	/// Access request `request` ended unfulfilled: if it was opened for another region's read
	/// and `denied` (its grant revoked or expired, a record voided), tells that region. An
	/// expired request tells nothing: the query times out there.
	pub fn read_ended(request: u64, denied: bool) {
		let Some(read) = RemoteReads::<T>::take(request) else { return };
		if !denied || T::RelayBlockNumber::current_block_number() > read.deadline {
			return;
		}
		let query = read.query;
		T::Sharing::audit(&read.patient, &read.requester, QueryAudit::Denied { query });
		let sent = Self::send(query.region, messages::take_answer(query.nonce, &Answer::Denied));
		Self::deposit_event(Event::QueryServed {
			query,
			records: 0,
			pages: 1,
			sent: sent.is_ok() as u32,
		});
	}

	/// What this region answers `query` with, in messages, and how many records they carry.
	/// Audited.
	fn answers(
		query: QueryId,
		requester: &T::AccountId,
		patient: &T::AccountId,
	) -> (Vec<Answer>, u32) {
		match T::Sharing::shared(patient, requester, MAX_ANSWER_RECORDS) {
			Shared::NotHeld => (vec![Answer::NotFound], 0),
			Shared::Denied => {
				T::Sharing::audit(patient, requester, QueryAudit::Denied { query });
				(vec![Answer::Denied], 0)
			},
			Shared::Records { mut records, truncated } => {
				records.truncate(MAX_ANSWER_RECORDS as usize);
				let count = records.len() as u32;
				T::Sharing::audit(patient, requester, QueryAudit::Served { query, records: count });
				(Self::pages(records, truncated), count)
			},
		}
	}

	/// `records` in pages of at most `MAX_RECORDS_PER_PAGE`: at least one, possibly empty.
	pub fn pages(records: Vec<SharedRecord>, truncated: bool) -> Vec<Answer> {
		let chunks: Vec<&[SharedRecord]> = if records.is_empty() {
			vec![&[]]
		} else {
			records.chunks(MAX_RECORDS_PER_PAGE as usize).collect()
		};
		let pages = chunks.len() as u8;
		chunks
			.into_iter()
			.enumerate()
			.map(|(page, chunk)| Answer::Records {
				page: page as u8,
				pages,
				truncated,
				records: messages::AnswerPage::truncate_from(chunk.to_vec()),
			})
			.collect()
	}

	/// Takes the coordinator's word on where query `nonce` went. Answers that came before it
	/// (HRMP does not order messages from different senders) count now if their region was
	/// asked, and are dropped if not.
	pub(crate) fn do_query_routed(
		sender: ParaId,
		nonce: u64,
		asked: QueryRegions,
		unreachable: QueryRegions,
	) {
		let query = Self::query_id(nonce);
		let Some(mut info) = Queries::<T>::get(nonce) else {
			return Self::ignore(query, sender, Ignored::UnknownQuery);
		};
		match info.state {
			QueryState::Ended { .. } => return Self::ignore(query, sender, Ignored::Late),
			QueryState::Waiting => return Self::ignore(query, sender, Ignored::AlreadyRouted),
			QueryState::Routing => {},
		}
		Self::deposit_event(Event::QueryRouted {
			query,
			asked: asked.len() as u32,
			unreachable: unreachable.len() as u32,
		});
		info.asked = asked;
		info.unreachable = unreachable;
		info.state = QueryState::Waiting;
		for region in core::mem::take(&mut info.heard) {
			if !info.asked.contains(&region) {
				Self::drop_answer(&mut info, nonce, region);
				Self::ignore(query, region, Ignored::NotAsked);
			} else if info.answered.contains(&region) {
				Self::count_answer(&mut info, nonce, region);
			}
		}
		Self::settle(nonce, info);
	}

	/// Takes region `sender`'s answer, or one page of it, to query `nonce`. Before the
	/// coordinator's word it is kept, and counted once the coordinator names its region.
	pub(crate) fn do_take_answer(sender: ParaId, nonce: u64, answer: Answer) {
		let query = Self::query_id(nonce);
		let Some(mut info) = Queries::<T>::get(nonce) else {
			return Self::ignore(query, sender, Ignored::UnknownQuery);
		};
		let routed = match info.state {
			QueryState::Ended { .. } => return Self::ignore(query, sender, Ignored::Late),
			QueryState::Routing => false,
			QueryState::Waiting => true,
		};
		if routed && !info.asked.contains(&sender) {
			return Self::ignore(query, sender, Ignored::NotAsked);
		}
		if info.answered.contains(&sender) || sender == T::SelfParaId::get() {
			return Self::ignore(query, sender, Ignored::Duplicate);
		}
		// Before the coordinator's word, every sender is kept in a bounded list.
		if !routed && !info.heard.contains(&sender) && info.heard.try_push(sender).is_err() {
			return Self::ignore(query, sender, Ignored::Malformed);
		}
		match answer {
			Answer::NotFound => {},
			Answer::Denied =>
				if info.refused.try_push(sender).is_err() {
					return Self::ignore(query, sender, Ignored::Malformed);
				},
			Answer::Read { index, of, grant, record } => {
				let QueryKind::Read { region, grant: id } = info.kind else {
					return Self::ignore(query, sender, Ignored::Malformed);
				};
				if region != sender || grant.id != id || of == 0 || of as u32 > MAX_READ_RECORDS {
					return Self::ignore(query, sender, Ignored::Malformed);
				}
				let mut stored = ReadAnswers::<T>::get(nonce).unwrap_or(ReadAnswer {
					region: sender,
					grant: grant.clone(),
					of,
					received: 0,
				});
				if index < stored.received {
					return Self::ignore(query, sender, Ignored::Duplicate);
				}
				if index > stored.received || of != stored.of || grant != stored.grant {
					return Self::ignore(query, sender, Ignored::Malformed);
				}
				ReadRecords::<T>::insert(nonce, index, record);
				stored.received = stored.received.saturating_add(1);
				let complete = stored.received == stored.of;
				if complete {
					AnswerCounts::<T>::insert(nonce, sender, of as u32);
				}
				ReadAnswers::<T>::insert(nonce, stored);
				if !complete {
					return Queries::<T>::insert(nonce, info);
				}
			},
			Answer::Records { page, pages, truncated, records } => {
				if info.kind != QueryKind::Records {
					return Self::ignore(query, sender, Ignored::Malformed);
				}
				let mut stored = Answers::<T>::get(nonce, sender).unwrap_or(RegionAnswer {
					pages: 0,
					of: pages,
					truncated,
					records: Default::default(),
				});
				if page < stored.pages {
					return Self::ignore(query, sender, Ignored::Duplicate);
				}
				if page > stored.pages || pages != stored.of || pages == 0 {
					return Self::ignore(query, sender, Ignored::Malformed);
				}
				let mut all = stored.records.into_inner();
				all.extend(records);
				let Ok(all) = AnsweredRecords::try_from(all) else {
					return Self::ignore(query, sender, Ignored::Malformed);
				};
				stored.records = all;
				stored.pages = stored.pages.saturating_add(1);
				stored.truncated |= truncated;
				let complete = stored.pages == stored.of;
				if complete {
					AnswerCounts::<T>::insert(nonce, sender, stored.records.len() as u32);
				}
				Answers::<T>::insert(nonce, sender, stored);
				if !complete {
					return Queries::<T>::insert(nonce, info);
				}
			},
		}
		if info.answered.try_push(sender).is_err() {
			return Self::ignore(query, sender, Ignored::Malformed);
		}
		let records = if routed { Self::count_answer(&mut info, nonce, sender) } else { 0 };
		Self::deposit_event(Event::AnswerTaken { query, from: sender, records });
		Self::settle(nonce, info);
	}

	/// Counts region `region`'s complete answer to query `nonce`, from a region the
	/// coordinator named: its records, and the audit entry. Returns how many records it gave.
	fn count_answer(info: &mut QueryOf<T>, nonce: u64, region: ParaId) -> u32 {
		let Some(count) = AnswerCounts::<T>::get(nonce, region) else {
			if info.refused.contains(&region) {
				info.denied = true;
			}
			return 0;
		};
		info.records = info.records.saturating_add(count);
		info.served = true;
		T::Sharing::audit(
			&info.patient,
			&info.requester,
			QueryAudit::Answered { query: Self::query_id(nonce), from: region, records: count },
		);
		count
	}

	/// Stores query `nonce`, ending it first if every region asked has answered.
	fn settle(nonce: u64, info: QueryOf<T>) {
		let complete = info.state == QueryState::Waiting &&
			info.asked.iter().all(|region| info.answered.contains(region));
		if !complete {
			return Queries::<T>::insert(nonce, info);
		}
		let outcome = if info.served {
			Outcome::Answered { records: info.records }
		} else if !info.unreachable.is_empty() {
			Outcome::Failed(Failure::RegionUnreachable)
		} else if info.denied {
			Outcome::Denied
		} else {
			Outcome::NotFound
		};
		Self::end(nonce, info, outcome);
	}

	/// Drops what `region` sent about query `nonce` before the coordinator's word: it was
	/// not asked.
	fn drop_answer(info: &mut QueryOf<T>, nonce: u64, region: ParaId) {
		if ReadAnswers::<T>::get(nonce).is_some_and(|read| read.region == region) {
			ReadAnswers::<T>::remove(nonce);
			let _ = ReadRecords::<T>::clear_prefix(nonce, MAX_READ_RECORDS, None);
		}
		Answers::<T>::remove(nonce, region);
		AnswerCounts::<T>::remove(nonce, region);
		info.answered.retain(|r| *r != region);
		info.refused.retain(|r| *r != region);
	}

	/// Removes every answer to query `nonce`, this region's own included.
	pub(crate) fn forget_answers(nonce: u64) {
		let most = MAX_QUERY_REGIONS + 1;
		let _ = Answers::<T>::clear_prefix(nonce, most, None);
		let _ = AnswerCounts::<T>::clear_prefix(nonce, most, None);
		ReadAnswers::<T>::remove(nonce);
		let _ = ReadRecords::<T>::clear_prefix(nonce, MAX_READ_RECORDS, None);
	}

	/// Ends query `nonce` with `outcome`: its one terminal event. A query that ends before the
	/// coordinator's word drops what other regions sent: nobody named them.
	fn end(nonce: u64, mut info: QueryOf<T>, outcome: Outcome) {
		for region in core::mem::take(&mut info.heard) {
			Self::drop_answer(&mut info, nonce, region);
		}
		OpenQueriesOf::<T>::mutate_exists(&info.requester, |open| {
			*open = open.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
		let at = T::RelayBlockNumber::current_block_number();
		info.state = QueryState::Ended { outcome, at };
		Queries::<T>::insert(nonce, info);
		Self::deposit_event(Event::QueryEnded { query: Self::query_id(nonce), outcome });
	}

	/// Records a message about `query` from `from` that changes nothing.
	fn ignore(query: QueryId, from: ParaId, reason: Ignored) {
		Self::deposit_event(Event::AnswerIgnored { query, from, reason });
	}

	/// Ends, as timed out, the open queries whose deadline is before relay block `now`: at
	/// most `MaxSweepPerBlock` queue entries. Returns how many entries it took.
	pub(crate) fn sweep(now: u32) -> u32 {
		let mut head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		let mut taken = 0;
		while head < tail && taken < T::MaxSweepPerBlock::get() {
			let entry = DeadlineQueue::<T>::get(head);
			if let Some((deadline, _)) = entry {
				if deadline >= now {
					break;
				}
			}
			DeadlineQueue::<T>::remove(head);
			head = head.saturating_add(1);
			taken += 1;
			let Some((_, nonce)) = entry else { continue };
			if let Some(info) = Queries::<T>::get(nonce) {
				if !matches!(info.state, QueryState::Ended { .. }) {
					Self::end(nonce, info, Outcome::TimedOut);
				}
			}
		}
		if taken > 0 {
			QueueHead::<T>::put(head);
		}
		taken
	}

	/// Releases query `info`'s deposit to its requester. Never fails: a currency that refuses
	/// is logged.
	pub(crate) fn release_deposit(info: &QueryOf<T>) {
		if info.deposit.is_zero() {
			return;
		}
		if let Err(error) = T::Currency::release(
			&HoldReason::Query.into(),
			&info.requester,
			info.deposit,
			Precision::BestEffort,
		) {
			log::warn!(target: LOG_TARGET, "a query deposit could not be released: {error:?}");
		}
	}

	/// Sends `call` to sibling `para` in MedFed's program shape, within the query weight limit.
	fn send(para: ParaId, call: Vec<u8>) -> Result<XcmHash, SendError> {
		messages::send_to_sibling::<T::XcmSender>(para, QUERY_WEIGHT_LIMIT, call)
	}

	/// The answers to query `nonce` so far, by region.
	pub fn answers_of(nonce: u64) -> Vec<(ParaId, RegionAnswer)> {
		Answers::<T>::iter_prefix(nonce).collect()
	}

	/// Read query `nonce`'s answer so far: the region, the grant, and the records come, in
	/// order. `None` for a query that is not a read, or before its first record.
	pub fn read_of(nonce: u64) -> Option<(ParaId, ReadGrant, Vec<ReadRecord>)> {
		let read = ReadAnswers::<T>::get(nonce)?;
		let records = (0..read.received).filter_map(|i| ReadRecords::<T>::get(nonce, i)).collect();
		Some((read.region, read.grant, records))
	}

	/// Queries' answers belong to kept queries and regions asked; answered regions were asked;
	/// the deadline queue is within bounds and holds every query not yet ended; deposits are
	/// held.
	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn try_state_queries() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use polkadot_sdk::{frame_support::traits::fungible::InspectHold, sp_runtime::Saturating};
		let head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		ensure!(head <= tail, "the deadline queue's head is past its tail");
		ensure!(tail - head <= T::MaxOpenQueries::get() as u64, "the deadline queue is too long");
		let queued: Vec<u64> = (head..tail)
			.filter_map(|i| DeadlineQueue::<T>::get(i))
			.map(|(_, n)| n)
			.collect();
		ensure!(queued.len() as u64 == tail - head, "a gap in the deadline queue");
		ensure!(DeadlineQueue::<T>::iter().count() as u64 == tail - head, "a stray deadline");
		let mut open = alloc::collections::BTreeMap::<T::AccountId, u32>::new();
		for (_, info) in Queries::<T>::iter() {
			if !matches!(info.state, QueryState::Ended { .. }) {
				*open.entry(info.requester).or_default() += 1;
			}
		}
		ensure!(
			OpenQueriesOf::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == open,
			"a requester's count of open queries is off"
		);
		let here = T::SelfParaId::get();
		let mut held = alloc::collections::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
		for (nonce, info) in Queries::<T>::iter() {
			ensure!(nonce < NextQuery::<T>::get(), "a query number not yet given");
			let routed = info.state != QueryState::Routing;
			ensure!(
				!routed || info.answered.iter().all(|r| info.asked.contains(r)),
				"an answer counted from a region not asked"
			);
			ensure!(
				info.refused.iter().all(|r| info.answered.contains(r)),
				"a refusal not among the answers"
			);
			ensure!(
				routed || info.answered.iter().all(|r| info.heard.contains(r)),
				"an early answer not heard"
			);
			ensure!(!routed || info.heard.is_empty(), "early answers left after the routing");
			if !matches!(info.state, QueryState::Ended { .. }) {
				ensure!(queued.contains(&nonce), "an open query without a deadline");
			}
			held.entry(info.requester.clone()).or_default().saturating_accrue(info.deposit);
		}
		for (requester, deposits) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Query.into(), &requester) >= deposits,
				"query deposits not on hold"
			);
		}
		for (nonce, region, answer) in Answers::<T>::iter() {
			let info = Queries::<T>::get(nonce).ok_or("answers of a query not kept")?;
			let early = info.state == QueryState::Routing && info.heard.contains(&region);
			ensure!(
				region == here || info.asked.contains(&region) || early,
				"answers kept from a region not asked"
			);
			ensure!(answer.pages <= answer.of, "more pages than the answer has");
			let complete = answer.pages == answer.of;
			ensure!(
				AnswerCounts::<T>::get(nonce, region) ==
					complete.then_some(answer.records.len() as u32),
				"an answer's count is off"
			);
		}
		for (nonce, region, _) in AnswerCounts::<T>::iter() {
			let read = ReadAnswers::<T>::get(nonce).is_some_and(|read| read.region == region);
			ensure!(
				read || Answers::<T>::contains_key(nonce, region),
				"a count without its answer"
			);
		}
		for (nonce, read) in ReadAnswers::<T>::iter() {
			let info = Queries::<T>::get(nonce).ok_or("a read answer of a query not kept")?;
			ensure!(
				info.kind == QueryKind::Read { region: read.region, grant: read.grant.id },
				"a read answer from a region or grant the query does not read"
			);
			ensure!(read.received <= read.of, "more records read than answered");
			ensure!(
				ReadRecords::<T>::iter_key_prefix(nonce).count() == read.received as usize,
				"read records missing or stray"
			);
			ensure!(
				AnswerCounts::<T>::get(nonce, read.region) ==
					(read.received == read.of).then_some(read.of as u32),
				"a read answer's count is off"
			);
		}
		for request in ReadyReads::<T>::get() {
			ensure!(RemoteReads::<T>::contains_key(request), "a ready read that is not served");
		}
		for (nonce, _, _) in ReadRecords::<T>::iter() {
			ensure!(ReadAnswers::<T>::contains_key(nonce), "read records without their answer");
		}
		Ok(())
	}
}
