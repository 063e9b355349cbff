import type { ClickHouseClient } from '@qtp/shared';

/**
 * A stream whose records the vendor pushes (webhooks, contract §9). The receiver checks the signature, reads the
 * record out of the body, sends it through the stream's own `sanitize` (the PII boundary) and `transform` (its
 * validation), and passes a valid record on as fetched; a body that does not validate, or that is older than what
 * ClickHouse holds, becomes the stream's `refetch` of that record by id.
 */
export type WebhookDeclaration = {
  /** The `X-Model-Name` of its deliveries (`Order`); a delivery without the header goes to the first stream declaring one. */
  model: string;
  /** The parent of the refetch job for a record id (what the stream's `refetch` reads). */
  refetchParent(id: number): Record<string, number>;
  /** The latest version (updated_at, epoch ms) ClickHouse holds per record id; ids it does not hold are absent. */
  latestVersions(clickhouse: ClickHouseClient, ids: readonly number[]): Promise<Map<number, number>>;
};
