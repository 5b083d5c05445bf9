#!/usr/bin/env bash
# Runs every benchmark; each prints what it measured and its ratio against a baseline of the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsx bench/collector.ts
