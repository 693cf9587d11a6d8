//! The coordinator's calls that regions send in XCM `Transact`.
//!
//! A region cannot name the coordinator's `RuntimeCall` (another runtime), so the calls it
//! sends are encoded here the way the coordinator decodes them: its directory pallet's index,
//! the call's index, then the arguments. The coordinator runtime's tests check that its own
//! `RuntimeCall` encodes to the same bytes, so the two cannot drift apart unnoticed.

use alloc::vec::Vec;
use codec::Encode;

/// The directory pallet's index in the coordinator runtime.
pub const DIRECTORY_PALLET_INDEX: u8 = 50;

/// `note_patient`'s call index in the directory pallet.
pub const NOTE_PATIENT_CALL_INDEX: u8 = 0;

/// `note_patients`'s call index in the directory pallet.
pub const NOTE_PATIENTS_CALL_INDEX: u8 = 5;

/// `announcement_noted`'s call index in a region's federation pallet.
pub const ANNOUNCEMENT_NOTED_CALL_INDEX: u8 = 7;

/// Most patients one announcement carries: 120 accounts of 32 bytes, so that two announcements
/// with their XCM framing fit the 8 KiB an HRMP channel of the local relay chain carries in one
/// relay block.
pub const MAX_ANNOUNCEMENT_PATIENTS: u32 = 120;

/// The weight limit of a region's batched announcement on the coordinator, `(ref_time,
/// proof_size)`: the most the coordinator executes unpaid for one message (20 ms of compute,
/// 1 MiB of proof), above what its weigher gives the whole program with
/// [`MAX_ANNOUNCEMENT_PATIENTS`] patients, acknowledgement included (`messages_per_block` in
/// the coordinator runtime's tests checks it).
pub const NOTE_PATIENTS_WEIGHT_LIMIT: (u64, u64) = crate::query::QUERY_WEIGHT_LIMIT;

/// The weight limit of the coordinator's acknowledgement on a region.
pub const ANNOUNCEMENT_NOTED_WEIGHT_LIMIT: (u64, u64) = (2_000_000_000, 256 * 1024);

/// The weight limit of a region's announcement on the coordinator, `(ref_time, proof_size)`:
/// what the region puts in its `UnpaidExecution`, and the most the coordinator executes unpaid
/// for a region's message. Above what the coordinator's weigher gives the whole program (three
/// instructions and `note_patient`).
pub const NOTE_PATIENT_WEIGHT_LIMIT: (u64, u64) = (5_000_000_000, 512 * 1024);

/// The coordinator's `Directory::note_patient { patient }`, encoded: the sending region holds
/// records of `patient`.
pub fn note_patient<AccountId: Encode>(patient: &AccountId) -> Vec<u8> {
	(DIRECTORY_PALLET_INDEX, NOTE_PATIENT_CALL_INDEX, patient).encode()
}

/// The coordinator's `Directory::note_patients { batch, patients }`, encoded: the sending
/// region holds records of each of `patients`, announced in its announcement `batch`.
pub fn note_patients<AccountId: Encode>(batch: u64, patients: &[AccountId]) -> Vec<u8> {
	(DIRECTORY_PALLET_INDEX, NOTE_PATIENTS_CALL_INDEX, batch, patients).encode()
}

/// A region's `Federation::announcement_noted { batch }`, encoded: the coordinator executed
/// the region's announcement `batch`.
pub fn announcement_noted(batch: u64) -> Vec<u8> {
	(crate::query::FEDERATION_PALLET_INDEX, ANNOUNCEMENT_NOTED_CALL_INDEX, batch).encode()
}
