import { QUEUE_STATES } from '@qtp/shared';
import { formatDuration, type StatusReport, type StreamStatus } from './status.ts';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const iso = (v: string | null) => (v ? v.replace(/\.\d{3}Z$/, 'Z') : '-');

/** The state column: ok, STALE, NEVER SUCCEEDED, pending (first due ...), not scheduled yet, off (why), unknown. */
function stateText(s: StreamStatus): string {
  switch (s.state) {
    case 'stale':
      return 'STALE';
    case 'never':
      return `NEVER SUCCEEDED (first due ${iso(s.firstDueAt)})`;
    case 'pending':
      return `pending (first due ${iso(s.firstDueAt)})`;
    case 'unscheduled':
      return 'not scheduled yet';
    case 'off':
      return `off (${s.off})`;
    default:
      return s.state;
  }
}

/** The human-readable status: streams, queues, then problems (or "healthy"). */
export function formatStatus(r: StatusReport): string {
  const streams = table(
    ['stream', 'watermark', 'high-water id', 'last success', 'lag', 'stale after', 'state'],
    r.streams.map((s) => [
      s.stream,
      iso(s.watermark),
      s.highWaterId === null ? '-' : String(s.highWaterId),
      iso(s.lastSuccessAt),
      s.lagSeconds === null ? '-' : formatDuration(s.lagSeconds),
      formatDuration(s.staleAfterSeconds),
      [stateText(s), ...s.running.map((run) => `running ${run.runId} (${run.pagesDone}/${run.pagesPlanned} pages)`)].join(', '),
    ]),
  );
  const queues = r.queues.length
    ? table(
        ['queue', ...QUEUE_STATES, 'workers'],
        r.queues.map((q) => [q.queue, ...QUEUE_STATES.map((k) => String(q[k])), q.workers === 0 ? '0 (none!)' : String(q.workers)]),
      )
    : '(queues unknown)';
  const problems = r.problems.length ? `problems:\n${r.problems.map((p) => `  - ${p}`).join('\n')}` : 'healthy: every stream fresh, every queue has a worker';
  return `status at ${iso(r.checkedAt)}\n\n${streams}\n\n${queues}\n\n${problems}\n`;
}

/** `--check`: one line per problem, or one "ok" line. */
export function formatCheck(r: StatusReport): string {
  if (r.problems.length === 0) {
    const count = (state: StreamStatus['state']) => r.streams.filter((s) => s.state === state).length;
    const others = (
      [
        ['pending', 'not yet due'],
        ['unscheduled', 'not scheduled yet'],
        ['off', 'off'],
      ] as const
    )
      .filter(([state]) => count(state) > 0)
      .map(([state, what]) => `, ${count(state)} ${what}`)
      .join('');
    return `ok: ${count('ok')} streams fresh${others}, ${r.queues.length} queues with live workers\n`;
  }
  return r.problems.map((p) => `problem: ${p}\n`).join('');
}
