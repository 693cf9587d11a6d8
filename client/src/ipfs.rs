//! The region's IPFS node, through the Kubo RPC API (`/api/v0/…`): the same contract kubo,
//! IPFS Cluster's proxy and MedFed's local node serve.
//!
//! Only ciphertexts ever reach it. Content is added as CIDv1 with raw leaves and SHA-256, so a
//! ciphertext of one chunk has the CID any tool computes from its bytes alone.

use anyhow::{anyhow, bail, Context, Result};
use futures::StreamExt;
use medfed_primitives::Cid;
use serde::Deserialize;
use std::time::Duration;

/// The chunk size of uploads (the Kubo default): also how often progress is reported.
pub const CHUNK: usize = 256 * 1024;

/// A Kubo RPC API endpoint.
pub struct Ipfs {
	base: String,
	http: reqwest::Client,
	/// How long one request may take, body included; an upload gets a second more per MiB.
	timeout: Duration,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Added {
	hash: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiError {
	message: String,
}

impl Ipfs {
	/// The API at `url`, e.g. `http://127.0.0.1:5001`; a request that takes longer than
	/// `timeout` fails with a clear error.
	pub fn new(url: &str, timeout: Duration) -> Result<Self> {
		let base = url.trim_end_matches('/').to_owned();
		if !(base.starts_with("http://") || base.starts_with("https://")) {
			bail!("the IPFS API address must be an http:// or https:// URL, not '{url}'");
		}
		let http = reqwest::Client::builder()
			.connect_timeout(Duration::from_secs(10))
			.build()
			.context("cannot set up the HTTP client")?;
		Ok(Ipfs { base, http, timeout })
	}

	fn url(&self, command: &str) -> String {
		format!("{}/api/v0/{command}", self.base)
	}

	/// Sends `request` and reads the whole answer within `timeout`.
	async fn call(
		&self,
		request: reqwest::RequestBuilder,
		what: &str,
		timeout: Duration,
	) -> Result<Vec<u8>> {
		let failed = |e: reqwest::Error| {
			if e.is_timeout() {
				anyhow!(
					"the IPFS node at {} did not {what} within {} s: is it running, and not stopped?",
					self.base,
					timeout.as_secs()
				)
			} else {
				anyhow!(e).context(format!(
					"cannot reach the IPFS API at {} to {what}: is the region's IPFS node running?",
					self.base
				))
			}
		};
		let response = request.timeout(timeout).send().await.map_err(failed)?;
		let status = response.status();
		let body = response.bytes().await.map_err(failed)?;
		if !status.is_success() {
			let body = String::from_utf8_lossy(&body).into_owned();
			let message =
				serde_json::from_str::<ApiError>(&body).map(|e| e.message).unwrap_or(body);
			bail!("the IPFS node refused to {what} ({status}): {message}");
		}
		Ok(body.into())
	}

	/// Adds `data` and pins it on this node; `progress` hears how many bytes have been sent.
	/// Returns the CID, checked to be what MedFed accepts on chain.
	pub async fn add(
		&self,
		data: Vec<u8>,
		progress: impl Fn(u64) + Send + Sync + 'static,
	) -> Result<Cid> {
		let total = data.len() as u64;
		let chunks: Vec<Vec<u8>> = data.chunks(CHUNK).map(<[u8]>::to_vec).collect();
		let mut sent = 0u64;
		let body = futures::stream::iter(chunks).map(move |chunk| {
			sent += chunk.len() as u64;
			progress(sent);
			Ok::<_, std::io::Error>(chunk)
		});
		let part =
			reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
				.file_name("ciphertext")
				.mime_str("application/octet-stream")?;
		let form = reqwest::multipart::Form::new().part("file", part);
		let request = self
			.http
			.post(self.url("add"))
			.query(&[
				("cid-version", "1"),
				("cid-base", "base32"),
				("raw-leaves", "true"),
				("hash", "sha2-256"),
				("pin", "true"),
			])
			.multipart(form);
		let timeout = self.timeout + Duration::from_secs(total >> 20);
		let body = self.call(request, "add the ciphertext", timeout).await?;
		let text = String::from_utf8_lossy(&body);
		// One JSON object per line; the last names the added file.
		let added: Added = text
			.lines()
			.rev()
			.find(|l| !l.trim().is_empty())
			.map(serde_json::from_str)
			.transpose()
			.context("the IPFS node's answer to add is not Kubo RPC JSON")?
			.ok_or_else(|| anyhow!("the IPFS node answered add with nothing"))?;
		Cid::parse(added.hash.as_bytes()).map_err(|e| {
			anyhow!("the IPFS node returned '{}', not a CID MedFed accepts: {e:?}", added.hash)
		})
	}

	/// The content of `cid`.
	pub async fn cat(&self, cid: &Cid) -> Result<Vec<u8>> {
		let request = self.http.post(self.url("cat")).query(&[("arg", cid.to_text())]);
		self.call(request, &format!("return {}", cid.to_text()), self.timeout).await
	}

	/// Removes this node's pin of `cid` (when a registration failed after the upload).
	pub async fn unpin(&self, cid: &Cid) -> Result<()> {
		let request = self.http.post(self.url("pin/rm")).query(&[("arg", cid.to_text())]);
		self.call(request, &format!("unpin {}", cid.to_text()), self.timeout)
			.await
			.map(|_| ())
	}
}
