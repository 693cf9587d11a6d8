#!/usr/bin/env bash
# Measures the collators' database on a region's state and regenerates the region runtime's
# database weights (runtime/region/src/weights/rocksdb_weights.rs): what one storage read and
# one storage write cost on this machine.
#
#   scripts/bench-storage.sh [patients] [records]    (default 2000 patients, 40000 records)
#
# The state must hold more keys than one batch of writes (10,000): 3,000 records made 13,059
# keys here, 100 records 568, and with fewer keys than a batch `benchmark storage` times no
# write and fails ("Empty input is invalid"). So it takes 3,000 records at least.
#
# It starts region-a in development mode on RocksDB (what the collators run), fills it with
# `client/examples/fill-region.rs`, stops it, and runs the benchmark flavour's `medfed-node benchmark storage` on its
# database. Run it on the collators' hardware, or there on a copy of a live region's database
# (`benchmark storage --base-path` it directly) for the weights that chain should use.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
patients="${1:-2000}"
records="${2:-40000}"
port="${MEDFED_RPC_PORT:-9944}"
# Writes are committed a block at a time: time them in batches of about one full block's (a
# record is 7 writes, and a block holds some 2,000 records), not the CLI's default 100,000.
batch=10000
min_records=3000
if ! [[ "$patients" =~ ^[1-9][0-9]*$ && "$records" =~ ^[0-9]+$ ]] || [ "$records" -lt "$min_records" ]; then
	echo "usage: $0 [patients] [records]: at least 1 patient and $min_records records" >&2
	exit 2
fi

ensure_deps
build_bench_node
# The benchmark flavour, node and runtime, fills the region too: nothing of the network's build
# is needed (what the runtime stores is the same with the benchmarks compiled in).
MEDFED_NODE="$MEDFED_BENCH_NODE"
wasm="$(build_runtime_wasm bench region)"
spec="$(chain_spec region-a "$wasm")"
log "building the fill tool"
SKIP_WASM_BUILD=1 cargo build --release -q -p medfed-client --example fill-region

state="$(mktemp -d)"
node=""
cleanup() {
	[ -z "$node" ] || kill "$node" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$state"
}
trap cleanup EXIT INT TERM

log "filling region-a with $patients patients and $records records (node log: $state/node.log)"
"$MEDFED_NODE" --dev --chain "$spec" --rpc-port "$port" --base-path "$state/chain" --database rocksdb \
	--dev-block-time 1000 >"$state/node.log" 2>&1 &
node=$!
wait_for_rpc "http://127.0.0.1:$port" 120 || { echo "the node did not start; see $state/node.log" >&2; exit 1; }
"$CARGO_TARGET_DIR/release/examples/fill-region" "ws://127.0.0.1:$port" "$patients" "$records"
kill "$node"
wait "$node" || true
node=""

mkdir -p runtime/region/src/weights
log "benchmarking the database -> runtime/region/src/weights/rocksdb_weights.rs"
"$MEDFED_NODE" benchmark storage --chain "$spec" --base-path "$state/chain" --database rocksdb \
	--state-version 1 --batch-size "$batch" --template-path scripts/db-weight-template.hbs \
	--weight-path runtime/region/src/weights

log "block capacity by the generated weights"
SKIP_WASM_BUILD=1 cargo test -q -p medfed-region-runtime --lib block_capacity -- --nocapture
