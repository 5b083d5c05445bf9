import { expect } from 'chai';
import { quote, remove, stranger } from '../../support/trip-records.js';
import { parseConfig } from '../../../lib/config/load-config.js';
import { resolutionRules } from '../../../lib/resolution/rules.js';
import { resolve } from '../../support/resolve-helper.js';

const other = stranger(1);

function clusters(lines: ReturnType<typeof resolve>): Record<string, string> {
  return Object.fromEntries(lines.map((line) => [line.id, line.clusterId ?? '']));
}

describe('duplicate resolution', () => {
  describe('when two quotes have the same customer, stations and times', () => {
    it('should put them in one cluster named after the earliest quote', () => {
      const lines = resolve([
        quote('2', { quotedAt: '2026-06-25T21:00:00Z' }),
        quote('1', { source: 'autoeurope', quotedAt: '2026-06-25T20:00:00Z', carGroup: 'CDMR' }),
      ]);
      expect(lines).to.deep.equal([
        { type: 'quote', id: 'autoeurope:1', clusterId: 'autoeurope:1' },
        { type: 'quote', id: 'rentalcars:2', clusterId: 'autoeurope:1' },
      ]);
    });
    it('should name the cluster after the smallest id when quotedAt ties', () => {
      expect(clusters(resolve([quote('b'), quote('a')]))).to.deep.equal({
        'rentalcars:a': 'rentalcars:a',
        'rentalcars:b': 'rentalcars:a',
      });
    });
  });

  describe('when the customer matches on one key only', () => {
    const base = { email: null, phone: null, name: null };
    it('should match on email with gmail dots, googlemail and +tags', () => {
      const lines = resolve([
        quote('1', { customer: { ...base, email: 'mario.rossi@gmail.com' } }),
        quote('2', { customer: { ...base, email: 'MarioRossi+cars@googlemail.com' } }),
      ]);
      expect(new Set(lines.map((l) => l.clusterId))).to.have.length(1);
    });
    it('should match on phone written as 0039, (+39) or bare', () => {
      const lines = resolve([
        quote('1', { customer: { ...base, phone: '0039 347 1234567' } }),
        quote('2', { customer: { ...base, phone: '(+39) 347 123-4567' } }),
        quote('3', { customer: { ...base, phone: '3471234567' } }),
      ]);
      expect(new Set(lines.map((l) => l.clusterId))).to.have.length(1);
    });
    it('should match on name with accents and word order', () => {
      const lines = resolve([
        quote('1', { customer: { ...base, name: 'Niccolò Rossi' } }),
        quote('2', { customer: { ...base, name: 'ROSSI, NICCOLO' } }),
      ]);
      expect(new Set(lines.map((l) => l.clusterId))).to.have.length(1);
    });
    it('should not match when only absent keys are equal', () => {
      const lines = resolve([quote('1', { customer: base }), quote('2', { customer: null })]);
      expect(new Set(lines.map((l) => l.clusterId))).to.have.length(2);
    });
  });

  describe('when a near miss is one rule away', () => {
    const cases: [string, Parameters<typeof quote>[1]][] = [
      ['a different person on the same trip', { customer: other }],
      ['the same person the next day', { pickup: { station: 'BGY', at: '2026-07-02T07:36:00Z' } }],
      ['pickup 3h01m apart', { pickup: { station: 'BGY', at: '2026-07-01T10:37:00Z' } }],
      ['drop-off 3h01m apart', { dropoff: { station: 'BGY', at: '2026-07-11T02:35:00Z' } }],
      ['quoted 14 days and a minute apart', { quotedAt: '2026-07-09T20:15:00Z' }],
      ['another pickup station', { pickup: { station: 'MXP', at: '2026-07-01T07:36:00Z' } }],
      ['another drop-off station', { dropoff: { station: 'LIN', at: '2026-07-11T05:36:00Z' } }],
    ];
    for (const [name, overrides] of cases) {
      it(`should keep apart ${name}`, () => {
        const lines = resolve([quote('1'), quote('2', overrides)]);
        expect(clusters(lines)).to.deep.equal({
          'rentalcars:1': 'rentalcars:1',
          'rentalcars:2': 'rentalcars:2',
        });
      });
    }
    it('should join at exactly 3 hours and exactly 14 days', () => {
      const lines = resolve([
        quote('1'),
        quote('2', {
          quotedAt: '2026-07-09T20:14:00Z',
          pickup: { station: ' bgy ', at: '2026-07-01T10:36:00Z' },
          dropoff: { station: 'BGY', at: '2026-07-11T02:36:00Z' },
        }),
      ]);
      expect(clusters(lines)).to.deep.equal({
        'rentalcars:1': 'rentalcars:1',
        'rentalcars:2': 'rentalcars:1',
      });
    });
  });

  describe('when timestamps carry no offset', () => {
    it('should read them in the source time zone', () => {
      const rules = resolutionRules(parseConfig('', {}).config.resolution, [
        { name: 'rome', timezone: 'Europe/Rome' } as never,
      ]);
      const lines = resolve(
        [
          quote('1', { source: 'rome', pickup: { station: 'BGY', at: '2026-07-01T10:00:00' } }),
          quote('2', { pickup: { station: 'BGY', at: '2026-07-01T05:00:00Z' } }),
        ],
        rules,
      );
      // 10:00 Rome = 08:00Z, 3h from 05:00Z; read as UTC it would be 5h apart.
      expect(new Set(lines.map((l) => l.clusterId))).to.have.length(1);
    });
  });

  describe('when duplicates chain', () => {
    const chain = [
      quote('1', { pickup: { station: 'BGY', at: '2026-07-01T06:00:00Z' } }),
      quote('2', { pickup: { station: 'BGY', at: '2026-07-01T08:30:00Z' } }),
      quote('3', { pickup: { station: 'BGY', at: '2026-07-01T11:00:00Z' } }),
    ];
    it('should merge transitively, whatever the order', () => {
      const expected = {
        'rentalcars:1': 'rentalcars:1',
        'rentalcars:2': 'rentalcars:1',
        'rentalcars:3': 'rentalcars:1',
      };
      expect(clusters(resolve([chain[0]!, chain[2]!, chain[1]!]))).to.deep.equal(expected);
      expect(clusters(resolve([chain[2]!, chain[0]!, chain[1]!]))).to.deep.equal(expected);
    });
    it('should split when the bridge is deleted', () => {
      const lines = resolve([...chain, remove('quote', 'rentalcars:2', 2)]);
      expect(clusters(lines)).to.deep.equal({
        'rentalcars:1': 'rentalcars:1',
        'rentalcars:3': 'rentalcars:3',
      });
    });
    it('should split when the bridge moves away', () => {
      const lines = resolve([...chain, quote('2', { version: 2, customer: other })]);
      expect(clusters(lines)).to.deep.equal({
        'rentalcars:1': 'rentalcars:1',
        'rentalcars:2': 'rentalcars:2',
        'rentalcars:3': 'rentalcars:3',
      });
    });
  });

  describe('when versions arrive out of order or twice', () => {
    const v1 = quote('2', { version: 1, customer: other });
    const v2 = quote('2', { version: 2 });
    it('should keep the highest version whatever the order', () => {
      const expected = { 'rentalcars:1': 'rentalcars:1', 'rentalcars:2': 'rentalcars:1' };
      expect(clusters(resolve([quote('1'), v2, v1]))).to.deep.equal(expected);
      expect(clusters(resolve([quote('1'), v1, v2]))).to.deep.equal(expected);
    });
    it('should change nothing on a replay', () => {
      expect(resolve([quote('1'), v2, v2, quote('1')])).to.deep.equal(resolve([quote('1'), v2]));
    });
    it('should not revive a deleted record with an older version', () => {
      const lines = resolve([quote('1'), remove('quote', 'rentalcars:1', 3), quote('1', { version: 2 })]);
      expect(lines).to.deep.equal([]);
    });
    it('should keep an upsert over the removal of the same version in either order (a station move)', () => {
      // A connector removes the row under its old stations with the version that moved it, then
      // sends it under the new ones; both may land in one partition.
      const moved = quote('1', { version: 5 });
      const kept = resolve([moved]);
      expect(kept).to.have.length(1);
      expect(resolve([quote('1', { version: 4 }), remove('quote', 'rentalcars:1', 5), moved])).to.deep.equal(
        kept,
      );
      expect(resolve([moved, remove('quote', 'rentalcars:1', 5)])).to.deep.equal(kept);
    });
    it('should compare timestamp versions by instant', () => {
      const lines = resolve([
        quote('1', { version: '2026-06-25T20:14:00.5Z', carGroup: 'NEW' }),
        remove('quote', 'rentalcars:1', '2026-06-25T20:14:00.25Z'),
      ]);
      expect(lines).to.have.length(1);
    });
  });
});
