#!/usr/bin/env bash
# `npm run bench`: every benchmark, one after the other. Each prints what it measured and ratios
# against a baseline measured in the same run; none asserts anything. Needs `npm run services`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run services >/dev/null
echo "== bench/collector"
npx tsx bench/collector.ts
echo "== bench/kafka-clients"
npx tsx bench/kafka-clients.ts
echo "== bench/connectors"
npx tsx bench/connectors.ts
echo "== bench/dashboard"
npx tsx bench/dashboard.ts
echo "== bench/funnel"
npx tsx bench/funnel.ts
echo "== bench/records-pages"
npx tsx bench/records-pages.ts
echo "== bench/worker-exports"
npx tsx bench/worker-exports.ts
echo "== bench/processor"
npx tsx bench/processor.ts
echo "== bench/pipeline"
npx tsx bench/pipeline.ts
