import { request } from 'node:http';

/** The images of the compose stack (test/compose.test.ts keeps these equal to docker-compose.yml's). */
export const TEST_IMAGES = {
  redis: 'redis:7.4.9-alpine',
  clickhouse: 'clickhouse/clickhouse-server:25.8.33.6',
} as const;

/**
 * Whether a Docker engine answers, decided fast (one `GET /_ping`, `timeoutMs`): DOCKER_HOST when it is a unix or
 * tcp address, else /var/run/docker.sock. An absent socket fails at once; a hung one after the timeout.
 */
export function dockerEngineAvailable(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1_000): Promise<boolean> {
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  let target: { socketPath: string } | { host: string; port: number };
  if (host.startsWith('unix://')) target = { socketPath: host.slice('unix://'.length) };
  else if (host.startsWith('tcp://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: u.hostname, port: Number(u.port || 2375) };
  } else return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export type StartedServer = { url: string; stop: () => Promise<void> };

/** Redis from testcontainers (the compose stack's image). */
export async function startRedisContainer(): Promise<StartedServer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const c = await new GenericContainer(TEST_IMAGES.redis)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  return { url: `redis://${c.getHost()}:${c.getMappedPort(6379)}`, stop: async () => void (await c.stop()) };
}

/**
 * A ClickHouse server from testcontainers (the compose stack's image), its passwordless `default` user opened to
 * the network with access management: a throwaway server for tests, where the roles migration really runs.
 */
export async function startClickHouseContainer(): Promise<StartedServer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const c = await new GenericContainer(TEST_IMAGES.clickhouse)
    .withEnvironment({ CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1' })
    .withUlimits({ nofile: { soft: 262_144, hard: 262_144 } })
    .withExposedPorts(8123)
    .withWaitStrategy(Wait.forHttp('/ping', 8123))
    .withStartupTimeout(120_000)
    .start();
  return { url: `http://${c.getHost()}:${c.getMappedPort(8123)}`, stop: async () => void (await c.stop()) };
}
