//! The runtime APIs of the region runtime: what the node and clients call.

use crate::{
	configs::ConsensusHook, AccountId, Balance, Block, BlockNumber, Executive, InherentDataExt,
	Institutions, Nonce, ParachainInfo, ParachainSystem, Records, Runtime, RuntimeCall,
	RuntimeGenesisConfig, SessionKeys, System, TransactionPayment, BLOCK_PROCESSING_VELOCITY,
	SLOT_DURATION, VERSION,
};
use alloc::vec::Vec;
use medfed_primitives::{InstitutionInfo, Patient, RecordId, RecordInfo, RecordPage};
use polkadot_sdk::{staging_xcm as xcm, staging_xcm_executor as xcm_executor, *};

use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	traits::Get,
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

impl_runtime_apis! {
	impl sp_consensus_aura::AuraApi<Block, crate::AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<crate::AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(
			header: &<Block as BlockT>::Header,
		) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			ParachainInfo::parachain_id()
		}
	}

	impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
		fn relay_parent_offset() -> u32 {
			<Runtime as cumulus_pallet_parachain_system::Config>::RelayParentOffset::get()
		}

		fn max_claim_queue_offset() -> u8 {
			ParachainSystem::max_claim_queue_offset()
		}
	}

	impl cumulus_primitives_core::SchedulingV3EnabledApi<Block> for Runtime {
		fn scheduling_v3_enabled() -> bool {
			use cumulus_primitives_core::VerifySchedulingSignature;
			<<Runtime as cumulus_pallet_parachain_system::Config>::SchedulingSignatureVerifier
				as VerifySchedulingSignature>::V3_SCHEDULING_ENABLED
		}
	}

	impl cumulus_primitives_core::TargetBlockRate<Block> for Runtime {
		fn target_block_rate() -> u32 {
			BLOCK_PROCESSING_VELOCITY
		}
	}

	impl cumulus_primitives_core::KeyToIncludeInRelayProof<Block> for Runtime {
		fn keys_to_prove() -> cumulus_primitives_core::RelayProofRequest {
			Default::default()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}

	impl medfed_primitives::RecordsApi<Block, AccountId, BlockNumber> for Runtime {
		fn record(id: RecordId) -> Option<RecordInfo<AccountId, BlockNumber>> {
			Records::record_info(id)
		}

		fn records_of_patient(
			patient: AccountId,
			start: u32,
			limit: u32,
		) -> RecordPage<AccountId, BlockNumber> {
			Records::records_of_patient(patient, start, limit)
		}

		fn records_of_institution(
			institution: AccountId,
			start: u32,
			limit: u32,
		) -> RecordPage<AccountId, BlockNumber> {
			Records::records_of_institution(institution, start, limit)
		}

		fn patient(patient: AccountId) -> Option<Patient<BlockNumber>> {
			pallet_records::Patients::<Runtime>::get(patient)
		}
	}

	impl medfed_primitives::InstitutionsApi<Block, AccountId, BlockNumber> for Runtime {
		fn institution(account: AccountId) -> Option<InstitutionInfo<AccountId, BlockNumber>> {
			Institutions::info(account)
		}

		fn institutions() -> Vec<InstitutionInfo<AccountId, BlockNumber>> {
			Institutions::all_info()
		}
	}

	impl medfed_primitives::PinningApi<Block, AccountId, BlockNumber> for Runtime {
		fn pin_status(id: RecordId) -> Vec<(AccountId, medfed_primitives::PinState<BlockNumber>)> {
			crate::Pinning::pin_status(id)
		}

		fn pending_pins(authority: AccountId) -> u64 {
			crate::Pinning::pending(&authority)
		}
	}

	impl pallet_federation::runtime_api::FederationApi<Block, pallet_federation::QueryOf<Runtime>>
		for Runtime
	{
		fn query(nonce: u64) -> Option<pallet_federation::QueryOf<Runtime>> {
			pallet_federation::Queries::<Runtime>::get(nonce)
		}

		fn answers(nonce: u64) -> Vec<(medfed_primitives::ParaId, pallet_federation::RegionAnswer)> {
			crate::Federation::answers_of(nonce)
		}

		fn read(
			nonce: u64,
		) -> Option<(
			medfed_primitives::ParaId,
			medfed_primitives::query::ReadGrant,
			Vec<medfed_primitives::query::ReadRecord>,
		)> {
			crate::Federation::read_of(nonce)
		}

		fn relay_block() -> u32 {
			use polkadot_sdk::sp_runtime::traits::BlockNumberProvider;
			polkadot_sdk::cumulus_pallet_parachain_system::RelaychainDataProvider::<Runtime>::current_block_number()
		}
	}

	impl pallet_access::runtime_api::AccessApi<
		Block,
		AccountId,
		pallet_access::GrantOf<Runtime>,
		pallet_access::RequestOf<Runtime>,
		pallet_access::AuditEntryOf<Runtime>,
	> for Runtime {
		fn grant(id: pallet_access::GrantId) -> Option<pallet_access::GrantOf<Runtime>> {
			pallet_access::Grants::<Runtime>::get(id)
		}

		fn grants_of_patient(patient: AccountId) -> Vec<pallet_access::GrantId> {
			pallet_access::GrantsOfPatient::<Runtime>::iter_key_prefix(patient).collect()
		}

		fn grants_to(grantee: AccountId) -> Vec<pallet_access::GrantId> {
			pallet_access::GrantsToGrantee::<Runtime>::iter_key_prefix(grantee).collect()
		}

		fn encrypted_fragment(grant: pallet_access::GrantId, position: u32) -> Option<Vec<u8>> {
			pallet_access::Fragments::<Runtime>::get(grant, position).map(|f| f.into_inner())
		}

		fn envelope(grant: pallet_access::GrantId, record: RecordId) -> Option<pallet_access::GrantEnvelope> {
			pallet_access::Envelopes::<Runtime>::get(grant, record)
		}

		fn request(id: pallet_access::RequestId) -> Option<pallet_access::RequestOf<Runtime>> {
			pallet_access::Requests::<Runtime>::get(id)
		}

		fn open_requests() -> Vec<pallet_access::RequestId> {
			crate::Access::open_requests()
		}

		fn capsule_fragments(request: pallet_access::RequestId) -> Vec<(RecordId, u32, Vec<u8>)> {
			crate::Access::fragments_of(request)
		}

		fn audit(
			patient: AccountId,
			start: u32,
			limit: u32,
		) -> (u32, Vec<pallet_access::AuditEntryOf<Runtime>>) {
			let limit = limit.min(crate::configs::MaxPageSize::get());
			crate::Access::audit_page(&patient, start, limit)
		}

		fn key(who: AccountId) -> Option<medfed_primitives::PublicKey> {
			pallet_access::Keys::<Runtime>::get(who)
		}

		fn proxy_account(authority: AccountId) -> Option<AccountId> {
			pallet_access::ProxyAccounts::<Runtime>::get(authority)
		}
	}

	impl xcm_runtime_apis::fees::XcmPaymentApi<Block> for Runtime {
		fn query_acceptable_payment_assets(
			xcm_version: xcm::Version,
		) -> Result<Vec<xcm::VersionedAssetId>, xcm_runtime_apis::fees::Error> {
			let acceptable = alloc::vec![xcm::latest::AssetId(xcm::latest::Location::here())];
			crate::PolkadotXcm::query_acceptable_payment_assets(xcm_version, acceptable)
		}

		fn query_weight_to_asset_fee(
			weight: Weight,
			asset: xcm::VersionedAssetId,
		) -> Result<u128, xcm_runtime_apis::fees::Error> {
			let here = xcm::latest::AssetId(xcm::latest::Location::here());
			match asset.try_as::<xcm::latest::AssetId>() {
				Ok(asset_id) if asset_id == &here => Ok(TransactionPayment::weight_to_fee(weight)),
				Ok(_) => Err(xcm_runtime_apis::fees::Error::AssetNotFound),
				Err(()) => Err(xcm_runtime_apis::fees::Error::VersionedConversionFailed),
			}
		}

		fn query_xcm_weight(
			message: xcm::VersionedXcm<()>,
		) -> Result<Weight, xcm_runtime_apis::fees::Error> {
			crate::PolkadotXcm::query_xcm_weight(message)
		}

		fn query_delivery_fees(
			destination: xcm::VersionedLocation,
			message: xcm::VersionedXcm<()>,
			asset_id: xcm::VersionedAssetId,
		) -> Result<xcm::VersionedAssets, xcm_runtime_apis::fees::Error> {
			crate::PolkadotXcm::query_delivery_fees::<
				<crate::configs::xcm_config::XcmConfig as xcm_executor::Config>::AssetExchanger,
			>(destination, message, asset_id)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks)
				.expect("try-runtime is a test harness: a failed upgrade check must stop it");
			(weight, crate::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("try-runtime is a test harness: a failed block must stop it")
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			crate::benchmarks::metadata(extra)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			crate::benchmarks::dispatch(config)
		}
	}
}
