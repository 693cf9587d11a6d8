//! End-to-end: the real collator in development mode, driven by the real `ehr` binary.
//!
//! Needs `MEDFED_NODE` (the `medfed-node` binary) and `MEDFED_RUNTIME_WASM` (the region
//! runtime's wasm), and for the coordinator's test `MEDFED_COORDINATOR_WASM`; `scripts/test.sh`
//! sets them when the node is built, and otherwise these tests say they are skipped. The
//! storage test also runs a real IPFS node (`ipfs/run.sh`, packages installed by
//! `scripts/lib.sh ensure_ipfs`).

mod common;

use common::{
	ehr, ehr_command_with_keystore, ehr_ok, ehr_with_keystore, ok_json, temp_dir, workspace,
};
use medfed_primitives::{envelope, umbral::dev, Cid};
use sha2::{Digest, Sha256};
use std::{
	fs::File,
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

/// Stops the node when the test ends, however it ends.
struct Node(Child);
impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.expect("binds")
		.local_addr()
		.expect("has an address")
		.port()
}

/// The para id the runtime's `development` preset gives the chain.
fn development_para_id(node: &Path, wasm: &Path) -> String {
	let out = Command::new(node)
		.args(["chain-spec-builder", "display-preset", "--preset-name", "development", "--runtime"])
		.arg(wasm)
		.output()
		.expect("chain-spec-builder runs");
	assert!(out.status.success(), "display-preset: {}", String::from_utf8_lossy(&out.stderr));
	let preset: serde_json::Value =
		serde_json::from_slice(&out.stdout).expect("the preset is JSON");
	preset["parachainInfo"]["parachainId"]
		.as_u64()
		.expect("the preset sets the para id")
		.to_string()
}

fn start_node(node: &Path, wasm: &Path, dir: &Path, extra: &[&str]) -> (Node, String) {
	let spec = dir.join("spec.json");
	let para_id = development_para_id(node, wasm);
	let status = Command::new(node)
		.args(["chain-spec-builder", "--chain-spec-path"])
		.arg(&spec)
		.args([
			"create",
			"-t",
			"local",
			"--relay-chain",
			"rococo-local",
			"--para-id",
			&para_id,
			"--runtime",
		])
		.arg(wasm)
		.args(["named-preset", "development"])
		.status()
		.expect("chain-spec-builder runs");
	assert!(status.success(), "chain spec built");
	let port = free_port();
	let log = File::create(dir.join("node.log")).expect("log file");
	let child = Command::new(node)
		.args(["--dev", "--dev-block-time", "1000", "--chain"])
		.arg(&spec)
		.arg("--base-path")
		.arg(dir.join("db"))
		.args(["--rpc-port", &port.to_string(), "--no-prometheus", "--no-telemetry"])
		.args(extra)
		.stdout(Stdio::null())
		.stderr(log)
		.spawn()
		.expect("node starts");
	let url = format!("ws://127.0.0.1:{port}");
	// Wait until the node answers; bounded, so a node that never comes up fails the test.
	let deadline = Instant::now() + Duration::from_secs(180);
	let node = Node(child);
	loop {
		// A region's or the coordinator's: the node answers once it has its runtime.
		if runtime_version(&url).is_some() {
			return (node, url);
		}
		assert!(
			Instant::now() < deadline,
			"the node did not answer within 180 s; see {}",
			dir.join("node.log").display()
		);
		std::thread::sleep(Duration::from_millis(500));
	}
}

fn account(dev_name: &str) -> String {
	let pair = match dev_name {
		"Alice" => subxt_signer::sr25519::dev::alice(),
		"Bob" => subxt_signer::sr25519::dev::bob(),
		"Charlie" => subxt_signer::sr25519::dev::charlie(),
		"Eve" => subxt_signer::sr25519::dev::eve(),
		"Ferdie" => subxt_signer::sr25519::dev::ferdie(),
		other => panic!("no dev account {other}"),
	};
	pair.public_key().to_account_id().to_string()
}

/// The node binary, the runtime wasm and a fresh directory for test `name`, or `None` (and a
/// line saying the test is skipped) when the node is not built.
fn setup(name: &str) -> Option<(PathBuf, PathBuf, PathBuf)> {
	let (Some(node), Some(wasm)) =
		(std::env::var_os("MEDFED_NODE"), std::env::var_os("MEDFED_RUNTIME_WASM"))
	else {
		eprintln!("SKIPPED: set MEDFED_NODE and MEDFED_RUNTIME_WASM (scripts/test.sh does when the node is built)");
		return None;
	};
	Some((node.into(), wasm.into(), temp_dir(&format!("e2e-{name}"))))
}

#[test]
fn register_and_read_back_records_through_the_real_node() {
	let Some((node, wasm, dir)) = setup("records") else { return };
	let (_node, url) = start_node(&node, &wasm, &dir, &[]);
	let (ferdie, charlie, eve) = (account("Ferdie"), account("Charlie"), account("Eve"));

	// The genesis institutions are there.
	let institutions = ehr_ok(&url, &["institution", "list"]);
	let names: Vec<&str> = institutions
		.as_array()
		.expect("a list")
		.iter()
		.filter_map(|i| i["name"].as_str())
		.collect();
	assert!(names.contains(&"Lakeside Family Clinic"), "{names:?}");

	// A patient publishes a key; a clinic registers a record of a real sealing.
	let patient = ehr_ok(&url, &["patient", "register", "--as", "//Ferdie", "--dev-key", "Ferdie"]);
	assert_eq!(
		patient["umbral_public_key"],
		format!("0x{}", hex::encode(dev::public_key("Ferdie").0))
	);
	let document = br#"{"resourceType":"Bundle","type":"collection","entry":[]}"#;
	let sealed =
		envelope::seal(&mut rand_core::OsRng, &dev::public_key("Ferdie"), document).expect("seals");
	let ciphertext = &sealed.ciphertext;
	let hash: [u8; 32] = Sha256::digest(ciphertext).into();
	let cid = Cid::raw_sha256(hash).to_text();
	let capsule = hex::encode(sealed.capsule.0);
	let wrapped_key = hex::encode(sealed.wrapped_key.0);
	let size = ciphertext.len().to_string();
	let register = |signer: &str, sha: &str| {
		ehr(
			&url,
			&[
				"record",
				"register",
				"--as",
				signer,
				"--patient",
				&ferdie,
				"--type",
				"Bundle",
				"--cid",
				&cid,
				"--sha256",
				sha,
				"--capsule",
				&capsule,
				"--wrapped-key",
				&wrapped_key,
				"--size",
				&size,
			],
		)
	};
	let out = register("//Charlie", &hex::encode(hash));
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
	let id = record["id"].as_u64().expect("an id");

	// Read back through the runtime API.
	let shown = ehr_ok(&url, &["record", "show", &id.to_string()]);
	assert_eq!(shown["cid"], cid.as_str());
	assert_eq!(shown["issuer"], charlie.as_str());
	assert_eq!(shown["patient"], ferdie.as_str());
	assert_eq!(shown["ciphertext_sha256"], hex::encode(hash));
	assert_eq!(shown["size"], ciphertext.len());
	let page = ehr_ok(&url, &["record", "list", "--patient", &ferdie]);
	assert_eq!(page["total"], 1);

	// The chain refuses a duplicate, and a non-member, each with its own explanation.
	let out = register("//Charlie", &hex::encode(hash));
	assert!(
		String::from_utf8_lossy(&out.stderr).contains("Records.DuplicateCiphertext"),
		"{out:?}"
	);
	let out = register("//Ferdie", &"11".repeat(32));
	assert!(String::from_utf8_lossy(&out.stderr).contains("Records.NotMember"), "{out:?}");

	// Admitting an institution takes a majority of the two authorities.
	let motion = ehr_ok(
		&url,
		&[
			"institution",
			"add",
			"--as",
			"//Alice",
			&eve,
			"--role",
			"hospital",
			"--name",
			"Eve's Hospital",
		],
	);
	assert_eq!(motion["executed"], false, "{motion}");
	let out = ehr(&url, &["institution", "show", &eve]);
	assert!(!out.status.success(), "not a member before the second vote");
	let done = second_vote(&url, &motion);
	assert_eq!(done["executed"], true, "{done}");
	let eve_info = ehr_ok(&url, &["institution", "show", &eve]);
	assert_eq!(
		(eve_info["role"].as_str(), eve_info["member"].as_bool()),
		(Some("hospital"), Some(true))
	);

	// Voiding a record also takes both authorities; it stays, marked.
	let motion = ehr_ok(&url, &["record", "void", "--as", "//Alice", &id.to_string()]);
	assert_eq!(motion["executed"], false, "{motion}");
	assert!(ehr_ok(&url, &["record", "show", &id.to_string()])["voided_at"].is_null());
	let done = second_vote(&url, &motion);
	assert_eq!(done["executed"], true, "{done}");
	let voided = ehr_ok(&url, &["record", "show", &id.to_string()]);
	assert!(voided["voided_at"].is_u64(), "{voided}");
	assert_eq!(ehr_ok(&url, &["record", "list", "--patient", &ferdie])["total"], 1);

	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_runtime_upgrade_takes_two_thirds_of_the_authorities_then_anyone_sends_the_code() {
	let Some((node, wasm, dir)) = setup("upgrade") else { return };
	let (_node, url) = start_node(&node, &wasm, &dir, &[]);
	// Two authorities: Alice's motion needs Bob's vote too.
	upgrade_by_motion(&url, &wasm, &dir, 2, &["//Bob"]);
	let institutions = ehr_ok(&url, &["institution", "list"]);
	assert!(institutions.as_array().is_some_and(|list| !list.is_empty()), "{institutions}");
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_coordinators_runtime_upgrade_and_a_new_region_take_two_thirds_of_the_federation_council() {
	let Some((node, _, dir)) = setup("coordinator-upgrade") else { return };
	let Some(wasm) = std::env::var_os("MEDFED_COORDINATOR_WASM").map(PathBuf::from) else {
		eprintln!(
			"SKIPPED: set MEDFED_COORDINATOR_WASM (scripts/test.sh does when the node is built)"
		);
		return;
	};
	let (_node, url) = start_node(&node, &wasm, &dir, &[]);
	// The development council is the two regions' four authorities: three must vote for it.
	upgrade_by_motion(&url, &wasm, &dir, 3, &["//Bob", "//Eve"]);
	let regions = ehr_ok(&url, &["directory", "regions"]);
	assert_eq!(regions.as_array().map(Vec::len), Some(2), "{regions}");

	// Any other call by motion: the council adds a third region (`Directory.add_region`, two
	// thirds). A call the chain does not have, or arguments that do not fit, cost nothing.
	let proposing = |args: &[&'static str]| {
		let mut all = vec!["proposal", "call", "--as", "//Alice"];
		all.extend(args);
		all
	};
	let refused =
		ehr(&url, &proposing(&["Directory", "add_regoin", "{ region: 2002, name: 0x43 }"]));
	assert!(!refused.status.success(), "{refused:?}");
	assert!(String::from_utf8_lossy(&refused.stderr).contains("not a call of this chain"));
	let refused =
		ehr(&url, &proposing(&["Directory", "add_region", "{ region: 0x43, name: 2002 }"]));
	assert!(!refused.status.success(), "{refused:?}");
	// "region-c", as bytes.
	let add = proposing(&["Directory", "add_region", "{ region: 2002, name: 0x726567696f6e2d63 }"]);
	let motion = ehr_ok(&url, &add);
	assert_eq!((&motion["executed"], &motion["threshold"]), (&false.into(), &3.into()), "{motion}");
	let again = ehr(&url, &add);
	assert!(String::from_utf8_lossy(&again.stderr).contains("is open already"), "{again:?}");
	let (hash, index) = (
		motion["motion"].as_str().expect("a hash"),
		motion["index"].as_u64().expect("an index").to_string(),
	);
	let vote = ehr_ok(&url, &["proposal", "vote", "--as", "//Bob", hash, &index]);
	assert_eq!(vote["executed"], false, "{vote}");
	assert_eq!(ehr_ok(&url, &["directory", "regions"]).as_array().map(Vec::len), Some(2));
	let vote = ehr_ok(&url, &["proposal", "vote", "--as", "//Eve", hash, &index]);
	assert_eq!(vote["executed"], true, "{vote}");
	let regions = ehr_ok(&url, &["directory", "regions"]);
	assert!(
		regions
			.as_array()
			.is_some_and(|r| r.len() == 3 && r.iter().any(|r| r["name"] == "region-c")),
		"{regions}"
	);
	let _ = std::fs::remove_dir_all(&dir);
}

/// Upgrades the chain at `url`, running `wasm`, to the same runtime declaring the next
/// `spec_version` with `ehr proposal upgrade`: checks what is refused before anything is
/// proposed, that Alice's motion needs `threshold` votes and authorizes nothing before the
/// `voters`' votes, that someone outside the collective (Charlie) then sends the code, and
/// that the chain runs it a few blocks later.
fn upgrade_by_motion(url: &str, wasm: &Path, dir: &Path, threshold: u32, voters: &[&str]) {
	let running = runtime_version(url).expect("the node answers");

	// The code the chain runs is refused before anything is proposed: an upgrade raises the
	// version. So is a file that is no runtime.
	let wasm_arg = wasm.to_str().expect("a UTF-8 path");
	let refused = |file: &str, reason: &str| {
		let out = ehr(url, &["proposal", "upgrade", "--as", "//Alice", file]);
		assert!(
			!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(reason),
			"{out:?}"
		);
	};
	refused(wasm_arg, "must raise it");
	let not_wasm = dir.join("bundle.json");
	std::fs::copy(workspace().join("examples/fhir-bundle.json"), &not_wasm).expect("copies");
	refused(not_wasm.to_str().expect("a UTF-8 path"), "is not a runtime");

	// The same runtime declaring the next spec_version: what a release's build would be.
	let next = running + 1;
	let upgraded = dir.join("upgraded.compact.compressed.wasm");
	std::fs::write(&upgraded, with_spec_version(wasm, next)).expect("writes");
	let upgraded_arg = upgraded.to_str().expect("a UTF-8 path");
	let code_hash = format!(
		"0x{}",
		hex::encode(sp_crypto_hashing::blake2_256(&std::fs::read(&upgraded).expect("reads")))
	);

	// Alice alone is not two thirds: a motion, nothing authorized.
	let motion = ehr_ok(url, &["proposal", "upgrade", "--as", "//Alice", upgraded_arg]);
	assert_eq!(
		(&motion["executed"], &motion["threshold"], &motion["code_hash"]),
		(&serde_json::json!(false), &serde_json::json!(threshold), &serde_json::json!(code_hash)),
		"{motion}"
	);
	let hash = motion["motion"].as_str().expect("a motion hash");
	let index = motion["index"].as_u64().expect("a motion index").to_string();
	// Asked again while the motion is open, it names the motion instead of proposing another.
	refused(upgraded_arg, &format!("motion {hash} (index {index})"));
	for (n, voter) in voters.iter().enumerate() {
		let vote = ehr_ok(url, &["proposal", "vote", "--as", voter, hash, &index]);
		let last = n + 1 == voters.len();
		assert_eq!(vote["executed"], last, "vote {} of {}: {vote}", n + 1, voters.len());
	}
	// Passed: anyone with the file sends the code, here Charlie, in no collective.
	let applied = ehr_ok(url, &["proposal", "upgrade", "--as", "//Charlie", upgraded_arg]);
	assert_eq!(
		(&applied["applied"], &applied["scheduled"], &applied["code_hash"]),
		(&serde_json::json!(true), &serde_json::json!(true), &serde_json::json!(code_hash)),
		"{applied}"
	);

	// The development node gives the go-ahead a relay chain would: the chain runs the new code
	// a few blocks later.
	let deadline = Instant::now() + Duration::from_secs(60);
	while runtime_version(url) != Some(next) {
		assert!(Instant::now() < deadline, "the upgrade was not enacted within 60 s");
		std::thread::sleep(Duration::from_millis(500));
	}
}

/// The `specVersion` of the runtime the node at `url` runs (`state_getRuntimeVersion`, which
/// reads the code's embedded version), or `None` while the node does not answer.
fn runtime_version(url: &str) -> Option<u32> {
	let body = r#"{"jsonrpc":"2.0","id":1,"method":"state_getRuntimeVersion","params":[]}"#;
	let out = Command::new("curl")
		.args(["-sf", "-X", "POST", "-H", "Content-Type: application/json", "-d", body])
		.arg(url.replace("ws://", "http://"))
		.output()
		.expect("curl runs");
	let answer: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
	answer["result"]["specVersion"].as_u64().map(|v| v as u32)
}

/// The runtime blob at `wasm` with its embedded `spec_version` set to `spec_version`,
/// compressed as the wasm builder compresses it.
fn with_spec_version(wasm: &Path, spec_version: u32) -> Vec<u8> {
	use medfed_client::runtime_code::{compress, decompress, set_spec_version};
	let mut module = decompress(&std::fs::read(wasm).expect("reads")).expect("a runtime");
	set_spec_version(&mut module, spec_version).expect("has a version");
	compress(&module).expect("compresses")
}

/// Bob's vote for the motion `motion` (what `ehr institution add` or `ehr record void` printed),
/// the second of region A's two authorities: what `ehr proposal vote` prints.
fn second_vote(url: &str, motion: &serde_json::Value) -> serde_json::Value {
	let hash = motion["motion"].as_str().expect("a motion hash");
	let index = motion["index"].as_u64().expect("a motion index").to_string();
	ehr_ok(url, &["proposal", "vote", "--as", "//Bob", hash, &index])
}

/// A local IPFS node (js-ipfs, Kubo RPC API), stopped when the test ends.
fn start_ipfs(dir: &Path) -> Option<(Node, String)> {
	let run = workspace().join("ipfs/run.sh");
	let home = std::env::var_os("MEDFED_IPFS_HOME").map(PathBuf::from).or_else(|| {
		std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/medfed/ipfs"))
	})?;
	if !home.join("node_modules/.bin/jsipfs").exists() {
		return None;
	}
	let (api, swarm) = (free_port(), free_port());
	let log = File::create(dir.join("ipfs.log")).expect("log file");
	let child = Command::new(run)
		.arg(dir.join("ipfs"))
		.args([api.to_string(), swarm.to_string()])
		.env("MEDFED_IPFS_HOME", &home)
		.stdout(log.try_clone().expect("log file"))
		.stderr(log)
		.spawn()
		.expect("the IPFS node starts");
	let node = Node(child);
	let url = format!("http://127.0.0.1:{api}");
	let deadline = Instant::now() + Duration::from_secs(120);
	while !curl(&format!("{url}/api/v0/id"), None) {
		assert!(
			Instant::now() < deadline,
			"IPFS did not answer within 120 s; see {}",
			dir.join("ipfs.log").display()
		);
		std::thread::sleep(Duration::from_millis(500));
	}
	Some((node, url))
}

/// POSTs `body` (JSON) to `url`; whether it answered with success.
fn curl(url: &str, body: Option<&str>) -> bool {
	let mut command = Command::new("curl");
	command.args(["-sf", "-X", "POST", url]);
	if let Some(body) = body {
		command.args(["-H", "Content-Type: application/json", "-d", body]);
	}
	command
		.stdout(Stdio::null())
		.stderr(Stdio::null())
		.status()
		.map(|s| s.success())
		.unwrap_or(false)
}

/// Points the node's pinning worker at the IPFS API `api` (node-local off-chain storage).
fn set_ipfs_api(rpc_ws: &str, api: &str) {
	let rpc = rpc_ws.replace("ws://", "http://");
	let body = format!(
		r#"{{"jsonrpc":"2.0","id":1,"method":"offchain_localStorageSet","params":["PERSISTENT","0x{}","0x{}"]}}"#,
		hex::encode("medfed::ipfs-api"),
		hex::encode(api)
	);
	assert!(curl(&rpc, Some(&body)), "offchain_localStorageSet failed");
}

/// Whether any file below `dir` contains `needle`.
fn tree_contains(dir: &Path, needle: &[u8]) -> bool {
	std::fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| {
		let path = entry.path();
		if path.is_dir() {
			tree_contains(&path, needle)
		} else {
			std::fs::read(&path)
				.map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
				.unwrap_or(false)
		}
	})
}

#[test]
fn upload_pin_fetch_through_real_ipfs_and_the_real_node() {
	let Some((node, wasm, dir)) = setup("storage") else { return };
	let Some((_ipfs, ipfs)) = start_ipfs(&dir) else {
		eprintln!("SKIPPED: no local IPFS node installed (scripts/test.sh installs it)");
		return;
	};
	let (_node, url) = start_node(&node, &wasm, &dir, &["--offchain-worker", "always"]);
	// The collator's IPFS is unreachable at first: pinning must wait, and lose nothing.
	set_ipfs_api(&url, &format!("http://127.0.0.1:{}", free_port()));

	let keystore = dir.join("keystore.json");
	let ehr_k = |args: &[&str]| ehr_with_keystore(&url, &ipfs, &keystore, args);
	let ok = |args: &[&str]| ok_json(&ehr_k(args), args);
	let patient = ok(&["keys", "new", "ferdie", "--kind", "patient", "--dev", "Ferdie"]);
	ok(&["keys", "new", "clinic", "--kind", "institution", "--dev", "Charlie"]);
	ok(&["patient", "register", "--key", "ferdie"]);

	// A FHIR bundle with a marker that must never appear outside the patient's hands.
	let marker = format!("MEDFED-PLAINTEXT-MARKER-{}", std::process::id());
	let bundle = format!(
		r#"{{"resourceType":"Bundle","type":"collection","entry":[{{"resource":{{"resourceType":"Observation","status":"final","note":[{{"text":"{marker}"}}]}}}}]}}"#
	);
	let file = dir.join("bundle.json");
	std::fs::write(&file, &bundle).expect("writes the bundle");
	let patient_account = patient["account"].as_str().expect("an account").to_owned();
	let uploaded = ok(&[
		"upload",
		"--key",
		"clinic",
		"--patient",
		&patient_account,
		file.to_str().expect("utf-8 path"),
	]);
	let id = uploaded["record"]["id"].as_u64().expect("a record id").to_string();
	let cid = uploaded["record"]["cid"].as_str().expect("a CID").to_owned();
	// One chunk, raw leaves: the CID is the SHA-256 of the ciphertext, as any CID tool says.
	let sha = uploaded["record"]["ciphertext_sha256"].as_str().expect("a hash");
	let expected = Cid::raw_sha256(hex::decode(sha).expect("hex").try_into().expect("32 bytes"));
	assert_eq!(cid, expected.to_text());

	// A record whose content no IPFS node has (any member can register one): it must hold up
	// no record after it.
	let lost = envelope::seal(&mut rand_core::OsRng, &dev::public_key("Ferdie"), b"never added")
		.expect("seals");
	let lost_hash = lost.hash();
	let unserved = ok(&[
		"record",
		"register",
		"--key",
		"clinic",
		"--patient",
		&patient_account,
		"--type",
		"Observation",
		"--cid",
		&Cid::raw_sha256(lost_hash).to_text(),
		"--sha256",
		&hex::encode(lost_hash),
		"--capsule",
		&hex::encode(lost.capsule.0),
		"--wrapped-key",
		&hex::encode(lost.wrapped_key.0),
		"--size",
		&lost.ciphertext.len().to_string(),
	]);
	let unserved = unserved["id"].as_u64().expect("a record id").to_string();

	// More records while the collator's IPFS is down: all stay pending, none is lost, and every
	// one is pinned once it is back.
	let mut ids = vec![id.clone()];
	for n in 0..2 {
		let small = dir.join(format!("observation-{n}.json"));
		std::fs::write(
			&small,
			format!(r#"{{"resourceType":"Observation","id":"e2e-{n}","status":"final"}}"#),
		)
		.expect("writes");
		let more = ok(&[
			"upload",
			"--key",
			"clinic",
			"--patient",
			&patient_account,
			small.to_str().expect("utf-8 path"),
		]);
		ids.push(more["record"]["id"].as_u64().expect("a record id").to_string());
	}
	let alice = account("Alice");
	let pinned_by_alice = |id: &str| {
		let pins = ok(&["record", "show", id])["pins"].clone();
		pins.as_array()
			.expect("pins")
			.iter()
			.any(|p| p["authority"] == alice.as_str() && p["pinned_at"].is_u64())
	};
	std::thread::sleep(Duration::from_secs(3));
	assert!(
		ids.iter().all(|id| !pinned_by_alice(id)),
		"nothing is pinned while IPFS is unreachable"
	);
	set_ipfs_api(&url, &ipfs);
	let deadline = Instant::now() + Duration::from_secs(150);
	while !ids.iter().all(|id| pinned_by_alice(id)) {
		assert!(
			Instant::now() < deadline,
			"Alice's collator did not pin {ids:?} within 150 s; see {}",
			dir.join("node.log").display()
		);
		std::thread::sleep(Duration::from_secs(1));
	}
	// The record nobody serves is reported, not pinned, and says so.
	let deadline = Instant::now() + Duration::from_secs(60);
	let alices = |id: &str| {
		let pins = ok(&["record", "show", id])["pins"].clone();
		pins.as_array()
			.expect("pins")
			.iter()
			.find(|p| p["authority"] == alice.as_str())
			.cloned()
			.expect("Alice's pin")
	};
	while alices(&unserved)["unpinnable"].is_null() {
		assert!(
			Instant::now() < deadline,
			"record {unserved} was not reported unpinnable; see {}",
			dir.join("node.log").display()
		);
		std::thread::sleep(Duration::from_secs(1));
	}
	assert_eq!(alices(&unserved)["unpinnable"]["reason"], "not-found");
	assert!(alices(&unserved)["pinned_at"].is_null());

	// The patient gets the bundle back, byte for byte; nobody else can.
	let out = dir.join("fetched.json");
	let fetched =
		ehr_k(&["fetch", "--key", "ferdie", &id, "-o", out.to_str().expect("utf-8 path")]);
	assert!(fetched.status.success(), "{}", String::from_utf8_lossy(&fetched.stderr));
	assert_eq!(std::fs::read(&out).expect("written"), bundle.as_bytes());
	let refused = ehr_k(&[
		"fetch",
		"--key",
		"clinic",
		&id,
		"-o",
		dir.join("nope.json").to_str().expect("utf-8 path"),
	]);
	assert!(!refused.status.success());
	assert!(String::from_utf8_lossy(&refused.stderr).contains("encrypted to its patient"));

	// A member that cannot pay the fee: the chain refuses the registration after the upload,
	// and the upload's pin is removed again, so nothing is left half-registered.
	let broke = ok(&["keys", "new", "broke-lab", "--kind", "institution"]);
	let broke = broke["account"].as_str().expect("an account").to_owned();
	let motion = ehr_ok(
		&url,
		&["institution", "add", "--as", "//Alice", &broke, "--role", "lab", "--name", "Broke Lab"],
	);
	second_vote(&url, &motion);
	let failed = ehr_k(&[
		"upload",
		"--key",
		"broke-lab",
		"--patient",
		&patient_account,
		file.to_str().expect("utf-8 path"),
	]);
	assert!(!failed.status.success());
	let why = String::from_utf8_lossy(&failed.stderr).into_owned();
	assert!(why.contains("nothing is half-registered"), "{why}");
	let orphan = why
		.split(|c: char| !c.is_ascii_alphanumeric())
		.find(|w| w.starts_with("bafk"))
		.expect("the message names the CID");
	assert!(!curl(&format!("{ipfs}/api/v0/pin/ls?arg={orphan}"), None), "{orphan} is still pinned");
	// The three uploads and the record nobody serves; not the refused one.
	assert_eq!(ok(&["record", "list", "--patient", &patient_account])["total"], 4);

	// The marker is nowhere but in the patient's files: not in what the chain shows, not in the
	// node's log, not in the IPFS repository.
	let shown = ok(&["record", "show", &id]).to_string();
	assert!(!shown.contains(&marker));
	assert!(!std::fs::read_to_string(dir.join("node.log"))
		.expect("node log")
		.contains(&marker));
	assert!(
		!tree_contains(&dir.join("ipfs"), marker.as_bytes()),
		"the marker is in the IPFS repository"
	);
	assert!(
		!tree_contains(&dir.join("db"), marker.as_bytes()),
		"the marker is in the chain database"
	);

	// Once the authorities void the record, not even its patient is served it.
	let motion = ehr_ok(&url, &["record", "void", "--as", "//Alice", &id]);
	second_vote(&url, &motion);
	let voided = ehr_k(&[
		"fetch",
		"--key",
		"ferdie",
		&id,
		"-o",
		dir.join("voided.json").to_str().expect("utf-8 path"),
	]);
	assert!(!voided.status.success());
	assert!(String::from_utf8_lossy(&voided.stderr).contains("voided"), "{voided:?}");

	let _ = std::fs::remove_dir_all(&dir);
}

/// A running `medfed-proxy`, stopped when dropped; its log in `dir/proxy-<name>.log`.
fn start_proxy(url: &str, dir: &Path, name: &str, authority: &str) -> Node {
	let log = File::create(dir.join(format!("proxy-{name}.log"))).expect("log file");
	let child = Command::new(env!("CARGO_BIN_EXE_medfed-proxy"))
		.args(["--url", url, "--authority", authority, "--as", &format!("//{name}//stash")])
		.stdout(Stdio::null())
		.stderr(log)
		.spawn()
		.expect("the proxy starts");
	Node(child)
}

/// Sharing end to end, on the real node with a real IPFS node and three real proxies (region
/// A's authorities Alice and Bob, and Eve admitted as a third): a patient grants a practitioner
/// 2 of 3 and the practitioner reads the record byte for byte; a grant of one resource type
/// opens no other; a stranger cannot request; an expired grant and a revoked one deny new
/// requests and no proxy issues anything for them; with one proxy stopped a request still
/// opens, with two it waits and completes once one returns, each proxy issuing once; the
/// patient's audit trail lists all of it; the document's marker is nowhere but in the hands of
/// the patient and the grantee.
#[test]
fn a_grant_opens_a_record_through_three_real_proxies() {
	let Some((node, wasm, dir)) = setup("sharing") else { return };
	let Some((_ipfs, ipfs)) = start_ipfs(&dir) else {
		eprintln!("SKIPPED: no local IPFS node installed (scripts/test.sh installs it)");
		return;
	};
	let (_node, url) = start_node(&node, &wasm, &dir, &[]);
	let keystore = dir.join("keystore.json");
	let ehr_k = |args: &[&str]| ehr_with_keystore(&url, &ipfs, &keystore, args);
	let ok = |args: &[&str]| ok_json(&ehr_k(args), args);
	let path = |name: &str| dir.join(name).to_str().expect("utf-8 path").to_owned();

	// A patient with two records of different types, and a practitioner with a published key.
	let patient = ok(&["keys", "new", "ferdie", "--kind", "patient", "--dev", "Ferdie"]);
	let patient = patient["account"].as_str().expect("an account").to_owned();
	ok(&["keys", "new", "clinic", "--kind", "institution", "--dev", "Charlie"]);
	let doctor = ok(&["keys", "new", "dave", "--kind", "practitioner", "--dev", "Dave"]);
	let doctor = doctor["account"].as_str().expect("an account").to_owned();
	ok(&["patient", "register", "--key", "ferdie"]);
	ok(&["keys", "publish", "--key", "dave"]);
	let marker = format!("MEDFED-SHARED-MARKER-{}", std::process::id());
	let observation = format!(
		r#"{{"resourceType":"Observation","status":"final","note":[{{"text":"{marker}"}}]}}"#
	);
	let condition = r#"{"resourceType":"Condition","clinicalStatus":{"text":"active"}}"#;
	std::fs::write(dir.join("observation.json"), &observation).expect("writes");
	std::fs::write(dir.join("condition.json"), condition).expect("writes");
	let upload = |file: &str| {
		let out = ok(&["upload", "--key", "clinic", "--patient", &patient, &path(file)]);
		out["record"]["id"].as_u64().expect("a record id")
	};
	let (obs, cond) = (upload("observation.json"), upload("condition.json"));

	// Eve becomes the third authority (a motion of Alice and Bob), with her proxy key.
	let eve = account("Eve");
	let motion = ehr_ok(
		&url,
		&[
			"institution",
			"add",
			"--as",
			"//Alice",
			&eve,
			"--role",
			"authority",
			"--name",
			"Eve's Health Board",
			"--proxy-key",
			&hex::encode(dev::public_key("Eve").0),
		],
	);
	assert_eq!(second_vote(&url, &motion)["executed"], true);
	// Each authority names its proxy's account, and runs its proxy.
	let mut proxies = Vec::new();
	for name in ["Alice", "Bob", "Eve"] {
		let stash = format!("//{name}//stash");
		let proxy_account =
			subxt_signer::sr25519::Keypair::from_uri(&stash.parse().expect("a secret URI"))
				.expect("a key")
				.public_key()
				.to_account_id()
				.to_string();
		ehr_ok(&url, &["proxy", "set-account", "--as", &format!("//{name}"), &proxy_account]);
		proxies.push(Some(start_proxy(&url, &dir, name, &account(name))));
	}

	// 2 of 3, every record: the practitioner reads the observation byte for byte.
	let grant = ok(&[
		"grant",
		"--key",
		"ferdie",
		"--to",
		&doctor,
		"--all",
		"--threshold",
		"2",
		"--expires-in",
		"10000",
	]);
	let all = grant["grant"]["id"].as_u64().expect("a grant id").to_string();
	assert_eq!(grant["grant"]["proxies"].as_array().map(|p| p.len()), Some(3), "{grant}");
	let read = |grant: &str, record: u64, out: &str| -> Output {
		let request = ok(&[
			"request",
			"--key",
			"dave",
			"--grant",
			grant,
			"--records",
			&record.to_string(),
			"--purpose",
			"referral",
		]);
		let id = request["id"].as_u64().expect("a request id").to_string();
		ehr_k(&["read", "--key", "dave", "--request", &id, "-o", &path(out), "--wait", "120"])
	};
	let out = read(&all, obs, "read-1.json");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	assert_eq!(std::fs::read(dir.join("read-1.json")).expect("written"), observation.as_bytes());

	// A cross-region query by the practitioner: a development region has no coordinator, so it
	// answers alone, at once, with the metadata of the two records the grant wraps.
	let asked = ok(&["query", "--key", "dave", "--patient", &patient, "--wait-seconds", "60"]);
	assert_eq!(
		(asked["state"].as_str(), asked["outcome"].as_str()),
		(Some("ended"), Some("answered")),
		"{asked}"
	);
	assert!(
		asked["explanation"]
			.as_str()
			.is_some_and(|e| e.starts_with("answered: 2 records")),
		"{asked}"
	);
	assert_eq!(asked["records"], 2, "{asked}");
	assert_eq!(asked["requester"], doctor.as_str(), "{asked}");
	assert_eq!(asked["deposit"], 100_000_000_000u64, "a tenth of a unit: {asked}");
	let region = asked["query"]["region"].as_u64().expect("the asking region");
	let answers = asked["answers"].as_array().expect("answers");
	assert_eq!(answers.len(), 1, "this region's answer only: {asked}");
	assert_eq!(
		(answers[0]["region"].as_u64(), answers[0]["here"].as_bool()),
		(Some(region), Some(true))
	);
	let mut named: Vec<(u64, String, String)> = answers[0]["records"]
		.as_array()
		.expect("records")
		.iter()
		.map(|r| {
			let grant = r["grant"].as_u64().expect("a grant").to_string();
			let kind = r["resource_type"].as_str().expect("a type").to_owned();
			(r["id"].as_u64().expect("an id"), grant, kind)
		})
		.collect();
	named.sort();
	assert_eq!(
		named,
		vec![
			(obs, all.clone(), "Observation".to_owned()),
			(cond, all.clone(), "Condition".to_owned())
		],
		"{asked}"
	);
	let nonce = asked["query"]["nonce"].as_u64().expect("a query number").to_string();
	assert_eq!(ok(&["query", "show", &nonce])["outcome"], "answered");
	// Only its requester dismisses it; then it is gone and its deposit released.
	let stranger = ehr_k(&["query", "dismiss", "--key", "ferdie", &nonce]);
	assert!(!stranger.status.success());
	assert!(
		String::from_utf8_lossy(&stranger.stderr).contains("only its requester dismisses it"),
		"{stranger:?}"
	);
	let dismissed = ok(&["query", "dismiss", "--key", "dave", &nonce]);
	assert_eq!(dismissed["released"], 100_000_000_000u64, "{dismissed}");
	assert!(
		!ehr_k(&["query", "show", &nonce]).status.success(),
		"a dismissed query is still shown"
	);
	// The patient's audit trail names the query, who asked it and what it was given.
	let audit = ok(&["audit", "--key", "ferdie"]);
	let served = audit["entries"]
		.as_array()
		.expect("entries")
		.iter()
		.find(|e| e["event"] == "query_served")
		.unwrap_or_else(|| panic!("no query in the audit trail: {audit}"));
	assert_eq!(
		served["query"]["nonce"].as_u64().map(|n| n.to_string()),
		Some(nonce.clone()),
		"{served}"
	);
	assert_eq!(
		(served["query"]["region"].as_u64(), served["region"].as_u64()),
		(Some(region), Some(region))
	);
	assert_eq!(
		(served["actor"].as_str(), served["records"].as_u64()),
		(Some(doctor.as_str()), Some(2))
	);

	// A grant of conditions opens the condition and not the observation.
	let conditions = ok(&[
		"grant",
		"--key",
		"ferdie",
		"--to",
		&doctor,
		"--types",
		"Condition",
		"--threshold",
		"2",
		"--expires-in",
		"10000",
	]);
	let conditions = conditions["grant"]["id"].as_u64().expect("a grant id").to_string();
	let denied = ehr_k(&[
		"request",
		"--key",
		"dave",
		"--grant",
		&conditions,
		"--records",
		&obs.to_string(),
		"--purpose",
		"referral",
	]);
	assert!(!denied.status.success(), "an out-of-scope request was not denied");
	assert!(String::from_utf8_lossy(&denied.stdout).contains("out-of-scope"), "{denied:?}");
	let out = read(&conditions, cond, "read-2.json");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	assert_eq!(std::fs::read(dir.join("read-2.json")).expect("written"), condition.as_bytes());

	// A stranger cannot request under the practitioner's grant.
	let stranger = ehr(
		&url,
		&[
			"request",
			"--as",
			"//Two",
			"--grant",
			&all,
			"--records",
			&obs.to_string(),
			"--purpose",
			"curious",
		],
	);
	assert!(!stranger.status.success());
	// `ehr` refuses before sending (the chain's `Access.NotGrantee` is a pallet test).
	assert!(
		String::from_utf8_lossy(&stranger.stderr).contains("only its grantee requests under it"),
		"{stranger:?}"
	);

	// An expired grant opens nothing. (`--expires-in` counts from the best block before the
	// grant is sent: a margin of blocks for its inclusion, then wait until it has expired.)
	let short = ok(&[
		"grant",
		"--key",
		"ferdie",
		"--to",
		&doctor,
		"--all",
		"--threshold",
		"2",
		"--expires-in",
		"10",
	]);
	let short = short["grant"]["id"].as_u64().expect("a grant id").to_string();
	let deadline = Instant::now() + Duration::from_secs(60);
	while ok(&["grants", "--patient", &patient])["as_patient"]
		.as_array()
		.expect("grants")
		.iter()
		.any(|g| {
			g["id"].as_u64().map(|id| id.to_string()) == Some(short.clone()) && g["state"] == "live"
		}) {
		assert!(Instant::now() < deadline, "the short grant did not expire");
		std::thread::sleep(Duration::from_millis(500));
	}
	let expired = ehr_k(&[
		"request",
		"--key",
		"dave",
		"--grant",
		&short,
		"--records",
		&obs.to_string(),
		"--purpose",
		"late",
	]);
	assert!(!expired.status.success());
	assert!(String::from_utf8_lossy(&expired.stdout).contains("expired"), "{expired:?}");

	// One proxy stopped: 2 of 3 still opens.
	proxies[0] = None;
	let out = read(&all, cond, "read-3.json");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	// Two stopped: the request waits; with Bob's proxy back it completes, and each proxy has
	// issued one fragment for it.
	proxies[1] = None;
	let waiting = ok(&[
		"request",
		"--key",
		"dave",
		"--grant",
		&all,
		"--records",
		&obs.to_string(),
		"--purpose",
		"follow-up",
	]);
	let waiting = waiting["id"].as_u64().expect("a request id").to_string();
	let early = ehr_k(&[
		"read",
		"--key",
		"dave",
		"--request",
		&waiting,
		"-o",
		&path("early.json"),
		"--wait",
		"5",
	]);
	assert!(!early.status.success(), "a request with one proxy up was fulfilled");
	proxies[1] = Some(start_proxy(&url, &dir, "Bob", &account("Bob")));
	let out = ehr_k(&[
		"read",
		"--key",
		"dave",
		"--request",
		&waiting,
		"-o",
		&path("read-4.json"),
		"--wait",
		"120",
	]);
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	assert_eq!(std::fs::read(dir.join("read-4.json")).expect("written"), observation.as_bytes());

	// A wrong capsule fragment among the first two (Eve's proxy account sends bytes that are no
	// fragment, and only Bob's proxy runs): the chain cannot check fragments, so it takes the
	// request as fulfilled; `ehr read` waits for the grant's other proxies, and once Alice's
	// answers the record opens with the two good ones; `ehr read` names the bad one and the
	// complaint to make, and the chain upholds it.
	proxies[2] = None;
	let wronged = ok(&[
		"request",
		"--key",
		"dave",
		"--grant",
		&all,
		"--records",
		&obs.to_string(),
		"--purpose",
		"second opinion",
	]);
	let wronged = wronged["id"].as_u64().expect("a request id");
	let runtime = tokio::runtime::Runtime::new().expect("a runtime");
	runtime.block_on(async {
		let chain = medfed_client::chain::Chain::connect(&url, Duration::from_secs(60))
			.await
			.expect("connects");
		let eve_proxy = medfed_client::chain::keypair("//Eve//stash").expect("a key");
		let garbage = vec![7u8; 381];
		chain
			.submit(
				medfed_client::chain::calls::submit_fragments(wronged, &[(obs, garbage)]),
				&eve_proxy,
			)
			.await
			.expect("the chain takes a fragment of the right size from a proxy of the grant");
	});
	runtime.block_on(async {
		let chain = medfed_client::chain::Chain::connect(&url, Duration::from_secs(60))
			.await
			.expect("connects");
		let until = Instant::now() + Duration::from_secs(120);
		while !matches!(
			chain.request(wronged).await.expect("reads").expect("the request").state,
			medfed_client::chain::access::RequestState::Fulfilled { .. }
		) {
			assert!(
				Instant::now() < until,
				"Bob's fragment and Eve's did not fulfil request {wronged}"
			);
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	});
	let wronged = wronged.to_string();
	let read_5 = path("read-5.json");
	let args = ["read", "--key", "dave", "--request", &wronged, "-o", &read_5, "--wait", "120"];
	let mut reading = ehr_command_with_keystore(&url, &ipfs, &keystore, &args)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("ehr runs");
	let stderr = reading.stderr.take().expect("piped");
	let (waits, waiting_seen) = std::sync::mpsc::channel();
	let said = std::thread::spawn(move || {
		use std::io::BufRead;
		let mut said = String::new();
		for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
			if line.contains("waiting for the grant's other proxies") {
				let _ = waits.send(());
			}
			said.push_str(&line);
			said.push('\n');
		}
		said
	});
	if waiting_seen.recv_timeout(Duration::from_secs(120)).is_err() {
		let _ = reading.kill();
		panic!("ehr read did not wait for the other proxies: {}", said.join().expect("stderr"));
	}
	proxies[0] = Some(start_proxy(&url, &dir, "Alice", &account("Alice")));
	let out = reading.wait_with_output().expect("ehr runs");
	let said = said.join().expect("stderr");
	assert!(out.status.success(), "ehr {args:?} failed: {said}");
	let opened: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ehr prints JSON");
	assert_eq!(std::fs::read(dir.join("read-5.json")).expect("written"), observation.as_bytes());
	let bad = &opened["bad_fragments"];
	assert_eq!(bad.as_array().map(Vec::len), Some(1), "{opened}");
	assert_eq!(bad[0]["proxy"], eve, "{opened}");
	let complaint = bad[0]["complain"].as_str().expect("a complaint command").to_owned();
	let complaint: Vec<&str> = complaint.split_whitespace().skip(1).collect();
	let upheld = ok(&complaint);
	assert_eq!(
		upheld["request"].as_u64().map(|r| r.to_string()),
		Some(wronged.clone()),
		"{upheld}"
	);
	assert_eq!(upheld["reopened"], false, "two good fragments remain: {upheld}");
	// Complaining again finds nothing left to check.
	assert!(!ehr_k(&complaint).status.success(), "the fragment was complained about twice");
	proxies[2] = Some(start_proxy(&url, &dir, "Eve", &account("Eve")));

	// Revoked: a new request is denied, and no proxy issues a fragment for it.
	let revoked = ok(&["revoke", "--key", "ferdie", &all]);
	assert_eq!(revoked["grant"].as_u64().map(|g| g.to_string()), Some(all.clone()), "{revoked}");
	let after = ehr_k(&[
		"request",
		"--key",
		"dave",
		"--grant",
		&all,
		"--records",
		&obs.to_string(),
		"--purpose",
		"after revocation",
	]);
	assert!(!after.status.success());
	assert!(String::from_utf8_lossy(&after.stdout).contains("revoked"), "{after:?}");

	// The patient's audit trail has every step.
	let audit = ok(&["audit", "--key", "ferdie"]);
	let events: Vec<&str> = audit["entries"]
		.as_array()
		.expect("entries")
		.iter()
		.filter_map(|e| e["event"].as_str())
		.collect();
	for expected in [
		"granted",
		"requested",
		"fragments_issued",
		"fulfilled",
		"denied",
		"revoked",
		"complaint_upheld",
	] {
		assert!(events.contains(&expected), "no {expected} in the audit trail: {events:?}");
	}
	let issued = events.iter().filter(|e| **e == "fragments_issued").count();
	// Five fulfilled requests of one record, two fragments each at least, at most three.
	assert!((10..=15).contains(&issued), "{issued} fragment issues: {events:?}");

	// The marker is nowhere but in the patient's and the grantee's files.
	drop(proxies);
	for log in ["node.log", "proxy-Alice.log", "proxy-Bob.log", "proxy-Eve.log"] {
		let text = std::fs::read(dir.join(log)).unwrap_or_default();
		assert!(!text.windows(marker.len()).any(|w| w == marker.as_bytes()), "{log}");
	}
	assert!(!tree_contains(&dir.join("db"), marker.as_bytes()), "the marker is in the chain");
	assert!(!tree_contains(&dir.join("ipfs"), marker.as_bytes()), "the marker is on IPFS");
	let _ = std::fs::remove_dir_all(&dir);
}
