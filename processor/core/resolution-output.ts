import type { Resolver } from './resolver.js';
import { compareIds } from './resolver.js';

export type ResolutionLine =
  | { type: 'quote'; id: string; clusterId: string }
  | { type: 'booking'; id: string; quoteId: string | null; clusterId: string | null };

/**
 * One line for every live record (DESIGN.md, `quoteflow resolve`): quotes first, then bookings,
 * each in id order, so two resolutions of the same records compare line by line.
 */
export function resolutionLines(resolver: Resolver): ResolutionLine[] {
  const lines: ResolutionLine[] = [];
  for (const id of [...resolver.quoteIds()].sort(compareIds)) {
    const view = resolver.quoteView(id);
    if (view) lines.push({ type: 'quote', id, clusterId: view.clusterId });
  }
  for (const id of [...resolver.bookingIds()].sort(compareIds)) {
    const view = resolver.bookingView(id);
    if (view) lines.push({ type: 'booking', id, quoteId: view.quoteId, clusterId: view.clusterId });
  }
  return lines;
}
