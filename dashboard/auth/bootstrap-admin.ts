import type { Logger } from '../../lib/logger.js';
import type { UserStore } from './user-store.js';

/**
 * Creates the first admin from `dashboard.admin` when no user exists, so a fresh appliance can be
 * signed into. Once any user exists the setting is ignored (changing it never resets a password).
 */
export async function bootstrapAdmin(
  users: UserStore,
  admin: { email: string; password: string },
  logger: Logger,
): Promise<void> {
  if ((await users.count()) > 0) return;
  if (admin.email === '' || admin.password === '') {
    logger.warn(
      'no dashboard user exists: set dashboard.admin.email and .password, or run `quoteflow user add`',
    );
    return;
  }
  await users.create({ email: admin.email, name: 'Administrator', role: 'admin', password: admin.password });
  logger.info({ user: admin.email }, 'created the first admin from dashboard.admin');
}
