#!/usr/bin/env bash
# PostgreSQL (Debian's cluster "main", 127.0.0.1:5432, trust auth, user postgres).
# Starts it if it is down, and makes sure logical replication is possible for the CDC
# log-mode connector: wal_level=logical, max_replication_slots>=10, max_wal_senders>=10.
# Changing wal_level needs a restart; it happens once (ALTER SYSTEM persists it).
# Then checks that a logical replication connection is accepted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
export PGHOST PGPORT PGUSER PGCONNECT_TIMEOUT=3
export PGDATABASE=postgres

ver="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
[[ -n "$ver" ]] || die postgres "no cluster under /etc/postgresql (is postgresql installed?)"
pglog="/var/log/postgresql/postgresql-$ver-main.log"

psql_val() { psql -XAtqc "$1"; }

wait_ready() {
  local deadline=$((SECONDS + 60))
  until pg_isready -q -h "$PGHOST" -p "$PGPORT"; do
    ((SECONDS < deadline)) || die postgres "not accepting connections on $PGHOST:$PGPORT after 60 s" "$pglog"
    sleep 0.3
  done
}

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  log postgres "not running; starting cluster $ver/main"
  out="$(pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>&1)" ||
    die postgres "pg_ctlcluster $ver main start failed: $out" "$pglog"
  wait_ready
fi

psql_val 'SELECT 1' >/dev/null 2>&1 ||
  die postgres "pg_isready says OK but 'psql -h $PGHOST -U $PGUSER' fails: $(psql_val 'SELECT 1' 2>&1 || true)" "$pglog"

needs_restart() {
  [[ "$(psql_val 'SHOW wal_level')" == logical ]] || return 0
  (($(psql_val 'SHOW max_replication_slots') >= 10)) || return 0
  (($(psql_val 'SHOW max_wal_senders') >= 10)) || return 0
  return 1
}

if needs_restart; then
  log postgres "enabling logical replication (wal_level=logical) and restarting once"
  psql_val "ALTER SYSTEM SET wal_level = 'logical'" >/dev/null
  (($(psql_val 'SHOW max_replication_slots') >= 10)) || psql_val 'ALTER SYSTEM SET max_replication_slots = 10' >/dev/null
  (($(psql_val 'SHOW max_wal_senders') >= 10)) || psql_val 'ALTER SYSTEM SET max_wal_senders = 10' >/dev/null
  out="$(pg_ctlcluster --skip-systemctl-redirect "$ver" main restart 2>&1)" ||
    die postgres "pg_ctlcluster $ver main restart failed: $out" "$pglog"
  wait_ready
  if needs_restart; then
    die postgres "after restart: wal_level=$(psql_val 'SHOW wal_level'), max_replication_slots=$(psql_val 'SHOW max_replication_slots'), max_wal_senders=$(psql_val 'SHOW max_wal_senders'); expected logical/>=10/>=10 (settings overridden elsewhere?)" "$pglog"
  fi
fi

# A logical replication connection (what a pgoutput client opens: replication=database) is
# matched by pg_hba like an ordinary connection to that database; check that it works.
repl_err="$(psql -XAtq "host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres replication=database" \
  -c 'IDENTIFY_SYSTEM' 2>&1 >/dev/null)" ||
  die postgres "a logical replication connection (replication=database) fails: $repl_err (pg_hba.conf: $(psql_val 'SHOW hba_file'))" "$pglog"
