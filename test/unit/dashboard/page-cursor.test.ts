import { expect } from 'chai';
import type { PageCursor } from '../../../dashboard/queries/page-cursor.js';
import { createPageCursors } from '../../../dashboard/queries/page-cursor.js';

const cursor: PageCursor = {
  direction: 'after',
  key: { time: '2026-06-25T08:00:00.000Z', id: 'rentalcars:19' },
  position: 49,
};
const REFUSED = {
  ok: false,
  message: 'must be a next or previous token given by this listing, unaltered, with the same filters',
};

describe('page cursors', () => {
  const cursors = createPageCursors('a session secret of more than 32 characters');

  describe('when a token comes back as it was given', () => {
    it('should decode to the same cursor, in the same listing only', () => {
      const token = cursors.encode(cursor, 'scope A');
      expect(token).to.match(/^[\w-]+\.[\w-]+$/);
      expect(cursors.decode(token, 'scope A')).to.deep.equal({ ok: true, cursor });
      expect(cursors.decode(token, 'scope B')).to.deep.equal(REFUSED);
    });
  });

  describe('when a token is altered', () => {
    it('should refuse every change of the payload or the signature', () => {
      const token = cursors.encode(cursor, 'scope');
      for (let i = 0; i < token.length; i++) {
        if (token[i] === '.') continue;
        const altered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
        const decoded = cursors.decode(altered, 'scope');
        // base64url's last character may carry unused bits: a change there can decode the same bytes.
        if (decoded.ok) expect(decoded.cursor).to.deep.equal(cursor);
        else expect(decoded).to.deep.equal(REFUSED);
      }
    });

    it('should refuse a token signed with another secret, and malformed ones', () => {
      const foreign = createPageCursors('another secret of more than 32 characters!').encode(cursor, 'scope');
      for (const bad of [foreign, '', '.', 'abc', 'a.b.c', `${'x'.repeat(600)}.y`]) {
        expect(cursors.decode(bad, 'scope'), bad).to.deep.equal(REFUSED);
      }
    });
  });
});
