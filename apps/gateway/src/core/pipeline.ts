// The path every send-prompt and call-tool request takes after validation: admission (idempotency claim, limits
// and the confirmations it carries, in one call to the request state), the work itself, completion (mailbox,
// idempotency and history, stored before the client hears of it), the reply and a log line. Every path hands exactly one response to the request's ReplyPort and returns it. Any throw on the way
// becomes a failure response with a code; nothing here can take the transport or the node down.
import type { Logger } from 'pino';
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { GatewayError, toGatewayError } from '../shared/errors.js';
import { PendingAbandoned } from '../store/idempotency.js';
import type { Admission } from '../store/request-state.js';
import { fixedFieldLogger } from '../shared/logger.js';
import { codeLabel, toolLabel } from '../metrics/metrics.js';
import type { DraftResponse, CoreDeps, RequestSpec } from './types.js';

export type ProgressSink = (progress: Omit<PromptProgress, 'requestId'>) => void;
/** The request's own work; `signal` (absent when the request cannot be cancelled) aborts it on cancel-prompt. */
export type Work = (onProgress: ProgressSink, signal: AbortSignal | undefined) => Promise<DraftResponse>;

/** The access line's logger per gateway logger: its fields are ids, account, tool, code and duration only. */
const accessLoggers = new WeakMap<Logger, Logger>();
function accessLog(logger: Logger): Logger {
  let access = accessLoggers.get(logger);
  if (!access) accessLoggers.set(logger, (access = fixedFieldLogger(logger)));
  return access;
}

/** A request without progress: true still reports progress internally (it keeps slow MCP calls alive), to nobody. */
export const DROP_PROGRESS = (): void => undefined;

export function failure(err: GatewayError, extra: Partial<DraftResponse> = {}): DraftResponse {
  return {
    isSuccess: false,
    code: err.code,
    error: err.message,
    ...(err.details ? { data: err.details } : {}),
    ...extra,
  };
}

function stampResponse(draft: DraftResponse, requestId: string, started: number): PromptResponse {
  return { ...draft, requestId, metadata: { ...draft.metadata, executionTime: Math.round((performance.now() - started) * 100) / 100 } };
}

/** Counts a request that reached admission (refused there or answered); answers from the idempotency store are not new work. */
function recordRequest(deps: CoreDeps, spec: RequestSpec, response: PromptResponse, started: number): void {
  const tool = toolLabel(response.tool);
  const code = response.isSuccess ? 'OK' : codeLabel(response.code);
  deps.metrics.requests.inc({ kind: spec.kind, tool, planner: spec.kind === 'prompt' ? deps.planner.name : 'none', code });
  deps.metrics.requestDuration.observe({ kind: spec.kind, tool }, (performance.now() - started) / 1000);
  if (code === 'RATE_LIMITED') deps.metrics.rateLimited.inc();
}

/** A pino child per request costs more than the single line most requests log: made only when a rarer line needs it. */
function requestLogger(deps: CoreDeps, spec: RequestSpec): Logger {
  return deps.logger.child({ requestId: spec.requestId, userId: spec.user.id, account: spec.user.account, kind: spec.kind });
}

/**
 * The request state answers every outcome itself (it falls back to local limits when Redis is down); a throw here is
 * a bug, answered like any other failure rather than left to the transport.
 */
function admit(deps: CoreDeps, spec: RequestSpec): Promise<Admission> {
  return deps.state.admit({ userId: spec.user.id, requestId: spec.requestId, keyed: spec.keyed, fingerprint: spec.fingerprint, received: spec.received }).catch((err: unknown) => {
    requestLogger(deps, spec).error({ err }, 'admission failed unexpectedly');
    return { status: 'refused', error: toGatewayError(err) } as const;
  });
}

/**
 * Only a request whose requestId the client knows while it runs can be cancelled: one it chose, or one whose
 * prompt-progress events (which carry the id) it asked for. The others get no AbortController: an EventTarget and
 * its signal per request, for a cancel that can never come.
 */
const cancellable = (spec: RequestSpec): boolean => spec.keyed || spec.progress;

// Every function a request calls is declared once, here or in the modules it calls: a closure per request is an
// allocation, and under tsx (keepNames) also an Object.defineProperty for its name.
export async function serveRequest(deps: CoreDeps, spec: RequestSpec, work: Work): Promise<PromptResponse> {
  const started = performance.now();
  const { user, requestId } = spec;

  if (deps.isDraining()) {
    if (spec.received.length) deps.mailbox.ackMany(user.id, spec.received).catch((err: unknown) => requestLogger(deps, spec).warn({ err }, 'mailbox ack of received responses failed'));
    const refused = stampResponse(failure(new GatewayError('SERVER_DRAINING', 'This node is shutting down; resend after reconnecting (same requestId is safe)')), requestId, started);
    spec.port.reply(refused);
    return refused;
  }

  let admission = await admit(deps, spec);
  // A retry waits for the first attempt; if that attempt's claim vanishes (its node died), the retry takes over.
  for (let takeovers = 0; admission.status === 'pending'; takeovers++) {
    let answer: PromptResponse;
    try {
      const stored = await admission.wait;
      answer = { ...stored, metadata: { ...stored.metadata, replayed: true } };
    } catch (err) {
      if (err instanceof PendingAbandoned && takeovers < 2) {
        requestLogger(deps, spec).info('the first attempt stopped without a response; taking the request over');
        admission = await admit(deps, spec);
        continue;
      }
      // The first attempt was refused or timed out: the client may retry with the same key.
      answer = stampResponse(failure(toGatewayError(err)), requestId, started);
    }
    spec.port.reply(answer);
    requestLogger(deps, spec).info({ code: answer.code }, 'repeated requestId answered from the first attempt');
    return answer;
  }
  switch (admission.status) {
    case 'mismatch': {
      const refused = stampResponse(failure(new GatewayError('INVALID_PAYLOAD', 'requestId was already used for a different request; use a new requestId')), requestId, started);
      spec.port.reply(refused);
      return refused;
    }
    case 'done': {
      const response = { ...admission.response, metadata: { ...admission.response.metadata, replayed: true } };
      spec.port.reply(response);
      requestLogger(deps, spec).info({ code: response.code }, 'repeated requestId answered from the stored response');
      return response;
    }
    case 'refused': {
      const refused = stampResponse(failure(admission.error), requestId, started);
      spec.port.reply(refused);
      recordRequest(deps, spec, refused, started);
      requestLogger(deps, spec).warn({ code: refused.code }, 'request refused by limits');
      return refused;
    }
  }
  const { ticket } = admission;
  const stopLease = spec.keyed ? deps.state.keepAlive(user.id, requestId, spec.fingerprint) : undefined;
  let response: PromptResponse;
  const cancel = cancellable(spec) ? deps.cancellations.register(user.id, requestId) : undefined;
  try {
    const onProgress: ProgressSink = spec.progress ? (progress) => spec.port.progress({ ...progress, requestId }) : DROP_PROGRESS;
    response = stampResponse(await work(onProgress, cancel?.signal), requestId, started);
  } catch (err) {
    const error = toGatewayError(err);
    if (error.code === 'INTERNAL') requestLogger(deps, spec).error({ err }, 'request failed unexpectedly');
    response = stampResponse(failure(error), requestId, started);
  } finally {
    cancel?.done();
    stopLease?.();
  }

  // Everything is stored before the client hears of it (one round trip in Redis), so once it has the response, a
  // retry is answered from the store, get-history lists it on any node, and a reconnect replays it from the mailbox
  // until it is confirmed. A store that cannot be reached does not keep the answer from the client.
  // Serialized once: the stores keep this text and the transport may send it as is.
  const json = JSON.stringify(response);
  await deps.state
    .complete({ userId: user.id, requestId, keyed: spec.keyed, fingerprint: spec.fingerprint, ticket, response, json, entry: { requestId, kind: spec.kind, input: spec.input, at: new Date().toISOString() } })
    .catch((err: unknown) => requestLogger(deps, spec).error({ err }, 'could not store the response (mailbox, idempotency, history); delivering anyway'));
  spec.port.reply(response, json);

  recordRequest(deps, spec, response, started);
  accessLog(deps.logger).info(
    { requestId, userId: user.id, account: user.account, kind: spec.kind, tool: response.tool, code: response.code, isSuccess: response.isSuccess, durationMs: response.metadata.executionTime },
    spec.kind === 'prompt' ? 'prompt answered' : 'tool call answered',
  );
  return response;
}
