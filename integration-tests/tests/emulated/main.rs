//! The federation's XCM between the real runtimes, in one process (`medfed_integration_tests`
//! has the network). One test binary with a module per topic, so that the four runtimes are
//! linked once.

mod announcements;
mod barrier;
mod network;
mod queries;
mod reads;

use medfed_integration_tests::{
	medfed_coordinator_runtime as coordinator, medfed_region_runtime as region_runtime,
};
use polkadot_sdk::{
	cumulus_primitives_core::AggregateMessageOrigin, pallet_message_queue, sp_core::H256,
	staging_xcm::latest::prelude::*,
};

/// The regions the coordinator's directory lists for `patient`. Call it in the coordinator.
fn regions_of(patient: &coordinator::AccountId) -> Vec<u32> {
	coordinator::Directory::regions_of(patient.clone())
}

/// The id of the message in which this region announced `patient` in the current block, if
/// it did. Call it in a region.
fn announcement_of(patient: &region_runtime::AccountId) -> Option<XcmHash> {
	region_runtime::System::events()
		.into_iter()
		.find_map(|record| match record.event {
			region_runtime::RuntimeEvent::Federation(
				pallet_federation::Event::PatientAnnounced {
					patient: announced, message_id, ..
				},
			) if announced == *patient => Some(message_id),
			_ => None,
		})
}

/// What the coordinator's message queue reported for messages from sibling `para`, in order:
/// each message's id and whether it executed in full (one it could not even weigh did not).
/// Call it in the coordinator.
fn processed_from(para: u32) -> Vec<(H256, bool)> {
	coordinator::System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			coordinator::RuntimeEvent::MessageQueue(pallet_message_queue::Event::Processed {
				id,
				origin: AggregateMessageOrigin::Sibling(from),
				success,
				..
			}) if from == para.into() => Some((id, success)),
			// A message that cannot be weighed (it holds an instruction MedFed never executes)
			// is refused before the barrier is asked.
			coordinator::RuntimeEvent::MessageQueue(
				pallet_message_queue::Event::ProcessingFailed {
					id,
					origin: AggregateMessageOrigin::Sibling(from),
					..
				},
			) if from == para.into() => Some((id, false)),
			_ => None,
		})
		.collect()
}

/// Whether the directory noted anyone in the current block. Call it in the coordinator.
fn directory_noted_anyone() -> bool {
	coordinator::System::events().into_iter().any(|record| {
		matches!(
			record.event,
			coordinator::RuntimeEvent::Directory(pallet_directory::Event::PatientNoted { .. })
		)
	})
}
