#!/usr/bin/env bash
# `npm run test:compose`: the appliance under a real container engine. Starts (or reuses) Podman's
# Docker API and the health-check driver (scripts/engine.sh), builds the images compose.yaml names
# without a registry (scripts/build-images.sh, cached), then runs test/compose/*.test.ts, which
# builds the Quoteflow image with docker-compose and drives the whole stack.
# Never skips: when the engine cannot start, this fails, naming what failed.
# With a Docker Engine instead of Podman: QF_CONTAINER_CLI=docker DOCKER_HOST=… (engine.sh is skipped).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
t0=$SECONDS
if [[ "${QF_CONTAINER_CLI:-podman}" == podman ]]; then
  DOCKER_HOST="$(bash scripts/engine.sh)"
  export DOCKER_HOST
fi
bash scripts/build-images.sh
echo "[compose] engine and base images ready in $((SECONDS - t0)) s (DOCKER_HOST=${DOCKER_HOST:-default})"
exec npx mocha --no-config --node-option import=tsx --exit --timeout 60000 'test/compose/**/*.test.ts'
