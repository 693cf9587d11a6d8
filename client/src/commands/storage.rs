//! `ehr upload`: encrypts a FHIR R4 JSON document to its patient, adds the ciphertext to the
//! region's IPFS node and registers the record. `ehr fetch`: the patient fetches, checks and
//! decrypts it. [`crate::storage`] does the work; this module picks the arguments and prints.

use super::{args::open_keystore, Context};
use crate::{
	chain::account,
	cli::Signer,
	ipfs::Ipfs,
	render::{print, record_text, RecordView},
	storage,
};
use anyhow::{Context as _, Result};
use std::{io::Write, path::Path};

/// Runs `ehr upload`: `file` for `patient`, signed by `signer`.
pub(super) async fn upload(
	context: &Context,
	signer: &Signer,
	patient: &str,
	file: &Path,
	supersedes: Option<u64>,
) -> Result<()> {
	let json = context.json;
	let patient = account(patient)?;
	let document =
		std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
	let ipfs = Ipfs::new(&context.ipfs, context.timeout)?;
	let issuer = signer.keypair(&context.keystore)?;
	let (record, timings) =
		storage::upload(&context.chain, &ipfs, &issuer, &patient, &document, supersedes).await?;
	let view = RecordView::from(&record);
	print(json, &serde_json::json!({ "record": view, "timings": timings }), |_| {
		format!(
			"{}\n(encrypt {:.1} ms, IPFS add {:.1} ms, CID check {:.1} ms, inclusion {:.1} ms)",
			record_text(&view),
			timings.encrypt_ms,
			timings.ipfs_add_ms,
			timings.cid_check_ms,
			timings.inclusion_ms
		)
	});
	Ok(())
}

/// Runs `ehr fetch`: record `id` for keystore identity `key`, written to `output` (`-`:
/// standard output).
pub(super) async fn fetch(context: &Context, key: &str, id: u64, output: &Path) -> Result<()> {
	let identity = open_keystore(&context.keystore)?.identity(key)?;
	let ipfs = Ipfs::new(&context.ipfs, context.timeout)?;
	let document =
		zeroize::Zeroizing::new(storage::fetch(&context.chain, &ipfs, &identity, id).await?);
	if output.as_os_str() == "-" {
		std::io::stdout().write_all(&document)?;
	} else {
		write_private(output, &document)?;
		eprintln!("record {id}: {} bytes decrypted to {}", document.len(), output.display());
	}
	Ok(())
}

/// Writes a decrypted document readable by its owner only; refuses to overwrite a file.
pub(super) fn write_private(path: &Path, data: &[u8]) -> Result<()> {
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options.open(path).with_context(|| {
		format!("cannot create {} (an existing file is never overwritten)", path.display())
	})?;
	file.write_all(data)?;
	Ok(())
}
