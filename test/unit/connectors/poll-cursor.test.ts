import { expect } from 'chai';
import { cursorOrder, stepBack } from '../../../connectors/poll/poll-cursor.js';

describe('poll cursor', () => {
  describe('when stepping back a timestamp by the look-back window', () => {
    it('should keep the form the database printed, offset included', () => {
      expect(stepBack('2026-06-25 20:14:00.5', 10_000)).to.equal('2026-06-25 20:13:50.500000');
      expect(stepBack('2026-06-25 00:00:05.123456', 10_000)).to.equal('2026-06-24 23:59:55.123456');
      expect(stepBack('2026-06-25 20:14:00+02', 1000)).to.equal('2026-06-25 20:13:59.000000+02');
    });

    it('should leave an integer column alone', () => {
      expect(stepBack(42, 1000)).to.equal(42);
      expect(stepBack('42', 1000)).to.equal('42');
    });
  });

  describe('when ordering values', () => {
    it('should order timestamps by instant whatever the printed precision or offset', () => {
      expect(cursorOrder('2026-06-25 20:14:00.29')).to.equal(cursorOrder('2026-06-25 20:14:00.290000'));
      expect(cursorOrder('2026-06-25 20:14:00+02')).to.equal(cursorOrder('2026-06-25 18:14:00Z'));
      expect(cursorOrder('2026-06-25 20:14:00.000001')! > cursorOrder('2026-06-25 20:14:00')!).to.equal(true);
    });

    it('should order integers as integers', () => {
      expect(cursorOrder(9)! < cursorOrder('10')!).to.equal(true);
      expect(cursorOrder('not a value')).to.equal(undefined);
    });
  });
});
