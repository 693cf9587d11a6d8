//! The connection to a region's chain: signing and submitting calls, reading runtime APIs.
//! [`calls`] builds every call MedFed sends.

pub mod access;
pub mod calls;
pub mod federation;

use crate::runtime_code::SpecVersion;
use anyhow::{anyhow, bail, Context, Result};
use codec::{Decode, Encode};
use medfed_primitives::{InstitutionInfo, Patient, PinState, RecordId, RecordInfo, RecordPage};
use std::{str::FromStr, time::Duration};
use subxt::{
	config::RpcConfigFor,
	dynamic::{At, Value},
	error::{DispatchError, TransactionEventsError},
	ext::scale_value::ValueDef,
	extrinsics::ExtrinsicEvents,
	rpcs::{LegacyRpcMethods, RpcClient},
	transactions::{TransactionInvalid, TransactionStatus, ValidationResult},
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

pub use calls::Call;

/// The chain configuration: MedFed uses Substrate's standard types.
pub type Config = SubstrateConfig;

/// A record as the runtime API returns it.
pub type Record = RecordInfo<AccountId32, u32>;
/// An institution as the runtime API returns it.
pub type Institution = InstitutionInfo<AccountId32, u32>;

/// The chain's state at one block.
pub type AtBlock =
	subxt::client::ClientAtBlock<Config, subxt::client::OnlineClientAtBlockImpl<Config>>;

/// A block hash.
pub type BlockHash = subxt::config::HashFor<Config>;

/// A node's legacy RPC methods.
pub type Rpc = LegacyRpcMethods<RpcConfigFor<Config>>;

/// A connection to one region's chain.
#[derive(Clone)]
pub struct Chain {
	api: OnlineClient<Config>,
	rpc: Rpc,
	/// The block reads are made at; `None`: the best block at the time of each read.
	reads_at: Option<BlockHash>,
	/// How long connecting, and a transaction's inclusion, may take before `ehr` gives up.
	timeout: Duration,
}

/// A transaction in a block: the block, and the transaction's events.
pub struct Included {
	pub block: BlockHash,
	pub events: ExtrinsicEvents<Config>,
}

/// Loads a signing key from a secret URI: a dev URI like `//Alice`, or a mnemonic or hex seed
/// with optional derivation path.
pub fn keypair(secret_uri: &str) -> Result<Keypair> {
	let uri = SecretUri::from_str(secret_uri).map_err(|e| anyhow!("invalid secret URI: {e}"))?;
	Keypair::from_uri(&uri).map_err(|e| anyhow!("cannot derive a key from the secret URI: {e}"))
}

/// Parses an SS58 account address.
pub fn account(ss58: &str) -> Result<AccountId32> {
	AccountId32::from_str(ss58).map_err(|e| anyhow!("'{ss58}' is not an SS58 account address: {e}"))
}

/// How many times [`Chain::submit`] sends a transaction again that the pool refused but the
/// best block would take.
const MAX_RESENDS: u32 = 2;

/// Transaction parameters: `nonce`, and mortal for 256 blocks from the block it is signed at.
fn mortal(nonce: u64) -> subxt::config::DefaultExtrinsicParams<Config> {
	subxt::config::SubstrateExtrinsicParamsBuilder::<Config>::new()
		.nonce(nonce)
		.mortal(256)
		.build()
}

/// Signs `call` with `signer` and `nonce`, mortal from block `at`, and hands it to the pool
/// without waiting for it: many transactions of one signer go in at once this way.
pub async fn send(at: &AtBlock, call: &Call, signer: &Keypair, nonce: u64) -> Result<()> {
	at.tx()
		.sign_and_submit(call, signer, mortal(nonce))
		.await
		.map_err(|e| anyhow!("{}.{} refused: {e}", call.pallet_name(), call.call_name()))?;
	Ok(())
}

impl Chain {
	/// Connects to the node's WebSocket RPC endpoint. Connecting, and later each transaction's
	/// inclusion, fail with a clear error after `timeout` (every other request after the RPC
	/// client's own 60 s).
	pub async fn connect(url: &str, timeout: Duration) -> Result<Self> {
		let connecting = async {
			let rpc = RpcClient::from_insecure_url(url)
				.await
				.with_context(|| format!("cannot connect to {url}: is the node running?"))?;
			let api = OnlineClient::<Config>::from_rpc_client(rpc.clone())
				.await
				.with_context(|| format!("{url} does not look like a MedFed chain"))?;
			Ok::<_, anyhow::Error>(Chain {
				api,
				rpc: LegacyRpcMethods::new(rpc),
				reads_at: None,
				timeout,
			})
		};
		tokio::time::timeout(timeout, connecting).await.map_err(|_| {
			anyhow!(
				"the node at {url} did not answer within {} s: is it running, and not stopped?",
				timeout.as_secs()
			)
		})?
	}

	/// This chain, read at `block` rather than at the best block. Read what a transaction did at
	/// the block that included it: with two collators the best block can move to a sibling
	/// that does not hold the transaction yet.
	pub fn reading_at(&self, block: BlockHash) -> Chain {
		Chain { reads_at: Some(block), ..self.clone() }
	}

	/// The block reads are made at, hash and number: the best block now, or the one given to
	/// [`Chain::reading_at`].
	pub async fn reading_block(&self) -> Result<(BlockHash, u32)> {
		let at = self.at_reading_block().await?;
		let number = u32::try_from(at.block_number()).context("a block number beyond u32")?;
		Ok((at.block_hash(), number))
	}

	/// The node's best blocks as it imports them, hash and number, for services that follow
	/// the chain (`medfed-proxy`). The stream ends, or yields an error, when the connection to
	/// the node is lost.
	pub async fn best_blocks(
		&self,
	) -> Result<impl futures::Stream<Item = Result<(BlockHash, u32)>> + Send + Unpin> {
		use futures::StreamExt;
		let blocks = self
			.api
			.stream_best_blocks()
			.await
			.context("cannot follow the node's best blocks")?;
		Ok(blocks.map(|block| {
			let block = block.context("lost the node's best blocks")?;
			let number = u32::try_from(block.number()).context("a block number beyond u32")?;
			Ok((block.hash(), number))
		}))
	}

	/// Signs `call` with `signer`, submits it and waits until it is in a best block; returns
	/// that block and the transaction's events, or the dispatch error with the runtime's
	/// explanation.
	///
	/// A pool that reports the transaction invalid or dropped is not always final: with two
	/// collators a transaction can be invalid on one fork and included on the other. So
	/// before giving up `ehr` looks for it in the best chain's blocks since the block it was
	/// signed at, and asks the runtime at the best block why it would refuse it; a transaction
	/// the runtime would still take is signed again with the same nonce (new bytes: the pool
	/// bans the hashes it refused) and sent again, at most [`MAX_RESENDS`] times. One nonce
	/// lets one of them in at most.
	pub async fn submit(&self, call: Call, signer: &Keypair) -> Result<Included> {
		let who = signer.public_key().to_account_id();
		let nonce = self.rpc.system_account_next_index(&who).await?;
		let watching = async {
			let mut sent = Vec::new();
			let mut since = None;
			loop {
				// Mortal from the finalized block: a parachain's best block can be dropped for
				// another collator's, and with it a transaction whose era starts there (the
				// pool then reports it invalid).
				let at = self.at_finalized().await?;
				let signed_at = u32::try_from(at.block_number()).unwrap_or(u32::MAX);
				// Nothing at or below the first signing block can hold any of them.
				let from = *since.get_or_insert(signed_at.saturating_add(1));
				let tx = at
					.tx()
					.create_signed(&call, signer, mortal(nonce))
					.await
					.map_err(|e| anyhow!("cannot sign the transaction: {e}"))?;
				sent.push(tx.hash());
				let progress = tx.submit_and_watch().await;
				let refusal = match progress {
					Err(e) if sent.len() == 1 => bail!("the node refused the transaction: {e}"),
					Err(e) => format!("sending it again failed: {e}"),
					Ok(mut progress) => loop {
						match progress.next().await {
							Some(Ok(
								TransactionStatus::InBestBlock(block) |
								TransactionStatus::InFinalizedBlock(block),
							)) => {
								let events =
									block.wait_for_success().await.map_err(|e| match e {
										TransactionEventsError::ExtrinsicFailed(error) =>
											anyhow!(describe(&error)),
										other => anyhow!(other),
									})?;
								return Ok(Included { block: block.block_hash(), events });
							},
							Some(Ok(
								TransactionStatus::Error { message } |
								TransactionStatus::Invalid { message } |
								TransactionStatus::Dropped { message },
							)) => break message,
							Some(Ok(_)) => continue,
							Some(Err(e)) => break format!("lost the node's reports on it: {e}"),
							None => break "the node stopped reporting on it".into(),
						}
					},
				};
				if let Some(included) = self.find_included(&sent, from).await? {
					return Ok(included);
				}
				match self.refusal_at_best(tx.encoded()).await? {
					Some(why) => {
						// A block that came meanwhile may hold it: that is why it is stale.
						if let Some(included) = self.find_included(&sent, from).await? {
							return Ok(included);
						}
						bail!("transaction rejected: {refusal} ({why})")
					},
					None if sent.len() <= MAX_RESENDS as usize => continue,
					None => bail!(
						"transaction rejected: {refusal} (sent {} times; the best block would \
						 still take it)",
						sent.len()
					),
				}
			}
		};
		tokio::time::timeout(self.timeout, watching).await.map_err(|_| {
			anyhow!(
				"the transaction was not in a block within {} s: is the chain producing blocks? \
				 (it may still be included later: check before sending it again)",
				self.timeout.as_secs()
			)
		})?
	}

	/// The first of transactions `hashes` in the best chain's blocks from `from` on, with its
	/// events (or the dispatch error it failed with), if one is there.
	async fn find_included(&self, hashes: &[BlockHash], from: u32) -> Result<Option<Included>> {
		let (_, best) = self.best_block().await?;
		for number in from..=best {
			let Some(block) = self.rpc.chain_get_block_hash(Some(number.into())).await? else {
				continue;
			};
			let at = self.api.at_block(block).await?;
			let extrinsics = at.extrinsics().fetch().await?;
			for extrinsic in extrinsics.iter() {
				let extrinsic = extrinsic?;
				if !hashes.contains(&extrinsic.hash()) {
					continue;
				}
				let events = extrinsic.events().await?;
				for event in events.iter() {
					let event = event?;
					if event.pallet_name() == "System" && event.event_name() == "ExtrinsicFailed" {
						let error = DispatchError::decode_from(event.field_bytes(), at.metadata())
							.map_err(|e| anyhow!("cannot decode the dispatch error: {e}"))?;
						bail!(describe(&error));
					}
				}
				return Ok(Some(Included { block, events }));
			}
		}
		Ok(None)
	}

	/// Why the runtime at the best block refuses transaction `encoded`, or `None` if it would
	/// take it.
	async fn refusal_at_best(&self, encoded: &[u8]) -> Result<Option<String>> {
		let (best, number) = self.best_block().await?;
		let validity = self
			.api
			.at_block(best)
			.await?
			.tx()
			.from_bytes(encoded.to_vec())
			.validate()
			.await?;
		Ok(match validity {
			ValidationResult::Valid(_) => None,
			ValidationResult::Invalid(why) => Some(format!(
				"invalid at best block #{number}: {}",
				match why {
					TransactionInvalid::Stale =>
						"Stale: its nonce is used by another transaction of \
						the signer"
							.into(),
					TransactionInvalid::AncientBirthBlock =>
						"AncientBirthBlock: the block it was signed at is too old".into(),
					TransactionInvalid::Payment => "Payment: the signer cannot pay the fee".into(),
					TransactionInvalid::BadProof =>
						"BadProof: the signature does not verify".into(),
					other => format!("{other:?}"),
				}
			)),
			ValidationResult::Unknown(why) =>
				Some(format!("the runtime at best block #{number} cannot tell: {why:?}")),
		})
	}

	/// The node's best block, hash and number.
	async fn best_block(&self) -> Result<(BlockHash, u32)> {
		let best = self
			.rpc
			.chain_get_block_hash(None)
			.await?
			.ok_or_else(|| anyhow!("the node reports no best block"))?;
		let number = self.api.at_block(best).await?.block_number();
		Ok((best, u32::try_from(number).context("a block number beyond u32")?))
	}

	/// Submits a motion of the authority collective to dispatch `call`, with `threshold` votes.
	/// Returns the motion's hash and index, and whether it already executed (threshold 1).
	pub async fn propose(&self, call: Call, threshold: u32, signer: &Keypair) -> Result<Proposal> {
		let at = self.at_reading_block().await?;
		let collective = collective(&at.metadata())?;
		let length = at.tx().call_data(&call)?.len() as u128;
		let call = calls::propose_motion(collective, threshold, call, length);
		let included = self.submit(call, signer).await?;
		Proposal::from_events(&included.events, &at.metadata(), collective)
	}

	/// Votes on an open motion of the authority collective.
	pub async fn vote(
		&self,
		hash: [u8; 32],
		index: u32,
		approve: bool,
		signer: &Keypair,
	) -> Result<()> {
		let collective = collective(&self.at_reading_block().await?.metadata())?;
		let call = calls::vote_on_motion(collective, hash, index, approve);
		self.submit(call, signer).await.map(|_| ())
	}

	/// Closes a motion that has its votes, executing it; returns its outcome.
	pub async fn close(&self, hash: [u8; 32], index: u32, signer: &Keypair) -> Result<Proposal> {
		let at = self.at_reading_block().await?;
		let (ref_time, proof_size, length) = self.motion_weight(hash).await?;
		let collective = collective(&at.metadata())?;
		let call = calls::close_motion(collective, hash, index, ref_time, proof_size, length);
		let included = self.submit(call, signer).await?;
		Proposal::from_events(&included.events, &at.metadata(), collective)
	}

	/// Reads storage `item` of the authority collective for open motion `hash` with `read`.
	async fn motion_entry<R>(
		&self,
		item: &str,
		hash: [u8; 32],
		read: impl FnOnce(subxt::storage::StorageValue<'_, Value>) -> Result<R>,
	) -> Result<R> {
		self.try_motion_entry(item, hash, read)
			.await?
			.ok_or_else(|| anyhow!("no open motion 0x{}", hex::encode(hash)))
	}

	/// Reads storage `item` of the authority collective for motion `hash` with `read`, if the
	/// motion is open.
	async fn try_motion_entry<R>(
		&self,
		item: &str,
		hash: [u8; 32],
		read: impl FnOnce(subxt::storage::StorageValue<'_, Value>) -> Result<R>,
	) -> Result<Option<R>> {
		let at = self.at_reading_block().await?;
		let collective = collective(&at.metadata())?;
		let entry = at
			.storage()
			.try_fetch(subxt::dynamic::storage::<([u8; 32],), Value>(collective, item), (hash,))
			.await?;
		entry.map(read).transpose()
	}

	/// How many ayes open motion `hash` needs, as it was proposed.
	pub async fn motion_threshold(&self, hash: [u8; 32]) -> Result<u32> {
		let votes = self.motion_entry("Voting", hash, |v| Ok(v.decode()?)).await?;
		votes
			.at("threshold")
			.and_then(|v| v.as_u128())
			.and_then(|t| u32::try_from(t).ok())
			.ok_or_else(|| anyhow!("the motion's votes have no threshold"))
	}

	/// Whether an open motion can be closed now: it has its majority, or can no longer get it.
	pub async fn motion_decided(&self, hash: [u8; 32]) -> Result<bool> {
		let votes = self.motion_entry("Voting", hash, |v| Ok(v.decode()?)).await?;
		let count = |field: &str| match votes.at(field).map(|v| &v.value) {
			Some(ValueDef::Composite(c)) => c.values().count() as u32,
			_ => 0,
		};
		let threshold = votes.at("threshold").and_then(|v| v.as_u128()).unwrap_or(u128::MAX) as u32;
		let members = self.authority_count().await?;
		Ok(count("ayes") >= threshold || count("nays") > members.saturating_sub(threshold))
	}

	/// The weight and encoded length of the call an open motion would dispatch, as the runtime
	/// computes them: closing needs both as bounds.
	async fn motion_weight(&self, hash: [u8; 32]) -> Result<(u64, u64, u32)> {
		let call = self.motion_entry("ProposalOf", hash, |v| Ok(v.into_bytes())).await?;
		let at = self.at_reading_block().await?;
		let length = call.len() as u32;
		let mut args = call;
		length.encode_to(&mut args);
		let answer = at
			.runtime_apis()
			.call_raw("TransactionPaymentCallApi_query_call_info", Some(&args))
			.await?;
		/// `RuntimeDispatchInfo` as the runtime encodes it.
		#[derive(Decode)]
		struct DispatchInfo {
			ref_time: codec::Compact<u64>,
			proof_size: codec::Compact<u64>,
			_class: u8,
			_partial_fee: u128,
		}
		let info =
			DispatchInfo::decode(&mut &answer[..]).context("cannot decode the motion's weight")?;
		Ok((info.ref_time.0, info.proof_size.0, length))
	}

	async fn at_finalized(&self) -> Result<AtBlock> {
		let finalized = self.rpc.chain_get_finalized_head().await?;
		Ok(self.api.at_block(finalized).await?)
	}

	/// The block reads are made at: the one given to [`Chain::reading_at`], or the best block.
	async fn at_reading_block(&self) -> Result<AtBlock> {
		if let Some(block) = self.reads_at {
			return Ok(self.api.at_block(block).await?);
		}
		let best = self
			.rpc
			.chain_get_block_hash(None)
			.await?
			.ok_or_else(|| anyhow!("the node reports no best block"))?;
		Ok(self.api.at_block(best).await?)
	}

	/// Calls runtime API function `name` (`Trait_method`) with SCALE-encoded `args` at the best
	/// block and decodes the result.
	async fn call<R: Decode>(&self, name: &str, args: impl Encode) -> Result<R> {
		let at = self.at_reading_block().await?;
		let bytes =
			at.runtime_apis().call_raw(name, Some(&args.encode())).await.with_context(|| {
				format!("runtime API {name} failed: is this the right MedFed chain (region or coordinator)?")
			})?;
		R::decode(&mut &bytes[..]).with_context(|| format!("cannot decode the answer of {name}"))
	}

	/// A record by id.
	pub async fn record(&self, id: RecordId) -> Result<Option<Record>> {
		self.call("RecordsApi_record", id).await
	}

	/// For each authority, the state of its IPFS node's pin of record `id`: pending, pinned
	/// (when), or unpinnable (why, and when that was reported).
	pub async fn pin_status(&self, id: RecordId) -> Result<Vec<(AccountId32, PinState<u32>)>> {
		self.call("PinningApi_pin_status", id).await
	}

	/// A page of a patient's records.
	pub async fn records_of_patient(
		&self,
		patient: &AccountId32,
		start: u32,
		limit: u32,
	) -> Result<RecordPage<AccountId32, u32>> {
		self.call("RecordsApi_records_of_patient", (patient, start, limit)).await
	}

	/// A registered patient.
	pub async fn patient(&self, patient: &AccountId32) -> Result<Option<Patient<u32>>> {
		self.call("RecordsApi_patient", patient).await
	}

	/// One institution.
	pub async fn institution(&self, account: &AccountId32) -> Result<Option<Institution>> {
		self.call("InstitutionsApi_institution", account).await
	}

	/// The para ids of the regions that hold records of `patient` (the coordinator's
	/// directory).
	pub async fn regions_of(&self, patient: &AccountId32) -> Result<Vec<u32>> {
		self.call("DirectoryApi_regions_of", patient).await
	}

	/// The federation's regions, as the coordinator knows them: para id and name.
	pub async fn regions(&self) -> Result<Vec<(u32, Vec<u8>)>> {
		self.call("DirectoryApi_regions", ()).await
	}

	/// Every institution of the region.
	pub async fn institutions(&self) -> Result<Vec<Institution>> {
		self.call("InstitutionsApi_institutions", ()).await
	}

	/// How many members the chain's collective has (a region's authorities, the coordinator's
	/// council): a majority motion needs more than half.
	pub async fn authority_count(&self) -> Result<u32> {
		let at = self.at_reading_block().await?;
		let collective = collective(&at.metadata())?;
		let members = at
			.storage()
			.fetch(subxt::dynamic::storage::<(), Value>(collective, "Members"), ())
			.await?
			.decode()?;
		match members.value {
			ValueDef::Composite(c) => Ok(c.values().count() as u32),
			_ => bail!("unexpected shape of {collective}.Members"),
		}
	}

	/// The runtime's version now: what an upgrade's code must keep (`spec_name`) and raise
	/// (`spec_version`).
	pub async fn spec_version(&self) -> Result<SpecVersion> {
		self.call("Core_version", ()).await
	}

	/// The code hash a runtime upgrade is authorized for (`System.AuthorizedUpgrade`), if any.
	pub async fn authorized_upgrade(&self) -> Result<Option<[u8; 32]>> {
		let at = self.at_reading_block().await?;
		let Some(authorization) = at
			.storage()
			.try_fetch(subxt::dynamic::storage::<(), Value>("System", "AuthorizedUpgrade"), ())
			.await?
		else {
			return Ok(None);
		};
		let authorization: Value = authorization.decode()?;
		authorization
			.at("code_hash")
			.and_then(bytes32)
			.map(Some)
			.ok_or_else(|| anyhow!("unexpected shape of System.AuthorizedUpgrade"))
	}

	/// The blake2-256 hash of the code the chain has stored for the relay chain to enact
	/// (`ParachainSystem.PendingValidationCode`), if any.
	pub async fn pending_code(&self) -> Result<Option<[u8; 32]>> {
		let at = self.at_reading_block().await?;
		if at.metadata().pallet_by_name("ParachainSystem").is_none() {
			return Ok(None);
		}
		let code = at
			.storage()
			.try_fetch(
				subxt::dynamic::storage::<(), Value>("ParachainSystem", "PendingValidationCode"),
				(),
			)
			.await?
			.map(|code| code.into_bytes())
			.unwrap_or_default();
		// The stored value is the SCALE-encoded `Vec<u8>`: its length prefix, then the code.
		let code = Vec::<u8>::decode(&mut &code[..]).unwrap_or_default();
		Ok((!code.is_empty()).then(|| sp_crypto_hashing::blake2_256(&code)))
	}

	/// `call` encoded with the chain's metadata: fails if the chain has no such call, or the
	/// arguments do not fit its types.
	pub async fn call_data(&self, call: &Call) -> Result<Vec<u8>> {
		Ok(self.at_reading_block().await?.tx().call_data(call)?)
	}

	/// The open motion of the chain's collective that would dispatch `call`, if there is one:
	/// its hash and index. (A second motion of the same call is refused as a duplicate.)
	pub async fn open_motion_of(&self, call: &Call) -> Result<Option<([u8; 32], u32)>> {
		let at = self.at_reading_block().await?;
		let hash = sp_crypto_hashing::blake2_256(&at.tx().call_data(call)?);
		let Some(votes) = self.try_motion_entry("Voting", hash, |v| Ok(v.decode()?)).await? else {
			return Ok(None);
		};
		let index = votes
			.at("index")
			.and_then(|v| v.as_u128())
			.and_then(|i| u32::try_from(i).ok())
			.ok_or_else(|| anyhow!("the motion's votes have no index"))?;
		Ok(Some((hash, index)))
	}

	/// Sends `code`, whose hash a motion authorized, with `System.apply_authorized_upgrade`.
	/// Returns whether the chain scheduled it: a parachain stores it for the relay chain to
	/// enact (`ParachainSystem.ValidationFunctionStored`).
	/// The chain drops the authorization either way; code it rejects (its version) is an error.
	pub async fn apply_upgrade(&self, code: &[u8], signer: &Keypair) -> Result<bool> {
		let metadata = self.at_reading_block().await?.metadata();
		let included = self.submit(calls::apply_authorized_upgrade(code), signer).await?;
		let mut scheduled = false;
		for event in included.events.iter() {
			let event = event?;
			match (event.pallet_name(), event.event_name()) {
				("ParachainSystem", "ValidationFunctionStored") | ("System", "CodeUpdated") =>
					scheduled = true,
				("System", "RejectedInvalidAuthorizedUpgrade") => {
					let fields: Value = event.decode_fields_unchecked_as::<Value>()?;
					bail!(
						"the chain rejected the code and dropped its authorization: {}",
						describe_value(fields.at("error"), &metadata)
					);
				},
				_ => {},
			}
		}
		Ok(scheduled)
	}
}

/// A motion of the chain's collective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
	/// The motion's hash.
	pub hash: [u8; 32],
	/// Its index, needed to vote and close.
	pub index: Option<u32>,
	/// `Some` once the motion executed: its dispatch result.
	pub executed: Option<Result<(), String>>,
}

impl Proposal {
	fn from_events(
		events: &ExtrinsicEvents<Config>,
		metadata: &subxt::Metadata,
		collective: &str,
	) -> Result<Self> {
		let mut proposal: Option<Proposal> = None;
		for event in events.iter() {
			let event = event?;
			if event.pallet_name() != collective {
				continue;
			}
			let fields: Value = event.decode_fields_unchecked_as::<Value>()?;
			let hash = fields
				.at("proposal_hash")
				.and_then(bytes32)
				.ok_or_else(|| anyhow!("collective event without a proposal hash"))?;
			let entry = proposal.get_or_insert(Proposal { hash, index: None, executed: None });
			match event.event_name() {
				"Proposed" =>
					entry.index =
						fields.at("proposal_index").and_then(|v| v.as_u128()).map(|i| i as u32),
				"Executed" => entry.executed = Some(dispatch_result(fields.at("result"), metadata)),
				"Disapproved" => entry.executed = Some(Err("the authorities voted it down".into())),
				_ => {},
			}
		}
		proposal.ok_or_else(|| anyhow!("the collective reported no motion"))
	}
}

/// The pallet of the collective that governs the chain: a region's `AuthorityCollective`, the
/// coordinator's `FederationCouncil`.
fn collective(metadata: &subxt::Metadata) -> Result<&'static str> {
	["AuthorityCollective", "FederationCouncil"]
		.into_iter()
		.find(|name| metadata.pallet_by_name(name).is_some())
		.ok_or_else(|| {
			anyhow!(
				"this chain has no MedFed collective (AuthorityCollective or FederationCouncil)"
			)
		})
}

/// Reads a 32-byte hash, whether it decodes as bytes or as a newtype around them (`H256`).
fn bytes32(value: &Value) -> Option<[u8; 32]> {
	fn collect(value: &Value, out: &mut Vec<u8>) -> Option<()> {
		match &value.value {
			ValueDef::Composite(c) => c.values().try_for_each(|v| collect(v, out)),
			_ => {
				out.push(u8::try_from(value.as_u128()?).ok()?);
				Some(())
			},
		}
	}
	let mut bytes = Vec::with_capacity(32);
	collect(value, &mut bytes)?;
	bytes.try_into().ok()
}

/// Reads a `Result<(), DispatchError>` event field, naming a module error with its docs.
fn dispatch_result(value: Option<&Value>, metadata: &subxt::Metadata) -> Result<(), String> {
	let Some(Value { value: ValueDef::Variant(variant), .. }) = value else {
		return Err("the motion's result is missing".into());
	};
	if variant.name == "Ok" {
		return Ok(());
	}
	Err(describe_value(variant.values.values().next(), metadata))
}

/// Names a `DispatchError` event field's module error with its docs.
fn describe_value(error: Option<&Value>, metadata: &subxt::Metadata) -> String {
	let module = error.and_then(|e| e.at("Module").or_else(|| e.at(0)));
	let described = module.and_then(|m| {
		let pallet = m.at("index")?.as_u128()? as u8;
		let index = m.at("error")?.at(0)?.as_u128()? as u8;
		let pallet = metadata.pallet_by_error_index(pallet)?;
		let variant = pallet.error_variant_by_index(index)?;
		Some(format!("{}.{}: {}", pallet.name(), variant.name, variant.docs.join(" ").trim()))
	});
	described.unwrap_or_else(|| format!("{error:?}"))
}

/// "Pallet.Error: docs" for a dispatch error.
pub fn describe(error: &DispatchError) -> String {
	match error {
		DispatchError::Module(module) => match module.details() {
			Ok(details) => {
				let docs = details.variant.docs.join(" ");
				format!("{}.{}: {}", details.pallet.name(), details.variant.name, docs.trim())
			},
			Err(_) => module.to_string(),
		},
		other => other.to_string(),
	}
}

/// The id in a `Records.RecordRegistered` event among `events`.
pub fn registered_record_id(events: &ExtrinsicEvents<Config>) -> Result<RecordId> {
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() == "Records" && event.event_name() == "RecordRegistered" {
			let fields: Value = event.decode_fields_unchecked_as::<Value>()?;
			return fields
				.at("id")
				.and_then(|v| v.as_u128())
				.map(|id| id as RecordId)
				.ok_or_else(|| anyhow!("RecordRegistered without an id"));
		}
	}
	bail!("the chain did not report a registered record")
}
