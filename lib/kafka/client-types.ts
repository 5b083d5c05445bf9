/**
 * The Kafka client's types under the names the services use. Services import these, never the
 * client package: lib/kafka is the one place that knows which client runs (lib/kafka/README.md).
 * Today they are kafkajs' own types; the durable producer (durable-producer.ts) is already an
 * interface of ours, the rest would become ones when a second client has to fit behind them.
 */
export type {
  Admin as KafkaAdmin,
  Consumer as KafkaConsumer,
  EachBatchPayload as KafkaBatchPayload,
  Kafka as KafkaClient,
  Message as KafkaMessage,
  PartitionAssigner as KafkaPartitionAssigner,
  Producer as KafkaProducer,
  TopicMessages as KafkaTopicMessages,
} from 'kafkajs';
