// The requests running on this node, so `cancel-prompt { requestId }` can stop one: it aborts the planner and
// the tool call, whose MCP request is then cancelled (notifications/cancelled) while the warm child stays up.
import { GatewayError } from '../shared/errors.js';

export interface Cancellations {
  register(userId: string, requestId: string): { signal: AbortSignal; done(): void };
  /** Aborts the user's request; false when nothing of that id is running here. */
  cancel(userId: string, requestId: string): boolean;
}

export function createCancellations(): Cancellations {
  const running = new Map<string, AbortController>();
  const key = (userId: string, requestId: string) => `${userId}\u0000${requestId}`;
  return {
    register(userId, requestId) {
      const controller = new AbortController();
      const id = key(userId, requestId);
      running.set(id, controller);
      return {
        signal: controller.signal,
        done: () => {
          if (running.get(id) === controller) running.delete(id);
        },
      };
    },
    cancel(userId, requestId) {
      const controller = running.get(key(userId, requestId));
      if (!controller) return false;
      controller.abort(new GatewayError('CANCELLED', 'The request was cancelled by the client'));
      return true;
    },
  };
}
