import { normaliseEmail, normaliseName, normalisePhone } from '../../lib/resolution/normalise.js';

/** The parts of a quote a search compares. */
export interface SearchableQuote {
  brokerQuoteRef?: string | null;
  customer?: { email?: string | null; phone?: string | null; name?: string | null } | null;
}

/**
 * What a search for demands looks for, from what an analyst typed, normalised as the resolution
 * rules normalise (DESIGN.md): "GRicci91+x@Yahoo.it " finds gricci91@yahoo.it, "0039 339 152 0522"
 * finds "+39 339 1520522", "ricci giovanni" finds "GIOVANNI RICCI". A text with an @ is an email;
 * one of phone characters with at least 6 digits is a phone; anything else is a name (every word
 * typed must be one of the customer's, so a surname alone finds) or a broker reference (exact,
 * case aside).
 */
export type DemandSearch =
  | { by: 'email'; email: string }
  | { by: 'phone'; phone: string }
  | { by: 'name or reference'; words: string[]; reference: string };

export function parseDemandSearch(text: string, defaultCountryCode: string): DemandSearch | undefined {
  const typed = text.trim();
  if (typed === '') return undefined;
  if (typed.includes('@')) {
    const email = normaliseEmail(typed);
    return email === null ? undefined : { by: 'email', email };
  }
  if (/^[\d\s()+./-]+$/.test(typed) && (typed.match(/\d/g) ?? []).length >= 6) {
    const phone = normalisePhone(typed, defaultCountryCode);
    return phone === null ? undefined : { by: 'phone', phone };
  }
  const words = normaliseName(typed)?.split(' ') ?? [];
  return { by: 'name or reference', words, reference: typed.toLowerCase() };
}

/** Whether a quote answers the search (pure). */
export function matchesSearch(
  quote: SearchableQuote,
  search: DemandSearch,
  defaultCountryCode: string,
): boolean {
  const customer = quote.customer ?? {};
  switch (search.by) {
    case 'email':
      return normaliseEmail(customer.email) === search.email;
    case 'phone':
      return normalisePhone(customer.phone, defaultCountryCode) === search.phone;
    case 'name or reference': {
      if ((quote.brokerQuoteRef ?? '').trim().toLowerCase() === search.reference) return true;
      if (search.words.length === 0) return false;
      const name = new Set(normaliseName(customer.name)?.split(' ') ?? []);
      return search.words.every((word) => name.has(word));
    }
  }
}
