import { z } from 'zod';
import type { Role } from './roles.js';
import { ROLES } from './roles.js';

export interface User {
  /** The lower-cased email. */
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
}

/** What leaves the server about a user: never the hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

export function publicUser(user: User): PublicUser {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

export const newUserSchema = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().max(200).default(''),
  role: z.enum(ROLES),
  password: z.string(),
});
export type NewUser = z.input<typeof newUserSchema>;

export function userIdFor(email: string): string {
  return email.trim().toLowerCase();
}
