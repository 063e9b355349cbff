-- Ticket lines with their show's day (Moscow and venue-local) and event name, from the events stream.
-- Lines whose show has not been loaded yet keep NULL show dates rather than disappearing.
CREATE OR REPLACE VIEW {{database}}.v_sales_latest {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT l.basket_id AS basket_id, l.order_id AS order_id, l.event_id AS event_id, s.event_name AS event_name,
       l.show_id AS show_id, s.start_at AS show_start_at, s.show_date_msk AS show_date_msk, s.show_date_local AS show_date_local,
       l.seat_name AS seat_name, l.quantity AS quantity, l.price AS price, l.discount_value AS discount_value,
       l.is_sold AS is_sold, l.is_refunded AS is_refunded, l.is_cancelled AS is_cancelled, l.order_payed_at AS order_payed_at,
       l.sale_date_msk AS sale_date_msk, l.refunded_at AS refunded_at, l.refund_date_msk AS refund_date_msk,
       l.refunded_amount AS refunded_amount, l.checked_at AS checked_at, l.updated_at AS updated_at
FROM {{database}}.stg_qtickets_api_order_lines AS l FINAL
LEFT JOIN (SELECT show_id, event_name, start_at, show_date_msk, show_date_local FROM {{database}}.stg_qtickets_api_shows FINAL) AS s
    ON s.show_id = l.show_id
SETTINGS join_use_nulls = 1;

-- Tickets and revenue by the Moscow day of the show (what a venue manager plans by), per event and show.
CREATE OR REPLACE VIEW {{database}}.v_sales_by_show_day {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT show_date_msk, event_id, any(event_name) AS event_name, show_id,
       toUInt64(sumIf(quantity, is_sold = 1)) AS tickets_sold, sumIf(price, is_sold = 1) AS revenue,
       toUInt64(countIf(is_refunded = 1)) AS refunds_count, sumIf(ifNull(refunded_amount, toDecimal64(0, 2)), is_refunded = 1) AS refunds_amount
FROM {{database}}.v_sales_latest
WHERE show_date_msk IS NOT NULL
GROUP BY show_date_msk, event_id, show_id;
