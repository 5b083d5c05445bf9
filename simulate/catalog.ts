/**
 * What the simulated market is made of: Italian airport and city stations, ACRISS car groups with a
 * daily base price, and the names customers are drawn from. Plain data, so the generator stays pure.
 */
export const STATIONS = [
  'MXP',
  'LIN',
  'BGY',
  'FCO',
  'CIA',
  'NAP',
  'VCE',
  'BLQ',
  'FLR',
  'PSA',
  'CTA',
  'PMO',
] as const;

/** Car groups and their daily base price in EUR. */
export const CAR_GROUPS: readonly { code: string; daily: number }[] = [
  { code: 'MBMR', daily: 24 },
  { code: 'EDMR', daily: 29 },
  { code: 'CDMR', daily: 34 },
  { code: 'IDAR', daily: 44 },
  { code: 'SDAR', daily: 55 },
  { code: 'FVMR', daily: 79 },
  { code: 'PDAR', daily: 99 },
];

export const FIRST_NAMES = [
  'Giovanni',
  'Maria',
  'Luca',
  'Giulia',
  'Marco',
  'Francesca',
  'Andrea',
  'Chiara',
  'Matteo',
  'Sara',
  'Alessandro',
  'Elena',
  'Davide',
  'Valentina',
  'Stefano',
  'Anna',
  'Hans',
  'Sophie',
  'James',
  'Emma',
] as const;

export const LAST_NAMES = [
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Colombo',
  'Ricci',
  'Marino',
  'Greco',
  'Bruno',
  'Gallo',
  'Conti',
  'De Luca',
  'Mancini',
  'Müller',
  'Schmidt',
  'Smith',
  'Dubois',
  'García',
] as const;

export const EMAIL_DOMAINS = [
  'gmail.com',
  'yahoo.it',
  'libero.it',
  'outlook.com',
  'hotmail.it',
  'web.de',
] as const;

/** Booking channels of a broker's quote. */
export const CHANNELS = ['api', 'web', 'app'] as const;

export const PAGES = ['/', '/search', '/offers', '/stations', '/checkout'] as const;

/**
 * utm_campaign of the landing page view, by the demand's number (no random draw, so a seed still
 * gives the rows it gave before campaigns existed); null: a visit from no campaign.
 */
export const CAMPAIGNS = ['summer-sale', 'city-breaks', 'newsletter', null] as const;
