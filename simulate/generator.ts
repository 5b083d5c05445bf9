import type { BookingRow, QuoteRow, SimAction, SimEvent, Trip } from './actions.js';
import { CAMPAIGNS, CAR_GROUPS, CHANNELS, PAGES, STATIONS } from './catalog.js';
import type { Person } from './customer.js';
import { drawPerson, recordPerson } from './customer.js';
import { Random } from './random.js';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

/** How often things happen per demand. Every default is what the demo runs with. */
export interface SimulationOdds {
  /** Brokers a customer asks: 1 up to this many (default 3). */
  maxBrokersAsked: number;
  /** A broker re-sends its quote, slightly shifted (default 0.2). */
  resend: number;
  /** A quote's price is updated later (default 0.15). */
  reprice: number;
  /** A quote is withdrawn, soft-deleted (default 0.05). */
  withdraw: number;
  /** The demand becomes a booking (default 0.35). */
  book: number;
  /** A booking carries the broker's quote reference; otherwise it is matched by customer (default 0.8). */
  bookByReference: number;
  /** A booking is cancelled later (default 0.1). */
  cancel: number;
  /** A booking arrives with no quote before it (default 0.05 per demand). */
  unquotedBooking: number;
  /** Follow-ups (re-sends, updates, bookings) happen within this many seconds (default 180). */
  followUpSeconds: number;
}

export const DEFAULT_ODDS: SimulationOdds = {
  maxBrokersAsked: 3,
  resend: 0.2,
  reprice: 0.15,
  withdraw: 0.05,
  book: 0.35,
  bookByReference: 0.8,
  cancel: 0.1,
  unquotedBooking: 0.05,
  followUpSeconds: 180,
};

export interface SimulationOptions {
  seed: number;
  /** Names of the brokers (sources) that quotes and bookings are written to. */
  brokers: readonly string[];
  /** First key of every broker's quotes and bookings; distinct per run so reruns never collide. */
  keyBase: number;
  currency?: string;
  odds?: Partial<SimulationOdds>;
}

/**
 * The simulated market, pure and deterministic: `demand(now)` is one customer looking for a car,
 * which asks several brokers (each records the customer its own way), may get re-sent and updated
 * quotes, clicks through on the website and maybe books, by reference or not, and maybe cancels.
 * What follows a demand is scheduled in simulated time and handed out by `due(now)` in time order,
 * so the same seed and the same sequence of calls give the same actions.
 */
export class Simulation {
  private readonly random: Random;
  private readonly odds: SimulationOdds;
  private readonly currency: string;
  private readonly nextKey = new Map<string, number>();
  private readonly pending: SimAction[] = [];
  private sequence = 0;

  constructor(private readonly options: SimulationOptions) {
    if (options.brokers.length === 0) throw new RangeError('a simulation needs at least one broker');
    this.random = new Random(options.seed);
    this.odds = { ...DEFAULT_ODDS, ...options.odds };
    this.currency = options.currency ?? 'EUR';
  }

  /** Actions scheduled so far and not yet handed out. */
  get backlog(): number {
    return this.pending.length;
  }

  /** One customer demand starting at `now`: schedules everything that will follow from it. */
  demand(now: Date): void {
    const t = now.getTime();
    const person = drawPerson(this.random);
    const trip = this.drawTrip(t);
    const anonymousId = `sim-${this.options.seed}-${++this.sequence}`;
    this.schedule(t, { type: 'event', at: now, event: this.pageView(anonymousId) });
    // No random draw here, so a seed still gives the rows and events it gave before this call existed.
    this.schedule(t, { type: 'event', at: now, event: identify(anonymousId, person) });

    const brokers = this.random.sample(this.options.brokers, this.random.int(1, this.odds.maxBrokersAsked));
    const quotes: QuoteRow[] = [];
    for (const broker of brokers) {
      // Brokers answer within 20 s (or the follow-up window, when that is shorter).
      const quotedAt = t + this.random.int(0, Math.min(20, this.odds.followUpSeconds)) * SECOND;
      const quote = this.quote(broker, person, trip, quotedAt);
      quotes.push(quote);
      this.schedule(quotedAt, { type: 'quote.insert', at: new Date(quotedAt), quote });
      this.scheduleClick(anonymousId, quote, quotedAt);
      this.scheduleQuoteFollowUps(quote, person, trip);
    }

    if (this.random.chance(this.odds.book)) {
      const chosen = this.random.pick(quotes);
      this.scheduleBooking(chosen.source, person, trip, chosen, chosen.quotedAt.getTime(), anonymousId);
    }
    if (this.random.chance(this.odds.unquotedBooking)) {
      const other = this.drawTrip(t);
      this.scheduleBooking(this.random.pick(this.options.brokers), drawPerson(this.random), other, null, t);
    }
  }

  /** Scheduled actions at or before `now`, oldest first; they are removed from the schedule. */
  due(now: Date): SimAction[] {
    const t = now.getTime();
    let count = 0;
    while (count < this.pending.length && (this.pending[count] as SimAction).at.getTime() <= t) count++;
    return this.pending.splice(0, count);
  }

  private schedule(at: number, action: SimAction): void {
    // Insertion keeps the schedule sorted; equal times keep the order they were scheduled in.
    let i = this.pending.length;
    while (i > 0 && (this.pending[i - 1] as SimAction).at.getTime() > at) i--;
    this.pending.splice(i, 0, action);
  }

  private key(kind: 'quote' | 'booking', broker: string): number {
    const id = `${kind}:${broker}`;
    const key = this.nextKey.get(id) ?? this.options.keyBase;
    this.nextKey.set(id, key + 1);
    return key;
  }

  private followUp(from: number): number {
    return from + this.random.int(1, Math.max(1, this.odds.followUpSeconds)) * SECOND;
  }

  private drawTrip(now: number): Trip {
    const pickupStation = this.random.pick(STATIONS);
    const dropoffStation = this.random.chance(0.75) ? pickupStation : this.random.pick(STATIONS);
    // Pickups on the half hour, 1 to 60 days ahead; rentals of 1 to 14 days.
    const pickupAt = Math.floor((now + this.random.int(1, 60) * DAY) / (HOUR / 2)) * (HOUR / 2);
    const dropoffAt = pickupAt + this.random.int(1, 14) * DAY + this.random.int(-4, 4) * (HOUR / 2);
    return {
      pickupStation,
      pickupAt: new Date(pickupAt),
      dropoffStation,
      dropoffAt: new Date(dropoffAt),
      carGroup: this.random.pick(CAR_GROUPS).code,
    };
  }

  private price(trip: Trip): number {
    const days = Math.max(1, Math.round((trip.dropoffAt.getTime() - trip.pickupAt.getTime()) / DAY));
    const daily = CAR_GROUPS.find((g) => g.code === trip.carGroup)?.daily ?? 40;
    return Math.round(days * daily * (0.8 + this.random.next() * 0.5) * 100) / 100;
  }

  private quote(broker: string, person: Person, trip: Trip, quotedAt: number): QuoteRow {
    const key = this.key('quote', broker);
    return {
      ...trip,
      source: broker,
      key,
      quoteRef: `Q${key.toString(36).toUpperCase()}`,
      customer: recordPerson(person, this.random),
      price: this.price(trip),
      currency: this.currency,
      channel: this.random.pick(CHANNELS),
      quotedAt: new Date(quotedAt),
    };
  }

  private scheduleQuoteFollowUps(quote: QuoteRow, person: Person, trip: Trip): void {
    const quotedAt = quote.quotedAt.getTime();
    if (this.random.chance(this.odds.resend)) {
      // A re-sent quote: same broker, same customer, pickup moved by at most an hour — a duplicate.
      const shift = this.random.int(-2, 2) * 15 * 60 * SECOND;
      const moved = {
        ...trip,
        pickupAt: new Date(trip.pickupAt.getTime() + shift),
        dropoffAt: new Date(trip.dropoffAt.getTime() + shift),
      };
      const at = this.followUp(quotedAt);
      this.schedule(at, {
        type: 'quote.insert',
        at: new Date(at),
        quote: this.quote(quote.source, person, moved, at),
      });
    }
    if (this.random.chance(this.odds.reprice)) {
      const at = this.followUp(quotedAt);
      const price = Math.round(quote.price * (0.9 + this.random.next() * 0.2) * 100) / 100;
      this.schedule(at, {
        type: 'quote.reprice',
        at: new Date(at),
        source: quote.source,
        key: quote.key,
        price,
      });
    }
    if (this.random.chance(this.odds.withdraw)) {
      const at = this.followUp(quotedAt);
      this.schedule(at, { type: 'quote.delete', at: new Date(at), source: quote.source, key: quote.key });
    }
  }

  private scheduleBooking(
    broker: string,
    person: Person,
    trip: Trip,
    quote: QuoteRow | null,
    from: number,
    /** The web visitor whose demand this is: it then sees the booking confirmation page. */
    visitor?: string,
  ): void {
    const at = this.followUp(from);
    const booking: BookingRow = {
      ...trip,
      source: broker,
      key: this.key('booking', broker),
      quoteRef: quote && this.random.chance(this.odds.bookByReference) ? quote.quoteRef : null,
      customer: recordPerson(person, this.random),
      price: quote?.price ?? this.price(trip),
      currency: this.currency,
      channel: quote?.channel ?? this.random.pick(CHANNELS),
      bookedAt: new Date(at),
    };
    this.schedule(at, { type: 'booking.insert', at: new Date(at), booking });
    if (visitor !== undefined)
      this.schedule(at, {
        type: 'event',
        at: new Date(at),
        event: {
          via: 'track',
          name: 'booking confirmed',
          anonymousId: visitor,
          page: '/booking/confirmed',
          // The booking's id is <source>:<key>: the funnel links the visit to it.
          properties: { bookingRef: String(booking.key), source: broker },
        },
      });
    if (this.random.chance(this.odds.cancel)) {
      const cancelAt = this.followUp(at);
      this.schedule(cancelAt, {
        type: 'booking.cancel',
        at: new Date(cancelAt),
        source: broker,
        key: booking.key,
      });
    }
  }

  private pageView(anonymousId: string): SimEvent {
    const campaign = CAMPAIGNS[this.sequence % CAMPAIGNS.length] ?? null;
    return {
      via: 'pixel',
      name: 'pageview',
      anonymousId,
      page: this.random.pick(PAGES),
      properties: {},
      ...(campaign === null ? {} : { campaign }),
    };
  }

  private scheduleClick(anonymousId: string, quote: QuoteRow, quotedAt: number): void {
    const at = quotedAt + this.random.int(1, Math.max(1, Math.min(15, this.odds.followUpSeconds))) * SECOND;
    this.schedule(at, {
      type: 'event',
      at: new Date(at),
      event: {
        via: 'track',
        name: 'click',
        anonymousId,
        page: '/offers',
        properties: { quoteRef: quote.quoteRef, source: quote.source },
      },
    });
  }
}

/**
 * The quote form's identify call: the visitor's own email and phone, as they type them (the brokers
 * each record them their own way; normalisation ties them together, and so the visit to the quotes).
 */
function identify(anonymousId: string, person: Person): SimEvent {
  return {
    via: 'identify',
    name: 'identify',
    anonymousId,
    page: '/quote',
    properties: {},
    traits: { email: `${person.emailLocal}@${person.emailDomain}`, phone: person.mobile },
  };
}
