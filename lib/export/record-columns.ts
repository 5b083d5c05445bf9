import type { RecordKind } from '../records/record-kinds.js';
import type { ExportColumn, ExportValue } from './export-column.js';
import { instantOf } from './export-column.js';

type Doc = Record<string, unknown>;

function at(doc: Doc, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Doc)[key] : undefined),
      doc,
    );
}

function text(header: string, path = header): ExportColumn<Doc> {
  return {
    header,
    type: 'text',
    value: (doc): ExportValue => {
      const value = at(doc, path);
      return value === null || value === undefined
        ? null
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    },
  };
}

function number(header: string, path = header): ExportColumn<Doc> {
  return {
    header,
    type: 'number',
    value: (doc) => (typeof at(doc, path) === 'number' ? (at(doc, path) as number) : null),
  };
}

function datetime(header: string, path: string, zone: string): ExportColumn<Doc> {
  return { header: `${header} (${zone})`, type: 'datetime', value: (doc) => instantOf(at(doc, path)) };
}

/** The columns of a raw-record export, one per canonical field (DESIGN.md), plus what resolution found. */
export function recordColumns(kind: RecordKind, zone: string): ExportColumn<Doc>[] {
  const trip = [
    text('customerEmail', 'customer.email'),
    text('customerPhone', 'customer.phone'),
    text('customerName', 'customer.name'),
    text('pickupStation', 'pickup.station'),
    datetime('pickupAt', 'pickup.at', zone),
    text('dropoffStation', 'dropoff.station'),
    datetime('dropoffAt', 'dropoff.at', zone),
    text('carGroup'),
    number('priceAmount', 'price.amount'),
    text('priceCurrency', 'price.currency'),
    text('channel'),
  ];
  switch (kind) {
    case 'quotes':
      return [
        text('id'),
        text('source'),
        text('sourceKey'),
        datetime('quotedAt', 'quotedAt', zone),
        text('brokerQuoteRef'),
        ...trip,
        text('clusterId'),
      ];
    case 'bookings':
      return [
        text('id'),
        text('source'),
        text('sourceKey'),
        datetime('bookedAt', 'bookedAt', zone),
        text('status'),
        text('quoteRef'),
        ...trip,
        text('quoteId'),
        text('clusterId'),
      ];
    case 'clusters':
      return [
        text('id'),
        datetime('firstQuotedAt', 'firstQuotedAt', zone),
        number('quotes', 'size'),
        text('source'),
        text('pickupStation'),
        text('dropoffStation'),
        text('carGroup'),
        text('channel'),
        {
          header: 'leadTimeHours',
          type: 'number',
          value: (doc) => (typeof doc.leadTimeMs === 'number' ? doc.leadTimeMs / 3_600_000 : null),
        },
        { header: 'converted', type: 'text', value: (doc) => (doc.converted === true ? 'yes' : 'no') },
        datetime('convertedAt', 'convertedAt', zone),
      ];
    case 'events':
      return [
        text('id'),
        datetime('receivedAt', 'receivedAt', zone),
        text('type'),
        text('name'),
        text('project'),
        text('anonymousId'),
        text('userId'),
        text('page', 'context.page'),
        text('referrer', 'context.referrer'),
        text('campaign', 'context.campaign'),
        text('properties'),
      ];
  }
}
