#!/usr/bin/env bash
# reqlite: a ReQL (RethinkDB wire protocol) server written in JavaScript, from the repo's
# node_modules. Data lives in memory only; a running one is reused as is.
#
#   bash test/services/reqlite.sh            start unless a server already answers
#   bash test/services/reqlite.sh --restart  stop ours (wipes its in-memory data) and start anew
#   bash test/services/reqlite.sh --stop     stop ours
#
# QF_RETHINKDB_URL (default rethinkdb://127.0.0.1:28015/quoteflow) says where tests connect.
# If it names another host (e.g. a real RethinkDB 2.4), nothing is started: we only check that
# it answers. On a local address, reqlite is started on that port when nothing answers there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

action=start
case "${1:-}" in
  "") ;;
  --restart) action=restart ;;
  --stop) action=stop ;;
  *) echo "usage: $0 [--restart|--stop]" >&2; exit 2 ;;
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
[[ -n "$host" && "$port" =~ ^[0-9]+$ ]] || die reqlite "cannot parse QF_RETHINKDB_URL=$url"

dir="$QF_SERVICES_DIR/reqlite"
pidfile="$dir/reqlite.pid"
logfile="$dir/reqlite.log"
mkdir -p "$dir"
reqlite_bin="node_modules/reqlite/bin/reqlite"
wait_js="$QF_REPO_ROOT/test/services/wait-rethinkdb.mjs"
export QF_RETHINKDB_URL="$url"

answers() { node "$wait_js" --quiet --timeout "${1:-2000}" ${2:+--pid "$2"} 2>>"$logfile"; }

case "$host" in
  127.0.0.1 | localhost | ::1) ;;
  *)
    # Not ours to start: a real RethinkDB somewhere else.
    [[ "$action" == start ]] || die reqlite "--$action only applies to a local reqlite (QF_RETHINKDB_URL=$url)"
    node "$wait_js" --quiet --timeout 30000 ||
      die reqlite "QF_RETHINKDB_URL=$url does not answer (an external RethinkDB is expected there)"
    exit 0
    ;;
esac

pid="$(pid_from_file "$pidfile" reqlite || true)"

if [[ "$action" != start ]]; then
  if [[ -n "$pid" ]]; then
    log reqlite "stopping pid $pid"
    stop_pid "$pid" 10
    rm -f "$pidfile"
  elif port_open "$host" "$port"; then
    die reqlite "something on $host:$port was not started by this script (no live pid file $pidfile); not touching it"
  fi
  [[ "$action" == stop ]] && exit 0
  pid=""
fi

if port_open "$host" "$port"; then
  # Something listens. If it speaks ReQL, reuse it (ours or not); else fail loudly.
  if answers 5000 "$pid"; then
    exit 0
  fi
  die reqlite "$host:$port accepts connections but does not answer as a ReQL server" "$logfile"
fi

if [[ -n "$pid" ]]; then
  # Our process lives but the port is closed: wedged. Replace it.
  log reqlite "pid $pid is alive but $host:$port is closed; restarting it"
  stop_pid "$pid" 10
fi

[[ -f "$QF_REPO_ROOT/$reqlite_bin" ]] ||
  die reqlite "$QF_REPO_ROOT/$reqlite_bin is missing (run npm ci)"

log reqlite "starting reqlite on port $port"
# reqlite's --driver-port adds 28015 to its value (a bug); --port-offset does what it says.
# It listens on all interfaces; there is no option to bind it to 127.0.0.1 only.
cd "$QF_REPO_ROOT"
start_detached "$pidfile" "$logfile" node "$reqlite_bin" --port-offset "$((port - 28015))"
pid="$(<"$pidfile")"

wait_for_port "$host" "$port" 20 "$pid" || {
  rc=$?
  ((rc == 2)) && die reqlite "reqlite (pid $pid) exited during startup" "$logfile"
  die reqlite "reqlite (pid $pid) did not open $host:$port within 20 s" "$logfile"
}
answers 20000 "$pid" || die reqlite "reqlite (pid $pid) opened $host:$port but a driver connect fails" "$logfile"
