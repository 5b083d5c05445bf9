import type { KafkaConfig as KafkaJsConfig, SASLOptions } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../config/schema.js';

const LEVELS: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function saslOptions(sasl: NonNullable<KafkaConfig['sasl']>): SASLOptions {
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}

/** A kafkajs client built from the `kafka` config section, logging through our logger. */
export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const options: KafkaJsConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    connectionTimeout: config.connectionTimeoutMs,
    // kafkajs' INFO level narrates every group join; warnings and errors are what operators need.
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        kafkaLogger[LEVELS[level]](extra, message);
      },
  };
  if (config.sasl) options.sasl = saslOptions(config.sasl);
  return new Kafka(options);
}
