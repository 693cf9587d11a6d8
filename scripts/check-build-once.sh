#!/usr/bin/env bash
# Checks that the build of the network (`build_network` in lib.sh: medfed-node, the relay chain
# node, the runtimes' wasm builder and the tools in one cargo invocation of the `network`
# profile) compiles no polkadot-sdk crate twice: not in two versions, and not twice with
# different features. Fails, naming the crates, if it does.
#
#   scripts/check-build-once.sh
#
# It runs that very build with `--message-format json`, which reports every compiled unit, fresh
# or not: seconds on a warm target directory, the whole build (52 to 76 minutes) on a cold one.
# Build tools that cargo compiles for build scripts and proc macros (the build-override profile,
# opt-level 0) are a separate compilation by design; they are listed, not counted. (The wasm
# the builder compiles is another cargo invocation, for another target, and not listed.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MEDFED_ROOT"

metadata="$(mktemp)" units="$(mktemp)"
trap 'rm -f "$metadata" "$units"' EXIT
cargo metadata --format-version 1 >"$metadata"
log "listing the units of the network's build"
network_cargo --message-format json >"$units"

python3 - "$metadata" "$units" <<'PY'
import collections, json, sys

metadata = json.load(open(sys.argv[1]))
sdk = {
    p["id"]: p["name"]
    for p in metadata["packages"]
    if "paritytech/polkadot-sdk" in (p.get("repository") or "")
}
versions = collections.defaultdict(set)   # name -> package ids compiled for the binaries
builds = collections.defaultdict(set)     # package id -> feature sets compiled for the binaries
host = set()                              # names compiled as build tools
for line in open(sys.argv[2]):
    if not line.startswith("{"):
        continue
    msg = json.loads(line)
    if msg.get("reason") != "compiler-artifact" or msg["package_id"] not in sdk:
        continue
    kinds = msg["target"]["kind"]
    if "custom-build" in kinds:
        continue
    name = sdk[msg["package_id"]]
    if msg["profile"]["opt_level"] == "0":
        host.add(name)
        continue
    versions[name].add(msg["package_id"])
    builds[msg["package_id"]].add(tuple(sorted(msg["features"])))

twice = sorted(name for name, ids in versions.items() if len(ids) > 1)
twice += sorted(sdk[pid] for pid, features in builds.items() if len(features) > 1)
both = sorted(host & versions.keys())
print(f"{len(versions)} polkadot-sdk crates compiled once for the network's binaries; "
      f"{len(host - versions.keys())} only as build tools (proc macros, build scripts' "
      f"dependencies); {len(both)} also as a build tool, by design: {', '.join(both) or 'none'}")
if not versions:
    sys.exit("error: the build reported no polkadot-sdk crate; is this the network's build?")
if twice:
    sys.exit(f"error: polkadot-sdk crates compiled twice for the binaries: {', '.join(twice)}")
print("every polkadot-sdk crate is compiled once")
PY
