-- requires: access-management
-- etl_writer also loads the dimension tables of future streams (dim_*), like stg_*: a wildcard grant, so a new
-- stream needs no new grant. datalens_reader keeps reading v_* views only: every view is SQL SECURITY DEFINER
-- (created by the migrations' admin login), so reading one needs no grant on what it reads.
GRANT {{on_cluster}} SELECT, INSERT ON {{database}}.dim_* TO etl_writer;
-- The fact views (fact_qtickets_sales_daily, fact_qtickets_inventory_latest) are read by dashboards too.
GRANT {{on_cluster}} SELECT ON {{database}}.fact_* TO datalens_reader;
