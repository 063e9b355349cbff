import { resolve } from 'node:path';
import { freePort } from '@qtp/embedded';
import { STREAMS } from '@qtp/pipeline';
import { runProcess, uniqueName } from '@qtp/testing';
import { describe, expect, inject, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const COMMANDS: Record<string, string> = {
  requeue: 'packages/pipeline/src/requeue/requeue.cli.ts',
  replay: 'packages/pipeline/src/replay/replay.cli.ts',
  runs: 'packages/status/src/runs.cli.ts',
  status: 'packages/status/src/status.cli.ts',
  migrate: 'packages/shared/src/migrations/migrate.cli.ts',
  simulator: 'packages/simulator/src/simulator.cli.ts',
  start: 'packages/embedded/src/start.cli.ts',
  services: 'packages/embedded/src/services.cli.ts',
  'dashboard:password': 'packages/dashboard/src/hash-password.cli.ts',
};

const run = (command: string, args: string[], env: Record<string, string> = {}) =>
  runProcess(process.execPath, [resolve(ROOT, COMMANDS[command] as string), ...args], { QTP_ENV_FILE: '/dev/null', QTP_ENV: 'dev', ...env }, { cwd: ROOT });

describe('every command', () => {
  it.each(Object.keys(COMMANDS))('%s --help: usage on stdout, exit 0, nothing started', async (command) => {
    const r = await run(command, ['--help']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^usage: /i);
    expect(r.code).toBe(0);
  });

  it.each([
    ['requeue', ['--bogus', 'orders']],
    ['replay', ['--bogus', 'orders']],
    ['status', ['--bogus']],
    ['migrate', ['sideways']],
    ['start', ['--bogus']],
    ['runs', ['--bogus']],
  ])('%s with a bad argument: one line naming it and where the usage is, exit 2, no stack trace', async (command, args) => {
    const r = await run(command, args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${command}: .*(bogus|sideways).* \\(usage: pnpm ${command} --help\\)\n$`));
    expect(r.out).toBe('');
  });
});

describe('through ./pnpmw (as the README runs them)', () => {
  it("a usage error is the command's one line: no pnpm echo, no ELIFECYCLE line", async () => {
    const r = await runProcess('bash', [resolve(ROOT, 'pnpmw'), 'status', '--bogus'], { HOME: process.env.HOME, QTP_ENV_FILE: '/dev/null' }, { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe("status: Unknown option '--bogus' (usage: pnpm status --help)\n");
  });
});

describe('stream names', () => {
  it.each([
    ['requeue', ['tickets']],
    ['replay', ['tickets']],
    ['status', ['orders', 'tickets', '--check']],
  ])('%s names the unknown stream and the known ones (exit 2)', async (command, args) => {
    const r = await run(command, args);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${command}: unknown stream "tickets" (streams: ${STREAMS.join(', ')}) (usage: pnpm ${command} --help)\n`);
  });
});

describe('requeue', () => {
  it('refuses a window that starts in the future', async () => {
    const from = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const r = await run('requeue', ['orders', '--from', from, '--to', to]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(new RegExp(`^requeue: --from ${from} is in the future`));
  });

  it('accepts a window that ends in the future but starts in the past (validation only: a bad --timeout stops it)', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const r = await run('requeue', ['orders', '--from', from, '--to', to, '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('requeue: --timeout: "soon" is not a duration such as 30s, 15m or 2h (usage: pnpm requeue --help)\n');
  });

  it('with Redis refusing connections ends fast (not after its 10 s connect bound) with one line', async () => {
    const port = await freePort();
    const r = await run('requeue', ['orders', '--wait', '--timeout', '20s'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`requeue: Redis at 127.0.0.1:${port} refused the connection (ECONNREFUSED): is Redis running there?\n`);
    // (Not "not reachable within 10 s": that line would come from waiting out the connect bound. No wall-clock
    // bound here: the machine's load sets the CLI's start-up time, not the give-up rule.)
  });

  it('--wait with no scheduler running ends at the timeout with one line saying so', async () => {
    const r = await run('requeue', ['events', '--wait', '--timeout', '3s'], { REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: uniqueName('cli') });
    expect(r.out).toMatch(/^enqueued events\|plan\|reconcile\|cli-\d+\n$/);
    expect(r.err).toMatch(
      /^requeue: plan job events\|plan\|reconcile\|cli-\d+ not started after 3 s \(--timeout\); no live worker on the plan queue \(is the scheduler running\?\); it stays queued\n$/,
    );
    expect(r.code).toBe(1);
  });
});

describe('replay', () => {
  it('--wait with no scheduler running ends at the timeout with one line saying so', async () => {
    const r = await run('replay', ['orders', '--wait', '--timeout', '3s'], { REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: uniqueName('cli') });
    expect(r.out).toMatch(/^enqueued orders\|plan\|replay\|cli-\d+\n$/);
    expect(r.err).toMatch(/^replay: plan job orders\|plan\|replay\|cli-\d+ not started after 3 s \(--timeout\); no live worker on the plan queue/);
    expect(r.code).toBe(1);
  });

  it('a window must be whole and ordered', async () => {
    const r = await run('replay', ['orders', '--from', '2026-10-07', '--to', '2026-10-01']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('replay: --from (2026-10-07) must be before --to (2026-10-01) (usage: pnpm replay --help)\n');
  });
});

describe('migrate and status', () => {
  it('an unreachable ClickHouse or Redis is one line each, exit 1', async () => {
    const [chPort, redisPort] = [await freePort(), await freePort()];
    const env = { CLICKHOUSE_URL: `http://127.0.0.1:${chPort}`, REDIS_URL: `redis://127.0.0.1:${redisPort}` };
    const m = await run('migrate', ['status'], env);
    expect(m.code).toBe(1);
    expect(m.err).toBe(`migrate: ClickHouse at 127.0.0.1:${chPort} not reachable: connect ECONNREFUSED 127.0.0.1:${chPort}\n`);
    const s = await run('status', ['--check', '--timeout', '2s'], env);
    expect(s.code).toBe(1);
    expect(s.err).toBe('');
    expect(s.out.split('\n').filter(Boolean)).toEqual([
      `problem: Redis unreachable (queues and runs unknown): Redis at 127.0.0.1:${redisPort} not reachable within 2 s (ECONNREFUSED)`,
      `problem: ClickHouse unreachable (stream state unknown): ClickHouse at 127.0.0.1:${chPort}: connect ECONNREFUSED 127.0.0.1:${chPort}`,
    ]);
  });
});
