/**
 * Normalisation applied before records are compared (DESIGN.md, "Resolution rules"). Each function
 * returns null when nothing comparable is left, so an empty value never equals another empty value.
 */

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** Trim, lower-case, drop a `+tag`; Gmail ignores dots and answers to two domains. */
export function normaliseEmail(value: string | null | undefined): string | null {
  const email = (value ?? '').trim().toLowerCase();
  if (email === '') return null;
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/**
 * Digits with a leading `+` and country code: "(+39) 347 123-4567", "0039 3471234567" and
 * "347 1234567" (with default country code 39) all become "+393471234567".
 */
export function normalisePhone(value: string | null | undefined, defaultCountryCode: string): string | null {
  const kept = (value ?? '').replace(/[^\d+]/g, '');
  const digits = kept.replaceAll('+', '');
  if (digits === '') return null;
  if (kept.startsWith('+')) return `+${digits}`;
  if (kept.startsWith('00')) return digits.length > 2 ? `+${digits.slice(2)}` : null;
  return `+${defaultCountryCode}${digits}`;
}

/** Accents stripped, lower-case, words sorted: "Rossi, Mario" = "MARIO  ROSSI" = "mario rossi". */
export function normaliseName(value: string | null | undefined): string | null {
  const text = value ?? '';
  // Only non-ASCII text can carry accents or letters outside a-z; ASCII text (nearly every name)
  // skips NFD and the Unicode property classes, which cost several times more. Same result.
  const ascii = !NON_ASCII.test(text);
  const words = (ascii ? text : text.normalize('NFD').replace(/\p{M}/gu, ''))
    .toLowerCase()
    .replace(ascii ? ASCII_NON_LETTERS : NON_LETTERS, ' ')
    .split(' ')
    .filter((word) => word !== '')
    .sort();
  return words.length === 0 ? null : words.join(' ');
}

const NON_ASCII = /[\u0080-\uffff]/;
/** In lower-cased ASCII text, the letters of `\p{L}` are exactly a-z. */
const ASCII_NON_LETTERS = /[^a-z]+/g;
const NON_LETTERS = /\P{L}+/gu;

export function normaliseStation(value: string): string {
  return value.trim().toUpperCase();
}
