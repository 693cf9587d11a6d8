//! A proxy's re-encryption against raw umbral-pre, side by side in one run: for one record,
//! `sharing::reencrypt` (what `medfed-proxy` does per record: the grant capsule parsed and
//! self-checked, `reencrypt_with_rng`, the capsule fragment serialized for the chain) against
//! `umbral_pre::reencrypt_with_rng` alone; and, once per request, opening and verifying the
//! proxy's encrypted key fragment (`sharing::open_fragment`).
//!
//! Run with `cargo bench -p medfed-client --bench reencrypt`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use medfed_client::sharing;
use medfed_primitives::envelope::{self, DocumentKey};
use rand_core::OsRng;
use umbral_pre::SecretKey;

fn reencryption(c: &mut Criterion) {
	// A patient's 2-of-3 grant to a grantee, and one record wrapped to it.
	let patient = SecretKey::random();
	let salt = [7u8; 32];
	let grant_ref = sharing::grant_ref(&[1; 32], &[2; 32], &salt);
	let delegating = sharing::grant_key(&patient, &salt);
	let signer = sharing::signing_key(&patient);
	let grantee = SecretKey::random();
	let proxies: Vec<_> = (0..3).map(|_| SecretKey::random()).collect();
	let proxy_keys: Vec<_> = proxies.iter().map(SecretKey::public_key).collect();
	let fragments = sharing::make_fragments(
		&mut OsRng,
		&delegating,
		&signer,
		&grantee.public_key(),
		2,
		&proxy_keys,
		&grant_ref,
	)
	.expect("fragments");
	let (capsule, _) = envelope::wrap_document_key(
		&mut OsRng,
		&delegating.public_key(),
		&DocumentKey::random(&mut OsRng),
	);
	let open = || {
		sharing::open_fragment(
			&proxies[0],
			&fragments[0],
			&grant_ref,
			&proxy_keys[0],
			&signer.verifying_key(),
			&delegating.public_key(),
			&grantee.public_key(),
		)
		.expect("the proxy's fragment opens")
	};
	let kfrag = open();
	let raw_capsule = capsule.to_umbral().expect("a capsule");

	let mut group = c.benchmark_group("reencrypt");
	group.throughput(Throughput::Elements(1));
	group.bench_function("umbral-pre", |b| {
		b.iter(|| umbral_pre::reencrypt_with_rng(&mut OsRng, &raw_capsule, kfrag.clone()))
	});
	group.bench_function("proxy", |b| {
		b.iter(|| sharing::reencrypt(&mut OsRng, &capsule, &kfrag).expect("re-encrypts"))
	});
	group.finish();

	c.bench_function("open_fragment", |b| b.iter(open));
}

criterion_group!(benches, reencryption);
criterion_main!(benches);
