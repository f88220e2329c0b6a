// A log line that an attacker can repeat at will (a refused handshake, a bad token, a flood) is written once per
// interval and code: the first occurrence of each code at once with its fields, later ones only counted, and when
// the interval ends one line says how many were left out, by code. A flood of refusals then costs a few lines, not
// megabytes.
import type { Logger } from 'pino';

export interface ThrottledWarn {
  (fields: Record<string, unknown> & { code?: string }): void;
  /** Writes the pending summary now and stops the timer (gateway close). */
  close(): void;
}

export function createLogThrottle(logger: Logger, msg: string, intervalMs = 10_000): ThrottledWarn {
  let logged = new Set<string>();
  let suppressed = 0;
  let codes: Record<string, number> = {};
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    if (suppressed > 0) logger.warn({ suppressed, codes, intervalMs }, `${msg} (more of the same in the last interval, not logged one by one)`);
    logged = new Set();
    suppressed = 0;
    codes = {};
  };

  const warn = ((fields) => {
    const code = typeof fields.code === 'string' ? fields.code : 'other';
    if (!logged.has(code)) {
      logged.add(code);
      logger.warn(fields, msg);
      if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
      return;
    }
    suppressed += 1;
    codes[code] = (codes[code] ?? 0) + 1;
  }) as ThrottledWarn;
  warn.close = () => {
    if (timer) clearTimeout(timer);
    flush();
  };
  return warn;
}
