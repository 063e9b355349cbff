-- Run history per stream: survives queue trimming, answers "what ran, what did it load, what failed".
-- One row per run, replaced as the run progresses (_ver = last update).
CREATE TABLE IF NOT EXISTS {{database}}.meta_job_runs {{on_cluster}}
(
    run_id            String,
    stream            LowCardinality(String),
    mode              LowCardinality(String),
    window_from       Nullable(DateTime64(3, 'UTC')),
    window_to         Nullable(DateTime64(3, 'UTC')),
    pages             UInt32,
    rows_fetched      UInt64,
    rows_valid        UInt64,
    rows_quarantined  UInt64,
    rows_written      UInt64,
    status            LowCardinality(String),
    error             String,
    started_at        DateTime64(3, 'UTC'),
    finished_at       Nullable(DateTime64(3, 'UTC')),
    _ver              DateTime64(3, 'UTC')
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
PARTITION BY toYYYYMM(started_at)
ORDER BY (stream, run_id);
