//! A runtime's code as a file: the wasm blob a runtime upgrade installs (`ehr proposal
//! upgrade`), read and checked before anything is proposed.
//!
//! The wasm builder writes the runtime as a zstd-compressed blob behind an 8-byte prefix
//! (`*.compact.compressed.wasm`), or as plain wasm. Either way the module carries its
//! `RuntimeVersion` in the custom section `runtime_version`, which is what the chain reads of
//! new code before it accepts it: its `spec_name` must be the chain's and its `spec_version`
//! higher.

use anyhow::{anyhow, bail, Context as _, Result};
use codec::Decode;
use std::{io::Read as _, ops::Range, path::Path};

/// What marks a compressed code blob (`sp-maybe-compressed-blob`'s prefix).
pub const COMPRESSED_PREFIX: [u8; 8] = [82, 188, 83, 118, 70, 219, 142, 5];

/// The largest runtime the chain decompresses (`sp-maybe-compressed-blob`'s bomb limit).
pub const MAX_DECOMPRESSED: usize = 50 * 1024 * 1024;

/// The custom section a runtime's version is embedded in.
const VERSION_SECTION: &[u8] = b"runtime_version";

/// The start of every wasm module: `\0asm`, version 1.
const WASM_HEADER: [u8; 8] = *b"\0asm\x01\0\0\0";

/// The leading fields of a `RuntimeVersion`, which are all a runtime upgrade is checked by.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct SpecVersion {
	/// The runtime's name; an upgrade keeps it.
	pub spec_name: String,
	/// The implementation's name.
	pub impl_name: String,
	/// The authoring version.
	pub authoring_version: u32,
	/// The version an upgrade must raise.
	pub spec_version: u32,
}

/// A runtime's code, as the chain is sent it, and the version it declares.
pub struct RuntimeCode {
	/// The blob as read from the file, compressed or not: what the chain stores and hashes.
	pub code: Vec<u8>,
	/// The version embedded in the module.
	pub version: SpecVersion,
}

impl RuntimeCode {
	/// Reads the runtime at `path` and its embedded version.
	pub fn read(path: &Path) -> Result<Self> {
		let code =
			std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
		Self::from_blob(code).with_context(|| format!("{} is not a runtime", path.display()))
	}

	/// The runtime in `code` (compressed or plain wasm) and its embedded version.
	pub fn from_blob(code: Vec<u8>) -> Result<Self> {
		let wasm = decompress(&code)?;
		let range =
			version_section(&wasm)?.ok_or_else(|| {
				anyhow!("the wasm module has no `runtime_version` section: build it with the wasm builder")
			})?;
		let version = SpecVersion::decode(&mut &wasm[range])
			.map_err(|e| anyhow!("cannot decode its `runtime_version` section: {e}"))?;
		Ok(Self { code, version })
	}

	/// The blake2-256 hash of the code: what `System.authorize_upgrade` authorizes.
	pub fn hash(&self) -> [u8; 32] {
		sp_crypto_hashing::blake2_256(&self.code)
	}
}

/// The wasm module in `blob`: decompressed if it carries the prefix, then checked to be wasm.
pub fn decompress(blob: &[u8]) -> Result<Vec<u8>> {
	let wasm = match blob.strip_prefix(&COMPRESSED_PREFIX[..]) {
		Some(compressed) => {
			let decoder = zstd::Decoder::new(compressed)
				.map_err(|e| anyhow!("cannot start decompressing it: {e}"))?;
			let mut wasm = Vec::new();
			// One byte past the limit tells a blob at the limit from one beyond it.
			decoder
				.take(MAX_DECOMPRESSED as u64 + 1)
				.read_to_end(&mut wasm)
				.map_err(|e| anyhow!("it does not decompress: {e}"))?;
			if wasm.len() > MAX_DECOMPRESSED {
				bail!("it decompresses to more than {MAX_DECOMPRESSED} bytes");
			}
			wasm
		},
		None => blob.to_vec(),
	};
	if !wasm.starts_with(&WASM_HEADER) {
		bail!("it is neither a wasm module nor a compressed one");
	}
	Ok(wasm)
}

/// Compresses a wasm module as the wasm builder does, prefix included.
pub fn compress(wasm: &[u8]) -> Result<Vec<u8>> {
	let mut blob = COMPRESSED_PREFIX.to_vec();
	zstd::stream::copy_encode(wasm, &mut blob, 3).map_err(|e| anyhow!("cannot compress: {e}"))?;
	Ok(blob)
}

/// Where in `wasm` the payload of its `runtime_version` custom section is, if it has one.
pub fn version_section(wasm: &[u8]) -> Result<Option<Range<usize>>> {
	let mut at = WASM_HEADER.len();
	while at < wasm.len() {
		let id = wasm[at];
		let (size, size_len) =
			leb128(&wasm[at + 1..]).ok_or_else(|| anyhow!("a section at byte {at} is cut off"))?;
		let start = at + 1 + size_len;
		let end = start
			.checked_add(size)
			.filter(|end| *end <= wasm.len())
			.ok_or_else(|| anyhow!("a section at byte {at} runs past the module's end"))?;
		if id == 0 {
			let (name_len, name_len_len) = leb128(&wasm[start..end])
				.ok_or_else(|| anyhow!("a custom section at byte {at} has no name"))?;
			let name_start = start + name_len_len;
			let name_end = name_start
				.checked_add(name_len)
				.filter(|e| *e <= end)
				.ok_or_else(|| anyhow!("a custom section's name at byte {at} is cut off"))?;
			if &wasm[name_start..name_end] == VERSION_SECTION {
				return Ok(Some(name_end..end));
			}
		}
		at = end;
	}
	Ok(None)
}

/// Sets the `spec_version` embedded in wasm module `wasm` in place, leaving the rest of the
/// module as it is: a test's way to upgrade a chain to the code it already runs.
pub fn set_spec_version(wasm: &mut [u8], spec_version: u32) -> Result<()> {
	let range = version_section(wasm)?
		.ok_or_else(|| anyhow!("the wasm module has no `runtime_version` section"))?;
	let version = SpecVersion::decode(&mut &wasm[range.clone()])
		.map_err(|e| anyhow!("cannot decode its `runtime_version` section: {e}"))?;
	// The fields up to `spec_version` keep their lengths: a u32 stays four bytes.
	let head = (&version.spec_name, &version.impl_name, version.authoring_version, spec_version);
	let encoded = codec::Encode::encode(&head);
	wasm[range.start..range.start + encoded.len()].copy_from_slice(&encoded);
	Ok(())
}

/// An unsigned LEB128 number at the start of `bytes` (at most 32 bits, as wasm's sizes) and
/// how many bytes it takes.
fn leb128(bytes: &[u8]) -> Option<(usize, usize)> {
	let mut value = 0u64;
	for (i, byte) in bytes.iter().take(5).enumerate() {
		value |= u64::from(byte & 0x7f) << (7 * i);
		if byte & 0x80 == 0 {
			return usize::try_from(value).ok().map(|v| (v, i + 1));
		}
	}
	None
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	/// A wasm module of one custom section `name` holding `payload`, after a type section.
	fn module(name: &[u8], payload: &[u8]) -> Vec<u8> {
		let mut wasm = WASM_HEADER.to_vec();
		wasm.extend([1, 1, 0]); // a type section with no types
		let mut section = vec![name.len() as u8];
		section.extend(name);
		section.extend(payload);
		wasm.push(0);
		// Two-byte LEB128 size, to cover multi-byte sizes.
		wasm.extend([(section.len() as u8 & 0x7f) | 0x80, (section.len() >> 7) as u8]);
		wasm.extend(section);
		wasm
	}

	fn version(spec_version: u32) -> Vec<u8> {
		// The fields after `spec_version` (impl version, APIs, ...) follow in a real runtime.
		let mut encoded = ("medfed-region", "medfed-region", 1u32, spec_version).encode();
		encoded.extend(7u32.encode());
		encoded
	}

	#[test]
	fn the_embedded_version_is_read_from_plain_and_compressed_code() {
		let wasm = module(b"runtime_version", &version(42));
		for blob in [wasm.clone(), compress(&wasm).expect("compresses")] {
			let code = RuntimeCode::from_blob(blob.clone()).expect("a runtime");
			assert_eq!(code.version.spec_name, "medfed-region");
			assert_eq!(code.version.spec_version, 42);
			assert_eq!(code.code, blob, "the code is sent as it was read");
			assert_eq!(code.hash(), sp_crypto_hashing::blake2_256(&blob));
		}
	}

	#[test]
	fn setting_the_spec_version_changes_it_and_nothing_else() {
		let original = module(b"runtime_version", &version(42));
		let mut wasm = original.clone();
		set_spec_version(&mut wasm, 43).expect("has the section");
		let code = RuntimeCode::from_blob(wasm.clone()).expect("a runtime");
		assert_eq!(code.version.spec_version, 43);
		assert_eq!(code.version.spec_name, "medfed-region");
		let changed: Vec<usize> = (0..wasm.len()).filter(|i| wasm[*i] != original[*i]).collect();
		assert_eq!((wasm.len(), changed.len()), (original.len(), 1), "only the version's low byte");
		assert!(set_spec_version(&mut module(b"other", &version(42)), 43).is_err());
	}

	#[test]
	fn what_is_not_a_runtime_is_refused_with_the_reason() {
		let refused = |blob: Vec<u8>| {
			RuntimeCode::from_blob(blob).err().map(|e| format!("{e:#}")).expect("refused")
		};
		assert!(refused(b"{\"not\": \"wasm\"}".to_vec()).contains("neither a wasm module"));
		assert!(refused(module(b"other_section", &version(1))).contains("no `runtime_version`"));
		let mut broken = COMPRESSED_PREFIX.to_vec();
		broken.extend(b"not zstd");
		assert!(refused(broken).contains("decompress"));
		let mut cut = module(b"runtime_version", &version(1));
		cut.truncate(cut.len() - 3);
		assert!(refused(cut).contains("past the module's end"));
		assert!(refused(module(b"runtime_version", &[1, 2])).contains("cannot decode"));
	}
}
