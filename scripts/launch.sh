#!/usr/bin/env bash
# Starts the MedFed federation on this machine, as it runs in production, only smaller: the
# relay chain (3 validators), the coordinator (para 1000) and every region of
# zombienet/federation.toml (2000, 2001), each parachain with two collators run by different
# authority institutions, HRMP channels both ways between the coordinator and each region, one
# IPFS node per region and a re-encryption proxy (medfed-proxy) per authority. Builds what is
# missing first (scripts/build.sh: about 75 minutes the first time on a 2-core machine), prints
# every endpoint, and stops everything on Ctrl-C.
#
#   scripts/launch.sh [federation.toml]          the federation (default zombienet/federation.toml)
#   scripts/launch.sh --dev [region-a|region-b]  one region alone in development mode (no relay)
#   scripts/launch.sh status                     the running federation's processes
#   scripts/launch.sh stop NAME                  stops one of them: a node (alice, relay-beta, …),
#                                                a region's IPFS node (ipfs-region-a) or an
#                                                authority's re-encryption proxy (proxy-alice)
#   scripts/launch.sh start NAME                 starts it again, as it ran before
#
# When one process stops (a fault, or `stop`), the rest keeps running and the terminal says so;
# only when zombienet itself stops does everything stop. Logs are kept after a failed launch.
#
# Environment: MEDFED_STATE (where the network keeps its state and logs; default a fresh
# temporary directory, removed after a clean stop), MEDFED_READY (a file written once
# everything is up, for scripts and tests), MEDFED_NO_BUILD=1 (build nothing: scripts/test.sh
# has built it all), MEDFED_NODE and MEDFED_RELAY (binaries of your own).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"

# Where the running federation's state directory is recorded, for `status`, `stop` and `start`.
running="$HOME/.cache/medfed/running-federation"

case "${1:-}" in
	--dev)
		shift
		exec bash "$MEDFED_ROOT/scripts/launch-dev.sh" "$@"
		;;
	status | stop | start)
		verb="$1"
		shift
		state="${MEDFED_STATE:-$(cat "$running" 2>/dev/null || true)}"
		[ -n "$state" ] && [ -d "$state/procs" ] ||
			{ echo "error: no federation is running (started by scripts/launch.sh)" >&2; exit 1; }
		federation_control "$state" "$verb" "$@"
		exit
		;;
esac
federation="$(realpath "${1:-zombienet/federation.toml}")"
[ -f "$federation" ] || { echo "error: no federation file at $federation" >&2; exit 1; }

[ "${MEDFED_NO_BUILD:-0}" = 1 ] || bash "$MEDFED_ROOT/scripts/build.sh"
# Installs, not builds: MEDFED_NO_BUILD=1 needs them too (seconds when installed).
ensure_ipfs
ensure_zombienet
require_binary "$MEDFED_NODE" MEDFED_NODE
require_binary "$MEDFED_RELAY" MEDFED_RELAY
require_binary "$MEDFED_PROXY_BIN" MEDFED_PROXY_BIN
for worker in polkadot-prepare-worker polkadot-execute-worker; do
	[ -x "$(dirname "$MEDFED_RELAY")/$worker" ] ||
		{ echo "error: $worker is missing beside $MEDFED_RELAY: validators run it from there" >&2; exit 1; }
done

if [ -n "${MEDFED_STATE:-}" ]; then
	state="$MEDFED_STATE"
	keep_state=1
else
	state="$(mktemp -d)"
	keep_state=0
fi
# Stops before anything started: says why, and leaves no state behind that it made.
refuse() {
	echo "error: $*" >&2
	[ "$keep_state" = 1 ] || rm -rf "$state"
	exit 1
}
mkdir -p "$state/federation"
endpoints="$state/federation/endpoints.tsv"
"$MEDFED_FEDERATION_BIN" endpoints "$federation" >"$endpoints" 2>"$state/federation/check.log" ||
	refuse "$(sed 's/^Error: //' "$state/federation/check.log")"

# Every port the federation listens on must be free before anything starts.
while IFS=$'\t' read -r chain name port swarm; do
	for p in $port $swarm; do
		! port_in_use "$p" ||
			refuse "port $p ($chain $name) is already in use: is another federation or node running? (scripts/launch.sh status)"
	done
done <"$endpoints"
if [ -e "$running" ] && [ -d "$(cat "$running")/procs" ] && federation_alive "$(cat "$running")"; then
	refuse "a federation is already running (state in $(cat "$running")); stop it first"
fi
generate_federation "$federation" "$state/federation" 2>"$state/federation/generate.log" ||
	refuse "writing the federation's chain specs failed: $(tail -5 "$state/federation/generate.log")"

rm -rf "$state/procs"
mkdir -p "$state/procs" "$(dirname "$running")"
echo "$state" >"$running"

failed=1
cleanup() {
	trap - EXIT INT TERM
	log "stopping the federation"
	stop_all_processes "$state"
	rm -f "$running"
	if [ "$failed" = 1 ]; then
		echo "the launch failed; logs are kept in $state (node logs: $state/zombie/<name>.log)" >&2
	elif [ "$keep_state" = 0 ]; then
		rm -rf "$state"
	fi
}
trap cleanup EXIT
trap 'failed=0; exit 0' INT TERM

# One IPFS node per region.
while IFS=$'\t' read -r chain name api swarm; do
	[ "$name" = ipfs ] || continue
	start_process "$state" "ipfs-$chain" "$MEDFED_ROOT/ipfs/run.sh" "$state/ipfs-$chain" "$api" "$swarm"
done <"$endpoints"
while IFS=$'\t' read -r chain name api swarm; do
	[ "$name" = ipfs ] || continue
	wait_for_ipfs "http://127.0.0.1:$api" 120 ||
		{ echo "the IPFS node of $chain did not start; see $state/procs/ipfs-$chain.log" >&2; exit 1; }
done <"$endpoints"

log "starting the network with zombienet (native provider); logs in $state/zombie"
# On the Node.js 22 that came with the IPFS node (the system's may be older).
export PATH="$MEDFED_NODEJS_BIN:$PATH"
started=$(date +%s)
start_process "$state" zombienet "$MEDFED_ZOMBIENET" -p native -l text -d "$state/zombie" -f spawn \
	"$state/federation/zombienet.toml"

# Up when zombienet has written the network's description.
for _ in $(seq 1200); do
	[ -f "$state/zombie/zombie.json" ] && break
	process_alive "$state" zombienet ||
		{ tail -30 "$state/procs/zombienet.log" >&2; echo "zombienet stopped" >&2; exit 1; }
	sleep 1
done
[ -f "$state/zombie/zombie.json" ] || { echo "the network did not come up within 20 minutes" >&2; exit 1; }
record_nodes "$state" "$endpoints"

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

# Every region's authorities run a re-encryption proxy (medfed-proxy): those given as
# development seeds run here, each naming its account as its authority's proxy account first.
"$MEDFED_FEDERATION_BIN" proxies "$federation" >"$state/federation/proxies.tsv"
: >"$state/federation/proxies-running.tsv"
while IFS=$'\t' read -r chain port authority proxy; do
	if [[ "$authority" != //* || "$proxy" != //* ]]; then
		log "$chain: $authority's proxy is not a development seed: run it yourself (docs/operating.md)"
		continue
	fi
	name="proxy-$(printf %s "${authority#//}" | tr '[:upper:]/' '[:lower:]-')"
	[ ! -e "$state/procs/$name.pid" ] || name="$name-$chain"
	start_dev_proxy "$state" "$name" "ws://127.0.0.1:$port" "$authority" "$proxy"
	echo "$name	$chain	$authority" >>"$state/federation/proxies-running.tsv"
done <"$state/federation/proxies.tsv"
while IFS=$'\t' read -r name _; do
	wait_for_proxy "$state/procs/$name.log" ||
		{ tail -5 "$state/procs/$name.log" >&2; echo "the proxy $name did not start; see $state/procs/$name.log" >&2; exit 1; }
done < <(cat "$state/federation/proxies-running.tsv" 2>/dev/null)

{
	echo
	echo "The MedFed federation is running (up $(($(date +%s) - started)) s after zombienet started)."
	while IFS=$'\t' read -r chain name port swarm; do
		if [ "$name" = ipfs ]; then
			printf '  %-12s %-14s IPFS (Kubo RPC) http://127.0.0.1:%s  swarm /ip4/127.0.0.1/tcp/%s\n' "$chain" "ipfs-$chain" "$port" "$swarm"
		else
			printf '  %-12s %-14s ws://127.0.0.1:%s  https://polkadot.js.org/apps/?rpc=ws%%3A%%2F%%2F127.0.0.1%%3A%s#/explorer\n' \
				"$chain" "$name" "$port" "$port"
		fi
	done <"$endpoints"
	while IFS=$'\t' read -r name chain authority; do
		printf '  %-12s %-14s re-encryption proxy of %s  log %s\n' "$chain" "$name" "$authority" "$state/procs/$name.log"
	done < <(cat "$state/federation/proxies-running.tsv" 2>/dev/null)
	echo "  chain specs and network: $state/federation; node logs: $state/zombie/<name>.log"
	echo "  try: cargo run -q -p medfed-client --bin ehr -- --url ws://127.0.0.1:9910 directory regions"
	echo "  fault drill: scripts/launch.sh stop ipfs-region-a, then scripts/launch.sh start ipfs-region-a"
	echo "Ctrl-C stops everything."
} | tee "$state/endpoints.txt"
[ -z "${MEDFED_READY:-}" ] || cp "$state/endpoints.txt" "$MEDFED_READY"

# Watch the processes: say when one stops or comes back; stop everything only with zombienet.
declare -A was_up=()
while true; do
	if ! process_alive "$state" zombienet; then
		echo "zombienet stopped (see $state/procs/zombienet.log): stopping the federation" >&2
		exit 1
	fi
	for pidfile in "$state"/procs/*.pid; do
		name="$(basename "$pidfile" .pid)"
		[ "$name" = zombienet ] && continue
		if process_alive "$state" "$name"; then
			[ "${was_up[$name]:-1}" = 1 ] || log "$name is running again"
			was_up[$name]=1
		elif [ "${was_up[$name]:-1}" = 1 ]; then
			log "$name stopped (log: $state/procs/$name.log); the rest keeps running. Start it again with: scripts/launch.sh start $name"
			was_up[$name]=0
		fi
	done
	sleep 2
done
