//! Helpers for the runtimes' genesis presets, and (with `std`) for tests that start a chain
//! from one.

use crate::{
	currency::{EXISTENTIAL_DEPOSIT, UNIT},
	AccountId, Balance,
};
use alloc::vec::Vec;
use polkadot_sdk::sp_keyring::Sr25519Keyring;

/// Every development account starts with this much.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// What a collator candidate bonds (invulnerables bond nothing).
pub const CANDIDACY_BOND: Balance = EXISTENTIAL_DEPOSIT * 16;

/// The development accounts, each endowed with [`ENDOWMENT`].
pub fn endowed_accounts() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::iter().map(|k| (k.to_account_id(), ENDOWMENT)).collect()
}

/// The accounts of `keys`.
pub fn accounts(keys: &[Sr25519Keyring]) -> Vec<AccountId> {
	keys.iter().map(|k| k.to_account_id()).collect()
}

/// A preset's JSON patch, as `get_preset` returns it.
pub fn preset_json(patch: serde_json::Value) -> Vec<u8> {
	serde_json::to_vec(&patch).expect("a JSON value always serialises")
}

/// Merges a preset's JSON `patch` into `base`, as chain spec builders merge a preset into the
/// default genesis config.
#[cfg(feature = "std")]
pub fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) =>
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			},
		(base, patch) => *base = patch,
	}
}

/// The genesis config `Config` that a preset's JSON `patch` makes of the defaults: what a chain
/// started from that preset begins with. For runtime tests.
#[cfg(feature = "std")]
pub fn config_from_preset<Config>(patch: &[u8]) -> Config
where
	Config: Default + serde::Serialize + serde::de::DeserializeOwned,
{
	let mut config = serde_json::to_value(Config::default()).expect("a genesis config serialises");
	merge(&mut config, serde_json::from_slice(patch).expect("a preset is JSON"));
	serde_json::from_value(config).expect("the preset makes a valid genesis config")
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn merge_replaces_leaves_and_keeps_what_the_patch_does_not_name() {
		let mut base = json!({ "a": { "x": 1, "y": 2 }, "b": [1, 2] });
		merge(&mut base, json!({ "a": { "y": 3 }, "b": [9], "c": true }));
		assert_eq!(base, json!({ "a": { "x": 1, "y": 3 }, "b": [9], "c": true }));
	}

	#[test]
	fn every_development_account_is_endowed() {
		let endowed = endowed_accounts();
		assert_eq!(endowed.len(), Sr25519Keyring::iter().count());
		assert!(endowed.iter().all(|(_, balance)| *balance == ENDOWMENT));
	}
}
