//! The HRMP channels of a federation: both ways between the coordinator and every region, and
//! between every two regions (a region answers another's query straight to it), opened on the
//! running relay chain as its sudo key.

use super::Federation;
use crate::chain::Rpc;
use anyhow::{anyhow, ensure, Context, Result};
use codec::{Decode, Encode};
use std::{
	collections::{BTreeMap, BTreeSet},
	str::FromStr,
	time::{Duration, Instant},
};
use subxt::{
	dynamic::Value as DynValue, ext::scale_value::Composite, rpcs::RpcClient,
	transactions::TransactionStatus, OnlineClient, SubstrateConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

/// HRMP channel limits: the rococo-local relay allows at most 8 messages and 8 KiB a channel.
const HRMP_MAX_CAPACITY: u32 = 8;
const HRMP_MAX_MESSAGE_SIZE: u32 = 8 * 1024;

/// The HRMP channels of `federation` as `(sender, recipient)` para ids: both ways between the
/// coordinator and every region, and between every two regions.
pub fn pairs(federation: &Federation) -> Vec<(u32, u32)> {
	let coordinator = federation.coordinator.para_id;
	let regions: Vec<u32> = federation.regions.iter().map(|r| r.para_id).collect();
	let with_coordinator = regions.iter().flat_map(|r| [(*r, coordinator), (coordinator, *r)]);
	let between_regions = regions
		.iter()
		.flat_map(|a| regions.iter().filter(move |b| *b != a).map(move |b| (*a, *b)));
	with_coordinator.chain(between_regions).collect()
}

/// How many HRMP channels each way the relay chain must allow a parachain: the coordinator has
/// one to and one from every region, and a region one to and one from the coordinator and
/// every other region (rococo-local allows 4).
pub fn per_parachain(federation: &Federation) -> u32 {
	federation.regions.len().max(4) as u32
}

/// The para ids with an open HRMP channel to `recipient`, as the relay chain node behind `rpc`
/// reports them.
pub async fn inbound(rpc: &Rpc, recipient: u32) -> Result<BTreeSet<u32>> {
	let bytes = rpc
		.state_call("ParachainHost_inbound_hrmp_channels_contents", Some(&recipient.encode()), None)
		.await?;
	let contents = BTreeMap::<u32, Vec<(u32, Vec<u8>)>>::decode(&mut &bytes[..])?;
	Ok(contents.into_keys().collect())
}

/// Opens the federation's HRMP channels with `Hrmp.force_open_hrmp_channel` as the relay
/// chain's sudo key `sudo` (a secret URI), through the relay chain node at `relay_url`, and
/// waits at most `timeout` until the relay chain reports them open (at its next session).
///
/// Not in the relay chain's genesis: a channel opened there sends its notifications to the
/// parachains at relay block 0, which cumulus takes for already processed in a parachain's
/// first block ("DMQ head mismatch"), and no parachain could make a block.
pub async fn open(
	federation: &Federation,
	relay_url: &str,
	sudo: &str,
	timeout: Duration,
) -> Result<()> {
	let rpc_client = RpcClient::from_insecure_url(relay_url)
		.await
		.with_context(|| format!("connecting to the relay chain at {relay_url}"))?;
	let api = OnlineClient::<SubstrateConfig>::from_rpc_client(rpc_client.clone()).await?;
	let rpc = Rpc::new(rpc_client);
	let wanted = pairs(federation);
	let mut missing = Vec::new();
	for &(sender, recipient) in &wanted {
		if !inbound(&rpc, recipient).await?.contains(&sender) {
			missing.push((sender, recipient));
		}
	}
	if !missing.is_empty() {
		let calls: Vec<DynValue> = missing
			.iter()
			.map(|&(sender, recipient)| {
				DynValue::unnamed_variant(
					"Hrmp",
					[DynValue::named_variant(
						"force_open_hrmp_channel",
						[
							("sender", DynValue::u128(sender.into())),
							("recipient", DynValue::u128(recipient.into())),
							("max_capacity", DynValue::u128(HRMP_MAX_CAPACITY.into())),
							("max_message_size", DynValue::u128(HRMP_MAX_MESSAGE_SIZE.into())),
						],
					)],
				)
			})
			.collect();
		let batch = DynValue::unnamed_variant(
			"Utility",
			[DynValue::named_variant("batch_all", [("calls", DynValue::unnamed_composite(calls))])],
		);
		let sudo_call = subxt::dynamic::tx("Sudo", "sudo", Composite::named([("call", batch)]));
		let signer =
			Keypair::from_uri(&SecretUri::from_str(sudo).map_err(|e| anyhow!("bad --sudo: {e}"))?)
				.map_err(|e| anyhow!("bad --sudo: {e}"))?;
		let at = api.at_current_block().await?;
		let mut progress = at
			.tx()
			.sign_and_submit_then_watch_default(&sudo_call, &signer)
			.await
			.map_err(|e| anyhow!("the relay chain refused the transaction: {e}"))?;
		loop {
			match progress.next().await.ok_or_else(|| anyhow!("the relay chain went quiet"))?? {
				TransactionStatus::InBestBlock(block) |
				TransactionStatus::InFinalizedBlock(block) => {
					let events = block.wait_for_success().await?;
					let sudid = events
						.iter()
						.filter_map(|e| e.ok())
						.find(|e| e.pallet_name() == "Sudo" && e.event_name() == "Sudid")
						.ok_or_else(|| anyhow!("no Sudo.Sudid event"))?;
					// Sudid { sudo_result: Result<(), DispatchError> }: 0x00 is Ok.
					ensure!(
						sudid.field_bytes().first() == Some(&0),
						"the relay chain refused to open the channels: {:?}",
						sudid.decode_fields_unchecked_as::<DynValue>()
					);
					break;
				},
				TransactionStatus::Error { message } |
				TransactionStatus::Invalid { message } |
				TransactionStatus::Dropped { message } =>
					return Err(anyhow!("transaction rejected: {message}")),
				_ => continue,
			}
		}
		eprintln!("requested {} HRMP channels; they open at the next session", missing.len());
	}
	let deadline = Instant::now() + timeout;
	loop {
		let mut open = 0;
		for &(sender, recipient) in &wanted {
			open += inbound(&rpc, recipient).await?.contains(&sender) as usize;
		}
		if open == wanted.len() {
			println!("{open} HRMP channels open");
			return Ok(());
		}
		ensure!(
			Instant::now() < deadline,
			"only {open} of {} HRMP channels open after {} s",
			wanted.len(),
			timeout.as_secs()
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}
