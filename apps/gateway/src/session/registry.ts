// One live connection per user. The registry maps a user to the id of their live socket; claiming returns the
// socket it replaced, which the caller kicks. Release is compare-and-delete, so the late disconnect of a replaced
// socket never unregisters its successor. In memory here; the Redis implementation (cluster-wide) follows.

export interface SessionRegistry {
  /** Records socketId as the user's live socket and returns the one it replaces, if any. */
  claim(userId: string, socketId: string): Promise<string | null>;
  /** Deletes the user's entry only if it still names socketId. Returns whether it did. */
  release(userId: string, socketId: string): Promise<boolean>;
  /** The user's live socket id, if any. */
  current(userId: string): Promise<string | null>;
  /** Keeps the entry alive while the socket lives (no-op in memory; extends the TTL in Redis). */
  refresh(userId: string, socketId: string): Promise<void>;
  close(): Promise<void>;
}

export class MemorySessionRegistry implements SessionRegistry {
  private readonly live = new Map<string, string>();

  async claim(userId: string, socketId: string): Promise<string | null> {
    const previous = this.live.get(userId) ?? null;
    this.live.set(userId, socketId);
    return previous === socketId ? null : previous;
  }

  async release(userId: string, socketId: string): Promise<boolean> {
    if (this.live.get(userId) !== socketId) return false;
    this.live.delete(userId);
    return true;
  }

  async current(userId: string): Promise<string | null> {
    return this.live.get(userId) ?? null;
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {
    this.live.clear();
  }
}
