//! The record envelope against raw umbral-pre, side by side in one run: sealing (a fresh document
//! key, XChaCha20-Poly1305 of the document, the key wrapped with Umbral) against
//! `umbral_pre::encrypt_with_rng` of the whole document, opening (hash check and key unwrapping
//! included) against `umbral_pre::decrypt_original`, for documents of 64 KiB, 1 MiB and 8 MiB.
//!
//! Run with `cargo bench -p medfed-primitives --bench envelope`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use medfed_primitives::{envelope, umbral::dev};
use rand_core::OsRng;

fn encryption(c: &mut Criterion) {
	let public = dev::public_key("Alice");
	let secret = dev::secret_key("Alice");
	let raw_public = public.to_umbral().expect("a valid key");
	let mut group = c.benchmark_group("encrypt");
	for size in [64 << 10, 1 << 20, 8 << 20] {
		let document = vec![0x5au8; size];
		group.throughput(Throughput::Bytes(size as u64));
		group.bench_with_input(BenchmarkId::new("umbral-pre", size), &document, |b, d| {
			b.iter(|| umbral_pre::encrypt_with_rng(&mut OsRng, &raw_public, d).expect("encrypts"))
		});
		group.bench_with_input(BenchmarkId::new("envelope", size), &document, |b, d| {
			b.iter(|| envelope::seal(&mut OsRng, &public, d).expect("seals"))
		});
	}
	group.finish();

	let mut group = c.benchmark_group("decrypt");
	for size in [64 << 10, 1 << 20, 8 << 20] {
		let document = vec![0x5au8; size];
		let sealed = envelope::seal(&mut OsRng, &public, &document).expect("seals");
		let (raw_capsule, raw_ciphertext) =
			umbral_pre::encrypt_with_rng(&mut OsRng, &raw_public, &document).expect("encrypts");
		let hash = sealed.hash();
		group.throughput(Throughput::Bytes(size as u64));
		group.bench_function(BenchmarkId::new("umbral-pre", size), |b| {
			b.iter(|| {
				umbral_pre::decrypt_original(&secret, &raw_capsule, &raw_ciphertext).expect("opens")
			})
		});
		group.bench_function(BenchmarkId::new("envelope", size), |b| {
			b.iter(|| {
				envelope::open(
					&secret,
					&sealed.capsule,
					&sealed.wrapped_key,
					&hash,
					&sealed.ciphertext,
				)
				.expect("opens")
			})
		});
	}
	group.finish();
}

criterion_group!(benches, encryption);
criterion_main!(benches);
