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
