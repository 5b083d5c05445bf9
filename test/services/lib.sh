# Shared helpers for the test/services/*.sh scripts. Source it, don't run it.
# shellcheck shell=bash

QF_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
QF_SERVICES_DIR="${QF_SERVICES_DIR:-$HOME/.cache/quoteflow-services}"
export QF_REPO_ROOT QF_SERVICES_DIR
mkdir -p "$QF_SERVICES_DIR"

# log <service> <message...>  (stderr, so stdout stays clean for the address list)
log() {
  local svc="$1"
  shift
  printf '[services] %-8s %s\n' "$svc" "$*" >&2
}

# die <service> <message> [logfile] [lines]
# Prints a loud error, the tail of the service's log if given, and exits 1.
die() {
  local svc="$1" msg="$2" logfile="${3:-}" lines="${4:-40}"
  {
    echo
    echo "################################################################"
    echo "## [services] $svc FAILED: $msg"
    if [[ -n "$logfile" ]]; then
      if [[ -r "$logfile" ]]; then
        echo "## last $lines lines of $logfile:"
        echo "################################################################"
        tail -n "$lines" "$logfile" | sed 's/^/   | /'
      else
        echo "## (no log at $logfile)"
      fi
    fi
    echo "################################################################"
    echo
  } >&2
  exit 1
}

# port_open <host> <port>: true when a TCP connect succeeds within 1 s.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# wait_for_port <host> <port> <seconds> [pid]
# Waits until the port accepts connections. Fails early if pid is given and dies.
wait_for_port() {
  local host="$1" port="$2" secs="$3" pid="${4:-}"
  local deadline=$((SECONDS + secs))
  while ! port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.3
  done
}

# pid_from_file <pidfile> <cmdline-substring>
# Prints the pid if the file names a live process whose command line contains
# the substring (guards against pid reuse); otherwise removes a stale file.
pid_from_file() {
  local file="$1" needle="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(<"$file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$needle"; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

# stop_pid <pid> <seconds>: TERM, wait, then KILL.
stop_pid() {
  local pid="$1" secs="${2:-30}"
  kill "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      kill -9 "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.3
  done
}

# start_detached <pidfile> <logfile> <cmd...>
# Starts cmd in its own session (survives the caller's process group being
# killed), stdout+stderr appended to logfile, its pid written to pidfile.
start_detached() {
  local pidfile="$1" logfile="$2"
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  rm -f "$pidfile"
  {
    echo
    echo "===== $(date -Is) starting: $*"
  } >>"$logfile"
  # setsid: new session; the inner bash records its own pid, then execs the command.
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "${FUNCNAME[1]:-start}" "could not start: $*" "$logfile"
}

# apt_install <service> <logfile> <package...>
# `apt-get update` then `apt-get install` (root, or through sudo). Waits up to 10 min for another
# apt/dpkg run to release its lock instead of failing at once (CI and a developer's own installs
# may overlap). Dies naming the packages, with the log's tail, on failure.
apt_install() {
  local svc="$1" aptlog="$2"
  shift 2
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "$svc" "need root (or sudo) to install: $*"
    sudo=(sudo)
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update >>"$aptlog" 2>&1 || die "$svc" "apt-get update failed" "$aptlog"
  "${apt[@]}" install -y --no-install-recommends "$@" >>"$aptlog" 2>&1 ||
    die "$svc" "apt-get install $* failed" "$aptlog"
}
