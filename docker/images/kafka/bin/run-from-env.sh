#!/usr/bin/env bash
# Starts a KRaft broker configured from the environment, as the official apache/kafka image does:
# KAFKA_FOO_BAR=x becomes foo.bar=x (`__` → `_`, `___` → `-`); KAFKA_HEAP_OPTS and KAFKA_OPTS go
# to the JVM. On first start the log directory is formatted with CLUSTER_ID.
set -euo pipefail
conf=/etc/kafka/server.properties
: >"$conf"
while IFS='=' read -r name value; do
  case "$name" in
  KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_VERSION) continue ;;
  KAFKA_*)
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    printf '%s=%s\n' "$key" "$value" >>"$conf"
    ;;
  esac
done < <(env)

: "${CLUSTER_ID:?CLUSTER_ID must be set (base64url of 16 bytes), as for the official image}"
log_dirs="$(sed -n 's/^log\.dirs=//p' "$conf")"
log_dirs="${log_dirs:-/tmp/kafka-logs}"
classpath='/opt/kafka/libs/*'
log4j="-Dlog4j.configuration=file:/opt/kafka/config/log4j.properties"
if [[ ! -f "${log_dirs%%,*}/meta.properties" ]]; then
  java -cp "$classpath" "$log4j" kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id "$CLUSTER_ID" --config "$conf"
fi
# shellcheck disable=SC2086 # the option strings hold several JVM flags each
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true} \
  ${KAFKA_OPTS:-} "$log4j" -cp "$classpath" kafka.Kafka "$conf"
