import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { Shutdown } from '../../lib/shutdown.js';
import { silentLogger } from '../support/silent-logger.js';

function setup(timeoutMs = 1000) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const order: string[] = [];
  const shutdown = new Shutdown({
    logger: silentLogger,
    timeoutMs,
    exit: (code) => exits.push(code),
    signals: signals as unknown as NodeJS.Process,
  }).install();
  return { signals, exits, order, shutdown };
}

describe('Shutdown', () => {
  describe('when SIGTERM arrives', () => {
    it('should close in reverse order of registration, once, and exit 0', async () => {
      const { signals, exits, order, shutdown } = setup();
      shutdown.add('producer', () => {
        order.push('producer');
      });
      shutdown.add('http', async () => {
        // A step that really yields to the event loop (a server closing), so order is tested across it.
        await new Promise(setImmediate);
        order.push('http');
      });
      signals.emit('SIGTERM', 'SIGTERM');
      signals.emit('SIGINT', 'SIGINT');
      await shutdown.run('again');
      expect(order).to.deep.equal(['http', 'producer']);
      expect(exits).to.deep.equal([0]);
    });
  });

  describe('when the process stops because something broke', () => {
    it('should close everything and exit 1, so that its supervisor starts it again', async () => {
      const { exits, order, shutdown } = setup();
      shutdown.add('consumer', () => {
        order.push('consumer');
      });
      await shutdown.run('the Kafka consumer stopped', true);
      expect(order).to.deep.equal(['consumer']);
      expect(exits).to.deep.equal([1]);
    });
  });

  describe('when a closer fails', () => {
    it('should still run the others and exit 1', async () => {
      const { exits, order, shutdown } = setup();
      shutdown.add('first', () => {
        order.push('first');
      });
      shutdown.add('broken', () => {
        throw new Error('boom');
      });
      await shutdown.run('test');
      expect(order).to.deep.equal(['first']);
      expect(exits).to.deep.equal([1]);
    });
  });

  describe('when a closer hangs', () => {
    it('should exit 1 at the deadline', async () => {
      const { exits, shutdown } = setup(30);
      shutdown.add('stuck', () => new Promise<void>(() => undefined));
      await shutdown.run('test');
      expect(exits).to.deep.equal([1]);
    });
  });
});
