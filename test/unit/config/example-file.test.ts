import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import YAML from 'yaml';
import { envOverrideKeys } from '../../../lib/config/env-overrides.js';
import { configSchema, sourceSchema } from '../../../lib/config/schema.js';
import { repoRoot } from '../../support/services.js';

const example = YAML.parse(readFileSync(`${repoRoot}config/quoteflow.example.yaml`, 'utf8')) as Record<
  string,
  unknown
>;

function has(value: unknown, path: readonly string[]): boolean {
  let node = value;
  for (const key of path) {
    // A key set to null (kafka.sasl: null) is documented by the comment above it.
    if (node === null) return true;
    if (typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

describe('config/quoteflow.example.yaml', () => {
  it('should document every top-level key of the schema', () => {
    const missing = envOverrideKeys(configSchema)
      .map((key) => key.path)
      .filter((path) => !has(example, path))
      .map((path) => path.join('.'));
    expect(missing).to.deep.equal([]);
  });

  it('should document every key of a source, across its worked examples', () => {
    const sources = example.sources as Record<string, unknown>[];
    const paths = [
      ...envOverrideKeys(sourceSchema).map((key) => key.path),
      // tables.quotes / tables.bookings are optional: each worked example documents one of them.
    ].filter((path) => !(path[0] === 'tables' && path.length <= 2));
    const missing = paths
      .filter((path) => !sources.some((source) => has(source, path)))
      .map((p) => p.join('.'));
    expect(missing).to.deep.equal([]);
  });
});

describe('envOverrideKeys', () => {
  it('should name a variable after each key path', () => {
    const variables = envOverrideKeys(configSchema).map((key) => `${key.variable}:${key.kind}`);
    expect(variables).to.include.members([
      'QF_KAFKA_BROKERS:list',
      'QF_KAFKA_SSL:boolean',
      'QF_KAFKA_SASL_PASSWORD:string',
      'QF_KAFKA_TOPICS_EVENTS_PARTITIONS:number',
      'QF_RETHINKDB_URL:string',
      'QF_REDIS_URL:string',
      'QF_RESOLUTION_DUPLICATES_QUOTED_WITHIN_DAYS:number',
      'QF_SOURCES:json',
    ]);
  });
});
