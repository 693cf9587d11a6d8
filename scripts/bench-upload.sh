#!/usr/bin/env bash
# Times `ehr upload` of a 1 MiB FHIR bundle on a development region with its IPFS node, split
# into encryption, IPFS add, inclusion on chain, and pinned (until the authority collator's
# off-chain worker has reported its pin). Prints every run and the medians. Then builds a
# backlog of 40 records while the collator's IPFS address is dead, restores it, and reports how
# many pins each off-chain worker run cleared and how long the backlog took.
#
#   scripts/bench-upload.sh [runs]        (default 7)
#
# Environment: MEDFED_BLOCK_MS (default 3000), the development block time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
runs="${1:-7}"
ensure_deps
ensure_ipfs
log "building ehr (release)"
cargo build --release -q -p medfed-client
ehr="$CARGO_TARGET_DIR/release/ehr"

work="$(mktemp -d)"
rpc_port=9966 ipfs_port=5166
MEDFED_RPC_PORT=$rpc_port MEDFED_IPFS_PORT=$ipfs_port setsid scripts/launch.sh --dev development >"$work/launch.log" 2>&1 &
launch=$!
trap 'kill -TERM -- -$launch 2>/dev/null || true; wait $launch 2>/dev/null || true; rm -rf "$work"' EXIT
export EHR_URL="ws://127.0.0.1:$rpc_port" EHR_IPFS="http://127.0.0.1:$ipfs_port"
export EHR_KEYSTORE="$work/keystore.json" EHR_PASSPHRASE="benchmark only"
for _ in $(seq 600); do
	grep -q "is running" "$work/launch.log" && "$ehr" institution list >/dev/null 2>&1 && break
	sleep 1
done
"$ehr" keys new patient --kind patient --dev Ferdie >/dev/null
"$ehr" keys new clinic --kind institution --dev Charlie >/dev/null
"$ehr" patient register --key patient >/dev/null
patient="$("$ehr" --json keys list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["account"])')"
alice=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY

log "$runs uploads of a 1 MiB FHIR bundle"
for run in $(seq "$runs"); do
	python3 - "$work/bundle.json" "$run" <<'PY'
import json, sys
entries, size, n = [], 0, 0
while size < (1 << 20) - 400:
    entry = {"resource": {"resourceType": "Observation", "id": f"obs-{sys.argv[2]}-{n}", "status": "final",
             "code": {"text": "Heart rate"}, "valueQuantity": {"value": 60 + n % 40, "unit": "beats/minute"}}}
    entries.append(entry); size += len(json.dumps(entry)) + 1; n += 1
text = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
open(sys.argv[1], "w").write(text[: 1 << 20] if len(text) <= 1 << 20 else text)
PY
	"$ehr" --json upload --key clinic --patient "$patient" "$work/bundle.json" 2>/dev/null >"$work/upload.json"
	registered=$(date +%s%N)
	id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["record"]["id"])' "$work/upload.json")"
	until "$ehr" --json record show "$id" |
		python3 -c 'import json,sys; sys.exit(0 if any(p["authority"]==sys.argv[1] and p["pinned_at"] is not None for p in json.load(sys.stdin)["pins"]) else 1)' "$alice"; do
		sleep 0.2
	done
	pinned_ms=$(( ($(date +%s%N) - registered) / 1000000 ))
	python3 -c 'import json,sys; u=json.load(open(sys.argv[1])); t=u["timings"]; print(json.dumps({"run": int(sys.argv[3]), "bytes": u["record"]["size"], **t, "pinned_after_inclusion_ms": int(sys.argv[2])}))' \
		"$work/upload.json" "$pinned_ms" "$run" | tee -a "$work/runs.jsonl"
done
python3 - "$work/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
keys = ["encrypt_ms", "ipfs_add_ms", "cid_check_ms", "inclusion_ms", "pinned_after_inclusion_ms"]
print("median of %d runs, ciphertext %d bytes:" % (len(runs), runs[0]["bytes"]))
for k in keys:
    print("  %-26s %8.1f ms" % (k, statistics.median(r[k] for r in runs)))
PY

log "backlog: 40 records while the collator's IPFS is unreachable"
set_offchain "http://127.0.0.1:$rpc_port" "medfed::ipfs-api" "http://127.0.0.1:9"
for n in $(seq 40); do
	printf '{"resourceType":"Observation","id":"backlog-%s-%s","status":"final"}' "$n" "$RANDOM" >"$work/small.json"
	last="$("$ehr" --json upload --key clinic --patient "$patient" "$work/small.json" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["record"]["id"])')"
done
mark=$(wc -l <"$work/launch.log")
set_offchain "http://127.0.0.1:$rpc_port" "medfed::ipfs-api" "$EHR_IPFS"
restored=$(date +%s%N)
until "$ehr" --json record show "$last" |
	python3 -c 'import json,sys; sys.exit(0 if any(p["pinned_at"] is not None for p in json.load(sys.stdin)["pins"]) else 1)'; do
	sleep 0.2
done
echo "backlog of 40 pinned $(( ($(date +%s%N) - restored) / 1000000 )) ms after IPFS came back; pins per worker run:"
tail -n +"$mark" "$work/launch.log" | grep -o 'reported [0-9]* pinned records' | sed 's/^/  /'
