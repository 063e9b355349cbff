-- Ticket lines with their show day (events stream) and their order's discount and promo code (catalogue streams).
-- Lines whose show, discount or promo code is not loaded yet keep NULLs rather than disappearing.
CREATE OR REPLACE VIEW {{database}}.v_sales_latest {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT l.basket_id AS basket_id, l.order_id AS order_id, l.event_id AS event_id, s.event_name AS event_name,
       l.show_id AS show_id, s.start_at AS show_start_at, s.show_date_msk AS show_date_msk, s.show_date_local AS show_date_local,
       l.seat_name AS seat_name, l.quantity AS quantity, l.price AS price, l.discount_value AS discount_value,
       o.discount_id AS discount_id, d.name AS discount_name, o.promo_code_id AS promo_code_id, p.code AS promo_code,
       l.is_sold AS is_sold, l.is_refunded AS is_refunded, l.is_cancelled AS is_cancelled, l.order_payed_at AS order_payed_at,
       l.sale_date_msk AS sale_date_msk, l.refunded_at AS refunded_at, l.refund_date_msk AS refund_date_msk,
       l.refunded_amount AS refunded_amount, l.checked_at AS checked_at, l.updated_at AS updated_at
FROM {{database}}.stg_qtickets_api_order_lines AS l FINAL
LEFT JOIN (SELECT show_id, event_name, start_at, show_date_msk, show_date_local FROM {{database}}.stg_qtickets_api_shows FINAL) AS s
    ON s.show_id = l.show_id
LEFT JOIN (SELECT order_id, discount_id, promo_code_id FROM {{database}}.stg_qtickets_api_orders_raw FINAL) AS o
    ON o.order_id = l.order_id
LEFT JOIN (SELECT discount_id, name FROM {{database}}.dim_qtickets_discounts FINAL) AS d
    ON d.discount_id = o.discount_id
LEFT JOIN (SELECT promo_code_id, code FROM {{database}}.dim_qtickets_promo_codes FINAL) AS p
    ON p.promo_code_id = o.promo_code_id
SETTINGS join_use_nulls = 1;

-- Per Moscow sale day and discount / promo code: tickets sold, revenue, and the discount given (Σ discount_value of
-- the sold lines). Sales without a discount appear with discount_id NULL, so each day still adds up to the total.
CREATE OR REPLACE VIEW {{database}}.v_sales_by_discount {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT sale_date_msk AS day, discount_id, any(discount_name) AS discount_name, promo_code_id, any(promo_code) AS promo_code,
       toUInt64(sum(quantity)) AS tickets_sold, sum(price) AS revenue, sum(discount_value) AS discount_given,
       uniqExact(order_id) AS orders
FROM {{database}}.v_sales_latest
WHERE is_sold = 1 AND sale_date_msk IS NOT NULL
GROUP BY day, discount_id, promo_code_id;
