#!/usr/bin/env bash
# RethinkDB 2.4 for the tests: the real server, as the appliance's `rethinkdb:2.4` image runs it.
#
#   bash test/services/rethinkdb.sh            start unless a ReQL server already answers
#   bash test/services/rethinkdb.sh --restart  stop ours and start it again (data kept)
#   bash test/services/rethinkdb.sh --reset    stop ours, WIPE its data, start
#   bash test/services/rethinkdb.sh --stop     stop ours
#
# Which executable, first found wins:
#   1. QF_RETHINKDB_BIN (a path);
#   2. `rethinkdb` on PATH (RethinkDB's own Debian/Ubuntu package installs it there);
#   3. the 2.4.4 build for Debian 12 in ../shared/rethinkdb/ (QF_RETHINKDB_DIST names another
#      folder), unpacked once into $QF_SERVICES_DIR/rethinkdb/bin and checked by SHA-256.
# Its Debian runtime libraries are apt-get installed when missing. No executable at all is a
# loud failure: there is no emulator fallback, because the JavaScript emulator used before
# (RethinkDB 2.2 semantics, no array limit, a 7x faster write path) hid real problems.
#
# Everything lives in $QF_SERVICES_DIR/rethinkdb (default ~/.cache/quoteflow-services/rethinkdb):
#   bin/rethinkdb   the unpacked server      data/   its data directory
#   rethinkdb.log   its output               rethinkdb.pid
#   server-path     the executable in use (test/support/rethinkdb-process.ts starts private
#                   servers with it for tests that stop and restart the database)
#
# QF_RETHINKDB_URL (default rethinkdb://127.0.0.1:28015/quoteflow) says where tests connect. If it
# names another host, nothing is started: we only check that it answers.
# QF_RETHINKDB_CACHE_MB (default 1024) bounds the server's page cache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

action=start
case "${1:-}" in
  "") ;;
  --restart) action=restart ;;
  --reset) action=reset ;;
  --stop) action=stop ;;
  *) echo "usage: $0 [--restart|--reset|--stop]" >&2; exit 2 ;;
esac

url="${QF_RETHINKDB_URL:-rethinkdb://127.0.0.1:28015/quoteflow}"
hostport="${url#rethinkdb://}"
hostport="${hostport#*@}"
hostport="${hostport%%/*}"
if [[ "$hostport" == \[*\]* ]]; then # [::1]:28015
  host="${hostport%%]*}" host="${host#[}"
  port="${hostport##*]}" port="${port#:}"
else
  host="${hostport%%:*}"
  port=""
  [[ "$hostport" == *:* ]] && port="${hostport##*:}"
fi
port="${port:-28015}"
[[ -n "$host" && "$port" =~ ^[0-9]+$ ]] || die rethinkdb "cannot parse QF_RETHINKDB_URL=$url"

dir="$QF_SERVICES_DIR/rethinkdb"
data="$dir/data"
pidfile="$dir/rethinkdb.pid"
logfile="$dir/rethinkdb.log"
mkdir -p "$dir"
wait_js="$QF_REPO_ROOT/test/services/wait-rethinkdb.mjs"
export QF_RETHINKDB_URL="$url"

answers() { node "$wait_js" --quiet --timeout "${1:-2000}" ${2:+--pid "$2"} 2>>"$logfile"; }

case "$host" in
  127.0.0.1 | localhost | ::1) ;;
  *)
    [[ "$action" == start ]] || die rethinkdb "--$action only applies to a local server (QF_RETHINKDB_URL=$url)"
    node "$wait_js" --quiet --timeout 30000 ||
      die rethinkdb "QF_RETHINKDB_URL=$url does not answer (an external RethinkDB is expected there)"
    exit 0
    ;;
esac

# ---------------------------------------------------------------- the executable
dist="${QF_RETHINKDB_DIST:-$QF_REPO_ROOT/../shared/rethinkdb}"
packed="$dist/rethinkdb-2.4.4-debian12-amd64.xz"
packed_sha256=19215585c162043769ea06e98b21ee5e1da1b30d878d5b5a6dd12a859c203d95
runtime_packages=(libre2-9 libprotobuf32 libjemalloc2 libcurl4)

find_binary() {
  if [[ -n "${QF_RETHINKDB_BIN:-}" ]]; then
    [[ -x "$QF_RETHINKDB_BIN" ]] || die rethinkdb "QF_RETHINKDB_BIN=$QF_RETHINKDB_BIN is not an executable file"
    echo "$QF_RETHINKDB_BIN"
  elif command -v rethinkdb >/dev/null 2>&1; then
    command -v rethinkdb
  else
    local unpacked="$dir/bin/rethinkdb"
    if [[ ! -x "$unpacked" ]] || ! sha256sum "$unpacked" | grep -q "^$packed_sha256 "; then
      [[ -r "$packed" ]] || die rethinkdb "no RethinkDB server: QF_RETHINKDB_BIN is unset, no rethinkdb on PATH, and $packed is missing (install RethinkDB 2.4, or put shared/ beside the repository)"
      log rethinkdb "unpacking $packed"
      mkdir -p "$dir/bin"
      xz -dc "$packed" >"$unpacked.tmp"
      sha256sum "$unpacked.tmp" | grep -q "^$packed_sha256 " ||
        die rethinkdb "$packed unpacks to an executable whose SHA-256 is not $packed_sha256"
      chmod +x "$unpacked.tmp"
      mv "$unpacked.tmp" "$unpacked"
    fi
    echo "$unpacked"
  fi
}

# Installs the Debian libraries the server links against when the loader cannot find one.
ensure_runtime_libraries() {
  local bin="$1"
  ldd "$bin" 2>/dev/null | grep -q 'not found' || return 0
  log rethinkdb "installing its runtime libraries: ${runtime_packages[*]}"
  apt_install rethinkdb "$dir/apt.log" "${runtime_packages[@]}"
  if ldd "$bin" | grep -q 'not found'; then
    die rethinkdb "$bin still misses libraries: $(ldd "$bin" | grep 'not found' | tr -s ' \t' ' ')"
  fi
}

bin="$(find_binary)"
ensure_runtime_libraries "$bin"
echo "$bin" >"$dir/server-path"
pid="$(pid_from_file "$pidfile" rethinkdb || true)"

# ---------------------------------------------------------------- stop / restart / reset
if [[ "$action" != start ]]; then
  if [[ -n "$pid" ]]; then
    log rethinkdb "stopping pid $pid"
    stop_pid "$pid" 30 # SIGTERM: the server flushes and exits cleanly
    rm -f "$pidfile"
  elif port_open "$host" "$port"; then
    die rethinkdb "something on $host:$port was not started by this script (no live pid file $pidfile); not touching it"
  fi
  if [[ "$action" == reset ]]; then
    log rethinkdb "wiping $data"
    rm -rf "$data"
  fi
  [[ "$action" == stop ]] && exit 0
  pid=""
fi

# ---------------------------------------------------------------- reuse a running server
if port_open "$host" "$port"; then
  if answers 10000 "$pid"; then
    exit 0
  fi
  die rethinkdb "$host:$port accepts connections but does not answer as a ReQL server" "$logfile"
fi

if [[ -n "$pid" ]]; then
  log rethinkdb "pid $pid is alive but $host:$port is closed; restarting it"
  stop_pid "$pid" 30
fi

# ---------------------------------------------------------------- start
version="$("$bin" --version 2>&1 | head -n 1)"
[[ "$version" == "rethinkdb 2.4."* ]] || log rethinkdb "warning: $bin is '$version'; Quoteflow targets RethinkDB 2.4"

log rethinkdb "starting $version on $host:$port (data $data)"
# Foreground (no --daemon), so start_detached's pid file names the server itself.
# --no-http-admin: the Debian 12 build has no web UI; --bind: loopback only; the cluster port
# follows the driver port so a second server (test/support/rethinkdb-process.ts) can sit beside it.
start_detached "$pidfile" "$logfile" "$bin" \
  --no-http-admin --no-update-check \
  --bind "$host" --driver-port "$port" --cluster-port "$((port + 1000))" \
  --directory "$data" --cache-size "${QF_RETHINKDB_CACHE_MB:-1024}"
pid="$(<"$pidfile")"

wait_for_port "$host" "$port" 60 "$pid" || {
  rc=$?
  ((rc == 2)) && die rethinkdb "rethinkdb (pid $pid) exited during startup" "$logfile"
  die rethinkdb "rethinkdb (pid $pid) did not open $host:$port within 60 s" "$logfile"
}
answers 30000 "$pid" || die rethinkdb "rethinkdb (pid $pid) opened $host:$port but a driver connect fails" "$logfile"
