import type { ClickHouseClient } from '@qtp/shared';
import type { RunInfo } from './run-tracker.ts';

export type RunStatus = 'running' | 'ok' | 'failed' | 'abandoned' | 'dry_run';

const ch = (iso: string) => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');

/** Run history (meta_job_runs): one row per run, replaced as the run progresses. */
export class RunsRepository {
  readonly #ch: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#ch = client;
  }

  async record(run: RunInfo, status: RunStatus, error = '', finishedAt: string | null = null): Promise<void> {
    await this.#ch.insert({
      table: 'meta_job_runs',
      format: 'JSONEachRow',
      values: [
        {
          run_id: run.runId,
          stream: run.stream,
          mode: run.mode,
          window_from: run.windowFrom ? ch(run.windowFrom) : null,
          window_to: run.windowTo ? ch(run.windowTo) : null,
          pages: run.done,
          rows_fetched: run.fetched,
          rows_valid: run.valid,
          rows_quarantined: run.quarantined,
          rows_written: run.written,
          status,
          error,
          started_at: ch(run.startedAt),
          finished_at: finishedAt ? ch(finishedAt) : null,
          _ver: ch(new Date().toISOString()),
        },
      ],
    });
  }
}
