package quoteflow.bench;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Produces every change event of a batch to one Kafka topic and marks the batch processed only
 * once Kafka acknowledged every record, as Kafka Connect's worker does: an offset Debezium stores
 * is then never ahead of what Kafka holds (the same guarantee Quoteflow's connectors give).
 */
final class KafkaChangeConsumer implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {
  private final KafkaProducer<String, String> producer;
  private final String topic;

  KafkaChangeConsumer(KafkaProducer<String, String> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  @Override
  public void handleBatch(
      List<ChangeEvent<String, String>> records,
      DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
      throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (ChangeEvent<String, String> record : records) {
      acks.add(producer.send(new ProducerRecord<>(topic, record.key(), record.value())));
    }
    for (int i = 0; i < records.size(); i++) {
      try {
        acks.get(i).get();
      } catch (ExecutionException e) {
        // Not marked processed: the engine stops and its stored offset stays before this batch.
        throw new IllegalStateException("Kafka refused a change event: " + e.getCause(), e.getCause());
      }
      committer.markProcessed(records.get(i));
    }
    committer.markBatchFinished();
  }
}
