//! What both runtimes' fuzzers share (`runtime/*/src/fuzz.rs`): the random source, numbers from
//! the environment, dispatching a call with its properties checked, and the counts and their
//! report. Behind the `fuzz` feature, which the runtimes take as a dev-dependency: none of it
//! is in a runtime.

use polkadot_sdk::{
	frame_support::dispatch::{DispatchErrorWithPostInfo, PostDispatchInfo},
	sp_io,
	sp_runtime::{traits::Dispatchable, DispatchError, StateVersion},
};
use std::{
	collections::BTreeMap,
	panic::{catch_unwind, resume_unwind, AssertUnwindSafe},
};

/// SplitMix64: small, fast and good enough to draw calls; deterministic from its seed.
pub struct Rng(pub u64);

impl Rng {
	/// The next 64 random bits.
	pub fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	/// A number below `n` (0 when `n` is 0).
	pub fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			0
		} else {
			self.next() % n
		}
	}

	/// A number in `low..=high`.
	pub fn range(&mut self, low: u64, high: u64) -> u64 {
		low + self.below(high.saturating_sub(low) + 1)
	}

	/// True `percent` times in a hundred.
	pub fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}

	/// One of `items`, cloned (`None` when there is none).
	pub fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
		(!items.is_empty()).then(|| items[self.below(items.len() as u64) as usize].clone())
	}

	/// `len` random bytes.
	pub fn bytes(&mut self, len: usize) -> Vec<u8> {
		(0..len).map(|_| self.next() as u8).collect()
	}

	/// 32 random bytes.
	pub fn array32(&mut self) -> [u8; 32] {
		let mut out = [0u8; 32];
		rand_core::RngCore::fill_bytes(self, &mut out);
		out
	}
}

impl rand_core::RngCore for Rng {
	fn next_u32(&mut self) -> u32 {
		self.next() as u32
	}

	fn next_u64(&mut self) -> u64 {
		self.next()
	}

	fn fill_bytes(&mut self, dest: &mut [u8]) {
		for chunk in dest.chunks_mut(8) {
			let word = self.next().to_le_bytes();
			chunk.copy_from_slice(&word[..chunk.len()]);
		}
	}

	fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
		self.fill_bytes(dest);
		Ok(())
	}
}

// Only for the fuzzers' own keys, which protect nothing.
impl rand_core::CryptoRng for Rng {}

/// The number in environment variable `name` (decimal, or hex with `0x`; `_` allowed), or
/// `default` when it is not set.
pub fn env_number(name: &str, default: u64) -> u64 {
	match std::env::var(name) {
		Ok(text) => {
			let text = text.trim().replace('_', "");
			let parsed = match text.strip_prefix("0x") {
				Some(hex) => u64::from_str_radix(hex, 16),
				None => text.parse(),
			};
			parsed.unwrap_or_else(|_| panic!("{name}={text} is not a number"))
		},
		Err(_) => default,
	}
}

/// Counts of one call: dispatched and succeeded, dispatched and failed.
#[derive(Default, Clone, Copy)]
pub struct Tally {
	/// Succeeded.
	pub ok: u64,
	/// Failed.
	pub err: u64,
}

impl Tally {
	/// Counts one outcome.
	pub fn add(&mut self, ok: bool) {
		if ok {
			self.ok += 1;
		} else {
			self.err += 1;
		}
	}
}

/// What a fuzzer counts, over all its sequences.
#[derive(Default)]
pub struct Counts {
	/// Sequences run.
	pub sequences: u64,
	/// Calls dispatched (or refused by the pipeline) so far: the step number.
	pub step: u64,
	/// Blocks run.
	pub blocks: u64,
	/// Per pallet and call.
	pub tally: BTreeMap<(&'static str, &'static str), Tally>,
	/// Failures per call and error, printed with `MEDFED_FUZZ_ERRORS=1`.
	pub errors: BTreeMap<String, u64>,
	/// Unsigned calls the pipeline refused (`validate_unsigned` and `authorize` both said no).
	pub refused_unsigned: u64,
	/// Raw byte strings that decoded to no call.
	pub undecodable: u64,
	/// Motions the collective executed: succeeded, failed.
	pub motions: Tally,
}

impl Counts {
	/// Adds the counts of another sequence.
	pub fn absorb(&mut self, sequence: Counts) {
		self.sequences += sequence.sequences;
		self.step += sequence.step;
		self.blocks += sequence.blocks;
		self.refused_unsigned += sequence.refused_unsigned;
		self.undecodable += sequence.undecodable;
		self.motions.ok += sequence.motions.ok;
		self.motions.err += sequence.motions.err;
		for (key, t) in sequence.tally {
			let e = self.tally.entry(key).or_default();
			e.ok += t.ok;
			e.err += t.err;
		}
		for (key, n) in sequence.errors {
			*self.errors.entry(key).or_default() += n;
		}
	}

	/// Counts `pallet.function`'s `result`.
	pub fn record(
		&mut self,
		pallet: &'static str,
		function: &'static str,
		result: &Result<PostDispatchInfo, DispatchErrorWithPostInfo>,
	) {
		self.tally.entry((pallet, function)).or_default().add(result.is_ok());
		if let Err(e) = result {
			let error = match e.error {
				DispatchError::Module(m) => m.message.unwrap_or("?").to_string(),
				other => format!("{other:?}"),
			};
			*self.errors.entry(format!("{pallet}.{function}: {error}")).or_default() += 1;
		}
	}

	/// Prints the figures of a run of `runtime`'s fuzzer with `seed` that took `seconds`.
	pub fn report(&self, runtime: &str, seed: u64, seconds: f64) {
		let mut per_pallet: BTreeMap<&str, Tally> = BTreeMap::new();
		for ((pallet, _), t) in &self.tally {
			let e = per_pallet.entry(pallet).or_default();
			e.ok += t.ok;
			e.err += t.err;
		}
		let dispatched: u64 = per_pallet.values().map(|t| t.ok + t.err).sum();
		println!(
			"{runtime} fuzz: seed {seed:#x}: {} sequences, {} steps ({} dispatched, {} unsigned \
			 refused by the pipeline, {} raw byte strings undecodable), {} blocks, {} motions \
			 executed ({} ok), no panic, no failed call changed storage{}; {seconds:.1} s, {:.0} \
			 steps/s",
			self.sequences,
			self.step,
			dispatched,
			self.refused_unsigned,
			self.undecodable,
			self.blocks,
			self.motions.ok + self.motions.err,
			self.motions.ok,
			if cfg!(feature = "try-runtime") { ", try-state held after every block" } else { "" },
			self.step as f64 / seconds.max(1e-9),
		);
		for (pallet, t) in &per_pallet {
			println!("  {pallet:<20} {:>9} ok {:>9} failed", t.ok, t.err);
		}
		let succeeded: Vec<String> = self
			.tally
			.iter()
			.filter(|(_, t)| t.ok > 0)
			.map(|((p, c), t)| format!("{p}.{c} {}/{}", t.ok, t.ok + t.err))
			.collect();
		println!("  calls that succeeded (ok/dispatched): {}", succeeded.join(", "));
		let never: Vec<String> = self
			.tally
			.iter()
			.filter(|(_, t)| t.ok == 0)
			.map(|((p, c), t)| format!("{p}.{c} ({})", t.err))
			.collect();
		println!("  calls dispatched that never succeeded: {}", never.join(", "));
		if std::env::var("MEDFED_FUZZ_ERRORS").is_ok() {
			for (error, count) in &self.errors {
				println!("  {count:>8} {error}");
			}
		}
	}
}

/// Dispatches `call` from `origin` and checks what every call must keep: it does not panic,
/// and if it fails, the storage root is as it was. `who` and `at` name the call's sender and
/// place (seed, step, block) in a failure's message; `MEDFED_FUZZ_TRACE=1` prints every call.
pub fn dispatch_checked<Call>(
	call: Call,
	origin: Call::RuntimeOrigin,
	who: &str,
	at: &str,
) -> Result<PostDispatchInfo, DispatchErrorWithPostInfo>
where
	Call: Dispatchable<PostInfo = PostDispatchInfo> + core::fmt::Debug,
{
	let before = sp_io::storage::root(StateVersion::V1);
	let described = format!("{call:?}");
	let result = match catch_unwind(AssertUnwindSafe(|| call.dispatch(origin))) {
		Ok(result) => result,
		Err(panic) => {
			eprintln!("FUZZ FAILURE: panic at {at}: {who} dispatching {described}");
			resume_unwind(panic);
		},
	};
	if std::env::var("MEDFED_FUZZ_TRACE").is_ok() {
		println!("{at}: {who} {described} -> {result:?}");
	}
	if let Err(e) = &result {
		let after = sp_io::storage::root(StateVersion::V1);
		assert_eq!(
			before, after,
			"FUZZ FAILURE: a failed call changed storage, at {at}: {who} dispatching {described}: \
			 {e:?}"
		);
	}
	result
}

/// Runs `f` (a block's hooks), naming the place `at` if it panics.
pub fn guard(what: &str, at: &str, f: impl FnOnce()) {
	if let Err(panic) = catch_unwind(AssertUnwindSafe(f)) {
		eprintln!("FUZZ FAILURE: panic in {what} at {at}");
		resume_unwind(panic);
	}
}
