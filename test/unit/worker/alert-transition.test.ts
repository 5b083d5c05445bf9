import { expect } from 'chai';
import type { AlertDoc } from '../../../lib/alerts/alert.js';
import { transition } from '../../../worker/alerts/alert-transition.js';
import type { Observation } from '../../../worker/checks/observation.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-27T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
const observe = (firing: boolean): Observation => ({
  check: 'connectors',
  subject: 'rentalcars',
  firing,
  summary: firing ? 'failing' : 'running',
  details: { n: 1 },
  value: null,
});

/** Runs observations through the state machine, one a minute, and lists what was notified. */
function run(sequence: boolean[], renotifyMinutes = 60, start?: AlertDoc) {
  let doc = start;
  const notices: string[] = [];
  sequence.forEach((firing, minute) => {
    const step = transition(doc, observe(firing), { now: at(minute), renotifyMs: renotifyMinutes * MINUTE });
    if (step.notify) notices.push(`${minute}:${step.notify}`);
    doc = step.next;
  });
  return { doc, notices };
}

describe('transition (alert state machine)', () => {
  describe('when a check fires and later resolves', () => {
    it('should notify once on firing and once on resolving, whatever the runs in between', () => {
      const { doc, notices } = run([false, true, true, true, false, false]);
      expect(notices).to.deep.equal(['1:firing', '4:resolved']);
      expect(doc).to.include({
        state: 'resolved',
        firedAt: at(1).toISOString(),
        resolvedAt: at(4).toISOString(),
      });
      expect(doc?.revision).to.equal(6);
    });

    it('should record fired and resolved events with the summary', () => {
      const first = transition(undefined, observe(true), { now: at(0), renotifyMs: 0 });
      expect(first.events.map((e) => e.type)).to.deep.equal(['fired']);
      const second = transition(first.next, observe(false), { now: at(1), renotifyMs: 0 });
      expect(second.events.map((e) => e.type)).to.deep.equal(['resolved']);
      expect(second.next.id).to.equal('connectors:rentalcars');
    });
  });

  describe('when a check flaps within the renotify interval', () => {
    it('should send one fire and one resolve, then notify a firing that outlasts the interval', () => {
      // fires at 0, resolves at 1, fires at 2 (suppressed), still firing at 61: notified then.
      const sequence = [true, false, true, ...Array<boolean>(59).fill(true)];
      const { notices } = run(sequence, 60);
      expect(notices).to.deep.equal(['0:firing', '1:resolved', '60:firing']);
    });

    it('should not send a resolve for a firing that was never notified', () => {
      const { notices } = run([true, false, true, false], 60);
      expect(notices).to.deep.equal(['0:firing', '1:resolved']);
    });
  });

  describe('when the alert is silenced', () => {
    it('should keep its state but notify nothing until the silence ends', () => {
      const silenced = run([false]).doc as AlertDoc;
      silenced.silencedUntil = at(3).toISOString();
      const { doc, notices } = run([false, true, true, true, true], 0, silenced);
      expect(notices).to.deep.equal(['3:firing']);
      expect(doc?.state).to.equal('firing');
    });
  });
});
