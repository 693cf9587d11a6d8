//! A fuzzer of the coordinator runtime (issue 14, item 8): random sequences of every call, from
//! council members, other accounts, unsigned origins and sibling parachains (the regions and
//! one outside the federation), dispatched on the coordinator's genesis chain block after block.
//!
//! Checked at every call: nothing panics, and a call that fails leaves the storage root as it
//! was. Checked at the end of every block (with `--features try-runtime`): every pallet's
//! `try_state`.
//!
//! Two generators: structured builders (the directory's region-only calls from siblings, the
//! council's motions with passing thresholds, root calls through `Governance.enact`, balances,
//! collators, session keys) and raw calls decoded from random bytes. Root is reached only
//! through the council's motions.
//!
//! `MEDFED_FUZZ_SEED` (decimal or `0x…`) seeds the run, `MEDFED_FUZZ_CALLS` sets its length,
//! `MEDFED_FUZZ_SEQUENCE` the calls of each sequence from genesis; `scripts/fuzz.sh` runs a long
//! one. Everything is drawn from the seed: a run replays exactly.

use crate::{
	genesis_config_presets, AccountId, Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig,
	RuntimeOrigin, System,
};
use alloc::collections::BTreeMap;
use codec::{Decode, DecodeLimit, Encode};
use medfed_primitives::query::QueryKind;
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
	},
	frame_system, pallet_balances, pallet_collator_selection, pallet_collective, pallet_session,
	pallet_xcm,
	sp_core::H256,
	sp_genesis_builder::PresetId,
	sp_io,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		traits::BlockNumberProvider, transaction_validity::TransactionSource, MultiAddress,
	},
	staging_xcm::latest::prelude::{Location, Parachain},
};

/// The seed when `MEDFED_FUZZ_SEED` is not set.
const DEFAULT_SEED: u64 = 0x4d65_6446_6564_0c00;
/// The calls of a run when `MEDFED_FUZZ_CALLS` is not set: the test command's short run.
const DEFAULT_CALLS: u64 = 2_000;
/// The calls of one sequence from genesis when `MEDFED_FUZZ_SEQUENCE` is not set.
const DEFAULT_SEQUENCE: u64 = 2_000;
/// The pallet indices of the runtime, for the raw generator.
const PALLETS: &[u8] = &[0, 1, 2, 3, 4, 10, 11, 16, 17, 20, 21, 22, 23, 24, 30, 31, 32, 33, 50];

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

/// The fuzzer's state: its random source and its counts.
struct Fuzz {
	rng: Rng,
	seed: u64,
	/// The calls of this sequence (for a replay's `MEDFED_FUZZ_CALLS`).
	length: u64,
	/// What it counted.
	counts: Counts,
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

/// The council's members: every region's authorities.
fn council() -> Vec<AccountId> {
	pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
}

/// Accounts that are no council member: patients, requesters, strangers.
fn others() -> Vec<AccountId> {
	let mut out = vec![
		keyring(Sr25519Keyring::Charlie),
		keyring(Sr25519Keyring::Dave),
		keyring(Sr25519Keyring::One),
		keyring(Sr25519Keyring::Two),
	];
	out.extend((0..3).map(|n| synthetic(0x11, n)));
	out
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
		RuntimeCall::FederationCouncil(
			pallet_collective::Call::propose { proposal, .. } |
			pallet_collective::Call::execute { proposal, .. },
		) => root_may(proposal),
		_ => true,
	}
}

impl Fuzz {
	fn new(seed: u64) -> Self {
		Fuzz {
			rng: Rng(seed),
			seed,
			length: 0,
			counts: Counts { sequences: 1, ..Counts::default() },
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

	/// Any origin: a council member, another account, unsigned or a sibling.
	fn anyone(&mut self) -> Who {
		match self.rng.below(6) {
			0 | 1 => Who::Signed(self.member()),
			2 | 3 => Who::Signed(self.rng.pick(&others()).expect("others")),
			4 => Who::Unsigned,
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

	fn member(&mut self) -> AccountId {
		self.rng.pick(&council()).unwrap_or_else(|| keyring(Sr25519Keyring::Alice))
	}

	/// A region of the federation, mostly, or a parachain outside it.
	fn sibling(&mut self) -> u32 {
		self.rng
			.pick(&[para_ids::REGION_A, para_ids::REGION_B, para_ids::REGION_A, 3000, 3001])
			.expect("five")
	}

	fn sibling_mostly(&mut self) -> Who {
		if self.rng.chance(85) {
			Who::Sibling(self.sibling())
		} else {
			self.anyone()
		}
	}

	fn account(&mut self) -> AccountId {
		if self.rng.chance(10) {
			return synthetic(0x77, self.rng.below(4) as u8);
		}
		let mut all = council();
		all.extend(others());
		all.push(keyring(Sr25519Keyring::Alice));
		all.push(keyring(Sr25519Keyring::Eve));
		self.rng.pick(&all).expect("accounts")
	}

	/// Bytes of `len` drawn around `typical`: often exact, sometimes any length up to `max`.
	fn blob(&mut self, typical: usize, max: usize) -> Vec<u8> {
		let len =
			if self.rng.chance(80) { typical } else { self.rng.below(max as u64 + 1) as usize };
		self.rng.bytes(len)
	}

	fn amount(&mut self) -> u128 {
		match self.rng.below(4) {
			0 => self.rng.below(1_000) as u128,
			1 => self.rng.below(crate::UNIT as u64) as u128,
			2 => crate::UNIT * self.rng.range(1, 1_000) as u128,
			_ => (self.rng.next() as u128) << self.rng.below(64),
		}
	}

	// ---- Structured builders ---------------------------------------------------------------

	fn structured(&mut self) -> (Who, RuntimeCall) {
		match self.rng.below(100) {
			0..=24 => self.directory(),
			25..=59 => self.council_call(),
			60..=69 => self.balances(),
			70..=76 => self.collators(),
			77..=80 => self.session(),
			81..=85 => {
				let remark = self.blob(16, 256);
				let call = if self.rng.chance(50) {
					RuntimeCall::System(frame_system::Call::remark { remark })
				} else {
					RuntimeCall::System(frame_system::Call::remark_with_event { remark })
				};
				(self.anyone(), call)
			},
			// Root-only calls sent directly: always refused.
			_ => (self.anyone(), self.admin_call()),
		}
	}

	fn directory(&mut self) -> (Who, RuntimeCall) {
		use pallet_directory::Call as D;
		let patient = self.account();
		match self.rng.below(3) {
			0 | 1 => (self.sibling_mostly(), RuntimeCall::Directory(D::note_patient { patient })),
			_ => {
				let call = D::route_query {
					nonce: self.rng.below(16),
					requester: self.account(),
					patient,
					kind: QueryKind::Records,
					deadline: self.rng.below(300) as u32,
				};
				(self.sibling_mostly(), RuntimeCall::Directory(call))
			},
		}
	}

	/// A call for root, as the council proposes them (or as anyone may try directly).
	fn admin_call(&mut self) -> RuntimeCall {
		use pallet_collator_selection::Call as C;
		match self.rng.below(10) {
			0..=2 => RuntimeCall::Directory(pallet_directory::Call::add_region {
				region: self.sibling(),
				name: self.blob(8, 80),
			}),
			3 | 4 => RuntimeCall::Directory(pallet_directory::Call::remove_region {
				region: self.sibling(),
			}),
			5 => RuntimeCall::CollatorSelection(C::add_invulnerable { who: self.account() }),
			6 => RuntimeCall::CollatorSelection(C::remove_invulnerable { who: self.account() }),
			7 => {
				let mut members = council();
				match self.rng.below(3) {
					0 => members.push(self.account()),
					1 => {
						members.pop();
					},
					_ => {},
				}
				members.sort();
				members.dedup();
				RuntimeCall::FederationCouncil(pallet_collective::Call::set_members {
					new_members: members,
					prime: None,
					old_count: council().len() as u32,
				})
			},
			8 => RuntimeCall::System(frame_system::Call::remark_with_event {
				remark: self.blob(8, 64),
			}),
			_ => RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
				who: MultiAddress::Id(self.account()),
				new_free: self.amount(),
			}),
		}
	}

	/// A proposal: an admin call wrapped in `Governance.enact` mostly (root needs two thirds of
	/// the council), sometimes bare or raw.
	fn proposal(&mut self) -> RuntimeCall {
		let call = if self.rng.chance(8) {
			self.raw_call().filter(root_may).unwrap_or_else(|| self.admin_call())
		} else {
			self.admin_call()
		};
		let call = if self.rng.chance(60) {
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

	fn council_call(&mut self) -> (Who, RuntimeCall) {
		use pallet_collective::Call as P;
		let members = council();
		let member = self.member();
		let open = pallet_collective::Proposals::<Runtime, pallet_collective::Instance1>::get();
		let pick_open = |rng: &mut Rng| -> Option<(H256, u32)> {
			let hash = rng.pick(&open)?;
			Some((hash, votes_of(hash)?.0))
		};
		match self.rng.below(10) {
			0..=2 => {
				let proposal = self.proposal();
				let length = proposal.encoded_size() as u32;
				// Mostly a threshold of two thirds or more: a motion that can pass.
				let threshold = if self.rng.chance(70) {
					(members.len() as u64 * 2).div_ceil(3).max(1) as u32 + self.rng.below(2) as u32
				} else {
					self.rng.range(1, members.len() as u64 + 1) as u32
				};
				let length_bound = if self.rng.chance(95) { length } else { length / 2 };
				(
					self.mostly(member),
					RuntimeCall::FederationCouncil(P::propose {
						threshold,
						proposal: Box::new(proposal),
						length_bound,
					}),
				)
			},
			3..=6 => {
				let (proposal, index) =
					pick_open(&mut self.rng).unwrap_or((H256::repeat_byte(1), 0));
				// Mostly a member who has not voted on it yet.
				let voted = votes_of(proposal).map(|v| [v.2, v.3].concat()).unwrap_or_default();
				let yet: Vec<_> = members.iter().filter(|m| !voted.contains(m)).cloned().collect();
				let member = self.rng.pick(&yet).filter(|_| self.rng.chance(80)).unwrap_or(member);
				(
					self.mostly(member),
					RuntimeCall::FederationCouncil(P::vote {
						proposal,
						index,
						approve: self.rng.chance(85),
					}),
				)
			},
			7 | 8 => {
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
				(
					Who::Signed(self.account()),
					RuntimeCall::FederationCouncil(P::close {
						proposal_hash,
						index,
						proposal_weight_bound,
						length_bound,
					}),
				)
			},
			_ => {
				let (hash, _) = pick_open(&mut self.rng).unwrap_or((H256::repeat_byte(1), 0));
				let call = match self.rng.below(4) {
					0 => P::disapprove_proposal { proposal_hash: hash },
					1 => P::kill { proposal_hash: hash },
					2 => P::release_proposal_cost { proposal_hash: hash },
					_ => {
						let proposal = self.proposal();
						let length_bound = proposal.encoded_size() as u32;
						P::execute { proposal: Box::new(proposal), length_bound }
					},
				};
				(self.anyone(), RuntimeCall::FederationCouncil(call))
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
		if meta.pallet_name == "FederationCouncil" {
			for record in System::events() {
				if let RuntimeEvent::FederationCouncil(pallet_collective::Event::Executed {
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
		// The relay chain's block number, as parachain-system's provider gives it: a few per block.
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
	crate::FederationCouncil,
	crate::Governance,
	crate::Authorship,
	crate::CollatorSelection,
	crate::Session,
	crate::XcmpQueue,
	crate::PolkadotXcm,
	crate::CumulusXcm,
	crate::MessageQueue,
	crate::Directory,
);

/// The coordinator at genesis, with a keystore for session keys' proofs of ownership.
fn chain() -> sp_io::TestExternalities {
	let preset =
		genesis_config_presets::get_preset(&PresetId::from(genesis_config_presets::COORDINATOR))
			.expect("the preset exists");
	let config: RuntimeGenesisConfig = genesis::config_from_preset(&preset);
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
		"coordinator fuzz: seed {seed:#x}, {total} calls in sequences of {length} from genesis \
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
		let mut fuzz = Fuzz::new(sequence_seed);
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
	totals.report("coordinator", seed, started.elapsed().as_secs_f64());
}
