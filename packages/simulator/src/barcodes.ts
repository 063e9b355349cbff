/** 12-digit barcodes: "87" + a seeded bijection of the basket id onto 10 digits, so they are unique and invertible. */

const MOD = 10_000_000_000n;
const MUL = 7_919_123_457n; // odd and not a multiple of 5: invertible mod 10^10

function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

const MUL_INV = inverse(MUL, MOD);

export function barcodeOf(seed: number, basketId: number): string {
  const add = BigInt(seed >>> 0) * 104_729n;
  return `87${((BigInt(basketId) * MUL + add) % MOD).toString().padStart(10, '0')}`;
}

/** The basket id a barcode belongs to (null when the text is not one of ours). */
export function basketIdOfBarcode(seed: number, barcode: string): number | null {
  if (!/^87\d{10}$/.test(barcode)) return null;
  const add = BigInt(seed >>> 0) * 104_729n;
  const x = (((BigInt(barcode.slice(2)) - add) % MOD) + MOD) % MOD;
  const id = (x * MUL_INV) % MOD;
  return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
}
