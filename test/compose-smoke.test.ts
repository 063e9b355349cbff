import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '@qtp/embedded';
import { dockerEngineAvailable } from '@qtp/testing';
import { describe, expect, it } from 'vitest';
import { composeCommand, DEV_FILES, ROOT } from './support/compose.ts';

/**
 * Opt-in (QTP_DOCKER_SMOKE=1, with a Docker engine): builds the images, brings the dev stack up as a fresh clone
 * would (`docker compose up`, no .env), waits until orders from the simulator are in ClickHouse, then removes the
 * stack and its volumes. Skipped otherwise; it needs a few minutes and the images' downloads.
 */
const enabled = process.env.QTP_DOCKER_SMOKE === '1';

describe.skipIf(!enabled)('dev compose stack, for real', () => {
  it(
    'loads orders into ClickHouse',
    async () => {
      expect(await dockerEngineAvailable(), 'QTP_DOCKER_SMOKE=1 needs a Docker engine').toBe(true);
      const sh = (cmd: string, args: string[], env: Record<string, string> = {}, timeout = 60_000) =>
        spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout });
      const compose = composeCommand((c, a) => sh(c, a));
      expect(compose, 'needs `docker compose` or `docker-compose`').toBeDefined();
      const [cmd = '', ...pre] = compose ?? [];
      const project = `qtp-smoke-${randomBytes(3).toString('hex')}`;
      const env = { DASHBOARD_PUBLISH_PORT: String(await freePort()) };
      const dc = (args: string[], timeout?: number) => sh(cmd, [...pre, '-p', project, ...DEV_FILES.flatMap((f) => ['-f', f]), ...args], env, timeout);
      try {
        const up = dc(['up', '-d', '--build'], 20 * 60_000);
        expect(up.status, up.stderr).toBe(0);
        const deadline = Date.now() + 10 * 60_000;
        let rows = 0;
        while (Date.now() < deadline && rows === 0) {
          await new Promise((r) => setTimeout(r, 5_000));
          const q = dc(['exec', '-T', 'clickhouse', 'clickhouse-client', '--query', 'SELECT count() FROM qtickets.stg_qtickets_api_orders_raw']);
          rows = q.status === 0 ? Number(q.stdout.trim()) : 0;
        }
        if (rows === 0) console.error(dc(['logs', '--no-color', '--tail', '50']).stdout);
        expect(rows).toBeGreaterThan(0);
      } finally {
        dc(['down', '-v', '--remove-orphans'], 5 * 60_000);
      }
    },
    40 * 60_000,
  );
});
