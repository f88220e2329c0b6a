// Main-thread end of MCP sampling: a worker forwards its child's sampling/createMessage request here, where the
// gateway's LLM client lives (the Sampler); the answer or the failure goes back to that worker. Each request is
// bounded by samplingTimeoutMs and aborted when the pool closes.
import type { Logger } from 'pino';
import type { MainCommand, WorkerEvent } from '../messages.js';
import type { Sampler } from './api.js';

export class SamplingResponder {
  /** Sampling requests being answered, aborted on close. */
  readonly #inFlight = new Set<AbortController>();
  #closed = false;

  constructor(
    private readonly sampler: Sampler | undefined,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Runs a child's sampling request through the sampler, bounded like the worker's wait, and replies either way. */
  async answer(event: Extract<WorkerEvent, { type: 'sampling-request' }>, reply: (command: MainCommand) => void): Promise<void> {
    const { requestId } = event;
    if (!this.sampler || this.#closed) {
      reply({ type: 'sampling-failed', requestId, message: 'The gateway has no LLM to sample with' });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    this.#inFlight.add(controller);
    try {
      const result = await this.sampler(event.params, controller.signal);
      reply({ type: 'sampling-result', requestId, result });
    } catch (err) {
      const message = controller.signal.aborted ? 'The LLM did not answer in time' : `The LLM failed: ${err instanceof Error ? err.message : String(err)}`;
      this.log.warn({ err, requestId }, 'MCP sampling request failed');
      reply({ type: 'sampling-failed', requestId, message });
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
  }

  /** The pool is closing: abort what is being answered, and answer nothing more. */
  close(): void {
    this.#closed = true;
    for (const controller of this.#inFlight) controller.abort();
  }
}
