import { QuoteflowError } from '../errors.js';

export interface RethinkdbAddress {
  host: string;
  port: number;
  db: string;
  user: string;
  password: string;
}

/** `rethinkdb://[user[:password]@]host[:port][/database]`; port 28015, user admin, db quoteflow by default. */
export function parseRethinkdbUrl(url: string): RethinkdbAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QuoteflowError('CONFIG_INVALID', 'rethinkdb.url: is not a valid URL');
  }
  if (parsed.protocol !== 'rethinkdb:')
    throw new QuoteflowError('CONFIG_INVALID', 'rethinkdb.url: must start with rethinkdb://');
  const db = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 28015 : Number(parsed.port),
    db: db === '' ? 'quoteflow' : db,
    user: parsed.username === '' ? 'admin' : decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}
