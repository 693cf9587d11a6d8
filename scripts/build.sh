#!/usr/bin/env bash
# Builds what the federation needs and is missing or stale: the collator `medfed-node`, the
# relay chain node `polkadot` with its workers, both runtimes' wasm and the `medfed-federation`
# generator. About two hours the first time on a 2-core machine, seconds when nothing changed.
#
#   scripts/build.sh          everything
#   scripts/build.sh node     only the collator (what the end-to-end tests need)
#
# Build the node and the relay chain node this way rather than with a bare `cargo build
# --release`: it rebuilds each only when its sources changed, because a cargo build of one
# makes cargo rebuild a part of the other (see `release_build_once` in lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
build_node
[ "${1:-}" = node ] && exit 0
build_relay
build_federation_tools
