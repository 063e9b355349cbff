-- Check-ins (checkins stream, contract §5.10/§5.11). A barcode is an entry credential: it is never stored in clear.
-- barcode_hash = HMAC-SHA256 with PII_HASH_SALT (joins the tables below and partner tickets); barcode_token = the
-- barcode sealed with AES-256-GCM under a key derived from the same salt, which only the fetcher holds: the scheduler
-- plans scan-status polls from this table and the fetcher opens the token to make the request. No view exposes
-- barcode_token, and the datalens_reader role reads views only.

-- The barcodes GET /shows/{id}/barcodes listed (a snapshot of the currently valid ones), one row per show and barcode.
-- Every list writes its barcodes again (_ver = the list's fetch time, _run_id = the run); once the run is complete,
-- barcodes of the shows it listed that the list no longer holds (refunded, cancelled) are copied with is_valid = 0 and
-- vanished_at set. If one comes back, the next list's newer _ver wins again.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_barcodes {{on_cluster}}
(
    show_id        UInt64,
    event_id       UInt64,
    barcode_hash   String,
    barcode_token  String,
    zone_name      String,
    seat_name      String,
    row            String,
    place          String,
    admission      UInt8,
    price          Nullable(Decimal(18, 2)),
    is_valid       UInt8,
    listed_at      DateTime64(3, 'UTC'),
    vanished_at    Nullable(DateTime64(3, 'UTC')),
    _run_id        String,
    _ver           DateTime64(3, 'UTC'),
    _loaded_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY (show_id, barcode_hash)
SETTINGS non_replicated_deduplication_window = 1000;

-- One row per barcode list read: when each show was last listed and how many valid barcodes it had (0 included, so a
-- show whose tickets were all refunded still has a fresh figure). Drives the list cadence and the vanish marking.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_barcode_lists {{on_cluster}}
(
    show_id     UInt64,
    event_id    UInt64,
    listed_at   DateTime64(3, 'UTC'),
    barcodes    UInt32,
    _run_id     String,
    _ver        DateTime64(3, 'UTC'),
    _loaded_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
PARTITION BY toYYYYMM(listed_at)
ORDER BY (show_id, listed_at)
SETTINGS non_replicated_deduplication_window = 1000;

-- Scan status per barcode, from GET /shows/{id}/barcode/{barcode}: the latest poll wins (_ver = polled_at).
-- checked_at is NULL while the barcode has not been scanned; a scanned barcode is never polled again.
-- checked_date_msk = the Moscow date of the scan.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_checkins {{on_cluster}}
(
    show_id           UInt64,
    event_id          UInt64,
    barcode_hash      String,
    zone_name         String,
    seat_name         String,
    checked_at        Nullable(DateTime64(3, 'UTC')),
    checked_date_msk  Nullable(Date),
    polled_at         DateTime64(3, 'UTC'),
    _ver              DateTime64(3, 'UTC'),
    _loaded_at        DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY (show_id, barcode_hash)
SETTINGS non_replicated_deduplication_window = 1000;

-- Per show the checkins stream has listed: valid tickets (barcodes in the latest list), how many of them were scanned,
-- attendance %, first and last scan. order_lines_checked_in is the same count from the orders stream's ticket lines
-- (basket checked_at): it follows the orders stream's change feed and look-back, while this stream polls each barcode
-- in the show's window, so the two agree once both have caught up; the checkins stream is the per-barcode truth.
CREATE OR REPLACE VIEW {{database}}.v_attendance_by_show {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT l.show_id AS show_id, l.event_id AS event_id, s.event_name AS event_name, s.start_at AS show_start_at,
       s.show_date_msk AS show_date_msk, s.show_date_local AS show_date_local,
       ifNull(a.tickets_valid, 0) AS tickets_valid, ifNull(a.checked_in, 0) AS checked_in,
       if(ifNull(a.tickets_valid, 0) = 0, NULL, round(100 * ifNull(a.checked_in, 0) / a.tickets_valid, 2)) AS attendance_pct,
       a.first_checkin_at AS first_checkin_at, a.last_checkin_at AS last_checkin_at, l.last_listed_at AS last_listed_at,
       ifNull(o.checked_in, 0) AS order_lines_checked_in
FROM
(
    SELECT show_id, argMax(event_id, listed_at) AS event_id, max(listed_at) AS last_listed_at
    FROM {{database}}.stg_qtickets_api_barcode_lists
    GROUP BY show_id
) AS l
LEFT JOIN
(
    SELECT v.show_id AS show_id, toUInt64(count()) AS tickets_valid, toUInt64(countIf(c.checked_at IS NOT NULL)) AS checked_in,
           min(c.checked_at) AS first_checkin_at, max(c.checked_at) AS last_checkin_at
    FROM (SELECT show_id, barcode_hash FROM {{database}}.stg_qtickets_api_barcodes FINAL WHERE is_valid = 1) AS v
    LEFT JOIN (SELECT show_id, barcode_hash, checked_at FROM {{database}}.stg_qtickets_api_checkins FINAL WHERE checked_at IS NOT NULL) AS c
        ON c.show_id = v.show_id AND c.barcode_hash = v.barcode_hash
    GROUP BY v.show_id
) AS a
    ON a.show_id = l.show_id
LEFT JOIN (SELECT show_id, event_name, start_at, show_date_msk, show_date_local FROM {{database}}.stg_qtickets_api_shows FINAL) AS s
    ON s.show_id = l.show_id
LEFT JOIN
(
    SELECT show_id, toUInt64(countIf(checked_at IS NOT NULL)) AS checked_in
    FROM {{database}}.stg_qtickets_api_order_lines FINAL
    WHERE is_sold = 1 AND is_refunded = 0
    GROUP BY show_id
) AS o
    ON o.show_id = l.show_id
SETTINGS join_use_nulls = 1;

-- Scans per show and 15-minute bucket (UTC bucket start, its Moscow wall time, the scan's Moscow date). Every scan
-- counts, also of a ticket refunded after it was scanned (the entry happened).
CREATE OR REPLACE VIEW {{database}}.v_checkins_15m {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT show_id, any(event_id) AS event_id, bucket_start, toTimeZone(bucket_start, 'Europe/Moscow') AS bucket_start_msk,
       any(checked_date_msk) AS checked_date_msk, toUInt64(count()) AS checkins
FROM
(
    SELECT show_id, event_id, toStartOfInterval(assumeNotNull(checked_at), INTERVAL 15 MINUTE) AS bucket_start, checked_date_msk
    FROM {{database}}.stg_qtickets_api_checkins FINAL
    WHERE checked_at IS NOT NULL
)
GROUP BY show_id, bucket_start;
