// MCP progress notifications for a tool call, when the client asked for them (a progressToken in the request's
// _meta). The simulated backend latency (EMBEDDED_LATENCY_MS) reports progress while it waits, as a slow remote
// API would, so clients and the gateway's progress path can be exercised end to end.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export type ReportProgress = (progress: number, total: number | undefined, message: string) => Promise<void>;

export function progressReporter(extra: Extra): ReportProgress {
  const token = extra._meta?.progressToken;
  if (token === undefined) return async () => undefined;
  return async (progress, total, message) => {
    await extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined && { total }), message } })
      .catch(() => undefined); // a lost progress notice must not fail the call
  };
}

/** Waits `ms`, reporting progress every `tickMs` on the way; stops early when the call is cancelled. */
export async function waitWithProgress(ms: number, report: ReportProgress, signal: AbortSignal, tickMs = 250): Promise<void> {
  const steps = Math.max(1, Math.ceil(ms / tickMs));
  for (let step = 1; step <= steps && !signal.aborted; step++) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(tickMs, ms - (step - 1) * tickMs)));
    await report(step, steps, 'waiting for the LeadLovers backend');
  }
}
