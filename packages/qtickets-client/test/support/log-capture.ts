import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@qtp/shared';

/** A debug-level logger from @qtp/shared whose JSON lines are collected in memory. */
export function captureLogger(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      callback();
    },
  });
  const logger = createLogger({ name: 'qtickets-client-test', level: 'debug', destination });
  return { logger, lines, text: () => lines.join('\n') };
}
