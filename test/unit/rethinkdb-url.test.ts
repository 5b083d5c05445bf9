import { expect } from 'chai';
import { QuoteflowError } from '../../lib/errors.js';
import { parseRethinkdbUrl } from '../../lib/rethinkdb/rethinkdb-url.js';

describe('parseRethinkdbUrl', () => {
  it('should read every part', () => {
    expect(parseRethinkdbUrl('rethinkdb://qf:p%40ss@db.local:29015/analytics')).to.deep.equal({
      host: 'db.local',
      port: 29015,
      db: 'analytics',
      user: 'qf',
      password: 'p@ss',
    });
  });

  it('should fill the defaults', () => {
    expect(parseRethinkdbUrl('rethinkdb://rethinkdb')).to.deep.equal({
      host: 'rethinkdb',
      port: 28015,
      db: 'quoteflow',
      user: 'admin',
      password: '',
    });
  });

  it('should reject another scheme without echoing the URL', () => {
    expect(() => parseRethinkdbUrl('http://u:secret@h')).to.throw(
      QuoteflowError,
      /^rethinkdb.url: must start/,
    );
    expect(() => parseRethinkdbUrl('::')).to.throw(QuoteflowError, /not a valid URL/);
  });
});
