import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, isAlive, redisServerBinary, stopPid, waitFor } from '@qtp/embedded';
import { Redis } from 'ioredis';

export type SentinelSet = {
  name: string;
  /** REDIS_SENTINELS for the processes under test. */
  sentinels: string;
  master: { port: number; pid: number };
  replica: { port: number; pid: number };
  sentinel: { port: number; pid: number };
  /** The master's port as the Sentinel names it now. */
  masterPort: () => Promise<number>;
  stop: () => Promise<void>;
};

/** redis-sentinel when installed (Debian: apt-get install -y redis-sentinel), else `redis-server --sentinel`. */
function sentinelCommand(): [string, string[]] {
  try {
    execFileSync('redis-sentinel', ['--version'], { stdio: 'ignore' });
    return ['redis-sentinel', []];
  } catch {
    return [redisServerBinary(), ['--sentinel']];
  }
}

function start(command: string, args: string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child.pid;
}

async function ask<T>(port: number, ...command: string[]): Promise<T> {
  // One attempt, no reconnects: a probe of a server that is not (yet) there fails at once.
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.call(command[0] as string, ...command.slice(1))) as T;
  } finally {
    redis.disconnect();
  }
}

/**
 * A master, one replica and one Sentinel (quorum 1, the master down after 1 s), real processes on free ports of
 * 127.0.0.1, data in `dir`. Resolves once the replica is in sync and the Sentinel knows it.
 */
export async function startSentinelSet(dir: string, name = 'mymaster'): Promise<SentinelSet> {
  mkdirSync(dir, { recursive: true });
  const server = redisServerBinary();
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir];
  const [mPort, rPort, sPort] = [await freePort(), await freePort(), await freePort()];
  const pids: number[] = [];
  const stop = async () => {
    for (const pid of pids) await stopPid(pid, 2_000);
  };
  try {
    const mPid = start(server, ['--port', String(mPort), ...base, '--dbfilename', 'm.rdb'], join(dir, 'master.log'));
    pids.push(mPid);
    await waitFor(
      'redis master',
      async () => (await ask<string>(mPort, 'PING')) === 'PONG',
      10_000,
      () => isAlive(mPid),
    );
    const rPid = start(
      server,
      ['--port', String(rPort), ...base, '--dbfilename', 'r.rdb', '--replicaof', '127.0.0.1', String(mPort)],
      join(dir, 'replica.log'),
    );
    pids.push(rPid);
    await waitFor(
      'redis replica in sync',
      async () => /master_link_status:up/.test(await ask<string>(rPort, 'INFO', 'replication')),
      15_000,
      () => isAlive(rPid),
    );
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${mPort} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const [cmd, pre] = sentinelCommand();
    const sPid = start(cmd, [...pre, conf], join(dir, 'sentinel.log'));
    pids.push(sPid);
    await waitFor(
      'sentinel knows the replica',
      async () => (await ask<unknown[]>(sPort, 'SENTINEL', 'REPLICAS', name)).length > 0,
      20_000,
      () => isAlive(sPid),
    );
    return {
      name,
      sentinels: `127.0.0.1:${sPort}`,
      master: { port: mPort, pid: mPid },
      replica: { port: rPort, pid: rPid },
      sentinel: { port: sPort, pid: sPid },
      masterPort: async () => Number((await ask<string[]>(sPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name))[1]),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
