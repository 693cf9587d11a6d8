//! # `medfed-proxy`: an authority institution's re-encryption proxy
//!
//! Every authority of a region runs one proxy. A patient's grant names the region's
//! authorities of the moment as its proxies, in order, and holds for each one a key fragment
//! encrypted to that authority's registered proxy key (`Institution.proxy_key`). When a grantee
//! asks for records under the grant, each proxy opens its own key fragment, checks it, and
//! re-encrypts the capsule of every requested record with it; the chain collects the capsule
//! fragments until the grant's threshold is met ([`crate::sharing`] has the cryptography, the
//! access pallet the rules).
//!
//! The proxy runs as one keystore identity: its sr25519 account is the *proxy account* that
//! signs `Access.submit_fragments` (the authority names it with `Access.set_proxy_account`, so
//! the authority's own key never sits on the proxy's machine), and its Umbral secret key is the
//! *proxy key*, whose public key the authority registered.
//!
//! ## At start
//!
//! [`run`] connects and checks ([`Proxy::check`], [`SetupProblem`]) that the authority is an
//! active authority of the region, that its registered proxy key is this identity's Umbral
//! public key and that its proxy account is this identity's account. Otherwise it stops with an
//! error saying what to do.
//!
//! ## At every new best block
//!
//! 1. The same checks; while one fails (the authority was removed, or named another account or
//!    key), the proxy says so once and submits nothing: a refused submission costs a fee.
//! 2. It reads the open requests at that block, and for each one, at that block:
//!    - skips it if it submitted for it earlier in this run ([`Handled`]: the transaction may
//!      still be on its way), or a submission failed less than [`RETRY_AFTER`] ago;
//!    - reads the request and its grant and skips the request if it has ended, if the grant is
//!      revoked, or expires or the request falls due by the next block (the earliest a
//!      submission can be in), or if this authority is not one of the grant's proxies
//!      ([`position`]);
//!    - skips the records for which this proxy's position already has a capsule fragment on
//!      chain ([`records_to_issue`]): a proxy that restarts never issues a second fragment;
//!    - opens its key fragment of the grant and re-encrypts the capsule of every remaining
//!      record ([`reencrypt_records`]); a key fragment that does not open or verify is a
//!      warning naming the grant and the reason, and the request is skipped. It keeps the last
//!      [`KEEP_CAPSULES`] grant capsules it parsed ([`CapsuleCache`]): parsing one (umbral-pre
//!      checks it) costs about half a re-encryption, and another request for the same record
//!      under the same grant brings the same capsule again;
//!    - submits all the capsule fragments in one `Access.submit_fragments`, signed by the proxy
//!      account, and waits for its inclusion. A submission refused because an upheld complaint
//!      barred this proxy from the request (`Access.ProxyFailed`) is a warning, and never
//!      retried for that request.
//! 3. Errors talking to the node are logged and the work is retried at the next block; a node
//!    that goes away (the block subscription ends or stalls) is reconnected with a backoff of
//!    1 s doubling to 60 s.
//!
//! It logs one line per event on standard error: `started`, `issued`, `skipped`, `warning`,
//! `failed`, `paused`, `resumed`, `error`, `disconnected`, `reconnected`. It never logs key
//! material, key fragments, capsules, capsule fragments or plaintext: only accounts, ids,
//! counts, block numbers and hashes, and the reasons of [`Skip`] and [`SetupProblem`], which
//! carry none.

use crate::{
	chain::{
		access::{Envelope, Grant, GrantId, Request, RequestId, RequestState},
		calls, BlockHash, Chain, Institution,
	},
	keystore::{self, Identity, Keystore, Kind},
	sharing::{self, CapsuleCache, SharingError},
};
use anyhow::{anyhow, bail, Context, Result};
use futures::{FutureExt, StreamExt};
use medfed_primitives::{MembershipStatus, PublicKey, RecordId, Role};
use rand_core::OsRng;
use std::{
	collections::{HashMap, HashSet},
	fmt,
	path::PathBuf,
	time::{Duration, Instant},
};
use subxt::utils::AccountId32;

/// How long after a failed submission the proxy tries the request again.
pub const RETRY_AFTER: Duration = Duration::from_secs(30);

/// How long the proxy remembers a submission: longer than a transaction can stay valid
/// (mortal for 256 blocks) and than a request stays open, so nothing it remembers can still be
/// in flight when it forgets it; after that the chain's own record decides.
pub const REMEMBER_FOR: Duration = Duration::from_secs(2 * 60 * 60);

/// How many parsed grant capsules the proxy keeps ([`CapsuleCache`]): 256 requests of the
/// most records a request can name (16), a few megabytes.
pub const KEEP_CAPSULES: usize = 4096;

/// With no new best block for this long, the proxy reconnects to the node.
pub const NO_BLOCK_RECONNECT: Duration = Duration::from_secs(120);

/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
pub const MIN_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait before reconnecting.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How `medfed-proxy` runs.
#[derive(Clone, Debug)]
pub struct Settings {
	/// WebSocket RPC endpoint of a node of the region.
	pub url: String,
	/// The authority institution this proxy works for.
	pub authority: AccountId32,
	/// How long to wait for the node (connecting, a transaction's inclusion).
	pub timeout: Duration,
	/// Process the open requests once, at the best block, and return.
	pub once: bool,
}

/// Writes one log line to standard error: an event word, then `key=value` fields.
fn log(event: &str, fields: fmt::Arguments<'_>) {
	eprintln!("medfed-proxy: {event} {fields}");
}

/// Loads the proxy's identity: the keystore identity `key` (the keystore at `keystore`, or the
/// default one, opened with the passphrase from EHR_PASSPHRASE or asked for), or, for
/// development only, the public development identity of secret URI `dev_suri`
/// ([`development_identity`]).
pub fn load_identity(
	key: Option<&str>,
	dev_suri: Option<&str>,
	keystore: Option<PathBuf>,
) -> Result<Identity> {
	match (key, dev_suri) {
		(Some(name), None) => {
			let path = keystore.unwrap_or_else(Keystore::default_path);
			Keystore::open(&path, keystore::passphrase()?)?.identity(name)
		},
		(None, Some(suri)) => development_identity(suri),
		_ => bail!("give --key (a keystore identity) or, for development, --as //Name"),
	}
}

/// The development identity of `//Name` or `//Name//more…`: that account signs, and the
/// Umbral key is the public development key `Name`, the proxy key a development authority
/// `//Name` registers. Public keys: for local networks only.
pub fn development_identity(suri: &str) -> Result<Identity> {
	let name = development_name(suri)?;
	Ok(Identity {
		name: suri.to_owned(),
		kind: Kind::Institution,
		signer: crate::chain::keypair(suri)?,
		umbral: medfed_primitives::umbral::dev::secret_key(name),
	})
}

/// `Name` of a development secret URI `//Name` or `//Name//more…` (no password).
fn development_name(suri: &str) -> Result<&str> {
	suri.strip_prefix("//")
		.filter(|_| !suri.contains("///"))
		.and_then(|rest| rest.split('/').next())
		.filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()))
		.ok_or_else(|| {
			// Never echoed: it could be a real secret given by mistake.
			anyhow!(
				"--as takes a development secret URI, //Name or //Name//more (as `ehr --as` \
				 does); for a keystore identity, give --key NAME"
			)
		})
}

/// Why the proxy cannot work for its authority: its setup on chain does not match its
/// identity.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SetupProblem {
	/// The authority is no institution of this region.
	NotAnInstitution { authority: AccountId32 },
	/// The institution is not an authority.
	NotAnAuthority { authority: AccountId32, role: Role },
	/// The authority was removed from the region.
	Removed { authority: AccountId32, at: u32 },
	/// The authority's registered proxy key is not this identity's Umbral public key.
	WrongProxyKey { authority: AccountId32 },
	/// The authority has named no proxy account.
	NoProxyAccount { authority: AccountId32, account: AccountId32 },
	/// The authority named another proxy account.
	OtherProxyAccount { authority: AccountId32, account: AccountId32, named: AccountId32 },
}

impl fmt::Display for SetupProblem {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::NotAnInstitution { authority } => write!(
				f,
				"{authority} is no institution of this region: check --authority and --url"
			),
			Self::NotAnAuthority { authority, role } => write!(
				f,
				"{authority} is a {} of this region, not an authority: only authorities run \
				 proxies",
				format!("{role:?}").to_lowercase()
			),
			Self::Removed { authority, at } =>
				write!(f, "{authority} was removed from the region at block {at}"),
			Self::WrongProxyKey { authority } => write!(
				f,
				"the proxy key {authority} registered is not this identity's Umbral public key: \
				 run the proxy as the identity whose key the authority registered (`ehr keys \
				 list` shows each identity's key, `ehr institution show` the registered one), or \
				 have the authority register this one (Institutions.set_proxy_key)"
			),
			Self::NoProxyAccount { authority, account } => write!(
				f,
				"{authority} has named no proxy account: the authority must name this account \
				 ({account}) with Access.set_proxy_account (`ehr proxy set-account`)"
			),
			Self::OtherProxyAccount { authority, account, named } => write!(
				f,
				"{authority}'s proxy account is {named}, not this identity's {account}: the \
				 authority must name this account with Access.set_proxy_account (`ehr proxy \
				 set-account`)"
			),
		}
	}
}

/// What is wrong, if anything, with `authority` as `institution` and `proxy_account` show it
/// on chain, for a proxy with `account` and Umbral public key `key`.
pub fn setup_problem(
	authority: &AccountId32,
	institution: Option<&Institution>,
	proxy_account: Option<&AccountId32>,
	account: &AccountId32,
	key: &PublicKey,
) -> Option<SetupProblem> {
	let authority = *authority;
	let Some(institution) = institution else {
		return Some(SetupProblem::NotAnInstitution { authority });
	};
	if institution.role != Role::Authority {
		return Some(SetupProblem::NotAnAuthority { authority, role: institution.role });
	}
	if let MembershipStatus::Removed { at } = institution.status {
		return Some(SetupProblem::Removed { authority, at });
	}
	if institution.proxy_key.as_ref() != Some(key) {
		return Some(SetupProblem::WrongProxyKey { authority });
	}
	match proxy_account {
		None => Some(SetupProblem::NoProxyAccount { authority, account: *account }),
		Some(named) if named != account =>
			Some(SetupProblem::OtherProxyAccount { authority, account: *account, named: *named }),
		Some(_) => None,
	}
}

/// Why the proxy does not act on an open request, now or any more.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Skip {
	/// The request is gone from the chain.
	UnknownRequest,
	/// The request's grant is gone from the chain.
	UnknownGrant { grant: GrantId },
	/// The request has ended: fulfilled, denied or expired.
	Ended,
	/// The grant was revoked.
	GrantRevoked { at: u32 },
	/// The grant expires by the next block.
	GrantExpired { expires_at: u32 },
	/// The request falls due by the next block: no submission could be in time.
	DeadlinePassed { deadline: u32 },
	/// This authority is not one of the grant's proxies.
	NotAProxy,
	/// Every requested record has this proxy's capsule fragment already.
	AlreadyIssued,
	/// The chain holds no key fragment of the grant for this proxy.
	NoKeyFragment,
	/// The grant's keys on chain are not valid public keys.
	InvalidGrantKeys,
	/// This proxy's key fragment of the grant does not open, or does not verify.
	KeyFragment(SharingError),
	/// A requested record has no envelope under the grant.
	NoEnvelope { record: RecordId },
	/// A record's capsule could not be re-encrypted.
	Reencryption { record: RecordId, error: SharingError },
	/// This proxy submitted for the request earlier in this run.
	Submitted,
	/// A submission for the request failed a moment ago; it is tried again after
	/// [`RETRY_AFTER`].
	RetryLater,
}

impl Skip {
	/// Whether this is something wrong with the grant's data rather than the normal course of
	/// things: logged as a warning.
	pub fn is_warning(&self) -> bool {
		matches!(
			self,
			Skip::NoKeyFragment |
				Skip::InvalidGrantKeys |
				Skip::KeyFragment(_) |
				Skip::NoEnvelope { .. } |
				Skip::Reencryption { .. }
		)
	}

	/// Whether this needs no log line at all: what the proxy itself did is logged already.
	pub fn is_quiet(&self) -> bool {
		matches!(self, Skip::Submitted | Skip::RetryLater)
	}
}

impl fmt::Display for Skip {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::UnknownRequest => f.write_str("the chain does not know the request"),
			Self::UnknownGrant { grant } => write!(f, "the chain does not know grant {grant}"),
			Self::Ended => f.write_str("the request has ended"),
			Self::GrantRevoked { at } => write!(f, "the grant was revoked at block {at}"),
			Self::GrantExpired { expires_at } =>
				write!(f, "the grant expires at block {expires_at}, before a submission is in"),
			Self::DeadlinePassed { deadline } =>
				write!(f, "the request falls due at block {deadline}, before a submission is in"),
			Self::NotAProxy => f.write_str("this authority is not one of the grant's proxies"),
			Self::AlreadyIssued =>
				f.write_str("this proxy has issued a capsule fragment for every record already"),
			Self::NoKeyFragment =>
				f.write_str("the chain holds no key fragment of the grant for this proxy"),
			Self::InvalidGrantKeys => f.write_str("the grant's keys are not valid public keys"),
			Self::KeyFragment(error) => write!(f, "this proxy's key fragment: {error}"),
			Self::NoEnvelope { record } =>
				write!(f, "record {record} has no envelope under the grant"),
			Self::Reencryption { record, error } =>
				write!(f, "record {record} cannot be re-encrypted: {error}"),
			Self::Submitted => f.write_str("submitted earlier in this run"),
			Self::RetryLater => f.write_str("a submission failed a moment ago"),
		}
	}
}

/// This proxy's position among `grant`'s proxies, if it should act on `request` at best block
/// `best`: the request open, or fulfilled (the chain takes every proxy's fragments until the
/// deadline, since it does not verify them and the first `m` may include a wrong one), and the
/// grant live and the request not due at the next block,
/// the earliest block a submission can be in (the chain refuses fragments from the block the
/// grant expires or the request falls due on).
pub fn position(
	request: &Request,
	grant: &Grant,
	authority: &AccountId32,
	best: u32,
) -> Result<u32, Skip> {
	let next = best.saturating_add(1);
	if !matches!(request.state, RequestState::Open | RequestState::Fulfilled { .. }) {
		return Err(Skip::Ended);
	}
	if let Some(at) = grant.revoked_at {
		return Err(Skip::GrantRevoked { at });
	}
	if next >= grant.expires_at {
		return Err(Skip::GrantExpired { expires_at: grant.expires_at });
	}
	if next >= request.deadline {
		return Err(Skip::DeadlinePassed { deadline: request.deadline });
	}
	grant
		.proxies
		.iter()
		.position(|proxy| proxy == authority)
		.map(|p| p as u32)
		.ok_or(Skip::NotAProxy)
}

/// The records of `requested` that have no capsule fragment from the proxy at `position` among
/// `issued` (record, position, fragment, as the chain lists them), in the request's order.
pub fn records_to_issue(
	requested: &[RecordId],
	issued: &[(RecordId, u32, Vec<u8>)],
	position: u32,
) -> Vec<RecordId> {
	let done: HashSet<RecordId> =
		issued.iter().filter(|(_, p, _)| *p == position).map(|(r, _, _)| *r).collect();
	let mut seen = HashSet::new();
	requested
		.iter()
		.copied()
		.filter(|r| !done.contains(r) && seen.insert(*r))
		.collect()
}

/// Opens this proxy's key fragment `encrypted` of `grant`, checks it against the grant, and
/// re-encrypts the capsule of each envelope with it, one after the other, taking the parsed
/// capsules from `capsules` and keeping the new ones there: the capsule fragments to submit.
pub fn reencrypt_records(
	proxy_key: &umbral_pre::SecretKey,
	grant: &Grant,
	encrypted: &[u8],
	envelopes: &[(RecordId, Envelope)],
	capsules: &mut CapsuleCache,
) -> Result<Vec<(RecordId, Vec<u8>)>, Skip> {
	let umbral = |key: &PublicKey| key.to_umbral().map_err(|_| Skip::InvalidGrantKeys);
	let (verifying, delegating, grantee) = (
		umbral(&grant.verifying_key)?,
		umbral(&grant.delegating_key)?,
		umbral(&grant.grantee_key)?,
	);
	let grant_ref = sharing::grant_ref(&grant.patient.0, &grant.grantee.0, &grant.salt);
	let kfrag = sharing::open_fragment(
		proxy_key,
		encrypted,
		&grant_ref,
		&proxy_key.public_key(),
		&verifying,
		&delegating,
		&grantee,
	)
	.map_err(Skip::KeyFragment)?;
	envelopes
		.iter()
		.map(|(record, envelope)| {
			capsules
				.reencrypt(&mut OsRng, &envelope.capsule, &kfrag)
				.map(|cfrag| (*record, cfrag))
				.map_err(|error| Skip::Reencryption { record: *record, error })
		})
		.collect()
}

/// What the proxy submitted in this run, so that it never submits for a request again while a
/// transaction may still be on its way, and retries a failed one only after [`RETRY_AFTER`].
#[derive(Default, Debug)]
pub struct Handled {
	attempts: HashMap<RequestId, Attempt>,
}

#[derive(Clone, Copy, Debug)]
struct Attempt {
	/// When the attempt ended.
	at: Instant,
	/// Whether the transaction was in a block.
	issued: bool,
}

impl Handled {
	/// Why not to submit for `request` at `now`, if there is a reason.
	pub fn check(&self, request: RequestId, now: Instant) -> Option<Skip> {
		let attempt = self.attempts.get(&request)?;
		if attempt.issued {
			Some(Skip::Submitted)
		} else if now.saturating_duration_since(attempt.at) < RETRY_AFTER {
			Some(Skip::RetryLater)
		} else {
			None
		}
	}

	/// The submission for `request` was in a block at `now`.
	pub fn issued(&mut self, request: RequestId, now: Instant) {
		self.attempts.insert(request, Attempt { at: now, issued: true });
	}

	/// The submission for `request` failed at `now` (or its outcome is unknown).
	pub fn failed(&mut self, request: RequestId, now: Instant) {
		self.attempts.insert(request, Attempt { at: now, issued: false });
	}

	/// Forgets what is older than [`REMEMBER_FOR`] at `now`.
	pub fn forget_old(&mut self, now: Instant) {
		self.attempts.retain(|_, a| now.saturating_duration_since(a.at) < REMEMBER_FOR);
	}

	/// How many requests it remembers.
	pub fn len(&self) -> usize {
		self.attempts.len()
	}

	/// Whether it remembers none.
	pub fn is_empty(&self) -> bool {
		self.attempts.is_empty()
	}
}

/// The reason last logged for skipping each open request, so that a request skipped for the
/// same reason at every block is logged once.
#[derive(Default, Debug)]
pub struct SkipLog {
	logged: HashMap<RequestId, Skip>,
}

impl SkipLog {
	/// Whether to log `skip` for `request`: not if it was the last reason logged for it.
	pub fn should_log(&mut self, request: RequestId, skip: &Skip) -> bool {
		if skip.is_quiet() || self.logged.get(&request) == Some(skip) {
			return false;
		}
		self.logged.insert(request, skip.clone());
		true
	}

	/// Forgets the requests that are no longer open.
	pub fn retain_open(&mut self, open: &[RequestId]) {
		self.logged.retain(|request, _| open.contains(request));
	}
}

/// The wait before the next reconnection: [`MIN_BACKOFF`], doubling up to [`MAX_BACKOFF`].
#[derive(Debug)]
pub struct Backoff {
	next: Duration,
}

impl Default for Backoff {
	fn default() -> Self {
		Backoff { next: MIN_BACKOFF }
	}
}

impl Backoff {
	/// The wait before this attempt; the next one waits twice as long, up to [`MAX_BACKOFF`].
	pub fn next_wait(&mut self) -> Duration {
		let wait = self.next;
		self.next = (self.next * 2).min(MAX_BACKOFF);
		wait
	}

	/// Back to [`MIN_BACKOFF`], after the node answered.
	pub fn reset(&mut self) {
		self.next = MIN_BACKOFF;
	}
}

/// A proxy: the authority it works for and its identity.
pub struct Proxy {
	authority: AccountId32,
	identity: Identity,
}

/// What the proxy makes of one open request.
enum Outcome {
	/// Nothing to submit, and why; the request's grant when known.
	Skipped(Option<GrantId>, Skip),
	Submit {
		grant: GrantId,
		fragments: Vec<(RecordId, Vec<u8>)>,
	},
}

/// What the proxy keeps from block to block.
struct State {
	handled: Handled,
	skips: SkipLog,
	/// The setup problem last logged, while the proxy is paused.
	paused: Option<SetupProblem>,
	/// The grant capsules parsed last.
	capsules: CapsuleCache,
}

impl Default for State {
	fn default() -> Self {
		State {
			handled: Handled::default(),
			skips: SkipLog::default(),
			paused: None,
			capsules: CapsuleCache::new(KEEP_CAPSULES),
		}
	}
}

impl Proxy {
	/// The proxy of `authority`, running as `identity`.
	pub fn new(authority: AccountId32, identity: Identity) -> Self {
		Proxy { authority, identity }
	}

	/// The proxy account: the identity's account.
	pub fn account(&self) -> AccountId32 {
		self.identity.account()
	}

	/// Reads the authority's institution and proxy account on `chain` and says what, if
	/// anything, stops this proxy from working for it.
	pub async fn check(&self, chain: &Chain) -> Result<Option<SetupProblem>> {
		let institution = chain.institution(&self.authority).await?;
		let proxy_account = chain.proxy_account(&self.authority).await?;
		Ok(setup_problem(
			&self.authority,
			institution.as_ref(),
			proxy_account.as_ref(),
			&self.account(),
			&self.identity.umbral_public(),
		))
	}

	/// Works out what to submit for `request`, reading `at` (a chain read at block `best`).
	async fn prepare(
		&self,
		at: &Chain,
		request_id: RequestId,
		best: u32,
		handled: &Handled,
		capsules: &mut CapsuleCache,
	) -> Result<Outcome> {
		if let Some(skip) = handled.check(request_id, Instant::now()) {
			return Ok(Outcome::Skipped(None, skip));
		}
		let Some(request) = at.request(request_id).await? else {
			return Ok(Outcome::Skipped(None, Skip::UnknownRequest));
		};
		let skipped = |skip| Ok(Outcome::Skipped(Some(request.grant), skip));
		let Some(grant) = at.grant(request.grant).await? else {
			return skipped(Skip::UnknownGrant { grant: request.grant });
		};
		let position = match position(&request, &grant, &self.authority, best) {
			Ok(position) => position,
			Err(skip) => return skipped(skip),
		};
		let issued = at.capsule_fragments(request_id).await?;
		let records = records_to_issue(&request.records, &issued, position);
		if records.is_empty() {
			return skipped(Skip::AlreadyIssued);
		}
		let Some(encrypted) = at.encrypted_fragment(request.grant, position).await? else {
			return skipped(Skip::NoKeyFragment);
		};
		let mut envelopes = Vec::with_capacity(records.len());
		for record in records {
			match at.envelope(request.grant, record).await? {
				Some(envelope) => envelopes.push((record, envelope)),
				None => return skipped(Skip::NoEnvelope { record }),
			}
		}
		match reencrypt_records(&self.identity.umbral, &grant, &encrypted, &envelopes, capsules) {
			Ok(fragments) => Ok(Outcome::Submit { grant: request.grant, fragments }),
			Err(skip) => skipped(skip),
		}
	}

	/// One round at best block `best` (hash `hash`): every open request, read at that block.
	async fn round(
		&self,
		chain: &Chain,
		hash: BlockHash,
		best: u32,
		state: &mut State,
	) -> Result<()> {
		let at = chain.reading_at(hash);
		match self.check(&at).await? {
			Some(problem) => {
				if state.paused.as_ref() != Some(&problem) {
					log("paused", format_args!("block=#{best} reason=\"{problem}\""));
					state.paused = Some(problem);
				}
				return Ok(());
			},
			None =>
				if state.paused.take().is_some() {
					log("resumed", format_args!("block=#{best}"));
				},
		}
		let open = at.open_requests().await?;
		state.skips.retain_open(&open);
		state.handled.forget_old(Instant::now());
		for request in open {
			match self.prepare(&at, request, best, &state.handled, &mut state.capsules).await? {
				Outcome::Skipped(grant, skip) =>
					if state.skips.should_log(request, &skip) {
						let event = if skip.is_warning() { "warning" } else { "skipped" };
						let grant = grant.map(|g| format!(" grant={g}")).unwrap_or_default();
						log(event, format_args!("request={request}{grant} reason=\"{skip}\""));
					},
				Outcome::Submit { grant, fragments } => {
					let records = fragments.len();
					let call = calls::submit_fragments(request, &fragments);
					drop(fragments);
					match chain.submit(call, &self.identity.signer).await {
						Ok(included) => {
							state.handled.issued(request, Instant::now());
							let number =
								match chain.reading_at(included.block).reading_block().await {
									Ok((_, number)) => format!("#{number} "),
									Err(_) => String::new(),
								};
							log(
								"issued",
								format_args!(
									"request={request} grant={grant} records={records} \
									 block={number}{:?} read_at=#{best}",
									included.block
								),
							);
						},
						// An upheld complaint barred this proxy from the request: a wrong
						// fragment it issued. Never again for it (each try would cost a fee).
						Err(error) if format!("{error:#}").contains("Access.ProxyFailed") => {
							state.handled.issued(request, Instant::now());
							log(
								"warning",
								format_args!(
									"request={request} grant={grant} reason=\"barred from this \
									 request by an upheld complaint against a fragment it issued: \
									 check this proxy's key and software\""
								),
							);
						},
						Err(error) => {
							state.handled.failed(request, Instant::now());
							log(
								"failed",
								format_args!(
									"request={request} grant={grant} records={records} \
									 reason=\"{error:#}\" retry_in={}s",
									RETRY_AFTER.as_secs()
								),
							);
						},
					}
				},
			}
		}
		Ok(())
	}

	/// Follows `chain`'s best blocks, a round at each (the newest only, when several arrived
	/// during a round), until the connection is lost; returns why.
	async fn follow(
		&self,
		chain: &Chain,
		state: &mut State,
		backoff: &mut Backoff,
	) -> anyhow::Error {
		let mut blocks = match chain.best_blocks().await {
			Ok(blocks) => blocks,
			Err(error) => return error,
		};
		loop {
			let next = match tokio::time::timeout(NO_BLOCK_RECONNECT, blocks.next()).await {
				Err(_) =>
					return anyhow!("no new best block for {} s", NO_BLOCK_RECONNECT.as_secs()),
				Ok(None) => return anyhow!("the node ended the block subscription"),
				Ok(Some(block)) => block,
			};
			let mut latest = match next {
				Ok(block) => block,
				Err(error) => return error,
			};
			// Blocks that arrived while the last round ran are stale: work on the newest.
			while let Some(Some(block)) = blocks.next().now_or_never() {
				match block {
					Ok(block) => latest = block,
					Err(error) => return error,
				}
			}
			backoff.reset();
			let (hash, best) = latest;
			if let Err(error) = self.round(chain, hash, best, state).await {
				log(
					"error",
					format_args!("block=#{best} reason=\"{error:#}\"; retrying at the next block"),
				);
			}
		}
	}
}

/// Runs the proxy: connects, checks its setup (an error if it is wrong), then works at every
/// new best block until stopped, reconnecting when the node goes away; with
/// [`Settings::once`], works once at the best block and returns.
pub async fn run(settings: Settings, identity: Identity) -> Result<()> {
	let proxy = Proxy::new(settings.authority, identity);
	let mut chain = Chain::connect(&settings.url, settings.timeout).await?;
	if let Some(problem) = proxy.check(&chain).await? {
		bail!("{problem}");
	}
	log(
		"started",
		format_args!(
			"authority={} proxy_account={} url={}",
			settings.authority,
			proxy.account(),
			settings.url
		),
	);
	let mut state = State::default();
	if settings.once {
		let (hash, best) = chain.reading_block().await?;
		return proxy
			.round(&chain, hash, best, &mut state)
			.await
			.with_context(|| format!("at block #{best}"));
	}
	let mut backoff = Backoff::default();
	loop {
		let error = proxy.follow(&chain, &mut state, &mut backoff).await;
		let wait = backoff.next_wait();
		log("disconnected", format_args!("reason=\"{error:#}\" reconnect_in={}s", wait.as_secs()));
		tokio::time::sleep(wait).await;
		loop {
			match Chain::connect(&settings.url, settings.timeout).await {
				Ok(connected) => {
					chain = connected;
					log("reconnected", format_args!("url={}", settings.url));
					break;
				},
				Err(error) => {
					let wait = backoff.next_wait();
					log(
						"disconnected",
						format_args!("reason=\"{error:#}\" reconnect_in={}s", wait.as_secs()),
					);
					tokio::time::sleep(wait).await;
				},
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain::access::{RequestState, Scope};
	use medfed_primitives::{
		envelope::{self, Sealed},
		umbral::dev,
	};
	use umbral_pre::SecretKey;

	fn account(suri: &str) -> AccountId32 {
		crate::chain::keypair(suri).unwrap().public_key().to_account_id()
	}

	fn public(secret: &SecretKey) -> PublicKey {
		PublicKey::parse(&secret.public_key().to_compressed_bytes()).unwrap()
	}

	/// The region's three authorities, in the authority set's order.
	fn authorities() -> Vec<AccountId32> {
		["//Alice", "//Bob", "//Charlie"].map(account).to_vec()
	}

	fn document(record: RecordId) -> Vec<u8> {
		format!(r#"{{"resourceType":"Observation","id":"{record}","status":"final"}}"#).into_bytes()
	}

	/// A patient's 2-of-3 grant of records 3 and 7 to a practitioner, made as the patient's
	/// client makes it, with the development proxy keys of the three authorities.
	struct Shared {
		grant: Grant,
		grantee: SecretKey,
		proxy_keys: Vec<SecretKey>,
		fragments: Vec<Vec<u8>>,
		envelopes: Vec<(RecordId, Envelope)>,
		sealed: Vec<(RecordId, Sealed)>,
	}

	fn shared() -> Shared {
		let patient = SecretKey::random();
		let grantee = SecretKey::random();
		let salt = [7u8; 32];
		let (patient_account, grantee_account) = (account("//Ferdie"), account("//Dave"));
		let delegating = sharing::grant_key(&patient, &salt);
		let signer = sharing::signing_key(&patient);
		let proxy_keys: Vec<_> = ["Alice", "Bob", "Charlie"].map(dev::secret_key).to_vec();
		let grant_ref = sharing::grant_ref(&patient_account.0, &grantee_account.0, &salt);
		let fragments = sharing::make_fragments(
			&mut OsRng,
			&delegating,
			&signer,
			&grantee.public_key(),
			2,
			&proxy_keys.iter().map(SecretKey::public_key).collect::<Vec<_>>(),
			&grant_ref,
		)
		.unwrap();
		let mut sealed = Vec::new();
		let mut envelopes = Vec::new();
		for record in [3, 7] {
			let record_sealed =
				envelope::seal(&mut OsRng, &public(&patient), &document(record)).unwrap();
			let (capsule, wrapped_key) = sharing::rewrap(
				&mut OsRng,
				&patient,
				&record_sealed.capsule,
				&record_sealed.wrapped_key,
				&delegating.public_key(),
			)
			.unwrap();
			envelopes.push((record, Envelope { capsule, wrapped_key }));
			sealed.push((record, record_sealed));
		}
		let grant = Grant {
			patient: patient_account,
			grantee: grantee_account,
			grantee_key: public(&grantee),
			scope: Scope::Records(vec![3, 7]),
			threshold: 2,
			proxies: authorities(),
			salt,
			delegating_key: public(&delegating),
			verifying_key: PublicKey::parse(&signer.verifying_key().to_compressed_bytes()).unwrap(),
			granted_at: 20,
			expires_at: 1_000,
			revoked_at: None,
		};
		Shared { grant, grantee, proxy_keys, fragments, envelopes, sealed }
	}

	fn request(records: Vec<RecordId>, deadline: u32) -> Request {
		Request {
			grant: 0,
			requester: account("//Dave"),
			records,
			purpose: b"referral".to_vec(),
			requested_at: deadline - 20,
			deadline,
			state: RequestState::Open,
		}
	}

	#[test]
	fn two_proxies_capsule_fragments_open_the_requested_records_for_the_grantee() {
		let shared = shared();
		// Each proxy answers two requests for the same records, the second from the capsules it
		// kept parsed from the first.
		let answers: Vec<_> = [0, 2]
			.into_iter()
			.map(|n| {
				let mut capsules = CapsuleCache::new(KEEP_CAPSULES);
				let mut answer = || {
					reencrypt_records(
						&shared.proxy_keys[n],
						&shared.grant,
						&shared.fragments[n],
						&shared.envelopes,
						&mut capsules,
					)
					.unwrap()
				};
				let answers = [answer(), answer()];
				assert_eq!(capsules.len(), 2);
				assert!(shared.envelopes.iter().all(|(_, e)| capsules.contains(&e.capsule)));
				assert_ne!(answers[0], answers[1], "every re-encryption is fresh");
				answers
			})
			.collect();
		for (i, (record, envelope)) in shared.envelopes.iter().enumerate() {
			for request in 0..2 {
				let cfrags: Vec<_> = answers
					.iter()
					.map(|answer| {
						assert_eq!(answer[request][i].0, *record);
						answer[request][i].1.clone()
					})
					.collect();
				let key = sharing::open_reencrypted(
					&shared.grantee,
					&shared.grant.delegating_key.to_umbral().unwrap(),
					&shared.grant.verifying_key.to_umbral().unwrap(),
					&shared.grantee.public_key(),
					&envelope.capsule,
					&envelope.wrapped_key,
					&cfrags,
				)
				.unwrap();
				let (_, sealed) = &shared.sealed[i];
				let opened =
					envelope::open_with_document_key(&key, &sealed.hash(), &sealed.ciphertext);
				assert_eq!(opened.unwrap(), document(*record));
			}
		}
	}

	#[test]
	fn a_key_fragment_that_is_not_this_proxys_for_this_grant_is_a_warning() {
		let shared = shared();
		let answer = |proxy: usize, fragment: usize, grant: &Grant| {
			reencrypt_records(
				&shared.proxy_keys[proxy],
				grant,
				&shared.fragments[fragment],
				&shared.envelopes,
				&mut CapsuleCache::new(KEEP_CAPSULES),
			)
		};
		let another_proxys = answer(1, 0, &shared.grant).unwrap_err();
		assert_eq!(another_proxys, Skip::KeyFragment(SharingError::UnreadableKeyFragment));

		let mut other_salt = shared.grant.clone();
		other_salt.salt[0] ^= 1;
		let other_grants = answer(1, 1, &other_salt).unwrap_err();
		assert_eq!(other_grants, Skip::KeyFragment(SharingError::UnauthorizedKeyFragment));

		let mut other_grantee = shared.grant.clone();
		other_grantee.grantee_key = public(&SecretKey::random());
		let not_for_this_grantee = answer(1, 1, &other_grantee).unwrap_err();
		assert_eq!(not_for_this_grantee, Skip::KeyFragment(SharingError::InvalidKeyFragment));

		let mut cut = shared.fragments[1].clone();
		cut.truncate(50);
		let cut_short = reencrypt_records(
			&shared.proxy_keys[1],
			&shared.grant,
			&cut,
			&shared.envelopes,
			&mut CapsuleCache::new(KEEP_CAPSULES),
		);
		assert_eq!(cut_short.unwrap_err(), Skip::KeyFragment(SharingError::MalformedKeyFragment));

		for skip in [another_proxys, other_grants, not_for_this_grantee] {
			assert!(skip.is_warning() && !skip.is_quiet());
			let text = skip.to_string();
			assert!(text.starts_with("this proxy's key fragment: "), "{text}");
			assert!(!text.contains(&hex::encode(&shared.fragments[0][..8])), "{text}");
		}
	}

	#[test]
	fn a_proxy_acts_only_on_open_requests_of_live_grants_that_name_it_in_time() {
		let grant = shared().grant;
		let [alice, bob, charlie] = <[AccountId32; 3]>::try_from(authorities()).unwrap();
		let open = request(vec![3, 7], 60);

		assert_eq!(position(&open, &grant, &alice, 40), Ok(0));
		assert_eq!(position(&open, &grant, &bob, 40), Ok(1));
		assert_eq!(position(&open, &grant, &charlie, 58), Ok(2));
		// A submission is in the next block at the earliest; the deadline's block sweeps it.
		assert_eq!(position(&open, &grant, &bob, 59), Err(Skip::DeadlinePassed { deadline: 60 }));
		assert_eq!(position(&open, &grant, &bob, 75), Err(Skip::DeadlinePassed { deadline: 60 }));
		assert_eq!(position(&open, &grant, &account("//Eve"), 40), Err(Skip::NotAProxy));

		// A fulfilled request still takes this proxy's fragments until its deadline.
		let fulfilled = Request { state: RequestState::Fulfilled { at: 45 }, ..open.clone() };
		assert_eq!(position(&fulfilled, &grant, &bob, 46), Ok(1));
		let expired = Request { state: RequestState::Expired { at: 60 }, ..open.clone() };
		assert_eq!(position(&expired, &grant, &bob, 46), Err(Skip::Ended));

		let revoked = Grant { revoked_at: Some(41), ..grant.clone() };
		assert_eq!(position(&open, &revoked, &bob, 41), Err(Skip::GrantRevoked { at: 41 }));

		let expiring = Grant { expires_at: 50, ..grant.clone() };
		assert_eq!(position(&open, &expiring, &bob, 48), Ok(1));
		assert_eq!(
			position(&open, &expiring, &bob, 49),
			Err(Skip::GrantExpired { expires_at: 50 })
		);
		for skip in [Skip::Ended, Skip::NotAProxy, Skip::GrantRevoked { at: 41 }] {
			assert!(!skip.is_warning() && !skip.is_quiet());
		}
	}

	#[test]
	fn only_the_records_without_this_proxys_fragment_are_issued() {
		let issued = vec![
			(3, 0, vec![0xaa; 4]),
			(7, 1, vec![0xbb; 4]),
			(3, 2, vec![0xcc; 4]),
			(9, 2, vec![0xdd; 4]),
		];
		assert_eq!(records_to_issue(&[3, 7, 9], &issued, 0), vec![7, 9]);
		assert_eq!(records_to_issue(&[3, 7, 9], &issued, 1), vec![3, 9]);
		assert_eq!(records_to_issue(&[3, 7, 9], &issued, 2), vec![7]);
		assert_eq!(records_to_issue(&[3, 9], &issued, 2), Vec::<RecordId>::new());
		assert_eq!(records_to_issue(&[7, 3], &[], 1), vec![7, 3]);
		assert_eq!(records_to_issue(&[7, 3, 7], &[], 1), vec![7, 3]);
	}

	#[test]
	fn a_submission_is_never_repeated_in_a_run_and_a_failed_one_waits_before_a_retry() {
		let start = Instant::now();
		let mut handled = Handled::default();
		assert_eq!(handled.check(4, start), None);

		handled.issued(4, start);
		assert_eq!(handled.check(4, start + Duration::from_secs(3600)), Some(Skip::Submitted));
		assert_eq!(handled.check(5, start), None);

		handled.failed(5, start);
		assert_eq!(handled.check(5, start + Duration::from_secs(29)), Some(Skip::RetryLater));
		assert_eq!(handled.check(5, start + RETRY_AFTER), None);
		handled.issued(5, start + RETRY_AFTER);
		assert_eq!(handled.check(5, start + RETRY_AFTER), Some(Skip::Submitted));

		assert_eq!(handled.len(), 2);
		handled.forget_old(start + REMEMBER_FOR);
		assert_eq!(handled.len(), 1, "request 4, submitted two hours ago, is forgotten");
		handled.forget_old(start + RETRY_AFTER + REMEMBER_FOR);
		assert!(handled.is_empty());
		assert!(Skip::Submitted.is_quiet() && Skip::RetryLater.is_quiet());
	}

	#[test]
	fn a_request_skipped_for_the_same_reason_at_every_block_is_logged_once() {
		let mut log = SkipLog::default();
		assert!(log.should_log(4, &Skip::NotAProxy));
		assert!(!log.should_log(4, &Skip::NotAProxy));
		assert!(log.should_log(5, &Skip::NotAProxy));
		assert!(log.should_log(4, &Skip::AlreadyIssued));
		assert!(!log.should_log(6, &Skip::Submitted));
		log.retain_open(&[5]);
		assert!(log.should_log(4, &Skip::AlreadyIssued));
		assert!(!log.should_log(5, &Skip::NotAProxy));
	}

	#[test]
	fn reconnections_back_off_from_one_second_to_a_minute() {
		let mut backoff = Backoff::default();
		let waits: Vec<u64> = (0..8).map(|_| backoff.next_wait().as_secs()).collect();
		assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
		backoff.reset();
		assert_eq!(backoff.next_wait(), MIN_BACKOFF);
	}

	#[test]
	fn the_proxy_works_only_for_an_active_authority_that_named_its_account_and_key() {
		let authority = account("//Alice");
		let proxy = development_identity("//Alice//proxy").unwrap();
		let (me, key) = (proxy.account(), proxy.umbral_public());
		assert_eq!(key, dev::public_key("Alice"));
		let institution = Institution {
			account: authority,
			role: Role::Authority,
			name: b"Region A Health Authority".to_vec(),
			proxy_key: Some(dev::public_key("Alice")),
			status: MembershipStatus::Active { since: 0 },
		};
		let problem = |institution: Option<&Institution>, named: Option<&AccountId32>| {
			setup_problem(&authority, institution, named, &me, &key)
		};
		assert_eq!(problem(Some(&institution), Some(&me)), None);

		let text = problem(Some(&institution), None).unwrap().to_string();
		assert!(
			text.contains("the authority must name this account") &&
				text.contains("Access.set_proxy_account") &&
				text.contains(&me.to_string()),
			"{text}"
		);
		let other = account("//Bob");
		assert_eq!(
			problem(Some(&institution), Some(&other)),
			Some(SetupProblem::OtherProxyAccount { authority, account: me, named: other })
		);
		let rotated =
			Institution { proxy_key: Some(dev::public_key("Bob")), ..institution.clone() };
		assert_eq!(
			problem(Some(&rotated), Some(&me)),
			Some(SetupProblem::WrongProxyKey { authority })
		);
		let removed =
			Institution { status: MembershipStatus::Removed { at: 90 }, ..institution.clone() };
		assert_eq!(
			problem(Some(&removed), Some(&me)),
			Some(SetupProblem::Removed { authority, at: 90 })
		);
		let clinic = Institution { role: Role::Clinic, proxy_key: None, ..institution.clone() };
		let text = problem(Some(&clinic), Some(&me)).unwrap().to_string();
		assert!(text.contains("is a clinic of this region, not an authority"), "{text}");
		assert_eq!(problem(None, None), Some(SetupProblem::NotAnInstitution { authority }));
	}

	#[test]
	fn development_identities_are_dev_accounts_with_the_dev_umbral_key_of_their_first_name() {
		let alice = development_identity("//Alice").unwrap();
		assert_eq!(alice.account(), account("//Alice"));
		assert_eq!(alice.umbral_public(), dev::public_key("Alice"));
		let proxy = development_identity("//Alice//proxy").unwrap();
		assert_eq!(proxy.account(), account("//Alice//proxy"));
		assert_ne!(proxy.account(), alice.account());
		assert_eq!(proxy.umbral_public(), dev::public_key("Alice"));
		for refused in ["alice", "//", "///pw", "//Alice///pw", "//Al ice", "0x1234", ""] {
			let error = development_identity(refused).err().expect(refused).to_string();
			assert!(error.contains("give --key NAME"), "{refused}: {error}");
			assert!(refused.len() < 3 || !error.contains(refused), "{error}");
		}
	}
}
