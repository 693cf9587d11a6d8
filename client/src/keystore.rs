//! The client's keystore: patient, practitioner and institution identities, each a Substrate
//! account and an Umbral key pair, in one file encrypted at rest with a passphrase.
//!
//! File format (JSON): a version, the scrypt parameters and salt, an XChaCha20-Poly1305 nonce
//! and the sealed list of identities. Everything about the identities, names included, is inside
//! the sealed part: without the passphrase the file shows only that it is a keystore. Every save
//! draws a fresh nonce and replaces the file atomically, readable by its owner only.
//!
//! Secrets never leave this module except as the signing key and the Umbral secret key
//! themselves; nothing here prints or logs them, and their `Debug` forms are redacted.

use anyhow::{anyhow, bail, Context, Result};
use chacha20poly1305::{
	aead::{Aead, KeyInit},
	XChaCha20Poly1305, XNonce,
};
use medfed_primitives::{umbral, PublicKey};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use std::{
	fmt, fs,
	io::Write,
	path::{Path, PathBuf},
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;
use zeroize::{Zeroize, Zeroizing};

/// The keystore file format this client writes.
const VERSION: u32 = 1;

/// scrypt cost for new keystores: N = 2^15, r = 8, p = 1 (32 MiB, the interactive-login
/// setting of the scrypt paper).
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// What an identity is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
	/// A patient: records are encrypted to its Umbral key.
	Patient,
	/// A practitioner: receives access grants.
	Practitioner,
	/// A member institution: registers records; an authority also runs a proxy.
	Institution,
}

impl fmt::Display for Kind {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Kind::Patient => "patient",
			Kind::Practitioner => "practitioner",
			Kind::Institution => "institution",
		})
	}
}

/// One identity, secrets included. Only the keystore file (sealed) holds it.
#[derive(Clone, Serialize, Deserialize)]
struct Entry {
	name: String,
	kind: Kind,
	/// The account's secret URI: a hex seed for generated identities, `//Name` for development
	/// ones.
	suri: String,
	/// The Umbral key: a 32-byte seed in hex for generated identities, or the name of a public
	/// development key.
	umbral: UmbralSecret,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum UmbralSecret {
	/// The key made by umbral-pre's key factory from this seed (hex).
	Seed(String),
	/// The public development key of this name (`Alice`, …).
	Development(String),
}

impl Drop for Entry {
	fn drop(&mut self) {
		self.suri.zeroize();
		if let UmbralSecret::Seed(seed) = &mut self.umbral {
			seed.zeroize();
		}
	}
}

/// The label under which the key factory makes an identity's Umbral key.
const UMBRAL_LABEL: &[u8] = b"medfed/identity/umbral";

/// An identity's public side: what `ehr keys list` shows.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IdentityView {
	pub name: String,
	pub kind: Kind,
	pub account: String,
	pub umbral_public_key: PublicKey,
	pub development: bool,
}

/// An identity loaded for use: its signing key and its Umbral secret key.
pub struct Identity {
	pub name: String,
	pub kind: Kind,
	pub signer: Keypair,
	pub umbral: umbral_pre::SecretKey,
}

impl fmt::Debug for Identity {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "Identity({}, {}, <secret keys redacted>)", self.name, self.kind)
	}
}

impl Identity {
	/// The identity's account.
	pub fn account(&self) -> AccountId32 {
		self.signer.public_key().to_account_id()
	}

	/// The identity's Umbral public key.
	pub fn umbral_public(&self) -> PublicKey {
		public_key_of(&self.umbral)
	}
}

fn public_key_of(secret: &umbral_pre::SecretKey) -> PublicKey {
	let mut key = [0u8; umbral::PUBLIC_KEY_LEN];
	key.copy_from_slice(&secret.public_key().to_compressed_bytes());
	PublicKey(key)
}

impl Entry {
	fn load(&self) -> Result<Identity> {
		let signer = crate::chain::keypair(&self.suri)
			.with_context(|| format!("identity '{}' has an unreadable account key", self.name))?;
		let umbral = match &self.umbral {
			UmbralSecret::Development(name) => umbral::dev::secret_key(name),
			UmbralSecret::Seed(seed) => {
				let seed = Zeroizing::new(hex::decode(seed).map_err(|_| {
					anyhow!("identity '{}' has an unreadable Umbral seed", self.name)
				})?);
				umbral_pre::SecretKeyFactory::from_secure_randomness(&seed)
					.map_err(|_| {
						anyhow!("identity '{}' has an Umbral seed of the wrong length", self.name)
					})?
					.make_key(UMBRAL_LABEL)
			},
		};
		Ok(Identity { name: self.name.clone(), kind: self.kind, signer, umbral })
	}

	fn view(&self) -> Result<IdentityView> {
		let identity = self.load()?;
		Ok(IdentityView {
			name: self.name.clone(),
			kind: self.kind,
			account: identity.account().to_string(),
			umbral_public_key: identity.umbral_public(),
			development: matches!(self.umbral, UmbralSecret::Development(_)),
		})
	}
}

/// The keystore file as it is on disk.
#[derive(Serialize, Deserialize)]
struct File {
	version: u32,
	kdf: Kdf,
	nonce: String,
	sealed: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct Kdf {
	name: String,
	log_n: u8,
	r: u32,
	p: u32,
	salt: String,
}

impl Kdf {
	fn fresh() -> Self {
		let mut salt = [0u8; 16];
		OsRng.fill_bytes(&mut salt);
		Kdf {
			name: "scrypt".into(),
			log_n: SCRYPT_LOG_N,
			r: SCRYPT_R,
			p: SCRYPT_P,
			salt: hex::encode(salt),
		}
	}

	fn cipher(&self, passphrase: &str) -> Result<XChaCha20Poly1305> {
		if self.name != "scrypt" {
			bail!(
				"the keystore uses key derivation '{}', which this client does not know",
				self.name
			);
		}
		let salt =
			hex::decode(&self.salt).map_err(|_| anyhow!("the keystore's salt is not hex"))?;
		let params = scrypt::Params::new(self.log_n, self.r, self.p, 32)
			.map_err(|e| anyhow!("the keystore's scrypt parameters are invalid: {e}"))?;
		let mut key = Zeroizing::new([0u8; 32]);
		scrypt::scrypt(passphrase.as_bytes(), &salt, &params, &mut key[..])
			.map_err(|e| anyhow!("scrypt failed: {e}"))?;
		Ok(XChaCha20Poly1305::new((&*key).into()))
	}
}

/// An open keystore: its path, its key derivation and its identities.
pub struct Keystore {
	path: PathBuf,
	kdf: Kdf,
	passphrase: Zeroizing<String>,
	entries: Vec<Entry>,
}

impl Keystore {
	/// The default keystore path: `$XDG_DATA_HOME/medfed/keystore.json`, or under
	/// `~/.local/share`.
	pub fn default_path() -> PathBuf {
		let base = std::env::var_os("XDG_DATA_HOME")
			.map(PathBuf::from)
			.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
			.unwrap_or_else(|| PathBuf::from("."));
		base.join("medfed/keystore.json")
	}

	/// Opens the keystore at `path` with `passphrase`, or starts an empty one if there is no
	/// file yet (it is written on the first save).
	pub fn open(path: &Path, passphrase: Zeroizing<String>) -> Result<Self> {
		if passphrase.is_empty() {
			bail!("the keystore passphrase is empty");
		}
		if !path.exists() {
			return Ok(Keystore {
				path: path.into(),
				kdf: Kdf::fresh(),
				passphrase,
				entries: Vec::new(),
			});
		}
		let text = fs::read_to_string(path)
			.with_context(|| format!("cannot read the keystore {}", path.display()))?;
		let file: File = serde_json::from_str(&text)
			.with_context(|| format!("{} is not a MedFed keystore", path.display()))?;
		if file.version != VERSION {
			bail!(
				"{} is a keystore of version {}; this client reads version {VERSION}",
				path.display(),
				file.version
			);
		}
		let cipher = file.kdf.cipher(&passphrase)?;
		let nonce = hex::decode(&file.nonce)
			.ok()
			.filter(|n| n.len() == 24)
			.ok_or_else(|| anyhow!("the keystore's nonce is malformed"))?;
		let sealed = hex::decode(&file.sealed)
			.map_err(|_| anyhow!("the keystore's contents are not hex"))?;
		let plain =
			Zeroizing::new(cipher.decrypt(XNonce::from_slice(&nonce), sealed.as_slice()).map_err(
				|_| anyhow!("wrong passphrase for {} (or the file was altered)", path.display()),
			)?);
		let entries =
			serde_json::from_slice(&plain).context("the keystore's contents are malformed")?;
		Ok(Keystore { path: path.into(), kdf: file.kdf, passphrase, entries })
	}

	/// Seals the identities with a fresh nonce and replaces the file atomically.
	fn save(&self) -> Result<()> {
		let cipher = self.kdf.cipher(&self.passphrase)?;
		let mut nonce = [0u8; 24];
		OsRng.fill_bytes(&mut nonce);
		let plain = Zeroizing::new(serde_json::to_vec(&self.entries)?);
		let sealed = cipher
			.encrypt(XNonce::from_slice(&nonce), plain.as_slice())
			.map_err(|_| anyhow!("cannot encrypt the keystore"))?;
		let file = File {
			version: VERSION,
			kdf: self.kdf.clone(),
			nonce: hex::encode(nonce),
			sealed: hex::encode(sealed),
		};
		let dir = self
			.path
			.parent()
			.filter(|d| !d.as_os_str().is_empty())
			.unwrap_or(Path::new("."));
		fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
		let tmp = dir.join(format!(".keystore.{}.tmp", std::process::id()));
		{
			let mut options = fs::OpenOptions::new();
			options.write(true).create_new(true);
			#[cfg(unix)]
			std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
			let mut out =
				options.open(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
			out.write_all(serde_json::to_string_pretty(&file)?.as_bytes())?;
			out.sync_all()?;
		}
		fs::rename(&tmp, &self.path)
			.with_context(|| format!("cannot replace {}", self.path.display()))
	}

	/// Creates an identity with fresh random keys.
	pub fn create(&mut self, name: &str, kind: Kind) -> Result<IdentityView> {
		let mut seed = Zeroizing::new([0u8; 32]);
		OsRng.fill_bytes(&mut seed[..]);
		let suri = format!("0x{}", hex::encode(&seed[..]));
		OsRng.fill_bytes(&mut seed[..]);
		let umbral = UmbralSecret::Seed(hex::encode(&seed[..]));
		self.add(Entry { name: name.into(), kind, suri, umbral })
	}

	/// Adds the public development identity `dev_name` (`//Alice` and the development Umbral key
	/// `Alice`), for local networks only.
	pub fn create_development(
		&mut self,
		name: &str,
		kind: Kind,
		dev_name: &str,
	) -> Result<IdentityView> {
		self.add(Entry {
			name: name.into(),
			kind,
			suri: format!("//{dev_name}"),
			umbral: UmbralSecret::Development(dev_name.into()),
		})
	}

	fn add(&mut self, entry: Entry) -> Result<IdentityView> {
		check_name(&entry.name)?;
		if self.entries.iter().any(|e| e.name == entry.name) {
			bail!("the keystore already has an identity named '{}'", entry.name);
		}
		let view = entry.view()?;
		self.entries.push(entry);
		self.save()?;
		Ok(view)
	}

	/// The public side of every identity.
	pub fn list(&self) -> Result<Vec<IdentityView>> {
		self.entries.iter().map(Entry::view).collect()
	}

	/// Loads the identity named `name`.
	pub fn identity(&self, name: &str) -> Result<Identity> {
		self.entries
			.iter()
			.find(|e| e.name == name)
			.ok_or_else(|| {
				anyhow!(
					"the keystore {} has no identity named '{name}' (see `ehr keys list`)",
					self.path.display()
				)
			})?
			.load()
	}
}

fn check_name(name: &str) -> Result<()> {
	let ok = !name.is_empty() &&
		name.len() <= 64 &&
		name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
	if !ok {
		bail!("identity names are 1 to 64 letters, digits, '-', '_' or '.': '{name}' is not");
	}
	Ok(())
}

/// The passphrase: from EHR_PASSPHRASE, or asked for on the terminal.
pub fn passphrase() -> Result<Zeroizing<String>> {
	if let Ok(p) = std::env::var("EHR_PASSPHRASE") {
		return Ok(Zeroizing::new(p));
	}
	rpassword::prompt_password("Keystore passphrase: ")
		.map(Zeroizing::new)
		.context("no EHR_PASSPHRASE and no terminal to ask for the keystore passphrase")
}

#[cfg(test)]
mod tests {
	use super::*;

	fn pass(p: &str) -> Zeroizing<String> {
		Zeroizing::new(p.into())
	}

	fn temp_path() -> (tempfile::TempDir, PathBuf) {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("keys.json");
		(dir, path)
	}

	#[test]
	fn identities_survive_a_reopen_and_decrypt_what_was_sealed_to_them() {
		let (_dir, path) = temp_path();
		let mut store = Keystore::open(&path, pass("correct horse")).unwrap();
		let view = store.create("amira", Kind::Patient).unwrap();
		store.create("dr-lee", Kind::Practitioner).unwrap();

		let store = Keystore::open(&path, pass("correct horse")).unwrap();
		let list = store.list().unwrap();
		assert_eq!(list.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["amira", "dr-lee"]);
		assert_eq!(list[0], view);
		let amira = store.identity("amira").unwrap();
		assert_eq!(amira.account().to_string(), view.account);

		let sealed =
			medfed_primitives::envelope::seal(&mut OsRng, &view.umbral_public_key, b"note")
				.unwrap();
		let opened = medfed_primitives::envelope::open(
			&amira.umbral,
			&sealed.capsule,
			&sealed.wrapped_key,
			&sealed.hash(),
			&sealed.ciphertext,
		);
		assert_eq!(opened.as_deref(), Ok(&b"note"[..]));
	}

	#[test]
	fn the_file_reveals_neither_secrets_nor_names() {
		let (_dir, path) = temp_path();
		let mut store = Keystore::open(&path, pass("pw")).unwrap();
		store.create_development("alice-patient", Kind::Patient, "Alice").unwrap();
		let amira = store.create("amira", Kind::Patient).unwrap();
		let seed = store.entries[1].suri.clone();
		let text = fs::read_to_string(&path).unwrap();
		for needle in ["alice-patient", "amira", "//Alice", "patient", &seed[2..], &amira.account] {
			assert!(!text.contains(needle), "the keystore file shows {needle}");
		}
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
		}
		assert!(!format!("{:?}", store.identity("amira").unwrap()).contains(&seed[2..]));
	}

	#[test]
	fn a_wrong_passphrase_or_an_altered_file_is_refused() {
		let (_dir, path) = temp_path();
		Keystore::open(&path, pass("right"))
			.unwrap()
			.create("amira", Kind::Patient)
			.unwrap();
		let err = Keystore::open(&path, pass("wrong")).err().expect("refused").to_string();
		assert!(err.contains("wrong passphrase"), "{err}");

		let mut file: serde_json::Value =
			serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
		let sealed = file["sealed"].as_str().unwrap().to_owned();
		let flipped = if sealed.ends_with('0') { "1" } else { "0" };
		file["sealed"] = format!("{}{flipped}", &sealed[..sealed.len() - 1]).into();
		fs::write(&path, file.to_string()).unwrap();
		assert!(Keystore::open(&path, pass("right")).is_err());
		assert!(Keystore::open(&path, pass("")).is_err());
	}

	#[test]
	fn names_are_unique_and_well_formed_and_a_refusal_changes_nothing() {
		let (_dir, path) = temp_path();
		let mut store = Keystore::open(&path, pass("pw")).unwrap();
		store.create("amira", Kind::Patient).unwrap();
		let before = fs::read(&path).unwrap();
		assert!(store.create("amira", Kind::Practitioner).is_err());
		assert!(store.create("", Kind::Patient).is_err());
		assert!(store.create("a b", Kind::Patient).is_err());
		assert!(store.create(&"x".repeat(65), Kind::Patient).is_err());
		assert_eq!(fs::read(&path).unwrap(), before);
		assert_eq!(store.list().unwrap().len(), 1);
		assert!(store.identity("nobody").is_err());
	}

	#[test]
	fn development_identities_are_the_well_known_keys() {
		let (_dir, path) = temp_path();
		let mut store = Keystore::open(&path, pass("pw")).unwrap();
		let view = store.create_development("alice", Kind::Patient, "Alice").unwrap();
		assert!(view.development);
		assert_eq!(view.account, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert_eq!(view.umbral_public_key, umbral::dev::public_key("Alice"));
	}
}
