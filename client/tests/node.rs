//! End-to-end: the real collator in development mode, driven by the real `ehr` binary.
//!
//! Needs `MEDFED_NODE` (the `medfed-node` binary) and `MEDFED_RUNTIME_WASM` (the region
//! runtime's wasm); `scripts/test.sh` sets both when the node is built, and otherwise this test
//! says it is skipped.

use medfed_primitives::{cid, umbral::dev, Capsule, Cid};
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

fn ehr(url: &str, args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_ehr"))
		.arg("--url")
		.arg(url)
		.arg("--json")
		.args(args)
		.output()
		.expect("ehr runs")
}

fn ehr_ok(url: &str, args: &[&str]) -> serde_json::Value {
	let out = ehr(url, args);
	assert!(
		out.status.success(),
		"ehr {args:?} failed: {}",
		String::from_utf8_lossy(&out.stderr)
	);
	serde_json::from_slice(&out.stdout).expect("ehr prints JSON")
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").expect("binds").local_addr().expect("has an address").port()
}

fn start_node(node: &Path, wasm: &Path, dir: &Path) -> (Node, String) {
	let spec = dir.join("spec.json");
	let status = Command::new(node)
		.args(["chain-spec-builder", "--chain-spec-path"])
		.arg(&spec)
		.args(["create", "-t", "local", "--relay-chain", "rococo-local", "--para-id", "2000", "--runtime"])
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
		.stdout(Stdio::null())
		.stderr(log)
		.spawn()
		.expect("node starts");
	let url = format!("ws://127.0.0.1:{port}");
	// Wait until the node answers; bounded, so a node that never comes up fails the test.
	let deadline = Instant::now() + Duration::from_secs(180);
	let node = Node(child);
	loop {
		if ehr(&url, &["institution", "list"]).status.success() {
			return (node, url);
		}
		assert!(Instant::now() < deadline, "the node did not answer within 180 s; see {}", dir.join("node.log").display());
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

#[test]
fn register_and_read_back_records_through_the_real_node() {
	let (Some(node), Some(wasm)) = (std::env::var_os("MEDFED_NODE"), std::env::var_os("MEDFED_RUNTIME_WASM")) else {
		eprintln!("SKIPPED: set MEDFED_NODE and MEDFED_RUNTIME_WASM (scripts/test.sh does when the node is built)");
		return;
	};
	let dir = std::env::temp_dir().join(format!("medfed-e2e-{}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("temp dir");
	let (_node, url) = start_node(&PathBuf::from(node), &PathBuf::from(wasm), &dir);
	let (ferdie, charlie, eve) = (account("Ferdie"), account("Charlie"), account("Eve"));

	// The genesis institutions are there.
	let institutions = ehr_ok(&url, &["institution", "list"]);
	let names: Vec<&str> = institutions.as_array().expect("a list").iter().filter_map(|i| i["name"].as_str()).collect();
	assert!(names.contains(&"Lakeside Family Clinic"), "{names:?}");

	// A patient publishes a key; a clinic registers a record of a real Umbral encryption.
	let patient = ehr_ok(&url, &["patient", "register", "--as", "//Ferdie", "--dev-key", "Ferdie"]);
	assert_eq!(patient["umbral_public_key"], format!("0x{}", hex::encode(dev::public_key("Ferdie").0)));
	let document = br#"{"resourceType":"Bundle","type":"collection","entry":[]}"#;
	let (capsule, ciphertext) =
		umbral_pre::encrypt(&dev::public_key("Ferdie").to_umbral().expect("valid key"), document).expect("encrypts");
	let hash: [u8; 32] = Sha256::digest(&ciphertext).into();
	let cid = Cid {
		version: cid::CidVersion::V1,
		codec: cid::Codec::Raw,
		hash: cid::HashAlg::Sha2_256,
		digest: hash.to_vec().try_into().expect("32 bytes fit"),
	}
	.to_text();
	let capsule = hex::encode(Capsule::from_umbral(&capsule).0);
	let size = ciphertext.len().to_string();
	let register = |signer: &str, sha: &str| {
		ehr(&url, &[
			"record", "register", "--as", signer, "--patient", &ferdie, "--type", "Bundle", "--cid", &cid,
			"--sha256", sha, "--capsule", &capsule, "--size", &size,
		])
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
	assert!(String::from_utf8_lossy(&out.stderr).contains("Records.DuplicateCiphertext"), "{out:?}");
	let out = register("//Ferdie", &"11".repeat(32));
	assert!(String::from_utf8_lossy(&out.stderr).contains("Records.NotMember"), "{out:?}");

	// Admitting an institution takes a majority of the two authorities.
	let motion = ehr_ok(&url, &["institution", "add", "--as", "//Alice", &eve, "--role", "hospital", "--name", "Eve's Hospital"]);
	assert_eq!(motion["executed"], false, "{motion}");
	let hash = motion["motion"].as_str().expect("a motion hash").to_owned();
	let index = motion["index"].as_u64().expect("a motion index").to_string();
	let out = ehr(&url, &["institution", "show", &eve]);
	assert!(!out.status.success(), "not a member before the second vote");
	let done = ehr_ok(&url, &["proposal", "vote", "--as", "//Bob", &hash, &index]);
	assert_eq!(done["executed"], true, "{done}");
	let eve_info = ehr_ok(&url, &["institution", "show", &eve]);
	assert_eq!((eve_info["role"].as_str(), eve_info["member"].as_bool()), (Some("hospital"), Some(true)));

	let _ = std::fs::remove_dir_all(&dir);
}
