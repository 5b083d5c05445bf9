import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens are 32 random bytes, shown to their owner once. Only their SHA-256 is stored: a
 * stolen table holds no usable token, and a fast hash suffices because the token is random.
 */
const PREFIX = 'qf_';

export function generateApiToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function apiTokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeApiToken(value: string): boolean {
  return /^qf_[A-Za-z0-9_-]{43}$/.test(value);
}
