export { APPS, spawnApps, stopApps } from './app-processes.ts';
export { libchdbPath, startClickHouse } from './clickhouse.launcher.ts';
export { freePort, waitFor } from './free-port.ts';
export { operatorCommands } from './operator-commands.ts';
export { redisServerBinary, startRedis } from './redis.launcher.ts';
export { type DayRow, dashboardByDay, formatSummary, groundTruthLine, salesSummary, truthByDay } from './sales-summary.ts';
export { isAlive, type ServiceHandle, stopPid } from './service-process.ts';
export { changeToRow } from './webhook-latency.ts';
