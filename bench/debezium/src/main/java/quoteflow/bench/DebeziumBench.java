package quoteflow.bench;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One Debezium embedded engine reading one table and producing its change events to one Kafka
 * topic, for bench/connectors.ts.
 *
 * <pre>
 *   java -cp target/classes:target/lib/* quoteflow.bench.DebeziumBench \
 *     --connector postgres|mysql|mariadb --host H --port P --user U \
 *     --database D --table T --topic K --bootstrap-servers B \
 *     [--slot S --publication P] [--server-id N] [--settings tuned|defaults]
 * </pre>
 *
 * The database password comes from the environment variable QF_BENCH_DB_PASSWORD (empty when unset).
 * Prints one "settings: …" line (what it ran with), "started" once the connector task started,
 * and "FAILED: …" (exit 2) when the engine stops with an error. SIGTERM stops it cleanly.
 */
public final class DebeziumBench {
  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    String connector = required(args, "connector");
    Path work = Files.createTempDirectory("qf-debezium-bench");

    Map<String, String> engine = new TreeMap<>();
    engine.put("name", "qf-bench");
    engine.put("topic.prefix", "qfbench");
    engine.put("database.hostname", required(args, "host"));
    engine.put("database.port", required(args, "port"));
    engine.put("database.user", required(args, "user"));
    // From the environment, not the command line, which any user of the machine can read (ps).
    engine.put("database.password", System.getenv().getOrDefault("QF_BENCH_DB_PASSWORD", ""));
    engine.put("snapshot.mode", "no_data");
    engine.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    engine.put("offset.storage.file.filename", work.resolve("offsets.dat").toString());
    engine.put("offset.flush.interval.ms", "1000");
    // JSON without schemas, as Quoteflow's records carry none.
    engine.put("converter.schemas.enable", "false");
    engine.put("key.converter.schemas.enable", "false");
    engine.put("value.converter.schemas.enable", "false");
    String database = required(args, "database");
    String table = required(args, "table");
    switch (connector) {
      case "postgres" -> {
        engine.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        engine.put("database.dbname", database);
        engine.put("plugin.name", "pgoutput");
        engine.put("slot.name", required(args, "slot"));
        engine.put("publication.name", required(args, "publication"));
        engine.put("publication.autocreate.mode", "filtered");
        engine.put("table.include.list", "public." + table);
      }
      case "mysql", "mariadb" -> {
        engine.put(
            "connector.class",
            connector.equals("mysql")
                ? "io.debezium.connector.mysql.MySqlConnector"
                : "io.debezium.connector.mariadb.MariaDbConnector");
        engine.put("database.server.id", args.getOrDefault("server-id", "184054"));
        engine.put("database.include.list", database);
        engine.put("table.include.list", database + "." + table);
        engine.put("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        engine.put("schema.history.internal.file.filename", work.resolve("history.dat").toString());
      }
      default -> throw new IllegalArgumentException("--connector must be postgres, mysql or mariadb, got " + connector);
    }

    Map<String, String> producer = new TreeMap<>();
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, required(args, "bootstrap-servers"));
    // What Kafka Connect's worker sets for a source task's producer.
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producer.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");

    // "tuned" is the fair configuration (shared/debezium.md): Debezium's default waits up to
    // poll.interval.ms = 500 ms for a 2,048-record batch, which mostly measures the wait.
    String settings = args.getOrDefault("settings", "tuned");
    if (settings.equals("tuned")) {
      engine.put("poll.interval.ms", "20");
      producer.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1024 * 1024));
    } else if (!settings.equals("defaults")) {
      throw new IllegalArgumentException("--settings must be tuned or defaults, got " + settings);
    }
    System.out.println("settings: " + settings + " engine " + printable(engine) + " producer " + producer);

    Properties engineProps = new Properties();
    engineProps.putAll(engine);
    Properties producerProps = new Properties();
    producerProps.putAll(producer);
    KafkaProducer<String, String> kafka =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

    CountDownLatch stopped = new CountDownLatch(1);
    int[] exitCode = {0};
    DebeziumEngine<ChangeEvent<String, String>> debezium =
        DebeziumEngine.create(Json.class)
            .using(engineProps)
            .notifying(new KafkaChangeConsumer(kafka, required(args, "topic")))
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void taskStarted() {
                    System.out.println("started");
                  }
                })
            .using(
                (success, message, error) -> {
                  if (!success || error != null) {
                    exitCode[0] = 2;
                    System.out.println("FAILED: " + message + (error == null ? "" : ": " + rootCause(error)));
                  }
                  stopped.countDown();
                })
            .build();

    ExecutorService runner = Executors.newSingleThreadExecutor();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    debezium.close();
                    stopped.await();
                  } catch (Exception e) {
                    System.err.println("closing the engine: " + e);
                  }
                  kafka.close();
                }));
    runner.execute(debezium);
    stopped.await();
    runner.shutdown();
    System.out.flush();
    Runtime.getRuntime().halt(exitCode[0]);
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + argv[i]);
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    return args;
  }

  private static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  /** The settings without the password, which must never reach a log. */
  private static Map<String, String> printable(Map<String, String> engine) {
    Map<String, String> shown = new TreeMap<>(engine);
    shown.computeIfPresent("database.password", (k, v) -> "***");
    return shown;
  }

  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause == error ? error.toString() : error + " (cause: " + cause + ")";
  }
}
