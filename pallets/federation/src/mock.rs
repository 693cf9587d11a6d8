//! A minimal region for the federation pallet's tests, with a scripted XCM router.

use crate::{self as pallet_federation, ParaId};
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types},
	frame_system::{self, EnsureRoot},
	sp_io,
	sp_runtime::BuildStorage,
	staging_xcm::latest::prelude::*,
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Federation: pallet_federation,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// The paras this region has an open channel to.
	pub static OpenChannels: Vec<ParaId> = vec![];
	/// Every message that left, with its destination.
	pub static Sent: Vec<(Location, Xcm<()>)> = vec![];
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
impl crate::BenchmarkHelper for ScriptedRouter {
	fn open_channel(para: ParaId) {
		OpenChannels::mutate(|open| open.push(para));
	}
}

impl pallet_federation::Config for Test {
	type XcmSender = ScriptedRouter;
	type AdminOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ScriptedRouter;
}

/// The coordinator's para id.
pub const COORDINATOR: ParaId = 1000;
/// A patient.
pub const PATIENT: u64 = 7;
/// Someone who pays for a retried announcement.
pub const ANYONE: u64 = 42;

/// A region whose coordinator is para 1000, with no channel open yet.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	OpenChannels::set(vec![]);
	Sent::set(vec![]);
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
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
