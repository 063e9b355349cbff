import pino, { type DestinationStream, type Logger } from 'pino';
import { redactString, redactValue } from './redact.ts';

export type { Logger } from 'pino';

export type LoggerOptions = {
  name: string;
  level?: string;
  format?: 'json' | 'pretty';
  /** For tests: where the JSON lines go (defaults to stdout). */
  destination?: DestinationStream;
};

/**
 * The one logger factory. Every object and message passes through deep redaction (secrets by key name,
 * e-mails, phones, bearer tokens and URL credentials by shape), so a careless `log.info({ headers })` cannot leak.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Errors are serialised (and redacted) by redactValue in formatters.log; pino's serializer would undo that.
    serializers: { err: (v: unknown) => v, error: (v: unknown) => v },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redactValue(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((a) => (typeof a === 'string' ? redactString(a) : a)) as Parameters<typeof method>;
        method.apply(this, cleaned);
      },
    },
  };
  if (options.destination) return pino(pinoOptions, options.destination);
  if (options.format === 'pretty') {
    return pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(pinoOptions);
}
