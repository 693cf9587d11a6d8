#!/usr/bin/env bash
# Regenerates relay/rococo-local.json, the relay chain's plain chain spec, from the crates.io
# rococo-runtime of the polkadot-sdk release in Cargo.lock. Run it when the SDK version changes;
# it is committed, so nobody else builds the Rococo runtime.
#
#   scripts/relay-spec.sh
#
# The relay chain node (relay/) has no runtime built in: it runs whatever runtime its chain
# spec carries, and zombienet adds the validators and the parachains to this spec's genesis.
# The spec is the built-in `rococo-local` of a polkadot node with `rococo-native`: the Rococo
# fast runtime (1-minute sessions, so HRMP channels opened on the running relay chain open
# within a minute), its `local_testnet` genesis preset, id `rococo_local_testnet`.
#
# It builds only that wasm, in a throwaway crate outside the checkout whose build script runs
# the wasm builder on rococo-runtime's manifest (about half an hour on 2 cores, once), then
# writes the spec with `medfed-node chain-spec-builder` and checks that `polkadot` turns it
# into a raw spec.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
ensure_deps
build_network

# The version of crate `name` in Cargo.lock.
locked_version() {
	awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock
}
version="$(locked_version rococo-runtime)"
wasm_builder="$(locked_version substrate-wasm-builder)"
[ -n "$version" ] && [ -n "$wasm_builder" ] || { echo "error: no rococo-runtime or substrate-wasm-builder in Cargo.lock" >&2; exit 1; }
# rococo-runtime's manifest in cargo's registry sources, fetched if missing.
registry_manifest() {
	ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"rococo-runtime-$version"/Cargo.toml 2>/dev/null | head -1
}
manifest="$(registry_manifest)"
[ -n "$manifest" ] || { cargo fetch >&2; manifest="$(registry_manifest)"; }
[ -n "$manifest" ] || { echo "error: rococo-runtime $version is not in cargo's registry sources" >&2; exit 1; }

crate="$CARGO_TARGET_DIR/rococo-fast-wasm"
mkdir -p "$crate/src"
cp Cargo.lock rust-toolchain.toml "$crate/"
: >"$crate/src/lib.rs"
cat >"$crate/Cargo.toml" <<TOML
# Written by scripts/relay-spec.sh of MedFed: builds the Rococo fast runtime's wasm only.
[package]
name = "rococo-fast-wasm"
version = "0.0.0"
edition = "2021"
publish = false

[build-dependencies]
substrate-wasm-builder = "=$wasm_builder"

# Never built: only makes rococo-runtime known to \`cargo metadata\`, where the wasm builder
# looks it up.
[dev-dependencies]
rococo-runtime = { version = "=$version", default-features = false }

[workspace]
TOML
cat >"$crate/build.rs" <<'RUST'
// Written by scripts/relay-spec.sh of MedFed: the fast-runtime half of rococo-runtime's build.
fn main() {
	println!("cargo:rerun-if-env-changed=ROCOCO_RUNTIME_MANIFEST");
	let manifest = std::env::var("ROCOCO_RUNTIME_MANIFEST").expect("set by scripts/relay-spec.sh");
	substrate_wasm_builder::WasmBuilder::new()
		.with_project(manifest)
		.expect("rococo-runtime's Cargo.toml")
		.import_memory()
		.export_heap_base()
		.set_file_name("fast_runtime_binary.rs")
		.enable_feature("fast-runtime")
		.build();
}
RUST

log "building the Rococo fast runtime's wasm (rococo-runtime $version): about half an hour the first time"
(cd "$crate" && ROCOCO_RUNTIME_MANIFEST="$manifest" WASM_BUILD_WORKSPACE_HINT="$crate" \
	WASM_BUILD_TOOLCHAIN="$MEDFED_TOOLCHAIN" WASM_BUILD_TYPE=release cargo build) >&2
wasm="$CARGO_TARGET_DIR/debug/wbuild/rococo-runtime/fast_runtime_binary.rs.compact.compressed.wasm"
[ -f "$wasm" ] || { echo "error: the wasm builder wrote no $wasm" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$MEDFED_NODE" chain-spec-builder --chain-spec-path "$work/built.json" create \
	-n "Rococo Local Testnet" -i rococo_local_testnet -t local --runtime "$wasm" --verify \
	named-preset local_testnet >&2
# As polkadot's built-in `rococo-local`: its protocol id, no properties, polkadot's extensions.
python3 - "$work/built.json" "$work/shaped.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
shaped = {
    "name": spec["name"], "id": spec["id"], "chainType": spec["chainType"], "bootNodes": [],
    "telemetryEndpoints": None, "protocolId": "dot", "properties": None,
    "forkBlocks": None, "badBlocks": None, "lightSyncState": None,
    "codeSubstitutes": {}, "genesis": spec["genesis"],
}
json.dump(shaped, open(sys.argv[2], "w"), indent=2)
PY
"$MEDFED_RELAY" build-spec --chain "$work/shaped.json" --disable-default-bootnode >"$work/plain.json"
"$MEDFED_RELAY" build-spec --chain "$work/plain.json" --disable-default-bootnode --raw >/dev/null
mv "$work/plain.json" "$MEDFED_RELAY_SPEC"
log "wrote $MEDFED_RELAY_SPEC ($(du -h "$MEDFED_RELAY_SPEC" | cut -f1)) from rococo-runtime $version"
