#!/usr/bin/env bash
# Runs every benchmark in bench/ (each prints its figures and ratios against its own baseline).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsx bench/connectors.ts
