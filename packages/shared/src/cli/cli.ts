import { type ParseArgsConfig, parseArgs } from 'node:util';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `15m`, `2h`, `1d`, `500ms` or plain milliseconds; throws a one-line error naming `what`. */
export function parseDuration(value: string, what: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new Error(`${what}: "${value}" is not a duration such as 30s, 15m or 2h`);
  return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
}

export type CliArgs<O extends ParseArgsConfig['options']> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

/**
 * Parses a command's arguments the same way everywhere: `-h`/`--help` prints the usage to stdout and exits 0; a bad
 * argument prints one line to stderr and exits 2 (no stack trace).
 */
export function parseCli<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  usage: string,
  options: O,
  argv: string[] = process.argv.slice(2),
): CliArgs<O & { help: { type: 'boolean'; short: 'h' } }> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } };
  let parsed: CliArgs<typeof all>;
  try {
    parsed = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError(command, usage, (err as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(0);
  }
  return parsed;
}

/** One line on stderr naming the problem and where the usage is; exit code 2. (`usage` is what --help prints.) */
export function usageError(command: string, _usage: string, message: string): never {
  process.stderr.write(`${command}: ${message} (usage: pnpm ${command} --help)\n`);
  process.exit(2);
}

/** `unknown stream "x" (streams: orders, events)`, or undefined when every name is known. */
export function unknownNames(kind: string, names: readonly string[], known: readonly string[]): string | undefined {
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length === 0) return undefined;
  return `unknown ${kind}${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (${kind}s: ${known.join(', ')})`;
}
