import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from './free-port.ts';
import { isAlive, type ServiceHandle, spawnService, stopPid } from './service-process.ts';

export type RedisOptions = { dataDir: string; port?: number; persistent?: boolean; binary?: string };

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port }, () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      sock.destroy();
    });
    sock.on('error', () => resolve(false));
  });
}

export function redisServerBinary(binary = process.env.REDIS_SERVER_BIN ?? 'redis-server'): string {
  try {
    execFileSync(binary, ['--version'], { stdio: 'ignore' });
    return binary;
  } catch {
    throw new Error(`${binary} not found: install it (Debian: apt-get install -y redis-server) or set REDIS_URL`);
  }
}

/**
 * Starts a real redis-server on 127.0.0.1. Persistent mode (local runs) keeps an AOF in `dataDir`; test mode
 * keeps nothing. `noeviction`, as BullMQ requires.
 */
export async function startRedis(options: RedisOptions): Promise<ServiceHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const logFile = join(options.dataDir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dataDir, '--maxmemory-policy', 'noeviction', '--save', ''];
  args.push('--appendonly', options.persistent ? 'yes' : 'no');
  const child = spawnService(redisServerBinary(options.binary), args, logFile);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start redis-server');
  try {
    await waitFor(
      `redis-server (log: ${logFile})`,
      () => ping(port),
      15_000,
      () => isAlive(pid),
    );
  } catch (err) {
    await stopPid(pid);
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, pid, logFile, stop: () => stopPid(pid) };
}
