//! Genesis presets of the coordinator runtime.
//!
//! - `coordinator` (para 1000): the development federation's main chain. Its collators are
//!   Alice (an authority of region A) and Eve (an authority of region B); its regions are A
//!   (para 2000) and B (para 2001); its council is the authorities of both regions (Alice, Bob,
//!   Eve, Ferdie), of whom two thirds govern it. There is no sudo key.
//! - `development` (para 1000): the same with Alice the only collator, for one node alone
//!   (`medfed-node --dev`).
//!
//! A real federation's genesis comes from its description: `medfed-federation` writes it as a
//! patch over these defaults.

use crate::{
	AccountId, BalancesConfig, CollatorSelectionConfig, DirectoryConfig, FederationCouncilConfig,
	ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
};
use alloc::{vec, vec::Vec};
use medfed_runtime_common::{genesis, para_ids};
use polkadot_sdk::{
	cumulus_primitives_core::ParaId,
	frame_support::build_struct_json_patch,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::Sr25519Keyring,
	staging_xcm as xcm,
};

/// The development coordinator's preset id.
pub const COORDINATOR: &str = "coordinator";
/// The coordinator's para id.
pub const COORDINATOR_PARA_ID: u32 = para_ids::COORDINATOR;

/// The authorities of the development regions A and B: the coordinator's council.
fn development_council() -> Vec<Sr25519Keyring> {
	vec![Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Eve, Sr25519Keyring::Ferdie]
}

fn genesis(collators: Vec<Sr25519Keyring>, regions: Vec<(u32, &str)>) -> serde_json::Value {
	let account = |k: &Sr25519Keyring| -> AccountId { k.to_account_id() };
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: genesis::endowed_accounts() },
		parachain_info: ParachainInfoConfig { parachain_id: ParaId::from(COORDINATOR_PARA_ID) },
		collator_selection: CollatorSelectionConfig {
			invulnerables: genesis::accounts(&collators),
			candidacy_bond: genesis::CANDIDACY_BOND,
		},
		session: SessionConfig {
			keys: collators
				.iter()
				.map(|k| {
					let aura: AuraId = k.public().into();
					(account(k), account(k), SessionKeys { aura })
				})
				.collect(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		federation_council: FederationCouncilConfig {
			members: genesis::accounts(&development_council()),
		},
		directory: DirectoryConfig {
			regions: regions.into_iter().map(|(id, name)| (id, name.as_bytes().to_vec())).collect(),
		},
	})
}

fn development_regions() -> Vec<(u32, &'static str)> {
	vec![(para_ids::REGION_A, "Region A"), (para_ids::REGION_B, "Region B")]
}

/// The JSON of preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		COORDINATOR =>
			genesis(vec![Sr25519Keyring::Alice, Sr25519Keyring::Eve], development_regions()),
		sp_genesis_builder::DEV_RUNTIME_PRESET =>
			genesis(vec![Sr25519Keyring::Alice], development_regions()),
		_ => return None,
	};
	Some(genesis::preset_json(patch))
}

/// The ids of every preset.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(COORDINATOR), PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET)]
}
