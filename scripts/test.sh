#!/usr/bin/env bash
# MedFed's test command: installs what it needs, then runs every test that can run here.
#
#   scripts/test.sh
#
# 1. Unit, benchmark and runtime integration tests of every crate but the node. No wasm, no
#    node build: minutes on a warm cache, well under an hour cold.
# 2. End-to-end tests against the real collator and a real IPFS node (installed from npm here),
#    when `medfed-node` is already built in the cache (`cargo build --release -p medfed-node`,
#    an hour cold); otherwise they are skipped, and this says so. MEDFED_E2E=0 skips them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
ensure_deps

log "unit, benchmark and runtime tests"
SKIP_WASM_BUILD=1 cargo test --workspace --exclude medfed-node --features runtime-benchmarks,try-runtime

if [ -x "$MEDFED_NODE" ] && [ "${MEDFED_E2E:-1}" != 0 ]; then
	log "end-to-end tests against the collator node and a local IPFS node"
	ensure_ipfs
	build_node
	wasm="$(build_runtime_wasm production)"
	MEDFED_NODE="$MEDFED_NODE" MEDFED_RUNTIME_WASM="$wasm" SKIP_WASM_BUILD=1 \
		cargo test -p medfed-client --test node -- --nocapture
elif [ -x "$MEDFED_NODE" ]; then
	log "SKIPPED end-to-end tests: MEDFED_E2E=0"
else
	log "SKIPPED end-to-end tests: no collator at $MEDFED_NODE (build it with: cargo build --release -p medfed-node)"
fi
