import { expect } from 'chai';
import { rollupDifferences, setDifferences } from '../../../processor/check/differences.js';

describe('check differences', () => {
  describe('rollupDifferences', () => {
    describe('when counters differ, are missing or are retracted to 0', () => {
      it('should print each differing counter by id then metric, a missing one counting as 0', () => {
        expect(
          rollupDifferences({ b: { quotes: 2, demands: 1 }, c: { bookings: 1 }, a: { quotes: 1 } }, [
            { id: 'a', counts: { quotes: 1, demands: 0 } },
            { id: 'b', counts: { quotes: 3, demands: 1 } },
            { id: 'd', counts: { quotes: 0 } },
            { id: 'e', counts: { events: 4 } },
          ]),
        ).to.deep.equal([
          'rollup b quotes: stored 3, recomputed 2',
          'rollup c bookings: stored 0, recomputed 1',
          'rollup e events: stored 4, recomputed 0',
        ]);
      });
    });
  });

  describe('setDifferences', () => {
    describe('when ids are on one side only', () => {
      it('should name the stored ones, then the expected ones', () => {
        expect(setDifferences('visitor', ['x', 'y', 'y'], new Set(['y', 'z']))).to.deep.equal([
          'visitor x: stored but not expected',
          'visitor z: expected but not stored',
        ]);
      });
    });
  });
});
