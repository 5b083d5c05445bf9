import { expect } from 'chai';
import type { CanonicalEvent } from '../../../lib/records/canonical.js';
import { identityLink } from '../../../processor/core/identity.js';

const event = (fields: Partial<CanonicalEvent>): CanonicalEvent => ({
  kind: 'event',
  id: '6f1c1f8e-0d0a-5b1e-8a3e-2f7d3c1b9a10',
  type: 'identify',
  name: 'identify',
  receivedAt: '2026-11-27T12:00:00.000Z',
  project: 'website',
  properties: {},
  context: { campaign: {} },
  ...fields,
});

describe('identityLink', () => {
  it("should link a visitor to a user and to the email and phone normalised as the resolution rules' are", () => {
    const link = identityLink(
      event({
        anonymousId: 'a1',
        userId: 'u1',
        timestamp: '2026-11-27T13:00:00+01:00',
        traits: { email: ' Mario.Rossi+web@GoogleMail.com ', phone: '(+39) 347 123-4567', plan: 'gold' },
      }),
      '39',
      4,
    );
    expect(link).to.deep.equal({
      id: '6f1c1f8e-0d0a-5b1e-8a3e-2f7d3c1b9a10',
      via: 'identify',
      project: 'website',
      anonymousId: 'a1',
      userId: 'u1',
      email: 'mariorossi@gmail.com',
      phone: '+393471234567',
      traits: { email: ' Mario.Rossi+web@GoogleMail.com ', phone: '(+39) 347 123-4567', plan: 'gold' },
      at: '2026-11-27T12:00:00.000Z',
      partition: 4,
    });
  });

  it('should link an alias from its previousId, and nothing for calls that name no one', () => {
    expect(identityLink(event({ type: 'alias', previousId: 'a1', userId: 'u1' }), '39', 0)).to.deep.include({
      via: 'alias',
      anonymousId: 'a1',
      userId: 'u1',
      email: null,
    });
    expect(identityLink(event({ anonymousId: 'a1', traits: { plan: 'gold' } }), '39', 0)).to.equal(null);
    expect(
      identityLink(event({ anonymousId: 'a1', traits: { phone: '347 1234567' } }), '39', 0),
    ).to.have.property('phone', '+393471234567');
    expect(identityLink(event({ type: 'track', userId: 'u1' }), '39', 0)).to.equal(null);
  });
});
