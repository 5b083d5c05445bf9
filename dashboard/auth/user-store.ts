import r from 'rethinkdb';
import { QuoteflowError } from '../../lib/errors.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { toValidationIssues, valueFreeErrorMap, formatIssues } from '../../lib/validation/issues.js';
import { apiTokenId, generateApiToken } from './api-token.js';
import { hashPassword, passwordProblem } from './password.js';
import type { NewUser, User } from './user.js';
import { newUserSchema, userIdFor } from './user.js';

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
}

/** Users and API tokens in RethinkDB (tables `users`, `api_tokens`). */
export class UserStore {
  constructor(
    private readonly db: RethinkdbClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private get users() {
    return r.db(this.db.db).table('users');
  }

  private get tokens() {
    return r.db(this.db.db).table('api_tokens');
  }

  async count(): Promise<number> {
    return this.db.run(this.users.count());
  }

  async findById(id: string): Promise<User | undefined> {
    const user = await this.db.run(this.users.get<User>(id));
    return user ?? undefined;
  }

  findByEmail(email: string): Promise<User | undefined> {
    return this.findById(userIdFor(email));
  }

  /** Creates a user; fails with USER_INVALID naming the field, or USER_EXISTS. */
  async create(input: NewUser): Promise<User> {
    const parsed = newUserSchema.safeParse(input, { error: valueFreeErrorMap });
    const issues = parsed.success ? [] : toValidationIssues(parsed.error);
    const problem = passwordProblem(input.password);
    if (problem) issues.push({ path: 'password', message: problem });
    if (!parsed.success || issues.length > 0) {
      throw new QuoteflowError('USER_INVALID', formatIssues(issues));
    }
    const user: User = {
      id: userIdFor(parsed.data.email),
      email: parsed.data.email.trim(),
      name: parsed.data.name,
      role: parsed.data.role,
      passwordHash: await hashPassword(parsed.data.password),
      createdAt: this.clock().toISOString(),
      disabled: false,
    };
    // conflict 'error' makes creation atomic: two admins adding one email cannot both succeed.
    const result = await this.db.run(this.users.insert(user, { conflict: 'error' }));
    if (result.errors > 0) throw new QuoteflowError('USER_EXISTS', `email: a user with this email exists`);
    return user;
  }

  async issueToken(userId: string, name: string): Promise<{ token: string; record: ApiTokenRecord }> {
    const token = generateApiToken();
    const record: ApiTokenRecord = {
      id: apiTokenId(token),
      userId,
      name,
      createdAt: this.clock().toISOString(),
    };
    await this.db.run(this.tokens.insert(record));
    return { token, record };
  }

  async findByToken(token: string): Promise<User | undefined> {
    const record = await this.db.run(this.tokens.get<ApiTokenRecord>(apiTokenId(token)));
    return record ? this.findById(record.userId) : undefined;
  }

  async list(): Promise<User[]> {
    return this.db.run(this.users.orderBy('id').coerceTo('array')) as Promise<User[]>;
  }

  async findToken(tokenId: string): Promise<ApiTokenRecord | undefined> {
    return (await this.db.run(this.tokens.get<ApiTokenRecord>(tokenId))) ?? undefined;
  }

  async revokeToken(tokenId: string): Promise<boolean> {
    const result = await this.db.run(this.tokens.get(tokenId).delete());
    return result.deleted > 0;
  }
}
