import { parseCli, parseDuration, unknownNames, usageError } from '@qtp/shared';
import { STREAMS, type StreamName } from '../streams/registry.ts';
import { parseWindow } from './requeue-window.ts';

export type RunCliArgs = {
  stream: StreamName;
  window: { from: string; to: string } | undefined;
  wait: boolean;
  timeoutMs: number;
  /** requeue's `--no-wait-lock` (only where `options.noWaitLock` accepts it). */
  noWaitLock: boolean;
};

/** `<stream> [--from D --to D] [--wait] [--timeout D]` of the run commands (requeue, replay); bad ones exit 2. */
export function parseRunCliArgs(command: string, usage: string, options: { noWaitLock?: boolean } = {}): RunCliArgs & { from?: string } {
  const fail = (message: string): never => usageError(command, usage, message);
  const args = parseCli(command, usage, {
    from: { type: 'string' },
    to: { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    ...(options.noWaitLock ? { 'no-wait-lock': { type: 'boolean' as const } } : {}),
  });
  if (args.positionals.length !== 1) fail(args.positionals.length === 0 ? 'name one stream' : 'name only one stream');
  const stream = args.positionals[0] as StreamName;
  const unknown = unknownNames('stream', [stream], STREAMS);
  if (unknown) fail(unknown);
  if ((args.values.from === undefined) !== (args.values.to === undefined)) fail('give both --from and --to, or neither');
  let window: { from: string; to: string } | undefined;
  let timeoutMs = 30 * 60_000;
  try {
    window = args.values.from && args.values.to ? parseWindow(args.values.from, args.values.to) : undefined;
    if (args.values.timeout !== undefined) timeoutMs = parseDuration(args.values.timeout, '--timeout');
  } catch (err) {
    fail((err as Error).message);
  }
  if (timeoutMs <= 0) fail('--timeout must be more than 0');
  return {
    stream,
    window,
    wait: args.values.wait === true,
    timeoutMs,
    noWaitLock: (args.values as Record<string, unknown>)['no-wait-lock'] === true,
    ...(args.values.from !== undefined ? { from: args.values.from } : {}),
  };
}
