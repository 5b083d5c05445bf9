import { expect } from 'chai';
import { parseConfig } from '../../../lib/config/load-config.js';
import { connectionOptions } from '../../../lib/kafka/platformatic-options.js';

const kafkaSection = (environment: Record<string, string>) => parseConfig('', environment).config.kafka;

describe('connectionOptions (the collector producer from the kafka config section)', () => {
  it('should take brokers, client id and connect timeout, without TLS or SASL by default', () => {
    const options = connectionOptions(
      kafkaSection({ QF_KAFKA_BROKERS: 'k1:9092,k2:9092', QF_KAFKA_CLIENT_ID: 'edge-7' }),
    );
    expect(options).to.deep.equal({
      clientId: 'edge-7',
      bootstrapBrokers: ['k1:9092', 'k2:9092'],
      connectTimeout: 3000,
    });
  });

  it('should turn on TLS and map each SASL mechanism to the client name', () => {
    for (const [mechanism, expected] of [
      ['plain', 'PLAIN'],
      ['scram-sha-256', 'SCRAM-SHA-256'],
      ['scram-sha-512', 'SCRAM-SHA-512'],
    ] as const) {
      const options = connectionOptions(
        kafkaSection({
          QF_KAFKA_SSL: 'true',
          QF_KAFKA_SASL_MECHANISM: mechanism,
          QF_KAFKA_SASL_USERNAME: 'collector',
          QF_KAFKA_SASL_PASSWORD: 's3cret-pw',
        }),
      );
      expect(options.tls).to.deep.equal({});
      expect(options.sasl).to.deep.equal({
        mechanism: expected,
        username: 'collector',
        password: 's3cret-pw',
      });
    }
  });
});
