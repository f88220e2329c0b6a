// A small closed-loop load driver for the fault tests: each client sends one request (send-prompt or call-tool)
// at a time, back to back, for a bounded count and time, and tracks every requestId until its answer (a result or
// a coded error) arrives through the ack, or its per-request deadline passes (then it is lost). A well-behaved
// client confirms what it got, as the SDK does: ack answers in `received` on its next request (the rest in one
// batched ack-response at the end), prompt-response events through their receipt. A response that arrives again
// as an event after it was confirmed counts as a duplicate. Nothing here can hang a test: every wait is bounded.
import { isErrorCode, type PromptResponse } from '@leadlovers/protocol';
import type { Client } from '../helpers/gateway.js';
import { sleep } from '@leadlovers/testing';

/** `label` is how the test groups outcomes, e.g. 'read' or 'write'. */
export type LoadRequest =
  | { label: string; event: 'send-prompt'; prompt: string }
  | { label: string; event: 'call-tool'; tool: string; arguments: Record<string, unknown> };

export interface LoadClient {
  name: string;
  socket: Client;
  /** Confirm responses (default true: `received`, receipts, ack-response), as a well-behaved client does. */
  receipt?: boolean;
}

export interface Outcome {
  client: string;
  label: string;
  requestId: string;
  sentAt: number;
  /** Set when the ack arrived within the deadline. */
  answeredAt?: number;
  response?: PromptResponse;
}

export interface LoadOptions {
  clients: LoadClient[];
  /** The request a client sends next (seq counts from 0 per client). */
  next(client: LoadClient, seq: number): LoadRequest;
  maxPerClient: number;
  durationMs: number;
  /** Per-request deadline: past it without an ack, the request counts as lost. */
  deadlineMs: number;
  /** Pause between one answer and the next request (default 0). */
  pauseMs?: number;
  /** Prefix of the requestIds (default: a random one), so runs never collide in the idempotency store. */
  runId?: string;
}

export interface LoadReport {
  outcomes: Outcome[];
  sent: number;
  /** Answers that are a success or carry a code from ERROR_CODES. */
  delivered: number;
  /** Answers that failed without a known code: a protocol bug, counted apart from lost. */
  uncoded: number;
  /** No answer within the deadline. */
  missing: number;
  /** prompt-response events that arrived again for a requestId this client had already confirmed. */
  duplicates: number;
  /** missing + duplicates, the ledger's `lost`. */
  lost: number;
  /** Outcome count per code ('OK' for successes, 'LOST' for missing). */
  byCode: Record<string, number>;
}

export interface LoadRun {
  /** Asks every client to stop after its current request. */
  stop(): void;
  done: Promise<LoadReport>;
}

/** What an outcome counts as in byCode: OK, the response's code, or LOST when no response came. */
export function outcomeCode(outcome: Outcome): string {
  if (!outcome.response) return 'LOST';
  return outcome.response.isSuccess ? 'OK' : (outcome.response.code ?? 'UNCODED');
}

export function isCoded(response: PromptResponse): boolean {
  return response.isSuccess || (isErrorCode(response.code) && typeof response.error === 'string' && response.error.length > 0);
}

/**
 * Watches a socket's prompt-response events (how often each requestId arrived, and which arrived after it was
 * confirmed) and, with `receipt`, confirms: events through their receipt, ack answers (reported with `answered`)
 * through `received` on the next request (`takeReceived`) or `flush` (one ack-response per 100).
 */
export function watchResponses(socket: Client, receipt: boolean) {
  const seen = new Map<string, number>();
  const receipted = new Set<string>();
  let due: string[] = [];
  let duplicates = 0;
  const listener = (response: PromptResponse, received?: () => void): void => {
    const id = response.requestId;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (receipted.has(id)) duplicates += 1;
    if (receipt && typeof received === 'function') {
      receipted.add(id);
      received();
    }
  };
  socket.on('prompt-response', listener);
  return {
    seen,
    duplicates: () => duplicates,
    detach: () => socket.off('prompt-response', listener),
    /** A response that came as a request's ack: still in the mailbox until confirmed. */
    answered(requestId: string): void {
      if (receipt) due.push(requestId);
    },
    /** Up to 100 requestIds for the next request's `received` (counted as confirmed from then on). */
    takeReceived(): string[] {
      const batch = due.splice(0, 100);
      for (const id of batch) receipted.add(id);
      return batch;
    },
    /** Confirms everything still due with ack-response, bounded in time; resolves when answered. */
    async flush(timeoutMs = 5_000): Promise<void> {
      while (due.length > 0 && socket.connected) {
        const batch = due.splice(0, 100);
        for (const id of batch) receipted.add(id);
        await socket
          .timeout(timeoutMs)
          .emitWithAck('ack-response', { requestIds: batch })
          .catch(() => undefined);
      }
      due = [];
    },
  };
}

/** Every other request a prompt, the rest a read-only tool call (the Redis fault tests' mix). */
export const promptsAndToolCalls: LoadOptions['next'] = (_client, seq) =>
  seq % 2 === 0
    ? { label: 'prompt', event: 'send-prompt', prompt: 'Liste todas as máquinas disponíveis' }
    : { label: 'tool', event: 'call-tool', tool: 'get_machines', arguments: {} };

/** The HTTP status of a node's endpoint (0 when it does not answer). */
export const httpStatus = (url: string, path: string): Promise<number> =>
  fetch(`${url}${path}`).then(
    (res) => res.status,
    () => 0,
  );

export function runLoad(options: LoadOptions): LoadRun {
  const runId = options.runId ?? `load-${Math.random().toString(36).slice(2, 8)}`;
  const outcomes: Outcome[] = [];
  const endAt = Date.now() + options.durationMs;
  let stopped = false;
  const watchers = options.clients.map((client) => watchResponses(client.socket, client.receipt ?? true));

  async function loop(client: LoadClient): Promise<void> {
    const watcher = watchers[options.clients.indexOf(client)] as ReturnType<typeof watchResponses>;
    for (let seq = 0; seq < options.maxPerClient && !stopped && Date.now() < endAt; seq++) {
      const request = options.next(client, seq);
      const requestId = `${runId}-${client.name}-${seq}`;
      const outcome: Outcome = { client: client.name, label: request.label, requestId, sentAt: Date.now() };
      outcomes.push(outcome);
      const received = watcher.takeReceived();
      const extras = received.length ? { received } : {};
      try {
        const emitter = client.socket.timeout(options.deadlineMs);
        const response =
          request.event === 'send-prompt'
            ? await emitter.emitWithAck('send-prompt', { prompt: request.prompt, requestId, ...extras })
            : await emitter.emitWithAck('call-tool', { tool: request.tool, arguments: request.arguments, requestId, ...extras });
        outcome.answeredAt = Date.now();
        outcome.response = response;
        watcher.answered(response.requestId);
      } catch {
        // Deadline passed without an ack: lost (outcome.response stays unset).
      }
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  }

  const done = Promise.all(options.clients.map(loop)).then(async () => {
    // The last answers are confirmed the way an idle SDK does it: one batched ack-response.
    await Promise.all(watchers.map((watcher) => watcher.flush()));
    // Late duplicates of the last answers get a moment to show up before the count is taken.
    return sleep(200).then(() => {
      for (const watcher of watchers) watcher.detach();
      return summarize(outcomes, watchers.reduce((n, w) => n + w.duplicates(), 0));
    });
  });
  return {
    stop: () => {
      stopped = true;
    },
    done,
  };
}

export function summarize(outcomes: Outcome[], duplicates = 0): LoadReport {
  const byCode: Record<string, number> = {};
  for (const outcome of outcomes) byCode[outcomeCode(outcome)] = (byCode[outcomeCode(outcome)] ?? 0) + 1;
  const answered = outcomes.filter((o) => o.response);
  const delivered = answered.filter((o) => isCoded(o.response as PromptResponse)).length;
  const missing = outcomes.length - answered.length;
  return {
    outcomes,
    sent: outcomes.length,
    delivered,
    uncoded: answered.length - delivered,
    missing,
    duplicates,
    lost: missing + duplicates,
    byCode,
  };
}
