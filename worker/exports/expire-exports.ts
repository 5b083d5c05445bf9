import { rm } from 'node:fs/promises';
import { exportFilePath } from '../../dashboard/exports/export-doc.js';
import type { ExportStore } from '../../dashboard/exports/export-store.js';

/**
 * Deletes the files of exports past their `expiresAt` and marks them expired (the list keeps
 * them, without a download). The file goes first: a run that dies in between finds the export
 * still done and removes the already absent file again. Returns how many expired.
 */
export async function expireExports(options: {
  exports: ExportStore;
  directory: string;
  now: Date;
}): Promise<number> {
  let expired = 0;
  for (const doc of await options.exports.expired(options.now)) {
    await rm(exportFilePath(options.directory, doc), { force: true });
    await options.exports.update(doc.id, { state: 'expired' });
    expired++;
  }
  return expired;
}
