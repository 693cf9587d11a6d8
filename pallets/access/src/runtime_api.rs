//! The runtime API through which clients and proxies read grants, requests, fragments and a
//! patient's audit trail, without decoding raw storage.

use crate::{GrantEnvelope, GrantId, RequestId};
use alloc::vec::Vec;
use codec::Codec;
use medfed_primitives::{PublicKey, RecordId};

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Read access to a region's grants, access requests and audit trails.
	pub trait AccessApi<AccountId, Grant, Request, AuditEntry>
	where
		AccountId: Codec,
		Grant: Codec,
		Request: Codec,
		AuditEntry: Codec,
	{
		/// One grant by id, live or ended.
		fn grant(id: GrantId) -> Option<Grant>;
		/// The grants a patient made, oldest first.
		fn grants_of_patient(patient: AccountId) -> Vec<GrantId>;
		/// The grants a grantee holds, oldest first.
		fn grants_to(grantee: AccountId) -> Vec<GrantId>;
		/// A live grant's key fragment for the proxy at `position`, encrypted to that proxy.
		fn encrypted_fragment(grant: GrantId, position: u32) -> Option<Vec<u8>>;
		/// A record's envelope under a grant.
		fn envelope(grant: GrantId, record: RecordId) -> Option<GrantEnvelope>;
		/// One request by id.
		fn request(id: RequestId) -> Option<Request>;
		/// The requests open now, for the proxies.
		fn open_requests() -> Vec<RequestId>;
		/// The capsule fragments issued for a request: record, proxy position, fragment.
		fn capsule_fragments(request: RequestId) -> Vec<(RecordId, u32, Vec<u8>)>;
		/// At most `limit` (capped by the runtime) entries of a patient's audit trail from the
		/// `start`-th on, and the trail's length.
		fn audit(patient: AccountId, start: u32, limit: u32) -> (u32, Vec<AuditEntry>);
		/// The Umbral public key an account receives access with.
		fn key(who: AccountId) -> Option<PublicKey>;
		/// The account an authority's proxy submits with.
		fn proxy_account(authority: AccountId) -> Option<AccountId>;
	}
}
