export {
  AuthError,
  BadRequestError,
  InvalidResponseError,
  isQTicketsError,
  NetworkError,
  NotFoundError,
  PartnerError,
  QTicketsError,
  type QTicketsErrorKind,
  RateLimitedError,
  type SafeCause,
  ServerError,
  UnknownRouteError,
} from './errors.ts';
export { DEFAULT_TIMEOUTS, type Timeouts } from './http-transport.ts';
export { isJsonRecord, type JsonPrimitive, type JsonRecord, type JsonValue, parseApiJson } from './json.ts';
export { computeLastPage, hasNextPage, LIST_RESOURCES, type ListPage, type ListResource, type Paging } from './paging.ts';
export { encodeQuery, type FilterEncoding } from './params.ts';
export {
  createPartnersClient,
  DEFAULT_PARTNERS_BASE_URL,
  type PartnerSeatQuery,
  PartnersClient,
  type PartnersClientOptions,
  type PartnerTicketFilter,
} from './partners.client.ts';
export {
  createQTicketsClient,
  DEFAULT_BASE_URL,
  type FilteredPage,
  type ListParams,
  QTicketsClient,
  type QTicketsClientOptions,
  type SeatsOptions,
  type TailOptions,
  type UnpagedResource,
  type WalkOptions,
} from './qtickets.client.ts';
export { endpointOf, type RequestEvent, type RequestObserver } from './request-loop.ts';
export { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryOptions } from './retry-policy.ts';
export {
  BARCODE_FIELDS,
  type Barcode,
  type BarcodeField,
  type BarcodeScan,
  barcodeListSchema,
  barcodeScanSchema,
  barcodeSchema,
} from './schemas/barcodes.schema.ts';
export { type Client, type ClientDetails, clientDetailsSchema, clientSchema } from './schemas/clients.schema.ts';
export { type ColorTheme, colorThemeSchema } from './schemas/color-themes.schema.ts';
export { type Discount, discountEventSchema, discountSchema, discountShowSchema } from './schemas/discounts.schema.ts';
export { listEnvelopeSchema, pagingSchema, type RestErrorBody, restErrorSchema, singleEnvelopeSchema } from './schemas/envelope.schema.ts';
export {
  type Event,
  type Event as EventRecord,
  eventSchema,
  type Price,
  priceSchema,
  type SchemeProperties,
  type Show,
  schemePropertiesSchema,
  showSchema,
} from './schemas/events.schema.ts';
export { type Basket, basketSchema, type Order, orderSchema, type Utm, utmSchema } from './schemas/orders.schema.ts';
export {
  type PartnerSeatCheck,
  type PartnerTicket,
  type PartnerTicketsCheck,
  type PartnerTicketsFind,
  partnerErrorSchema,
  partnerSeatCheckSchema,
  partnerTicketSchema,
  partnerTicketsCheckSchema,
  partnerTicketsFindSchema,
} from './schemas/partners.schema.ts';
export {
  canonicalMoney,
  emptyAsNull,
  intLike,
  looseJsonObject,
  mixedBool,
  money,
  nullableMoney,
  nullableTimestamp,
  numeric,
  stringish,
  timestamp,
} from './schemas/primitives.schema.ts';
export { type PromoCode, promoCodeSchema } from './schemas/promo-codes.schema.ts';
export {
  type FlatSeat,
  flatSeatSchema,
  parseShowSeats,
  type SeatZone,
  type ShowSeats,
  seatZoneSchema,
  showSeatsSchema,
  type ZoneSeat,
  zoneSeatSchema,
} from './schemas/seats.schema.ts';
export { tokenFingerprint } from './token.ts';
export { CLIENT_VERSION, DEFAULT_USER_AGENT } from './version.ts';
export { compareIds, type IdOrder, type WalkAnomaly, type WalkAnomalyKind, type WalkPage } from './walker.ts';
export {
  formatApiTimestamp,
  matchesCondition,
  matchesWhere,
  type OrderBy,
  timestampToEpochMs,
  verifyFilter,
  type Where,
  type WhereCondition,
  type WhereOperator,
} from './where.ts';
