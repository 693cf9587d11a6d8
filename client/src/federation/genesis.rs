//! Each parachain's genesis, as a patch to its runtime's default genesis config (JSON, what
//! `chain-spec-builder create … patch` reads): endowments, collators and their session keys,
//! sudo, and the region's institutions or the coordinator's directory of regions.

use super::{account, Federation, Institution, Region, Role};
use anyhow::{anyhow, ensure, Context, Result};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Every account a genesis endows starts with this much (1,000,000 units of 12 decimals).
const ENDOWMENT: u128 = 1_000_000_000_000_000_000;
/// The collator candidacy bond (16 × the existential deposit of 0.001 unit).
const CANDIDACY_BOND: u128 = 16_000_000_000;

impl Role {
	/// The role as the institutions pallet's genesis config names it.
	fn as_genesis(self) -> &'static str {
		match self {
			Role::Authority => "Authority",
			Role::Hospital => "Hospital",
			Role::Clinic => "Clinic",
			Role::Lab => "Lab",
		}
	}
}

/// The seed zombienet gives node `name`: `//` and the name with its first letter capitalised.
fn node_seed(name: &str) -> String {
	let mut chars = name.chars();
	let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
	format!("//{first}{}", chars.as_str())
}

/// A collator's session key: given, or derived from its node name as zombienet does.
fn session_key(node: &str, given: &Option<String>) -> Result<String> {
	let key = match given {
		Some(key) => account(key)?,
		None => account(&node_seed(node))?,
	};
	Ok(key.to_string())
}

/// The Umbral public key of an authority's re-encryption proxy: given, or the development key
/// of a `//Name` account, as the runtime's presets use. Other institutions have none.
fn proxy_key(institution: &Institution) -> Result<Option<String>> {
	if institution.role != Role::Authority {
		ensure!(
			institution.proxy_key.is_none(),
			"{}: only authorities carry a proxy key",
			institution.name
		);
		return Ok(None);
	}
	if let Some(key) = &institution.proxy_key {
		let bytes = hex::decode(key.trim_start_matches("0x")).context("proxy_key is not hex")?;
		medfed_primitives::PublicKey::parse(&bytes).map_err(|e| {
			anyhow!("{}: proxy_key is not an Umbral public key: {e:?}", institution.name)
		})?;
		return Ok(Some(format!("0x{}", hex::encode(bytes))));
	}
	let name = institution.account.strip_prefix("//").ok_or_else(|| {
		anyhow!("{}: an authority with an SS58 account needs a proxy_key", institution.name)
	})?;
	Ok(Some(format!("0x{}", hex::encode(medfed_primitives::umbral::dev::public_key(name).0))))
}

/// `(account, account, keys)` session entries and the invulnerable collators.
fn collator_genesis(
	collators: &[(String, String)],
	with_pinning: bool,
) -> (Vec<Value>, Vec<String>) {
	let keys = collators
		.iter()
		.map(|(account, key)| {
			let keys = if with_pinning {
				json!({ "aura": key, "pinning": key })
			} else {
				json!({ "aura": key })
			};
			json!([account, account, keys])
		})
		.collect();
	(keys, collators.iter().map(|(account, _)| account.clone()).collect())
}

fn endowments(accounts: impl IntoIterator<Item = String>) -> Vec<Value> {
	let unique: BTreeSet<String> = accounts.into_iter().collect();
	unique.into_iter().map(|a| json!([a, ENDOWMENT])).collect()
}

/// The genesis patch of `region`, whose coordinator has para id `coordinator`.
pub fn region_patch(region: &Region, coordinator: u32) -> Result<Value> {
	let mut institutions = Vec::new();
	let mut collators = Vec::new();
	let mut endowed = vec![account(&region.sudo)?.to_string()];
	for institution in &region.institutions {
		let who = account(&institution.account)?.to_string();
		institutions.push(json!([
			who,
			institution.role.as_genesis(),
			institution.name.as_bytes(),
			proxy_key(institution)?
		]));
		if let Some(node) = &institution.collator {
			collators.push((who.clone(), session_key(node, &institution.session_key)?));
		}
		endowed.push(who);
	}
	for extra in &region.endowed {
		endowed.push(account(extra)?.to_string());
	}
	let (keys, invulnerables) = collator_genesis(&collators, true);
	Ok(json!({
		"balances": { "balances": endowments(endowed) },
		"parachainInfo": { "parachainId": region.para_id },
		"collatorSelection": { "invulnerables": invulnerables, "candidacyBond": CANDIDACY_BOND },
		"session": { "keys": keys },
		"polkadotXcm": { "safeXcmVersion": 5 },
		"sudo": { "key": account(&region.sudo)?.to_string() },
		"institutions": { "institutions": institutions },
		"federation": { "coordinator": coordinator },
	}))
}

/// The coordinator's genesis patch: its directory lists every region of `federation`.
pub fn coordinator_patch(federation: &Federation) -> Result<Value> {
	let coordinator = &federation.coordinator;
	let collators = coordinator
		.collators
		.iter()
		.map(|c| Ok((account(&c.institution)?.to_string(), session_key(&c.node, &c.session_key)?)))
		.collect::<Result<Vec<_>>>()?;
	let mut endowed = vec![account(&coordinator.sudo)?.to_string()];
	endowed.extend(collators.iter().map(|(a, _)| a.clone()));
	let (keys, invulnerables) = collator_genesis(&collators, false);
	let regions: Vec<Value> = federation
		.regions
		.iter()
		.map(|r| json!([r.para_id, r.name.as_bytes()]))
		.collect();
	Ok(json!({
		"balances": { "balances": endowments(endowed) },
		"parachainInfo": { "parachainId": coordinator.para_id },
		"collatorSelection": { "invulnerables": invulnerables, "candidacyBond": CANDIDACY_BOND },
		"session": { "keys": keys },
		"polkadotXcm": { "safeXcmVersion": 5 },
		"sudo": { "key": account(&coordinator.sudo)?.to_string() },
		"directory": { "regions": regions },
	}))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_proxy_key_on_a_clinic_is_refused() {
		let clinic = Institution {
			account: "//Charlie".into(),
			role: Role::Clinic,
			name: "Lakeside Family Clinic".into(),
			collator: None,
			session_key: None,
			proxy_key: Some("02".into()),
		};
		let error = proxy_key(&clinic).expect_err("refused").to_string();
		assert!(error.contains("only authorities carry a proxy key"), "{error}");
	}
}
