#!/usr/bin/env bash
# Runs a Kafka tool class with the broker's jars, quietly (tools log warnings only).
set -euo pipefail
class="$1"
shift
exec java -Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto -Djava.awt.headless=true \
  -Dlog4j.configuration=file:/opt/kafka/config/tools-log4j.properties -cp '/opt/kafka/libs/*' "$class" "$@"
