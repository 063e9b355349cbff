-- Raw landing (issue 15): every sanitized record exactly as the fetcher handed it to the transformer, written by the
-- writer in the same confirmed batches as the rows derived from it. PII-free by construction (after the allow-list).
-- `pnpm replay <stream>` re-derives the stream's tables from here through the same transforms, with no API request.
--   _key        the record's natural id (its id, or a hash of its parent and content when it has none)
--   _version    the record's version (its updated_at; the fetch time for records without one)
--   _run_id / _source / _fetched_at / _parent   the run, page or item, fetch time and parent (per-show streams)
--   record      the sanitized record as JSON, ZSTD-compressed
-- history: one row per record version (ORDER BY _key, _version), dropped after RAW_RETENTION (TTL, applied by
--          `pnpm migrate`; the 400-day default below is its initial value);
-- latest:  one row per record, the highest version (ReplacingMergeTree on _version), kept as long as the record.

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_orders {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_fetched_at)}}
ORDER BY (_key, _version)
TTL toDateTime(_fetched_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (history)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_inventory {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_fetched_at)}}
ORDER BY (_key, _version)
TTL toDateTime(_fetched_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (history)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_checkins {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_fetched_at)}}
ORDER BY (_key, _version)
TTL toDateTime(_fetched_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (history)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_partner_tickets {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_fetched_at)}}
ORDER BY (_key, _version)
TTL toDateTime(_fetched_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (history)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_events {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_version)}}
ORDER BY _key
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (latest)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_discounts {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_version)}}
ORDER BY _key
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (latest)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_promo_codes {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_version)}}
ORDER BY _key
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (latest)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_color_themes {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_version)}}
ORDER BY _key
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (latest)';

CREATE TABLE IF NOT EXISTS {{database}}.raw_qtickets_clients {{on_cluster}}
(
    _key         String,
    _version     DateTime64(3, 'UTC'),
    _run_id      String,
    _source      String,
    _parent      String,
    _fetched_at  DateTime64(3, 'UTC'),
    record       String CODEC(ZSTD(3)),
    _loaded_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_version)}}
ORDER BY _key
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw landing (latest)';
