import { expect } from 'chai';
import fc from 'fast-check';
import { resolutionLines } from '../../../processor/core/resolution-output.js';
import { Resolver } from '../../../processor/core/resolver.js';
import { toTripChange } from '../../../processor/core/trip-change.js';
import { defaultRules, resolve } from '../../support/resolve-helper.js';
import { finalLiveRecords, history } from '../../support/trip-arbitraries.js';

describe('Resolver (properties)', () => {
  describe('when records arrive shuffled, replayed, updated and deleted', () => {
    it('should end with the clusters and matches of a from-scratch resolution of the live records', () => {
      fc.assert(
        fc.property(history, ({ generated, arrivals, batchEnds }) => {
          const resolver = new Resolver(defaultRules);
          resolver.beginBatch();
          arrivals.forEach((record, index) => {
            resolver.apply(toTripChange(record, defaultRules));
            if (batchEnds.has(index)) {
              resolver.endBatch();
              resolver.beginBatch();
            }
          });
          resolver.endBatch();
          expect(resolutionLines(resolver)).to.deep.equal(resolve(finalLiveRecords(generated)));
        }),
        { numRuns: 200 },
      );
    });

    it('should not depend on the order of the live records', () => {
      fc.assert(
        fc.property(history, ({ generated }) => {
          const live = finalLiveRecords(generated);
          expect(resolve([...live].reverse())).to.deep.equal(resolve(live));
        }),
        { numRuns: 100 },
      );
    });
  });
});
