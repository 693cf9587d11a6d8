//! # MedFed's federation, emulated
//!
//! The real runtimes of a federation in one process, run natively by
//! [`xcm_emulator`]: the Rococo relay chain (the crates.io `rococo-runtime` that
//! `relay/rococo-local.json` is made from), the coordinator (para 1000) and two regions, A (para
//! 2000) and B (para 2001). Each chain starts from its runtime's own genesis preset
//! ([`genesis`]), as the chain specs of `scripts/launch.sh` do.
//!
//! ## Overview
//!
//! [`MedFed`] is the network. Its chains (the emulator's macros take no doc comments):
//!
//! - [`RococoRelay`]: crates.io `rococo-runtime`, from its `local_testnet` preset.
//! - [`CoordinatorPara`], para 1000, from the `coordinator` preset: regions A and B in its
//!   directory.
//! - [`RegionAPara`], para 2000, from the `region-a` preset: authorities Alice and Bob, Charlie
//!   a clinic, Dave a lab; its coordinator para 1000.
//! - [`RegionBPara`], para 2001, from the `region-b` preset: authorities Eve and Ferdie, One a
//!   hospital, Two a lab; its coordinator para 1000.
//!
//! `X::execute_with(|| …)` runs code in chain `X` as in one new block of it, then delivers the
//! messages that block sent: HRMP between every two parachains of the network (each has a
//! channel to every other, regions to each other too), upward to the relay chain and downward
//! from it. The receiver's message queue processes them at once, so its events are there for
//! the receiver's next `execute_with`, where `assert_expected_events!` finds them. Every test
//! thread has its own network, started afresh.
//!
//! ## Adding a chain or a test
//!
//! A third region is one more entry in [`decl_test_parachains!`] and in the network's
//! `parachains`, with a [`genesis`] function of its own preset. Tests live in `tests/emulated/`,
//! one module per topic (one test binary, so that the runtimes are linked once); [`region`]
//! holds what a test does inside a region, such as registering a patient's first record.
//!
//! ## Low-level notes
//!
//! - The emulator opens every HRMP channel itself (in the relay chain state proof it gives each
//!   parachain block); the relay chain's `Hrmp` pallet knows nothing of them.
//! - Messages are processed with unlimited weight; no block limit applies to them.
//! - The relay chain's block number goes up by one with every parachain block, of any
//!   parachain: every `execute_with` of a parachain is one. A deadline in relay blocks passes
//!   after that many `execute_with`s of the parachains together.
//! - MedFed's runtimes execute XCM with or without the `runtime-benchmarks` feature, so the tests
//!   run in `scripts/test.sh`'s one build, which has it. The crates.io Rococo runtime does not
//!   with it (its message queue then uses `NoopMessageProcessor`): no test sends a message up
//!   to the relay chain.
//! - The emulator's parachain blocks run each pallet's `on_initialize` and `on_finalize`, the
//!   timestamp and validation-data inherents, nothing else: no transaction payment, no signed
//!   extensions. Calls are dispatched directly.

pub mod genesis;
pub mod region;

pub use medfed_coordinator_runtime;
pub use medfed_region_runtime;
pub use polkadot_sdk::xcm_emulator;
pub use rococo_runtime;

use medfed_runtime_common::para_ids;
// The emulator's macros name `frame_support` by that path.
use polkadot_sdk::frame_support::{self, traits::OnInitialize};
use xcm_emulator::{decl_test_networks, decl_test_parachains, decl_test_relay_chains};

/// Para id of the coordinator.
pub const COORDINATOR: u32 = para_ids::COORDINATOR;
/// Para id of region A.
pub const REGION_A: u32 = para_ids::REGION_A;
/// Para id of region B.
pub const REGION_B: u32 = para_ids::REGION_B;

decl_test_relay_chains! {
	#[api_version(16)]
	pub struct Rococo {
		genesis = genesis::relay(),
		on_init = (),
		runtime = rococo_runtime,
		core = {
			SovereignAccountOf: rococo_runtime::xcm_config::LocationConverter,
		},
		pallets = {
			XcmPallet: rococo_runtime::XcmPallet,
			Sudo: rococo_runtime::Sudo,
			Hrmp: rococo_runtime::Hrmp,
		}
	}
}

decl_test_parachains! {
	pub struct Coordinator {
		genesis = genesis::coordinator(),
		on_init = {
			medfed_coordinator_runtime::AuraExt::on_initialize(1);
		},
		runtime = medfed_coordinator_runtime,
		core = {
			XcmpMessageHandler: medfed_coordinator_runtime::XcmpQueue,
			LocationToAccountId: medfed_coordinator_runtime::configs::xcm_config::LocationToAccountId,
			ParachainInfo: medfed_coordinator_runtime::ParachainInfo,
			MessageOrigin: polkadot_sdk::cumulus_primitives_core::AggregateMessageOrigin,
		},
		pallets = {
			Directory: medfed_coordinator_runtime::Directory,
			PolkadotXcm: medfed_coordinator_runtime::PolkadotXcm,
		}
	},
	pub struct RegionA {
		genesis = genesis::region_a(),
		on_init = {
			medfed_region_runtime::AuraExt::on_initialize(1);
		},
		runtime = medfed_region_runtime,
		core = {
			XcmpMessageHandler: medfed_region_runtime::XcmpQueue,
			LocationToAccountId: medfed_region_runtime::configs::xcm_config::LocationToAccountId,
			ParachainInfo: medfed_region_runtime::ParachainInfo,
			MessageOrigin: polkadot_sdk::cumulus_primitives_core::AggregateMessageOrigin,
		},
		pallets = {
			Federation: medfed_region_runtime::Federation,
			Institutions: medfed_region_runtime::Institutions,
			PolkadotXcm: medfed_region_runtime::PolkadotXcm,
			Records: medfed_region_runtime::Records,
		}
	},
	pub struct RegionB {
		genesis = genesis::region_b(),
		on_init = {
			medfed_region_runtime::AuraExt::on_initialize(1);
		},
		runtime = medfed_region_runtime,
		core = {
			XcmpMessageHandler: medfed_region_runtime::XcmpQueue,
			LocationToAccountId: medfed_region_runtime::configs::xcm_config::LocationToAccountId,
			ParachainInfo: medfed_region_runtime::ParachainInfo,
			MessageOrigin: polkadot_sdk::cumulus_primitives_core::AggregateMessageOrigin,
		},
		pallets = {
			Federation: medfed_region_runtime::Federation,
			Institutions: medfed_region_runtime::Institutions,
			PolkadotXcm: medfed_region_runtime::PolkadotXcm,
			Records: medfed_region_runtime::Records,
		}
	}
}

decl_test_networks! {
	pub struct MedFed {
		relay_chain = Rococo,
		parachains = vec![
			Coordinator,
			RegionA,
			RegionB,
		],
		bridge = ()
	}
}
