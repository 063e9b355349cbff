-- The catalogue streams (full refresh each): discounts, promo codes, price shades and PII-free clients.
-- A refresh writes every row again with _ver = its fetch time and _run_id = the run; once the run is complete, rows an
-- earlier run saw and this one did not are copied with is_deleted = 1 and vanished_at set (gone upstream).
-- is_deleted also flags rows the API soft-deleted (deleted_at). Small tables: no partitions.
CREATE TABLE IF NOT EXISTS {{database}}.dim_qtickets_discounts {{on_cluster}}
(
    discount_id   UInt64,
    name          String,
    type          LowCardinality(String),
    is_active     UInt8,
    active_from   Nullable(DateTime64(3, 'UTC')),
    active_to     Nullable(DateTime64(3, 'UTC')),
    event_ids     Array(UInt64),
    show_ids      Array(UInt64),
    created_at    DateTime64(3, 'UTC'),
    updated_at    DateTime64(3, 'UTC'),
    deleted_at    Nullable(DateTime64(3, 'UTC')),
    is_deleted    UInt8,
    vanished_at   Nullable(DateTime64(3, 'UTC')),
    _run_id       String,
    _ver          DateTime64(3, 'UTC'),
    _loaded_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY discount_id
SETTINGS non_replicated_deduplication_window = 1000;

-- One row per promo code; the API's list is grouped by discount. max_uses_count: 0 = unlimited (contract §7.8);
-- the API has no usage counter (uses are counted from orders: v_sales_by_promo_code).
CREATE TABLE IF NOT EXISTS {{database}}.dim_qtickets_promo_codes {{on_cluster}}
(
    promo_code_id   UInt64,
    discount_id     UInt64,
    code            String,
    type            UInt8,
    is_active       UInt8,
    max_uses_count  UInt32,
    active_from     Nullable(DateTime64(3, 'UTC')),
    active_to       Nullable(DateTime64(3, 'UTC')),
    created_at      DateTime64(3, 'UTC'),
    updated_at      DateTime64(3, 'UTC'),
    deleted_at      Nullable(DateTime64(3, 'UTC')),
    is_deleted      UInt8,
    vanished_at     Nullable(DateTime64(3, 'UTC')),
    _run_id         String,
    _ver            DateTime64(3, 'UTC'),
    _loaded_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY promo_code_id
SETTINGS non_replicated_deduplication_window = 1000;

-- Price shades (GET /color-themes).
CREATE TABLE IF NOT EXISTS {{database}}.dim_qtickets_color_themes {{on_cluster}}
(
    color_theme_id  UInt64,
    color           String,
    is_deleted      UInt8,
    vanished_at     Nullable(DateTime64(3, 'UTC')),
    _run_id         String,
    _ver            DateTime64(3, 'UTC'),
    _loaded_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY color_theme_id
SETTINGS non_replicated_deduplication_window = 1000;

-- Buyers without personal data: the salted HMAC of the client id (the same client_hash as on orders), and a creation
-- time if the API ever sends one (it has none today, contract §7.3). No names, e-mails, phones or social ids.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_clients {{on_cluster}}
(
    client_hash   String,
    created_at    Nullable(DateTime64(3, 'UTC')),
    deleted_at    Nullable(DateTime64(3, 'UTC')),
    is_deleted    UInt8,
    vanished_at   Nullable(DateTime64(3, 'UTC')),
    _run_id       String,
    _ver          DateTime64(3, 'UTC'),
    _loaded_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY client_hash
SETTINGS non_replicated_deduplication_window = 1000;
