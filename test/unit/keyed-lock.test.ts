import { expect } from 'chai';
import { KeyedLock } from '../../lib/keyed-lock.js';

describe('KeyedLock', () => {
  const gate = () => {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { open, opened };
  };

  describe('when tasks share a key', () => {
    it('should run them one at a time in the order they asked, even when one fails', async () => {
      const lock = new KeyedLock();
      const log: string[] = [];
      const first = gate();
      const a = lock.run('p0', async () => {
        log.push('a start');
        await first.opened;
        log.push('a end');
        throw new Error('a failed');
      });
      const b = lock.run('p0', () => {
        log.push('b');
        return Promise.resolve('b done');
      });
      await Promise.resolve();
      expect(log).to.deep.equal(['a start']);
      first.open();
      await a.catch(() => undefined);
      expect(await b).to.equal('b done');
      expect(log).to.deep.equal(['a start', 'a end', 'b']);
    });
  });

  describe('when tasks have different keys', () => {
    it('should run them at the same time', async () => {
      const lock = new KeyedLock();
      const blocker = gate();
      const log: string[] = [];
      const slow = lock.run('p0', async () => {
        await blocker.opened;
        log.push('p0');
      });
      await lock.run('p1', () => {
        log.push('p1');
        return Promise.resolve();
      });
      blocker.open();
      await slow;
      expect(log).to.deep.equal(['p1', 'p0']);
    });
  });
});
