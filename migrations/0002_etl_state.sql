-- Durable per-stream state (never only in Redis). Advanced only after the rows it covers are confirmed written.
CREATE TABLE IF NOT EXISTS {{database}}.etl_state {{on_cluster}}
(
    stream            LowCardinality(String),
    high_water_id     UInt64,
    paging_total      UInt64,
    watermark         Nullable(DateTime64(3, 'UTC')),
    cursor            String,
    last_run_id       String,
    last_success_at   Nullable(DateTime64(3, 'UTC')),
    updated_at        DateTime64(3, 'UTC')
)
ENGINE = {{engine ReplacingMergeTree(updated_at)}}
ORDER BY stream;
