import { expect } from 'chai';
import { REPORT_PERIODS, reportInputSchema } from '../../../dashboard/reports/report-definition.js';
import { reportPeriod } from '../../../dashboard/reports/report-period.js';
import { unknownRecipientDomains } from '../../../dashboard/reports/recipient-domains.js';
import { toValidationIssues, valueFreeErrorMap } from '../../../lib/validation/issues.js';
import { slug } from '../../../worker/reports/run-report.js';

const ROME = 'Europe/Rome';

describe('reportPeriod', () => {
  describe('when a report runs at 06:00 in Rome on Wednesday 2026-07-15', () => {
    const runAt = new Date('2026-07-15T04:00:00Z');
    it('should give every period as local days of the KPI zone', () => {
      const periods = Object.fromEntries(
        REPORT_PERIODS.map((period) => [period, reportPeriod(period, runAt, ROME)]),
      );
      expect(periods).to.deep.equal({
        today: { from: '2026-07-14T22:00:00.000Z', to: '2026-07-15T04:00:00.000Z', label: '2026-07-15' },
        yesterday: { from: '2026-07-13T22:00:00.000Z', to: '2026-07-14T22:00:00.000Z', label: '2026-07-14' },
        last7Days: {
          from: '2026-07-07T22:00:00.000Z',
          to: '2026-07-14T22:00:00.000Z',
          label: '2026-07-08_2026-07-14',
        },
        thisWeek: {
          from: '2026-07-12T22:00:00.000Z',
          to: '2026-07-15T04:00:00.000Z',
          label: '2026-07-13_2026-07-15',
        },
        lastWeek: {
          from: '2026-07-05T22:00:00.000Z',
          to: '2026-07-12T22:00:00.000Z',
          label: '2026-07-06_2026-07-12',
        },
        last30Days: {
          from: '2026-06-14T22:00:00.000Z',
          to: '2026-07-14T22:00:00.000Z',
          label: '2026-06-15_2026-07-14',
        },
        thisMonth: {
          from: '2026-06-30T22:00:00.000Z',
          to: '2026-07-15T04:00:00.000Z',
          label: '2026-07-01_2026-07-15',
        },
        lastMonth: {
          from: '2026-05-31T22:00:00.000Z',
          to: '2026-06-30T22:00:00.000Z',
          label: '2026-06-01_2026-06-30',
        },
      });
    });
  });

  describe('when the period crosses a summer-time change or a year', () => {
    it('should give a 23-hour yesterday after the spring change, and December as last month in January', () => {
      expect(reportPeriod('yesterday', new Date('2026-03-30T05:00:00Z'), ROME)).to.deep.equal({
        from: '2026-03-28T23:00:00.000Z',
        to: '2026-03-29T22:00:00.000Z',
        label: '2026-03-29',
      });
      expect(reportPeriod('lastMonth', new Date('2027-01-02T08:00:00Z'), ROME)).to.deep.equal({
        from: '2026-11-30T23:00:00.000Z',
        to: '2026-12-31T23:00:00.000Z',
        label: '2026-12-01_2026-12-31',
      });
    });

    it('should take the day of the KPI zone, not of UTC, just after local midnight', () => {
      // 00:30 in Rome on the 15th is still the 14th in UTC.
      expect(reportPeriod('yesterday', new Date('2026-07-14T22:30:00Z'), ROME).label).to.equal('2026-07-14');
    });
  });
});

describe('report input', () => {
  const parse = (input: unknown) => {
    const parsed = reportInputSchema.safeParse(input, { error: valueFreeErrorMap });
    return parsed.success ? parsed.data : toValidationIssues(parsed.error);
  };

  it('should fill the defaults of a minimal report', () => {
    expect(
      parse({ name: ' Daily ', period: 'yesterday', schedule: '0 6 * * *', recipients: ['a@example.com'] }),
    ).to.deep.equal({
      name: 'Daily',
      period: 'yesterday',
      granularity: 'day',
      groupBy: null,
      filter: {},
      format: 'csv',
      schedule: '0 6 * * *',
      delivery: 'email',
      recipients: ['a@example.com'],
    });
  });

  it('should name every bad field without echoing it', () => {
    expect(
      parse({
        name: 'x\r\nBcc: everyone@example.com',
        period: 'fortnight',
        schedule: '61 * * * *',
        recipients: ['not-an-address'],
        filter: { colour: 'red' },
      }),
    ).to.deep.equal([
      { path: 'name', message: 'must not hold control characters (line breaks, tabs…)' },
      {
        path: 'period',
        message:
          'must be one of: "today", "yesterday", "last7Days", "thisWeek", "lastWeek", "last30Days", "thisMonth", "lastMonth"',
      },
      { path: 'filter.colour', message: 'unknown key' },
      {
        path: 'schedule',
        message: 'must be a cron expression such as "*/5 * * * *" (minute hour day month weekday)',
      },
      { path: 'recipients[0]', message: 'must be an email address' },
    ]);
  });
});

describe('unknownRecipientDomains', () => {
  it('should accept the allowed domains and their subdomains, and name the others', () => {
    expect(
      unknownRecipientDomains(
        ['a@example.com', 'b@Sales.Example.com', 'c@example.com.evil.org', 'd@gmail.com'],
        ['example.com'],
      ),
    ).to.deep.equal([
      {
        path: 'recipients[2]',
        message: 'unknown recipient domain example.com.evil.org: reports may go to example.com',
      },
      { path: 'recipients[3]', message: 'unknown recipient domain gmail.com: reports may go to example.com' },
    ]);
    expect(unknownRecipientDomains(['d@gmail.com'], [])).to.deep.equal([]);
  });
});

describe('slug', () => {
  it('should make a file name part of any report name', () => {
    expect(slug('Città: Ü-Bahn / Daily ')).to.equal('citta-u-bahn-daily');
    expect(slug('***')).to.equal('report');
  });
});
