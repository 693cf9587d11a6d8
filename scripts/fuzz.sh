#!/usr/bin/env bash
# Fuzzes both runtimes (issue 14, item 8): random sequences of every call, from every kind of
# origin, dispatched block after block on fresh genesis chains, with try-state after every block
# (runtime/region/src/fuzz.rs, runtime/coordinator/src/fuzz.rs). Prints each runtime's figures
# and exits non-zero on any panic, try-state failure or failed call that changed storage; a
# failure prints the seed and the step that replay it.
#
#   scripts/fuzz.sh [calls] [seed]     (default: 1000000 calls per runtime, the tests' seeds)
#
# MEDFED_FUZZ_SEQUENCE sets the calls of each sequence from genesis (default 1500 for a region,
# 2000 for the coordinator); MEDFED_FUZZ_ERRORS=1 also prints every call's failures by error.
# Built in the `fuzz` profile (Cargo.toml: the test build at opt-level 1, overflow checks and
# debug assertions on): 5 min 42 s the first time here; the figures are in docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"

calls="${1:-1000000}"
seed="${2:-}"
export MEDFED_FUZZ_CALLS="$calls"
[ -z "$seed" ] || export MEDFED_FUZZ_SEED="$seed"
export SKIP_WASM_BUILD=1

# Both runtimes in one build (their features unified alike), each fuzzer in its own test binary,
# one after the other; each prints its figures.
log "fuzzing both runtimes: $calls calls each${seed:+, seed $seed}; building them (profile fuzz) first, about 6 minutes the first time"
started=$SECONDS
if ! cargo test --profile fuzz -p medfed-region-runtime -p medfed-coordinator-runtime \
	--features runtime-benchmarks,try-runtime --lib --no-fail-fast \
	fuzz::random_calls_from_every_origin_never_panic_and_keep_every_invariant -- --nocapture --exact; then
	echo "error: a fuzzer failed: see FUZZ FAILURE above for the seed and step" >&2
	exit 1
fi
log "both runtimes fuzzed: $((SECONDS - started)) s"
