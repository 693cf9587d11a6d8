#!/usr/bin/env bash
# Starts one MedFed region alone, in development mode (no relay chain), and prints how to reach
# it. Builds what is missing first: the collator (about an hour the first time on a 2-core
# machine) and the runtime.
#
#   scripts/launch.sh [region-a|region-b]      (default region-a; Ctrl-C stops it)
#
# Environment: MEDFED_RPC_PORT (default 9944), MEDFED_BLOCK_MS (default 3000).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
preset="${1:-region-a}"
case "$preset" in
	region-a | region-b | development) ;;
	*) echo "unknown region '$preset': use region-a or region-b" >&2; exit 2 ;;
esac
port="${MEDFED_RPC_PORT:-9944}"

ensure_deps
build_node
wasm="$(build_runtime_wasm production)"
spec="$(chain_spec "$preset" "$wasm")"

cat <<TXT

MedFed $preset is starting in development mode (one collator, no relay chain).
  RPC endpoint    ws://127.0.0.1:$port
  polkadot-js     https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$port#/explorer
  chain spec      $spec
  try             cargo run -q -p medfed-client -- --url ws://127.0.0.1:$port institution list
Ctrl-C stops it; its state is discarded.

TXT
exec "$MEDFED_NODE" --dev --chain "$spec" --rpc-port "$port" \
	--dev-block-time "${MEDFED_BLOCK_MS:-3000}" --offchain-worker always
