import { expect } from 'chai';
import { identityDifferences } from '../../../processor/check/identity-links.js';
import type { IdentityLink } from '../../../processor/core/identity.js';

const link: IdentityLink = {
  id: 'e1',
  via: 'identify',
  project: 'website',
  anonymousId: 'a1',
  userId: 'u1',
  email: 'mariorossi@gmail.com',
  phone: null,
  traits: { email: 'Mario.Rossi@gmail.com', plan: { name: 'gold', seats: 2 } },
  at: '2026-11-27T12:00:00.000Z',
  partition: 1,
};

describe('identityDifferences', () => {
  it('should find none when the stored document holds the same values, whatever its key order', () => {
    const stored = { ...link, traits: { plan: { seats: 2, name: 'gold' }, email: 'Mario.Rossi@gmail.com' } };
    expect(identityDifferences([link], new Map([['e1', stored]]))).to.deep.equal([]);
  });

  it('should name a missing link and each differing field, never the values', () => {
    const stored = { ...link, userId: 'u2', traits: {} };
    expect(identityDifferences([link, { ...link, id: 'e2' }], new Map([['e1', stored]]))).to.deep.equal([
      'identity e1 userId: stored value differs from the recomputed one',
      'identity e1 traits: stored value differs from the recomputed one',
      'identity e2: expected but not stored',
    ]);
  });
});
