#!/usr/bin/env bash
# MedFed's test command: installs what it needs, then runs every test that can run here.
#
#   scripts/test.sh
#
# 1. Formatting (nightly rustfmt, when installed) and clippy, then unit, benchmark and runtime
#    integration tests of every crate but the nodes, the xcm-emulator tests of the federation's
#    XCM (integration-tests/) among them: one feature set, so every crate is checked once and
#    built once. No wasm, no node build.
# 2. When the two nodes are already built in the cache (`scripts/build.sh`, 52 to 76 minutes
#    cold), otherwise skipped, and this says so:
#    - the check that their build compiles no polkadot-sdk crate twice;
#    - end-to-end tests against the real collator and a real IPFS node (installed from npm);
# 3. The network test: the whole federation on zombienet (relay chain, coordinator, two
#    regions, HRMP, IPFS), with a fault drill; when the nodes are built.
# MEDFED_E2E=0 skips stages 2 and 3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
ensure_deps

# Style: the checked-in .rustfmt.toml uses options only nightly rustfmt has.
if rustup run nightly rustfmt --version >/dev/null 2>&1; then
	log "formatting: cargo +nightly fmt --check (.rustfmt.toml)"
	cargo +nightly fmt --all -- --check >&2 ||
		{ echo "error: the code is not formatted; run: cargo +nightly fmt --all" >&2; exit 1; }
else
	log "SKIPPED formatting check: no nightly toolchain with rustfmt (.rustfmt.toml needs one; install it with: rustup toolchain install nightly -c rustfmt)"
fi
# Every crate but the nodes (and the wasm, which they build), with the features of benchmarks
# and try-runtime; clippy and the tests name the same packages and features, so no crate is
# compiled for a second feature set.
tested=(--workspace --exclude medfed-node --exclude medfed-relay --exclude medfed-runtime-wasm
	--features runtime-benchmarks,try-runtime)
log "lints: cargo clippy with the workspace lints, warnings are errors"
SKIP_WASM_BUILD=1 cargo clippy "${tested[@]}" --all-targets -- -D warnings

log "unit, benchmark and runtime tests, and the xcm-emulator tests (the Rococo relay runtime, the coordinator and two regions in one process)"
SKIP_WASM_BUILD=1 cargo test "${tested[@]}"

if [ -x "$MEDFED_NODE" ] && [ "${MEDFED_E2E:-1}" != 0 ]; then
	build_network
	[ -n "$MEDFED_NODE_GIVEN$MEDFED_RELAY_GIVEN" ] || bash scripts/check-build-once.sh
	log "end-to-end tests against the collator node and a local IPFS node"
	ensure_ipfs
	# Both built by the network's build, and kept there.
	wasm="$MEDFED_ARTIFACTS/region-runtime-production.wasm"
	coordinator_wasm="$MEDFED_ARTIFACTS/coordinator-runtime-production.wasm"
	MEDFED_NODE="$MEDFED_NODE" MEDFED_RUNTIME_WASM="$wasm" MEDFED_COORDINATOR_WASM="$coordinator_wasm" \
		SKIP_WASM_BUILD=1 cargo test -p medfed-client --test node -- --nocapture
elif [ -x "$MEDFED_NODE" ]; then
	log "SKIPPED end-to-end tests: MEDFED_E2E=0"
else
	log "SKIPPED end-to-end tests and the build-once check: no collator at $MEDFED_NODE (build it with: scripts/build.sh)"
fi

if [ -x "$MEDFED_NODE" ] && [ -x "$MEDFED_RELAY" ] && [ -f "$MEDFED_RELAY_SPEC" ] && [ "${MEDFED_E2E:-1}" != 0 ]; then
	log "network test: the federation on zombienet (scripts/launch.sh)"
	ensure_zombienet
	build_federation_tools
	# The test runs scripts/launch.sh, which must not build: cargo holds the target directory
	# while the test runs.
	MEDFED_FEDERATION=1 MEDFED_NO_BUILD=1 SKIP_WASM_BUILD=1 \
		cargo test -p medfed-client --test federation -- --nocapture
elif [ "${MEDFED_E2E:-1}" = 0 ]; then
	log "SKIPPED network test: MEDFED_E2E=0"
elif [ ! -f "$MEDFED_RELAY_SPEC" ]; then
	log "SKIPPED network test: no relay chain spec at $MEDFED_RELAY_SPEC (make it with: scripts/relay-spec.sh)"
else
	log "SKIPPED network test: needs $MEDFED_NODE and $MEDFED_RELAY (build them with: scripts/build.sh)"
fi
