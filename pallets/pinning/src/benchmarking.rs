//! Benchmarks of the pinning pallet, at their worst case: pins all of records the authority had
//! reported unpinnable (each pin also clears that mark), and a report that closes the
//! authority's gap so the cursor walks as far as it ever does (twice `MaxPinsPerReport`), over
//! the report's records and records settled earlier out of order.

use super::*;
use polkadot_sdk::{
	frame_benchmarking::v2::*, frame_support::traits::Authorize,
	sp_runtime::transaction_validity::TransactionSource,
};

/// The farthest one report moves a cursor.
fn walk<T: Config>() -> u32 {
	T::MaxPinsPerReport::get() * 2
}

/// A signed report by a fresh authority: pins of records `0..p`, each reported unpinnable
/// before (the cursor is at `p`), and records `p..p + u` unpinnable; records from `p + u` to
/// `p` + [`walk`] are reported unpinnable already, so the cursor walks its farthest, reading
/// both maps at each step.
fn signed_report<T: Config>(
	p: u32,
	u: u32,
) -> (T::AccountId, PinReportOf<T>, <T::AuthorityId as RuntimeAppPublic>::Signature) {
	let (key, authority) = T::BenchmarkHelper::authority();
	T::BenchmarkHelper::add_records(p + walk::<T>());
	let at = frame_system::Pallet::<T>::block_number();
	for id in 0..p as RecordId {
		Unpinnable::<T>::insert(&authority, id, (Reason::NotFound, at));
	}
	// Unpinnable, not pinned: the walk reads both maps for each of them.
	for id in (p + u) as RecordId..(p + walk::<T>()) as RecordId {
		Unpinnable::<T>::insert(&authority, id, (Reason::NotFound, at));
	}
	Cursor::<T>::insert(&authority, p as RecordId);
	let pins = BoundedVec::truncate_from((0..p as RecordId).collect::<Vec<_>>());
	let unpinnable = BoundedVec::truncate_from(
		(p as RecordId..(p + u) as RecordId)
			.map(|id| (id, Reason::NotFound))
			.collect::<Vec<_>>(),
	);
	let report = PinReport { key, at, pins, unpinnable };
	let signature = report
		.key
		.sign(&Pallet::<T>::signing_payload(&report))
		.expect("the key is in the keystore");
	(authority, report, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn report_pins(
		p: Linear<0, { T::MaxPinsPerReport::get() }>,
		u: Linear<1, { T::MaxPinsPerReport::get() }>,
	) {
		let (authority, report, signature) = signed_report::<T>(p, u);

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, report, signature);

		assert_eq!(Cursor::<T>::get(&authority), (p + walk::<T>()) as RecordId);
		assert_eq!(Unpinnable::<T>::iter_prefix(&authority).count(), walk::<T>() as usize);
	}

	#[benchmark]
	fn authorize_report_pins(
		p: Linear<0, { T::MaxPinsPerReport::get() }>,
		u: Linear<1, { T::MaxPinsPerReport::get() }>,
	) -> Result<(), BenchmarkError> {
		let (_, report, signature) = signed_report::<T>(p, u);
		let call = Call::<T>::report_pins { report, signature };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("report_pins has authorize logic")?
				.map_err(|_| "the report is authorized")?;
		}
		Ok(())
	}

	/// Clearing `n` records of a removed authority, each holding both a pin and an unpinnable
	/// mark of it (more than it can hold: both writes remove a value), to the end of its range.
	#[benchmark]
	fn prune_pins(n: Linear<0, 1_000>) {
		let authority: T::AccountId = account("departed", 0, 0);
		let at = frame_system::Pallet::<T>::block_number();
		for id in 0..n as RecordId {
			PinnedAt::<T>::insert(id, &authority, at);
			Unpinnable::<T>::insert(&authority, id, (Reason::NotFound, at));
		}
		Departed::<T>::insert(&authority, (0, n as RecordId));

		#[block]
		{
			Pallet::<T>::prune(Weight::MAX);
		}

		assert!(!Departed::<T>::contains_key(&authority));
		assert_eq!(Unpinnable::<T>::iter_prefix(&authority).count(), 0);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
