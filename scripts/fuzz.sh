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
# Measured in the debug test build on 2 cores: about 130 calls/s for a region, 340 for the
# coordinator, so the default takes about 2 h 10 min for a region and 50 min for the coordinator.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"

calls="${1:-1000000}"
seed="${2:-}"
export MEDFED_FUZZ_CALLS="$calls"
[ -z "$seed" ] || export MEDFED_FUZZ_SEED="$seed"
export SKIP_WASM_BUILD=1

status=0
for runtime in region coordinator; do
	log "fuzzing the $runtime runtime: $calls calls${seed:+, seed $seed}"
	started=$SECONDS
	if ! cargo test -q -p "medfed-$runtime-runtime" --features runtime-benchmarks,try-runtime --lib \
		fuzz::random_calls_from_every_origin_never_panic_and_keep_every_invariant -- --nocapture --exact; then
		echo "error: the $runtime fuzzer failed: see FUZZ FAILURE above for the seed and step" >&2
		status=1
	fi
	log "$runtime: $((SECONDS - started)) s"
done
exit "$status"
