#!/usr/bin/env bash
# Times cross-region queries on a running federation (scripts/launch.sh): a patient of region A
# grants a practitioner one record; then, one after the other, the practitioner asks
#   - region A (local: A answers at once, the coordinator finds no other region, 2 hops), and
#   - region B (cross-region: B → coordinator → A → B, 3 hops), and
#   - region B to read the record (cross-region read: B → coordinator → A, where A opens an
#     access request that its authorities' proxies answer, then A → B with the record's
#     envelope and capsule fragments; `ehr` decrypts it with the ciphertext from region A's IPFS),
# `runs` times each (`ehr query`, which follows the query block by block until it ends), checks
# that every query ends "answered" with the record (a read: the decrypted file byte for byte),
# and dismisses it. Prints every run, then the
# median, minimum and maximum in seconds and in relay chain blocks (from the relay block the
# query was asked at to the one it ended at, as the asking region saw them).
#
#   scripts/bench-query.sh [runs]        (default 20)
#
# MEDFED_KINDS picks some of the three, for example MEDFED_KINDS=read (default: local cross read).
# Environment: MEDFED_URL_A (default ws://127.0.0.1:9920), MEDFED_URL_B (ws://127.0.0.1:9930),
# MEDFED_IPFS (region A's IPFS API, default http://127.0.0.1:5001); MEDFED_NO_BUILD=1 builds
# nothing (ehr must be built, release), MEDFED_EHR names another ehr binary. The query timeout of
# the regions (40 relay blocks) gives the relay block a query was asked at: deadline - 40.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"
runs="${1:-20}"
ensure_deps
if [ "${MEDFED_NO_BUILD:-0}" != 1 ]; then
	log "building ehr (release)"
	cargo build --release -p medfed-client --bin ehr
fi
ehr="${MEDFED_EHR:-$CARGO_TARGET_DIR/release/ehr}"
require_binary "$ehr" ehr

url_a="${MEDFED_URL_A:-ws://127.0.0.1:9920}" url_b="${MEDFED_URL_B:-ws://127.0.0.1:9930}"
work="$(mktemp -d)"
export EHR_IPFS="${MEDFED_IPFS:-http://127.0.0.1:5001}"
export EHR_KEYSTORE="$work/keystore.json" EHR_PASSPHRASE="benchmark only"
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }
summarize() {
	[ -s "$work/runs.jsonl" ] || return 0
	python3 - "$work/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("cross-region queries on the running federation, every one answered with the record:")
for kind, what in [("local", "local query (region A: A answers, the coordinator finds no other region)"),
                   ("cross", "cross-region metadata query (region B -> coordinator -> region A -> region B)"),
                   ("read", "cross-region read with capsule fragments (region B -> coordinator -> region A, its proxies -> region B)")]:
    if not any(r["kind"] == kind for r in runs):
        continue
    print("  %s: %d runs" % (what, sum(r["kind"] == kind for r in runs)))
    for key, unit in [("seconds", "s"), ("relay_blocks", "relay blocks")]:
        values = [r[key] for r in runs if r["kind"] == kind]
        print("    %-12s median %7.2f  min %7.2f  max %7.2f %s" % (key, statistics.median(values), min(values), max(values), unit))
PY
}
# A run that fails stops the script; the runs before it are summed up all the same.
trap 'status=$?; [ "$status" = 0 ] || { echo "stopped by a failure; the runs completed before it:" >&2; summarize >&2 || true; }; rm -rf "$work"' EXIT

log "setting up in region A ($url_a): a patient, a record, a practitioner, a grant"
export EHR_URL="$url_a"
"$ehr" keys new patient --kind patient --dev Ferdie >/dev/null
"$ehr" keys new clinic --kind institution --dev Charlie >/dev/null
"$ehr" keys new doctor --kind practitioner --dev Dave >/dev/null
patient="$("$ehr" --json keys list | json '[k["account"] for k in v if k["name"]=="patient"][0]')"
doctor="$("$ehr" --json keys list | json '[k["account"] for k in v if k["name"]=="doctor"][0]')"
"$ehr" patient register --key patient >/dev/null 2>&1 || true # registered earlier on this chain
"$ehr" keys publish --key doctor >/dev/null 2>&1 || true
cp "$MEDFED_ROOT/examples/fhir-bundle.json" "$work/record.json"
record="$("$ehr" --json upload --key clinic --patient "$patient" "$work/record.json" | json 'v["record"]["id"]')"
grant="$("$ehr" --json grant --key patient --to "$doctor" --records "$record" --threshold 2 \
	--expires-in 100000 | json 'v["grant"]["id"]')"

for kind in ${MEDFED_KINDS:-local cross read}; do
	case "$kind" in local | cross | read) ;; *) echo "error: unknown kind $kind in MEDFED_KINDS" >&2; exit 1 ;; esac
	url="$url_a"
	[ "$kind" = local ] || url="$url_b"
	log "$runs $kind queries about the patient, asked in $url, one after the other"
	for run in $(seq "$runs"); do
		read=()
		[ "$kind" != read ] || read=(--read-from 2000 --grant "$grant" --output "$work/read-$run.json")
		t0=$(date +%s%N)
		EHR_URL="$url" "$ehr" --json query --key doctor --patient "$patient" --wait-seconds 600 \
			"${read[@]}" >"$work/query.json"
		t1=$(date +%s%N)
		python3 - "$work/query.json" "$record" "$kind" "$run" "$(((t1 - t0) / 1000000))" "$work" >>"$work/runs.jsonl" <<'PY'
import json, sys
query, record, kind, run, millis = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
if query.get("outcome") != "answered":
    sys.exit("run %d (%s): the query ended %s" % (run, kind, query.get("outcome")))
if kind == "read":
    written = open("%s/read-%d.json" % (sys.argv[6], run), "rb").read()
    if [r["id"] for r in query["records"]] != [record] or written != open(sys.argv[6] + "/record.json", "rb").read():
        sys.exit("run %d (read): the record read is not the one uploaded" % run)
else:
    found = [r for a in query["answers"] if a["region"] == 2000 for r in a["records"] if r["id"] == record]
    if not found:
        sys.exit("run %d (%s): region A's answer lacks record %d" % (run, kind, record))
blocks = query["ended_at"] - (query["deadline"] - 40)
print(json.dumps({"kind": kind, "run": run, "query": query["query"]["nonce"], "seconds": millis / 1000, "relay_blocks": blocks}))
PY
		tail -1 "$work/runs.jsonl"
		nonce="$(tail -1 "$work/runs.jsonl" | json 'v["query"]')"
		EHR_URL="$url" "$ehr" --json query dismiss --key doctor "$nonce" >/dev/null
	done
done
summarize
