//! Announcements: telling the coordinator which patients this region holds records of, a
//! block's first records in one message, resent until the coordinator acknowledges it.
//!
//! A patient's first record queues the patient in [`Unannounced`]. Each block's
//! `on_initialize` sends up to [`MAX_ANNOUNCEMENT_PATIENTS`] waiting patients in one
//! `Directory::note_patients { batch, patients }`, and keeps the announcement in
//! [`Announcements`] until the coordinator answers `Federation::announcement_noted { batch }`.
//! One that is not acknowledged within `AnnouncementResendAfter` relay blocks (the coordinator
//! refused it: this region not yet added, a call it could not decode) is sent again, one a
//! block, the oldest first; the coordinator notes a patient once however often it hears it.

use crate::*;
use medfed_primitives::coordinator::MAX_ANNOUNCEMENT_PATIENTS;

impl<T: Config> Pallet<T> {
	/// The message that announces `patients` as announcement `batch`.
	pub fn announcement_message(batch: u64, patients: &[T::AccountId]) -> Xcm<()> {
		messages::program(
			coordinator::NOTE_PATIENTS_WEIGHT_LIMIT,
			coordinator::note_patients(batch, patients),
		)
	}

	/// Sends `patients`, taken off [`Unannounced`], to `coordinator` as a new announcement,
	/// kept until acknowledged. Changes nothing if the message does not leave.
	pub(crate) fn send_announcement(
		coordinator: ParaId,
		patients: Vec<T::AccountId>,
		now: u32,
	) -> Result<XcmHash, SendError> {
		let batch = NextAnnouncement::<T>::get();
		let message_id = messages::send_to_sibling::<T::XcmSender>(
			coordinator,
			coordinator::NOTE_PATIENTS_WEIGHT_LIMIT,
			coordinator::note_patients(batch, &patients),
		)?;
		NextAnnouncement::<T>::put(batch.saturating_add(1));
		for patient in &patients {
			Unannounced::<T>::remove(patient);
			Self::deposit_event(Event::PatientAnnounced {
				patient: patient.clone(),
				coordinator,
				message_id,
			});
		}
		let count = patients.len() as u32;
		let patients = BoundedVec::truncate_from(patients);
		Announcements::<T>::insert(batch, Announcement { patients, sent_at: now });
		Self::deposit_event(Event::AnnouncementSent { batch, patients: count, message_id });
		Ok(message_id)
	}

	/// Sends the patients waiting in [`Unannounced`], at most [`MAX_ANNOUNCEMENT_PATIENTS`],
	/// as one announcement, unless `MaxAnnouncementsInFlight` wait for acknowledgement. Returns
	/// how many it sent.
	pub(crate) fn send_waiting(now: u32) -> u32 {
		let waiting = Unannounced::<T>::count();
		if waiting == 0 {
			return 0;
		}
		let room = Announcements::<T>::count() < T::MaxAnnouncementsInFlight::get();
		let sent = match Coordinator::<T>::get() {
			Some(coordinator) if room => {
				let patients: Vec<T::AccountId> = Unannounced::<T>::iter_keys()
					.take(MAX_ANNOUNCEMENT_PATIENTS as usize)
					.collect();
				let count = patients.len() as u32;
				Self::send_announcement(coordinator, patients, now).map(|_| count)
			},
			_ => Err(SendError::NotApplicable),
		};
		sent.unwrap_or_else(|error| {
			log::debug!(target: LOG_TARGET, "announcement of {waiting} deferred: {error:?}");
			Self::deposit_event(Event::AnnouncementDeferred { waiting });
			0
		})
	}

	/// Sends again the oldest announcement the coordinator has not acknowledged within
	/// `AnnouncementResendAfter` relay blocks, if any. Returns whether it sent one.
	pub(crate) fn resend_overdue(now: u32) -> bool {
		let overdue = Announcements::<T>::iter()
			.filter(|(_, a)| a.sent_at.saturating_add(T::AnnouncementResendAfter::get()) < now)
			.min_by_key(|(batch, _)| *batch);
		let Some((batch, _)) = overdue else { return false };
		match Self::resend(batch, now) {
			Ok(()) => true,
			Err(error) => {
				log::debug!(target: LOG_TARGET, "announcement {batch} not resent: {error:?}");
				false
			},
		}
	}

	/// Sends announcement `batch` again, and restarts its wait.
	pub(crate) fn resend(batch: u64, now: u32) -> Result<(), SendError> {
		let mut announcement = Announcements::<T>::get(batch).ok_or(SendError::NotApplicable)?;
		let coordinator = Coordinator::<T>::get().ok_or(SendError::NotApplicable)?;
		let message_id = messages::send_to_sibling::<T::XcmSender>(
			coordinator,
			coordinator::NOTE_PATIENTS_WEIGHT_LIMIT,
			coordinator::note_patients(batch, &announcement.patients),
		)?;
		announcement.sent_at = now;
		Announcements::<T>::insert(batch, announcement);
		Self::deposit_event(Event::AnnouncementResent { batch, message_id });
		Ok(())
	}

	/// Announcements in flight are within their bound, numbered below the next number, and
	/// announce at least one patient each, none of them still waiting.
	#[cfg(any(feature = "try-runtime", test))]
	pub(crate) fn try_state_announcements() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError>
	{
		let all: Vec<(u64, AnnouncementOf<T>)> = Announcements::<T>::iter().collect();
		ensure!(
			all.len() as u32 == Announcements::<T>::count(),
			"the count of announcements is off"
		);
		ensure!(
			all.len() as u32 <= T::MaxAnnouncementsInFlight::get(),
			"more announcements in flight than MaxAnnouncementsInFlight"
		);
		for (batch, announcement) in all {
			ensure!(batch < NextAnnouncement::<T>::get(), "an announcement number not yet given");
			ensure!(!announcement.patients.is_empty(), "an announcement of nobody");
		}
		Ok(())
	}
}
