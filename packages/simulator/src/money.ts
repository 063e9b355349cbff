/** Money is kept in integer kopecks and only turned into a JSON number (or a 2-decimal string) at the edge. */

/** Kopecks → JSON number as the API sends it: 585, 1222.03, 585.5 (k/100 is the double nearest the decimal). */
export function kopToNumber(kop: number): number {
  return kop / 100;
}

/** Kopecks → exact decimal string with two places, e.g. `1234.50`, `-12.03`. */
export function kopToString(kop: number | bigint): string {
  const v = BigInt(kop);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A percentage of an amount, rounded half-up to whole kopecks. */
export function percentOf(kop: number, percent: number): number {
  return Math.floor((kop * percent + 50) / 100);
}
