#!/usr/bin/env bash
# Starts the MedFed federation on this machine, as it runs in production, only smaller: the
# relay chain (3 validators), the coordinator (para 1000) and every region of
# zombienet/federation.toml (2000, 2001), each parachain with two collators run by different
# authority institutions, HRMP channels both ways between the coordinator and each region, and
# one IPFS node per region. Builds what is missing first (the collator and the relay chain
# node: about an hour each the first time on a 2-core machine), prints every endpoint, and
# stops everything on Ctrl-C.
#
#   scripts/launch.sh [federation.toml]        the federation (default zombienet/federation.toml)
#   scripts/launch.sh --dev [region-a|region-b] one region alone in development mode (no relay)
#
# Environment: MEDFED_STATE (where the network keeps its state and logs; default a fresh
# temporary directory, removed on exit), MEDFED_READY (a file written once everything is up,
# for scripts and tests), MEDFED_NO_BUILD=1 (build nothing: scripts/test.sh has built it all).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"

if [ "${1:-}" = --dev ]; then
	shift
	exec bash "$MEDFED_ROOT/scripts/launch-dev.sh" "$@"
fi
federation="$(realpath "${1:-zombienet/federation.toml}")"

if [ "${MEDFED_NO_BUILD:-0}" != 1 ]; then
	bash "$MEDFED_ROOT/scripts/build.sh"
	ensure_ipfs
	ensure_zombienet
fi

if [ -n "${MEDFED_STATE:-}" ]; then
	state="$MEDFED_STATE"
	keep_state=1
else
	state="$(mktemp -d)"
	keep_state=0
fi
mkdir -p "$state"
generate_federation "$federation" "$state/federation"
endpoints="$state/federation/endpoints.tsv"

# Every process started here is in its own process group, so that stopping it stops its
# children too (zombienet's nodes, js-ipfs's node process).
pids=()
cleanup() {
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		for _ in $(seq 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 1; done
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	[ "$keep_state" = 1 ] || rm -rf "$state"
}
trap cleanup EXIT INT TERM

# One IPFS node per region.
while IFS=$'\t' read -r chain name api swarm; do
	[ "$name" = ipfs ] || continue
	setsid "$MEDFED_ROOT/ipfs/run.sh" "$state/ipfs-$chain" "$api" "$swarm" >"$state/ipfs-$chain.log" 2>&1 &
	pids+=($!)
done <"$endpoints"
while IFS=$'\t' read -r chain name api swarm; do
	[ "$name" = ipfs ] || continue
	wait_for_ipfs "http://127.0.0.1:$api" 120 ||
		{ echo "the IPFS node of $chain did not start; see $state/ipfs-$chain.log" >&2; exit 1; }
done <"$endpoints"

log "starting the network with zombienet (native provider); logs in $state/zombie"
started=$(date +%s)
setsid "$MEDFED_ZOMBIENET" -p native -l text -d "$state/zombie" -f spawn \
	"$state/federation/zombienet.toml" >"$state/zombienet.log" 2>&1 &
zombienet_pid=$!
pids+=($zombienet_pid)

# Up when zombienet has written the network's description.
for _ in $(seq 1200); do
	[ -f "$state/zombie/zombie.json" ] && break
	kill -0 "$zombienet_pid" 2>/dev/null || { tail -30 "$state/zombienet.log" >&2; echo "zombienet stopped" >&2; exit 1; }
	sleep 1
done
[ -f "$state/zombie/zombie.json" ] || { echo "the network did not come up within 20 minutes" >&2; exit 1; }

open_channels "$federation" "$endpoints" ||
	{ echo "the HRMP channels did not open; see $state/zombie/relay-*.log" >&2; exit 1; }

# Each region's collators pin on their region's IPFS node: the pinning worker reads the
# address from the node's own off-chain storage.
while IFS=$'\t' read -r chain name port _; do
	case "$chain" in relay | coordinator) continue ;; esac
	[ "$name" = ipfs ] && continue
	api="$(awk -F'\t' -v c="$chain" '$1 == c && $2 == "ipfs" { print $3 }' "$endpoints")"
	set_offchain "http://127.0.0.1:$port" "medfed::ipfs-api" "http://127.0.0.1:$api" ||
		{ echo "could not configure $name's IPFS address" >&2; exit 1; }
done <"$endpoints"

{
	echo
	echo "The MedFed federation is running (up $(($(date +%s) - started)) s after zombienet started)."
	while IFS=$'\t' read -r chain name port swarm; do
		if [ "$name" = ipfs ]; then
			printf '  %-12s %-14s IPFS (Kubo RPC) http://127.0.0.1:%s  swarm /ip4/127.0.0.1/tcp/%s\n' "$chain" ipfs "$port" "$swarm"
		else
			printf '  %-12s %-14s ws://127.0.0.1:%s  https://polkadot.js.org/apps/?rpc=ws%%3A%%2F%%2F127.0.0.1%%3A%s#/explorer\n' \
				"$chain" "$name" "$port" "$port"
		fi
	done <"$endpoints"
	echo "  chain specs and network: $state/federation; node logs: $state/zombie/<name>.log"
	echo "  try: cargo run -q -p medfed-client -- --url ws://127.0.0.1:9910 directory regions"
	echo "Ctrl-C stops everything."
} | tee "$state/endpoints.txt"
[ -z "${MEDFED_READY:-}" ] || cp "$state/endpoints.txt" "$MEDFED_READY"

wait -n "${pids[@]}"
echo "a process of the network stopped; stopping the rest" >&2
