//! From command line text to checked values: hex, hashes, Umbral keys, the signer's key pair.
//! Every input is checked with the same code the chain uses, so a bad one is refused before it
//! costs a fee.

use crate::{
	chain::{calls::Call, keypair},
	cli::Signer,
	keystore,
};
use anyhow::{anyhow, bail, Result};
use medfed_primitives::PublicKey;
use std::path::PathBuf;

impl Signer {
	/// The key pair that signs: the keystore identity's (`--key`), or the secret URI's (`--as`).
	pub fn keypair(&self, keystore: &Option<PathBuf>) -> Result<subxt_signer::sr25519::Keypair> {
		match (&self.key, &self.suri) {
			(Some(name), _) => Ok(open_keystore(keystore)?.identity(name)?.signer),
			(None, Some(suri)) => keypair(suri),
			(None, None) => bail!("give --key (a keystore identity) or --as (a secret URI)"),
		}
	}
}

/// Opens the keystore at `path` (default: [`keystore::Keystore::default_path`]) with the
/// passphrase from EHR_PASSPHRASE, or asked for.
pub(super) fn open_keystore(path: &Option<PathBuf>) -> Result<keystore::Keystore> {
	let path = path.clone().unwrap_or_else(keystore::Keystore::default_path);
	keystore::Keystore::open(&path, keystore::passphrase()?)
}

/// Decodes hex, with or without `0x`, naming `what` in the error.
pub(super) fn hex_arg(what: &str, text: &str) -> Result<Vec<u8>> {
	hex::decode(text.trim_start_matches("0x")).map_err(|e| anyhow!("{what} is not hex: {e}"))
}

/// Decodes a 32-byte hash in hex, naming `what` in the error.
pub(super) fn hash_arg(what: &str, text: &str) -> Result<[u8; 32]> {
	let bytes = hex_arg(what, text)?;
	let len = bytes.len();
	bytes.try_into().map_err(|_| anyhow!("{what} must be 32 bytes, not {len}"))
}

/// Decodes and checks an Umbral public key in hex, naming `what` in the error.
pub(super) fn umbral_key_arg(what: &str, text: &str) -> Result<PublicKey> {
	PublicKey::parse(&hex_arg(what, text)?).map_err(|e| {
		anyhow!("{what} is not a compressed secp256k1 point (Umbral public key): {e:?}")
	})
}

/// The Umbral public key a signer publishes (`patient register`, `keys publish`): `--umbral-key`,
/// else the development key `--dev-key`, else the keystore identity's (`--key`).
pub(super) fn published_key(
	signer: &Signer,
	umbral_key: Option<&str>,
	dev_key: Option<&str>,
	keystore: &Option<PathBuf>,
) -> Result<PublicKey> {
	match (umbral_key, dev_key, &signer.key) {
		(Some(k), _, _) => umbral_key_arg("--umbral-key", k),
		(None, Some(name), _) => Ok(medfed_primitives::umbral::dev::public_key(name)),
		(None, None, Some(name)) => Ok(open_keystore(keystore)?.identity(name)?.umbral_public()),
		(None, None, None) =>
			bail!("give --umbral-key or --dev-key, or sign with a keystore identity (--key)"),
	}
}

/// The call `pallet.call` with `args` in scale-value's syntax (`{ name: value, … }` or
/// `( … )`; SS58 addresses and 0x-hex as they are), checked only for syntax here: the chain's
/// metadata checks the names and types when it is encoded.
pub(super) fn call_arg(pallet: &str, call: &str, args: Option<&str>) -> Result<Call> {
	use subxt::ext::scale_value::{stringify, Composite, ValueDef};
	let fields = match args.map(str::trim).filter(|a| !a.is_empty()) {
		None => Composite::Unnamed(Vec::new()),
		Some(text) => {
			let (parsed, rest) = stringify::from_str_custom()
				.add_custom_parser(stringify::custom_parsers::parse_ss58)
				.add_custom_parser(stringify::custom_parsers::parse_hex)
				.parse(text);
			let value = parsed.map_err(|e| anyhow!("the call's arguments do not parse: {e}"))?;
			if !rest.trim().is_empty() {
				bail!("the call's arguments do not parse: unexpected `{}` after them", rest.trim());
			}
			match value.value {
				ValueDef::Composite(fields) => fields,
				_ => bail!(
					"the call's arguments must be `{{ name: value, … }}` or `( … )`, not a single \
					 value"
				),
			}
		},
	};
	Ok(subxt::dynamic::tx(pallet.to_owned(), call.to_owned(), fields))
}

#[cfg(test)]
mod tests {
	use super::*;
	use medfed_primitives::umbral;

	#[test]
	fn a_calls_arguments_parse_with_addresses_and_hex() {
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let call =
			call_arg("Directory", "add_region", Some(&format!("{{ who: {alice}, data: 0x0102 }}")))
				.expect("parses");
		assert_eq!((call.pallet_name(), call.call_name()), ("Directory", "add_region"));
		let fields = call.into_value().to_string();
		// Alice's account id, byte by byte, and the hex as bytes.
		assert!(fields.contains("who: (212, 53, 147"), "{fields}");
		assert!(fields.contains("data: (1, 2)"), "{fields}");
		assert!(call_arg("System", "remark", None).is_ok());
		let variants = call_arg("Institutions", "admit", Some("(5, Hospital(), None())"))
			.expect("parses")
			.into_value()
			.to_string();
		assert!(variants.contains("Hospital") && variants.contains("None"), "{variants}");
		for bad in ["{ who: }", "{ a: 1 } trailing", "42"] {
			let error = call_arg("System", "remark", Some(bad)).err().map(|e| e.to_string());
			assert!(error.as_deref().is_some_and(|e| e.contains("arguments")), "{bad}: {error:?}");
		}
	}

	#[test]
	fn umbral_keys_are_checked() {
		let alice = umbral::dev::public_key("Alice");
		assert_eq!(
			umbral_key_arg("k", &format!("0x{}", hex::encode(alice.0))).expect("valid"),
			alice
		);
		// x ≥ p is no field element, so no point.
		assert!(umbral_key_arg("k", &format!("02{}", "ff".repeat(32))).is_err());
		assert!(umbral_key_arg("k", &"02".repeat(32)).is_err());
		assert!(umbral_key_arg("k", "zz").is_err());
	}
}
