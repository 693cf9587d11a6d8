//! Each chain's genesis storage, from its runtime's own genesis preset, read and built through
//! the runtime's `GenesisBuilder` API: what a chain spec made from that preset starts with.

use medfed_runtime_common::genesis::merge;
use polkadot_sdk::{
	sp_core::storage::Storage,
	sp_genesis_builder::{
		runtime_decl_for_genesis_builder::GenesisBuilderV1, PresetId, LOCAL_TESTNET_RUNTIME_PRESET,
	},
	sp_runtime::traits::Block as BlockT,
	sp_state_machine::BasicExternalities,
};

/// The genesis storage of a chain of `Runtime` started from its preset `preset`, made as a
/// chain spec builder makes it: the preset's patch merged into the runtime's default genesis
/// config, then built by `build_state`.
fn from_preset<Runtime, Block>(preset: &str) -> Storage
where
	Runtime: GenesisBuilderV1<Block>,
	Block: BlockT,
{
	let json = |bytes: Vec<u8>| -> serde_json::Value {
		serde_json::from_slice(&bytes).expect("a runtime's genesis config is JSON")
	};
	let patch = Runtime::get_preset(&Some(PresetId::from(preset)))
		.unwrap_or_else(|| panic!("the runtime has no genesis preset {preset:?}"));
	let mut config =
		json(Runtime::get_preset(&None).expect("a runtime always has a default genesis config"));
	merge(&mut config, json(patch));
	let config = serde_json::to_vec(&config).expect("a JSON value always serialises");
	let mut storage = Storage::default();
	BasicExternalities::execute_with_storage(&mut storage, || Runtime::build_state(config))
		.unwrap_or_else(|error| panic!("genesis preset {preset:?} does not build: {error}"));
	storage
}

/// The relay chain: Rococo's `local_testnet` (validators Alice and Bob, Alice the sudo key).
pub fn relay() -> Storage {
	from_preset::<rococo_runtime::Runtime, rococo_runtime::Block>(LOCAL_TESTNET_RUNTIME_PRESET)
}

/// The coordinator, para 1000: its `coordinator` preset.
pub fn coordinator() -> Storage {
	use medfed_coordinator_runtime::{genesis_config_presets::COORDINATOR, Block, Runtime};
	from_preset::<Runtime, Block>(COORDINATOR)
}

/// Region A, para 2000: its `region-a` preset.
pub fn region_a() -> Storage {
	use medfed_region_runtime::{genesis_config_presets::REGION_A, Block, Runtime};
	from_preset::<Runtime, Block>(REGION_A)
}

/// Region B, para 2001: its `region-b` preset.
pub fn region_b() -> Storage {
	use medfed_region_runtime::{genesis_config_presets::REGION_B, Block, Runtime};
	from_preset::<Runtime, Block>(REGION_B)
}
