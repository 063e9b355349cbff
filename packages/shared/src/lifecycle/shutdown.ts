import type { Logger } from '../logging/logger.ts';

type Closer = { name: string; close: () => Promise<unknown> };

/**
 * Graceful shutdown: on SIGTERM/SIGINT, run closers in registration order (register workers first so they stop
 * taking work and finish or hand back in-flight jobs, then queues, then connections). A second signal or the
 * timeout forces exit.
 */
export class Shutdown {
  readonly #closers: Closer[] = [];
  readonly #log: Logger;
  readonly #timeoutMs: number;
  #running: Promise<void> | undefined;

  constructor(log: Logger, timeoutMs = 30_000) {
    this.#log = log;
    this.#timeoutMs = timeoutMs;
  }

  add(name: string, close: () => Promise<unknown>): this {
    this.#closers.push({ name, close });
    return this;
  }

  install(exit: (code: number) => void = (code) => process.exit(code)): this {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.#running) {
        this.#log.warn({ signal }, 'second signal: exiting now');
        exit(130);
        return;
      }
      this.#log.info({ signal }, 'shutting down');
      void this.run().then(() => exit(0));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    return this;
  }

  /** Runs every closer once; resolves when all finished or the timeout passed. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.#timeoutMs).unref());
      const all = (async () => {
        for (const c of this.#closers) {
          try {
            await c.close();
          } catch (err) {
            this.#log.error({ err, closer: c.name }, 'error while closing');
          }
        }
        return 'done' as const;
      })();
      const result = await Promise.race([all, timer]);
      if (result === 'timeout')
        this.#log.error({ timeoutMs: this.#timeoutMs }, 'shutdown timed out; in-flight jobs return to the queue when their locks expire');
    })();
    return this.#running;
  }
}
