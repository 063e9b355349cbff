-- Facts are derived from the staging truth under FINAL, never accumulated: a partial fetch window cannot shrink a day.
-- A ticket is sold on the Moscow day its order was paid (refunded tickets included: they were sold that day);
-- refunds count on the Moscow day of the refund. Net revenue = revenue - refunds.
CREATE OR REPLACE VIEW {{database}}.fact_qtickets_sales_daily {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT
    day,
    event_id,
    toUInt64(sum(t_tickets)) AS tickets_sold,
    sum(t_revenue) AS revenue,
    toUInt64(sum(t_refunds)) AS refunds_count,
    sum(t_refunded) AS refunds_amount,
    sum(t_revenue) - sum(t_refunded) AS net_revenue
FROM
(
    SELECT assumeNotNull(sale_date_msk) AS day, event_id, quantity AS t_tickets, price AS t_revenue, 0 AS t_refunds, toDecimal64(0, 2) AS t_refunded
    FROM {{database}}.stg_qtickets_api_order_lines FINAL
    WHERE is_sold = 1 AND sale_date_msk IS NOT NULL
    UNION ALL
    SELECT assumeNotNull(refund_date_msk) AS day, event_id, 0 AS t_tickets, toDecimal64(0, 2) AS t_revenue, 1 AS t_refunds, ifNull(refunded_amount, toDecimal64(0, 2)) AS t_refunded
    FROM {{database}}.stg_qtickets_api_order_lines FINAL
    WHERE is_refunded = 1 AND refund_date_msk IS NOT NULL
)
GROUP BY day, event_id;

-- What DataLens reads: one row per Moscow day and event, money as exact decimals.
CREATE OR REPLACE VIEW {{database}}.v_qtickets_sales_dashboard {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT day, event_id, tickets_sold, revenue, refunds_count, refunds_amount, net_revenue
FROM {{database}}.fact_qtickets_sales_daily;

-- The last 14 Moscow days (today included), per day across events.
CREATE OR REPLACE VIEW {{database}}.v_sales_14d {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT day, sum(tickets_sold) AS tickets_sold, sum(revenue) AS revenue, sum(refunds_count) AS refunds_count,
       sum(refunds_amount) AS refunds_amount, sum(net_revenue) AS net_revenue
FROM {{database}}.fact_qtickets_sales_daily
WHERE day >= toDate(now(), 'Europe/Moscow') - 13
GROUP BY day;

-- The current state of every ticket line (latest version), for drill-down.
CREATE OR REPLACE VIEW {{database}}.v_sales_latest {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT basket_id, order_id, event_id, show_id, seat_name, quantity, price, discount_value, is_sold, is_refunded,
       is_cancelled, order_payed_at, sale_date_msk, refunded_at, refund_date_msk, refunded_amount, checked_at, updated_at
FROM {{database}}.stg_qtickets_api_order_lines FINAL;
