//! `ehr keys new|list`: identities (an account and an Umbral key pair) in a keystore file
//! encrypted with a passphrase (EHR_PASSPHRASE, or asked for). No chain needed.

use super::args::open_keystore;
use crate::{cli::KeysCmd, keystore::IdentityView, render::print};
use anyhow::Result;
use std::path::PathBuf;

/// Runs `ehr keys …` on the keystore at `path` (`None`: the default).
pub(super) fn run(path: &Option<PathBuf>, json: bool, command: &KeysCmd) -> Result<()> {
	let mut store = open_keystore(path)?;
	match command {
		KeysCmd::New { name, kind, dev } => {
			let view = match dev {
				Some(dev) => store.create_development(name, *kind, dev)?,
				None => store.create(name, *kind)?,
			};
			print(json, &view, identity_text);
		},
		KeysCmd::List => print(json, &store.list()?, |list| {
			if list.is_empty() {
				return "The keystore has no identities yet: `ehr keys new <name> --kind <kind>`."
					.into();
			}
			list.iter().map(identity_text).collect::<Vec<_>>().join("\n\n")
		}),
	}
	Ok(())
}

/// An identity as text: its name, kind, account and Umbral public key.
fn identity_text(view: &IdentityView) -> String {
	format!(
		"{} ({}{})\n  account:    {}\n  umbral key: 0x{}",
		view.name,
		view.kind,
		if view.development { ", PUBLIC DEVELOPMENT KEYS" } else { "" },
		view.account,
		hex::encode(view.umbral_public_key.0)
	)
}
