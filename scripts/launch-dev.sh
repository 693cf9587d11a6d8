#!/usr/bin/env bash
# Starts one MedFed region alone, in development mode (no relay chain), with its IPFS node and
# the re-encryption proxies (medfed-proxy) of its two authorities, and prints how to reach them.
# Builds what is missing first: the network's build (the two nodes, the runtimes' wasm and the
# tools, 52 to 76 minutes the first time on a 2-core machine) and the IPFS node's packages.
#
#   scripts/launch-dev.sh [region-a|region-b]   (default region-a; Ctrl-C stops them all)
#   scripts/launch.sh --dev [region-a|region-b]  (the same)
#
# Environment: MEDFED_RPC_PORT (default 9944), MEDFED_IPFS_PORT (default 5001),
# MEDFED_BLOCK_MS (default 3000), MEDFED_NO_BUILD=1 (build nothing: use what is built),
# MEDFED_NODE and MEDFED_PROXY_BIN (binaries of your own).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
preset="${1:-region-a}"
case "$preset" in
	region-a | region-b | development) ;;
	*) echo "unknown region '$preset': use region-a or region-b" >&2; exit 2 ;;
esac
port="${MEDFED_RPC_PORT:-9944}"
ipfs_port="${MEDFED_IPFS_PORT:-5001}"
ipfs_api="http://127.0.0.1:$ipfs_port"

for p in "$port" "$ipfs_port" "$((ipfs_port + 1000))"; do
	! port_in_use "$p" || { echo "error: port $p is already in use: is another node or IPFS node running?" >&2; exit 1; }
done
ensure_deps
ensure_ipfs
# One build: the collator, the runtimes' wasm (kept in $MEDFED_ARTIFACTS) and the tools,
# medfed-proxy among them.
[ "${MEDFED_NO_BUILD:-0}" = 1 ] || build_network
wasm="$MEDFED_ARTIFACTS/region-runtime-production.wasm"
[ -f "$wasm" ] || { echo "error: no runtime built at $wasm (MEDFED_NO_BUILD=1 builds nothing)" >&2; exit 1; }
require_binary "$MEDFED_NODE" MEDFED_NODE
require_binary "$MEDFED_PROXY_BIN" MEDFED_PROXY_BIN
spec="$(chain_spec "$preset" "$wasm")"

# The region's IPFS node, with a throwaway repository like the chain's.
state="$(mktemp -d)"
pids=()
failed=1
cleanup() {
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "$failed" = 1 ]; then
		echo "stopped; logs are kept in $state (node.log, ipfs.log, proxy-<Name>.log)" >&2
	else
		rm -rf "$state"
	fi
}
trap cleanup EXIT
trap 'failed=0; exit 0' INT TERM
"$MEDFED_ROOT/ipfs/run.sh" "$state/ipfs" "$ipfs_port" "$((ipfs_port + 1000))" >"$state/ipfs.log" 2>&1 &
pids+=($!)
wait_for_ipfs "$ipfs_api" 120 || { echo "the IPFS node did not start; see $state/ipfs.log" >&2; exit 1; }

"$MEDFED_NODE" --dev --chain "$spec" --rpc-port "$port" --base-path "$state/chain" \
	--dev-block-time "${MEDFED_BLOCK_MS:-3000}" --offchain-worker always >"$state/node.log" 2>&1 &
pids+=($!)
# The pinning worker reads its IPFS API from the node's own off-chain storage.
retry_for 120 set_offchain "http://127.0.0.1:$port" "medfed::ipfs-api" "$ipfs_api" ||
	{ echo "error: could not configure the node's IPFS address; see $state/node.log" >&2; exit 1; }

# The authorities of the preset (runtime/region/src/genesis_config_presets.rs) run their
# re-encryption proxies, each submitting with its development stash account (endowed at
# genesis), which it first names as its authority's proxy account.
case "$preset" in
	region-b) authorities=(Eve Ferdie) ;;
	*) authorities=(Alice Bob) ;;
esac
for name in "${authorities[@]}"; do
	"$MEDFED_PROXY_BIN" --url "ws://127.0.0.1:$port" --dev-authority "//$name" --as "//$name//stash" \
		>"$state/proxy-$name.log" 2>&1 &
	pids+=($!)
done
for name in "${authorities[@]}"; do
	wait_for_proxy "$state/proxy-$name.log" ||
		{ tail -5 "$state/proxy-$name.log" >&2; echo "error: the proxy of $name did not start; see $state/proxy-$name.log" >&2; exit 1; }
done

cat <<TXT

MedFed $preset is running in development mode (one collator, no relay chain).
  RPC endpoint    ws://127.0.0.1:$port
  polkadot-js     https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$port#/explorer
  IPFS (Kubo RPC) $ipfs_api
  chain spec      $spec
  proxies         ${authorities[*]} (re-encryption, medfed-proxy)
  logs            $state/node.log, $state/ipfs.log, $state/proxy-<Name>.log
  try             cargo run -q -p medfed-client --bin ehr -- --url ws://127.0.0.1:$port institution list
Ctrl-C stops them all; their state is discarded.

TXT
wait -n "${pids[@]}"
echo "the node, the IPFS node or a proxy stopped" >&2
