import { type ChildProcess, spawn } from 'node:child_process';

export type ProcessResult = { code: number | null; out: string; err: string; ms: number };

/**
 * Runs `command args` to its end (killed after `timeoutMs`), collecting stdout and stderr. The environment is only
 * `env` (plus PATH): a test says everything the process sees.
 */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  o: { cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const started = Date.now();
  return new Promise((res, rej) => {
    const child = spawn(command, args, { cwd: o.cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out, err, ms: Date.now() - started });
    });
  });
}

/** Resolves with everything the child printed once a line matches `pattern`; rejects after `timeoutMs` or on exit. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`no output matching ${pattern} in ${timeoutMs} ms:\n${buf}`)), timeoutMs);
    const on = (d: Buffer) => {
      buf += d.toString();
      if (pattern.test(buf)) {
        clearTimeout(timer);
        res(buf);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!pattern.test(buf)) rej(new Error(`exited with ${code} before output matching ${pattern}:\n${buf}`));
    });
  });
}
