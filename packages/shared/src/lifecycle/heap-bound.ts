import { WORKER_NODE_OPTIONS } from './node-options.ts';

/** Set on the re-executed process: never re-execute twice. */
const MARK = 'QTP_HEAP_BOUND';

/**
 * The flags to add so a process runs with WORKER_NODE_OPTIONS' heap limits, or null when it already has a heap
 * limit of its own (`--max-old-space-size` on the command line or in NODE_OPTIONS: the operator's choice wins).
 */
export function missingHeapFlags(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] | null {
  if (env[MARK]) return null;
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((a) => a.startsWith('--max-old-space-size') || a.startsWith('--max_old_space_size'))) return null;
  return WORKER_NODE_OPTIONS.split(' ');
}

/**
 * Makes an app bound its own heap however it was started (`node apps/<app>/src/main.ts`, a process manager, the
 * images, `pnpm start`): without a heap limit the process replaces itself (execve: same pid, same stdio, signals
 * still reach it) with the same command plus WORKER_NODE_OPTIONS. Nothing has run yet when this is called (it is
 * the first import of every app's main.ts), so nothing is done twice.
 */
export function boundHeap(): void {
  const flags = missingHeapFlags(process.execArgv, process.env);
  if (!flags || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, [MARK]: '1' });
}
