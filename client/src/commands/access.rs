//! Sharing records: `ehr grant` (and `grant extend`), `ehr revoke`, `ehr grants`, `ehr request`,
//! `ehr complain`, `ehr audit` and `ehr proxy set-account`. `ehr read` is in `read`.
//!
//! A grant is made by the patient's client: a fresh salt names it, [`sharing::grant_key`] derives
//! its own delegating key, every record in scope is wrapped again to that key
//! ([`sharing::rewrap`]) and its re-encryption key is split into one key fragment per authority
//! of the region, in the order of the chain's authority set ([`sharing::make_fragments`]). The
//! chain stores only ciphertexts of all that. Nothing secret is printed.
//!
//! Every argument that can be checked without the chain is checked by [`check_arguments`]
//! before `ehr` connects; the rest (the grantee's key, the authorities, the threshold against
//! them, the records) before anything is sent.

use super::{
	args::{open_keystore, umbral_key_arg},
	Context,
};
use crate::{
	chain::{
		access::{Grant, GrantId, RequestId, RequestState, Scope},
		account,
		calls::{self, GrantScope},
		BlockHash, Chain, Config, Institution, Record,
	},
	cli::{Command, GrantArgs, GrantCmd, KeysCmd, ProxyCmd, ScopeArgs, Signer},
	keystore::Identity,
	render::{
		audit_text, denial_text, extend_text, grant_made_text, grants_text, print, request_text,
		revoke_text, AuditView, ExtendView, GrantMadeView, GrantView, GrantsView, ProxyAccountView,
		RequestView, RevokeView,
	},
	sharing,
};
use anyhow::{anyhow, bail, Context as _, Result};
use medfed_primitives::{MembershipStatus, PublicKey, RecordId, ResourceType, Role};
use rand_core::{OsRng, RngCore};
use serde::Serialize;
use subxt::{
	dynamic::{At, Value},
	extrinsics::ExtrinsicEvents,
	utils::AccountId32,
};

/// The region runtime's limits (`runtime/region/src/configs/medfed.rs`), checked here so that a
/// grant or request beyond them is refused before it is sent; the chain checks them again.
pub(super) mod limits {
	/// Most FHIR resource types one scope names (`MaxScopeTypes`).
	pub const SCOPE_TYPES: usize = 16;
	/// Most record ids one scope names (`MaxScopeRecords`).
	pub const SCOPE_RECORDS: usize = 32;
	/// Most records one grant or extension call wraps (`MaxEnvelopesPerCall`).
	pub const ENVELOPES_PER_CALL: usize = 32;
	/// Most records a grant holds wrapped (`MaxRecordsPerGrant`).
	pub const RECORDS_PER_GRANT: usize = 1024;
	/// Most records one request asks for (`MaxRecordsPerRequest`).
	pub const RECORDS_PER_REQUEST: usize = 16;
	/// Longest purpose, in bytes (`MaxPurposeLen`).
	pub const PURPOSE_LEN: usize = 128;
}

/// How many records or audit entries one runtime API call asks for.
const PAGE: u32 = 500;

/// Checks the arguments of the sharing commands that need no chain, before `ehr` connects: a
/// bad one is refused without a node.
pub(super) fn check_arguments(command: &Command) -> Result<()> {
	match command {
		Command::Grant(GrantArgs { action: None, to, scope, threshold, expires_in, .. }) =>
			new_grant_arguments(to.as_deref(), scope, *threshold, *expires_in).map(|_| ()),
		Command::Grants { key, patient, grantee } =>
			grants_whose(key.as_deref(), patient.as_deref(), grantee.as_deref()).map(|_| ()),
		Command::Request { records, purpose, .. } => request_arguments(records, purpose),
		Command::Audit { key, patient } =>
			audit_whose(key.as_deref(), patient.as_deref()).map(|_| ()),
		Command::Proxy(ProxyCmd::SetAccount { account: proxy, .. }) => account(proxy).map(|_| ()),
		Command::Complain { proxy, .. } => account(proxy).map(|_| ()),
		Command::Keys(KeysCmd::Publish { signer, umbral_key, dev_key }) => match umbral_key {
			Some(key) => umbral_key_arg("--umbral-key", key).map(|_| ()),
			None if dev_key.is_none() && signer.key.is_none() => bail!(
				"give --umbral-key or --dev-key, or sign with a keystore identity (--key), whose \
				 key is published"
			),
			None => Ok(()),
		},
		// One record goes to a new file, several into a directory: an existing file is wrong
		// either way.
		Command::Read { output, .. } =>
			if output.as_os_str() != "-" && output.exists() && !output.is_dir() {
				bail!(
					"{} exists: `ehr read` never overwrites a file; name a new one",
					output.display()
				)
			} else {
				Ok(())
			},
		_ => Ok(()),
	}
}

/// A new grant's arguments, checked.
#[derive(Debug, PartialEq)]
pub(super) struct NewGrant {
	pub grantee: AccountId32,
	pub scope: GrantScope,
	pub threshold: u8,
	pub expires_in: u32,
}

/// Checks `ehr grant`'s arguments: the grantee's address, the scope, a threshold of at least 1
/// (its upper bound is the region's number of authorities, known only to the chain) and a
/// duration of at least one block.
pub(super) fn new_grant_arguments(
	to: Option<&str>,
	scope: &ScopeArgs,
	threshold: Option<u8>,
	expires_in: Option<u32>,
) -> Result<NewGrant> {
	let grantee = account(to.context("--to ACCOUNT (the grantee) is required")?)?;
	let scope = scope_arg(scope)?;
	let threshold = threshold.context("--threshold M is required")?;
	check_threshold(threshold, None)?;
	let expires_in = expires_in.context("--expires-in BLOCKS is required")?;
	if expires_in == 0 {
		bail!("--expires-in must be at least 1 block: the grant ends at the best block plus it");
	}
	Ok(NewGrant { grantee, scope, threshold, expires_in })
}

/// The scope `--all`, `--types` or `--records` names: FHIR R4 type names (case-sensitive)
/// checked with the chain's own list, no name or id twice, within the chain's bounds.
pub(super) fn scope_arg(scope: &ScopeArgs) -> Result<GrantScope> {
	let given = [scope.all, !scope.types.is_empty(), !scope.records.is_empty()];
	if given.iter().filter(|g| **g).count() != 1 {
		bail!("give exactly one of --all, --types TYPES or --records IDS");
	}
	if scope.all {
		return Ok(GrantScope::All);
	}
	if !scope.records.is_empty() {
		let ids = &scope.records;
		if let Some(id) = repeated(ids) {
			bail!("--records names record {id} twice");
		}
		if ids.len() > limits::SCOPE_RECORDS {
			bail!(
				"--records names {} records; a grant names at most {} by id (use --types or --all \
				 for more)",
				ids.len(),
				limits::SCOPE_RECORDS
			);
		}
		return Ok(GrantScope::Records(ids.clone()));
	}
	let mut types = Vec::with_capacity(scope.types.len());
	for name in &scope.types {
		if name.is_empty() {
			bail!("--types has an empty name: give names separated by commas, e.g. Observation,Condition");
		}
		let parsed = ResourceType::parse(name.as_bytes()).ok_or_else(|| {
			anyhow!(
				"--types: '{name}' is not a FHIR R4 resource type (they are case-sensitive, e.g. \
				 Observation)"
			)
		})?;
		if types.contains(&parsed) {
			bail!("--types names {name} twice");
		}
		types.push(parsed);
	}
	if types.len() > limits::SCOPE_TYPES {
		bail!("--types names {} types; a grant names at most {}", types.len(), limits::SCOPE_TYPES);
	}
	Ok(GrantScope::Types(types))
}

/// The first value that is in `values` twice.
fn repeated<T: PartialEq + Copy>(values: &[T]) -> Option<T> {
	values
		.iter()
		.enumerate()
		.find(|(i, v)| values[..*i].contains(v))
		.map(|(_, v)| *v)
}

/// A threshold `m` is at least 1 and at most the number of proxies `n` (when known).
pub(super) fn check_threshold(m: u8, proxies: Option<usize>) -> Result<()> {
	if m == 0 {
		bail!(
			"--threshold must be at least 1: that many proxies must answer for the grantee to read"
		);
	}
	if let Some(n) = proxies {
		if usize::from(m) > n {
			bail!(
				"--threshold {m} is more than the region's {n} authorities: the proxies are the \
				 authorities, so at most {n} can answer"
			);
		}
	}
	Ok(())
}

/// The region's proxies: its active authorities, sorted by account bytes as the chain's
/// authority set is (`pallet_institutions::Authorities`): the grant carries one key fragment per
/// authority in that order. Each with its proxy's Umbral key.
pub(super) fn proxies_in_order(
	institutions: &[Institution],
) -> Result<Vec<(AccountId32, PublicKey)>> {
	let mut proxies = institutions
		.iter()
		.filter(|i| {
			i.role == Role::Authority && matches!(i.status, MembershipStatus::Active { .. })
		})
		.map(|i| {
			let key = i.proxy_key.ok_or_else(|| {
				anyhow!("authority {} has no proxy key on chain: it cannot be a proxy", i.account)
			})?;
			Ok((i.account, key))
		})
		.collect::<Result<Vec<_>>>()?;
	proxies.sort_by_key(|(account, _)| account.0);
	if proxies.is_empty() {
		bail!("the region has no active authority to act as proxy");
	}
	Ok(proxies)
}

/// The scope as the chain reads it back.
fn chain_scope(scope: &GrantScope) -> Scope {
	match scope {
		GrantScope::All => Scope::All,
		GrantScope::Types(types) => Scope::Types(types.clone()),
		GrantScope::Records(ids) => Scope::Records(ids.clone()),
	}
}

/// The patient's records `scope` covers that can be wrapped to a grant: not voided, in
/// registration order.
pub(super) fn in_scope(scope: &Scope, records: &[Record]) -> Vec<RecordId> {
	records
		.iter()
		.filter(|r| r.voided_at.is_none() && scope.covers(r.id, &r.record.resource_type))
		.map(|r| r.id)
		.collect()
}

/// A grant naming records by id wraps every one of them: each must be one of the patient's
/// records, and not voided.
pub(super) fn check_named_records(ids: &[RecordId], records: &[Record]) -> Result<()> {
	for id in ids {
		match records.iter().find(|r| r.id == *id) {
			None => bail!("record {id} is not one of the patient's records in this region"),
			Some(r) =>
				if let Some(at) = r.voided_at {
					bail!("record {id} was voided by the region's authorities at block {at}: it cannot be shared");
				},
		}
	}
	Ok(())
}

/// Checks `ehr request`'s records and purpose.
pub(super) fn request_arguments(records: &[RecordId], purpose: &str) -> Result<()> {
	if records.is_empty() {
		bail!("--records names no record");
	}
	if let Some(id) = repeated(records) {
		bail!("--records names record {id} twice");
	}
	if records.len() > limits::RECORDS_PER_REQUEST {
		bail!(
			"--records names {} records; one request asks for at most {} (make several requests)",
			records.len(),
			limits::RECORDS_PER_REQUEST
		);
	}
	if purpose.trim().is_empty() {
		bail!("--purpose is empty: say why, for the patient's audit trail (e.g. \"referral\")");
	}
	if purpose.len() > limits::PURPOSE_LEN {
		bail!("--purpose is {} bytes; at most {}", purpose.len(), limits::PURPOSE_LEN);
	}
	Ok(())
}

/// Whose grants `ehr grants` lists.
#[derive(Debug, PartialEq)]
enum GrantsOf {
	/// A keystore identity's, made and held.
	Identity(String),
	Patient(AccountId32),
	Grantee(AccountId32),
}

/// `--patient` or `--grantee` win over `--key` (which may come from EHR_KEY).
fn grants_whose(
	key: Option<&str>,
	patient: Option<&str>,
	grantee: Option<&str>,
) -> Result<GrantsOf> {
	match (patient, grantee, key) {
		(Some(p), _, _) => Ok(GrantsOf::Patient(account(p)?)),
		(None, Some(g), _) => Ok(GrantsOf::Grantee(account(g)?)),
		(None, None, Some(k)) => Ok(GrantsOf::Identity(k.to_owned())),
		(None, None, None) =>
			bail!("give --key NAME (a keystore identity), --patient ACCOUNT or --grantee ACCOUNT"),
	}
}

/// Whose audit trail `ehr audit` prints: `--patient`'s, else the keystore identity's. `Err` with
/// the identity's name to open.
fn audit_whose(key: Option<&str>, patient: Option<&str>) -> Result<Result<AccountId32, String>> {
	match (patient, key) {
		(Some(p), _) => Ok(Ok(account(p)?)),
		(None, Some(k)) => Ok(Err(k.to_owned())),
		(None, None) =>
			bail!("give --key NAME (the patient's keystore identity) or --patient ACCOUNT"),
	}
}

/// Field `field` (a number) of the first `Access` event among `events` named one of `names`:
/// the event's name and the number.
fn access_event(
	events: &ExtrinsicEvents<Config>,
	names: &[&str],
	field: &str,
) -> Result<Option<(String, u64)>> {
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() != "Access" || !names.contains(&event.event_name()) {
			continue;
		}
		let fields: Value = event.decode_fields_unchecked_as::<Value>()?;
		let value = fields
			.at(field)
			.and_then(|v| v.as_u128())
			.ok_or_else(|| anyhow!("Access.{} without its {field}", event.event_name()))?;
		let value = u64::try_from(value).map_err(|_| {
			anyhow!("Access.{}: {field} {value} is out of range", event.event_name())
		})?;
		return Ok(Some((event.event_name().to_owned(), value)));
	}
	Ok(None)
}

/// Every record of `patient`, page by page, in registration order.
async fn all_records(chain: &Chain, patient: &AccountId32) -> Result<Vec<Record>> {
	let mut records: Vec<Record> = Vec::new();
	loop {
		let page = chain.records_of_patient(patient, records.len() as u32, PAGE).await?;
		let got = page.records.len();
		records.extend(page.records);
		if got == 0 || records.len() as u32 >= page.total {
			return Ok(records);
		}
	}
}

/// An Umbral key as the chain takes it.
fn public_key(key: &umbral_pre::PublicKey) -> Result<PublicKey> {
	PublicKey::parse(&key.to_compressed_bytes())
		.map_err(|e| anyhow!("umbral-pre made a key that is no curve point: {e:?}"))
}

/// Wraps each record of `ids` (all in `records`) to the grant's public key, opening its document
/// key with the patient's secret key.
fn wrap(
	patient: &Identity,
	records: &[Record],
	ids: &[RecordId],
	grant_public: &umbral_pre::PublicKey,
) -> Result<Vec<calls::Envelope>> {
	ids.iter()
		.map(|id| {
			let record = &records
				.iter()
				.find(|r| r.id == *id)
				.ok_or_else(|| anyhow!("record {id} is not one of the patient's records"))?
				.record;
			let (capsule, wrapped_key) = sharing::rewrap(
				&mut OsRng,
				&patient.umbral,
				&record.capsule,
				&record.wrapped_key,
				grant_public,
			)
			.map_err(|e| anyhow!("record {id}: {e}"))?;
			Ok((*id, capsule, wrapped_key))
		})
		.collect()
}

/// Sends `envelopes` to grant `id` in `extend_grant` calls of at most
/// [`limits::ENVELOPES_PER_CALL`], after `wrapped` (wrapped in block `last`). Returns the
/// records wrapped and the block the last call was in; on a failure, what was wrapped before it
/// is named in the error.
async fn extend_in_batches(
	chain: &Chain,
	patient: &Identity,
	id: GrantId,
	envelopes: &[calls::Envelope],
	(mut wrapped, mut last): (Vec<RecordId>, Option<BlockHash>),
	in_scope: usize,
) -> Result<(Vec<RecordId>, Option<BlockHash>)> {
	for batch in envelopes.chunks(limits::ENVELOPES_PER_CALL) {
		match chain.submit(calls::extend_grant(id, batch), &patient.signer).await {
			Ok(included) => last = Some(included.block),
			Err(error) => bail!(
				"{error:#}\nGrant {id} holds {} of the {in_scope} records in its scope so far; run \
				 `ehr grant extend --key {} {id}` to wrap the rest.",
				wrapped.len(),
				patient.name
			),
		}
		wrapped.extend(batch.iter().map(|(record, ..)| *record));
	}
	Ok((wrapped, last))
}

/// Runs `ehr grant` and `ehr grant extend`.
pub(super) async fn grant(context: &Context, args: GrantArgs) -> Result<()> {
	let GrantArgs { action, key, to, scope, threshold, expires_in } = args;
	if let Some(GrantCmd::Extend { key, grant }) = action {
		return extend(context, &key, grant).await;
	}
	let new = new_grant_arguments(to.as_deref(), &scope, threshold, expires_in)?;
	let key = key.context("--key NAME (the patient's keystore identity) is required")?;
	let patient = open_keystore(&context.keystore)?.identity(&key)?;
	let chain = &context.chain;
	let who = patient.account();

	// What the chain checks, checked first with clear words, before anything is sent.
	let registered = chain.patient(&who).await?.ok_or_else(|| {
		anyhow!("'{key}' ({who}) is not a registered patient of this region: `ehr patient register --key {key}` first")
	})?;
	if registered.key != patient.umbral_public() {
		bail!(
			"the Umbral key of '{key}' is not the one {who} registered: the records are encrypted \
			 to that one, which this identity cannot open"
		);
	}
	if new.grantee == who {
		bail!("a patient does not grant access to themself: --to names the grantee");
	}
	let grantee_key = chain.access_key(&new.grantee).await?.ok_or_else(|| {
		anyhow!(
			"{} has published no Umbral key for access grants: the grantee runs `ehr keys publish \
			 --key <their identity>` first",
			new.grantee
		)
	})?;
	let proxies = proxies_in_order(&chain.institutions().await?)?;
	check_threshold(new.threshold, Some(proxies.len()))?;
	let records = all_records(chain, &who).await?;
	if let GrantScope::Records(ids) = &new.scope {
		check_named_records(ids, &records)?;
	}
	let selected = in_scope(&chain_scope(&new.scope), &records);
	if selected.len() > limits::RECORDS_PER_GRANT {
		bail!(
			"the scope covers {} records; a grant holds at most {}: narrow it with --types or \
			 --records, or make several grants",
			selected.len(),
			limits::RECORDS_PER_GRANT
		);
	}
	for (authority, _) in &proxies {
		if chain.proxy_account(authority).await?.is_none() {
			eprintln!(
				"note: authority {authority} has named no proxy account yet (`ehr proxy \
				 set-account`): until it does, its proxy cannot answer requests"
			);
		}
	}

	// The grant's keys and envelopes, in memory only.
	let mut salt = [0u8; 32];
	OsRng.fill_bytes(&mut salt);
	let grant_secret = sharing::grant_key(&patient.umbral, &salt);
	let grant_public = grant_secret.public_key();
	let signer = sharing::signing_key(&patient.umbral);
	let envelopes = wrap(&patient, &records, &selected, &grant_public)?;
	let proxy_keys = proxies
		.iter()
		.map(|(authority, key)| {
			key.to_umbral()
				.map_err(|_| anyhow!("the proxy key of authority {authority} is not a curve point"))
		})
		.collect::<Result<Vec<_>>>()?;
	let grantee_umbral = grantee_key
		.to_umbral()
		.map_err(|_| anyhow!("the grantee's published key is not a curve point"))?;
	let fragments = sharing::make_fragments(
		&mut OsRng,
		&grant_secret,
		&signer,
		&grantee_umbral,
		usize::from(new.threshold),
		&proxy_keys,
		&sharing::grant_ref(&who.0, &new.grantee.0, &salt),
	)
	.map_err(|e| anyhow!("{e}"))?;
	let (_, best) = chain.reading_block().await?;
	let expires_at = best
		.checked_add(new.expires_in)
		.context("--expires-in is too far: the block number would overflow")?;

	let (first, rest) = envelopes.split_at(envelopes.len().min(limits::ENVELOPES_PER_CALL));
	let call = calls::grant(
		&new.grantee,
		&new.scope,
		new.threshold,
		expires_at,
		&salt,
		&public_key(&grant_public)?,
		&public_key(&signer.verifying_key())?,
		&fragments,
		first,
	);
	let included = chain.submit(call, &patient.signer).await?;
	let (_, id) = access_event(&included.events, &["Granted"], "grant")?
		.context("the chain reported no Access.Granted event")?;
	let wrapped = (first.iter().map(|(record, ..)| *record).collect(), Some(included.block));
	let (wrapped, last) =
		extend_in_batches(chain, &patient, id, rest, wrapped, selected.len()).await?;

	// Read at the block of the last call: the best block may be a sibling without it.
	let at = chain.reading_at(last.unwrap_or(included.block));
	let (_, best) = at.reading_block().await?;
	let grant = at.grant(id).await?.context("the grant is not on chain after granting")?;
	let view = GrantMadeView { grant: GrantView::new(id, &grant, best), records_wrapped: wrapped };
	print(context.json, &view, grant_made_text);
	Ok(())
}

/// Runs `ehr grant extend`: wraps to live grant `id` the records in its scope it does not hold.
async fn extend(context: &Context, key: &str, id: GrantId) -> Result<()> {
	let patient = open_keystore(&context.keystore)?.identity(key)?;
	let chain = &context.chain;
	let who = patient.account();
	let grant = chain.grant(id).await?.ok_or_else(|| anyhow!("no grant {id} in this region"))?;
	if grant.patient != who {
		bail!(
			"grant {id} was made by {}, not by '{key}' ({who}): only its patient extends it",
			grant.patient
		);
	}
	if let Some(at) = grant.revoked_at {
		bail!("grant {id} was revoked at block {at}: nothing more can be wrapped to it");
	}
	let (_, best) = chain.reading_block().await?;
	if best >= grant.expires_at {
		bail!("grant {id} expired at block {}: make a new grant", grant.expires_at);
	}
	// The grant's key comes again from the patient's secret key and the grant's salt.
	let grant_secret = sharing::grant_key(&patient.umbral, &grant.salt);
	let grant_public = grant_secret.public_key();
	if public_key(&grant_public)? != grant.delegating_key {
		bail!("the Umbral key of '{key}' does not derive grant {id}'s key: it is not the key the grant was made with");
	}
	let records = all_records(chain, &who).await?;
	let mut pending = Vec::new();
	for record in in_scope(&grant.scope, &records) {
		if chain.envelope(id, record).await?.is_none() {
			pending.push(record);
		}
	}
	let envelopes = wrap(&patient, &records, &pending, &grant_public)?;
	let (wrapped, _) =
		extend_in_batches(chain, &patient, id, &envelopes, (Vec::new(), None), pending.len())
			.await?;
	print(context.json, &ExtendView { grant: id, records_wrapped: wrapped }, extend_text);
	Ok(())
}

/// Runs `ehr revoke`: the patient revokes grant `id`.
pub(super) async fn revoke(context: &Context, signer: &Signer, id: GrantId) -> Result<()> {
	let chain = &context.chain;
	let keypair = signer.keypair(&context.keystore)?;
	let who = keypair.public_key().to_account_id();
	let grant = chain.grant(id).await?.ok_or_else(|| anyhow!("no grant {id} in this region"))?;
	if grant.patient != who {
		bail!(
			"grant {id} was made by {}, not by {who}: only its patient revokes it",
			grant.patient
		);
	}
	if let Some(at) = grant.revoked_at {
		bail!("grant {id} was revoked already, at block {at}");
	}
	let included = chain.submit(calls::revoke(id), &keypair).await?;
	let denied = access_event(&included.events, &["Revoked"], "denied")?
		.context("the chain reported no Access.Revoked event")?
		.1;
	let revoked_at = chain
		.reading_at(included.block)
		.grant(id)
		.await?
		.and_then(|g| g.revoked_at)
		.context("the grant is not revoked on chain after revoking it")?;
	let view = RevokeView { grant: id, revoked_at, requests_denied: denied as u32 };
	print(context.json, &view, revoke_text);
	Ok(())
}

/// The grants `ids`, as they stand on `chain`'s block number `best`.
async fn grant_views(chain: &Chain, ids: Vec<GrantId>, best: u32) -> Result<Vec<GrantView>> {
	let mut views = Vec::with_capacity(ids.len());
	for id in ids {
		let grant = chain
			.grant(id)
			.await?
			.ok_or_else(|| anyhow!("grant {id} is indexed but missing"))?;
		views.push(GrantView::new(id, &grant, best));
	}
	Ok(views)
}

/// Runs `ehr grants`.
pub(super) async fn grants(
	context: &Context,
	key: Option<String>,
	patient: Option<String>,
	grantee: Option<String>,
) -> Result<()> {
	let (made, held) = match grants_whose(key.as_deref(), patient.as_deref(), grantee.as_deref())? {
		GrantsOf::Patient(who) => (Some(who), None),
		GrantsOf::Grantee(who) => (None, Some(who)),
		GrantsOf::Identity(name) => {
			let who = open_keystore(&context.keystore)?.identity(&name)?.account();
			(Some(who), Some(who))
		},
	};
	// One block for every read, and the states at it.
	let (block, best) = context.chain.reading_block().await?;
	let chain = context.chain.reading_at(block);
	let as_patient = match made {
		Some(who) => Some(grant_views(&chain, chain.grants_of_patient(&who).await?, best).await?),
		None => None,
	};
	let as_grantee = match held {
		Some(who) => Some(grant_views(&chain, chain.grants_to(&who).await?, best).await?),
		None => None,
	};
	print(context.json, &GrantsView { best_block: best, as_patient, as_grantee }, grants_text);
	Ok(())
}

/// Runs `ehr request`: the grantee asks to read `records` under `grant`.
pub(super) async fn request(
	context: &Context,
	signer: &Signer,
	grant: GrantId,
	records: &[RecordId],
	purpose: &str,
) -> Result<()> {
	request_arguments(records, purpose)?;
	let chain = &context.chain;
	let keypair = signer.keypair(&context.keystore)?;
	let who = keypair.public_key().to_account_id();
	let info = chain
		.grant(grant)
		.await?
		.ok_or_else(|| anyhow!("no grant {grant} in this region"))?;
	if info.grantee != who {
		bail!(
			"grant {grant} is to {}, not to {who}: only its grantee requests under it",
			info.grantee
		);
	}
	// Whether the grant covers the records the chain decides, and audits a denial.
	let included = chain.submit(calls::request(grant, records, purpose), &keypair).await?;
	let (_, id) =
		access_event(&included.events, &["RequestOpened", "RequestDenied"], "request")?
			.context("the chain reported neither Access.RequestOpened nor Access.RequestDenied")?;
	let request = chain
		.reading_at(included.block)
		.request(id)
		.await?
		.context("the request is not on chain after making it")?;
	let view = RequestView::new(id, &request);
	print(context.json, &view, |v| {
		let next = if v.state == "open" {
			format!(
				"\nThe proxies answer by block {}; then: ehr read --key <grantee> --request {id} \
				 --output PATH",
				v.deadline
			)
		} else {
			String::new()
		};
		format!("{}{next}", request_text(v))
	});
	if let RequestState::Denied { reason, .. } = request.state {
		bail!("request {id} was denied: {}", denial_text(reason));
	}
	Ok(())
}

/// The `ehr complain` command against the fragment that the proxy of authority `proxy` issued for
/// `record` of `request`, signed by keystore identity `key`: what `ehr read` prints.
pub(super) fn complain_command(
	request: RequestId,
	record: RecordId,
	proxy: &AccountId32,
	key: &str,
) -> String {
	format!("ehr complain --request {request} --record {record} --proxy {proxy} --key {key}")
}

/// What `ehr complain` did.
#[derive(Debug, Serialize)]
struct ComplaintView {
	request: RequestId,
	record: RecordId,
	/// The authority whose proxy issued the fragment.
	proxy: String,
	/// Whether the request, fulfilled before, is open again for the other proxies.
	reopened: bool,
	/// `open`, `fulfilled`, `denied` or `expired`, after the complaint.
	state: String,
}

/// Runs `ehr complain`: the grantee has the chain check the capsule fragment that the proxy of
/// `proxy` (an authority, or its proxy account) issued for `record` of request `id`. The
/// fragment is checked here first against the same public keys the chain uses: a fragment that
/// verifies is not sent, since the chain would refuse the complaint and charge its fee.
pub(super) async fn complain(
	context: &Context,
	signer: &Signer,
	id: RequestId,
	record: RecordId,
	proxy: &str,
) -> Result<()> {
	let named = account(proxy)?;
	let chain = &context.chain;
	let keypair = signer.keypair(&context.keystore)?;
	let who = keypair.public_key().to_account_id();
	let request = chain
		.request(id)
		.await?
		.ok_or_else(|| anyhow!("no request {id} in this region"))?;
	if request.requester != who {
		bail!(
			"request {id} was made by {}, not by {who}: only its requester complains",
			request.requester
		);
	}
	if matches!(request.state, RequestState::Denied { .. } | RequestState::Expired { .. }) {
		bail!("request {id} has ended ({:?}): it takes no complaint", request.state);
	}
	if !request.records.contains(&record) {
		bail!("request {id} does not ask for record {record}: it asks for {:?}", request.records);
	}
	let grant = chain
		.grant(request.grant)
		.await?
		.ok_or_else(|| anyhow!("grant {} of request {id} is not on chain", request.grant))?;
	let mut position = grant.proxies.iter().position(|a| *a == named);
	if position.is_none() {
		// A proxy's own account: find its authority.
		for (i, authority) in grant.proxies.iter().enumerate() {
			if chain.proxy_account(authority).await?.as_ref() == Some(&named) {
				position = Some(i);
				break;
			}
		}
	}
	let position = position.ok_or_else(|| {
		anyhow!("{named} is not a proxy of grant {}, nor the account of one", request.grant)
	})?;
	let authority = grant.proxies[position];
	let fragments = chain.capsule_fragments(id).await?;
	let (.., bytes) = fragments
		.iter()
		.find(|(r, p, _)| *r == record && *p == position as u32)
		.ok_or_else(|| {
			anyhow!(
				"the proxy of {authority} holds no capsule fragment for record {record} of request \
				 {id} (none issued, or one a complaint already removed)"
			)
		})?;
	let envelope = chain
		.envelope(request.grant, record)
		.await?
		.ok_or_else(|| anyhow!("grant {} holds no envelope of record {record}", request.grant))?;
	if fragment_verifies(bytes, &envelope.capsule, &grant) {
		bail!(
			"the capsule fragment of the proxy of {authority} for record {record} verifies: it is a \
			 correct re-encryption for this grant, and the chain would refuse the complaint \
			 (FragmentValid) and charge its fee. Nothing was sent"
		);
	}
	let included = chain.submit(calls::complain(id, record, &authority), &keypair).await?;
	let upheld = included
		.events
		.iter()
		.filter_map(|event| event.ok())
		.find(|event| event.pallet_name() == "Access" && event.event_name() == "ComplaintUpheld")
		.context("the chain reported no Access.ComplaintUpheld event")?;
	let fields: Value = upheld.decode_fields_unchecked_as::<Value>()?;
	let reopened = fields.at("reopened").and_then(|v| v.as_bool()).unwrap_or(false);
	let after = chain
		.reading_at(included.block)
		.request(id)
		.await?
		.context("the request is not on chain after the complaint")?;
	let state = match after.state {
		RequestState::Open => "open",
		RequestState::Fulfilled { .. } => "fulfilled",
		RequestState::Denied { .. } => "denied",
		RequestState::Expired { .. } => "expired",
	};
	let view = ComplaintView {
		request: id,
		record,
		proxy: authority.to_string(),
		reopened,
		state: state.to_owned(),
	};
	print(context.json, &view, |v| {
		let next = if v.reopened {
			format!(
				" Request {} is open again until block {}: the other proxies can answer; then run \
				 `ehr read` again.",
				v.request, after.deadline
			)
		} else {
			String::new()
		};
		format!(
			"Complaint upheld: the capsule fragment of the proxy of {} for record {} of request \
			 {} was wrong; the chain removed it, and that proxy issues no more for the request.{next}",
			v.proxy, v.record, v.request
		)
	});
	Ok(())
}

/// Whether capsule fragment `bytes` verifies against `capsule` and the grant's keys, as the
/// chain checks it on a complaint.
fn fragment_verifies(bytes: &[u8], capsule: &medfed_primitives::Capsule, grant: &Grant) -> bool {
	use umbral_pre::DefaultDeserialize;
	let keys = (
		grant.verifying_key.to_umbral(),
		grant.delegating_key.to_umbral(),
		grant.grantee_key.to_umbral(),
		capsule.to_umbral(),
	);
	let (Ok(verifying), Ok(delegating), Ok(receiving), Ok(capsule)) = keys else {
		return false;
	};
	umbral_pre::CapsuleFrag::from_bytes(bytes)
		.is_ok_and(|cfrag| cfrag.verify(&capsule, &verifying, &delegating, &receiving).is_ok())
}

/// Runs `ehr audit`: a patient's whole access history, page by page.
pub(super) async fn audit(
	context: &Context,
	key: Option<String>,
	patient: Option<String>,
) -> Result<()> {
	let who = match audit_whose(key.as_deref(), patient.as_deref())? {
		Ok(who) => who,
		Err(name) => open_keystore(&context.keystore)?.identity(&name)?.account(),
	};
	let (block, _) = context.chain.reading_block().await?;
	let chain = context.chain.reading_at(block);
	let mut entries = Vec::new();
	let total = loop {
		let (total, page) = chain.audit(&who, entries.len() as u32, PAGE).await?;
		let got = page.len();
		entries.extend(page);
		if got == 0 || entries.len() as u32 >= total {
			break total;
		}
	};
	print(context.json, &AuditView { patient: who.to_string(), total, entries }, audit_text);
	Ok(())
}

/// Runs `ehr proxy …`.
pub(super) async fn proxy(context: &Context, command: ProxyCmd) -> Result<()> {
	match command {
		ProxyCmd::SetAccount { signer, account: proxy } => {
			let proxy = account(&proxy)?;
			let chain = &context.chain;
			let keypair = signer.keypair(&context.keystore)?;
			let who = keypair.public_key().to_account_id();
			let authority = chain.institution(&who).await?;
			let active_authority = authority.is_some_and(|i| {
				i.role == Role::Authority && matches!(i.status, MembershipStatus::Active { .. })
			});
			if !active_authority {
				bail!(
					"{who} is not an active authority of this region: only authorities run proxies"
				);
			}
			if proxy == who {
				eprintln!(
					"note: the proxy submits with the authority's own account: the authority's key \
					 then sits on the proxy's machine; a separate account is safer"
				);
			}
			let included = chain.submit(calls::set_proxy_account(&proxy), &keypair).await?;
			let set = chain
				.reading_at(included.block)
				.proxy_account(&who)
				.await?
				.context("no proxy account on chain after setting it")?;
			let view =
				ProxyAccountView { authority: who.to_string(), proxy_account: set.to_string() };
			print(context.json, &view, |v| {
				format!(
					"The proxy of authority {} submits with account {}.",
					v.authority, v.proxy_account
				)
			});
			Ok(())
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::cli::Cli;
	use clap::Parser;
	use medfed_primitives::{umbral::dev, Capsule, Cid, RecordInfo, WrappedKey};
	use std::str::FromStr;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
	const CHARLIE: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";
	const DAVE: &str = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";

	fn acc(ss58: &str) -> AccountId32 {
		AccountId32::from_str(ss58).unwrap()
	}

	fn err<T: std::fmt::Debug>(result: Result<T>) -> String {
		format!("{:#}", result.expect_err("refused"))
	}

	/// `ehr grant …` as parsed and checked.
	fn grant_line(args: &[&str]) -> Result<NewGrant> {
		let line = [&["ehr", "grant", "--key", "ferdie"][..], args].concat();
		let cli = Cli::try_parse_from(line).map_err(|e| anyhow!("{e}"))?;
		check_arguments(&cli.command)?;
		match cli.command {
			Command::Grant(GrantArgs { to, scope, threshold, expires_in, .. }) =>
				new_grant_arguments(to.as_deref(), &scope, threshold, expires_in),
			other => panic!("not a grant: {other:?}"),
		}
	}

	#[test]
	fn grant_arguments_name_one_scope_of_real_records_and_types() {
		let ok = grant_line(&[
			"--to",
			BOB,
			"--records",
			"3,7",
			"--threshold",
			"2",
			"--expires-in",
			"100",
		])
		.unwrap();
		assert_eq!(
			ok,
			NewGrant {
				grantee: acc(BOB),
				scope: GrantScope::Records(vec![3, 7]),
				threshold: 2,
				expires_in: 100
			}
		);
		let types = grant_line(&[
			"--to",
			BOB,
			"--types",
			"Observation,Condition",
			"--threshold",
			"1",
			"--expires-in",
			"10",
		])
		.unwrap();
		let expected = ["Observation", "Condition"]
			.map(|t| ResourceType::parse(t.as_bytes()).unwrap())
			.to_vec();
		assert_eq!(types.scope, GrantScope::Types(expected));
		let all =
			grant_line(&["--to", BOB, "--all", "--threshold", "1", "--expires-in", "10"]).unwrap();
		assert_eq!(all.scope, GrantScope::All);

		let refused = |args: &[&str]| err(grant_line(args));
		// FHIR names are case-sensitive and checked against R4.
		assert!(refused(&[
			"--to",
			BOB,
			"--types",
			"observation",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("'observation' is not a FHIR R4 resource type"));
		assert!(refused(&[
			"--to",
			BOB,
			"--types",
			"Observation,Bogus",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("'Bogus'"));
		assert!(refused(&[
			"--to",
			BOB,
			"--types",
			"Observation,",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("empty name"));
		assert!(refused(&[
			"--to",
			BOB,
			"--types",
			"Condition,Condition",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("Condition twice"));
		assert!(refused(&[
			"--to",
			BOB,
			"--records",
			"3,7,3",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("record 3 twice"));
		assert!(refused(&[
			"--to",
			BOB,
			"--records",
			"3,x",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("invalid value 'x'"));
		let many = (0..33).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
		assert!(refused(&[
			"--to",
			BOB,
			"--records",
			&many,
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("at most 32"));
		// One scope, exactly.
		assert!(refused(&[
			"--to",
			BOB,
			"--all",
			"--records",
			"1",
			"--threshold",
			"1",
			"--expires-in",
			"9"
		])
		.contains("cannot be used with"));
		assert!(refused(&["--to", BOB, "--threshold", "1", "--expires-in", "9"]).contains("--all"));
		// The threshold is at least 1; the duration at least a block; the grantee an address.
		assert!(refused(&["--to", BOB, "--all", "--threshold", "0", "--expires-in", "9"])
			.contains("--threshold must be at least 1"));
		assert!(refused(&["--to", BOB, "--all", "--threshold", "1", "--expires-in", "0"])
			.contains("--expires-in must be at least 1"));
		assert!(refused(&["--to", "bob", "--all", "--threshold", "1", "--expires-in", "9"])
			.contains("not an SS58 account address"));
	}

	#[test]
	fn grant_extend_parses_without_the_grant_options() {
		let cli = Cli::try_parse_from(["ehr", "grant", "extend", "--key", "ferdie", "4"]).unwrap();
		check_arguments(&cli.command).unwrap();
		assert!(matches!(
			cli.command,
			Command::Grant(GrantArgs { action: Some(GrantCmd::Extend { grant: 4, .. }), .. })
		));
		// The options of a new grant do not mix with `extend`.
		assert!(Cli::try_parse_from(["ehr", "grant", "--to", BOB, "extend", "--key", "f", "4"])
			.is_err());
	}

	#[test]
	fn a_threshold_above_the_number_of_authorities_is_refused() {
		check_threshold(2, Some(2)).unwrap();
		check_threshold(1, Some(4)).unwrap();
		assert!(err(check_threshold(3, Some(2)))
			.contains("--threshold 3 is more than the region's 2 authorities"));
		assert!(err(check_threshold(0, Some(2))).contains("at least 1"));
		assert!(err(check_threshold(0, None)).contains("at least 1"));
	}

	fn institution(
		who: &str,
		role: Role,
		active: bool,
		proxy_key: Option<PublicKey>,
	) -> Institution {
		Institution {
			account: acc(who),
			role,
			name: b"x".to_vec(),
			proxy_key,
			status: if active {
				MembershipStatus::Active { since: 1 }
			} else {
				MembershipStatus::Removed { at: 2 }
			},
		}
	}

	#[test]
	fn proxies_are_the_active_authorities_in_account_byte_order() {
		let (alice_key, bob_key, dave_key) =
			(dev::public_key("Alice"), dev::public_key("Bob"), dev::public_key("Dave"));
		let institutions = vec![
			institution(ALICE, Role::Authority, true, Some(alice_key)),
			institution(CHARLIE, Role::Clinic, true, None),
			institution(DAVE, Role::Authority, false, Some(dave_key)),
			institution(BOB, Role::Authority, true, Some(bob_key)),
		];
		// Bob's account is 0x8eaf…, Alice's 0xd435…: Bob's fragment comes first. Charlie is
		// no authority and Dave was removed.
		assert_eq!(acc(BOB).0[0], 0x8e);
		assert_eq!(acc(ALICE).0[0], 0xd4);
		let proxies = proxies_in_order(&institutions).unwrap();
		assert_eq!(proxies, vec![(acc(BOB), bob_key), (acc(ALICE), alice_key)]);

		let keyless = vec![institution(ALICE, Role::Authority, true, None)];
		assert!(err(proxies_in_order(&keyless)).contains("has no proxy key"));
		let none = vec![institution(CHARLIE, Role::Clinic, true, None)];
		assert!(err(proxies_in_order(&none)).contains("no active authority"));
	}

	fn record(id: RecordId, resource_type: &str, voided_at: Option<u32>) -> Record {
		let sealed = medfed_primitives::envelope::seal(
			&mut OsRng,
			&dev::public_key("Ferdie"),
			br#"{"resourceType":"Observation"}"#,
		)
		.unwrap();
		RecordInfo {
			id,
			record: medfed_primitives::Record {
				patient: acc(ALICE),
				issuer: acc(CHARLIE),
				resource_type: ResourceType::parse(resource_type.as_bytes()).unwrap(),
				cid: Cid::parse(b"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG").unwrap(),
				ciphertext_hash: sealed.hash(),
				capsule: Capsule::parse(&sealed.capsule.0).unwrap(),
				wrapped_key: WrappedKey(sealed.wrapped_key.0),
				size: sealed.ciphertext.len() as u64,
				created_at: 5,
				supersedes: None,
			},
			superseded_by: None,
			voided_at,
		}
	}

	#[test]
	fn the_scope_selects_the_patients_records_that_are_not_voided() {
		let records = vec![
			record(0, "Observation", None),
			record(3, "Condition", None),
			record(5, "Observation", Some(9)),
			record(7, "Bundle", None),
		];
		assert_eq!(in_scope(&Scope::All, &records), vec![0, 3, 7]);
		let types = ["Observation", "Bundle"].map(|t| ResourceType::parse(t.as_bytes()).unwrap());
		assert_eq!(in_scope(&Scope::Types(types.to_vec()), &records), vec![0, 7]);
		assert_eq!(in_scope(&Scope::Records(vec![7, 3]), &records), vec![3, 7]);
		assert_eq!(in_scope(&Scope::Records(vec![5]), &records), Vec::<RecordId>::new());

		check_named_records(&[3, 7], &records).unwrap();
		assert!(err(check_named_records(&[3, 4], &records))
			.contains("record 4 is not one of the patient's"));
		assert!(err(check_named_records(&[5], &records)).contains("voided"));
	}

	#[test]
	fn records_are_wrapped_to_the_grant_key_and_open_with_it() {
		let records = vec![record(0, "Observation", None), record(3, "Condition", None)];
		let patient = Identity {
			name: "ferdie".into(),
			kind: crate::keystore::Kind::Patient,
			signer: crate::chain::keypair("//Ferdie").unwrap(),
			umbral: dev::secret_key("Ferdie"),
		};
		let salt = [7u8; 32];
		let grant_secret = sharing::grant_key(&patient.umbral, &salt);
		let envelopes = wrap(&patient, &records, &[3], &grant_secret.public_key()).unwrap();
		assert_eq!(envelopes.len(), 1);
		let (id, capsule, wrapped_key) = &envelopes[0];
		assert_eq!(*id, 3);
		// The grant's key opens the document key the patient's key opens.
		let by_grant =
			medfed_primitives::envelope::open_document_key(&grant_secret, capsule, wrapped_key)
				.unwrap();
		let by_patient = medfed_primitives::envelope::open_document_key(
			&patient.umbral,
			&records[1].record.capsule,
			&records[1].record.wrapped_key,
		)
		.unwrap();
		assert_eq!(by_grant.expose(), by_patient.expose());
		assert!(
			err(wrap(&patient, &records, &[9], &grant_secret.public_key())).contains("record 9")
		);
	}

	#[test]
	fn the_complaint_read_prints_is_a_valid_command_line() {
		let line = complain_command(4, 3, &acc(BOB), "bob");
		let cli = Cli::try_parse_from(line.split(' ')).expect("parses");
		match cli.command {
			Command::Complain { signer, request, record, proxy } => {
				assert_eq!((request, record), (4, 3));
				assert_eq!(account(&proxy).expect("an account"), acc(BOB));
				assert_eq!(signer.key.as_deref(), Some("bob"));
			},
			other => panic!("not a complaint: {other:?}"),
		}
		// The proxy is checked before connecting.
		let bad = Cli::try_parse_from([
			"ehr",
			"complain",
			"--key",
			"bob",
			"--request",
			"4",
			"--record",
			"3",
			"--proxy",
			"not-an-account",
		])
		.expect("parses");
		assert!(check_arguments(&bad.command).is_err());
	}

	#[test]
	fn request_arguments_are_checked() {
		request_arguments(&[3, 7], "referral").unwrap();
		assert!(err(request_arguments(&[], "referral")).contains("no record"));
		assert!(err(request_arguments(&[3, 3], "referral")).contains("record 3 twice"));
		let many: Vec<RecordId> = (0..17).collect();
		assert!(err(request_arguments(&many, "referral")).contains("at most 16"));
		assert!(err(request_arguments(&[3], "  ")).contains("--purpose is empty"));
		assert!(err(request_arguments(&[3], &"x".repeat(129))).contains("at most 128"));

		let cli = Cli::try_parse_from([
			"ehr",
			"request",
			"--as",
			"//Bob",
			"--grant",
			"0",
			"--records",
			"3,7",
			"--purpose",
			"referral",
		])
		.unwrap();
		check_arguments(&cli.command).unwrap();
		assert!(
			matches!(cli.command, Command::Request { grant: 0, ref records, .. } if records == &[3, 7])
		);
	}

	#[test]
	fn a_published_key_is_checked_before_connecting() {
		let check = |line: &[&str]| check_arguments(&Cli::try_parse_from(line).unwrap().command);
		check(&["ehr", "keys", "publish", "--key", "bob"]).unwrap();
		check(&["ehr", "keys", "publish", "--as", "//Bob", "--dev-key", "Bob"]).unwrap();
		let bob = hex::encode(dev::public_key("Bob").0);
		check(&["ehr", "keys", "publish", "--as", "//Bob", "--umbral-key", &bob]).unwrap();
		assert!(err(check(&["ehr", "keys", "publish", "--as", "//Bob"])).contains("--umbral-key"));
		let not_a_point = format!("02{}", "ff".repeat(32));
		assert!(err(check(&[
			"ehr",
			"keys",
			"publish",
			"--as",
			"//Bob",
			"--umbral-key",
			&not_a_point
		]))
		.contains("not a compressed secp256k1 point"));
	}

	#[test]
	fn listing_takes_an_account_or_an_identity() {
		assert_eq!(
			grants_whose(Some("ferdie"), None, None).unwrap(),
			GrantsOf::Identity("ferdie".into())
		);
		// An explicit account wins over EHR_KEY.
		assert_eq!(
			grants_whose(Some("ferdie"), Some(ALICE), None).unwrap(),
			GrantsOf::Patient(acc(ALICE))
		);
		assert_eq!(grants_whose(None, None, Some(BOB)).unwrap(), GrantsOf::Grantee(acc(BOB)));
		assert!(err(grants_whose(None, None, None)).contains("give --key NAME"));
		assert!(err(grants_whose(None, Some("nobody"), None)).contains("not an SS58"));
		assert!(
			Cli::try_parse_from(["ehr", "grants", "--patient", ALICE, "--grantee", BOB]).is_err()
		);
		assert_eq!(audit_whose(None, Some(ALICE)).unwrap(), Ok(acc(ALICE)));
		assert_eq!(audit_whose(Some("ferdie"), None).unwrap(), Err("ferdie".to_owned()));
		assert!(err(audit_whose(None, None)).contains("--patient ACCOUNT"));
	}
}
