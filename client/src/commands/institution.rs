//! `ehr institution add|remove|list|show`: the region's member institutions. Adding or
//! removing one is a motion of the authority collective (see `proposal`).

use super::{
	args::umbral_key_arg,
	proposal::{motion, Quorum},
	Context,
};
use crate::{
	chain::{account, calls},
	cli::InstitutionCmd,
	render::{institution_text, institutions_text, print, InstitutionView},
};
use anyhow::{anyhow, bail, Result};
use medfed_primitives::Role;

/// Runs `ehr institution …`.
pub(super) async fn run(context: &Context, command: InstitutionCmd) -> Result<()> {
	let (chain, json, keystore) = (&context.chain, context.json, &context.keystore);
	match command {
		InstitutionCmd::Add { signer, account: who, role, name, proxy_key } => {
			let who = account(&who)?;
			let role = Role::from(role);
			let key = proxy_key.map(|k| umbral_key_arg("--proxy-key", &k)).transpose()?;
			if (role == Role::Authority) != key.is_some() {
				bail!("an authority needs --proxy-key, and only an authority may have one");
			}
			let call = calls::admit_institution(&who, role, &name, key.as_ref());
			motion(chain, json, call, quorum(role), &signer.keypair(keystore)?).await
		},
		InstitutionCmd::Remove { signer, account: who } => {
			let who = account(&who)?;
			let role = chain.institution(&who).await?.map(|i| i.role);
			let call = calls::remove_institution(&who);
			// An institution that is not one is refused by the chain, with its reason.
			let quorum = role.map_or(Quorum::Majority, quorum);
			motion(chain, json, call, quorum, &signer.keypair(keystore)?).await
		},
		InstitutionCmd::List => {
			let list: Vec<InstitutionView> =
				chain.institutions().await?.iter().map(InstitutionView::from).collect();
			print(json, &list, institutions_text);
			Ok(())
		},
		InstitutionCmd::Show { account: who } => {
			let who = account(&who)?;
			let institution = chain
				.institution(&who)
				.await?
				.ok_or_else(|| anyhow!("{who} is not an institution of this region"))?;
			print(json, &InstitutionView::from(&institution), institution_text);
			Ok(())
		},
	}
}

/// What admitting or removing an institution of `role` takes: two thirds of the authorities
/// for an authority (the authorities govern the chain), a majority otherwise.
fn quorum(role: Role) -> Quorum {
	if role == Role::Authority {
		Quorum::TwoThirds
	} else {
		Quorum::Majority
	}
}
