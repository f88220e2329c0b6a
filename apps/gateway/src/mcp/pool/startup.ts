// Start-up of the pool: `started` resolves once every worker's first child has initialised, and rejects with
// McpPoolStartError when a worker cannot start its first child, a thread fails before that, the start-up deadline
// passes (saying how far it got and what the children wrote to stderr), or the pool is closed first.
import type { Logger } from 'pino';
import { McpPoolStartError } from './api.js';
import type { WorkerFleet } from './fleet.js';

export interface StartupSettings {
  size: number;
  startTimeoutMs: number;
  command: string;
  args: string[];
}

export class PoolStartup {
  readonly started: Promise<void>;
  #settled = false;
  #timer: NodeJS.Timeout | null = null;
  #resolve: () => void = () => undefined;
  #reject: (err: Error) => void = () => undefined;

  constructor(
    private readonly fleet: Pick<WorkerFleet, 'startedCount' | 'recentStderr'>,
    private readonly log: Logger,
    private readonly settings: StartupSettings,
  ) {
    this.started = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Starts the start-up deadline, once the workers are launched. */
  arm(): void {
    this.#timer = setTimeout(() => this.fail(this.#timeoutError()), this.settings.startTimeoutMs);
  }

  /** A child became ready: start-up is over when every worker has had one. */
  onChildReady(): void {
    if (this.#settled) return;
    const ready = this.fleet.startedCount();
    if (ready < this.settings.size) return;
    this.#settle();
    this.log.info({ workers: ready, command: this.settings.command }, 'MCP pool ready');
    this.#resolve();
  }

  /** After start-up this is a worker piscina replaced, whose first child failed: it keeps retrying with backoff. */
  onInitialStartFailure(message: string): void {
    if (this.#settled) this.log.error(message);
    else this.fail(new McpPoolStartError(message));
  }

  onThreadError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!this.#settled) this.fail(new McpPoolStartError(`An MCP pool worker thread failed: ${message}`));
    else this.log.error({ err }, 'MCP pool worker thread failed');
  }

  fail(err: Error): void {
    if (this.#settled) return;
    this.#settle();
    this.#reject(err);
  }

  #settle(): void {
    this.#settled = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #timeoutError(): McpPoolStartError {
    const { size, startTimeoutMs, command, args } = this.settings;
    const stderr = this.fleet.recentStderr();
    const message =
      `The MCP pool did not start within ${startTimeoutMs} ms: ${this.fleet.startedCount()} of ${size} ` +
      `MCP server children (\`${[command, ...args].join(' ')}\`) finished initialising` +
      (stderr ? `; their stderr says: ${stderr}` : '');
    return new McpPoolStartError(message);
  }
}
