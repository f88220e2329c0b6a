// Users who have taken part in confirmations: they confirmed a response at least once (a prompt-response
// receipt, `received` on a request, ack-response). The mailbox replays responses on reconnect only to clients
// that confirm (README "Mailbox"): a client that never does would get every earlier response on every reconnect.
// Remembered per user, cluster-wide with Redis, so a tab that confirmed on one node counts on every node.
import { TtlMap } from './ttl-map.js';

/** How long a user stays known as confirming after their last first-confirmation of a connection (30 days). */
export const CONFIRMING_TTL_S = 30 * 86_400;

export interface ConfirmingUsers {
  /** Whether the user has confirmed a response before (within the TTL). */
  has(userId: string): Promise<boolean>;
  /** Records that the user confirmed a response (and restarts the TTL). */
  add(userId: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryConfirmingUsers implements ConfirmingUsers {
  private readonly users: TtlMap<string, true>;

  constructor(options: { ttlMs?: number; maxUsers?: number; now?: () => number } = {}) {
    this.users = new TtlMap(options.ttlMs ?? CONFIRMING_TTL_S * 1000, options.maxUsers ?? 100_000, options.now);
  }

  async has(userId: string): Promise<boolean> {
    return this.users.get(userId) === true;
  }

  async add(userId: string): Promise<void> {
    this.users.set(userId, true);
  }

  async close(): Promise<void> {
    this.users.clear();
  }
}
