#!/usr/bin/env bash
# Redis 7 (127.0.0.1:6379) for BullMQ. Starts it if `redis-cli ping` does not answer PONG.
# No persistence: test data does not need to survive a restart.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

redislog=/var/log/redis/ci.log
ping_ok() { [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == PONG ]]; }

ping_ok && exit 0

log redis "not running; starting redis-server"
if port_open 127.0.0.1 6379; then
  die redis "port 6379 is open but does not answer PING with PONG: $(redis-cli -h 127.0.0.1 -p 6379 ping 2>&1 || true)" "$redislog"
fi
mkdir -p /var/lib/redis /var/log/redis
out="$(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile "$redislog" 2>&1)" ||
  die redis "redis-server failed to start: $out" "$redislog"

deadline=$((SECONDS + 20))
until ping_ok; do
  ((SECONDS < deadline)) || die redis "no PONG from 127.0.0.1:6379 after 20 s" "$redislog"
  sleep 0.2
done
