//! `ehr keys new|list`: identities (an account and an Umbral key pair) in a keystore file
//! encrypted with a passphrase (EHR_PASSPHRASE, or asked for). No chain needed, except for
//! `ehr keys publish`, which publishes an identity's Umbral key for access grants.

use super::{
	args::{open_keystore, published_key},
	Context,
};
use crate::{
	chain::calls,
	cli::{KeysCmd, Signer},
	keystore::IdentityView,
	render::{print, AccessKeyView},
};
use anyhow::{bail, Context as _, Result};
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
		KeysCmd::Publish { .. } => bail!("`ehr keys publish` needs the chain"),
	}
	Ok(())
}

/// Runs `ehr keys publish`: the signer publishes the Umbral public key grants re-encrypt to
/// (`Access.register_key`), replacing any earlier one; grants already made keep theirs.
pub(super) async fn publish(
	context: &Context,
	signer: &Signer,
	umbral_key: Option<&str>,
	dev_key: Option<&str>,
) -> Result<()> {
	let key = published_key(signer, umbral_key, dev_key, &context.keystore)?;
	let keypair = signer.keypair(&context.keystore)?;
	let included = context.chain.submit(calls::register_access_key(&key), &keypair).await?;
	let who = keypair.public_key().to_account_id();
	let published = context
		.chain
		.reading_at(included.block)
		.access_key(&who)
		.await?
		.context("the key is not on chain after publishing it")?;
	let view = AccessKeyView {
		account: who.to_string(),
		umbral_public_key: format!("0x{}", hex::encode(published.0)),
	};
	print(context.json, &view, |v| {
		format!(
			"{} receives access grants with the Umbral key {}: patients can grant it access now.",
			v.account, v.umbral_public_key
		)
	});
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
