//! What tests do inside a region (in `RegionAPara::execute_with` or `RegionBPara::execute_with`):
//! patients publish their keys and member institutions register their records, as `ehr` does
//! through a node.

use medfed_primitives::{envelope, umbral::dev, Cid};
use medfed_region_runtime::{AccountId, Records, RuntimeOrigin};
use polkadot_sdk::{
	frame_support::assert_ok,
	sp_core::{crypto::get_public_from_string_or_panic, sr25519},
	sp_keyring::Sr25519Keyring,
};

/// The FHIR document every test record holds, before it is sealed.
const DOCUMENT: &[u8] = br#"{"resourceType":"Observation","status":"final"}"#;

/// The account of the patient called `name`: the development account `//name`. Choose a name
/// that no genesis preset makes an institution (`Patient1`, not `Alice`).
pub fn patient(name: &str) -> AccountId {
	get_public_from_string_or_panic::<sr25519::Public>(name).into()
}

/// Patient `name` ([`patient`]) publishes their Umbral key, the development key of their name,
/// in this region.
pub fn register_patient(name: &str) {
	assert_ok!(Records::register_patient(
		RuntimeOrigin::signed(patient(name)),
		dev::public_key(name).0.to_vec()
	));
}

/// `issuer`, a member institution of this region, registers a record of patient `name`: a FHIR
/// Observation sealed to the patient's key as `ehr upload` seals it. The patient must have
/// registered here first.
pub fn register_record(issuer: Sr25519Keyring, name: &str) {
	let sealed = envelope::seal(&mut rand_core::OsRng, &dev::public_key(name), DOCUMENT)
		.expect("a small document seals to a valid key");
	let hash = sealed.hash();
	assert_ok!(Records::register_record(
		RuntimeOrigin::signed(issuer.to_account_id()),
		patient(name),
		b"Observation".to_vec(),
		Cid::v0(hash).to_text().into_bytes(),
		hash,
		sealed.capsule.0.to_vec(),
		sealed.wrapped_key.0.to_vec(),
		sealed.ciphertext.len() as u64,
		None,
	));
}

/// Patient `name` registers, and `issuer` registers their first record in this region: what
/// makes the region announce the patient to the coordinator.
pub fn first_record(issuer: Sr25519Keyring, name: &str) {
	register_patient(name);
	register_record(issuer, name);
}
