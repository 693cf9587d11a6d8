//! A fuzzer of the region runtime (issue 14, item 8): random sequences of every call, from
//! authorities, other members, patients, strangers, unsigned origins and sibling parachains,
//! dispatched on region A's genesis chain block after block.
//!
//! Checked at every call: nothing panics, and a call that fails leaves the storage root as it
//! was. Checked at the end of every block (with `--features try-runtime`): every pallet's
//! `try_state`.
//!
//! Two generators: structured builders that make mostly valid arguments (real Umbral keys,
//! capsules and capsule fragments, real CIDs, ids of what exists), so that the chain reaches
//! deep states (records, grants, requests fulfilled by the proxies' fragments, complaints,
//! queries, voided records, removed institutions), and raw calls decoded from random bytes.
//! Root is reached only through motions of the authority collective.
//!
//! `MEDFED_FUZZ_SEED` (decimal or `0x…`) seeds the run, `MEDFED_FUZZ_CALLS` sets its length;
//! `scripts/fuzz.sh` runs a long one. Everything is drawn from the seed: a run replays exactly.

use crate::{
	genesis_config_presets::REGION_A, AccountId, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeGenesisConfig, RuntimeOrigin, System,
};
use alloc::collections::BTreeMap;
use codec::{Decode, DecodeLimit, Encode};
use medfed_primitives::{
	query::{Answer, QueryId, QueryKind, SharedRecord},
	Capsule, Cid, PublicKey, ResourceType, Role, Unpinnable, WrappedKey,
};
use medfed_runtime_common::{
	fuzz::{self, env_number, Counts, Rng},
	genesis, para_ids,
};
use polkadot_sdk::{
	frame_support::{
		dispatch::GetDispatchInfo,
		traits::{
			Authorize, BuildGenesisConfig, GetCallMetadata, OnFinalize, OnIdle, OnInitialize,
		},
		weights::Weight,
		BoundedVec,
	},
	frame_system, pallet_balances, pallet_collator_selection, pallet_collective, pallet_session,
	pallet_xcm,
	sp_core::{crypto::ByteArray, Pair, H256},
	sp_io,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		traits::BlockNumberProvider, transaction_validity::TransactionSource, MultiAddress,
	},
	staging_xcm::latest::prelude::{Location, Parachain},
};

/// The seed when `MEDFED_FUZZ_SEED` is not set.
const DEFAULT_SEED: u64 = 0x4d65_6446_6564_0014;
/// The calls of a run when `MEDFED_FUZZ_CALLS` is not set: the test command's short run.
const DEFAULT_CALLS: u64 = 1_500;
/// The calls of one sequence from genesis when `MEDFED_FUZZ_SEQUENCE` is not set. The
/// invariants' checks read the whole state, after every block: fresh chains keep them fast.
const DEFAULT_SEQUENCE: u64 = 1_500;
/// The pallet indices of the runtime, for the raw generator.
const PALLETS: &[u8] =
	&[0, 1, 2, 3, 4, 10, 11, 16, 17, 20, 21, 22, 23, 24, 30, 31, 32, 33, 50, 51, 52, 53, 54];
/// FHIR resource types the builders use, and one that is none.
const RESOURCE_TYPES: &[&[u8]] =
	&[b"Observation", b"Condition", b"AllergyIntolerance", b"Immunization", b"NotAType"];
/// Keys of the Umbral key pool (patients', grantees', grants' and signers' keys).
const KEY_POOL: usize = 8;

/// Who sends a call.
#[derive(Clone, Debug)]
enum Who {
	/// A signed account.
	Signed(AccountId),
	/// No origin: dispatched only if the runtime's `validate_unsigned` or the call's
	/// `authorize` accepts it, as the transaction pipeline does.
	Unsigned,
	/// A sibling parachain through XCM (`pallet_xcm::Origin::Xcm`).
	Sibling(u32),
}

impl Who {
	fn origin(&self) -> RuntimeOrigin {
		match self {
			Who::Signed(who) => RuntimeOrigin::signed(who.clone()),
			Who::Unsigned => RuntimeOrigin::none(),
			Who::Sibling(para) =>
				pallet_xcm::Origin::Xcm(Location::new(1, [Parachain(*para)])).into(),
		}
	}
}

/// What the fuzzer knows of a grant it made: the secrets its proxies' fragments come from.
struct GrantSecrets {
	/// The key fragments, one per proxy position.
	kfrags: Vec<umbral_pre::VerifiedKeyFrag>,
	/// The grant's delegating secret key.
	secret: umbral_pre::SecretKey,
}

/// The fuzzer's state: its random source, what it made, and its counts.
struct Fuzz {
	rng: Rng,
	seed: u64,
	/// The calls of this sequence (for a replay's `MEDFED_FUZZ_CALLS`).
	length: u64,
	/// What it counted.
	counts: Counts,
	/// The Umbral key pool: secret keys and their public keys in MedFed's encoding.
	keys: Vec<(umbral_pre::SecretKey, PublicKey)>,
	/// Capsules and wrapped keys of records, encrypted to pool keys.
	envelopes: Vec<(Capsule, WrappedKey)>,
	/// Which pool key each account registered with `Access.register_key`.
	grantee_keys: BTreeMap<AccountId, usize>,
	grants: BTreeMap<u64, GrantSecrets>,
	/// Ciphertext hashes registered, reused to provoke duplicates.
	hashes: Vec<[u8; 32]>,
	/// Accounts that may stand as proxies.
	proxies: Vec<AccountId>,
}

fn keyring(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

/// A synthetic account, without funds.
fn synthetic(tag: u8, n: u8) -> AccountId {
	let mut raw = [tag; 32];
	raw[31] = n;
	AccountId::from(raw)
}

fn patients() -> Vec<AccountId> {
	let mut out = vec![
		keyring(Sr25519Keyring::Ferdie),
		keyring(Sr25519Keyring::One),
		keyring(Sr25519Keyring::Two),
	];
	out.extend((0..3).map(|n| synthetic(0x11, n)));
	out
}

fn members() -> Vec<AccountId> {
	vec![keyring(Sr25519Keyring::Charlie), keyring(Sr25519Keyring::Dave)]
}

fn strangers() -> Vec<AccountId> {
	vec![keyring(Sr25519Keyring::Eve), keyring(Sr25519Keyring::EveStash), synthetic(0xee, 0)]
}

/// The current authorities (the collective's members).
fn authorities() -> Vec<AccountId> {
	pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
}

fn now() -> u32 {
	System::block_number()
}

/// The index, threshold, ayes, nays and end of motion `hash`, decoded from the encoding of
/// `pallet_collective::Votes`, whose fields are private.
fn votes_of(hash: H256) -> Option<(u32, u32, Vec<AccountId>, Vec<AccountId>, u32)> {
	let votes = pallet_collective::Voting::<Runtime, pallet_collective::Instance1>::get(hash)?;
	Decode::decode(&mut &votes.encode()[..]).ok()
}

/// Whether root may be handed `call` through a motion: not the calls that write raw storage,
/// replace the code, or set the total issuance, by which root may break any invariant.
fn root_may(call: &RuntimeCall) -> bool {
	use frame_system::Call as S;
	match call {
		RuntimeCall::System(
			S::set_storage { .. } |
			S::kill_storage { .. } |
			S::kill_prefix { .. } |
			S::set_code { .. } |
			S::set_code_without_checks { .. },
		) => false,
		RuntimeCall::Balances(pallet_balances::Call::force_adjust_total_issuance { .. }) => false,
		// As root (enact), `set_desired_candidates` above `MaxCandidates` passes every call
		// filter and breaks collator selection's invariant, as raw storage writes would (fuzz
		// seed 0x26415eafbfe6038c). Through a collective, the runtime's filter refuses it.
		RuntimeCall::Governance(pallet_governance::Call::enact { call }) => match &**call {
			RuntimeCall::CollatorSelection(
				pallet_collator_selection::Call::set_desired_candidates { max },
			) => {
				use polkadot_sdk::frame_support::traits::Get;
				*max <= <Runtime as pallet_collator_selection::Config>::MaxCandidates::get()
			},
			call => root_may(call),
		},
		RuntimeCall::AuthorityCollective(
			pallet_collective::Call::propose { proposal, .. } |
			pallet_collective::Call::execute { proposal, .. },
		) => root_may(proposal),
		_ => true,
	}
}

impl Fuzz {
	fn new(seed: u64) -> Self {
		let mut rng = Rng(seed);
		let factory = umbral_pre::SecretKeyFactory::from_secure_randomness(&rng.array32())
			.expect("32 bytes is the factory's seed size");
		let keys: Vec<_> = (0..KEY_POOL)
			.map(|i| {
				let secret = factory.make_key(&[i as u8]);
				let public = PublicKey::parse(&secret.public_key().to_compressed_bytes())
					.expect("an Umbral public key");
				(secret, public)
			})
			.collect();
		let envelopes = (0..KEY_POOL)
			.map(|i| {
				let (capsule, wrapped) =
					umbral_pre::encrypt_with_rng(&mut rng, &keys[i].0.public_key(), &[0x42; 32])
						.expect("encrypts");
				(
					Capsule::from_umbral(&capsule),
					WrappedKey::parse(&wrapped).expect("a wrapped 32-byte key"),
				)
			})
			.collect();
		let mut proxies: Vec<AccountId> = (0..4).map(|n| synthetic(0x50, n)).collect();
		proxies.push(keyring(Sr25519Keyring::Eve));
		Fuzz {
			rng,
			seed,
			length: 0,
			counts: Counts { sequences: 1, ..Counts::default() },
			keys,
			envelopes,
			grantee_keys: BTreeMap::new(),
			grants: BTreeMap::new(),
			hashes: Vec::new(),
			proxies,
		}
	}

	/// Where a failure happened, and how to replay it.
	fn at(&self) -> String {
		format!(
			"sequence seed {:#x}, step {} of {}, block {} (replay: MEDFED_FUZZ_SEED={:#x} \
			 MEDFED_FUZZ_CALLS={} MEDFED_FUZZ_SEQUENCE={})",
			self.seed,
			self.counts.step,
			self.length,
			now(),
			self.seed,
			self.length,
			self.length
		)
	}

	// ---- Origins and small values ---------------------------------------------------------

	/// Any origin: an authority, a member, a patient, a stranger, a proxy, unsigned or a sibling.
	fn anyone(&mut self) -> Who {
		match self.rng.below(8) {
			0 => Who::Signed(
				self.rng.pick(&authorities()).unwrap_or_else(|| keyring(Sr25519Keyring::Alice)),
			),
			1 => Who::Signed(self.rng.pick(&members()).expect("two members")),
			2 | 3 => Who::Signed(self.rng.pick(&patients()).expect("patients")),
			4 => Who::Signed(self.rng.pick(&strangers()).expect("strangers")),
			5 => Who::Signed(self.rng.pick(&self.proxies.clone()).expect("proxies")),
			6 => Who::Unsigned,
			_ => Who::Sibling(self.sibling()),
		}
	}

	/// `natural` mostly, otherwise anyone.
	fn mostly(&mut self, natural: AccountId) -> Who {
		if self.rng.chance(85) {
			Who::Signed(natural)
		} else {
			self.anyone()
		}
	}

	fn sibling(&mut self) -> u32 {
		self.rng
			.pick(&[para_ids::COORDINATOR, para_ids::REGION_B, 3000, para_ids::REGION_A])
			.expect("four")
	}

	/// Any account the fuzzer knows, or a fresh one.
	fn account(&mut self) -> AccountId {
		let mut all = authorities();
		all.extend(members());
		all.extend(patients());
		all.extend(strangers());
		all.extend(self.proxies.clone());
		if self.rng.chance(10) {
			return synthetic(0x77, self.rng.below(4) as u8);
		}
		self.rng.pick(&all).expect("accounts")
	}

	fn patient(&mut self) -> AccountId {
		self.rng.pick(&patients()).expect("patients")
	}

	/// A pool key's index.
	fn key_index(&mut self) -> usize {
		self.rng.below(KEY_POOL as u64) as usize
	}

	/// A public key: mostly valid, otherwise random bytes (rarely a point).
	fn public_key(&mut self) -> PublicKey {
		if self.rng.chance(85) {
			let i = self.key_index();
			self.keys[i].1
		} else {
			let mut raw = [0u8; 33];
			raw.copy_from_slice(&self.rng.bytes(33));
			PublicKey(raw)
		}
	}

	/// Bytes of `len` drawn around `typical`: often exact, sometimes any length up to `max`.
	fn blob(&mut self, typical: usize, max: usize) -> Vec<u8> {
		let len =
			if self.rng.chance(80) { typical } else { self.rng.below(max as u64 + 1) as usize };
		self.rng.bytes(len)
	}

	/// A record id: of one that exists mostly, otherwise any.
	fn record_id(&mut self) -> u64 {
		let next = pallet_records::NextRecordId::<Runtime>::get();
		if next > 0 && self.rng.chance(90) {
			next - 1 - self.rng.below(next.min(64))
		} else {
			self.rng.below(next + 3)
		}
	}

	/// Records of `patient` among the latest ones.
	fn records_of(&self, patient: &AccountId) -> Vec<u64> {
		let next = pallet_records::NextRecordId::<Runtime>::get();
		(next.saturating_sub(256)..next)
			.filter(|id| {
				pallet_records::Records::<Runtime>::get(id).is_some_and(|r| &r.patient == patient)
			})
			.collect()
	}

	fn grant_id(&mut self) -> u64 {
		let next = pallet_access::NextGrantId::<Runtime>::get();
		if next > 0 && self.rng.chance(90) {
			next - 1 - self.rng.below(next.min(16))
		} else {
			self.rng.below(next + 2)
		}
	}

	fn request_id(&mut self) -> u64 {
		let next = pallet_access::NextRequestId::<Runtime>::get();
		if next > 0 && self.rng.chance(90) {
			next - 1 - self.rng.below(next.min(16))
		} else {
			self.rng.below(next + 2)
		}
	}

	fn query_nonce(&mut self) -> u64 {
		let next = pallet_federation::NextQuery::<Runtime>::get();
		if next > 0 && self.rng.chance(85) {
			next - 1 - self.rng.below(next.min(8))
		} else {
			self.rng.below(next + 2)
		}
	}

	fn amount(&mut self) -> u128 {
		match self.rng.below(4) {
			0 => self.rng.below(1_000) as u128,
			1 => self.rng.below(crate::UNIT as u64) as u128,
			2 => crate::UNIT * self.rng.range(1, 1_000) as u128,
			_ => (self.rng.next() as u128) << self.rng.below(64),
		}
	}

	fn envelope(&mut self, to: &umbral_pre::PublicKey) -> pallet_access::GrantEnvelope {
		let (capsule, wrapped) =
			umbral_pre::encrypt_with_rng(&mut self.rng, to, &[0x42; 32]).expect("encrypts");
		pallet_access::GrantEnvelope {
			capsule: Capsule::from_umbral(&capsule),
			wrapped_key: WrappedKey::parse(&wrapped).expect("a wrapped 32-byte key"),
		}
	}

	// ---- Structured builders ---------------------------------------------------------------

	/// One structured call and its sender.
	fn structured(&mut self) -> (Who, RuntimeCall) {
		match self.rng.below(100) {
			0..=5 => self.register_patient(),
			6..=17 => self.register_record(),
			18..=21 => self.register_key(),
			22..=23 => self.set_proxy_account(),
			24..=31 => self.grant(),
			32..=33 => self.extend_grant(),
			34..=35 => self.revoke(),
			36..=43 => self.request(),
			44..=52 => self.submit_fragments(),
			53..=55 => self.complain(),
			56..=63 => self.federation(),
			// Signing is slow in the debug build: 1 %.
			64 => self.report_pins(),
			65 | 66 => self.request(),
			67..=80 => self.collective(),
			81..=84 => self.balances(),
			85..=87 => self.collators(),
			88..=89 => self.session(),
			90..=91 => self.small_sdk(),
			92..=93 => {
				let key = self.public_key();
				let who = self.rng.pick(&authorities()).unwrap_or_else(|| self.account());
				(
					self.mostly(who),
					RuntimeCall::Institutions(pallet_institutions::Call::set_proxy_key {
						proxy_key: key,
					}),
				)
			},
			// Root-only calls sent directly: always refused.
			_ => (self.anyone(), self.admin_call()),
		}
	}

	fn register_patient(&mut self) -> (Who, RuntimeCall) {
		let who = self.patient();
		let key = if self.rng.chance(90) {
			let i = self.key_index();
			self.keys[i].1 .0.to_vec()
		} else {
			self.blob(33, 40)
		};
		(self.mostly(who), RuntimeCall::Records(pallet_records::Call::register_patient { key }))
	}

	fn register_record(&mut self) -> (Who, RuntimeCall) {
		let issuer = if self.rng.chance(70) {
			self.rng.pick(&members()).expect("members")
		} else {
			self.rng.pick(&authorities()).unwrap_or_else(|| self.account())
		};
		let patient = if self.rng.chance(90) { self.patient() } else { self.account() };
		let resource_type = self.rng.pick(RESOURCE_TYPES).expect("types").to_vec();
		let ciphertext_hash = match self.rng.below(10) {
			0 => self.rng.pick(&self.hashes).unwrap_or_else(|| self.rng.array32()),
			_ => self.rng.array32(),
		};
		let cid = match self.rng.below(10) {
			0..=5 => Cid::v0(ciphertext_hash).to_text().into_bytes(),
			6..=8 => Cid::raw_sha256(ciphertext_hash).to_text().into_bytes(),
			_ => self.blob(46, 80),
		};
		let (capsule, wrapped_key) = {
			let i = self.key_index();
			let (capsule, wrapped) = self.envelopes[i];
			let capsule = if self.rng.chance(95) { capsule.0.to_vec() } else { self.blob(98, 120) };
			let wrapped = if self.rng.chance(95) { wrapped.0.to_vec() } else { self.blob(72, 90) };
			(capsule, wrapped)
		};
		let size = match self.rng.below(10) {
			0 => 0,
			1 => u64::MAX - self.rng.below(10),
			_ => self.rng.range(1, 1 << 20),
		};
		let supersedes = self.rng.chance(20).then(|| self.record_id());
		if self.hashes.len() < 64 {
			self.hashes.push(ciphertext_hash);
		}
		(
			Who::Signed(issuer),
			RuntimeCall::Records(pallet_records::Call::register_record {
				patient,
				resource_type,
				cid,
				ciphertext_hash,
				capsule,
				wrapped_key,
				size,
				supersedes,
			}),
		)
	}

	fn register_key(&mut self) -> (Who, RuntimeCall) {
		let who = if self.rng.chance(50) {
			self.rng.pick(&members()).expect("members")
		} else {
			self.account()
		};
		let i = self.key_index();
		let key = if self.rng.chance(90) { self.keys[i].1 } else { self.public_key() };
		if key == self.keys[i].1 {
			// Noted before dispatch: register_key fails only with an invalid key.
			self.grantee_keys.insert(who.clone(), i);
		}
		(Who::Signed(who), RuntimeCall::Access(pallet_access::Call::register_key { key }))
	}

	fn set_proxy_account(&mut self) -> (Who, RuntimeCall) {
		let authority = self.rng.pick(&authorities()).unwrap_or_else(|| self.account());
		let proxy = self.rng.pick(&self.proxies.clone()).expect("proxies");
		(
			self.mostly(authority),
			RuntimeCall::Access(pallet_access::Call::set_proxy_account { proxy }),
		)
	}

	fn grant(&mut self) -> (Who, RuntimeCall) {
		let patient = self.patient();
		let grantee = if self.rng.chance(80) {
			self.rng
				.pick(&self.grantee_keys.keys().cloned().collect::<Vec<_>>())
				.unwrap_or_else(|| self.account())
		} else {
			self.account()
		};
		let grantee_index =
			self.grantee_keys.get(&grantee).copied().unwrap_or_else(|| self.key_index());
		let proxies = pallet_institutions::Authorities::<Runtime>::get().len().max(1);
		let threshold = match self.rng.below(10) {
			0 => 0,
			1 => proxies as u64 + 1,
			_ => self.rng.range(1, proxies as u64),
		};
		let secret = umbral_pre::SecretKey::random_with_rng(&mut self.rng);
		let signer = umbral_pre::Signer::new(umbral_pre::SecretKey::random_with_rng(&mut self.rng));
		let kfrags: Vec<_> = umbral_pre::generate_kfrags_with_rng(
			&mut self.rng,
			&secret,
			&self.keys[grantee_index].0.public_key(),
			&signer,
			threshold.clamp(1, proxies as u64) as usize,
			proxies,
			true,
			true,
		)
		.into_vec();
		let count = match self.rng.below(12) {
			0 => proxies + 1,
			1 => proxies.saturating_sub(1),
			_ => proxies,
		};
		let fragments: Vec<_> = (0..count)
			.map(|_| {
				let len = if self.rng.chance(97) { self.rng.range(1, 544) } else { 0 };
				BoundedVec::truncate_from(self.rng.bytes(len as usize))
			})
			.collect();
		let mine = self.records_of(&patient);
		let chosen: Vec<u64> = if mine.is_empty() || self.rng.chance(10) {
			(0..self.rng.below(3)).map(|_| self.record_id()).collect()
		} else {
			let n = self.rng.range(1, 3) as usize;
			(0..n).filter_map(|_| self.rng.pick(&mine)).collect()
		};
		let public = secret.public_key();
		let envelopes: Vec<_> = chosen.iter().map(|id| (*id, self.envelope(&public))).collect();
		let scope = match self.rng.below(4) {
			0 | 1 => pallet_access::Scope::All,
			2 => pallet_access::Scope::Types(BoundedVec::truncate_from(
				(0..self.rng.range(0, 3))
					.filter_map(|_| {
						ResourceType::parse(self.rng.pick(RESOURCE_TYPES).expect("types"))
					})
					.collect(),
			)),
			_ => pallet_access::Scope::Records(BoundedVec::truncate_from(chosen.clone())),
		};
		let expires_at = match self.rng.below(10) {
			0 => now(),
			1 => now() + 365 * crate::DAYS + 1,
			_ => now() + self.rng.range(1, 300) as u32,
		};
		let salt = if self.rng.chance(5) { [0; 32] } else { self.rng.array32() };
		let delegating_key = if self.rng.chance(95) {
			PublicKey::parse(&public.to_compressed_bytes()).expect("a key")
		} else {
			self.public_key()
		};
		let verifying_key =
			PublicKey::parse(&signer.verifying_key().to_compressed_bytes()).expect("a key");
		let id = pallet_access::NextGrantId::<Runtime>::get();
		self.grants
			.insert(id, GrantSecrets { kfrags: kfrags.into_iter().collect(), secret });
		(
			self.mostly(patient),
			RuntimeCall::Access(pallet_access::Call::grant {
				grantee,
				scope,
				threshold: threshold as u8,
				expires_at,
				salt,
				delegating_key,
				verifying_key,
				fragments: BoundedVec::truncate_from(fragments),
				envelopes: BoundedVec::truncate_from(envelopes),
			}),
		)
	}

	fn extend_grant(&mut self) -> (Who, RuntimeCall) {
		let grant = self.grant_id();
		let info = pallet_access::Grants::<Runtime>::get(grant);
		let patient = info.as_ref().map(|g| g.patient.clone()).unwrap_or_else(|| self.patient());
		let records = self.records_of(&patient);
		let public = self.grants.get(&grant).map(|g| g.secret.public_key());
		let public = public.unwrap_or_else(|| self.keys[0].0.public_key());
		let n = self.rng.range(0, 3);
		let envelopes: Vec<_> = (0..n)
			.map(|_| {
				let id = self.rng.pick(&records).unwrap_or_else(|| self.record_id());
				(id, self.envelope(&public))
			})
			.collect();
		(
			self.mostly(patient),
			RuntimeCall::Access(pallet_access::Call::extend_grant {
				grant,
				envelopes: BoundedVec::truncate_from(envelopes),
			}),
		)
	}

	fn revoke(&mut self) -> (Who, RuntimeCall) {
		let grant = self.grant_id();
		let patient = pallet_access::Grants::<Runtime>::get(grant)
			.map(|g| g.patient)
			.unwrap_or_else(|| self.patient());
		(self.mostly(patient), RuntimeCall::Access(pallet_access::Call::revoke { grant }))
	}

	fn request(&mut self) -> (Who, RuntimeCall) {
		let grant = self.grant_id();
		let info = pallet_access::Grants::<Runtime>::get(grant);
		let grantee = info.as_ref().map(|g| g.grantee.clone()).unwrap_or_else(|| self.account());
		let mut records: Vec<u64> = match &info {
			Some(g) if self.rng.chance(85) => {
				let enveloped: Vec<u64> =
					pallet_access::Envelopes::<Runtime>::iter_key_prefix(grant).take(16).collect();
				let mine = self.records_of(&g.patient);
				let pool =
					if enveloped.is_empty() || self.rng.chance(10) { mine } else { enveloped };
				let n = self.rng.range(1, 3);
				(0..n).filter_map(|_| self.rng.pick(&pool)).collect()
			},
			_ => (0..self.rng.range(0, 3)).map(|_| self.record_id()).collect(),
		};
		if self.rng.chance(90) {
			records.sort_unstable();
			records.dedup();
		}
		let purpose = BoundedVec::truncate_from(self.blob(8, 130));
		(
			self.mostly(grantee),
			RuntimeCall::Access(pallet_access::Call::request {
				grant,
				records: BoundedVec::truncate_from(records),
				purpose,
			}),
		)
	}

	fn submit_fragments(&mut self) -> (Who, RuntimeCall) {
		let request = self.request_id();
		let info = pallet_access::Requests::<Runtime>::get(request);
		let grant = info.as_ref().and_then(|r| pallet_access::Grants::<Runtime>::get(r.grant));
		// A proxy of one of the grant's authorities, mostly.
		let proxy = grant
			.as_ref()
			.filter(|_| self.rng.chance(85))
			.and_then(|g| {
				let authority = self.rng.pick(&g.proxies)?;
				pallet_access::ProxyAccounts::<Runtime>::get(authority)
			})
			.unwrap_or_else(|| self.rng.pick(&self.proxies.clone()).expect("proxies"));
		let mut fragments = Vec::new();
		if let (Some(info), Some(grant)) = (&info, &grant) {
			let position = pallet_access::ProxyOf::<Runtime>::get(&proxy)
				.and_then(|authority| grant.proxies.iter().position(|p| *p == authority));
			for record in info.records.iter() {
				if !self.rng.chance(85) {
					continue;
				}
				let envelope = pallet_access::Envelopes::<Runtime>::get(info.grant, record);
				let kfrag = position.and_then(|p| {
					self.grants.get(&info.grant).and_then(|g| g.kfrags.get(p).cloned())
				});
				let bytes = match (envelope, kfrag, self.rng.below(10)) {
					// A fragment from another grant's key fragment: well formed, and wrong.
					(Some(envelope), Some(_), 0) => self.wrong_fragment(&envelope),
					(Some(envelope), Some(kfrag), 1..=8) => envelope
						.capsule
						.to_umbral()
						.ok()
						.map(|capsule| {
							let cfrag =
								umbral_pre::reencrypt_with_rng(&mut self.rng, &capsule, kfrag);
							umbral_pre::DefaultSerialize::to_bytes(&cfrag.unverify())
								.expect("serializes")
								.to_vec()
						})
						.unwrap_or_default(),
					_ => self.blob(400, 416),
				};
				fragments.push((*record, BoundedVec::truncate_from(bytes)));
			}
		}
		if fragments.is_empty() || self.rng.chance(3) {
			fragments.push((self.record_id(), BoundedVec::truncate_from(self.blob(300, 416))));
		}
		(
			self.mostly(proxy),
			RuntimeCall::Access(pallet_access::Call::submit_fragments {
				request,
				fragments: BoundedVec::truncate_from(fragments),
			}),
		)
	}

	/// A capsule fragment of `envelope`'s capsule by a key fragment of another grant.
	fn wrong_fragment(&mut self, envelope: &pallet_access::GrantEnvelope) -> Vec<u8> {
		let other = self.grants.values().next().and_then(|g| g.kfrags.first().cloned());
		match (envelope.capsule.to_umbral(), other) {
			(Ok(capsule), Some(kfrag)) => {
				let cfrag = umbral_pre::reencrypt_with_rng(&mut self.rng, &capsule, kfrag);
				umbral_pre::DefaultSerialize::to_bytes(&cfrag.unverify())
					.expect("serializes")
					.to_vec()
			},
			_ => self.blob(400, 416),
		}
	}

	fn complain(&mut self) -> (Who, RuntimeCall) {
		let request = self.request_id();
		let info = pallet_access::Requests::<Runtime>::get(request);
		let requester =
			info.as_ref().map(|r| r.requester.clone()).unwrap_or_else(|| self.account());
		let record = info
			.as_ref()
			.and_then(|r| self.rng.pick(&r.records))
			.unwrap_or_else(|| self.record_id());
		let proxy = info
			.as_ref()
			.and_then(|r| pallet_access::Grants::<Runtime>::get(r.grant))
			.and_then(|g| self.rng.pick(&g.proxies))
			.unwrap_or_else(|| self.account());
		(
			self.mostly(requester),
			RuntimeCall::Access(pallet_access::Call::complain { request, record, proxy }),
		)
	}

	fn federation(&mut self) -> (Who, RuntimeCall) {
		use pallet_federation::Call as F;
		let regions = |rng: &mut Rng| -> Vec<u32> {
			let n = if rng.chance(95) { rng.range(0, 3) } else { rng.range(60, 70) };
			let mut out: Vec<u32> = (0..n)
				.map(|_| {
					*[para_ids::REGION_A, para_ids::REGION_B, 3000, 3001]
						.get(rng.below(4) as usize)
						.expect("four")
				})
				.collect();
			if rng.chance(80) {
				out.sort_unstable();
				out.dedup();
			}
			out
		};
		match self.rng.below(8) {
			0 => {
				let patient = self.patient();
				(self.anyone(), RuntimeCall::Federation(F::announce_patient { patient }))
			},
			1 | 2 => {
				let requester = self.account();
				let patient = self.patient();
				(
					self.mostly(requester),
					RuntimeCall::Federation(F::query { patient, kind: self.query_kind() }),
				)
			},
			3 => {
				let nonce = self.query_nonce();
				let requester = pallet_federation::Queries::<Runtime>::get(nonce)
					.map(|q| q.requester)
					.unwrap_or_else(|| self.account());
				(self.mostly(requester), RuntimeCall::Federation(F::dismiss_query { nonce }))
			},
			4 => {
				let query = QueryId { region: self.sibling(), nonce: self.rng.below(8) };
				let deadline = self.rng.below(200) as u32;
				let call = F::serve_query {
					query,
					requester: self.account(),
					patient: self.patient(),
					kind: self.query_kind(),
					deadline,
				};
				(self.sibling_mostly(), RuntimeCall::Federation(call))
			},
			5 => {
				let nonce = self.query_nonce();
				let asked = BoundedVec::truncate_from(regions(&mut self.rng));
				let unreachable = BoundedVec::truncate_from(regions(&mut self.rng));
				(
					self.sibling_mostly(),
					RuntimeCall::Federation(F::query_routed { nonce, asked, unreachable }),
				)
			},
			_ => {
				let nonce = self.query_nonce();
				let answer = match self.rng.below(5) {
					0 => Answer::Denied,
					1 => Answer::NotFound,
					2 => self.read_answer(),
					_ => {
						let pages = self.rng.range(0, 4) as u8;
						let records = (0..self.rng.range(0, 5))
							.map(|_| SharedRecord {
								id: self.record_id(),
								grant: self.rng.below(8),
								resource_type: ResourceType::parse(b"Observation").expect("a type"),
								cid: Cid::v0(self.rng.array32()),
								size: self.rng.range(1, 1_000),
								created_at: self.rng.below(100) as u32,
							})
							.collect();
						Answer::Records {
							page: self.rng.below(pages as u64 + 1) as u8,
							pages,
							truncated: self.rng.chance(20),
							records: BoundedVec::truncate_from(records),
						}
					},
				};
				(self.sibling_mostly(), RuntimeCall::Federation(F::take_answer { nonce, answer }))
			},
		}
	}

	/// A metadata query, mostly, or a read of a grant in some region.
	fn query_kind(&mut self) -> QueryKind {
		if self.rng.chance(60) {
			QueryKind::Records
		} else {
			QueryKind::Read { region: self.sibling(), grant: self.rng.below(8) }
		}
	}

	/// One record of a read, of a few fragments of random bytes.
	fn read_answer(&mut self) -> Answer {
		use medfed_primitives::{
			query::{ReadGrant, ReadRecord},
			umbral::{Capsule, WrappedKey, CAPSULE_LEN, GENERATOR, WRAPPED_KEY_LEN},
		};
		let of = self.rng.range(0, 4) as u8;
		let fragments = (0..self.rng.below(4) as u8)
			.map(|position| (position, BoundedVec::truncate_from(vec![position; 40])))
			.collect();
		Answer::Read {
			index: self.rng.below(of as u64 + 1) as u8,
			of,
			grant: ReadGrant {
				id: self.rng.below(8),
				request: self.rng.below(8),
				threshold: 1,
				delegating_key: GENERATOR,
				verifying_key: GENERATOR,
				grantee_key: GENERATOR,
			},
			record: ReadRecord {
				record: SharedRecord {
					id: self.record_id(),
					grant: self.rng.below(8),
					resource_type: ResourceType::parse(b"Observation").expect("a type"),
					cid: Cid::v0(self.rng.array32()),
					size: self.rng.range(1, 1_000),
					created_at: 1,
				},
				ciphertext_hash: self.rng.array32(),
				capsule: Capsule([1; CAPSULE_LEN]),
				wrapped_key: WrappedKey([2; WRAPPED_KEY_LEN]),
				fragments: BoundedVec::truncate_from(fragments),
			},
		}
	}

	fn sibling_mostly(&mut self) -> Who {
		if self.rng.chance(85) {
			Who::Sibling(self.sibling())
		} else {
			self.anyone()
		}
	}

	/// A pin report signed by an authority's collator key, mostly, sent as the pipeline does.
	fn report_pins(&mut self) -> (Who, RuntimeCall) {
		let signer = self
			.rng
			.pick(&[
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Alice,
				Sr25519Keyring::Bob,
				Sr25519Keyring::Charlie,
			])
			.expect("five");
		let key: pallet_pinning::crypto::Public = signer.public().into();
		let next = pallet_records::NextRecordId::<Runtime>::get();
		let from = next.saturating_sub(self.rng.range(1, 40));
		let mut pins = Vec::new();
		let mut unpinnable = Vec::new();
		for id in from..next + self.rng.below(2) {
			match self.rng.below(4) {
				0 => pins.push(id),
				1 => unpinnable.push((
					id,
					match self.rng.below(3) {
						0 => Unpinnable::NotFound,
						1 => Unpinnable::Refused,
						_ => Unpinnable::WrongSize { found: self.rng.below(100) },
					},
				)),
				_ => {},
			}
		}
		pins.truncate(32);
		unpinnable.truncate(32);
		let report = pallet_pinning::PinReport {
			key,
			at: now().saturating_sub(self.rng.below(20) as u32),
			pins: BoundedVec::truncate_from(pins),
			unpinnable: BoundedVec::truncate_from(unpinnable),
		};
		let payload = crate::Pinning::signing_payload(&report);
		let signature: polkadot_sdk::sp_core::sr25519::Signature = signer.pair().sign(&payload);
		let mut raw = AsRef::<[u8]>::as_ref(&signature).to_vec();
		if self.rng.chance(5) {
			raw[0] ^= 1;
		}
		let signature = pallet_pinning::crypto::Signature::from_slice(&raw).expect("64 bytes");
		let who = if self.rng.chance(90) { Who::Unsigned } else { self.anyone() };
		(who, RuntimeCall::Pinning(pallet_pinning::Call::report_pins { report, signature }))
	}

	/// A call for root, as authorities propose them (or as anyone may try directly).
	fn admin_call(&mut self) -> RuntimeCall {
		use pallet_collator_selection::Call as C;
		match self.rng.below(14) {
			0..=2 => {
				let role = self
					.rng
					.pick(&[Role::Authority, Role::Hospital, Role::Clinic, Role::Lab])
					.expect("four");
				let proxy_key = match (role, self.rng.below(4)) {
					(Role::Authority, 0..=2) | (_, 0) => Some(self.public_key()),
					_ => None,
				};
				let name = self.blob(16, 140);
				RuntimeCall::Institutions(pallet_institutions::Call::admit {
					institution: self.account(),
					role,
					name,
					proxy_key,
				})
			},
			3 | 4 => RuntimeCall::Institutions(pallet_institutions::Call::remove {
				institution: self.account(),
			}),
			5 | 6 =>
				RuntimeCall::Records(pallet_records::Call::void_record { id: self.record_id() }),
			7 => RuntimeCall::Federation(pallet_federation::Call::set_coordinator {
				coordinator: self.sibling(),
			}),
			8 => RuntimeCall::CollatorSelection(C::add_invulnerable { who: self.account() }),
			9 => RuntimeCall::CollatorSelection(C::remove_invulnerable { who: self.account() }),
			10 => RuntimeCall::CollatorSelection(C::set_desired_candidates {
				max: self.rng.below(4) as u32,
			}),
			11 => RuntimeCall::CollatorSelection(C::set_candidacy_bond { bond: self.amount() }),
			12 => RuntimeCall::System(frame_system::Call::remark_with_event {
				remark: self.blob(8, 64),
			}),
			_ => RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
				who: MultiAddress::Id(self.account()),
				new_free: self.amount(),
			}),
		}
	}

	/// A proposal: an admin call, mostly, sometimes wrapped in `Governance.enact` (which needs
	/// two thirds), sometimes raw.
	fn proposal(&mut self) -> RuntimeCall {
		let call = if self.rng.chance(8) {
			self.raw_call().filter(root_may).unwrap_or_else(|| self.admin_call())
		} else {
			self.admin_call()
		};
		let call = if self.rng.chance(30) {
			RuntimeCall::Governance(pallet_governance::Call::enact { call: Box::new(call) })
		} else {
			call
		};
		// Checked as proposed: wrapped in `enact`, a call reaches root past every filter.
		if root_may(&call) {
			call
		} else {
			RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![1] })
		}
	}

	fn collective(&mut self) -> (Who, RuntimeCall) {
		use pallet_collective::Call as P;
		let members = authorities();
		let member = self.rng.pick(&members).unwrap_or_else(|| self.account());
		let open = pallet_collective::Proposals::<Runtime, pallet_collective::Instance1>::get();
		let pick_open = |rng: &mut Rng| -> Option<(H256, u32)> {
			let hash = rng.pick(&open)?;
			Some((hash, votes_of(hash)?.0))
		};
		match self.rng.below(10) {
			0..=2 => {
				let proposal = self.proposal();
				let length = proposal.encoded_size() as u32;
				// Mostly every member: a motion that can pass.
				let threshold = if self.rng.chance(70) {
					members.len() as u32
				} else {
					self.rng.range(1, members.len() as u64 + 1) as u32
				};
				let length_bound = if self.rng.chance(95) { length } else { length / 2 };
				(
					self.mostly(member),
					RuntimeCall::AuthorityCollective(P::propose {
						threshold,
						proposal: Box::new(proposal),
						length_bound,
					}),
				)
			},
			3..=5 => {
				let (proposal, index) =
					pick_open(&mut self.rng).unwrap_or((H256::repeat_byte(1), 0));
				// Mostly a member who has not voted on it yet.
				let voted = votes_of(proposal).map(|v| [v.2, v.3].concat()).unwrap_or_default();
				let yet: Vec<_> = members.iter().filter(|m| !voted.contains(m)).cloned().collect();
				let member = self.rng.pick(&yet).filter(|_| self.rng.chance(80)).unwrap_or(member);
				(
					self.mostly(member),
					RuntimeCall::AuthorityCollective(P::vote {
						proposal,
						index,
						approve: self.rng.chance(85),
					}),
				)
			},
			6 | 7 => {
				let (proposal_hash, index) =
					pick_open(&mut self.rng).unwrap_or((H256::repeat_byte(1), 0));
				let stored =
					pallet_collective::ProposalOf::<Runtime, pallet_collective::Instance1>::get(
						proposal_hash,
					);
				let (weight, length) = stored
					.map(|p| (p.get_dispatch_info().call_weight, p.encoded_size() as u32))
					.unwrap_or_default();
				let (proposal_weight_bound, length_bound) = if self.rng.chance(90) {
					(weight, length)
				} else {
					(Weight::zero(), length.saturating_sub(1))
				};
				let who = Who::Signed(self.account());
				(
					who,
					RuntimeCall::AuthorityCollective(P::close {
						proposal_hash,
						index,
						proposal_weight_bound,
						length_bound,
					}),
				)
			},
			8 => {
				let proposal = self.proposal();
				let length_bound = proposal.encoded_size() as u32;
				(
					self.mostly(member),
					RuntimeCall::AuthorityCollective(P::execute {
						proposal: Box::new(proposal),
						length_bound,
					}),
				)
			},
			_ => {
				let (hash, _) = pick_open(&mut self.rng).unwrap_or((H256::repeat_byte(1), 0));
				let call = match self.rng.below(3) {
					0 => P::disapprove_proposal { proposal_hash: hash },
					1 => P::kill { proposal_hash: hash },
					_ => P::release_proposal_cost { proposal_hash: hash },
				};
				(self.anyone(), RuntimeCall::AuthorityCollective(call))
			},
		}
	}

	fn balances(&mut self) -> (Who, RuntimeCall) {
		use pallet_balances::Call as B;
		let from = self.account();
		let dest = MultiAddress::Id(self.account());
		let value = self.amount();
		let call = match self.rng.below(5) {
			0 | 1 => B::transfer_allow_death { dest, value },
			2 => B::transfer_keep_alive { dest, value },
			3 => B::transfer_all { dest, keep_alive: self.rng.chance(50) },
			_ => B::burn { value, keep_alive: self.rng.chance(50) },
		};
		(Who::Signed(from), RuntimeCall::Balances(call))
	}

	fn collators(&mut self) -> (Who, RuntimeCall) {
		use pallet_collator_selection::Call as C;
		let call = match self.rng.below(4) {
			0 => C::register_as_candidate {},
			1 => C::leave_intent {},
			2 => C::update_bond { new_deposit: self.amount() },
			_ => C::take_candidate_slot { deposit: self.amount(), target: self.account() },
		};
		(Who::Signed(self.account()), RuntimeCall::CollatorSelection(call))
	}

	/// Session keys with their proof of ownership, from the keystore (seeded by the keyring's
	/// names), or without a valid proof.
	fn session(&mut self) -> (Who, RuntimeCall) {
		let who = self.account();
		if self.rng.chance(25) {
			return (Who::Signed(who), RuntimeCall::Session(pallet_session::Call::purge_keys {}));
		}
		let name = self
			.rng
			.pick(&["//Alice", "//Bob", "//Charlie", "//Eve", "//Fuzz"])
			.expect("five");
		// Generating and signing is slow in the debug build: once per account and name.
		static CACHE: std::sync::Mutex<BTreeMap<(AccountId, &str), (crate::SessionKeys, Vec<u8>)>> =
			std::sync::Mutex::new(BTreeMap::new());
		let (keys, mut proof) = CACHE
			.lock()
			.expect("no panic while held")
			.entry((who.clone(), name))
			.or_insert_with(|| {
				let generated =
					crate::SessionKeys::generate(&who.encode(), Some(name.as_bytes().to_vec()));
				(generated.keys, generated.proof.encode())
			})
			.clone();
		if self.rng.chance(10) {
			proof[0] ^= 1;
		}
		(Who::Signed(who), RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof }))
	}

	fn small_sdk(&mut self) -> (Who, RuntimeCall) {
		let remark = self.blob(16, 256);
		let call = if self.rng.chance(50) {
			RuntimeCall::System(frame_system::Call::remark { remark })
		} else {
			RuntimeCall::System(frame_system::Call::remark_with_event { remark })
		};
		(self.anyone(), call)
	}

	// ---- Raw generator ----------------------------------------------------------------------

	/// A call decoded from random bytes after a pallet index and a call index, if they decode.
	fn raw_call(&mut self) -> Option<RuntimeCall> {
		let pallet = self.rng.pick(PALLETS).expect("pallets");
		let calls = if self.rng.chance(80) { 12 } else { 256 };
		let mut bytes = vec![pallet, self.rng.below(calls) as u8];
		let most = if self.rng.chance(70) { 48 } else { 400 };
		let len = self.rng.below(most) as usize;
		bytes.extend(self.rng.bytes(len));
		let call = RuntimeCall::decode_with_depth_limit(8, &mut &bytes[..]).ok();
		if call.is_none() {
			self.counts.undecodable += 1;
		}
		call
	}

	// ---- Dispatch ---------------------------------------------------------------------------

	/// Dispatches `call` from `who`, checking the per-call properties.
	fn dispatch(&mut self, who: Who, call: RuntimeCall) {
		self.counts.step += 1;
		let meta = call.get_call_metadata();
		let origin = match &who {
			// The pipeline: `authorize` (for `#[pallet::authorize]` calls) or `validate_unsigned`.
			Who::Unsigned => match call.authorize(TransactionSource::External) {
				Some(Ok(_)) => frame_system::RawOrigin::Authorized.into(),
				_ => {
					#[allow(deprecated)]
					let valid = <Runtime as polkadot_sdk::sp_runtime::traits::ValidateUnsigned>::validate_unsigned(
						TransactionSource::External,
						&call,
					)
					.is_ok();
					if valid {
						RuntimeOrigin::none()
					} else {
						self.counts.refused_unsigned += 1;
						return;
					}
				},
			},
			_ => who.origin(),
		};
		let result = fuzz::dispatch_checked(call, origin, &format!("{who:?}"), &self.at());
		self.counts.record(meta.pallet_name, meta.function_name, &result);
		// Motions executed by this call (propose with a threshold met, or close).
		if meta.pallet_name == "AuthorityCollective" {
			for record in System::events() {
				if let RuntimeEvent::AuthorityCollective(pallet_collective::Event::Executed {
					result,
					..
				}) = record.event
				{
					if result.is_ok() {
						self.counts.motions.ok += 1;
					} else {
						self.counts.motions.err += 1;
					}
				}
			}
			System::reset_events();
		}
	}

	/// One step: a structured call mostly, a raw one sometimes.
	fn step(&mut self) {
		if self.rng.chance(80) {
			let (who, call) = self.structured();
			self.dispatch(who, call);
		} else if let Some(call) = self.raw_call() {
			let who = self.anyone();
			self.dispatch(who, call);
		} else {
			self.counts.step += 1;
		}
	}

	/// Runs one block of up to `calls` steps: its hooks, the calls, and the invariants.
	fn block(&mut self, calls: u64) {
		let n = now() + 1;
		System::initialize(&n, &H256::from_low_u64_be(n as u64), &Default::default());
		// The federation reads the relay chain's block number: a few relay blocks per block.
		let relay = polkadot_sdk::cumulus_pallet_parachain_system::RelaychainDataProvider::<
			Runtime,
		>::current_block_number();
		polkadot_sdk::cumulus_pallet_parachain_system::RelaychainDataProvider::<Runtime>::set_block_number(
			relay + self.rng.range(1, 3) as u32,
		);
		self.guard("on_initialize", || {
			Hooked::on_initialize(n);
		});
		for _ in 0..calls {
			self.step();
		}
		self.guard("on_idle/on_finalize", || {
			Hooked::on_idle(n, Weight::from_parts(500_000_000_000, 5 * 1024 * 1024));
			Hooked::on_finalize(n);
		});
		self.counts.blocks += 1;
		#[cfg(feature = "try-runtime")]
		{
			use polkadot_sdk::frame_support::traits::{TryState, TryStateSelect};
			if crate::AllPalletsWithSystem::try_state(n, TryStateSelect::All).is_err() {
				// Which pallets' invariants failed, and how (`All` only says "see logs").
				use polkadot_sdk::frame_support::traits::PalletsInfoAccess;
				let failed: Vec<String> = crate::AllPalletsWithSystem::infos()
					.into_iter()
					.filter_map(|info| {
						let only = TryStateSelect::Only(vec![info.name.as_bytes().to_vec()]);
						crate::AllPalletsWithSystem::try_state(n, only)
							.err()
							.map(|e| format!("{}: {e:?}", info.name))
					})
					.collect();
				panic!("FUZZ FAILURE: try-state failed at {}: {}", self.at(), failed.join("; "));
			}
		}
	}

	/// Runs `f`, naming the seed and step if it panics.
	fn guard(&self, what: &str, f: impl FnOnce()) {
		fuzz::guard(what, &self.at(), f);
	}
}

/// The hooks a block runs here: every pallet's but those of ParachainSystem (which needs the
/// validation data inherent), Timestamp (its inherent, which Aura checks against the slot),
/// Aura and AuraExt (slots from the digest).
type Hooked = (
	System,
	crate::Balances,
	crate::TransactionPayment,
	crate::AuthorityCollective,
	crate::Governance,
	crate::Authorship,
	crate::CollatorSelection,
	crate::Session,
	crate::XcmpQueue,
	crate::PolkadotXcm,
	crate::CumulusXcm,
	crate::MessageQueue,
	crate::Institutions,
	crate::Records,
	crate::Pinning,
	crate::Federation,
	crate::Access,
);

/// Region A at genesis, with a keystore for session keys' proofs of ownership.
fn chain() -> sp_io::TestExternalities {
	let config: RuntimeGenesisConfig = genesis::config_from_preset(
		&crate::genesis_config_presets::get_preset(&REGION_A.into()).expect("preset exists"),
	);
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.register_extension(polkadot_sdk::sp_keystore::KeystoreExt::new(
		polkadot_sdk::sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		config.build();
		System::set_block_number(1);
	});
	ext
}

#[test]
fn random_calls_from_every_origin_never_panic_and_keep_every_invariant() {
	let seed = env_number("MEDFED_FUZZ_SEED", DEFAULT_SEED);
	let total = env_number("MEDFED_FUZZ_CALLS", DEFAULT_CALLS);
	let length = env_number("MEDFED_FUZZ_SEQUENCE", DEFAULT_SEQUENCE).max(1);
	println!(
		"region fuzz: seed {seed:#x}, {total} calls in sequences of {length} from genesis \
		 (MEDFED_FUZZ_SEED, MEDFED_FUZZ_CALLS, MEDFED_FUZZ_SEQUENCE)"
	);
	let started = std::time::Instant::now();
	let mut totals = Counts::default();
	let mut sequence = 0u64;
	while totals.step < total {
		// The first sequence's seed is the run's: a failing sequence replays alone with
		// MEDFED_FUZZ_SEED set to its seed.
		let sequence_seed =
			if sequence == 0 { seed } else { Rng(seed ^ sequence.rotate_left(32)).next() };
		let calls = length.min(total - totals.step);
		let mut ext = chain();
		let mut fuzz = ext.execute_with(|| Fuzz::new(sequence_seed));
		fuzz.length = calls;
		while fuzz.counts.step < calls {
			let in_block = fuzz.rng.range(1, 20).min(calls - fuzz.counts.step);
			ext.execute_with(|| fuzz.block(in_block));
			// The block's writes into the backend: storage roots then hash only what changes.
			ext.commit_all().expect("commits");
		}
		totals.absorb(fuzz.counts);
		sequence += 1;
	}
	totals.report("region", seed, started.elapsed().as_secs_f64());
}
