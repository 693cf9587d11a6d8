#!/usr/bin/env bash
# Builds what the federation needs and is missing or stale, showing cargo's progress:
#   1. the collator `medfed-node` and the relay chain node `polkadot` with its two PVF workers,
#      in one cargo invocation (about an hour the first time on a 2-core machine);
#   2. both runtimes' wasm, in one invocation (about 10 minutes the first time);
#   3. the `medfed-federation` generator and the `medfed-proxy` re-encryption proxy (a few
#      minutes the first time).
# Seconds when nothing changed. Needs about 20 GiB free (checked before a first build) for the target directory
# ($CARGO_TARGET_DIR, default ~/.cache/medfed/target).
#
#   scripts/build.sh          everything
#   scripts/build.sh node     only the two nodes
#
# MEDFED_NODE and MEDFED_RELAY may name binaries you already have: then step 1 builds nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
build_network
[ "${1:-}" = node ] && exit 0
build_federation_tools
