/**
 * What `pnpm start` prints once the apps are up: the operator commands, ready to paste into another terminal. They
 * find this stack through its stack file; the explicit settings work from anywhere.
 */
export function operatorCommands(o: {
  stackFile: string;
  /** Set when EMBEDDED_DATA_DIR is not the default (the CLIs must be told where the stack file is). */
  dataDir?: string | undefined;
  redisUrl: string;
  clickhouseUrl: string;
  database: string;
  once: boolean;
}): string {
  const pre = o.dataDir ? `EMBEDDED_DATA_DIR=${o.dataDir} ` : '';
  const explicit = `REDIS_URL=${o.redisUrl} CLICKHOUSE_URL=${o.clickhouseUrl} CLICKHOUSE_DATABASE=${o.database} QTP_ENV=dev`;
  return [
    o.once ? 'stops after the first completed run' : 'runs until Ctrl-C (stops the apps, the simulator and the embedded servers)',
    `while it runs, from another terminal (they read ${o.stackFile}):`,
    `  ${pre}./pnpmw status`,
    `  ${pre}./pnpmw runs`,
    `  ${pre}./pnpmw requeue orders --wait`,
    `  or with the settings spelled out: ${explicit} ./pnpmw status`,
    '',
  ].join('\n');
}
