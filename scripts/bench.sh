#!/usr/bin/env bash
# Runs MedFed's FRAME benchmarks on this machine and regenerates the pallets' weights.rs, then
# reports how many `register_record` calls fit in a block by those weights.
#
#   scripts/bench.sh [pallet ...]     (default: pallet_institutions pallet_records)
#
# Needs the collator (`cargo build --release -p medfed-node`), which carries the benchmark CLI.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
ensure_deps
[ -x "$MEDFED_NODE" ] || build_node
wasm="$(build_runtime_wasm bench)" || exit 1

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_institutions pallet_records)
for pallet in "${pallets[@]}"; do
	dir="pallets/${pallet#pallet_}/src"
	log "benchmarking $pallet -> $dir/weights.rs"
	"$MEDFED_NODE" benchmark pallet \
		--runtime "$wasm" --genesis-builder runtime --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' --steps 50 --repeat 20 \
		--template scripts/weight-template.hbs --output "$dir/weights.rs"
done

log "block capacity by the generated weights"
SKIP_WASM_BUILD=1 cargo test -q -p medfed-region-runtime --lib block_capacity -- --nocapture
