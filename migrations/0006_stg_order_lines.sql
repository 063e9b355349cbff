-- One row per ticket line (basket; natural key basket_id), carrying the owning order's state at the same version,
-- so a line's newest row is always self-consistent. _ver = max(order.updated_at, basket.updated_at).
-- Partitioned by the order's creation month (immutable).
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_order_lines {{on_cluster}}
(
    basket_id                  UInt64,
    order_id                   UInt64,
    event_id                   UInt64,
    show_id                    UInt64,
    seat_id                    String,
    seat_name                  String,
    zone_key                   String,
    multiprice_code            String,
    quantity                   UInt32,
    original_price             Decimal(18, 2),
    discount_value             Decimal(18, 2),
    price                      Decimal(18, 2),
    ticket_amount              Decimal(18, 2),
    service_fee_amount         Decimal(18, 2),
    order_payed                UInt8,
    order_payed_at             Nullable(DateTime64(3, 'UTC')),
    is_sold                    UInt8,
    is_refunded                UInt8,
    is_cancelled               UInt8,
    checked_at                 Nullable(DateTime64(3, 'UTC')),
    refunded_at                Nullable(DateTime64(3, 'UTC')),
    refunded_amount            Nullable(Decimal(18, 2)),
    refunded_deduction_amount  Nullable(Decimal(18, 2)),
    created_at                 DateTime64(3, 'UTC'),
    updated_at                 DateTime64(3, 'UTC'),
    deleted_at                 Nullable(DateTime64(3, 'UTC')),
    order_created_at           DateTime64(3, 'UTC'),
    sale_date_msk              Nullable(Date),
    refund_date_msk            Nullable(Date),
    _ver                       DateTime64(3, 'UTC'),
    _loaded_at                 DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
PARTITION BY toYYYYMM(order_created_at)
ORDER BY basket_id
SETTINGS non_replicated_deduplication_window = 1000;
