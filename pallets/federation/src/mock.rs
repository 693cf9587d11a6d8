//! A minimal region for the federation pallet's tests, with a scripted XCM router, a relay
//! chain clock the tests set, and the region's shared records as a table the tests fill (the
//! region runtime's tests and the xcm-emulator tests run the real access pallet).

use crate::{self as pallet_federation, ParaId, QueryAudit, ReadRefusal, Shared};
use medfed_primitives::{
	query::{QueryId, ReadGrant, ReadRecord, SharedRecord},
	Cid, ResourceType,
};
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types, traits::EnsureOrigin},
	frame_system::{self, EnsureRoot},
	pallet_balances, sp_io,
	sp_runtime::{traits::BlockNumberProvider, BuildStorage},
	staging_xcm::latest::prelude::*,
};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Federation: pallet_federation,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

parameter_types! {
	/// The paras this region has an open channel to.
	pub static OpenChannels: Vec<ParaId> = vec![];
	/// Every message that left, with its destination.
	pub static Sent: Vec<(Location, Xcm<()>)> = vec![];
	/// The relay chain's block number.
	pub static RelayBlock: u32 = 100;
	/// What each (patient, requester) may read here; a patient absent is not held here.
	pub static SharedTable: BTreeMap<u64, BTreeMap<u64, Vec<SharedRecord>>> = BTreeMap::new();
	/// Every audit entry written: (patient, requester, event).
	pub static Audited: Vec<(u64, u64, QueryAudit)> = vec![];
	/// The access requests opened for reads: (request, grant, query).
	pub static OpenedReads: Vec<(u64, u64, QueryId)> = vec![];
	/// What each fulfilled request answers a read with, set by the tests.
	pub static FulfilledReads: BTreeMap<u64, (ReadGrant, Vec<ReadRecord>)> = BTreeMap::new();
	pub const SelfPara: ParaId = REGION_A;
	pub const QueryDeposit: u64 = 10;
	pub const QueryTimeout: u32 = 20;
	pub const MaxOpenQueries: u32 = 3;
	pub const MaxOpenQueriesPerRequester: u32 = 2;
	pub const MaxAnnouncementsInFlight: u32 = 2;
	pub const AnnouncementResendAfter: u32 = 5;
	pub const MaxSweepPerBlock: u32 = 2;
}

/// The relay chain clock, set by the tests.
pub struct TestRelayClock;
impl BlockNumberProvider for TestRelayClock {
	type BlockNumber = u32;

	fn current_block_number() -> u32 {
		RelayBlock::get()
	}
}

/// The region's shared records, from [`SharedTable`].
pub struct TestSharing;
impl crate::Sharing<u64> for TestSharing {
	fn shared(patient: &u64, requester: &u64, limit: u32) -> Shared {
		let table = SharedTable::get();
		let Some(grants) = table.get(patient) else { return Shared::NotHeld };
		let Some(records) = grants.get(requester) else { return Shared::Denied };
		let truncated = records.len() > limit as usize;
		Shared::Records {
			records: records.iter().take(limit as usize).cloned().collect(),
			truncated,
		}
	}

	fn audit(patient: &u64, requester: &u64, event: QueryAudit) {
		Audited::mutate(|a| a.push((*patient, *requester, event)));
	}

	/// Opens request 100, 101 … for a grant [`SharedTable`] lists for the requester.
	fn open_read(
		patient: &u64,
		requester: &u64,
		grant: u64,
		query: QueryId,
	) -> Result<u64, ReadRefusal> {
		let table = SharedTable::get();
		let grants = table.get(patient).ok_or(ReadRefusal::NotHeld)?;
		let shares = grants.get(requester).is_some_and(|r| r.iter().any(|r| r.grant == grant));
		if !shares {
			return Err(ReadRefusal::Denied);
		}
		let request = 100 + OpenedReads::get().len() as u64;
		OpenedReads::mutate(|o| o.push((request, grant, query)));
		Ok(request)
	}

	fn read_answer(request: u64) -> Option<(ReadGrant, Vec<ReadRecord>)> {
		FulfilledReads::get().get(&request).cloned()
	}
}

/// A `Transact` from a sibling parachain: the tests make one with [`sibling`].
pub struct EnsureSibling;
impl EnsureOrigin<RuntimeOrigin> for EnsureSibling {
	type Success = ParaId;

	fn try_origin(origin: RuntimeOrigin) -> Result<ParaId, RuntimeOrigin> {
		match origin.clone().into() {
			Ok(frame_system::RawOrigin::Signed(who)) if who >= SIBLING_ORIGIN_BASE =>
				Ok((who - SIBLING_ORIGIN_BASE) as ParaId),
			_ => Err(origin),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(sibling(COORDINATOR))
	}
}

/// Signed accounts from here up stand for sibling parachains' XCM origins in these tests.
pub const SIBLING_ORIGIN_BASE: u64 = 1_000_000;

/// The origin of a `Transact` from sibling parachain `para`.
pub fn sibling(para: ParaId) -> RuntimeOrigin {
	RuntimeOrigin::signed(SIBLING_ORIGIN_BASE + para as u64)
}

/// Delivers to sibling parachains this region has an open channel to, and remembers what it
/// delivered; like cumulus' XCMP queue it refuses a sibling without a channel.
pub struct ScriptedRouter;
impl SendXcm for ScriptedRouter {
	type Ticket = (Location, Xcm<()>);

	fn validate(
		destination: &mut Option<Location>,
		message: &mut Option<Xcm<()>>,
	) -> SendResult<Self::Ticket> {
		let destination = destination.take().ok_or(SendError::MissingArgument)?;
		let message = message.take().ok_or(SendError::MissingArgument)?;
		match destination.unpack() {
			(1, [Parachain(id)]) if OpenChannels::get().contains(id) =>
				Ok(((destination, message), Assets::new())),
			(1, [Parachain(_)]) => Err(SendError::Transport("NoChannel")),
			_ => Err(SendError::NotApplicable),
		}
	}

	fn deliver(ticket: Self::Ticket) -> Result<XcmHash, SendError> {
		let id = polkadot_sdk::sp_io::hashing::blake2_256(&codec::Encode::encode(&ticket.1));
		Sent::mutate(|sent| sent.push(ticket));
		Ok(id)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64, RuntimeOrigin> for ScriptedRouter {
	fn open_channel(para: ParaId) {
		OpenChannels::mutate(|open| open.push(para));
	}

	fn share_records(patient: &u64, requester: &u64) {
		let records = (0..medfed_primitives::query::MAX_ANSWER_RECORDS as u64)
			.map(|id| shared_record(id, 0))
			.collect();
		SharedTable::mutate(|t| t.entry(*patient).or_default().insert(*requester, records));
		let _ =
			<Balances as polkadot_sdk::frame_support::traits::fungible::Mutate<u64>>::set_balance(
				requester, 1_000_000,
			);
	}

	fn sibling_origin(para: ParaId) -> RuntimeOrigin {
		sibling(para)
	}

	fn readable_grant(_patient: &u64, _requester: &u64) -> u64 {
		0
	}

	fn fulfilled_read(_patient: &u64, _requester: &u64) -> u64 {
		use medfed_primitives::{
			access::CAPSULE_FRAGMENT_MAX_LEN,
			query::{MAX_READ_FRAGMENTS, MAX_READ_RECORDS},
		};
		let records = (0..MAX_READ_RECORDS as u64)
			.map(|id| read_record(id, 0, MAX_READ_FRAGMENTS as u8, CAPSULE_FRAGMENT_MAX_LEN))
			.collect();
		FulfilledReads::mutate(|f| f.insert(100, (read_grant(0, 100), records)));
		100
	}
}

/// Record `id`'s metadata under grant `grant`, with a real CID.
pub fn shared_record(id: u64, grant: u64) -> SharedRecord {
	SharedRecord {
		id,
		grant,
		resource_type: ResourceType::parse(b"Observation").expect("a FHIR resource type"),
		cid: Cid::parse(b"bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
			.expect("a valid CID"),
		size: 1_000 + id,
		created_at: 5,
	}
}

/// Grant `id`'s keys as a read carries them, for request `request`, threshold 2.
pub fn read_grant(id: u64, request: u64) -> ReadGrant {
	use medfed_primitives::umbral::dev;
	ReadGrant {
		id,
		request,
		threshold: 2,
		delegating_key: dev::public_key("delegating"),
		verifying_key: dev::public_key("verifying"),
		grantee_key: dev::public_key("grantee"),
	}
}

/// Record `id` of a read under grant `grant`, with `fragments` capsule fragments of
/// `fragment_len` bytes (placeholders: this pallet carries them unread).
pub fn read_record(id: u64, grant: u64, fragments: u8, fragment_len: usize) -> ReadRecord {
	use medfed_primitives::umbral::{Capsule, WrappedKey, CAPSULE_LEN, WRAPPED_KEY_LEN};
	ReadRecord {
		record: shared_record(id, grant),
		ciphertext_hash: [id as u8; 32],
		capsule: Capsule([1; CAPSULE_LEN]),
		wrapped_key: WrappedKey([2; WRAPPED_KEY_LEN]),
		fragments: (0..fragments)
			.map(|position| {
				(position, vec![position; fragment_len].try_into().expect("within the bound"))
			})
			.collect::<Vec<_>>()
			.try_into()
			.expect("within the bound"),
	}
}

impl pallet_federation::Config for Test {
	type XcmSender = ScriptedRouter;
	type AdminOrigin = EnsureRoot<u64>;
	type SiblingOrigin = EnsureSibling;
	type SelfParaId = SelfPara;
	type RelayBlockNumber = TestRelayClock;
	type Sharing = TestSharing;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type QueryDeposit = QueryDeposit;
	type QueryTimeout = QueryTimeout;
	type MaxOpenQueries = MaxOpenQueries;
	type MaxOpenQueriesPerRequester = MaxOpenQueriesPerRequester;
	type MaxSweepPerBlock = MaxSweepPerBlock;
	type MaxAnnouncementsInFlight = MaxAnnouncementsInFlight;
	type AnnouncementResendAfter = AnnouncementResendAfter;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ScriptedRouter;
}

/// The coordinator's para id.
pub const COORDINATOR: ParaId = 1000;
/// This region.
pub const REGION_A: ParaId = 2000;
/// Another region.
pub const REGION_B: ParaId = 2001;
/// A third region.
pub const REGION_C: ParaId = 2002;
/// A practitioner who asks.
pub const REQUESTER: u64 = 8;
/// An account with nothing to hold a deposit with.
pub const PAUPER: u64 = 9;
/// A patient.
pub const PATIENT: u64 = 7;
/// Someone who pays for a retried announcement.
pub const ANYONE: u64 = 42;

/// A region whose coordinator is para 1000, with no channel open yet.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	OpenChannels::set(vec![]);
	Sent::set(vec![]);
	RelayBlock::set(100);
	SharedTable::set(BTreeMap::new());
	Audited::set(vec![]);
	OpenedReads::set(vec![]);
	FulfilledReads::set(BTreeMap::new());
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(REQUESTER, 1_000), (ANYONE, 1_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	pallet_federation::GenesisConfig::<Test> {
		coordinator: Some(COORDINATOR),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	storage.into()
}

/// Runs `test` in the test region at block 1 and checks every storage invariant after it.
pub fn new_test_ext(test: impl FnOnce()) {
	new_bench_ext().execute_with(|| {
		System::set_block_number(1);
		test();
		Federation::do_try_state().expect("storage invariants hold");
	});
}
