import argon2 from 'argon2';

/**
 * Passwords are stored as argon2id hashes (the OWASP recommendation), via the `argon2` package:
 * a maintained binding to the reference implementation, with prebuilt binaries.
 */
export const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'must have at most 1024 characters';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/**
 * Whether `password` matches `hash`. When argon2 fails (a malformed stored hash, the native
 * module failing), the sign-in fails rather than crashes, but that is no wrong password: the
 * failure goes to `onError` for the log, where an operator can see it.
 */
export async function verifyPassword(
  hash: string,
  password: string,
  onError: (error: unknown) => void = () => undefined,
): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch (error) {
    onError(error);
    return false;
  }
}

/**
 * A hash of a random password, verified against when the email is unknown, so a sign-in takes
 * the same time whether or not the account exists (no user enumeration by timing).
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(`decoy-${Math.random().toString(36)}-${Date.now()}`);
  return decoyHash;
}
