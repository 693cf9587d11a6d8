//! Each parachain's genesis, as a patch to its runtime's default genesis config (JSON, what
//! `chain-spec-builder create … patch` reads): endowments, collators and their session keys,
//! the region's institutions, or the coordinator's directory of regions and its council. No sudo.

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

fn endowments(accounts: impl IntoIterator<Item = String>) -> Vec<Value> {
	let unique: BTreeSet<String> = accounts.into_iter().collect();
	unique.into_iter().map(|a| json!([a, ENDOWMENT])).collect()
}

/// What the genesis of every parachain of a federation holds: its para id, the accounts it
/// endows, and its collators as `(account, session key)`, invulnerable, their session keys for
/// aura (`with_pinning`: for pinning as well). No chain has a sudo key: root is a supermajority
/// of its authorities (`Governance.enact`).
fn parachain_patch(
	para_id: u32,
	endowed: impl IntoIterator<Item = String>,
	collators: &[(String, String)],
	with_pinning: bool,
) -> Value {
	let keys: Vec<Value> = collators
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
	let invulnerables: Vec<&String> = collators.iter().map(|(account, _)| account).collect();
	let endowed = endowments(endowed);
	json!({
		"balances": { "balances": endowed },
		"parachainInfo": { "parachainId": para_id },
		"collatorSelection": { "invulnerables": invulnerables, "candidacyBond": CANDIDACY_BOND },
		"session": { "keys": keys },
		"polkadotXcm": { "safeXcmVersion": 5 },
	})
}

/// The genesis patch of `region`, whose coordinator has para id `coordinator`.
pub fn region_patch(region: &Region, coordinator: u32) -> Result<Value> {
	let mut institutions = Vec::new();
	let mut collators = Vec::new();
	let mut endowed = Vec::new();
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
		if let Some(proxy) = &institution.proxy {
			endowed.push(account(proxy)?.to_string());
		}
	}
	for extra in &region.endowed {
		endowed.push(account(extra)?.to_string());
	}
	let mut patch = parachain_patch(region.para_id, endowed, &collators, true);
	patch["institutions"] = json!({ "institutions": institutions });
	patch["federation"] = json!({ "coordinator": coordinator });
	Ok(patch)
}

/// The authority institutions of every region of `federation`: the coordinator's council.
pub fn council(federation: &Federation) -> Result<Vec<String>> {
	let authorities = federation
		.regions
		.iter()
		.flat_map(|r| &r.institutions)
		.filter(|i| i.role == Role::Authority)
		.map(|i| Ok(account(&i.account)?.to_string()))
		.collect::<Result<BTreeSet<String>>>()?;
	Ok(authorities.into_iter().collect())
}

/// The coordinator's genesis patch: its directory lists every region of `federation`, and its
/// council is every region's authorities, endowed there to propose and vote.
pub fn coordinator_patch(federation: &Federation) -> Result<Value> {
	let coordinator = &federation.coordinator;
	let collators = coordinator
		.collators
		.iter()
		.map(|c| Ok((account(&c.institution)?.to_string(), session_key(&c.node, &c.session_key)?)))
		.collect::<Result<Vec<_>>>()?;
	let council = council(federation)?;
	let endowed = collators.iter().map(|(a, _)| a.clone()).chain(council.iter().cloned());
	let mut patch = parachain_patch(coordinator.para_id, endowed, &collators, false);
	let regions: Vec<Value> = federation
		.regions
		.iter()
		.map(|r| json!([r.para_id, r.name.as_bytes()]))
		.collect();
	patch["directory"] = json!({ "regions": regions });
	patch["federationCouncil"] = json!({ "members": council });
	Ok(patch)
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
			proxy: None,
		};
		let error = proxy_key(&clinic).expect_err("refused").to_string();
		assert!(error.contains("only authorities carry a proxy key"), "{error}");
	}
}
