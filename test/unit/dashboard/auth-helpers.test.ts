import { expect } from 'chai';
import { apiTokenId, generateApiToken, looksLikeApiToken } from '../../../dashboard/auth/api-token.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../../dashboard/auth/password.js';
import { hasRole, isRole } from '../../../dashboard/auth/roles.js';
import { safeRedirectPath } from '../../../dashboard/http/safe-redirect.js';
import { escapeHtml } from '../../../dashboard/pages/html.js';

describe('safeRedirectPath', () => {
  it('should keep paths on this dashboard', () => {
    expect(safeRedirectPath('/explore?from=2026-01-01')).to.equal('/explore?from=2026-01-01');
  });

  it('should send anything that could leave the site to /', () => {
    for (const value of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'explore',
      '',
      undefined,
      ['/x'],
    ]) {
      expect(safeRedirectPath(value), String(value)).to.equal('/');
    }
  });
});

describe('roles', () => {
  it('should order viewer < analyst < admin', () => {
    expect(hasRole('admin', 'analyst')).to.equal(true);
    expect(hasRole('analyst', 'analyst')).to.equal(true);
    expect(hasRole('viewer', 'analyst')).to.equal(false);
    expect(isRole('boss')).to.equal(false);
  });
});

describe('API tokens', () => {
  it('should be random, recognisable, and stored only as a hash', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a).not.to.equal(b);
    expect(looksLikeApiToken(a)).to.equal(true);
    expect(looksLikeApiToken('qf_short')).to.equal(false);
    expect(apiTokenId(a))
      .to.match(/^[0-9a-f]{64}$/)
      .and.not.contain(a);
  });
});

describe('passwords', () => {
  it('should verify only the password that was hashed, with argon2id', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).to.match(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).to.equal(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).to.equal(false);
    expect(await verifyPassword('not a hash', 'x')).to.equal(false);
  });

  it('should report an argon2 failure (a malformed stored hash) instead of hiding it as a wrong password', async () => {
    const failures: unknown[] = [];
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword(hash, 'wrong horse battery', (e) => failures.push(e))).to.equal(false);
    expect(failures, 'a wrong password is no failure').to.deep.equal([]);
    expect(await verifyPassword('not a hash', 'x', (e) => failures.push(e))).to.equal(false);
    expect(failures).to.have.length(1);
    expect(failures[0]).to.be.instanceOf(Error);
  });

  it('should ask for at least 12 characters', () => {
    expect(passwordProblem('short')).to.equal('must have at least 12 characters');
    expect(passwordProblem('long enough pw')).to.equal(undefined);
  });
});

describe('escapeHtml', () => {
  it('should neutralise markup and attribute breakouts', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).to.equal(
      '&#60;img src=x onerror=&#34;a(&#39;b&#39;)&#34;&#62;&#38;',
    );
  });
});
