import { expect } from 'chai';
import { keysetPage } from '../../../dashboard/queries/keyset-page.js';

interface Row {
  t: string;
  id: string;
}
const keyOf = (row: Row) => ({ time: row.t, id: row.id });
const rows = (...ids: string[]): Row[] => ids.map((id) => ({ t: 'T', id }));

describe('keysetPage', () => {
  describe('when there is no cursor (the first page)', () => {
    it('should keep limit rows and point past the last one only when there are more', () => {
      expect(keysetPage(rows('a', 'b', 'c'), 2, undefined, keyOf)).to.deep.equal({
        items: rows('a', 'b'),
        start: 0,
        next: { direction: 'after', key: { time: 'T', id: 'b' }, position: 1 },
        previous: null,
      });
      expect(keysetPage(rows('a', 'b'), 2, undefined, keyOf)).to.deep.equal({
        items: rows('a', 'b'),
        start: 0,
        next: null,
        previous: null,
      });
    });
  });

  describe('when going forward from a cursor', () => {
    it('should start after the cursor row and always lead back to it', () => {
      const cursor = { direction: 'after', key: { time: 'T', id: 'b' }, position: 1 } as const;
      expect(keysetPage(rows('c', 'd'), 2, cursor, keyOf)).to.deep.equal({
        items: rows('c', 'd'),
        start: 2,
        next: null,
        previous: { direction: 'before', key: { time: 'T', id: 'c' }, position: 2 },
      });
    });
  });

  describe('when going back from a cursor', () => {
    it('should reverse the rows read backwards and say whether there are more before', () => {
      const cursor = { direction: 'before', key: { time: 'T', id: 'e' }, position: 4 } as const;
      // Read descending: d, c, and b says there is more before.
      expect(keysetPage(rows('d', 'c', 'b'), 2, cursor, keyOf)).to.deep.equal({
        items: rows('c', 'd'),
        start: 2,
        next: { direction: 'after', key: { time: 'T', id: 'd' }, position: 3 },
        previous: { direction: 'before', key: { time: 'T', id: 'c' }, position: 2 },
      });
    });

    it('should call the page the first when nothing is before it, whatever the token counted', () => {
      const cursor = { direction: 'before', key: { time: 'T', id: 'c' }, position: 7 } as const;
      expect(keysetPage(rows('b', 'a'), 2, cursor, keyOf)).to.deep.equal({
        items: rows('a', 'b'),
        start: 0,
        next: { direction: 'after', key: { time: 'T', id: 'b' }, position: 1 },
        previous: null,
      });
    });
  });
});
