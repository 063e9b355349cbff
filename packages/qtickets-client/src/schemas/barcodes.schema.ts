/** `GET /shows/{id}/barcodes` (bare array) and `GET /shows/{id}/barcode/{barcode}` (bare object) — §5.10/5.11, §7.9, DOC. */
import { z } from 'zod';
import { mixedBool, nullableMoney, nullableTimestamp, stringish } from './primitives.schema.ts';

/** Fields that can be requested with `select`. */
export const BARCODE_FIELDS = [
  'barcode',
  'admission',
  'price',
  'seat_name',
  'zone_name',
  'row',
  'place',
  'client_name',
  'client_surname',
  'client_middlename',
] as const;

export type BarcodeField = (typeof BARCODE_FIELDS)[number];

/** Every field is optional: the set present depends on `select`. */
export const barcodeSchema = z.looseObject({
  barcode: stringish.optional(),
  admission: mixedBool.optional(),
  price: nullableMoney.optional(),
  seat_name: z.string().nullable().optional(),
  zone_name: z.string().nullable().optional(),
  row: stringish.nullable().optional(),
  place: stringish.nullable().optional(),
  client_name: z.string().nullable().optional(),
  client_surname: z.string().nullable().optional(),
  client_middlename: z.string().nullable().optional(),
});

export const barcodeListSchema = z.array(barcodeSchema);

export const barcodeScanSchema = z.looseObject({
  barcode: stringish,
  checked_at: nullableTimestamp,
});

export type Barcode = z.infer<typeof barcodeSchema>;
export type BarcodeScan = z.infer<typeof barcodeScanSchema>;
