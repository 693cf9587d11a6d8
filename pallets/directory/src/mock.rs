//! A minimal coordinator for the directory pallet's tests, with a router that delivers to
//! the paras it has a channel to and remembers what it sent.

use crate::{self as pallet_directory, ParaId};
use polkadot_sdk::{
	frame_support::{construct_runtime, derive_impl, parameter_types, traits::EnsureOrigin},
	frame_system::{self, EnsureRoot, RawOrigin},
	sp_io,
	sp_runtime::BuildStorage,
	staging_xcm::latest::prelude::*,
};

type Block = frame_system::mocking::MockBlock<Test>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Directory: pallet_directory,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxRegions: u32 = 3;
	pub const MaxNameLen: u32 = 16;
	/// The paras the coordinator has an open channel to.
	pub static OpenChannels: Vec<ParaId> = vec![REGION_A, REGION_B];
	/// Every message that left, with its destination.
	pub static Sent: Vec<(ParaId, Xcm<()>)> = vec![];
}

/// Delivers to the paras in [`OpenChannels`], like cumulus' XCMP queue refusing the others.
pub struct ChannelRouter;
impl SendXcm for ChannelRouter {
	type Ticket = (ParaId, Xcm<()>);

	fn validate(
		destination: &mut Option<Location>,
		message: &mut Option<Xcm<()>>,
	) -> SendResult<Self::Ticket> {
		let destination = destination.take().ok_or(SendError::MissingArgument)?;
		let message = message.take().ok_or(SendError::MissingArgument)?;
		match destination.unpack() {
			(1, [Parachain(id)]) if OpenChannels::get().contains(id) =>
				Ok(((*id, message), Assets::new())),
			_ => Err(SendError::Transport("NoChannel")),
		}
	}

	fn deliver(ticket: Self::Ticket) -> Result<XcmHash, SendError> {
		Sent::mutate(|sent| sent.push(ticket));
		Ok([0; 32])
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for ChannelRouter {
	fn open_channel(para: ParaId) {
		OpenChannels::mutate(|open| open.push(para));
	}
}

/// Accounts from [`FIRST_PARA`] on stand in for sibling parachains' XCM origins: the account
/// is the para id. Lower accounts are people.
pub struct EnsurePara;
impl EnsureOrigin<RuntimeOrigin> for EnsurePara {
	type Success = ParaId;

	fn try_origin(o: RuntimeOrigin) -> Result<ParaId, RuntimeOrigin> {
		match o.clone().into() {
			Ok(RawOrigin::Signed(who)) if who >= FIRST_PARA as u64 => Ok(who as ParaId),
			_ => Err(o),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(RawOrigin::Signed(REGION_A as u64).into())
	}
}

impl pallet_directory::Config for Test {
	type RegionOrigin = EnsurePara;
	type AdminOrigin = EnsureRoot<u64>;
	type MaxRegions = MaxRegions;
	type MaxNameLen = MaxNameLen;
	type XcmSender = ChannelRouter;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ChannelRouter;
	type WeightInfo = ();
}

/// The lowest account that stands for a parachain.
pub const FIRST_PARA: ParaId = 1000;
/// Region A's para id.
pub const REGION_A: ParaId = 2000;
/// Region B's para id.
pub const REGION_B: ParaId = 2001;
/// A parachain that is not a region.
pub const STRANGER: ParaId = 3000;
/// A patient.
pub const PATIENT: u64 = 7;
/// A practitioner who asks about the patient.
pub const REQUESTER: u64 = 8;

/// The origin of a message from parachain `para`.
pub fn para(para: ParaId) -> RuntimeOrigin {
	RuntimeOrigin::signed(para as u64)
}

/// A coordinator whose federation has regions A and B.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	OpenChannels::set(vec![REGION_A, REGION_B]);
	Sent::set(vec![]);
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	pallet_directory::GenesisConfig::<Test> {
		regions: vec![(REGION_A, b"Region A".to_vec()), (REGION_B, b"Region B".to_vec())],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	storage.into()
}

/// Runs `test` on the test coordinator at block 1 and checks every storage invariant after it.
pub fn new_test_ext(test: impl FnOnce()) {
	new_bench_ext().execute_with(|| {
		System::set_block_number(1);
		test();
		Directory::do_try_state().expect("storage invariants hold");
	});
}
