//! `ehr patient register|show`: a patient publishes the Umbral key records are encrypted to.

use super::{args::published_key, Context};
use crate::{
	chain::{account, calls},
	cli::PatientCmd,
	render::{patient_text, print, PatientView},
};
use anyhow::{anyhow, Context as _, Result};

/// Runs `ehr patient …`.
pub(super) async fn run(context: &Context, command: PatientCmd) -> Result<()> {
	let (chain, json, keystore) = (&context.chain, context.json, &context.keystore);
	match command {
		PatientCmd::Register { signer, umbral_key, dev_key } => {
			let key = published_key(&signer, umbral_key.as_deref(), dev_key.as_deref(), keystore)?;
			let signer = signer.keypair(keystore)?;
			let included = chain.submit(calls::register_patient(&key), &signer).await?;
			let who = signer.public_key().to_account_id();
			let patient = chain
				.reading_at(included.block)
				.patient(&who)
				.await?
				.context("the patient is not on chain after registering")?;
			print(json, &PatientView::new(&who, &patient), patient_text);
			Ok(())
		},
		PatientCmd::Show { account: who } => {
			let who = account(&who)?;
			let patient = chain
				.patient(&who)
				.await?
				.ok_or_else(|| anyhow!("{who} is not a registered patient of this region"))?;
			print(json, &PatientView::new(&who, &patient), patient_text);
			Ok(())
		},
	}
}
