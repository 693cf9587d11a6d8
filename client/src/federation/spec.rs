//! Raw chain specs, made by `medfed-node chain-spec-builder` from each parachain's runtime
//! wasm and genesis patch.

use super::{genesis, Federation, Tools};
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	process::Command,
};

/// A parachain of the federation, as its chain spec names it.
struct Chain<'a> {
	/// Its short name: the spec's file name, and its chain id after `medfed-`.
	id: &'a str,
	name: &'a str,
	para_id: u32,
	wasm: &'a Path,
}

/// Writes `out/<id>.patch.json` and `out/<id>.json`, the raw chain spec `tools.node`'s
/// `chain-spec-builder` builds from it, for the coordinator and every region of `federation`.
/// Returns each chain spec's path by para id.
pub fn write_all(
	federation: &Federation,
	tools: &Tools,
	out: &Path,
) -> Result<BTreeMap<u32, PathBuf>> {
	let relay = federation.relay.chain.as_str();
	let coordinator = &federation.coordinator;
	let mut specs = BTreeMap::new();
	let chain = Chain {
		id: "coordinator",
		name: &coordinator.name,
		para_id: coordinator.para_id,
		wasm: &tools.coordinator_wasm,
	};
	let patch = genesis::coordinator_patch(federation)?;
	specs.insert(coordinator.para_id, write(&tools.node, out, relay, &chain, &patch)?);
	for region in &federation.regions {
		let patch = genesis::region_patch(region, coordinator.para_id)?;
		let chain = Chain {
			id: &region.id,
			name: &region.name,
			para_id: region.para_id,
			wasm: &tools.region_wasm,
		};
		specs.insert(region.para_id, write(&tools.node, out, relay, &chain, &patch)?);
	}
	Ok(specs)
}

/// Writes `patch` and the raw chain spec built from it with `node chain-spec-builder`.
fn write(node: &Path, out: &Path, relay: &str, chain: &Chain, patch: &Value) -> Result<PathBuf> {
	let id = chain.id;
	let patch_path = out.join(format!("{id}.patch.json"));
	std::fs::write(&patch_path, serde_json::to_string_pretty(patch)?)?;
	let spec = out.join(format!("{id}.json"));
	let status = Command::new(node)
		.arg("chain-spec-builder")
		.arg("--chain-spec-path")
		.arg(&spec)
		.args([
			"create",
			"--chain-name",
			chain.name,
			"--chain-id",
			&format!("medfed-{id}"),
			"-t",
			"local",
		])
		.args([
			"--relay-chain",
			relay,
			"--para-id",
			&chain.para_id.to_string(),
			"--raw-storage",
			"--runtime",
		])
		.arg(chain.wasm)
		.arg("patch")
		.arg(&patch_path)
		.status()
		.with_context(|| format!("running {}", node.display()))?;
	ensure!(status.success(), "chain-spec-builder failed for {id}");
	Ok(spec)
}
