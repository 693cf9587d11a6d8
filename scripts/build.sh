#!/usr/bin/env bash
# Builds what the federation needs and is missing or stale, showing cargo's progress, in one
# cargo invocation of the `network` profile (`build_network` in lib.sh): the collator
# `medfed-node`, the relay chain node `polkadot` with its two PVF workers, both runtimes' wasm,
# the `medfed-federation` generator, the `medfed-proxy` re-encryption proxy and `ehr`. 52 to 76
# minutes the first time on a 2-core machine (docs/building.md has the measured figures),
# seconds when nothing changed, a few minutes after a pallet change (only the wasm). Needs
# about 20 GiB free (checked before a first build) for the target directory
# ($CARGO_TARGET_DIR, default ~/.cache/medfed/target).
#
#   scripts/build.sh
#
# MEDFED_NODE and MEDFED_RELAY may name binaries you already have: then neither node is built.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
build_network
