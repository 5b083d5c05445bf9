const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatRate(value: number | null): string {
  return value === null ? '–' : `${oneDecimal.format(value * 100)} %`;
}

export function formatHours(value: number | null): string {
  return value === null ? '–' : `${oneDecimal.format(value)} h`;
}

export function formatRevenue(revenue: Record<string, number>): string {
  const parts = Object.entries(revenue).map(([currency, amount]) =>
    new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount),
  );
  return parts.length === 0 ? '0' : parts.join(' + ');
}
