import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, redactUrl } from '../../lib/logger.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  describe('when a log line carries secrets', () => {
    it('should redact them by key at any of the first four levels and keep the rest', () => {
      const out = capture();
      const logger = createLogger({ name: 'test', destination: out.stream });
      logger.info(
        {
          password: 'p0',
          kafka: { sasl: { username: 'qf', password: 'p1' } },
          sources: { a: { connection: { password: 'p2', host: 'db' } } },
          headers: { authorization: 'Basic Zm9vOmJhcg==' },
          token: 'tok',
          redis: { url: 'redis://user:p3@redis:6379/0' },
        },
        'hello',
      );
      const [line] = out.lines();
      const text = JSON.stringify(line);
      for (const secret of ['p0', 'p1', 'p2', 'p3', 'Zm9vOmJhcg', 'tok"'])
        expect(text).not.to.contain(secret);
      expect(line).to.deep.include({
        service: 'test',
        msg: 'hello',
        password: '[redacted]',
        kafka: { sasl: { username: 'qf', password: '[redacted]' } },
        redis: { url: 'redis://user:***@redis:6379/0' },
      });
      expect(line?.sources).to.deep.equal({ a: { connection: { password: '[redacted]', host: 'db' } } });
    });
  });
});

describe('redactUrl', () => {
  it('should hide the password of a URL and leave other text alone', () => {
    expect(redactUrl('rethinkdb://admin:s3cret@db:28015/quoteflow')).to.equal(
      'rethinkdb://admin:***@db:28015/quoteflow',
    );
    expect(redactUrl('redis://:s3cret@redis:6379')).to.equal('redis://:***@redis:6379');
    expect(redactUrl('redis://redis:6379')).to.equal('redis://redis:6379');
    expect(redactUrl('not a url')).to.equal('not a url');
  });
});
