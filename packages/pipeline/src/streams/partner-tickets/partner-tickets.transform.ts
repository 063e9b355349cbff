import { mixedBool, nullableMoney, stringish } from '@qtp/qtickets-client';
import { z } from 'zod';
import { moscowDate, toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined } from '../../common/quarantine.ts';
import { idSchema, instantSchema } from '../../common/values.schema.ts';
import type { RecordResult, TransformContext } from '../stream.ts';

export const PARTNER_TABLES = { tickets: 'stg_qtickets_partner_tickets', refreshes: 'stg_qtickets_partner_ticket_refreshes' } as const;

export const partnerParentSchema = z.object({ event_id: idSchema, show_id: idSchema });

const refreshSchema = z.object({
  kind: z.literal('refresh'),
  tickets: z.number().int().nonnegative(),
  outcome: z.enum(['ok', 'event_not_found']),
});
const ticketSchema = z.object({
  kind: z.literal('ticket'),
  /** An integer in find, a string in the add example (§6, §7.10): both normalised to a number. */
  id: idSchema,
  paid: mixedBool,
  /** Venue-local offset on the wire (e.g. +10:00), unlike REST. */
  paid_at: instantSchema.nullish(),
  seat_id: z.string(),
  offer_id: z.string().nullish(),
  admission: mixedBool.optional(),
  reserved_to: instantSchema.nullish(),
  external_id: stringish.nullish(),
  external_order_id: stringish.nullish(),
  price: nullableMoney.optional(),
  deleted: mixedBool.optional(),
  payment_type_id: stringish.nullish(),
  barcode_hash: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});
const recordSchema = z.discriminatedUnion('kind', [refreshSchema, ticketSchema]);

const utc = (ts: string | null | undefined): string | null => (ts ? toClickHouseUtc(ts) : null);

/**
 * Pure: one sanitised record of a show's partner tickets → rows. The show comes from the parent (a ticket has no show
 * field: it is known from the tickets/find/{event}/{show} that returned it). A ticket is sold on the Moscow day of
 * `paid_at`, whatever offset the venue's city prints.
 */
export function transformPartnerRecord(raw: unknown, ctx: TransformContext): RecordResult {
  const rec = recordSchema.safeParse(raw);
  if (!rec.success) return quarantined(raw, rec.error);
  const parent = partnerParentSchema.safeParse(ctx.parent);
  if (!parent.success) return quarantined(raw, `parent: ${parent.error.issues[0]?.message ?? 'missing show'}`);
  const at = toClickHouseUtc(ctx.fetchedAt);
  const r = rec.data;
  if (r.kind === 'refresh') {
    const row = { ...parent.data, refreshed_at: at, tickets: r.tickets, outcome: r.outcome, _run_id: ctx.runId, _ver: at };
    return { kind: 'rows', rows: { [PARTNER_TABLES.refreshes]: [row] } };
  }
  const paidAt = r.paid && r.paid_at ? r.paid_at : null;
  const row = {
    ticket_id: r.id,
    event_id: parent.data.event_id,
    show_id: parent.data.show_id,
    seat_id: r.seat_id,
    offer_id: r.offer_id ?? '',
    admission: r.admission ? 1 : 0,
    paid: r.paid ? 1 : 0,
    paid_at: utc(paidAt),
    paid_date_msk: paidAt ? moscowDate(paidAt) : null,
    reserved_to: utc(r.reserved_to),
    price: r.price ?? null,
    external_id: r.external_id ?? null,
    external_order_id: r.external_order_id ?? null,
    payment_type_id: r.payment_type_id ?? null,
    barcode_hash: r.barcode_hash ?? null,
    is_deleted: r.deleted ? 1 : 0,
    vanished_at: null,
    _run_id: ctx.runId,
    _ver: at,
  };
  return { kind: 'rows', id: r.id, rows: { [PARTNER_TABLES.tickets]: [row] } };
}
