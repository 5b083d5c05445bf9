#!/usr/bin/env bash
# Starts (or reuses) every real service the tests need, then prints their addresses.
# Run by `npm run services`, and by `npm test` before mocha. Idempotent: when everything
# already runs it only checks, in a few seconds. Any failure is loud and exits non-zero.
#
# Env: QF_SERVICES_DIR (state: jars, data, logs, pids; default ~/.cache/quoteflow-services),
#      QF_KAFKA_BROKERS, QF_RETHINKDB_URL, QF_SKIP_SYSTEM_PACKAGES=1 (skip the apt check).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"

# One start-all at a time (two `npm test` in parallel would race to start the same broker).
# fd 9 is closed for the service scripts so the daemons they start don't inherit the lock.
exec 9>"$QF_SERVICES_DIR/start-all.lock"
if ! flock -n 9; then
  log services "another start-all.sh is running; waiting for it (up to 10 min)"
  flock -w 600 9 || die services "could not get $QF_SERVICES_DIR/start-all.lock within 10 min"
fi

run() {
  local script="$1" t0=$SECONDS
  bash "$here/$script" 9>&- || {
    echo "[services] $script failed (exit $?); see the message above" >&2
    exit 1
  }
  if ((SECONDS - t0 >= 5)); then
    log "${script%.sh}" "took $((SECONDS - t0)) s"
  fi
}

if [[ "${QF_SKIP_SYSTEM_PACKAGES:-}" != 1 ]]; then
  run system-packages.sh
fi
run postgres.sh
run mariadb.sh
run redis.sh
run rethinkdb.sh
run kafka.sh

rethink="${QF_RETHINKDB_URL:-rethinkdb://127.0.0.1:28015/quoteflow}"
rethink="${rethink#rethinkdb://}"
rethink="${rethink#*@}"
rethink="${rethink%%/*}"
[[ "$rethink" == *:* ]] || rethink="$rethink:28015"

printf '%-10s %s\n' \
  postgres "127.0.0.1:5432" \
  mariadb "127.0.0.1:3306" \
  redis "127.0.0.1:6379" \
  rethinkdb "$rethink" \
  kafka "${QF_KAFKA_BROKERS:-127.0.0.1:9092}"
