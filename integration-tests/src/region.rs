//! What tests do inside a region (in `RegionAPara::execute_with` or `RegionBPara::execute_with`):
//! patients publish their keys and member institutions register their records, as `ehr` does
//! through a node.

use medfed_primitives::{envelope, umbral::dev, Cid, Membership, RecordId};
use medfed_region_runtime::{
	Access, AccountId, Balances, Institutions, Records, Runtime, RuntimeOrigin,
};
use polkadot_sdk::{
	frame_support::{assert_ok, traits::fungible::Mutate},
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
/// in this region, funded first for the registration's deposit (as a transfer would).
pub fn register_patient(name: &str) {
	assert_ok!(<Balances as Mutate<AccountId>>::mint_into(
		&patient(name),
		medfed_region_runtime::UNIT
	));
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

/// The id of the record registered last in this region.
pub fn last_record() -> RecordId {
	pallet_records::NextRecordId::<Runtime>::get() - 1
}

/// `grantee` publishes the Umbral key it receives access with in this region: the development
/// key of its name.
pub fn publish_key(grantee: Sr25519Keyring) {
	assert_ok!(Access::register_key(
		RuntimeOrigin::signed(grantee.to_account_id()),
		dev::public_key(&format!("{grantee:?}"))
	));
}

/// Patient `name` grants `grantee` every record of theirs here, 1 of the region's authorities'
/// proxies, wrapping `record` to the grant; returns the grant's id. The proxies' key fragments
/// are placeholders: the chain stores them unread, and no proxy runs in these tests.
pub fn grant(name: &str, grantee: Sr25519Keyring, record: RecordId) -> u64 {
	let wrapped = envelope::seal(&mut rand_core::OsRng, &dev::public_key("grant key"), b"key")
		.expect("a short text seals to a valid key");
	let authorities = Institutions::authorities().len();
	let id = pallet_access::NextGrantId::<Runtime>::get();
	let now = polkadot_sdk::frame_system::Pallet::<Runtime>::block_number();
	assert_ok!(Access::grant(
		RuntimeOrigin::signed(patient(name)),
		grantee.to_account_id(),
		pallet_access::Scope::All,
		1,
		now + 10_000,
		[id as u8 + 1; 32],
		dev::public_key("grant key"),
		dev::public_key("verifying key"),
		vec![vec![7u8; 100].try_into().expect("within the bound"); authorities]
			.try_into()
			.expect("one per authority"),
		vec![(
			record,
			pallet_access::GrantEnvelope {
				capsule: wrapped.capsule,
				wrapped_key: wrapped.wrapped_key
			}
		)]
		.try_into()
		.expect("one envelope"),
	));
	id
}

/// Patient `name` revokes grant `id`.
pub fn revoke(name: &str, id: u64) {
	assert_ok!(Access::revoke(RuntimeOrigin::signed(patient(name)), id));
}
