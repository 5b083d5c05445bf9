import type { CustomerFields } from './actions.js';
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES } from './catalog.js';
import type { Random } from './random.js';

/** One real person, before any broker wrote them down. */
export interface Person {
  first: string;
  last: string;
  emailLocal: string;
  emailDomain: string;
  /** Italian mobile number without country code, e.g. 3471234567. */
  mobile: string;
}

export function drawPerson(random: Random): Person {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const plain = `${first}.${last}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z.]/g, '');
  return {
    first,
    last,
    emailLocal: `${plain}${random.int(1, 99)}`,
    emailDomain: random.pick(EMAIL_DOMAINS),
    mobile: `3${random.int(20, 99)}${String(random.int(0, 9_999_999)).padStart(7, '0')}`,
  };
}

/**
 * How one broker records a person: the variations DESIGN.md's normalisation undoes (case, a
 * `+tag`, gmail dots, phone prefixes and spacing, name order and case), and sometimes a missing
 * field. The same person therefore looks different at every broker, as in real data.
 */
export function recordPerson(person: Person, random: Random): CustomerFields {
  let local = person.emailLocal;
  if (random.chance(0.2)) local = `${local}+${random.pick(['rent', 'car', 'travel'])}`;
  if (person.emailDomain === 'gmail.com' && random.chance(0.3)) local = local.replace(/\./g, '');
  let email: string | null = `${local}@${person.emailDomain}`;
  if (random.chance(0.25)) email = email.toUpperCase();
  if (random.chance(0.1)) email = null;

  const m = person.mobile;
  const phones = [
    `+39 ${m.slice(0, 3)} ${m.slice(3)}`,
    `0039${m}`,
    `${m.slice(0, 3)} ${m.slice(3)}`,
    `+39${m}`,
  ];
  const phone = random.chance(0.15) ? null : random.pick(phones);

  const names = [
    `${person.first} ${person.last}`,
    `${person.last.toUpperCase()}, ${person.first.toUpperCase()}`,
    `${person.last} ${person.first}`.toLowerCase(),
  ];
  const name = random.chance(0.05) ? null : random.pick(names);
  return { email, phone, name };
}
