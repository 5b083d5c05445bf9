#!/usr/bin/env bash
# Starts (or reuses) a container engine that Debian's docker-compose 1.29 can drive, on a machine
# without a Docker daemon: Podman's Docker-compatible API socket, plus a health-check driver.
# Idempotent: when both run it only checks them (well under a second). Prints the DOCKER_HOST to use.
#
#   export DOCKER_HOST="$(bash scripts/engine.sh)"
#
# The facts behind each setting (../shared/containers/README.md):
# - runc and cgroupfs: crun 1.8 refuses these machines' hybrid cgroup layout, and without systemd
#   there is no systemd cgroup manager;
# - default ulimits set explicitly: the process lacks CAP_SYS_RESOURCE, so Podman's own defaults
#   (raising the open-file limit) cannot be applied;
# - without systemd Podman never runs health checks by itself, so `depends_on: service_healthy`
#   would wait forever: scripts/healthcheck-driver.mjs runs them (`podman healthcheck run`).
# With a real Docker Engine none of this is needed: set DOCKER_HOST (or nothing) and skip this script.
#
# Env: QF_SERVICES_DIR (default ~/.cache/quoteflow-services), QF_PODMAN_SOCKET.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
services_dir="${QF_SERVICES_DIR:-$HOME/.cache/quoteflow-services}"
state="$services_dir/podman"
socket="${QF_PODMAN_SOCKET:-/run/podman/podman.sock}"
mkdir -p "$state" "$(dirname "$socket")"

say() { printf '[engine] %s\n' "$*" >&2; }
fail() {
  printf '\n## [engine] FAILED: %s\n' "$1" >&2
  [[ -n "${2:-}" && -r "$2" ]] && tail -n 30 "$2" | sed 's/^/   | /' >&2
  exit 1
}

# ------------------------------------------------------------------ packages (only when missing)
packages=(podman uidmap slirp4netns fuse-overlayfs netavark aardvark-dns iptables runc catatonit debootstrap docker-compose)
missing=()
for pkg in "${packages[@]}"; do
  # dpkg-query, not `dpkg -s | grep -q`: grep quitting early makes dpkg fail with SIGPIPE under pipefail.
  [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == 'install ok installed' ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  ((EUID == 0)) || fail "need root to install: ${missing[*]}"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # --no-install-recommends: docker-compose recommends docker.io, an engine we neither want nor can run.
  { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } >"$state/apt.log" 2>&1 ||
    fail "apt-get install ${missing[*]}" "$state/apt.log"
fi

# ------------------------------------------------------------------ engine settings
conf=/etc/containers/containers.conf
marker='# written by quoteflow scripts/engine.sh'
if [[ ! -e "$conf" ]] || grep -qF "$marker" "$conf"; then
  desired="$marker
[containers]
default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]
[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\""
  if [[ ! -e "$conf" || "$(<"$conf")" != "$desired" ]]; then
    mkdir -p "$(dirname "$conf")"
    printf '%s\n' "$desired" >"$conf"
  fi
else
  grep -q 'cgroup_manager *= *"cgroupfs"' "$conf" ||
    say "warning: $conf is not ours and does not set cgroup_manager = \"cgroupfs\"; containers may not start"
fi

# ------------------------------------------------------------------ the API socket
alive() { # <pidfile> <cmdline substring>
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(<"$1")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}
ping_socket() { curl -sf --max-time 5 --unix-socket "$socket" http://d/_ping >/dev/null 2>&1; }
# A process started from a directory that was deleted since (a CI clone, /tmp/fresh): the engine
# then cannot start containers (conmon: "Failed to get working directory", compose: "write child:
# broken pipe"). Such a process is stopped here and started again from /.
stop_if_orphaned() {
  local pid
  [[ -s "$1" ]] || return 0
  pid="$(<"$1")"
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *" (deleted)" ]] || return 0
  say "restarting $2: the directory it was started from was deleted"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    [[ -e "/proc/$pid" ]] || break
    sleep 0.1
  done
  rm -f "$1"
}
stop_if_orphaned "$state/service.pid" "podman system service"
stop_if_orphaned "$state/healthcheck-driver.pid" "the health-check driver"

if ! alive "$state/service.pid" "system service" || ! ping_socket; then
  if ping_socket; then
    say "reusing the engine already answering on $socket"
  else
    say "starting podman system service on $socket"
    rm -f "$socket"
    setsid nohup bash -c 'cd / && echo $$ >"$0" && exec podman system service --time=0 "unix://$1"' \
      "$state/service.pid" "$socket" >>"$state/service.log" 2>&1 </dev/null &
    for _ in $(seq 1 100); do
      ping_socket && break
      sleep 0.2
    done
    ping_socket || fail "podman system service did not answer on $socket within 20 s" "$state/service.log"
  fi
fi

# ------------------------------------------------------------------ health checks
if ! alive "$state/healthcheck-driver.pid" "healthcheck-driver.mjs"; then
  say "starting the health-check driver"
  setsid nohup bash -c 'cd / && echo $$ >"$0" && exec node "$1"' \
    "$state/healthcheck-driver.pid" "$here/healthcheck-driver.mjs" >>"$state/healthcheck-driver.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do
    [[ -s "$state/healthcheck-driver.pid" ]] && break
    sleep 0.1
  done
fi

echo "unix://$socket"
