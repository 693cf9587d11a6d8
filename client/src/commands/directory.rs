//! `ehr directory show|regions`: the coordinator's patient directory (`--url` of a coordinator
//! node).

use super::Context;
use crate::{
	chain::account,
	cli::DirectoryCmd,
	render::{directory_text, print, regions_text, DirectoryView, RegionView},
};
use anyhow::Result;
use std::collections::BTreeMap;

/// Runs `ehr directory …`.
pub(super) async fn run(context: &Context, command: DirectoryCmd) -> Result<()> {
	let (chain, json) = (&context.chain, context.json);
	match command {
		DirectoryCmd::Show { patient } => {
			let patient = account(&patient)?;
			let known: BTreeMap<u32, String> = chain
				.regions()
				.await?
				.into_iter()
				.map(|(id, name)| (id, String::from_utf8_lossy(&name).into_owned()))
				.collect();
			let regions: Vec<RegionView> = chain
				.regions_of(&patient)
				.await?
				.into_iter()
				.map(|id| RegionView {
					para_id: id,
					name: known.get(&id).cloned().unwrap_or_default(),
				})
				.collect();
			let view = DirectoryView { patient: patient.to_string(), regions };
			print(json, &view, directory_text);
			Ok(())
		},
		DirectoryCmd::Regions => {
			let regions: Vec<RegionView> = chain
				.regions()
				.await?
				.into_iter()
				.map(|(id, name)| RegionView {
					para_id: id,
					name: String::from_utf8_lossy(&name).into_owned(),
				})
				.collect();
			print(json, &regions, regions_text);
			Ok(())
		},
	}
}
