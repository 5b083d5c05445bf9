import { expect } from 'chai';
import { DeliveryChain } from '../../../connectors/log/delivery-chain.js';

/** One turn of the event loop: every promise callback queued so far has run. */
const tick = () => new Promise(setImmediate);

describe('DeliveryChain', () => {
  describe('when batches are enqueued faster than they are delivered', () => {
    it('should deliver them one at a time, in order, and count those waiting', async () => {
      const waitingAfter: number[] = [];
      const chain = new DeliveryChain((waiting) => waitingAfter.push(waiting));
      const log: string[] = [];
      const deliver = (name: string) => async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
      };
      void chain.enqueue(deliver('a'));
      void chain.enqueue(deliver('b'));
      const last = chain.enqueue(deliver('c'));
      expect(chain.waiting).to.equal(3);
      await last;
      expect(log).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
      expect(waitingAfter).to.deep.equal([2, 1, 0]);
    });
  });

  describe('when a delivery fails', () => {
    it('should deliver nothing after it, reject `failed` with its error, and still settle', async () => {
      const chain = new DeliveryChain();
      const delivered: string[] = [];
      void chain.enqueue(() => Promise.reject(new Error('Kafka said no')));
      void chain.enqueue(() => {
        delivered.push('later');
        return Promise.resolve();
      });
      await chain.settled();
      expect(delivered).to.deep.equal([]);
      expect(chain.isBroken).to.equal(true);
      let reason = '';
      await chain.failed.catch((error: unknown) => {
        reason = (error as Error).message;
      });
      expect(reason).to.equal('Kafka said no');
    });

    it('should stop delivering after a failure reported from elsewhere (the stream broke)', async () => {
      const chain = new DeliveryChain();
      chain.fail('replication stream ended');
      const delivered: string[] = [];
      await chain.enqueue(() => {
        delivered.push('after');
        return Promise.resolve();
      });
      expect(delivered).to.deep.equal([]);
      await chain.failed.catch((error: unknown) => {
        expect((error as Error).message).to.equal('replication stream ended');
      });
    });
  });
});
