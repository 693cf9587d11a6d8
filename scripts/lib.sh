# Shared by MedFed's scripts: where builds go, and installing what they need.
# Source it: `source "$(dirname "$0")/lib.sh"`.

MEDFED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One persistent target directory outside the checkout, shared by every script, CI and your
# shell, so builds stay warm across clones and sessions.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medfed/target}"
# The pinned toolchain, also for the runtime's wasm build (which runs outside the checkout).
MEDFED_TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$MEDFED_ROOT/rust-toolchain.toml")"
MEDFED_NODE="$CARGO_TARGET_DIR/release/medfed-node"
# Where the runtime wasm builds land, and where scripts keep copies of each runtime and flavour.
MEDFED_WBUILD="$CARGO_TARGET_DIR/debug/wbuild"
MEDFED_ARTIFACTS="$CARGO_TARGET_DIR/medfed"

# The local IPFS node's packages (js-ipfs and the Node.js it needs), installed from the npm
# registry by `ensure_ipfs`.
export MEDFED_IPFS_HOME="${MEDFED_IPFS_HOME:-$HOME/.cache/medfed/ipfs}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the system packages and Rust components the builds need, if missing.
ensure_deps() {
	local missing=()
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	command -v clang >/dev/null || missing+=(clang)
	[ -e /usr/lib/llvm-14/lib/libclang.so ] || ls /usr/lib/llvm-*/lib/libclang*.so >/dev/null 2>&1 || missing+=(libclang-dev)
	command -v make >/dev/null || missing+=(make)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	command -v curl >/dev/null || missing+=(curl)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		local sudo=""
		[ "$(id -u)" -eq 0 ] || sudo="sudo"
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	if ! rustup toolchain list | grep -q "^$MEDFED_TOOLCHAIN"; then
		log "installing Rust $MEDFED_TOOLCHAIN"
		rustup toolchain install "$MEDFED_TOOLCHAIN" --profile minimal
	fi
	local installed
	installed="$(rustup target list --installed --toolchain "$MEDFED_TOOLCHAIN")"
	for target in wasm32v1-none wasm32-unknown-unknown; do
		grep -qx "$target" <<<"$installed" || rustup target add --toolchain "$MEDFED_TOOLCHAIN" "$target"
	done
	rustup component list --installed --toolchain "$MEDFED_TOOLCHAIN" | grep -q '^rust-src' ||
		rustup component add --toolchain "$MEDFED_TOOLCHAIN" rust-src
}

# Builds a runtime's wasm (`region` or `coordinator`; production flavour, or with `bench` the
# one with benchmarks) and prints the path of a copy that later builds do not overwrite.
build_runtime_wasm() {
	local flavour="${1:-production}" runtime="${2:-region}" features=()
	[ "$flavour" = bench ] && features=(--features runtime-benchmarks)
	log "building the $runtime runtime wasm ($flavour)"
	# The wasm build runs in the target directory, outside the checkout: give it our toolchain
	# and Cargo.lock. Only here: other builds' scripts rerun when these variables change.
	# WASM_BUILD_TYPE=release: a debug-profile check, yet the compact, compressed wasm (about a
	# fifth of the size) that a relay chain accepts as validation code.
	(cd "$MEDFED_ROOT" && WASM_BUILD_TOOLCHAIN="$MEDFED_TOOLCHAIN" WASM_BUILD_WORKSPACE_HINT="$MEDFED_ROOT" \
		WASM_BUILD_TYPE=release cargo check -q -p "medfed-$runtime-runtime" "${features[@]}") >&2
	mkdir -p "$MEDFED_ARTIFACTS"
	cp "$MEDFED_WBUILD/medfed-$runtime-runtime/medfed_${runtime}_runtime.compact.compressed.wasm" \
		"$MEDFED_ARTIFACTS/$runtime-runtime-$flavour.wasm"
	echo "$MEDFED_ARTIFACTS/$runtime-runtime-$flavour.wasm"
}

# A release build of `package`, with our toolchain and Cargo.lock for the wasm runtimes that
# build scripts of polkadot-sdk crates build (frame-storage-access-test-runtime, Rococo).
release_build() {
	(cd "$MEDFED_ROOT" && WASM_BUILD_TOOLCHAIN="$MEDFED_TOOLCHAIN" WASM_BUILD_WORKSPACE_HINT="$MEDFED_ROOT" \
		cargo build --release -q -p "$1") >&2
}

# Builds `package` into `binary` unless `binary` was built from the same sources (the files
# below the given paths): `binary.sources` records their hash. The node and the relay chain
# node each build frame-storage-access-test-runtime with other features into one shared wasm
# directory, so each cargo build of one invalidates the other (about 13 and 5 minutes here):
# cargo alone would rebuild both on every run.
release_build_once() {
	local package="$1" binary="$2" hash
	shift 2
	hash="$(cd "$MEDFED_ROOT" && find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
	if [ -x "$binary" ] && [ "$(cat "$binary.sources" 2>/dev/null)" = "$hash" ]; then
		return
	fi
	release_build "$package"
	echo "$hash" >"$binary.sources"
}

# Builds the collator node (one hour cold on a 2-core machine, minutes when warm). It depends
# on no MedFed crate: it runs whatever runtime the chain spec carries.
build_node() {
	log "building medfed-node (release): about an hour the first time on a small machine"
	release_build_once medfed-node "$MEDFED_NODE" node Cargo.toml Cargo.lock rust-toolchain.toml
}

MEDFED_RELAY="$CARGO_TARGET_DIR/release/polkadot"

# Builds the relay chain node `polkadot` and its two PVF workers from crates.io (relay/), about
# an hour the first time. Never in one cargo invocation with the node: see the root Cargo.toml.
build_relay() {
	log "building the relay chain node (release): about an hour the first time on a small machine"
	release_build_once medfed-relay "$MEDFED_RELAY" relay Cargo.toml Cargo.lock rust-toolchain.toml
}

# Writes the chain spec of `preset` (region-a, region-b, development) for `wasm` and prints
# its path.
chain_spec() {
	local preset="$1" wasm="$2" para_id
	case "$preset" in
		region-b) para_id=2001 ;;
		*) para_id=2000 ;;
	esac
	mkdir -p "$MEDFED_ARTIFACTS"
	local out="$MEDFED_ARTIFACTS/$preset.json"
	"$MEDFED_NODE" chain-spec-builder --chain-spec-path "$out" create \
		--chain-name "MedFed $preset" --chain-id "medfed-$preset" -t local \
		--relay-chain rococo-local --para-id "$para_id" --runtime "$wasm" --verify \
		named-preset "$preset" >&2
	echo "$out"
}

# The zombienet CLI's packages, installed from the npm registry by `ensure_zombienet`.
MEDFED_ZOMBIENET_HOME="${MEDFED_ZOMBIENET_HOME:-$HOME/.cache/medfed/zombienet}"
MEDFED_ZOMBIENET="$MEDFED_ZOMBIENET_HOME/node_modules/.bin/zombienet"

# Installs the zombienet CLI from zombienet/package-lock.json, if it is missing or the lock
# changed. Only the native provider is used: it runs our binaries, it downloads nothing.
ensure_zombienet() {
	ensure_npm
	if cmp -s "$MEDFED_ROOT/zombienet/package-lock.json" "$MEDFED_ZOMBIENET_HOME/package-lock.json" &&
		[ -x "$MEDFED_ZOMBIENET" ]; then
		return
	fi
	log "installing the zombienet CLI into $MEDFED_ZOMBIENET_HOME"
	mkdir -p "$MEDFED_ZOMBIENET_HOME"
	cp "$MEDFED_ROOT/zombienet/package.json" "$MEDFED_ROOT/zombienet/package-lock.json" "$MEDFED_ZOMBIENET_HOME/"
	(cd "$MEDFED_ZOMBIENET_HOME" && npm ci --no-audit --no-fund --loglevel=error) >&2
}

# Installs npm from Debian's packages if it is missing.
ensure_npm() {
	command -v npm >/dev/null && return
	log "installing npm"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
}

# Installs the local IPFS node's packages from ipfs/package-lock.json, if they are missing or
# the lock changed.
ensure_ipfs() {
	ensure_npm
	if cmp -s "$MEDFED_ROOT/ipfs/package-lock.json" "$MEDFED_IPFS_HOME/package-lock.json" &&
		[ -x "$MEDFED_IPFS_HOME/node_modules/.bin/jsipfs" ]; then
		return
	fi
	log "installing the local IPFS node (js-ipfs) into $MEDFED_IPFS_HOME"
	mkdir -p "$MEDFED_IPFS_HOME"
	cp "$MEDFED_ROOT/ipfs/package.json" "$MEDFED_ROOT/ipfs/package-lock.json" "$MEDFED_IPFS_HOME/"
	# `npm install` with the lock in place installs the locked tree; `npm ci` stops here with
	# "Missing: headless@ from lock file" although `npm install` leaves the lock unchanged.
	(cd "$MEDFED_IPFS_HOME" && npm install --no-audit --no-fund --loglevel=error) >&2
}

# Runs `command…` (quietly) once a second until it succeeds, for at most `seconds`; fails if it
# never did.
retry_for() {
	local seconds="$1"
	shift
	for _ in $(seq "$seconds"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# Waits until the Kubo RPC API at `url` answers, for at most `seconds`.
wait_for_ipfs() {
	retry_for "${2:-60}" curl -sf -X POST "$1/api/v0/id"
}

# Waits until the node's JSON-RPC endpoint at `url` (http://…) answers, for at most `seconds`.
wait_for_rpc() {
	retry_for "${2:-60}" curl -sf -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health"}' "$1"
}

# Sets `key` to `value` (both text) in the persistent off-chain storage of the node whose RPC
# endpoint is `url` (http://…): node-local configuration such as the pinning worker's IPFS API.
set_offchain() {
	local url="$1" key value
	key="0x$(printf %s "$2" | od -An -tx1 | tr -d ' \n')"
	value="0x$(printf %s "$3" | od -An -tx1 | tr -d ' \n')"
	curl -sf -H 'Content-Type: application/json' "$url" -d \
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"offchain_localStorageSet\",\"params\":[\"PERSISTENT\",\"$key\",\"$value\"]}" |
		grep -q '"result"'
}

# Builds what `generate_federation` needs besides the node and the relay chain node: both
# runtimes' production wasm and the `medfed-federation` generator.
build_federation_tools() {
	build_runtime_wasm production region >/dev/null
	build_runtime_wasm production coordinator >/dev/null
	log "building medfed-federation"
	(cd "$MEDFED_ROOT" && cargo build -q -p medfed-client --bin medfed-federation) >&2
}

# Writes the federation described by `toml` into `dir`: the chain specs, zombienet.toml and
# endpoints.tsv (the HRMP channels are opened once the network runs: `open_channels`). Needs what `build_federation_tools` builds, the node and the relay chain node.
generate_federation() {
	local toml="$1" dir="$2"
	log "writing the federation's chain specs and zombienet network into $dir"
	"$CARGO_TARGET_DIR/debug/medfed-federation" generate \
		--node "$MEDFED_NODE" --relay "$MEDFED_RELAY" \
		--region-wasm "$MEDFED_ARTIFACTS/region-runtime-production.wasm" \
		--coordinator-wasm "$MEDFED_ARTIFACTS/coordinator-runtime-production.wasm" \
		--out "$dir" "$toml" >/dev/null
}

# Opens the HRMP channels of the federation described by `toml` on its running relay chain
# (whose RPC port `endpoints`, the endpoints.tsv, gives),
# and waits until they are open (at the relay chain's next session).
open_channels() {
	log "opening the HRMP channels between the coordinator and every region"
	"$CARGO_TARGET_DIR/debug/medfed-federation" open-channels \
		--relay-url "ws://127.0.0.1:$(awk -F'\t' '$1 == "relay" { print $3; exit }' "$2")" "$1"
}
