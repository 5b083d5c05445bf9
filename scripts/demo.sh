#!/usr/bin/env bash
# One command to see Quoteflow run: `bash scripts/demo.sh`. Starts the appliance with the demo
# profile (a broker database and `quoteflow simulate`) and prints the dashboard's address and a
# sign-in. With Docker Engine it uses `docker compose` (images from Docker Hub); on a machine with
# no Docker daemon it sets up Podman and builds every image locally (scripts/engine.sh,
# scripts/build-images.sh). Idempotent: run it again to see the address; stop with
# `docker compose --profile demo down` (add -v to delete the data).
#
# The first run writes .env with a random session secret and a first admin (demo@example.com and a
# random password, printed below) unless .env already sets them.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  DOCKER_HOST="$(bash scripts/engine.sh)"
  export DOCKER_HOST
  bash scripts/build-images.sh >&2
  compose=(docker-compose)
fi

touch .env
if ! grep -q '^QF_DASHBOARD_SESSION_SECRET=.' .env; then
  echo "QF_DASHBOARD_SESSION_SECRET=$(head -c 36 /dev/urandom | base64 | tr -d '\n')" >>.env
fi
if ! grep -q '^QF_DASHBOARD_ADMIN_EMAIL=.' .env; then
  password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=\n')"
  printf 'QF_DASHBOARD_ADMIN_EMAIL=demo@example.com\nQF_DASHBOARD_ADMIN_PASSWORD=%s\n' "$password" >>.env
fi

"${compose[@]}" --profile demo up -d --build
port="$(sed -n 's/^QF_DASHBOARD_PORT=//p' .env | tail -1)"
url="http://localhost:${port:-8080}"
echo "waiting for the dashboard at $url ..." >&2
for _ in $(seq 1 180); do
  curl -sf "$url/healthz" >/dev/null 2>&1 && break
  sleep 2
done
curl -sf "$url/healthz" >/dev/null || { echo "the dashboard did not answer; see: ${compose[*]} logs dashboard" >&2; exit 1; }
cat <<MSG
Quoteflow is running: $url
Sign in as $(sed -n 's/^QF_DASHBOARD_ADMIN_EMAIL=//p' .env | tail -1) with the password in .env (QF_DASHBOARD_ADMIN_PASSWORD).
Live KPIs appear within a minute or two as the simulated brokers write quotes and bookings.
MSG
