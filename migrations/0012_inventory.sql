-- Seat inventory snapshots per show and zone (inventory stream). One row per (show, zone, 5-minute bucket); a later
-- snapshot in the same bucket replaces an earlier one. `shape` says where the counts came from: 'flat' (per-seat
-- counts, DOC), 'hierarchical' (the default shape: numbered seats only, sold/held/free unknown) or 'none' (the show
-- has no seats block: one row with zone_id ''). capacity = numbered seats + admission max_quantity (flat shape);
-- sold = paid; held = ordered, not paid; free = what the API reports as still free.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_inventory_raw {{on_cluster}}
(
    show_id            UInt64,
    event_id           UInt64,
    zone_id            String,
    zone_name          String,
    shape              LowCardinality(String),
    seats              UInt32,
    admission_entries  UInt32,
    capacity           UInt32,
    sold               Nullable(UInt32),
    held               Nullable(UInt32),
    free               Nullable(UInt32),
    snapshot_at        DateTime64(3, 'UTC'),
    snapshot_bucket    DateTime64(3, 'UTC'),
    _ver               DateTime64(3, 'UTC'),
    _loaded_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
PARTITION BY toYYYYMM(snapshot_bucket)
ORDER BY (show_id, zone_id, snapshot_bucket)
SETTINGS non_replicated_deduplication_window = 1000;

-- The latest snapshot of every show, per zone.
CREATE OR REPLACE VIEW {{database}}.fact_qtickets_inventory_latest {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT show_id, event_id, zone_id, zone_name, capacity, sold, held, free, snapshot_at
FROM {{database}}.stg_qtickets_api_inventory_raw FINAL
WHERE (show_id, snapshot_at) IN (SELECT show_id, max(snapshot_at) FROM {{database}}.stg_qtickets_api_inventory_raw GROUP BY show_id);

-- Per show: how full it is (latest snapshot) and what it earned (sales facts).
CREATE OR REPLACE VIEW {{database}}.v_sell_through_by_show {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT i.show_id AS show_id, i.event_id AS event_id, s.event_name AS event_name, s.start_at AS show_start_at,
       s.show_date_msk AS show_date_msk, s.show_date_local AS show_date_local,
       i.capacity AS capacity, i.sold AS sold, i.held AS held, i.free AS free,
       if(i.capacity = 0, NULL, round(100 * i.sold / i.capacity, 2)) AS sell_through_pct,
       ifNull(r.revenue, toDecimal64(0, 2)) AS revenue, ifNull(r.net_revenue, toDecimal64(0, 2)) AS net_revenue,
       i.snapshot_at AS snapshot_at
FROM
(
    SELECT show_id, any(event_id) AS event_id, toUInt64(sum(capacity)) AS capacity, sum(sold) AS sold, sum(held) AS held,
           sum(free) AS free, max(snapshot_at) AS snapshot_at
    FROM {{database}}.fact_qtickets_inventory_latest
    GROUP BY show_id
) AS i
LEFT JOIN (SELECT show_id, event_name, start_at, show_date_msk, show_date_local FROM {{database}}.stg_qtickets_api_shows FINAL) AS s
    ON s.show_id = i.show_id
LEFT JOIN
(
    SELECT show_id, sumIf(price, is_sold = 1) AS revenue,
           sumIf(price, is_sold = 1) - sumIf(ifNull(refunded_amount, toDecimal64(0, 2)), is_refunded = 1) AS net_revenue
    FROM {{database}}.stg_qtickets_api_order_lines FINAL
    GROUP BY show_id
) AS r
    ON r.show_id = i.show_id
SETTINGS join_use_nulls = 1;
