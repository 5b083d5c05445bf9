/** Postgres log sequence numbers: `16/B374D848` as text, a 64-bit integer underneath. */
export function lsnToBigInt(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  if (
    high === undefined ||
    low === undefined ||
    !/^[0-9A-F]{1,8}$/i.test(high) ||
    !/^[0-9A-F]{1,8}$/i.test(low)
  ) {
    throw new TypeError(`not an LSN: ${lsn}`);
  }
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

export function bigIntToLsn(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** An LSN as a record version: a number while it is exact, else a string of digits. */
export function lsnVersion(lsn: string, minus = 0n): number | string {
  const value = lsnToBigInt(lsn) - minus;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
