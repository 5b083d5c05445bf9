#!/usr/bin/env bash
# Runs every benchmark script; each prints what it measured and a ratio against its own baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsx bench/processor.ts
