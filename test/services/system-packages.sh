#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when they are missing.
#   docker-compose  Debian's 1.29 Python client: validates compose.yaml (`docker-compose config -q`)
#   chromium        headless browser for the dashboard tests (playwright-core drives /usr/bin/chromium)
#   fonts-liberation  fonts for chromium (installed with --no-install-recommends, so ask explicitly)
# --no-install-recommends: docker-compose recommends docker.io, an engine we neither want nor can run.
# Silent when everything is present. `apt-get update` runs once, only if something must be installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# package[:command-that-must-exist]
wanted=(
  "docker-compose:docker-compose"
  "chromium:chromium"
  "fonts-liberation"
)

missing=()
for entry in "${wanted[@]}"; do
  pkg="${entry%%:*}" cmd="${entry#*:}"
  [[ "$entry" == *:* ]] || cmd=""
  if dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' &&
    { [[ -z "$cmd" ]] || command -v "$cmd" >/dev/null; }; then
    continue
  fi
  missing+=("$pkg")
done

((${#missing[@]} == 0)) && exit 0

log apt "installing missing Debian packages: ${missing[*]}"
aptlog="$QF_SERVICES_DIR/apt.log"
: >"$aptlog"
apt_install apt "$aptlog" "${missing[@]}"

for entry in "${wanted[@]}"; do
  [[ "$entry" == *:* ]] || continue
  cmd="${entry#*:}"
  command -v "$cmd" >/dev/null || die apt "'$cmd' still not on PATH after installing" "$aptlog"
done
log apt "installed: ${missing[*]}"
