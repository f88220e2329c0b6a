// Retries: a call that never reached its MCP server runs again; one whose child died under it runs again only if
// the tool is read-only (a write may or may not have happened). At most once, within the call's own deadline.
import type { Logger } from 'pino';
import type { CallOutcome, RetryHint } from '../messages.js';
import type { ToolCallRequest } from '../types.js';
import type { WorkerFleet } from './fleet.js';

/** How long a retry waits for the exit of the child that failed its call to be reported (it normally is at once). */
const CHILD_EXIT_WAIT_MS = 500;

export interface RetryDeps {
  fleet: Pick<WorkerFleet, 'childExits' | 'waitForChildExit'>;
  log: Logger;
  /** How long the first attempt may wait for a restarting child (the pool's unavailableWaitMs). */
  firstWaitMs: number;
  /** The tools the pool knows to be read-only (configured, or annotated by the server). */
  isReadOnly(name: string): boolean;
  isClosing(): boolean;
}

export class RetryOnce {
  constructor(private readonly deps: RetryDeps) {}

  /** Runs `attempt`, and once more if its failure allows it; `attempt(waitMs)` bounds its wait for a child. */
  async run(request: ToolCallRequest, deadline: number, attempt: (waitMs: number) => Promise<CallOutcome>): Promise<CallOutcome> {
    const { fleet, log } = this.deps;
    const exitsBefore = fleet.childExits;
    const outcome = await attempt(this.deps.firstWaitMs);
    if (outcome.kind === 'result' || !this.#mayRetry(request, outcome.retry) || Date.now() >= deadline || this.deps.isClosing()) return outcome;
    log.info({ tool: request.name, reason: outcome.error.message }, 'retrying MCP tool call once');
    // The child died under the call: let its exit be reported first, so the retry goes to a worker whose child
    // is up instead of queueing behind the respawn.
    if (outcome.retry === 'if-read-only') await fleet.waitForChildExit(exitsBefore, Math.min(CHILD_EXIT_WAIT_MS, deadline - Date.now()));
    // The retry may wait for a child as long as the call has left: it is what lets a call survive a crash.
    return attempt(deadline - Date.now());
  }

  #mayRetry(request: ToolCallRequest, hint: RetryHint): boolean {
    if (hint === 'safe') return true;
    return hint === 'if-read-only' && (request.readOnly ?? this.deps.isReadOnly(request.name));
  }
}
