import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { errorHandler } from '../../../dashboard/http/error-handler.js';
import { QuoteflowError } from '../../../lib/errors.js';
import { silentLogger } from '../../support/silent-logger.js';

describe('dashboard error handler', () => {
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    app.get('/down', () => {
      throw new QuoteflowError('RETHINKDB_UNAVAILABLE', 'RethinkDB connection lost: secret detail', {
        retriable: true,
      });
    });
    app.get('/bug', () => {
      throw new TypeError('x is undefined');
    });
    app.get('/refused', () => {
      throw new QuoteflowError('SOMETHING_PERMANENT', 'permanent');
    });
    app.use(errorHandler(silentLogger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 503 with Retry-After while a dependency is unavailable (a retriable error)', async () => {
    const response = await fetch(`${base}/down`);
    expect(response.status).to.equal(503);
    expect(response.headers.get('retry-after')).to.equal('5');
    const body = await response.text();
    expect(JSON.parse(body)).to.deep.equal({
      error: 'unavailable',
      message: 'the database is unavailable; try again shortly',
    });
    expect(body).not.to.include('secret detail');
  });

  it('answers 500 without details for a bug or a permanent failure', async () => {
    for (const path of ['/bug', '/refused']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).to.equal(500);
      expect(await response.json()).to.deep.equal({ error: 'internal', message: 'internal error' });
    }
  });
});
