//! What the end-to-end tests share: the checkout they run from and its launch script, the
//! `ehr` binary, scratch directories. Each test file uses its own part of it.

#![allow(dead_code)]

use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
};

/// The checkout this test runs from. Read at run time: checkouts share one target directory,
/// and cargo may reuse a test binary built in another one.
pub fn workspace() -> PathBuf {
	let manifest =
		std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
	PathBuf::from(manifest).parent().expect("the workspace").to_path_buf()
}

/// `bash scripts/launch.sh` of this checkout, for the caller to give arguments and run.
pub fn launch_sh() -> Command {
	let mut command = Command::new("bash");
	command.arg(workspace().join("scripts/launch.sh"));
	command
}

/// Runs `ehr --url <url> --json <args…>`.
pub fn ehr(url: &str, args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_ehr"))
		.arg("--url")
		.arg(url)
		.arg("--json")
		.args(args)
		.output()
		.expect("ehr runs")
}

/// Runs `ehr --url <url> --json <args…>`, which must succeed; what it printed.
pub fn ehr_ok(url: &str, args: &[&str]) -> serde_json::Value {
	let out = ehr(url, args);
	assert!(out.status.success(), "ehr {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
	serde_json::from_slice(&out.stdout).expect("ehr prints JSON")
}

/// `ehr --url <url> --ipfs <ipfs> --json --keystore <keystore> <args…>` with the tests'
/// keystore passphrase and no signer from the environment, for the caller to run.
pub fn ehr_command_with_keystore(url: &str, ipfs: &str, keystore: &Path, args: &[&str]) -> Command {
	let mut command = Command::new(env!("CARGO_BIN_EXE_ehr"));
	command
		.args(["--url", url, "--ipfs", ipfs, "--json", "--keystore"])
		.arg(keystore)
		.args(args)
		.env("EHR_PASSPHRASE", "correct horse battery staple")
		.env_remove("EHR_SURI")
		.env_remove("EHR_KEY");
	command
}

/// Runs `ehr --url <url> --ipfs <ipfs> --json --keystore <keystore> <args…>` with the tests'
/// keystore passphrase and no signer from the environment.
pub fn ehr_with_keystore(url: &str, ipfs: &str, keystore: &Path, args: &[&str]) -> Output {
	ehr_command_with_keystore(url, ipfs, keystore, args).output().expect("ehr runs")
}

/// What `ehr` printed as JSON, after asserting that it succeeded.
pub fn ok_json(out: &Output, args: &[&str]) -> serde_json::Value {
	assert!(out.status.success(), "ehr {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
	serde_json::from_slice(&out.stdout).expect("ehr prints JSON")
}

/// A directory `medfed-<name>-<pid>` in the system's temporary directory, created.
pub fn temp_dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("medfed-{name}-{}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("temp dir");
	dir
}
