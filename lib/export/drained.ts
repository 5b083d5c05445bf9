import type { Writable } from 'node:stream';
import { QuoteflowError } from '../errors.js';

/** The client went away before the export was whole: stop reading, close the cursor. */
export const EXPORT_ABORTED = 'EXPORT_ABORTED';

export function exportAborted(): QuoteflowError {
  return new QuoteflowError(EXPORT_ABORTED, 'the client closed the connection before the export ended');
}

/**
 * Resolves when `out` can take more, and rejects with EXPORT_ABORTED as soon as it is closed or
 * fails instead: waiting for `drain` alone would wait forever for a client that disconnected,
 * keeping the export's generator and its database cursor open.
 */
export function whenWritable(out: Writable): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(exportAborted());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (error?: QuoteflowError) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => {
      done();
    };
    const onClose = () => {
      done(exportAborted());
    };
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onClose);
  });
}
