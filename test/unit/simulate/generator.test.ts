import { expect } from 'chai';
import type { SimAction } from '../../../simulate/actions.js';
import { Simulation } from '../../../simulate/generator.js';

const START = Date.parse('2026-06-25T10:00:00Z');
const BROKERS = ['rentalcars', 'autoeurope', 'discovercars'];

/** Runs a simulation for `seconds`, one demand a second, and returns every action in order. */
function play(seed: number, seconds: number): SimAction[] {
  const simulation = new Simulation({ seed, brokers: BROKERS, keyBase: 1000 });
  const actions: SimAction[] = [];
  for (let s = 0; s < seconds; s++) {
    simulation.demand(new Date(START + s * 1000));
    actions.push(...simulation.due(new Date(START + s * 1000)));
  }
  actions.push(...simulation.due(new Date(START + 10 * 24 * 3600 * 1000)));
  return actions;
}

describe('Simulation', () => {
  describe('when run twice with the same seed', () => {
    it('should produce the same actions', () => {
      expect(JSON.stringify(play(7, 200))).to.equal(JSON.stringify(play(7, 200)));
    });
  });

  describe('when run with another seed', () => {
    it('should produce other actions', () => {
      expect(JSON.stringify(play(7, 50))).to.not.equal(JSON.stringify(play(8, 50)));
    });
  });

  describe('when run for a while', () => {
    const actions = play(42, 500);
    const count = (type: SimAction['type']) => actions.filter((a) => a.type === type).length;

    it('should hand out actions in time order', () => {
      const times = actions.map((a) => a.at.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    });

    it('should make every kind of action', () => {
      for (const type of [
        'quote.insert',
        'quote.reprice',
        'quote.delete',
        'booking.insert',
        'booking.cancel',
        'event',
      ] as const) {
        expect(count(type), type).to.be.greaterThan(0);
      }
    });

    it('should give every broker quotes with distinct keys', () => {
      for (const broker of BROKERS) {
        const keys = actions.flatMap((a) =>
          a.type === 'quote.insert' && a.quote.source === broker ? [a.quote.key] : [],
        );
        expect(keys.length, broker).to.be.greaterThan(50);
        expect(new Set(keys).size, broker).to.equal(keys.length);
        expect(Math.min(...keys)).to.equal(1000);
      }
    });

    it('should ask several brokers for one demand (quotes outnumber demands)', () => {
      const pageViews = actions.filter((a) => a.type === 'event' && a.event.name === 'pageview').length;
      expect(pageViews).to.equal(500);
      expect(count('quote.insert')).to.be.greaterThan(1.5 * pageViews);
    });

    it('should book by reference and without one, each with its broker’s own quote reference', () => {
      const quoteRefs = new Map<string, string>();
      for (const a of actions)
        if (a.type === 'quote.insert') quoteRefs.set(`${a.quote.source}|${a.quote.quoteRef}`, a.quote.source);
      const bookings = actions.flatMap((a) => (a.type === 'booking.insert' ? [a.booking] : []));
      const byRef = bookings.filter((b) => b.quoteRef !== null);
      expect(byRef.length).to.be.greaterThan(0);
      expect(bookings.length - byRef.length).to.be.greaterThan(0);
      for (const b of byRef)
        expect(quoteRefs.has(`${b.source}|${b.quoteRef}`), String(b.quoteRef)).to.equal(true);
    });

    it('should only update, delete and cancel rows inserted before', () => {
      const inserted = new Set<string>();
      for (const a of actions) {
        if (a.type === 'quote.insert') inserted.add(`q|${a.quote.source}|${a.quote.key}`);
        if (a.type === 'booking.insert') inserted.add(`b|${a.booking.source}|${a.booking.key}`);
        if (a.type === 'quote.reprice' || a.type === 'quote.delete')
          expect(inserted.has(`q|${a.source}|${a.key}`)).to.equal(true);
        if (a.type === 'booking.cancel') expect(inserted.has(`b|${a.source}|${a.key}`)).to.equal(true);
      }
    });

    it('should send clicks that carry the quote reference', () => {
      const clicks = actions.flatMap((a) =>
        a.type === 'event' && a.event.name === 'click' ? [a.event] : [],
      );
      const refs = new Set(
        actions.flatMap((a) => (a.type === 'quote.insert' ? [`${a.quote.source}|${a.quote.quoteRef}`] : [])),
      );
      expect(clicks.length).to.be.greaterThan(0);
      for (const click of clicks)
        expect(refs.has(`${click.properties.source}|${click.properties.quoteRef}`)).to.equal(true);
    });

    it('should send the booking confirmation with the booking it names, and landing pages with campaigns', () => {
      const bookings = new Set(
        actions.flatMap((a) =>
          a.type === 'booking.insert' ? [`${a.booking.source}|${String(a.booking.key)}`] : [],
        ),
      );
      const confirmations = actions.flatMap((a) =>
        a.type === 'event' && a.event.name === 'booking confirmed' ? [a.event] : [],
      );
      expect(confirmations.length).to.be.greaterThan(0);
      for (const event of confirmations)
        expect(bookings.has(`${event.properties.source}|${event.properties.bookingRef}`)).to.equal(true);
      const campaigns = new Set(
        actions.flatMap((a) =>
          a.type === 'event' && a.event.name === 'pageview' ? [a.event.campaign ?? null] : [],
        ),
      );
      expect(campaigns).to.deep.equal(new Set(['summer-sale', 'city-breaks', 'newsletter', null]));
    });

    it('should make trips whose drop-off follows the pickup', () => {
      for (const a of actions) {
        if (a.type === 'quote.insert')
          expect(a.quote.dropoffAt.getTime()).to.be.greaterThan(a.quote.pickupAt.getTime());
      }
    });
  });

  describe('when due() is asked before anything is due', () => {
    it('should return nothing and keep the schedule', () => {
      const simulation = new Simulation({ seed: 1, brokers: ['b'], keyBase: 1 });
      simulation.demand(new Date(START));
      const backlog = simulation.backlog;
      expect(simulation.due(new Date(START - 1))).to.deep.equal([]);
      expect(simulation.backlog).to.equal(backlog);
    });
  });
});
