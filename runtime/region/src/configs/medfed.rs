//! MedFed's own pallets: the authority collective, member institutions, records, pinning and
//! the federation (announcements to the coordinator).

use crate::{
	configs::RuntimeBlockWeights, AccountId, AuthorityCollective, Balance, Balances, BlockNumber,
	CollatorSelection, Federation, Institutions, Pinning, Records, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Session, TxExtension, UncheckedExtrinsic, DAYS,
	MINUTES, UNIT,
};
use medfed_primitives::{Membership, Role};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ChangeMembers, EitherOfDiverse, NeverEnsureOrigin, ValidatorRegistration},
		weights::Weight,
	},
	frame_system::EnsureRoot,
	pallet_collective,
};

/// The collective of the region's authority institutions. Its members are not set by hand:
/// the institutions pallet keeps them equal to the active authorities.
pub type AuthorityCollectiveInstance = pallet_collective::Instance1;

/// More than half of the authorities, or root (which only a supermajority reaches). Admits
/// and removes institutions and voids records.
pub type AuthorityMajority = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, AuthorityCollectiveInstance, 1, 2>,
>;

/// At least two thirds of the authorities: acts as root (`Governance.enact`: runtime upgrades),
/// and decides the collators, the XCMP queue's channels and the federation's settings.
pub type AuthoritySupermajority =
	pallet_collective::EnsureProportionAtLeast<AccountId, AuthorityCollectiveInstance, 2, 3>;

/// What needs a supermajority may also be done by root, that is by an enacted motion.
pub type AuthoritySupermajorityOrRoot =
	EitherOfDiverse<EnsureRoot<AccountId>, AuthoritySupermajority>;

use polkadot_sdk::polkadot_runtime_common::prod_or_fast;

parameter_types! {
	/// How long authorities have to vote on a motion.
	pub const MotionDuration: BlockNumber = prod_or_fast!(DAYS, 2 * MINUTES);
	/// Most motions open at once.
	pub const MaxProposals: u32 = 100;
	/// A motion may use at most half a block.
	pub MaxProposalWeight: Weight = RuntimeBlockWeights::get().max_block.saturating_div(2);
	/// Most member institutions of a region at once (removed ones do not count).
	pub const MaxInstitutions: u32 = 4_096;
	/// Most authorities, and so most re-encryption proxies, of a region.
	pub const MaxAuthorities: u32 = 32;
	/// Longest institution name, in bytes.
	pub const MaxNameLen: u32 = 128;
	/// Most records one patient holds in a region.
	pub const MaxRecordsPerPatient: u32 = 100_000;
	/// Most records one institution registers for one patient: a tenth of what a patient
	/// holds, so that no member alone can fill a patient's records.
	pub const MaxRecordsPerIssuer: u32 = 10_000;
	/// Largest ciphertext a record may describe: 4 GiB.
	pub const MaxRecordSize: u64 = 4 << 30;
	/// Most records one page of the records runtime API returns.
	pub const MaxPageSize: u32 = 500;
	pub const MaxPinsPerReport: u32 = 32;
	pub const PinReportLongevity: BlockNumber = 16;
}

impl pallet_collective::Config<AuthorityCollectiveInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = MotionDuration;
	type MaxProposals = MaxProposals;
	type MaxMembers = MaxAuthorities;
	// Only the ayes given count: a majority cannot wait out the others into two thirds.
	type DefaultVote = medfed_runtime_common::governance::AbstentionIsNay;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Membership follows the institutions pallet; nobody sets it directly.
	type SetMembersOrigin = NeverEnsureOrigin<()>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

/// What follows the set of active authorities when it changes: the authority collective, the
/// collators and the pins. A removed authority is no longer an invulnerable collator, so it is
/// out of the collator set from the session after next (the session pallet queues one session
/// ahead); what the chain kept of its pins is cleared in later blocks' spare weight.
pub struct AuthoritySetChanged;
impl ChangeMembers<AccountId> for AuthoritySetChanged {
	fn change_members_sorted(incoming: &[AccountId], outgoing: &[AccountId], new: &[AccountId]) {
		AuthorityCollective::change_members_sorted(incoming, outgoing, new);
		for who in outgoing {
			Pinning::forget_authority(who);
			if !polkadot_sdk::pallet_collator_selection::Invulnerables::<Runtime>::get()
				.contains(who)
			{
				continue;
			}
			// Fails only when it is the last collator: the chain keeps it rather than halt; the
			// authorities add another collator, then remove this one by motion.
			if let Err(e) =
				CollatorSelection::remove_invulnerable(RuntimeOrigin::root(), who.clone())
			{
				log::warn!(
					target: "runtime::medfed",
					"removed authority {who:?} stays a collator: add another collator, then remove it by motion ({e:?})"
				);
			}
		}
	}
}

/// Who may collate: an active authority institution whose session keys are set.
pub struct AuthorityWithKeys;
impl ValidatorRegistration<AccountId> for AuthorityWithKeys {
	fn is_registered(who: &AccountId) -> bool {
		Institutions::active_role(who) == Ok(Role::Authority) &&
			<Session as ValidatorRegistration<AccountId>>::is_registered(who)
	}
}

impl pallet_institutions::Config for Runtime {
	type AdminOrigin = AuthorityMajority;
	// Changing the authorities changes who governs: two thirds, as for root.
	type AuthorityAdminOrigin = AuthoritySupermajorityOrRoot;
	type AuthoritiesChanged = AuthoritySetChanged;
	type AuthoritiesInitialized = AuthorityCollective;
	type MaxInstitutions = MaxInstitutions;
	// A removed institution that issued records stays known, so they name a known issuer.
	type Named = pallet_records::Issuers<Runtime>;
	type MaxAuthorities = MaxAuthorities;
	type MaxNameLen = MaxNameLen;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = InstitutionsBenchmarks;
	type WeightInfo = pallet_institutions::weights::SubstrateWeight<Runtime>;
}

/// Benchmark setup: the authority collective's most motions, voted by every authority.
#[cfg(feature = "runtime-benchmarks")]
pub struct InstitutionsBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_institutions::BenchmarkHelper<AccountId> for InstitutionsBenchmarks {
	fn open_motions(authorities: &[AccountId]) {
		use codec::Encode;
		use polkadot_sdk::sp_runtime::traits::Hash;
		let Some(proposer) = authorities.first() else { return };
		// More ayes than there are authorities: the motions stay open.
		let threshold = authorities.len() as u32 + 1;
		for i in 0..MaxProposals::get() {
			let call = RuntimeCall::System(polkadot_sdk::frame_system::Call::remark {
				remark: i.encode(),
			});
			let length = call.encoded_size() as u32;
			let hash = <Runtime as polkadot_sdk::frame_system::Config>::Hashing::hash_of(&call);
			let index =
				pallet_collective::ProposalCount::<Runtime, AuthorityCollectiveInstance>::get();
			let proposed = AuthorityCollective::propose(
				RuntimeOrigin::signed(proposer.clone()),
				threshold,
				alloc::boxed::Box::new(call),
				length,
			);
			if proposed.is_err() {
				return;
			}
			for authority in authorities {
				let _ = AuthorityCollective::vote(
					RuntimeOrigin::signed(authority.clone()),
					hash,
					index,
					true,
				);
			}
		}
	}
}

impl pallet_records::Config for Runtime {
	type Membership = Institutions;
	type MaxRecordsPerPatient = MaxRecordsPerPatient;
	type MaxRecordsPerIssuer = MaxRecordsPerIssuer;
	// A record is voided by a majority of the authorities.
	type VoidOrigin = AuthorityMajority;
	type MaxRecordSize = MaxRecordSize;
	type MaxPageSize = MaxPageSize;
	// A patient's first record here is announced to the coordinator's directory.
	type OnFirstRecord = Federation;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type PatientDeposit = PatientDeposit;
	type WeightInfo = pallet_records::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// What a patient's registration holds of theirs while it stays: a hundredth of a unit,
	/// ten times the existential deposit (the entry it keeps is under 100 bytes).
	pub const PatientDeposit: Balance = UNIT / 100;
}

parameter_types! {
	/// What a cross-region query holds of its requester's until it is dismissed.
	pub const QueryDeposit: Balance = UNIT / 10;
	/// How many relay chain blocks a query waits for its answers: three HRMP hops take six to
	/// nine at best.
	pub const QueryTimeout: u32 = 40;
	/// Most queries asked within one `QueryTimeout`.
	pub const MaxOpenQueries: u32 = 1_024;
	/// Most queries one requester has open at once: a sixty-fourth of the region's.
	pub const MaxOpenQueriesPerRequester: u32 = 16;
	/// Most announcements waiting for the coordinator's acknowledgement: 16 × 120 patients.
	pub const MaxAnnouncementsInFlight: u32 = 16;
	/// Relay blocks after which an unacknowledged announcement is sent again: about two
	/// minutes, several times what a round trip takes.
	pub const AnnouncementResendAfter: u32 = 20;
	/// Most overdue queries one block's sweep ends.
	pub const MaxSweepPerBlock: u32 = 32;
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type EnactOrigin = AuthoritySupermajority;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

impl pallet_federation::Config for Runtime {
	type XcmSender = super::xcm_config::XcmRouter;
	type AdminOrigin = AuthoritySupermajorityOrRoot;
	type SiblingOrigin = medfed_runtime_common::xcm::EnsureSiblingPara<RuntimeOrigin>;
	type SelfParaId = SelfParaId;
	type RelayBlockNumber =
		polkadot_sdk::cumulus_pallet_parachain_system::RelaychainDataProvider<Runtime>;
	type Sharing = SharingForQueries;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type QueryDeposit = QueryDeposit;
	type QueryTimeout = QueryTimeout;
	type MaxOpenQueries = MaxOpenQueries;
	type MaxOpenQueriesPerRequester = MaxOpenQueriesPerRequester;
	type MaxAnnouncementsInFlight = MaxAnnouncementsInFlight;
	type AnnouncementResendAfter = AnnouncementResendAfter;
	type MaxSweepPerBlock = MaxSweepPerBlock;
	type WeightInfo = pallet_federation::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = FederationBenchmarks;
}

/// The records pallet and the access pallet, as cross-region queries read them: the records a
/// requester may read under a patient's live grants here, and the patient's audit trail.
pub struct SharingForQueries;
impl pallet_federation::Sharing<AccountId> for SharingForQueries {
	fn shared(patient: &AccountId, requester: &AccountId, limit: u32) -> pallet_federation::Shared {
		use pallet_federation::Shared;
		let held =
			pallet_records::Patients::<Runtime>::get(patient).is_some_and(|p| p.record_count > 0);
		if !held {
			return Shared::NotHeld;
		}
		let Some((shared, truncated)) =
			pallet_access::Pallet::<Runtime>::shared_with(patient, requester, limit)
		else {
			return Shared::Denied;
		};
		let records = shared
			.into_iter()
			.filter_map(|(grant, id)| {
				pallet_records::Records::<Runtime>::get(id).map(|record| {
					medfed_primitives::query::SharedRecord {
						id,
						grant,
						resource_type: record.resource_type,
						cid: record.cid,
						size: record.size,
						created_at: record.created_at,
					}
				})
			})
			.collect();
		Shared::Records { records, truncated }
	}

	fn audit(patient: &AccountId, requester: &AccountId, event: pallet_federation::QueryAudit) {
		use pallet_access::AccessEvent;
		use pallet_federation::QueryAudit;
		let event = match event {
			QueryAudit::Served { query, records } => AccessEvent::QueryServed { query, records },
			QueryAudit::Denied { query } => AccessEvent::QueryDenied { query },
			QueryAudit::Answered { query, from, records } =>
				AccessEvent::QueryAnswered { query, from, records },
		};
		pallet_access::Pallet::<Runtime>::audit_query(patient, requester, event);
	}

	fn open_read(
		patient: &AccountId,
		requester: &AccountId,
		grant: u64,
		query: medfed_primitives::query::QueryId,
	) -> Result<u64, pallet_federation::ReadRefusal> {
		use medfed_primitives::query::{MAX_READ_FRAGMENTS, MAX_READ_RECORDS};
		use pallet_federation::ReadRefusal;
		let held =
			pallet_records::Patients::<Runtime>::get(patient).is_some_and(|p| p.record_count > 0);
		if !held {
			return Err(ReadRefusal::NotHeld);
		}
		let purpose = read_purpose(query);
		pallet_access::Pallet::<Runtime>::request_for_query(
			requester,
			patient,
			grant,
			MAX_READ_RECORDS,
			MAX_READ_FRAGMENTS,
			&purpose,
		)
		.map_err(|refusal| {
			log::debug!(target: "runtime::federation", "read {query:?} refused: {refusal:?}");
			ReadRefusal::Denied
		})
	}

	fn read_answer(
		request: u64,
	) -> Option<(
		medfed_primitives::query::ReadGrant,
		alloc::vec::Vec<medfed_primitives::query::ReadRecord>,
	)> {
		use medfed_primitives::query::{ReadGrant, ReadRecord, SharedRecord, MAX_READ_FRAGMENTS};
		let read = pallet_access::Pallet::<Runtime>::fulfilled_read(request)?;
		let grant = ReadGrant {
			id: read.grant,
			request,
			threshold: read.info.threshold,
			delegating_key: read.info.delegating_key,
			verifying_key: read.info.verifying_key,
			grantee_key: read.info.grantee_key,
		};
		let records = read
			.records
			.into_iter()
			.filter_map(|(id, envelope, mut fragments)| {
				let record = pallet_records::Records::<Runtime>::get(id)?;
				fragments.sort_by_key(|(position, _)| *position);
				let fragments = fragments
					.into_iter()
					.take(MAX_READ_FRAGMENTS as usize)
					.filter_map(|(position, fragment)| {
						Some((u8::try_from(position).ok()?, fragment.into_inner().try_into().ok()?))
					})
					.collect::<alloc::vec::Vec<_>>();
				Some(ReadRecord {
					record: SharedRecord {
						id,
						grant: read.grant,
						resource_type: record.resource_type,
						cid: record.cid,
						size: record.size,
						created_at: record.created_at,
					},
					ciphertext_hash: record.ciphertext_hash,
					capsule: envelope.capsule,
					wrapped_key: envelope.wrapped_key,
					fragments: fragments.try_into().ok()?,
				})
			})
			.collect();
		Some((grant, records))
	}
}

/// What an access request opened for another region's query is for, in the patient's audit
/// trail: `cross-region query <region>/<number>`.
fn read_purpose(query: medfed_primitives::query::QueryId) -> alloc::vec::Vec<u8> {
	alloc::format!("cross-region query {}/{}", query.region, query.nonce).into_bytes()
}

/// Tells the federation pallet when an access request it opened for another region's read is
/// fulfilled (it sends the records) or denied (it says so).
pub struct ReadsForQueries;
impl pallet_access::RequestObserver for ReadsForQueries {
	fn fulfilled(request: u64) {
		Federation::read_fulfilled(request);
	}

	fn ended(request: u64, denied: bool) {
		Federation::read_ended(request, denied);
	}

	fn fulfilled_weight() -> Weight {
		use pallet_federation::WeightInfo as _;
		pallet_federation::weights::SubstrateWeight::<Runtime>::read_fulfilled()
	}

	fn ended_weight() -> Weight {
		use pallet_federation::WeightInfo as _;
		pallet_federation::weights::SubstrateWeight::<Runtime>::read_ended()
	}
}

/// Benchmark setup: open HRMP channels, records shared under the most grants, XCM origins.
#[cfg(feature = "runtime-benchmarks")]
pub struct FederationBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_federation::BenchmarkHelper<AccountId, RuntimeOrigin> for FederationBenchmarks {
	fn open_channel(para: pallet_federation::ParaId) {
		medfed_runtime_common::xcm::open_channel_for_benchmarks::<Runtime>(para);
	}

	fn share_records(patient: &AccountId, requester: &AccountId) {
		use pallet_access::Records as _;
		let observation =
			medfed_primitives::ResourceType::parse(b"Observation").expect("a FHIR resource type");
		let grants = MaxGrantsPerGrantee::get();
		// One more than an answer holds: the answer is truncated, the most a query reads.
		let per_grant = (medfed_primitives::query::MAX_ANSWER_RECORDS + 1).div_ceil(grants);
		for _ in 0..grants {
			let records: alloc::vec::Vec<_> = (0..per_grant)
				.map(|_| RecordsForAccess::record_for_benchmarks(patient, observation.clone()))
				.collect();
			pallet_access::Pallet::<Runtime>::share_for_benchmarks(patient, requester, &records);
		}
		let _ = <Balances as polkadot_sdk::frame_support::traits::fungible::Mutate<AccountId>>::set_balance(
			requester,
			1_000 * UNIT,
		);
	}

	fn sibling_origin(para: pallet_federation::ParaId) -> RuntimeOrigin {
		use polkadot_sdk::staging_xcm::latest::prelude::*;
		polkadot_sdk::pallet_xcm::Origin::Xcm(Location::new(1, [Parachain(para)])).into()
	}

	fn readable_grant(patient: &AccountId, requester: &AccountId) -> u64 {
		use pallet_access::Records as _;
		let observation =
			medfed_primitives::ResourceType::parse(b"Observation").expect("a FHIR resource type");
		// Twice what a read takes: it reads that many envelopes at most.
		let records: alloc::vec::Vec<_> = (0..2 * medfed_primitives::query::MAX_READ_RECORDS)
			.map(|_| RecordsForAccess::record_for_benchmarks(patient, observation.clone()))
			.collect();
		pallet_access::Pallet::<Runtime>::share_for_benchmarks(patient, requester, &records);
		pallet_access::NextGrantId::<Runtime>::get() - 1
	}

	fn fulfilled_read(patient: &AccountId, requester: &AccountId) -> u64 {
		use medfed_primitives::query::{MAX_READ_FRAGMENTS, MAX_READ_RECORDS};
		let grant = Self::readable_grant(patient, requester);
		let request = pallet_access::Pallet::<Runtime>::request_for_query(
			requester,
			patient,
			grant,
			MAX_READ_RECORDS,
			MAX_READ_FRAGMENTS,
			b"benchmark",
		)
		.expect("a live grant of readable records");
		// Every proxy's fragment: the read reads them all, and sends the first 12.
		pallet_access::Pallet::<Runtime>::fulfil_for_benchmarks(
			request,
			MaxProxies::get(),
			medfed_primitives::access::CAPSULE_FRAGMENT_MAX_LEN as u32,
		);
		request
	}
}

impl pallet_pinning::Config for Runtime {
	type AuthorityId = pallet_pinning::crypto::Public;
	type KeyOwner = SessionKeyOwner;
	type Membership = Institutions;
	type Records = Records;
	type MaxPinsPerReport = MaxPinsPerReport;
	type ReportLongevity = PinReportLongevity;
	type WeightInfo = pallet_pinning::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = PinningBenchmarks;
}

/// A pinning key's owner: the collator that registered it as a session key. The pinning pallet
/// then requires that collator to be an active authority institution.
pub struct SessionKeyOwner;
impl pallet_pinning::KeyOwner<pallet_pinning::crypto::Public, AccountId> for SessionKeyOwner {
	fn owner(key: &pallet_pinning::crypto::Public) -> Option<AccountId> {
		use polkadot_sdk::sp_core::crypto::ByteArray;
		polkadot_sdk::pallet_session::Pallet::<Runtime>::key_owner(
			pallet_pinning::KEY_TYPE,
			key.as_slice(),
		)
	}
}

/// Benchmark setup: an authority institution whose pinning key is in the benchmark keystore
/// and registered with the session pallet, and records to pin.
#[cfg(feature = "runtime-benchmarks")]
pub struct PinningBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_pinning::BenchmarkHelper<pallet_pinning::crypto::Public, AccountId>
	for PinningBenchmarks
{
	fn authority() -> (pallet_pinning::crypto::Public, AccountId) {
		use medfed_primitives::{Membership, Role};
		use polkadot_sdk::{sp_core::crypto::ByteArray, sp_runtime::RuntimeAppPublic};
		let key = pallet_pinning::crypto::Public::generate_pair(None);
		let who: AccountId = polkadot_sdk::frame_benchmarking::account("pinning authority", 0, 0);
		Institutions::admit_for_benchmarks(&who, Role::Authority);
		polkadot_sdk::pallet_session::KeyOwner::<Runtime>::insert(
			(pallet_pinning::KEY_TYPE, ByteArray::to_raw_vec(&key)),
			who.clone(),
		);
		(key, who)
	}

	fn add_records(n: u32) {
		pallet_records::Pallet::<Runtime>::add_records_for_benchmarks(n);
	}
}

impl<C> polkadot_sdk::frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = UncheckedExtrinsic;
}

impl<C> polkadot_sdk::frame_system::offchain::CreateTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extension = TxExtension;

	fn create_transaction(call: RuntimeCall, extension: TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

/// Transactions the runtime authorizes itself (pin reports): no signer, so the nonce and fee
/// extensions pass them by; immortal, because `authorize` bounds their life.
impl<C> polkadot_sdk::frame_system::offchain::CreateAuthorizedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_extension() -> TxExtension {
		use polkadot_sdk::{
			frame_metadata_hash_extension, frame_system, pallet_transaction_payment,
		};
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(
				polkadot_sdk::sp_runtime::generic::Era::Immortal,
			),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		)
			.into()
	}
}

parameter_types! {
	/// Most proxies a grant names: every authority of the region.
	pub const MaxProxies: u32 = MaxAuthorities::get();
	/// Most FHIR resource types one grant's scope names.
	pub const MaxScopeTypes: u32 = 16;
	/// Most record ids one grant's scope names; a grant call can wrap them all.
	pub const MaxScopeRecords: u32 = 32;
	pub const MaxEnvelopesPerCall: u32 = 32;
	/// Most records one grant holds wrapped, over all its extensions.
	pub const MaxRecordsPerGrant: u32 = 1_024;
	/// Longest a grant runs: a year.
	pub const MaxGrantDuration: BlockNumber = 365 * DAYS;
	pub const MaxEncryptedFragmentLen: u32 =
		medfed_primitives::access::ENCRYPTED_KEY_FRAGMENT_MAX_LEN as u32;
	pub const MaxCapsuleFragmentLen: u32 = medfed_primitives::access::CAPSULE_FRAGMENT_MAX_LEN as u32;
	/// Most records one access request asks for.
	pub const MaxRecordsPerRequest: u32 = 16;
	/// Longest purpose of an access request, in bytes.
	pub const MaxPurposeLen: u32 = 128;
	/// How long the proxies have to answer a request.
	pub const RequestTimeout: BlockNumber = prod_or_fast!(10 * MINUTES, 2 * MINUTES);
	/// Most requests falling due in one block.
	pub const MaxRequestsPerBlock: u32 = 64;
	/// Most open requests under one grant.
	pub const MaxOpenRequestsPerGrant: u32 = 16;
	/// Most grants a patient holds open to one grantee at once: a cross-region query reads
	/// at most these.
	pub const MaxGrantsPerGrantee: u32 = 8;
	/// What a grantee holds for each open request, released in full when it ends (at the
	/// latest `RequestTimeout` later): a tenth of a unit. Small for a real grantee: a request's
	/// own fee is one to a few milliunits (10 microunits a byte), a practitioner with a handful of
	/// requests open locks well under a unit, and an account funded with one unit can keep
	/// nine open. Costly to block others: one block's 64 deadline slots lock 6.4 units for the
	/// timeout, 64 × 16 requests (every slot of 16 blocks, or 64 grants' worth of open
	/// requests) 102.4 units, and every slot of a whole timeout (100 blocks) 640 units.
	pub const RequestDeposit: Balance = UNIT / 10;
}

impl pallet_access::Config for Runtime {
	type Membership = Institutions;
	type Records = RecordsForAccess;
	type SelfParaId = SelfParaId;
	type MaxProxies = MaxProxies;
	type MaxScopeTypes = MaxScopeTypes;
	type MaxScopeRecords = MaxScopeRecords;
	type MaxEnvelopesPerCall = MaxEnvelopesPerCall;
	type MaxRecordsPerGrant = MaxRecordsPerGrant;
	type MaxGrantDuration = MaxGrantDuration;
	type MaxEncryptedFragmentLen = MaxEncryptedFragmentLen;
	type MaxCapsuleFragmentLen = MaxCapsuleFragmentLen;
	type MaxRecordsPerRequest = MaxRecordsPerRequest;
	type MaxPurposeLen = MaxPurposeLen;
	type RequestTimeout = RequestTimeout;
	type MaxRequestsPerBlock = MaxRequestsPerBlock;
	type MaxOpenRequestsPerGrant = MaxOpenRequestsPerGrant;
	type MaxGrantsPerGrantee = MaxGrantsPerGrantee;
	// Holds are bounded by `VariantCountOf<RuntimeHoldReason>` in `pallet_balances`, which
	// counts this pallet's reason: nothing to raise.
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type RequestDeposit = RequestDeposit;
	type RequestObserver = ReadsForQueries;
	type WeightInfo = pallet_access::weights::SubstrateWeight<Runtime>;
}

/// This region's para id, for the audit trail.
pub struct SelfParaId;
impl polkadot_sdk::frame_support::traits::Get<medfed_primitives::ParaId> for SelfParaId {
	fn get() -> medfed_primitives::ParaId {
		crate::ParachainInfo::parachain_id().into()
	}
}

/// The records pallet, as the access pallet reads it.
pub struct RecordsForAccess;
impl pallet_access::Records<AccountId> for RecordsForAccess {
	fn subject(id: medfed_primitives::RecordId) -> Option<pallet_access::RecordSubject<AccountId>> {
		pallet_records::Records::<Runtime>::get(id).map(|record| pallet_access::RecordSubject {
			patient: record.patient,
			resource_type: record.resource_type,
			voided: pallet_records::Voided::<Runtime>::contains_key(id),
		})
	}

	fn is_patient(who: &AccountId) -> bool {
		pallet_records::Patients::<Runtime>::contains_key(who)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn record_for_benchmarks(
		patient: &AccountId,
		resource_type: medfed_primitives::ResourceType,
	) -> medfed_primitives::RecordId {
		use medfed_primitives::{umbral::GENERATOR, Capsule, Cid, Patient, Record, WrappedKey};
		let id = pallet_records::NextRecordId::<Runtime>::get();
		let mut capsule = [0u8; medfed_primitives::umbral::CAPSULE_LEN];
		capsule[..33].copy_from_slice(&GENERATOR.0);
		capsule[33..66].copy_from_slice(&GENERATOR.0);
		capsule[medfed_primitives::umbral::CAPSULE_LEN - 1] = 1;
		let now = polkadot_sdk::frame_system::Pallet::<Runtime>::block_number();
		pallet_records::Patients::<Runtime>::mutate(patient, |p| {
			let entry =
				p.get_or_insert(Patient { key: GENERATOR, registered_at: now, record_count: 0 });
			entry.record_count += 1;
		});
		pallet_records::Records::<Runtime>::insert(
			id,
			Record {
				patient: patient.clone(),
				issuer: patient.clone(),
				resource_type,
				cid: Cid::raw_sha256([id as u8; 32]),
				ciphertext_hash: [id as u8; 32],
				capsule: Capsule(capsule),
				wrapped_key: WrappedKey([0; medfed_primitives::umbral::WRAPPED_KEY_LEN]),
				size: 1,
				created_at: now,
				supersedes: None,
			},
		);
		pallet_records::NextRecordId::<Runtime>::put(id + 1);
		id
	}
}
