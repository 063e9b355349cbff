import { QUARANTINE_TABLE } from '../common/quarantine.ts';
import { checkinsStream } from './checkins/checkins.stream.ts';
import { clientsStream } from './clients/clients.stream.ts';
import { colorThemesStream } from './color-themes/color-themes.stream.ts';
import { discountsStream } from './discounts/discounts.stream.ts';
import { eventsStream } from './events/events.stream.ts';
import { inventoryStream } from './inventory/inventory.stream.ts';
import { ordersStream } from './orders/orders.stream.ts';
import { partnerTicketsStream } from './partner-tickets/partner-tickets.stream.ts';
import { promoCodesStream } from './promo-codes/promo-codes.stream.ts';
import { rawTableOf, type StreamDefinition } from './stream.ts';

/** Every stream the pipeline runs: one line each. */
export const STREAM_DEFINITIONS = [
  ordersStream,
  eventsStream,
  discountsStream,
  promoCodesStream,
  colorThemesStream,
  clientsStream,
  inventoryStream,
  checkinsStream,
  partnerTicketsStream,
] as const satisfies readonly StreamDefinition[];

export type StreamName = (typeof STREAM_DEFINITIONS)[number]['name'];
export const STREAMS = STREAM_DEFINITIONS.map((s) => s.name) as [StreamName, ...StreamName[]];

const byName = new Map<string, StreamDefinition>(STREAM_DEFINITIONS.map((s) => [s.name, s]));

export function streamByName(name: string): StreamDefinition {
  const s = byName.get(name);
  if (!s) throw new Error(`unknown stream "${name}" (streams: ${STREAMS.join(', ')})`);
  return s;
}

/** Tables any stream writes, its raw landing, and quarantine: the writer refuses every other name. */
export const WRITABLE_TABLES: ReadonlySet<string> = new Set([
  QUARANTINE_TABLE,
  ...STREAM_DEFINITIONS.flatMap((s) => [...s.tables.map((t) => t.name), rawTableOf(s.name)]),
]);
