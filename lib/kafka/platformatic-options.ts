import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import { SASLMechanisms } from '@platformatic/kafka';
import type { KafkaConfig } from '../config/schema.js';

const MECHANISMS = {
  plain: SASLMechanisms.PLAIN,
  'scram-sha-256': SASLMechanisms.SCRAM_SHA_256,
  'scram-sha-512': SASLMechanisms.SCRAM_SHA_512,
} as const;

function saslOptions(sasl: NonNullable<KafkaConfig['sasl']>): SASLOptions {
  return { mechanism: MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password };
}

/**
 * The connection settings of a @platformatic/kafka client from the `kafka` config section, as
 * `createKafka` gives them to kafkajs: brokers, client id, TLS (`ssl: true` verifies the broker's
 * certificate against the system's CAs, as kafkajs' `ssl: true` did), SASL and the connect timeout.
 * The password goes into the client only: the client logs nothing unless DEBUG=plt:kafka:* is set,
 * and our own log lines name brokers, never these options.
 */
export function connectionOptions(config: KafkaConfig): BaseOptions {
  const options: BaseOptions = {
    clientId: config.clientId,
    bootstrapBrokers: config.brokers,
    connectTimeout: config.connectionTimeoutMs,
  };
  if (config.ssl) options.tls = {};
  if (config.sasl) options.sasl = saslOptions(config.sasl);
  return options;
}
