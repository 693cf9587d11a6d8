//! Fills a development region with patients and records, for benchmarks that need a region's
//! state rather than an empty chain: `scripts/bench-storage.sh` measures the database on it.
//!
//!   cargo run --example fill-region -- ws://127.0.0.1:9944 <patients> <records>
//!
//! It signs with the development keys of the `region-a` preset: Alice funds the patients, each
//! patient registers with its own key, and the preset's four institutions register the records
//! in turn. Every record carries a real Umbral capsule and wrapped document key (one per patient:
//! encrypting is the slow part) and a distinct ciphertext hash with its CID; no ciphertext is
//! stored anywhere.

use anyhow::{anyhow, bail, Context, Result};
use codec::{Decode, Encode};
use medfed_client::chain::{calls, send, AtBlock, Call, Rpc};
use medfed_primitives::{Capsule, Cid, PublicKey, ResourceType, WrappedKey};
use sha2::{Digest, Sha256};
use std::{
	str::FromStr,
	time::{Duration, Instant},
};
use subxt::{
	rpcs::{LegacyRpcMethods, RpcClient},
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::{
	sr25519::{dev, Keypair},
	SecretUri,
};

/// A signer's transactions handed to the pool at once, at most.
const WINDOW: usize = 1_000;
/// Transactions in flight to the node at once: about its number of wasm instances, which
/// validate them.
const IN_FLIGHT: usize = 8;
/// How long a signer's nonce may stand still before the fill gives up.
const STALL_LIMIT: Duration = Duration::from_secs(60);

struct Chain {
	api: OnlineClient<SubstrateConfig>,
	rpc: Rpc,
}

impl Chain {
	/// The signer's nonce at the best block: how many of its transactions are included.
	async fn included_nonce(&self, who: &AccountId32) -> Result<u64> {
		let bytes = self
			.rpc
			.state_call("AccountNonceApi_account_nonce", Some(&who.0.encode()), None)
			.await?;
		Ok(u32::decode(&mut &bytes[..]).context("cannot decode a nonce")?.into())
	}

	/// The finalized block. Retried a few times: subxt may not know a block the node has just
	/// reported yet.
	async fn finalized(&self) -> Result<AtBlock> {
		let mut attempt = 0;
		loop {
			let hash = self.rpc.chain_get_finalized_head().await?;
			match self.api.at_block(hash).await {
				Ok(at) => return Ok(at),
				Err(e) if attempt == 10 => return Err(e.into()),
				Err(_) => attempt += 1,
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
	}

	/// Gets all of `calls` included, signed by `signer` with the nonces that follow its
	/// current one. It hands the pool a window of them, several in flight at once (one by
	/// one, the round trips would allow about a dozen a second), waits for the nonce to move,
	/// and hands again whatever is still missing: a busy pool may drop some.
	async fn drive(&self, signer: &Keypair, calls: Vec<Call>) -> Result<()> {
		use futures::StreamExt;
		let who = signer.public_key().to_account_id();
		let first = self.included_nonce(&who).await?;
		let end = first + calls.len() as u64;
		let mut included = first;
		let mut moved = Instant::now();
		while included < end {
			let at = self.finalized().await?;
			let from = (included - first) as usize;
			let to = (from + WINDOW).min(calls.len());
			let errors: Vec<anyhow::Error> = futures::stream::iter(from..to)
				.map(|i| send(&at, &calls[i], signer, first + i as u64))
				.buffer_unordered(IN_FLIGHT)
				.filter_map(|sent| async move { sent.err() })
				.collect()
				.await;
			// Wait for this window, or for the nonce to stand still.
			let target = first + to as u64;
			let mut last = included;
			let mut still = Instant::now();
			while last < target && still.elapsed() < Duration::from_secs(10) {
				tokio::time::sleep(Duration::from_millis(500)).await;
				let now = self.included_nonce(&who).await?;
				if now > last {
					(last, still) = (now, Instant::now());
				}
			}
			if last > included {
				(included, moved) = (last, Instant::now());
			} else if moved.elapsed() > STALL_LIMIT {
				let why = errors.first().map_or("no error from the node".into(), |e| e.to_string());
				bail!("{who}'s transactions stopped at nonce {included} of {end}: {why}");
			}
		}
		Ok(())
	}
}

fn arg<T: FromStr>(args: &[String], i: usize, name: &str) -> Result<T> {
	args.get(i)
		.ok_or_else(|| {
			anyhow!("usage: fill-region <ws-url> <patients> <records> (missing {name})")
		})?
		.parse()
		.map_err(|_| anyhow!("{name} '{}' is not a number", args[i]))
}

#[tokio::main]
async fn main() -> Result<()> {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let url: String = arg(&args, 0, "the URL")?;
	let patients: usize = arg(&args, 1, "the patient count")?;
	let records: usize = arg(&args, 2, "the record count")?;
	if patients == 0 {
		bail!("records need at least one patient");
	}
	let rpc = RpcClient::from_insecure_url(&url)
		.await
		.with_context(|| format!("cannot connect to {url}"))?;
	let chain = Chain {
		api: OnlineClient::from_rpc_client(rpc.clone()).await?,
		rpc: LegacyRpcMethods::new(rpc),
	};
	let started = Instant::now();

	// Patients: derived keys, funded by Alice (10 units each, of her million), each registering
	// its own Umbral key.
	let alice = dev::alice();
	let people: Vec<(Keypair, umbral_pre::PublicKey)> = (0..patients)
		.map(|i| {
			let uri =
				SecretUri::from_str(&format!("//medfed-fill//patient//{i}")).expect("a valid URI");
			let key = Keypair::from_uri(&uri).expect("derives");
			(key, umbral_pre::SecretKey::random().public_key())
		})
		.collect();
	let funding = people
		.iter()
		.map(|(patient, _)| {
			calls::transfer_keep_alive(&patient.public_key().to_account_id(), 10u128.pow(13))
		})
		.collect();
	chain.drive(&alice, funding).await?;
	for group in people.chunks(IN_FLIGHT * 4) {
		futures::future::try_join_all(group.iter().map(|(patient, key)| {
			let key = PublicKey::parse(&key.to_compressed_bytes()).expect("an Umbral key");
			chain.drive(patient, vec![calls::register_patient(&key)])
		}))
		.await?;
	}
	println!("{patients} patients registered after {:.1} s", started.elapsed().as_secs_f64());

	// One capsule and wrapped document key per patient (a real document key wrapped to the
	// patient's key, as the envelope does): encrypting is the slow part, and they may repeat.
	let wrapped: Vec<(Capsule, WrappedKey)> = people
		.iter()
		.map(|(_, key)| {
			let (capsule, wrapped_key) = umbral_pre::encrypt(key, &[0x42; 32]).expect("encrypts");
			let wrapped_key = WrappedKey::parse(&wrapped_key).expect("a wrapped 32-byte key");
			(Capsule::from_umbral(&capsule), wrapped_key)
		})
		.collect();
	let institutions = [dev::alice(), dev::bob(), dev::charlie(), dev::dave()];
	let observation = ResourceType::parse(b"Observation").expect("a FHIR R4 resource type");
	// Distinct hashes on every fill of one chain: the best block's hash seeds them.
	let seed = chain
		.rpc
		.chain_get_block_hash(None)
		.await?
		.ok_or_else(|| anyhow!("no best block"))?;
	let mut batches: Vec<Vec<Call>> = institutions.iter().map(|_| Vec::new()).collect();
	for n in 0..records {
		let patient = n % patients;
		let hash: [u8; 32] = Sha256::new()
			.chain_update(seed.0)
			.chain_update((n as u64).to_le_bytes())
			.finalize()
			.into();
		batches[n % institutions.len()].push(calls::register_record(
			&people[patient].0.public_key().to_account_id(),
			observation.clone(),
			&Cid::raw_sha256(hash),
			&hash,
			&wrapped[patient].0,
			&wrapped[patient].1,
			4096 + (n % 4096) as u64,
			None,
		));
	}
	futures::future::try_join_all(
		institutions
			.iter()
			.zip(batches)
			.map(|(institution, calls)| chain.drive(institution, calls)),
	)
	.await?;
	println!("{records} records registered after {:.1} s", started.elapsed().as_secs_f64());
	Ok(())
}
