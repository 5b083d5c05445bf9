#!/usr/bin/env bash
# MariaDB (127.0.0.1:3306, root without password).
# Starts it if it is down, and makes sure the binlog is on in ROW format with full row
# images (what the MySQL/MariaDB binlog CDC connector reads). Turning the binlog on needs a
# config file and one restart; after that the config persists. Also ensures database `test`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MY=(-h127.0.0.1 -P3306 -uroot --connect-timeout=3)
errlog=/var/log/mysql/error.log
cnfdir=/etc/mysql/conf.d
cnf="$cnfdir/quoteflow-binlog.cnf"
mycnf=/etc/mysql/my.cnf

ping_ok() { mariadb-admin "${MY[@]}" ping >/dev/null 2>&1; }
sql() { mariadb "${MY[@]}" -NBe "$1"; }

server_pid() {
  local pid=""
  [[ -s /run/mysqld/mysqld.pid ]] && pid="$(</run/mysqld/mysqld.pid)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  pidof mariadbd 2>/dev/null | awk '{print $1}' | grep . || return 1
}

start_server() {
  # /run is a tmpfs: after a reboot the socket/pid directory is gone.
  install -d -o mysql -g mysql -m 755 /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd ||
    die mariadb "start-stop-daemon could not start /usr/sbin/mariadbd" "$errlog"
  local deadline=$((SECONDS + 60))
  until ping_ok; do
    if ((SECONDS >= deadline)); then
      die mariadb "not answering on 127.0.0.1:3306 after 60 s" "$errlog"
    fi
    if ((SECONDS > 3)) && ! server_pid >/dev/null; then
      sleep 1
      ping_ok && break
      server_pid >/dev/null || die mariadb "mariadbd exited during startup" "$errlog"
    fi
    sleep 0.3
  done
}

stop_server() {
  local pid
  pid="$(server_pid || true)"
  mariadb-admin "${MY[@]}" shutdown >/dev/null 2>&1 || { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; } || true
  local deadline=$((SECONDS + 60))
  while { [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; } || ping_ok; do
    ((SECONDS < deadline)) || die mariadb "did not shut down within 60 s (pid ${pid:-?})" "$errlog"
    sleep 0.3
  done
}

if ! ping_ok; then
  log mariadb "not running; starting /usr/sbin/mariadbd"
  start_server
fi

sql 'SELECT 1' >/dev/null 2>&1 ||
  die mariadb "server answers ping but 'mariadb -h127.0.0.1 -uroot' fails: $(sql 'SELECT 1' 2>&1 || true)" "$errlog"

binlog_ok() {
  [[ "$(sql "SELECT @@log_bin = 1 AND @@binlog_format = 'ROW' AND @@binlog_row_image = 'FULL'")" == 1 ]]
}

if ! binlog_ok; then
  log mariadb "enabling the ROW binlog ($cnf) and restarting once"
  mkdir -p "$cnfdir"
  cat >"$cnf" <<'EOF'
# Written by quoteflow test/services/mariadb.sh: the binlog CDC connector needs a ROW binlog
# with full row images.
[mysqld]
log_bin                    = mariadb-bin
binlog_format              = ROW
binlog_row_image           = FULL
server_id                  = 1
binlog_expire_logs_seconds = 86400
EOF
  # Debian's stock my.cnf includes conf.d; this machine's my.cnf does not. Add it only if absent.
  if ! grep -Eq '^[[:space:]]*!includedir[[:space:]]+/etc/mysql/conf\.d/?[[:space:]]*$' "$mycnf"; then
    printf '\n!includedir %s/\n' "$cnfdir" >>"$mycnf"
  fi
  stop_server
  start_server
  binlog_ok || die mariadb "after restart: $(sql 'SELECT CONCAT("log_bin=", @@log_bin, " binlog_format=", @@binlog_format, " binlog_row_image=", @@binlog_row_image)'); expected log_bin=ON binlog_format=ROW binlog_row_image=FULL (is $cnf read? check $mycnf)" "$errlog"
fi

sql 'CREATE DATABASE IF NOT EXISTS `test`' ||
  die mariadb "could not create database test" "$errlog"
