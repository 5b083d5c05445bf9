import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import type { DuplicateExplanation } from '../../lib/resolution/duplicate-rule.js';
import { explainDuplicate } from '../../lib/resolution/duplicate-rule.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { normaliseQuote } from '../../lib/resolution/trip-record.js';

/** Above this many quotes a demand shows no pair table (pairs grow with the square). */
export const MAX_EXPLAINED_QUOTES = 40;

export type PairExplanation = { a: string; b: string } & DuplicateExplanation;

/**
 * The pairs of a demand's quotes that the duplicate rule joins directly, with what matched, using
 * the processor's own rule and normalisation. A demand is their connected whole, so a pair of
 * quotes may be joined only through a third.
 */
export function demandPairs(quotes: readonly QuoteUpsert[], rules: ResolutionRules): PairExplanation[] {
  if (quotes.length > MAX_EXPLAINED_QUOTES) return [];
  const normalised = quotes.map((quote) => normaliseQuote(quote, rules));
  const pairs: PairExplanation[] = [];
  normalised.forEach((a, i) => {
    for (const b of normalised.slice(i + 1)) {
      const explanation = explainDuplicate(a, b, rules);
      if (explanation.duplicate) pairs.push({ a: a.id, b: b.id, ...explanation });
    }
  });
  return pairs;
}

/** Which matching rule tied a booking to its quote (DESIGN.md, "A booking matches a quote"). */
export function bookingRule(
  booking: BookingUpsert & { quoteId?: string | null },
  quotes: readonly QuoteUpsert[],
): 'quote reference' | 'customer, stations and times' | null {
  const quote = quotes.find((q) => q.id === booking.quoteId);
  if (!quote) return null;
  const byReference =
    booking.quoteRef != null && quote.source === booking.source && quote.brokerQuoteRef === booking.quoteRef;
  return byReference ? 'quote reference' : 'customer, stations and times';
}
