#!/usr/bin/env bash
# Runs MedFed's FRAME benchmarks on this machine and regenerates the pallets' weights.rs, then
# reports how many `register_record` calls fit in a block by those weights.
#
#   scripts/bench.sh [pallet ...]     (default: every MedFed pallet)
#
# Builds the benchmark flavour of the collator first (`build_bench_node` in lib.sh: about an
# hour the first time), which carries the benchmark CLI.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
ensure_deps
build_bench_node

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] ||
	pallets=(pallet_institutions pallet_records pallet_pinning pallet_federation pallet_access pallet_governance pallet_directory)
for pallet in "${pallets[@]}"; do
	# The directory is the coordinator's pallet; every other one is a region's (governance is
	# both's, benchmarked on the region).
	runtime=region
	[ "$pallet" = pallet_directory ] && runtime=coordinator
	wasm="$(build_runtime_wasm bench "$runtime")" || exit 1
	dir="pallets/${pallet#pallet_}/src"
	log "benchmarking $pallet ($runtime runtime) -> $dir/weights.rs"
	"$MEDFED_BENCH_NODE" benchmark pallet \
		--runtime "$wasm" --genesis-builder runtime --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' --steps 50 --repeat 20 \
		--template scripts/weight-template.hbs --output "$dir/weights.rs"
done

log "block capacity by the generated weights"
SKIP_WASM_BUILD=1 cargo test -q -p medfed-region-runtime --lib block_capacity -- --nocapture
