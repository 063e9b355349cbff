import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './free-port.ts';
import { isAlive, type ServiceHandle, spawnService, stopPid } from './service-process.ts';

/** Path of libchdb.so from the pinned chdb package (its platform package ships the library). */
export function libchdbPath(): string {
  const require = createRequire(import.meta.url);
  const chdbPkg = require.resolve('chdb/package.json');
  const fromChdb = createRequire(chdbPkg);
  const libPkg = fromChdb.resolve('@chdb/lib-linux-x64-gnu/package.json');
  return join(dirname(libPkg), 'libchdb.so');
}

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'clickhouse-launcher.py');

export type ClickHouseOptions = { dataDir: string; httpPort?: number; tcpPort?: number; python?: string };

/** Starts a real ClickHouse server (HTTP + native TCP on 127.0.0.1) whose data lives in `dataDir`. */
export async function startClickHouse(options: ClickHouseOptions): Promise<ServiceHandle & { tcpPort: number }> {
  mkdirSync(options.dataDir, { recursive: true });
  const httpPort = options.httpPort ?? (await freePort());
  const tcpPort = options.tcpPort ?? (await freePort());
  const logFile = join(options.dataDir, 'launcher.log');
  const child = spawnService(options.python ?? 'python3', [LAUNCHER, libchdbPath(), options.dataDir, String(httpPort), String(tcpPort)], logFile);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start python3 for the embedded ClickHouse (is python3 installed?)');
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await waitFor(
      `embedded ClickHouse (log: ${logFile})`,
      async () => (await fetch(`${url}/ping`)).ok,
      60_000,
      () => isAlive(pid),
    );
  } catch (err) {
    await stopPid(pid);
    throw err;
  }
  return { url, pid, tcpPort, logFile, stop: () => stopPid(pid) };
}
