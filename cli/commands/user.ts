import type { Command } from 'commander';
import { QuoteflowError } from '../../lib/errors.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { ROLES } from '../../dashboard/auth/roles.js';
import type { Role } from '../../dashboard/auth/roles.js';
import { UserStore } from '../../dashboard/auth/user-store.js';
import { commandContext } from '../command-context.js';

/** The password from $QF_USER_PASSWORD or the first line of standard input: never an argument, which `ps` shows. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.QF_USER_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY) {
    throw new QuoteflowError('USER_INVALID', 'password: pipe it on standard input or set QF_USER_PASSWORD');
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

async function withUsers<T>(command: Command, work: (users: UserStore) => Promise<T>): Promise<T> {
  const { config, logger } = await commandContext(command, 'user');
  const db = RethinkdbClient.fromConfig(config.rethinkdb, logger, 30_000);
  try {
    return await work(new UserStore(db));
  } finally {
    await db.close();
  }
}

/** `quoteflow user add|token`: dashboard users and their API tokens. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage dashboard users');
  user
    .command('add')
    .description('add a dashboard user; the password comes from standard input or $QF_USER_PASSWORD')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'display name', '')
    .action(async (options: { email: string; role: string; name: string }, command: Command) => {
      const password = await readPassword();
      const created = await withUsers(command, (users) =>
        users.create({ email: options.email, role: options.role as Role, name: options.name, password }),
      );
      process.stdout.write(`added ${created.email} (${created.role})\n`);
    });
  user
    .command('token')
    .description('issue an API token for a user (printed once)')
    .requiredOption('--email <email>', 'the user')
    .option('--name <name>', 'what the token is for', 'api')
    .action(async (options: { email: string; name: string }, command: Command) => {
      const token = await withUsers(command, async (users) => {
        const found = await users.findByEmail(options.email);
        if (!found) throw new QuoteflowError('USER_UNKNOWN', 'email: no such user');
        return (await users.issueToken(found.id, options.name)).token;
      });
      process.stdout.write(`${token}\n`);
    });
}
