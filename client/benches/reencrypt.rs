//! A proxy's per-record re-encryption against raw umbral-pre, side by side in one run (group
//! `reencrypt`, one record per iteration, the same key fragment, capsule and `OsRng`):
//!
//! - `umbral-pre`: the baseline, `umbral_pre::reencrypt_with_rng` of an already parsed capsule
//!   with a clone of the verified key fragment; nothing parsed, nothing serialized.
//! - `proxy kept capsule`: what `medfed-proxy` does per record (`proxy::reencrypt_records` calls
//!   `CapsuleCache::reencrypt`) when it parsed the record's grant capsule for an earlier
//!   request: the capsule looked up by its bytes in the proxy's cache, the same re-encryption,
//!   and the capsule fragment serialized for the chain (MessagePack, seven point compressions).
//! - `proxy new capsule`: the same call for a capsule the proxy has not seen (every capsule of a
//!   grant, the first time one of its records is requested): the cache misses, umbral-pre parses
//!   and checks the capsule (two point decompressions, two scalar multiplications), the cache,
//!   full, forgets its oldest capsule and keeps this one, then the same re-encryption and
//!   serialization. A fresh full cache per iteration, made outside the timing.
//!
//! All three run on one thread; the proxy re-encrypts a request's records one after the other.
//! Group `reencrypt parts` times the proxy's extra work alone: parsing a capsule
//! (`sharing::parse_capsule`), serializing a capsule fragment (`to_bytes`), cloning the key
//! fragment. And `open_fragment`: opening and verifying the proxy's encrypted key fragment, once
//! per request.
//!
//! Run with `cargo bench -p medfed-client --bench reencrypt`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use medfed_client::{
	proxy::KEEP_CAPSULES,
	sharing::{self, CapsuleCache},
};
use medfed_primitives::envelope::{self, DocumentKey};
use rand_core::OsRng;
use umbral_pre::{DefaultSerialize, SecretKey};

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
	// The proxy's cache after an earlier request for the record: it holds its capsule.
	let mut kept = CapsuleCache::new(KEEP_CAPSULES);
	kept.reencrypt(&mut OsRng, &capsule, &kfrag).expect("re-encrypts");
	// A full cache without the record's capsule.
	let mut full = CapsuleCache::new(1);
	let (other, _) = envelope::wrap_document_key(
		&mut OsRng,
		&delegating.public_key(),
		&DocumentKey::random(&mut OsRng),
	);
	full.reencrypt(&mut OsRng, &other, &kfrag).expect("re-encrypts");

	let mut group = c.benchmark_group("reencrypt");
	group.throughput(Throughput::Elements(1));
	group.bench_function("umbral-pre", |b| {
		b.iter(|| umbral_pre::reencrypt_with_rng(&mut OsRng, &raw_capsule, kfrag.clone()))
	});
	group.bench_function("proxy kept capsule", |b| {
		b.iter(|| kept.reencrypt(&mut OsRng, &capsule, &kfrag).expect("re-encrypts"))
	});
	group.bench_function("proxy new capsule", |b| {
		b.iter_batched(
			|| full.clone(),
			|mut cache| {
				let cfrag = cache.reencrypt(&mut OsRng, &capsule, &kfrag).expect("re-encrypts");
				(cache, cfrag)
			},
			BatchSize::SmallInput,
		)
	});
	group.finish();

	let mut parts = c.benchmark_group("reencrypt parts");
	let cfrag = umbral_pre::reencrypt_with_rng(&mut OsRng, &raw_capsule, kfrag.clone());
	parts.bench_function("capsule parse", |b| {
		b.iter(|| sharing::parse_capsule(&capsule).expect("a capsule"))
	});
	parts.bench_function("cfrag to_bytes", |b| b.iter(|| cfrag.to_bytes().expect("encodes")));
	parts.bench_function("kfrag clone", |b| b.iter(|| kfrag.clone()));
	parts.finish();

	c.bench_function("open_fragment", |b| b.iter(open));
}

criterion_group!(benches, reencryption);
criterion_main!(benches);
