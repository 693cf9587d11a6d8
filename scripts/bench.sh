#!/usr/bin/env bash
# Runs MedFed's FRAME benchmarks on this machine and regenerates the pallets' weights.rs, then
# reports how many `register_record` calls fit in a block by those weights.
#
#   scripts/bench.sh [pallet ... | xcm]     (default: every MedFed pallet, and xcm)
#
# `xcm` benchmarks, on each runtime, the XCM instructions MedFed's programs hold and the XCM
# pallet's calls (runtime/<runtime>/src/weights/).
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
	pallets=(pallet_institutions pallet_records pallet_pinning pallet_federation pallet_access pallet_governance pallet_directory xcm)

# Generated files are written here first and moved into the tree at the end, so that one
# run benchmarks one build of the runtimes (a weights file in the tree is compiled into them).
generated="$(mktemp -d)"
trap 'rm -rf "$generated"' EXIT
outputs=()

# benchmark RUNTIME PALLET EXTRINSICS TEMPLATE OUTPUT
benchmark() {
	local runtime="$1" pallet="$2" extrinsics="$3" template="$4" output="$5" wasm staged
	wasm="$(build_runtime_wasm bench "$runtime")" || exit 1
	staged="$generated/${#outputs[@]}.rs"
	log "benchmarking $pallet ($runtime runtime) -> $output"
	"$MEDFED_BENCH_NODE" benchmark pallet \
		--runtime "$wasm" --genesis-builder runtime --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic "$extrinsics" --steps 50 --repeat 20 \
		--template "$template" --output "$staged"
	outputs+=("$staged:$output")
}

for pallet in "${pallets[@]}"; do
	if [ "$pallet" = xcm ]; then
		# Each runtime's own: the XCM instructions its barrier lets through (MedFed's program
		# shape), and the XCM pallet's calls.
		for runtime in region coordinator; do
			benchmark "$runtime" pallet_xcm_benchmarks::generic unpaid_execution,transact,set_topic \
				scripts/xcm-weight-template.hbs "runtime/$runtime/src/weights/xcm_generic.rs"
			benchmark "$runtime" pallet_xcm '*' \
				scripts/runtime-weight-template.hbs "runtime/$runtime/src/weights/pallet_xcm.rs"
		done
		continue
	fi
	# The directory is the coordinator's pallet; every other one is a region's (governance is
	# both's, benchmarked on the region).
	runtime=region
	[ "$pallet" = pallet_directory ] && runtime=coordinator
	benchmark "$runtime" "$pallet" '*' scripts/weight-template.hbs "pallets/${pallet#pallet_}/src/weights.rs"
done

for pair in "${outputs[@]}"; do
	mv "${pair%%:*}" "${pair#*:}"
	# A benchmark these runtimes skip with an overridden weight (`pallet_xcm`'s claim_assets:
	# nobody may claim trapped assets here) comes out without its component; the trait has it.
	sed -i 's/fn claim_assets() -> Weight/fn claim_assets(_n: u32, ) -> Weight/' "${pair#*:}"
	log "wrote ${pair#*:}"
done

log "block capacity by the generated weights"
SKIP_WASM_BUILD=1 cargo test -q -p medfed-region-runtime --lib block_capacity -- --nocapture
