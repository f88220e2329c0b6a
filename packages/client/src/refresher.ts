// Keeps a live connection's token fresh: some seconds before the JWT's exp it asks getToken() for a new one and
// sends auth-refresh. A failure is reported and retried while the current token is still valid; if it runs
// out, the gateway disconnects with TOKEN_EXPIRED and the client reconnects with getToken().
import { GatewayError } from './errors.js';
import { refreshDelayMs, tokenExpiry } from './token.js';

const RETRY_MS = 5_000;

export interface RefresherDeps {
  getToken(): Promise<string> | string;
  leadMs: number;
  /** Sends auth-refresh on the live connection; rejects with GatewayError. */
  send(token: string): Promise<{ expiresAt: string | null }>;
  onRefreshed(info: { expiresAt: string | null }): void;
  onFailed(error: GatewayError): void;
}

export class TokenRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private current = '';

  constructor(private readonly deps: RefresherDeps) {}

  /** Starts over for a new connection made with `token`. */
  start(token: string): void {
    this.stop();
    this.current = token;
    this.schedule(refreshDelayMs(token, this.deps.leadMs));
  }

  stop(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number | undefined): void {
    if (delayMs === undefined) return; // a token without exp never needs refreshing
    const generation = this.generation;
    this.timer = setTimeout(() => void this.refresh(generation), delayMs);
  }

  private async refresh(generation: number): Promise<void> {
    try {
      const token = await this.deps.getToken();
      if (generation !== this.generation) return;
      const before = tokenExpiry(this.current);
      const after = tokenExpiry(token);
      // A cached token handed back again would make this loop fire at once, forever.
      if (before !== undefined && (after === undefined || after <= before)) {
        throw new GatewayError('TOKEN_EXPIRED', 'getToken() returned a token that expires no later than the current one');
      }
      const result = await this.deps.send(token);
      if (generation !== this.generation) return;
      this.current = token;
      this.deps.onRefreshed(result);
      this.schedule(refreshDelayMs(token, this.deps.leadMs));
    } catch (err) {
      if (generation !== this.generation) return;
      this.deps.onFailed(err instanceof GatewayError ? err : new GatewayError('INTERNAL', `token refresh failed: ${String((err as Error)?.message ?? err)}`));
      const exp = tokenExpiry(this.current);
      const remaining = exp === undefined ? 0 : exp * 1000 - Date.now();
      if (remaining > 1_000) this.schedule(Math.min(RETRY_MS, remaining / 2));
    }
  }
}
