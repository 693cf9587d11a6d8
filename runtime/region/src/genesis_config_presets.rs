//! Genesis presets of the region runtime: one per development region.
//!
//! - `region-a` (para 2000): authorities Alice and Bob, who also collate; Charlie a clinic,
//!   Dave a lab.
//! - `region-b` (para 2001): authorities Eve and Ferdie, who also collate; One a hospital, Two a
//!   lab.
//! - `development` (para 2000): region A with Alice the only collator, for one node alone
//!   (`medfed-node --dev`), without a coordinator.
//!
//! Regions A and B belong to the federation whose coordinator is para 1000. No preset has a
//! sudo key: root is a supermajority of the authorities (`Governance.enact`).
//!
//! Authorities' proxy keys are the development Umbral keys of their names
//! ([`medfed_primitives::umbral::dev`]): public knowledge, like the accounts themselves.

use crate::{
	AccountId, BalancesConfig, CollatorSelectionConfig, FederationConfig, InstitutionsConfig,
	ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
};
use alloc::{string::ToString, vec, vec::Vec};
use medfed_primitives::{umbral::dev, Role};
use medfed_runtime_common::{genesis, para_ids};
use polkadot_sdk::{
	cumulus_primitives_core::ParaId,
	frame_support::build_struct_json_patch,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::Sr25519Keyring,
	staging_xcm as xcm,
};

/// Region A's preset id.
pub const REGION_A: &str = "region-a";
/// Region B's preset id.
pub const REGION_B: &str = "region-b";
/// Para id of region A.
pub const REGION_A_PARA_ID: u32 = para_ids::REGION_A;
/// Para id of region B.
pub const REGION_B_PARA_ID: u32 = para_ids::REGION_B;

/// Para id of the coordinator the development regions belong to.
pub const COORDINATOR_PARA_ID: u32 = para_ids::COORDINATOR;

/// What distinguishes one region's genesis from another's.
struct RegionGenesis {
	para_id: u32,
	collators: Vec<Sr25519Keyring>,
	institutions: Vec<(Sr25519Keyring, Role, &'static str)>,
	/// The coordinator's para id; `None` for a region that runs alone.
	coordinator: Option<u32>,
}

fn genesis(region: RegionGenesis) -> serde_json::Value {
	let account = |k: &Sr25519Keyring| -> AccountId { k.to_account_id() };
	let institutions: Vec<_> = region
		.institutions
		.iter()
		.map(|(who, role, name)| {
			let proxy_key = (*role == Role::Authority).then(|| dev::public_key(&who.to_string()));
			(account(who), *role, name.as_bytes().to_vec(), proxy_key)
		})
		.collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: genesis::endowed_accounts() },
		parachain_info: ParachainInfoConfig { parachain_id: ParaId::from(region.para_id) },
		collator_selection: CollatorSelectionConfig {
			invulnerables: genesis::accounts(&region.collators),
			candidacy_bond: genesis::CANDIDACY_BOND,
		},
		session: SessionConfig {
			keys: region
				.collators
				.iter()
				.map(|k| {
					let aura: AuraId = k.public().into();
					let pinning: pallet_pinning::crypto::Public = k.public().into();
					(account(k), account(k), SessionKeys { aura, pinning })
				})
				.collect(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		institutions: InstitutionsConfig { institutions },
		federation: FederationConfig { coordinator: region.coordinator },
	})
}

fn region_a(collators: Vec<Sr25519Keyring>, coordinator: Option<u32>) -> serde_json::Value {
	genesis(RegionGenesis {
		para_id: REGION_A_PARA_ID,
		collators,
		coordinator,
		institutions: vec![
			(Sr25519Keyring::Alice, Role::Authority, "Alpine University Hospital"),
			(Sr25519Keyring::Bob, Role::Authority, "Alpine Regional Health Authority"),
			(Sr25519Keyring::Charlie, Role::Clinic, "Lakeside Family Clinic"),
			(Sr25519Keyring::Dave, Role::Lab, "Valley Diagnostics Laboratory"),
		],
	})
}

fn region_b() -> serde_json::Value {
	genesis(RegionGenesis {
		para_id: REGION_B_PARA_ID,
		collators: vec![Sr25519Keyring::Eve, Sr25519Keyring::Ferdie],
		coordinator: Some(COORDINATOR_PARA_ID),
		institutions: vec![
			(Sr25519Keyring::Eve, Role::Authority, "Coastal General Hospital"),
			(Sr25519Keyring::Ferdie, Role::Authority, "Harbour Health Board"),
			(Sr25519Keyring::One, Role::Hospital, "Bayside Children's Hospital"),
			(Sr25519Keyring::Two, Role::Lab, "Dune Pathology Laboratory"),
		],
	})
}

/// The JSON of preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		REGION_A =>
			region_a(vec![Sr25519Keyring::Alice, Sr25519Keyring::Bob], Some(COORDINATOR_PARA_ID)),
		REGION_B => region_b(),
		sp_genesis_builder::DEV_RUNTIME_PRESET => region_a(vec![Sr25519Keyring::Alice], None),
		_ => return None,
	};
	Some(genesis::preset_json(patch))
}

/// The ids of every preset.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(REGION_A),
		PresetId::from(REGION_B),
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
	]
}
