-- Partner tickets (partner_tickets stream, contract §6, §7.10): tickets issued through the Partners API v1, read per
-- show with tickets/find/{event_id}/{show_id}. No holder e-mails, phones or names (dropped in the fetcher), no Fan ID
-- or visitor ids; the barcode only as barcode_hash (the same HMAC as stg_qtickets_api_checkins, so partner tickets join
-- check-ins). Ids arrive as integers or strings: normalised to UInt64. Timestamps carry the venue's offset on the wire
-- (§6, Q7): stored in UTC, paid_date_msk is the Moscow date of the payment.
-- A refresh of a show writes its tickets again (_ver = fetch time, _run_id = the run); once the run is complete,
-- tickets of the shows it refreshed that the API no longer returned are copied with is_deleted = 1 and vanished_at set.
-- is_deleted also carries the API's own `deleted` flag (cancelled or refunded).
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_partner_tickets {{on_cluster}}
(
    ticket_id          UInt64,
    event_id           UInt64,
    show_id            UInt64,
    seat_id            String,
    offer_id           String,
    admission          UInt8,
    paid               UInt8,
    paid_at            Nullable(DateTime64(3, 'UTC')),
    paid_date_msk      Nullable(Date),
    reserved_to        Nullable(DateTime64(3, 'UTC')),
    price              Nullable(Decimal(18, 2)),
    external_id        Nullable(String),
    external_order_id  Nullable(String),
    payment_type_id    Nullable(String),
    barcode_hash       Nullable(String),
    is_deleted         UInt8,
    vanished_at        Nullable(DateTime64(3, 'UTC')),
    _run_id            String,
    _ver               DateTime64(3, 'UTC'),
    _loaded_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY ticket_id
SETTINGS non_replicated_deduplication_window = 1000;

-- One row per show refresh: when each show was last read and what came back (outcome 'ok', or 'event_not_found' when
-- the API no longer knows the event: its tickets then vanish). Drives the refresh cadence and the vanish marking.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_partner_ticket_refreshes {{on_cluster}}
(
    event_id      UInt64,
    show_id       UInt64,
    refreshed_at  DateTime64(3, 'UTC'),
    tickets       UInt32,
    outcome       LowCardinality(String),
    _run_id       String,
    _ver          DateTime64(3, 'UTC'),
    _loaded_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
PARTITION BY toYYYYMM(refreshed_at)
ORDER BY (event_id, show_id, refreshed_at)
SETTINGS non_replicated_deduplication_window = 1000;

-- Sales per Moscow day by channel: 'partner' = partner tickets paid that day (count, Σ price; later deletions
-- included, like refunded REST tickets: they were sold that day; the API gives no deletion date), 'own' = the REST
-- sales of fact_qtickets_sales_daily minus the partner tickets found among them. Whether partner-issued tickets also
-- appear in GET /orders is UNV: a partner ticket whose id is the basket_id of a sold REST ticket line of the same show
-- is taken to be that line (INF; the simulator's model) and counted once, as partner; unmatched ones are sales the
-- REST orders do not hold. Either way own + partner = every ticket sold that day, each once.
CREATE OR REPLACE VIEW {{database}}.v_sales_by_channel {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT day, channel, tickets_sold, revenue
FROM
(
    SELECT f.day AS day, 'own' AS channel, toInt64(f.tickets) - toInt64(ifNull(m.tickets, 0)) AS tickets_sold,
           CAST(f.revenue - ifNull(m.revenue, toDecimal128(0, 2)) AS Decimal(38, 2)) AS revenue
    FROM (SELECT day, sum(tickets_sold) AS tickets, sum(revenue) AS revenue FROM {{database}}.fact_qtickets_sales_daily GROUP BY day) AS f
    LEFT JOIN
    (
        SELECT assumeNotNull(l.sale_date_msk) AS day, sum(l.quantity) AS tickets, sum(l.price) AS revenue
        FROM (SELECT basket_id, show_id, quantity, price, sale_date_msk FROM {{database}}.stg_qtickets_api_order_lines FINAL
              WHERE is_sold = 1 AND sale_date_msk IS NOT NULL) AS l
        INNER JOIN (SELECT ticket_id, show_id FROM {{database}}.stg_qtickets_partner_tickets FINAL WHERE vanished_at IS NULL) AS p
            ON p.ticket_id = l.basket_id AND p.show_id = l.show_id
        GROUP BY day
    ) AS m
        ON m.day = f.day
    UNION ALL
    SELECT assumeNotNull(paid_date_msk) AS day, 'partner' AS channel, toInt64(count()) AS tickets_sold,
           CAST(sum(ifNull(price, toDecimal64(0, 2))) AS Decimal(38, 2)) AS revenue
    FROM {{database}}.stg_qtickets_partner_tickets FINAL
    WHERE paid = 1 AND paid_date_msk IS NOT NULL AND vanished_at IS NULL
    GROUP BY day
)
SETTINGS join_use_nulls = 1;
