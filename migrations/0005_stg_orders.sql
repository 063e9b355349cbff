-- One row per order (natural key order_id), newest state wins: _ver = the order's updated_at.
-- Partitioned by the order's creation month, which never changes over the row's life, so every version of an
-- order lands in the same partition and ReplacingMergeTree can collapse them. PII-free by construction:
-- the fetcher's allow-list drops names, e-mails, phones, URLs and card masks; the client id is an HMAC.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_orders_raw {{on_cluster}}
(
    order_id             UInt64,
    client_hash          String,
    event_id             UInt64,
    site_id              Nullable(UInt64),
    payment_id           Nullable(UInt64),
    payment_type_id      LowCardinality(String),
    backend_user_id      Nullable(UInt64),
    discount_id          Nullable(UInt64),
    promo_code_id        Nullable(UInt64),
    access_code_id       Nullable(UInt64),
    status               LowCardinality(String),
    payed                UInt8,
    payed_at             Nullable(DateTime64(3, 'UTC')),
    reserved             UInt8,
    reserved_to          Nullable(DateTime64(3, 'UTC')),
    price                Decimal(18, 2),
    original_price       Decimal(18, 2),
    currency_id          LowCardinality(String),
    tickets_count        UInt32,
    tickets_sold         UInt32,
    tickets_refunded     UInt32,
    refunded_amount      Decimal(18, 2),
    utm_source           String,
    utm_medium           String,
    utm_campaign         String,
    created_at           DateTime64(3, 'UTC'),
    updated_at           DateTime64(3, 'UTC'),
    deleted_at           Nullable(DateTime64(3, 'UTC')),
    sale_date_msk        Nullable(Date),
    created_date_msk     Date,
    _ver                 DateTime64(3, 'UTC'),
    _loaded_at           DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
PARTITION BY toYYYYMM(created_at)
ORDER BY order_id
SETTINGS non_replicated_deduplication_window = 1000;
