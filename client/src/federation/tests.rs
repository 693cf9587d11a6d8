//! The shipped federation description, a third region added to it, and what [`Federation::check`]
//! refuses.

use super::*;

/// `zombienet/federation.toml`, as the repository ships it.
pub(super) const SHIPPED: &str = include_str!("../../../zombienet/federation.toml");

/// A third region, as a consortium would add it: text appended to the shipped file.
pub(super) const THIRD_REGION: &str = r#"
[[regions]]
id = "region-c"
name = "Northern Health Alliance"
para_id = 2002
ipfs_api_port = 5003
ipfs_swarm_port = 4103
institutions = [
	{ account = "//Charlie", role = "authority", name = "Northern General", collator = "charlie" },
	{ account = "//Dave", role = "authority", name = "Fjord Health Board", collator = "dave" },
]
"#;

pub(super) fn parse(text: &str) -> Federation {
	toml::from_str(text).expect("a valid federation")
}

/// A chain spec path for every parachain of `federation`, for what does not read them.
pub(super) fn placeholder_specs(federation: &Federation) -> BTreeMap<u32, PathBuf> {
	federation
		.para_ids()
		.map(|id| (id, PathBuf::from(format!("/specs/{id}.json"))))
		.collect()
}

/// `zombienet.toml` (parsed back) and `endpoints.tsv` of `federation`.
pub(super) fn render(federation: &Federation) -> (toml::Table, String) {
	let net = zombienet::Network::new(
		federation,
		Path::new("/bin/medfed-node"),
		(Path::new("/bin/polkadot"), Path::new("/relay/rococo-local.json")),
		&placeholder_specs(federation),
	)
	.and_then(|network| network.to_toml(Path::new("federation.toml"), &federation.name))
	.expect("renders");
	(toml::from_str(&net).expect("zombienet.toml is TOML"), ports::endpoints_tsv(federation))
}

fn channel_set(federation: &Federation) -> BTreeSet<(u32, u32)> {
	channels::pairs(federation).into_iter().collect()
}

#[test]
fn the_shipped_federation_is_valid() {
	let federation = parse(SHIPPED);
	federation.check().expect("valid");
	let (net, endpoints) = render(&federation);
	let paras: Vec<i64> = net["parachains"]
		.as_array()
		.expect("parachains")
		.iter()
		.map(|p| p["id"].as_integer().expect("id"))
		.collect();
	assert_eq!(paras, vec![1000, 2000, 2001]);
	assert_eq!(
		channel_set(&federation),
		BTreeSet::from([
			(2000, 1000),
			(1000, 2000),
			(2001, 1000),
			(1000, 2001),
			(2000, 2001),
			(2001, 2000)
		])
	);
	// Opened on the running relay chain, not in its genesis (see `channels::open`).
	assert!(!net.contains_key("hrmp_channels"));
	assert_eq!(net["relaychain"]["nodes"].as_array().expect("validators").len(), 3);
	// The relay chain runs from the spec file: the node has no runtime built in.
	assert_eq!(net["relaychain"]["chain_spec_path"].as_str(), Some("/relay/rococo-local.json"));
	for para in net["parachains"].as_array().expect("parachains") {
		assert_eq!(para["collators"].as_array().expect("collators").len(), 2);
	}
	assert!(endpoints.contains("region-a\tipfs\t5001\t4101\n"));
	assert!(endpoints.contains("coordinator\tcoord-alice\t9910\n"));
}

#[test]
fn a_third_region_is_an_edit_to_the_file() {
	let federation = parse(&format!("{SHIPPED}{THIRD_REGION}"));
	federation.check().expect("valid");
	let (net, endpoints) = render(&federation);
	let channels = channel_set(&federation);
	assert!(channels.contains(&(2002, 1000)) && channels.contains(&(1000, 2002)));
	// Every region also has a channel to and from each other region: 3 × 2 + 3 × 2.
	assert!(channels.contains(&(2002, 2000)) && channels.contains(&(2001, 2002)));
	assert_eq!(channels.len(), 12);
	// No parachain needs more channels each way than the relay chain allows.
	let allowed = channels::per_parachain(&federation) as usize;
	for para in [1000, 2000, 2001, 2002] {
		assert!(channels.iter().filter(|(from, _)| *from == para).count() <= allowed);
		assert!(channels.iter().filter(|(_, to)| *to == para).count() <= allowed);
	}
	let third = &net["parachains"].as_array().expect("parachains")[3];
	assert_eq!(third["id"].as_integer(), Some(2002));
	assert_eq!(third["chain_spec_path"].as_str(), Some("/specs/2002.json"));
	assert!(endpoints.contains("region-c\tcharlie\t9940\n"));
	assert!(endpoints.contains("region-c\tipfs\t5003\t4103\n"));

	// The coordinator's directory knows the new region from genesis on.
	let patch = genesis::coordinator_patch(&federation).expect("patch");
	let regions = patch["directory"]["regions"].as_array().expect("regions");
	assert_eq!(regions.len(), 3);
	assert_eq!(regions[2][0], 2002);
	let patch = genesis::region_patch(&federation.regions[2], 1000).expect("patch");
	assert_eq!(patch["parachainInfo"]["parachainId"], 2002);
	assert_eq!(patch["federation"]["coordinator"], 1000);
	assert_eq!(patch["collatorSelection"]["invulnerables"].as_array().expect("list").len(), 2);
}

#[test]
fn no_chain_has_a_sudo_key_and_every_regions_authorities_govern_the_coordinator() {
	let federation = parse(&format!("{SHIPPED}{THIRD_REGION}"));
	let coordinator = genesis::coordinator_patch(&federation).expect("patch");
	assert!(coordinator.get("sudo").is_none());
	for region in &federation.regions {
		let patch = genesis::region_patch(region, 1000).expect("patch");
		assert!(patch.get("sudo").is_none(), "{} has a sudo key", region.id);
	}
	// Two authorities in each of three regions: six council members, each endowed.
	let council: Vec<&str> = coordinator["federationCouncil"]["members"]
		.as_array()
		.expect("members")
		.iter()
		.map(|m| m.as_str().expect("an address"))
		.collect();
	assert_eq!(council.len(), 6);
	let endowed = coordinator["balances"]["balances"].to_string();
	assert!(council.iter().all(|member| endowed.contains(member)));
	let charlie = super::account("//Charlie").expect("an account").to_string();
	assert!(council.contains(&charlie.as_str()), "region C's authority is in the council");
	// Nor does a federation file name one: the old field is refused, not ignored.
	let old = SHIPPED.replace("para_id = 1000\n", "para_id = 1000\nsudo = \"//Alice\"\n");
	let error = toml::from_str::<Federation>(&old).err().expect("refused").to_string();
	assert!(error.contains("unknown field `sudo`"), "{error}");
}

fn refused(text: &str, expected: &str) {
	let error = parse(text).check().expect_err("refused").to_string();
	assert!(error.contains(expected), "{error:?} does not say {expected:?}");
}

#[test]
fn a_region_with_one_authority_is_refused() {
	let one = SHIPPED.replace(
		r#"{ account = "//Bob", role = "authority","#,
		r#"{ account = "//Bob", role = "hospital","#,
	);
	let one = one.replace(r#", collator = "bob", proxy = "//Bob//stash""#, "");
	refused(&one, "region-a: 1 authority institution(s); a region needs at least 2");
}

#[test]
fn a_para_id_used_twice_is_refused() {
	refused(
		&format!("{SHIPPED}{}", THIRD_REGION.replace("2002", "2001")),
		"para id 2001 is used twice",
	);
}

#[test]
fn a_relay_chain_name_zombienet_cannot_use_is_refused() {
	refused(
		&SHIPPED.replace("chain = \"rococo-local\"", "chain = \"rococo_local\""),
		"relay chain name \"rococo_local\"",
	);
}

#[test]
fn regions_sharing_an_ipfs_port_are_refused() {
	refused(
		&format!(
			"{SHIPPED}{}",
			THIRD_REGION.replace("ipfs_api_port = 5003", "ipfs_api_port = 5002")
		),
		"region-c's IPFS API port 5002 is also region-b's IPFS API port",
	);
	refused(
		&format!(
			"{SHIPPED}{}",
			THIRD_REGION.replace("ipfs_swarm_port = 4103", "ipfs_swarm_port = 5001")
		),
		"region-c's IPFS swarm port 5001 is also region-a's IPFS API port",
	);
}

#[test]
fn a_node_name_used_twice_is_refused() {
	refused(
		&format!("{SHIPPED}{}", THIRD_REGION.replace("\"charlie\"", "\"alice\"")),
		"node name alice is used twice",
	);
}

#[test]
fn a_collator_that_is_not_an_authority_is_refused() {
	refused(
		&format!(
			"{SHIPPED}{}",
			THIRD_REGION.replace(
				"role = \"authority\", name = \"Fjord",
				"role = \"clinic\", name = \"Fjord"
			)
		),
		"collates but is not an authority",
	);
}

#[test]
fn a_proxy_account_of_an_institution_that_is_not_an_authority_is_refused() {
	refused(
		&SHIPPED.replace(
			"name = \"Lakeside Family Clinic\" }",
			"name = \"Lakeside Family Clinic\", proxy = \"//Charlie//stash\" }",
		),
		"Lakeside Family Clinic names a proxy account but is not an authority",
	);
	refused(
		&SHIPPED.replace("proxy = \"//Bob//stash\"", "proxy = \"bob's proxy\""),
		"Alpine Regional Health Authority: proxy account",
	);
}

#[test]
fn the_authorities_proxy_accounts_are_endowed_and_listed() {
	let federation = parse(SHIPPED);
	let region = &federation.regions[0];
	assert_eq!(
		region.proxies().collect::<Vec<_>>(),
		[("//Alice", "//Alice//stash"), ("//Bob", "//Bob//stash")]
	);
	let patch = genesis::region_patch(region, 1000).expect("patch");
	let endowed: Vec<String> = patch["balances"]["balances"]
		.as_array()
		.expect("balances")
		.iter()
		.map(|entry| entry[0].as_str().expect("an account").to_owned())
		.collect();
	for (_, proxy) in region.proxies() {
		let proxy = account(proxy).expect("an account").to_string();
		assert!(endowed.contains(&proxy), "{proxy} is not endowed");
	}
}

#[test]
fn a_coordinator_collator_from_outside_the_regions_is_refused() {
	refused(
		&SHIPPED.replace("institution = \"//Eve\"", "institution = \"//Ferdie//stash\""),
		"is not an authority institution of any region",
	);
}

#[test]
fn an_unknown_field_is_refused() {
	let text = SHIPPED.replace("ipfs_api_port = 5001", "ipfs_api_port = 5001\nipfs_port = 1");
	let error = toml::from_str::<Federation>(&text).err().expect("refused").to_string();
	assert!(error.contains("unknown field `ipfs_port`"), "{error}");
}

/// A stand-in for `medfed-node chain-spec-builder`: writes its arguments, one a line, as the
/// chain spec.
const STAND_IN_NODE: &str = r#"#!/bin/sh
while [ $# -gt 0 ]; do
	[ "$1" = --chain-spec-path ] && spec="$2"
	args="$args$1
"
	shift
done
printf %s "$args" >"$spec"
"#;

#[test]
fn generate_writes_the_chain_specs_the_network_and_the_endpoints() {
	use std::os::unix::fs::PermissionsExt;
	let dir = tempfile::tempdir().expect("a scratch directory");
	let tool = |name: &str, text: &str| {
		let path = dir.path().join(name);
		std::fs::write(&path, text).expect("written");
		path
	};
	let source = tool("federation.toml", SHIPPED);
	let tools = Tools {
		node: tool("medfed-node", STAND_IN_NODE),
		relay: tool("polkadot", ""),
		relay_spec: tool("rococo-local.json", "{}"),
		region_wasm: dir.path().join("region.wasm"),
		coordinator_wasm: dir.path().join("coordinator.wasm"),
	};
	std::fs::set_permissions(&tools.node, std::fs::Permissions::from_mode(0o755)).expect("chmod");
	let out = dir.path().join("out");
	let written = generate(&source, &tools, &out).expect("generates");
	assert_eq!(written, out.join("zombienet.toml"));
	let federation = parse(SHIPPED);

	// Each chain's genesis patch, and its chain spec built from it.
	let region_a = std::fs::read_to_string(out.join("region-a.patch.json")).expect("patch");
	let patch = genesis::region_patch(&federation.regions[0], 1000).expect("patch");
	assert_eq!(region_a, serde_json::to_string_pretty(&patch).expect("JSON"));
	let builder = std::fs::read_to_string(out.join("region-a.json")).expect("chain spec");
	let builder: Vec<&str> = builder.lines().collect();
	for pair in [
		["--chain-id", "medfed-region-a"],
		["--relay-chain", "rococo-local"],
		["--para-id", "2000"],
		["--runtime", &tools.region_wasm.to_string_lossy()],
	] {
		assert!(builder.windows(2).any(|w| w == pair), "{pair:?} not in {builder:?}");
	}
	assert!(out.join("coordinator.patch.json").exists() && out.join("coordinator.json").exists());

	// The network, read back as zombienet reads it.
	let net: toml::Value =
		toml::from_str(&std::fs::read_to_string(&written).expect("zombienet.toml")).expect("TOML");
	let canonical = |path: &Path| std::fs::canonicalize(path).expect("exists");
	let relay = &net["relaychain"];
	assert_eq!(
		relay["default_command"].as_str(),
		Some(&*canonical(&tools.relay).to_string_lossy())
	);
	assert_eq!(relay["chain"].as_str(), Some("rococo-local"));
	assert_eq!(net["settings"]["provider"].as_str(), Some("native"));
	let nodes = relay["nodes"].as_array().expect("validators");
	assert_eq!(nodes[2]["name"].as_str(), Some("relay-gamma"));
	assert_eq!(nodes[2]["rpc_port"].as_integer(), Some(ports::relay_rpc_port(2).into()));
	assert_eq!(nodes[2]["validator"].as_bool(), Some(true));
	// The relay chain allows the coordinator a channel to and from every region.
	let config = &relay["genesis"]["runtimeGenesis"]["patch"]["configuration"]["config"];
	let outbound = channels::pairs(&federation).iter().filter(|(from, _)| *from == 1000).count();
	let allowed = config["hrmp_max_parachain_outbound_channels"].as_integer().expect("limit");
	assert!(outbound as i64 <= allowed && allowed == 4, "{outbound} channels, {allowed} allowed");
	assert_eq!(config["async_backing_params"]["max_candidate_depth"].as_integer(), Some(3));
	assert!(net.get("hrmp_channels").is_none());

	let parachains = net["parachains"].as_array().expect("parachains");
	let ids: Vec<_> = parachains.iter().map(|p| p["id"].as_integer().expect("id")).collect();
	assert_eq!(ids, [1000, 2000, 2001]);
	let region_a = &parachains[1];
	assert_eq!(
		region_a["chain_spec_path"].as_str(),
		Some(&*out.join("region-a.json").to_string_lossy())
	);
	let bob = &region_a["collators"][1];
	assert_eq!(bob["name"].as_str(), Some("bob"));
	assert_eq!(bob["rpc_port"].as_integer(), Some(ports::region_rpc_port(0, 1).into()));
	assert_eq!(bob["command"].as_str(), Some(&*canonical(&tools.node).to_string_lossy()));
	assert_eq!(bob["keystore_key_types"], toml::Value::from(vec!["aura", "pin_"]));
	assert_eq!(bob["args"][0].as_str(), Some("--offchain-worker=always"));
	let coord_eve = &parachains[0]["collators"][1];
	assert_eq!(coord_eve["rpc_port"].as_integer(), Some(ports::coordinator_rpc_port(1).into()));
	assert_eq!(coord_eve["keystore_key_types"], toml::Value::from(vec!["aura"]));

	let endpoints = std::fs::read_to_string(out.join("endpoints.tsv")).expect("endpoints.tsv");
	assert_eq!(endpoints, ports::endpoints_tsv(&federation));
}
