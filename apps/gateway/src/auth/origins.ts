// Which browser origins may connect: the DOMAIN_URL list; outside production also any localhost origin and the
// `null` origin (a test page opened from disk, file://, sends `Origin: null`; so do sandboxed iframes, which is why
// production refuses it); and always the gateway's own origin (the console it serves). Clients that send no Origin
// (servers, CLIs) pass: the JWT is what admits them.

export interface OriginPolicy {
  allows(origin: string | undefined, host: string | undefined): boolean;
  /** Dev mode only: the `null` origin (file:// pages) is accepted; start-up logs a warning saying so. */
  readonly acceptsNullOrigin: boolean;
}

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

export function createOriginPolicy(corsOrigins: readonly string[], production: boolean): OriginPolicy {
  const allowed = new Set(corsOrigins.map((origin) => origin.toLowerCase()));
  return {
    acceptsNullOrigin: !production,
    allows(origin, host) {
      if (!origin) return true;
      const normalized = origin.toLowerCase();
      if (allowed.has(normalized)) return true;
      if (!production && (normalized === 'null' || LOCALHOST.test(normalized))) return true;
      try {
        return host !== undefined && new URL(normalized).host === host.toLowerCase();
      } catch {
        return false;
      }
    },
  };
}
