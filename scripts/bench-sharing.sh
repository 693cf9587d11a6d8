#!/usr/bin/env bash
# Times request → readable record: a patient grants a practitioner access (threshold 2 of the
# region's authority proxies); then, one after the other, the practitioner requests a record
# (`ehr request`) and reads it (`ehr read --wait`: waits for the proxies' capsule fragments,
# verifies them, fetches the ciphertext from IPFS, decrypts, writes FHIR JSON), and the result
# is compared byte for byte with the uploaded document. Prints every run, then the median, the
# minimum and the maximum in seconds and in blocks (best blocks from before the request to after
# the read).
#
#   scripts/bench-sharing.sh [runs]              a development region of its own, with its two
#                                                authorities' proxies (launch.sh --dev)
#   MEDFED_URL=ws://127.0.0.1:9920 MEDFED_IPFS=http://127.0.0.1:5001 scripts/bench-sharing.sh [runs]
#                                                region A of a running federation (launch.sh),
#                                                whose proxies launch.sh started
#
# Default 20 runs. Environment: MEDFED_BLOCK_MS (default 3000), the development block time;
# MEDFED_NO_BUILD=1 builds nothing (ehr and medfed-proxy must be built, release).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
runs="${1:-20}"
ensure_deps
if [ "${MEDFED_NO_BUILD:-0}" != 1 ]; then
	log "building ehr and medfed-proxy (release)"
	cargo build --release -p medfed-client --bin ehr --bin medfed-proxy
fi
ehr="$CARGO_TARGET_DIR/release/ehr"
require_binary "$ehr" ehr

work="$(mktemp -d)"
launch=
cleanup() {
	[ -z "$launch" ] || { kill -TERM -- "-$launch" 2>/dev/null || true; wait "$launch" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${MEDFED_URL:-}" ]; then
	where="the region at $MEDFED_URL"
	url="$MEDFED_URL" ipfs="${MEDFED_IPFS:?give MEDFED_IPFS (the IPFS API of the region) with MEDFED_URL}"
else
	ensure_ipfs
	rpc_port=9967 ipfs_port=5167
	where="a development region (block time ${MEDFED_BLOCK_MS:-3000} ms)"
	url="ws://127.0.0.1:$rpc_port" ipfs="http://127.0.0.1:$ipfs_port"
	MEDFED_PROXY_BIN="$CARGO_TARGET_DIR/release/medfed-proxy" MEDFED_RPC_PORT=$rpc_port MEDFED_NO_BUILD="${MEDFED_NO_BUILD:-0}" \
		MEDFED_IPFS_PORT=$ipfs_port setsid scripts/launch.sh --dev development >"$work/launch.log" 2>&1 &
	launch=$!
	# As long as the launch runs: it builds what is missing first (an hour on a fresh machine).
	for _ in $(seq 7200); do
		grep -q "is running" "$work/launch.log" && break
		kill -0 "$launch" 2>/dev/null || { cat "$work/launch.log" >&2; exit 1; }
		sleep 1
	done
	grep -q "is running" "$work/launch.log" || { cat "$work/launch.log" >&2; exit 1; }
fi
export EHR_URL="$url" EHR_IPFS="$ipfs"
export EHR_KEYSTORE="$work/keystore.json" EHR_PASSPHRASE="benchmark only"
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }
# The best block's number, from the node's HTTP JSON-RPC (the same port as its WebSocket).
best() {
	curl -sf -H 'Content-Type: application/json' "http://${url#ws://}" \
		-d '{"jsonrpc":"2.0","id":1,"method":"chain_getHeader","params":[]}' |
		json 'int(v["result"]["number"], 16)'
}

log "setting up on $where: a patient, a record, a practitioner, a 2-of-n grant"
"$ehr" keys new patient --kind patient --dev Ferdie >/dev/null
"$ehr" keys new clinic --kind institution --dev Charlie >/dev/null
"$ehr" keys new doctor --kind practitioner --dev Dave >/dev/null
patient="$("$ehr" --json keys list | json '[k["account"] for k in v if k["name"]=="patient"][0]')"
doctor="$("$ehr" --json keys list | json '[k["account"] for k in v if k["name"]=="doctor"][0]')"
"$ehr" patient register --key patient >/dev/null 2>&1 || true # registered earlier on this chain
"$ehr" keys publish --key doctor >/dev/null
cp "$MEDFED_ROOT/examples/fhir-bundle.json" "$work/record.json"
record="$("$ehr" --json upload --key clinic --patient "$patient" "$work/record.json" | json 'v["record"]["id"]')"
# A grant keeps at most 16 requests listed until their deadline (MaxOpenRequestsPerGrant), so
# every 16 runs take a new one.
new_grant() {
	"$ehr" --json grant --key patient --to "$doctor" --records "$record" --threshold 2 \
		--expires-in 100000 | json 'v["grant"]["id"]'
}
grant="$(new_grant)"
proxies="$("$ehr" --json grants --patient "$patient" | json "[len(g['proxies']) for g in v['as_patient'] if g['id']==$grant][0]")"

log "$runs requests of record $record (2 of $proxies proxies, a new grant every 16), one after the other"
for run in $(seq "$runs"); do
	[ $(((run - 1) % 16)) != 0 ] || [ "$run" = 1 ] || grant="$(new_grant)"
	b0="$(best)"
	t0=$(date +%s%N)
	id="$("$ehr" --json request --key doctor --grant "$grant" --records "$record" --purpose benchmark | json 'v["id"]')"
	"$ehr" --json read --key doctor --request "$id" -o "$work/read-$run.json" --wait 600 >/dev/null
	t1=$(date +%s%N)
	b1="$(best)"
	cmp -s "$work/record.json" "$work/read-$run.json" ||
		{ echo "run $run: the record read differs from the one uploaded" >&2; exit 1; }
	printf '{"run": %d, "grant": %s, "request": %s, "seconds": %.3f, "blocks": %d}\n' \
		"$run" "$grant" "$id" "$(((t1 - t0) / 1000000))e-3" "$((b1 - b0))" | tee -a "$work/runs.jsonl"
done
python3 - "$work/runs.jsonl" "$where" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("request -> readable record on %s, %d runs, each read byte-identical:" % (sys.argv[2], len(runs)))
for key, unit in [("seconds", "s"), ("blocks", "blocks")]:
    values = [r[key] for r in runs]
    print("  %-8s median %7.2f  min %7.2f  max %7.2f %s" % (key, statistics.median(values), min(values), max(values), unit))
PY
