//! The federation on a local network: `scripts/launch.sh` starts the real relay chain node
//! (3 validators), the coordinator and both regions (two collators each) with zombienet, HRMP
//! channels, one IPFS node per region and a re-encryption proxy per authority; this test then checks, through the nodes' RPC:
//!
//! - every parachain produces and finalizes blocks, and reports when it first did;
//! - the relay chain has the HRMP channels open both ways between the coordinator and each
//!   region, and between the regions;
//! - a record registered in region A puts its patient in the coordinator's directory, over XCM;
//! - with one collator of region A killed, region A keeps finalizing blocks; restarted by name
//!   (`scripts/launch.sh start bob`), the collator catches up and has every record, including one registered while it was down;
//! - 20 patients' first records are announced and all arrive; it prints the delivery latency
//!   region → coordinator in relay blocks (median);
//! - fault drill: with region A's IPFS node hung (SIGSTOP), `ehr upload` fails within its
//!   timeout; with it stopped (`scripts/launch.sh stop ipfs-region-a`) the federation stays up
//!   and uploads fail clearly, registering nothing; started again by name, it takes and pins
//!   the next upload;
//! - the re-encryption proxies launch.sh started for region A's authorities open a patient's
//!   2-of-2 grant: the practitioner, asking region B, finds the record in region A through the
//!   coordinator (a cross-region query), reads it from region B through the coordinator (a
//!   cross-region read: region A's proxies answer, A sends the capsule fragments to B) and in
//!   region A, byte for byte both times; a query about a patient no region knows ends "not
//!   found".
//!
//! Needs the built collator and relay chain node; `scripts/test.sh` builds the rest (runtime
//! wasm, `medfed-federation`) and runs it when both are in the cache, and otherwise says it is
//! skipped.

mod common;

use codec::{Decode, Encode};
use common::{ehr, ehr_ok, ehr_with_keystore, launch_sh, ok_json, temp_dir, workspace};
use medfed_client::{
	chain::{self, calls, Call, Rpc},
	federation::{channels, ports, Federation},
};
use medfed_primitives::{Cid, PinState, PublicKey, RecordId, ResourceType};
use std::{
	collections::BTreeMap,
	os::unix::process::CommandExt,
	path::{Path, PathBuf},
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};
use subxt::{
	dynamic::Value,
	rpcs::{LegacyRpcMethods, RpcClient},
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::{dev, Keypair};

/// RPC ports `medfed-federation` gives the nodes of zombienet/federation.toml.
const RELAY: u16 = ports::relay_rpc_port(0);
const COORDINATOR: u16 = ports::coordinator_rpc_port(0);
const REGION_A: [u16; 2] = [ports::region_rpc_port(0, 0), ports::region_rpc_port(0, 1)];
const REGION_B: u16 = ports::region_rpc_port(1, 0);

/// A process group (the launch script, or a restarted collator) stopped when the test ends,
/// however it ends. When the test fails, the nodes' logs are first copied from the network's
/// state directory (which zombienet removes when it stops) to `logs/` beside it; when it
/// passes, the test's directory is removed.
struct Group(Child, PathBuf);
impl Drop for Group {
	fn drop(&mut self) {
		if std::thread::panicking() {
			keep_logs(&self.1);
		}
		let pgid = self.0.id() as i32;
		// SIGTERM, which the launch script traps like Ctrl-C: it stops the network and its IPFS
		// nodes, which run in sessions of their own.
		let _ = Command::new("kill").args(["-TERM", "--", &format!("-{pgid}")]).status();
		let deadline = Instant::now() + Duration::from_secs(60);
		while !matches!(self.0.try_wait(), Ok(Some(_))) {
			if Instant::now() > deadline {
				let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pgid}")]).status();
				let _ = self.0.wait();
				break;
			}
			std::thread::sleep(Duration::from_millis(500));
		}
		// A passing run leaves nothing behind: the chains' databases take about 450 MiB a run.
		if !std::thread::panicking() {
			let _ = std::fs::remove_dir_all(&self.1);
		}
	}
}

/// The WebSocket RPC endpoint of the node at `port`.
fn ws(port: u16) -> String {
	format!("ws://127.0.0.1:{port}")
}

async fn connect(port: u16) -> Option<(OnlineClient<SubstrateConfig>, Rpc)> {
	let rpc = RpcClient::from_insecure_url(ws(port)).await.ok()?;
	let api = OnlineClient::<SubstrateConfig>::from_rpc_client(rpc.clone()).await.ok()?;
	Some((api, LegacyRpcMethods::new(rpc)))
}

async fn finalized_number(rpc: &Rpc) -> Option<u32> {
	let hash = rpc.chain_get_finalized_head().await.ok()?;
	rpc.chain_get_header(Some(hash)).await.ok()??.number.try_into().ok()
}

async fn best_number(rpc: &Rpc) -> Option<u32> {
	rpc.chain_get_header(None).await.ok()??.number.try_into().ok()
}

/// Waits until `check` (a block, which may await) holds, polling every second, for at most
/// `limit`; panics with `what`.
macro_rules! eventually {
	($limit:expr, $what:expr, $check:block $(,)?) => {{
		let limit: Duration = $limit;
		let deadline = Instant::now() + limit;
		loop {
			let holds: bool = $check;
			if holds {
				break;
			}
			assert!(Instant::now() < deadline, "timed out after {limit:?}: {}", $what);
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
	}};
}

/// The para ids with an open HRMP channel to `recipient`, as the relay chain reports them.
async fn inbound_channels(relay: &Rpc, recipient: u32) -> Vec<u32> {
	channels::inbound(relay, recipient)
		.await
		.expect("the relay chain answers")
		.into_iter()
		.collect()
}

/// The regions the coordinator's directory lists for `patient`.
async fn regions_of(coordinator: &Rpc, patient: &AccountId32) -> Vec<u32> {
	let bytes = coordinator
		.state_call("DirectoryApi_regions_of", Some(&patient.0.encode()), None)
		.await
		.expect("the coordinator answers");
	Vec::<u32>::decode(&mut &bytes[..]).expect("decodes")
}

/// The number of records region `rpc` holds for `patient`, at block `at` (default: the best).
async fn record_count(rpc: &Rpc, patient: &AccountId32, at: Option<subxt::utils::H256>) -> u32 {
	let bytes = rpc
		.state_call("RecordsApi_records_of_patient", Some(&(patient.0, 0u32, 0u32).encode()), at)
		.await
		.expect("the region answers");
	u32::decode(&mut &bytes[..]).expect("a page starts with its total")
}

/// Each authority of region `rpc` and its pin of record `id`.
async fn pin_states(rpc: &Rpc, id: RecordId) -> Vec<(AccountId32, PinState<u32>)> {
	let bytes = rpc
		.state_call("PinningApi_pin_status", Some(&id.encode()), None)
		.await
		.expect("the region answers");
	Vec::decode(&mut &bytes[..]).expect("decodes")
}

/// A record of a real sealing of a small FHIR document to `key`: the `Records.register_record`
/// call.
fn record_call(patient: &AccountId32, key: &umbral_pre::PublicKey, n: u32) -> Call {
	let document = format!(r#"{{"resourceType":"Observation","status":"final","id":"obs-{n}"}}"#);
	let key = PublicKey::parse(&key.to_compressed_bytes()).expect("an Umbral key");
	let sealed =
		medfed_primitives::envelope::seal(&mut rand_core::OsRng, &key, document.as_bytes())
			.expect("seals");
	let hash = sealed.hash();
	calls::register_record(
		patient,
		ResourceType::parse(b"Observation").expect("a FHIR R4 resource type"),
		&Cid::raw_sha256(hash),
		&hash,
		&sealed.capsule,
		&sealed.wrapped_key,
		sealed.ciphertext.len() as u64,
		None,
	)
}

/// Signs `calls` of each signer with consecutive nonces from the signer's next one, hands them
/// all to the pool at once, and waits up to `limit` until the best block holds them all. With two
/// collators a fork-aware pool can drop one of them on a reorg, and then those after it wait
/// behind the gap for ever: when none of them goes in for `STALLED` blocks, what is left is
/// signed again, mortal from the newer finalized block (new hashes, which the pool has not
/// banned), and sent again.
async fn submit_all(
	api: &OnlineClient<SubstrateConfig>,
	rpc: &Rpc,
	batches: &[(&Keypair, Vec<Call>)],
	limit: Duration,
	what: &str,
) {
	const STALLED: u32 = 4;
	let mut firsts = Vec::new();
	for (signer, _) in batches {
		firsts.push(account_nonce(rpc, signer).await);
	}
	let firsts = &firsts;
	let send = |taken: Vec<u64>| async move {
		let finalized = rpc.chain_get_finalized_head().await.expect("answers");
		let at = api.at_block(finalized).await.expect("the finalized block");
		let mut refused = Vec::new();
		for (((signer, calls), first), taken) in batches.iter().zip(firsts).zip(taken) {
			for (nonce, call) in (first + taken..).zip(&calls[taken as usize..]) {
				if let Err(e) = chain::send(&at, call, signer, nonce).await {
					refused.push(e.to_string());
				}
			}
		}
		refused
	};
	let refused = send(vec![0; batches.len()]).await;
	assert!(refused.is_empty(), "{what}: the pool refused {refused:?}");
	let deadline = Instant::now() + limit;
	let mut taken = vec![0u64; batches.len()];
	let mut moved_at = best_number(rpc).await.expect("a best block");
	let mut resends = 0;
	loop {
		let best = best_number(rpc).await.expect("a best block");
		let mut now_taken = Vec::new();
		for ((signer, _), first) in batches.iter().zip(firsts) {
			now_taken.push(account_nonce(rpc, signer).await.saturating_sub(*first));
		}
		let left: usize = batches
			.iter()
			.zip(&now_taken)
			.map(|((_, calls), t)| calls.len().saturating_sub(*t as usize))
			.sum();
		if left == 0 {
			return;
		}
		if now_taken != taken {
			taken = now_taken;
			moved_at = best;
		} else if best >= moved_at + STALLED {
			// Refusals here are expected: the transactions still in the pool keep their place.
			let refused = send(taken.clone()).await;
			resends += 1;
			println!(
				"{what}: {left} transactions not in after {STALLED} blocks at #{best}; sent again ({} refused, as already in the pool or otherwise: {:?})",
				refused.len(),
				refused.first(),
			);
			moved_at = best;
		}
		assert!(
			Instant::now() < deadline,
			"timed out after {limit:?}: {what}: {left} transactions not in the best block #{best} after {resends} resends; finalized {:?}",
			finalized_number(rpc).await,
		);
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// For each block of `rpc` from `from` to its best block: the relay parent number the block
/// was built on, and the patients (first 32 bytes of the fields) of `pallet.event` in it.
async fn events_with_relay_parent(
	api: &OnlineClient<SubstrateConfig>,
	rpc: &Rpc,
	from: u32,
	pallet: &str,
	event: &str,
) -> BTreeMap<[u8; 32], u32> {
	let mut found = BTreeMap::new();
	let best = best_number(rpc).await.expect("a best block");
	for n in from..=best {
		let hash = rpc
			.chain_get_block_hash(Some(n.into()))
			.await
			.expect("answers")
			.expect("a block");
		let at = api.at_block(hash).await.expect("the block");
		let relay_parent = at
			.storage()
			.fetch(
				subxt::dynamic::storage::<(), Value>(
					"ParachainSystem",
					"LastRelayChainBlockNumber",
				),
				(),
			)
			.await
			.expect("the relay parent");
		let relay_parent =
			u32::decode(&mut &relay_parent.into_bytes()[..]).expect("a block number");
		for e in at.events().fetch().await.expect("events").iter() {
			let e = e.expect("an event");
			if e.pallet_name() == pallet && e.event_name() == event {
				let patient: [u8; 32] = e.field_bytes()[..32].try_into().expect("an account first");
				found.entry(patient).or_insert(relay_parent);
			}
		}
	}
	found
}

/// The pid of collator `name` of the network.
fn collator_pid(name: &str) -> Option<i32> {
	std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
		let pid = entry.file_name().to_string_lossy().parse::<i32>().ok()?;
		let raw = std::fs::read(entry.path().join("cmdline")).ok()?;
		let args: Vec<String> = raw
			.split(|b| *b == 0)
			.filter(|a| !a.is_empty())
			.map(|a| String::from_utf8_lossy(a).into_owned())
			.collect();
		let named = args.windows(2).any(|w| w[0] == "--name" && w[1] == name);
		(named && args.first().is_some_and(|a| a.ends_with("medfed-node"))).then_some(pid)
	})
}

fn setup() -> Option<PathBuf> {
	if std::env::var("MEDFED_FEDERATION").as_deref() != Ok("1") {
		eprintln!("SKIPPED: set MEDFED_FEDERATION=1 (scripts/test.sh does when medfed-node and polkadot are built)");
		return None;
	}
	Some(temp_dir("federation"))
}

fn launch(dir: &Path) -> Group {
	let log = std::fs::File::create(dir.join("launch.log")).expect("log file");
	let child = launch_sh()
		.env("MEDFED_STATE", dir.join("state"))
		.env("MEDFED_READY", dir.join("ready"))
		// Cargo holds the target directory while this test runs: scripts/test.sh built it all.
		.env("MEDFED_NO_BUILD", "1")
		.stdin(Stdio::null())
		.stdout(log.try_clone().expect("log file"))
		.stderr(log)
		.process_group(0)
		.spawn()
		.expect("the launch script starts");
	Group(child, dir.to_path_buf())
}

/// Copies the node logs of the network in `dir` to `dir/logs`, and says where.
fn keep_logs(dir: &Path) {
	let kept = dir.join("logs");
	let Ok(logs) = std::fs::read_dir(dir.join("state/zombie")) else { return };
	let _ = std::fs::create_dir_all(&kept);
	for log in logs.flatten().filter(|l| l.path().extension().is_some_and(|e| e == "log")) {
		let _ = std::fs::copy(log.path(), kept.join(log.file_name()));
	}
	eprintln!("the nodes' logs are kept in {}", kept.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_federation_runs_routes_announcements_and_survives_a_collator_restart() {
	let Some(dir) = setup() else { return };
	let started = Instant::now();
	let mut network = launch(&dir);
	// Every parachain produces and finalizes blocks: watched from the start, since the launch
	// script reports the network up only once the HRMP channels are open.
	let mut watched = BTreeMap::new();
	let mut first_finalized = BTreeMap::new();
	eventually!(
		Duration::from_secs(1800),
		"the network is up and all three parachains finalize blocks (see launch.log)",
		{
			if let Ok(Some(status)) = network.0.try_wait() {
				let log = std::fs::read_to_string(dir.join("launch.log")).unwrap_or_default();
				panic!("launch.sh ended ({status}) before the network was up; launch.log:\n{log}");
			}
			for (name, port) in
				[("coordinator", COORDINATOR), ("region-a", REGION_A[0]), ("region-b", REGION_B)]
			{
				if first_finalized.contains_key(name) {
					continue;
				}
				if !watched.contains_key(name) {
					if let Some((_, rpc)) = connect(port).await {
						watched.insert(name, rpc);
					}
				}
				if let Some(rpc) = watched.get(name) {
					if finalized_number(rpc).await.unwrap_or(0) >= 1 {
						first_finalized.insert(name, started.elapsed().as_secs_f64());
					}
				}
			}
			first_finalized.len() == 3 && dir.join("ready").exists()
		},
	);
	println!("network up {:.0} s after launch.sh started", started.elapsed().as_secs_f64());
	let (_, relay) = connect(RELAY).await.expect("the relay chain answers");
	let (coordinator_api, coordinator) =
		connect(COORDINATOR).await.expect("the coordinator answers");
	let (region_a_api, region_a) = connect(REGION_A[0]).await.expect("region A answers");
	for (name, secs) in &first_finalized {
		println!("FIGURE first finalized block of {name}: {secs:.0} s after launch.sh started");
	}
	let (processes, rss) = tree_memory(network.0.id() as i32);
	println!(
		"FIGURE memory of the whole network: {:.2} GiB resident in {processes} processes",
		rss as f64 / (1u64 << 30) as f64
	);

	// The HRMP channels are open both ways, between the coordinator and each region and
	// between the two regions.
	for (recipient, senders) in [(1000, [2000, 2001]), (2000, [1000, 2001]), (2001, [1000, 2000])] {
		let mut inbound = inbound_channels(&relay, recipient).await;
		inbound.sort();
		assert_eq!(inbound, senders, "the channels to {recipient}");
	}

	// A record registered in region A puts its patient in the coordinator's directory.
	let one = dev::one().public_key().to_account_id();
	assert!(regions_of(&coordinator, &one).await.is_empty());
	let key = umbral_pre::SecretKey::random().public_key();
	let key_hex = hex::encode(key.to_compressed_bytes());
	ehr_ok(&ws(REGION_A[0]), &["patient", "register", "--as", "//One", "--umbral-key", &key_hex]);
	let charlie = dev::charlie();
	submit_all(
		&region_a_api,
		&region_a,
		&[(&charlie, vec![record_call(&one, &key, 0)])],
		Duration::from_secs(120),
		"the first record is registered",
	)
	.await;
	eventually!(
		Duration::from_secs(180),
		"region A's announcement reaches the coordinator's directory",
		{ regions_of(&coordinator, &one).await == vec![2000] },
	);
	let listed = ehr_ok(&ws(COORDINATOR), &["directory", "show", &one.to_string()]);
	assert_eq!(listed["regions"][0]["para_id"], 2000);

	// One collator of region A dies: the region goes on with the other.
	let pid = collator_pid("bob").expect("bob's collator runs");
	let killed = Command::new("kill")
		.args(["-KILL", &pid.to_string()])
		.status()
		.expect("kill runs");
	assert!(killed.success());
	let before = finalized_number(&region_a).await.expect("finalized");
	eventually!(Duration::from_secs(240), "region A finalizes 3 more blocks with one collator", {
		finalized_number(&region_a).await.unwrap_or(0) >= before + 3
	},);
	// A record registered while bob is down.
	submit_all(
		&region_a_api,
		&region_a,
		&[(&charlie, vec![record_call(&one, &key, 1)])],
		Duration::from_secs(120),
		"the second record is registered",
	)
	.await;
	// Read at the best block, which a reorg can move to a fork without it for a while.
	eventually!(Duration::from_secs(60), "the second record is in the best block", {
		record_count(&region_a, &one, None).await == 2
	});
	// The block that holds it, once final.
	let holding = best_number(&region_a).await.expect("a best block");
	eventually!(Duration::from_secs(180), "the second record's block is finalized", {
		finalized_number(&region_a).await.unwrap_or(0) >= holding
	});

	// Restarted by name, with the same command line and database, bob catches up and has
	// everything.
	let state = dir.join("state");
	let started_bob = launch_verb(&state, &["start", "bob"]);
	assert!(
		started_bob.status.success(),
		"launch.sh start bob: {}",
		String::from_utf8_lossy(&started_bob.stderr)
	);
	let mut bob = None;
	eventually!(
		Duration::from_secs(300),
		"the restarted collator finalizes the block with the second record",
		{
			if bob.is_none() {
				bob = connect(REGION_A[1]).await;
			}
			match &bob {
				Some((_, rpc)) => finalized_number(rpc).await.unwrap_or(0) >= holding,
				None => false,
			}
		},
	);
	let (_, bob_rpc) = bob.expect("connected");
	let finalized = bob_rpc.chain_get_finalized_head().await.expect("a finalized block");
	assert_eq!(
		record_count(&bob_rpc, &one, Some(finalized)).await,
		2,
		"the restarted collator lost a record"
	);
	let restart_finalized = finalized_number(&region_a).await.expect("finalized");
	eventually!(Duration::from_secs(240), "region A keeps finalizing after the restart", {
		finalized_number(&region_a).await.unwrap_or(0) >= restart_finalized + 2
	});

	// 20 patients' first records: every announcement arrives; latency in relay blocks.
	let ferdie = dev::ferdie();
	let patients: Vec<Keypair> = (0..20)
		.map(|i| {
			subxt_signer::sr25519::Keypair::from_uri(
				&format!("//Patient{i}").parse().expect("a URI"),
			)
			.expect("a key")
		})
		.collect();
	let transfers = patients
		.iter()
		.map(|p| calls::transfer_keep_alive(&p.public_key().to_account_id(), 1_000_000_000_000))
		.collect();
	submit_all(
		&region_a_api,
		&region_a,
		&[(&ferdie, transfers)],
		Duration::from_secs(180),
		"the patients are funded",
	)
	.await;
	let keys: Vec<_> =
		patients.iter().map(|_| umbral_pre::SecretKey::random().public_key()).collect();
	let registrations: Vec<_> = patients
		.iter()
		.zip(&keys)
		.map(|(p, key)| {
			let key = PublicKey::parse(&key.to_compressed_bytes()).expect("an Umbral key");
			(p, vec![calls::register_patient(&key)])
		})
		.collect();
	submit_all(
		&region_a_api,
		&region_a,
		&registrations,
		Duration::from_secs(180),
		"the patients are registered",
	)
	.await;
	eventually!(Duration::from_secs(60), "the patients are registered in the best block", {
		let mut all = true;
		for p in &patients {
			let bytes = region_a
				.state_call("RecordsApi_patient", Some(&p.public_key().0.encode()), None)
				.await
				.expect("answers");
			all &= bytes.first() == Some(&1);
		}
		all
	});
	let from = best_number(&region_a).await.expect("best");
	let coordinator_from = best_number(&coordinator).await.expect("best");
	let records = patients
		.iter()
		.zip(&keys)
		.enumerate()
		.map(|(i, (p, key))| record_call(&p.public_key().to_account_id(), key, 100 + i as u32))
		.collect();
	submit_all(
		&region_a_api,
		&region_a,
		&[(&charlie, records)],
		Duration::from_secs(180),
		"the 20 first records are registered",
	)
	.await;
	eventually!(Duration::from_secs(60), "the 20 first records are in the best block", {
		let mut all = true;
		for p in &patients {
			all &= record_count(&region_a, &p.public_key().to_account_id(), None).await == 1;
		}
		all
	});
	let deadline = Instant::now() + Duration::from_secs(600);
	loop {
		let mut missing = Vec::new();
		for (i, p) in patients.iter().enumerate() {
			if regions_of(&coordinator, &p.public_key().to_account_id()).await != vec![2000] {
				missing.push(i);
			}
		}
		if missing.is_empty() {
			break;
		}
		if Instant::now() >= deadline {
			let deferred = events_with_relay_parent(
				&region_a_api,
				&region_a,
				from,
				"Federation",
				"AnnouncementDeferred",
			)
			.await;
			panic!(
				"timed out after 600 s: announcements of patients {missing:?} never reached the directory; {} announcements were deferred; region A best {:?} finalized {:?}; coordinator best {:?} finalized {:?}",
				deferred.len(),
				best_number(&region_a).await,
				finalized_number(&region_a).await,
				best_number(&coordinator).await,
				finalized_number(&coordinator).await,
			);
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	let sent =
		events_with_relay_parent(&region_a_api, &region_a, from, "Federation", "PatientAnnounced")
			.await;
	let noted = events_with_relay_parent(
		&coordinator_api,
		&coordinator,
		coordinator_from,
		"Directory",
		"PatientNoted",
	)
	.await;
	let mut latencies: Vec<u32> = patients
		.iter()
		.map(|p| {
			let who = p.public_key().0;
			let (s, n) = (sent.get(&who).expect("announced"), noted.get(&who).expect("noted"));
			n.saturating_sub(*s)
		})
		.collect();
	latencies.sort();
	println!(
		"FIGURE XCM delivery region A → coordinator over {} messages: median {} relay blocks (min {}, max {}; relay parents of the sending and the executing block)",
		latencies.len(),
		latencies[latencies.len() / 2],
		latencies[0],
		latencies[latencies.len() - 1],
	);
	assert_eq!(latencies.len(), 20);

	// Fault drill: region A's IPFS node hangs, then stops. The federation stays up; `ehr upload`
	// fails with a clear error within its timeout and registers nothing. Started again by name,
	// it takes the next upload, which its region's collators pin.
	let bundle = workspace().join("examples/fhir-bundle.json");
	let bundle = bundle.to_str().expect("a UTF-8 path");
	let patient = one.to_string();
	let upload = ["upload", "--as", "//Charlie", "--patient", &patient, bundle];
	let records_before = record_count(&region_a, &one, None).await;
	let ipfs_pid = std::fs::read_to_string(state.join("procs/ipfs-region-a.pid"))
		.expect("the IPFS node's pid");
	let signal = |sig: &str| {
		let sent = Command::new("kill").args([sig, ipfs_pid.trim()]).status().expect("kill runs");
		assert!(sent.success(), "kill {sig} the IPFS node");
	};
	signal("-STOP");
	let hung = ehr(&ws(REGION_A[0]), &[&["--timeout", "10"][..], &upload[..]].concat());
	signal("-CONT");
	let error = String::from_utf8_lossy(&hung.stderr);
	assert!(!hung.status.success(), "an upload to a hung IPFS node succeeded");
	assert!(error.contains("did not add the ciphertext within 10 s"), "unclear error: {error}");

	let stopped = launch_verb(&state, &["stop", "ipfs-region-a"]);
	assert!(
		stopped.status.success(),
		"launch.sh stop: {}",
		String::from_utf8_lossy(&stopped.stderr)
	);
	let refused = ehr(&ws(REGION_A[0]), &upload);
	let error = String::from_utf8_lossy(&refused.stderr);
	assert!(!refused.status.success(), "an upload without an IPFS node succeeded");
	assert!(error.contains("cannot reach the IPFS API"), "unclear error: {error}");
	assert_eq!(
		record_count(&region_a, &one, None).await,
		records_before,
		"a record was registered without its ciphertext"
	);
	let finalized_before = finalized_number(&region_a).await.expect("finalized");
	eventually!(Duration::from_secs(120), "region A finalizes blocks with its IPFS node down", {
		finalized_number(&region_a).await.unwrap_or(0) >= finalized_before + 2
	});
	assert!(
		network.0.try_wait().expect("the launch script").is_none(),
		"launch.sh stopped with the IPFS node"
	);

	let restarted = launch_verb(&state, &["start", "ipfs-region-a"]);
	assert!(
		restarted.status.success(),
		"launch.sh start: {}",
		String::from_utf8_lossy(&restarted.stderr)
	);
	let mut uploaded = None;
	eventually!(Duration::from_secs(120), "the restarted IPFS node takes an upload", {
		let out = ehr(&ws(REGION_A[0]), &upload);
		if out.status.success() {
			uploaded = Some(
				serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("ehr prints JSON"),
			);
		}
		uploaded.is_some()
	});
	let record = uploaded.expect("uploaded")["record"].clone();
	eventually!(Duration::from_secs(60), "the upload is registered", {
		record_count(&region_a, &one, None).await == records_before + 1
	});
	// Pinned on region A's restarted IPFS node.
	let federation = Federation::read(&workspace().join("zombienet/federation.toml"))
		.expect("the federation file");
	let ipfs_api = federation.regions[0].ipfs_api_port;
	let cid = record["cid"].as_str().expect("a CID");
	let pinned = Command::new("curl")
		.args([
			"-sf",
			"-X",
			"POST",
			&format!("http://127.0.0.1:{ipfs_api}/api/v0/pin/ls?arg={cid}"),
		])
		.output()
		.expect("curl runs");
	// The Kubo RPC API answers pin/ls of a CID it does not pin with an error.
	assert!(pinned.status.success(), "{cid} is not pinned on region A's IPFS node");
	// And reported on chain by every authority of region A, although this test registered
	// records before it whose content no IPFS node has: those are reported unpinnable, and hold
	// up nothing.
	let id = record["id"].as_u64().expect("a record id");
	eventually!(Duration::from_secs(240), "region A's authorities report the upload pinned", {
		let states = pin_states(&region_a, id).await;
		!states.is_empty() &&
			states.iter().all(|(_, state)| matches!(state, PinState::Pinned { .. }))
	});
	let unserved = pin_states(&region_a, 0).await;
	assert!(
		unserved.iter().all(|(_, state)| matches!(
			state,
			PinState::Unpinnable { reason: medfed_primitives::Unpinnable::NotFound, .. }
		)),
		"record 0 (its content was never added to IPFS): {unserved:?}"
	);

	// Sharing through the proxies launch.sh started for region A's authorities: a patient
	// grants a practitioner 2 of 2 and the practitioner reads the record byte for byte.
	for proxy in ["proxy-alice", "proxy-bob"] {
		assert!(state.join(format!("procs/{proxy}.pid")).exists(), "launch.sh runs no {proxy}");
	}
	let url = ws(REGION_A[0]);
	let ipfs = format!("http://127.0.0.1:{ipfs_api}");
	let keystore = dir.join("keystore.json");
	let ok = |args: &[&str]| ok_json(&ehr_with_keystore(&url, &ipfs, &keystore, args), args);
	let patient = ok(&["keys", "new", "ferdie", "--kind", "patient", "--dev", "Ferdie"]);
	let patient = patient["account"].as_str().expect("an account").to_owned();
	let doctor = ok(&["keys", "new", "dave", "--kind", "practitioner", "--dev", "Dave"]);
	let doctor = doctor["account"].as_str().expect("an account").to_owned();
	ok(&["patient", "register", "--key", "ferdie"]);
	ok(&["keys", "publish", "--key", "dave"]);
	let shared = ok(&["upload", "--as", "//Charlie", "--patient", &patient, bundle]);
	let shared = shared["record"]["id"].as_u64().expect("a record id").to_string();
	let grant = ok(&[
		"grant",
		"--key",
		"ferdie",
		"--to",
		&doctor,
		"--records",
		&shared,
		"--threshold",
		"2",
		"--expires-in",
		"1000",
	]);
	assert_eq!(grant["grant"]["proxies"].as_array().map(Vec::len), Some(2), "{grant}");
	let grant = grant["grant"]["id"].as_u64().expect("a grant id").to_string();

	// A cross-region query: the practitioner asks region B about the patient, whose records
	// region A holds. B has none; the coordinator forwards the query to A, which answers straight
	// to B with the record the grant wraps.
	let query_b =
		|args: &[&str]| ok_json(&ehr_with_keystore(&ws(REGION_B), &ipfs, &keystore, args), args);
	let asked = Instant::now();
	let found =
		query_b(&["query", "--key", "dave", "--patient", &patient, "--wait-seconds", "300"]);
	let took = asked.elapsed().as_secs_f64();
	assert_eq!(found["outcome"], "answered", "{found}");
	let from_a: Vec<&serde_json::Value> = found["answers"]
		.as_array()
		.expect("answers")
		.iter()
		.filter(|answer| answer["region"] == 2000)
		.collect();
	assert_eq!(from_a.len(), 1, "{found}");
	assert_eq!(from_a[0]["here"], false, "{found}");
	let records = from_a[0]["records"].as_array().expect("records");
	assert_eq!(records.len(), 1, "{found}");
	assert_eq!(records[0]["id"].to_string(), shared, "{found}");
	assert_eq!(records[0]["grant"].to_string(), grant, "{found}");
	let relay_blocks = |query: &serde_json::Value| {
		let deadline = query["deadline"].as_u64().expect("a deadline");
		let ended = query["ended_at"].as_u64().expect("ended");
		// Asked at the deadline less the region's QueryTimeout (40 relay blocks).
		ended + 40 - deadline
	};
	println!(
		"FIGURE cross-region metadata query, region B → coordinator → region A → region B: {took:.1} s, {} relay blocks",
		relay_blocks(&found)
	);
	// A cross-region read: the practitioner asks region B to read the record region A holds
	// under the grant. A opens an access request for it, its proxies answer as for any request,
	// and A sends the record with its envelope and capsule fragments straight to B; `ehr` opens
	// the key with Dave's Umbral key and fetches the ciphertext from region A's IPFS node.
	let from_b = dir.join("shared-from-b.json");
	let from_b_path = from_b.to_str().expect("a UTF-8 path");
	let asked = Instant::now();
	let read_b = query_b(&[
		"query",
		"--key",
		"dave",
		"--patient",
		&patient,
		"--read-from",
		"2000",
		"--grant",
		&grant,
		"--output",
		from_b_path,
		"--wait-seconds",
		"300",
	]);
	let took = asked.elapsed().as_secs_f64();
	assert_eq!(read_b["outcome"], "answered", "{read_b}");
	assert_eq!(read_b["region"], 2000, "{read_b}");
	assert_eq!(read_b["grant"].to_string(), grant, "{read_b}");
	assert!(read_b["request"].is_u64(), "region A's request for the read: {read_b}");
	let written = read_b["records"].as_array().expect("records");
	assert_eq!(written.len(), 1, "{read_b}");
	assert_eq!(written[0]["id"].to_string(), shared, "{read_b}");
	assert_eq!(written[0]["path"], from_b_path, "{read_b}");
	assert_eq!(read_b["bad_fragments"], serde_json::json!([]), "{read_b}");
	assert_eq!(
		std::fs::read(&from_b).expect("written"),
		std::fs::read(bundle).expect("the bundle"),
		"the record read from region B differs from the one uploaded in region A"
	);
	println!(
		"FIGURE cross-region read with capsule fragments, region B → coordinator → region A (access request, 2 of 2 proxies) → region B: {took:.1} s, {} relay blocks",
		relay_blocks(&read_b)
	);
	// A patient no region knows: one terminal event, not found.
	let nobody = ok(&["keys", "new", "nobody", "--kind", "patient"]);
	let nobody = nobody["account"].as_str().expect("an account").to_owned();
	let none = query_b(&["query", "--key", "dave", "--patient", &nobody, "--wait-seconds", "300"]);
	assert_eq!(none["outcome"], "not_found", "{none}");
	println!(
		"FIGURE query about an unknown patient, region B → coordinator → region B: {} relay blocks",
		relay_blocks(&none)
	);

	let asked = Instant::now();
	let request = ok(&[
		"request",
		"--key",
		"dave",
		"--grant",
		&grant,
		"--records",
		&shared,
		"--purpose",
		"referral",
	]);
	let request = request["id"].as_u64().expect("a request id").to_string();
	let read = dir.join("shared.json");
	let read_path = read.to_str().expect("a UTF-8 path");
	ok(&["read", "--key", "dave", "--request", &request, "-o", read_path, "--wait", "300"]);
	println!(
		"FIGURE one request → readable record through launch.sh's proxies: {:.1} s",
		asked.elapsed().as_secs_f64()
	);
	assert_eq!(
		std::fs::read(&read).expect("written"),
		std::fs::read(bundle).expect("the bundle"),
		"the record read differs from the one uploaded"
	);
}

/// Runs `scripts/launch.sh VERB…` on the federation whose state is in `state`.
fn launch_verb(state: &Path, args: &[&str]) -> Output {
	launch_sh()
		.args(args)
		.env("MEDFED_STATE", state)
		.stdin(Stdio::null())
		.output()
		.expect("launch.sh runs")
}

/// How many processes process group `pgid` has, and their resident memory in bytes.
/// The number of processes descending from `root` (itself included) and their resident memory
/// in bytes. Descendants, not a process group: the launch script starts the IPFS nodes and
/// zombienet in their own sessions.
fn tree_memory(root: i32) -> (usize, u64) {
	let page = 4096u64;
	let mut parent = BTreeMap::new();
	let mut resident = BTreeMap::new();
	for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
		let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
		let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
		// Fields after the command name, which is in parentheses: state ppid ...
		let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
		let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse::<i32>().ok()) else {
			continue;
		};
		let Ok(statm) = std::fs::read_to_string(entry.path().join("statm")) else { continue };
		let Some(pages) = statm.split_whitespace().nth(1).and_then(|r| r.parse::<u64>().ok())
		else {
			continue;
		};
		parent.insert(pid, ppid);
		resident.insert(pid, pages * page);
	}
	let descends = |mut pid: i32| loop {
		if pid == root {
			return true;
		}
		match parent.get(&pid) {
			Some(&ppid) if ppid > 1 => pid = ppid,
			_ => return false,
		}
	};
	let tree: Vec<i32> = resident.keys().copied().filter(|&pid| descends(pid)).collect();
	(tree.len(), tree.iter().map(|pid| resident[pid]).sum())
}

/// The nonce of `who`'s next transaction at the best block (transactions in the pool not
/// counted).
async fn account_nonce(rpc: &Rpc, who: &Keypair) -> u64 {
	let bytes = rpc
		.state_call("AccountNonceApi_account_nonce", Some(&who.public_key().0.encode()), None)
		.await
		.expect("answers");
	u32::decode(&mut &bytes[..]).expect("a nonce").into()
}
