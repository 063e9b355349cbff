-- requires: access-management
-- etl_writer lands the raw records (raw_qtickets_<stream>) and reads them back for replays: a wildcard grant, like
-- stg_* and dim_*, so a new stream's raw table needs no new grant. Nothing else reads them (no view, no DataLens).
GRANT {{on_cluster}} SELECT, INSERT ON {{database}}.raw_* TO etl_writer;
