-- Records that failed validation, with the reason; the rest of their page loads. raw is the PII-free record.
-- Repeated deliveries of the same bad record fold into one row (first/last seen, count).
CREATE TABLE IF NOT EXISTS {{database}}.quarantine {{on_cluster}}
(
    stream      LowCardinality(String),
    record_key  String,
    reason      SimpleAggregateFunction(anyLast, String),
    raw         SimpleAggregateFunction(anyLast, String),
    first_seen  SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen   SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    seen_count  SimpleAggregateFunction(sum, UInt64)
)
ENGINE = {{engine AggregatingMergeTree()}}
ORDER BY (stream, record_key);
