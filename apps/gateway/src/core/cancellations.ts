// The requests running on this node, so `cancel-prompt { requestId }` can stop one: it aborts the planner and
// the tool call, whose MCP request is then cancelled (notifications/cancelled) while the warm child stays up.
import { GatewayError } from '../shared/errors.js';

/** One registered request: its signal aborts when the client cancels it; done() when it has ended. */
export interface CancelHandle {
  readonly signal: AbortSignal;
  done(): void;
}

export interface Cancellations {
  register(userId: string, requestId: string): CancelHandle;
  /** Aborts the user's request; false when nothing of that id is running here. */
  cancel(userId: string, requestId: string): boolean;
}

const keyOf = (userId: string, requestId: string): string => `${userId}\u0000${requestId}`;

/** A class rather than a closure per request: the handle's methods are shared. */
class RunningRequest implements CancelHandle {
  readonly controller = new AbortController();

  constructor(
    private readonly running: Map<string, RunningRequest>,
    private readonly key: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  done(): void {
    if (this.running.get(this.key) === this) this.running.delete(this.key);
  }
}

export function createCancellations(): Cancellations {
  const running = new Map<string, RunningRequest>();
  return {
    register(userId, requestId) {
      const key = keyOf(userId, requestId);
      const request = new RunningRequest(running, key);
      running.set(key, request);
      return request;
    },
    cancel(userId, requestId) {
      const request = running.get(keyOf(userId, requestId));
      if (!request) return false;
      request.controller.abort(new GatewayError('CANCELLED', 'The request was cancelled by the client'));
      return true;
    },
  };
}
