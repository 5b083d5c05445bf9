#!/usr/bin/env bash
# Apache Kafka 3.9 broker for the tests: the real broker from its jars on Maven Central
# (test/kafka/pom.xml), single node in KRaft mode (broker + controller in one process).
#
#   bash test/services/kafka.sh            start unless a broker already answers on 9092
#   bash test/services/kafka.sh --restart  stop ours and start it again (data kept)
#   bash test/services/kafka.sh --reset    stop ours, WIPE its data (topics, offsets), format, start
#   bash test/services/kafka.sh --stop     stop ours
#
# Everything lives in $QF_SERVICES_DIR/kafka (default ~/.cache/quoteflow-services/kafka):
#   libs/       jars (copied by mvn; refreshed when the pom's hash changes)
#   config/     server.properties, log4j.properties (rewritten on every start)
#   data/       log.dirs and KRaft metadata (formatted once: meta.properties)
#   logs/       server.log (broker), kafka.out (stdout/stderr), format.log, mvn.log
#   kafka.pid
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

HOST=127.0.0.1
PORT=9092
CONTROLLER_PORT=9093
export QF_KAFKA_BROKERS="${QF_KAFKA_BROKERS:-$HOST:$PORT}"
wait_js="$QF_REPO_ROOT/test/services/wait-kafka.mjs"

# QF_KAFKA_BROKERS naming other brokers (a real cluster): nothing to start, only check it answers.
case "$QF_KAFKA_BROKERS" in
  "$HOST:$PORT" | "localhost:$PORT") ;;
  *)
    [[ "$action" == start ]] || die kafka "--$action only applies to the local broker (QF_KAFKA_BROKERS=$QF_KAFKA_BROKERS)"
    node "$wait_js" --quiet ||
      die kafka "QF_KAFKA_BROKERS=$QF_KAFKA_BROKERS does not answer (external brokers are expected there)"
    exit 0
    ;;
esac

dir="$QF_SERVICES_DIR/kafka"
libs="$dir/libs"
confdir="$dir/config"
data="$dir/data"
logs="$dir/logs"
pidfile="$dir/kafka.pid"
pom="$QF_REPO_ROOT/test/kafka/pom.xml"
mkdir -p "$dir" "$confdir" "$data" "$logs"

broker_answers() { node "$wait_js" --quiet --timeout "$1" ${2:+--pid "$2"}; }

pid="$(pid_from_file "$pidfile" kafka.Kafka || true)"

# ---------------------------------------------------------------- stop / restart / reset
if [[ "$action" != start ]]; then
  if [[ -n "$pid" ]]; then
    log kafka "stopping broker pid $pid"
    stop_pid "$pid" 60 # a clean shutdown flushes and writes the clean-shutdown marker
    rm -f "$pidfile"
  elif port_open "$HOST" "$PORT"; then
    die kafka "$HOST:$PORT is served by a process this script did not start (no live $pidfile); stop it yourself"
  fi
  if [[ "$action" == reset ]]; then
    log kafka "wiping $data"
    rm -rf "$data"
    mkdir -p "$data"
  fi
  [[ "$action" == stop ]] && exit 0
  pid=""
fi

# ---------------------------------------------------------------- reuse a running broker
if port_open "$HOST" "$PORT"; then
  if [[ -n "$pid" ]]; then
    # Ours; it may still be starting up.
    broker_answers 60000 "$pid" >/dev/null 2>"$logs/wait.err" ||
      die kafka "our broker (pid $pid) listens on $PORT but does not answer: $(cat "$logs/wait.err"); try: bash test/services/kafka.sh --restart (or --reset to wipe its data)" "$logs/server.log"
  else
    broker_answers 10000 >/dev/null 2>"$logs/wait.err" ||
      die kafka "$HOST:$PORT is open but does not answer as a Kafka broker: $(cat "$logs/wait.err")"
  fi
  if [[ -f "$libs/.pom.sha256" ]] && [[ "$(sha256sum <"$pom" | cut -d' ' -f1)" != "$(<"$libs/.pom.sha256")" ]]; then
    log kafka "note: test/kafka/pom.xml changed; the running broker uses the old jars (bash test/services/kafka.sh --restart)"
  fi
  exit 0
fi

if [[ -n "$pid" ]]; then
  # Our JVM is alive but the port is closed: still starting, or wedged.
  if ! wait_for_port "$HOST" "$PORT" 30 "$pid"; then
    if kill -0 "$pid" 2>/dev/null; then
      log kafka "broker pid $pid alive but $PORT closed after 30 s; restarting it"
      stop_pid "$pid" 30
    fi
    rm -f "$pidfile"
  else
    broker_answers 60000 "$pid" >/dev/null 2>"$logs/wait.err" ||
      die kafka "our broker (pid $pid) does not answer: $(cat "$logs/wait.err")" "$logs/server.log"
    exit 0
  fi
fi

# ---------------------------------------------------------------- jars
command -v java >/dev/null || die kafka "java not found (apt-get install openjdk-17-jre-headless)"
pom_hash="$(sha256sum <"$pom" | cut -d' ' -f1)"
if [[ ! -f "$libs/.pom.sha256" || "$(<"$libs/.pom.sha256")" != "$pom_hash" ]] ||
  ! compgen -G "$libs/kafka_2.13-*.jar" >/dev/null; then
  command -v mvn >/dev/null || die kafka "mvn not found (apt-get install maven)"
  log kafka "fetching broker jars from Maven Central (test/kafka/pom.xml) into $libs"
  rm -rf "$libs.tmp"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
    -DoutputDirectory="$libs.tmp" >"$logs/mvn.log" 2>&1 ||
    die kafka "mvn dependency:copy-dependencies failed" "$logs/mvn.log"
  compgen -G "$libs.tmp/kafka_2.13-*.jar" >/dev/null || die kafka "mvn produced no kafka_2.13 jar" "$logs/mvn.log"
  echo "$pom_hash" >"$libs.tmp/.pom.sha256"
  rm -rf "$libs"
  mv "$libs.tmp" "$libs"
fi
cp="$libs/*"

# ---------------------------------------------------------------- config
cat >"$confdir/server.properties" <<EOF
# Generated by test/services/kafka.sh on every start; edit the script, not this file.
# Single-node KRaft: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Consumer groups start at once instead of waiting 3 s for more members (tests join one by one).
group.initial.rebalance.delay.ms=0
# Off on purpose: Quoteflow creates its topics explicitly (with their partition counts), as it
# must against a production cluster where auto-creation is usually off. A producer or consumer
# that relies on auto-creation fails here, as it would there.
auto.create.topics.enable=false
delete.topic.enable=true
# After a crash (kill -9) the restarted broker cannot register until the old registration's
# session expires (default 9 s). Shorter heartbeats/session make that ~5 s; still far above any
# GC pause of this small heap.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
# Small segments / short retention: this is a test broker.
log.segment.bytes=67108864
log.retention.hours=24
log.retention.check.interval.ms=60000
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF

cat >"$confdir/log4j.properties" <<EOF
# Generated by test/services/kafka.sh. Broker log: $logs/server.log
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$logs/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF

JAVA_LOG=(-Dlog4j.configuration="file:$confdir/log4j.properties" -Dkafka.logs.dir="$logs")

# ---------------------------------------------------------------- format (once)
if [[ ! -f "$data/meta.properties" ]]; then
  cluster_id="$(java -cp "$cp" "${JAVA_LOG[@]}" kafka.tools.StorageTool random-uuid 2>>"$logs/format.log")" ||
    die kafka "StorageTool random-uuid failed" "$logs/format.log"
  log kafka "formatting $data (cluster id $cluster_id)"
  java -cp "$cp" "${JAVA_LOG[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$confdir/server.properties" >>"$logs/format.log" 2>&1 ||
    die kafka "StorageTool format failed" "$logs/format.log"
fi

# ---------------------------------------------------------------- start
log kafka "starting broker (Kafka $(basename "$(compgen -G "$libs/kafka_2.13-*.jar")" .jar | sed 's/kafka_2.13-//'), KRaft) on $HOST:$PORT"
count_lines() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }
srv_lines="$(count_lines "$logs/server.log")"
out_lines="$(count_lines "$logs/kafka.out")"
start_detached "$pidfile" "$logs/kafka.out" \
  java -Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  "${JAVA_LOG[@]}" -cp "$cp" kafka.Kafka "$confdir/server.properties"
pid="$(<"$pidfile")"

broker_answers "${QF_KAFKA_WAIT_MS:-60000}" "$pid" >/dev/null 2>"$logs/wait.err" || {
  reason="$(cat "$logs/wait.err")"
  hint="if the data is corrupt, locked or from another cluster: bash test/services/kafka.sh --reset (wipes topics)"
  {
    echo
    echo "--- kafka: ERROR/FATAL lines of $logs/server.log since this start:"
    tail -n "+$((srv_lines + 1))" "$logs/server.log" 2>/dev/null |
      grep -E -A6 '^\[[^]]+\] (ERROR|FATAL) ' | head -n 60 | sed 's/^/   | /' || echo "   | (none)"
    echo "--- kafka: stdout/stderr ($logs/kafka.out) since this start:"
    tail -n "+$((out_lines + 1))" "$logs/kafka.out" | tail -n 20 | sed 's/^/   | /'
  } >&2
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pidfile"
    die kafka "broker (pid $pid) exited during startup. $reason; $hint" "$logs/server.log" 12
  fi
  die kafka "broker (pid $pid) runs but does not answer. $reason; $hint" "$logs/server.log" 12
}
log kafka "broker up (pid $pid)"
