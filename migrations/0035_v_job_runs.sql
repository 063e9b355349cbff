-- Run history as an operator reads it (`pnpm runs`): one row per run. meta_job_runs keeps each version of a run
-- (a `running` row, then its `ok`/`failed`/`abandoned` row) until a merge collapses them; FINAL here shows the last.
-- rows = rows written to ClickHouse; requests = API page requests that succeeded (one per page; the retries of a
-- page are counted by qtp_api_requests_total, not here); reason = why a run failed or was abandoned.
CREATE OR REPLACE VIEW {{database}}.v_job_runs {{on_cluster}}
DEFINER = CURRENT_USER SQL SECURITY DEFINER AS
SELECT
    run_id,
    stream,
    mode,
    started_at AS started,
    finished_at AS finished,
    if(finished_at IS NULL, NULL, toDecimal64(dateDiff('millisecond', started_at, assumeNotNull(finished_at)) / 1000, 3)) AS duration_s,
    status,
    rows_written AS rows,
    rows_fetched,
    rows_valid,
    rows_quarantined,
    pages,
    pages AS requests,
    error AS reason,
    window_from,
    window_to
FROM {{database}}.meta_job_runs FINAL;
