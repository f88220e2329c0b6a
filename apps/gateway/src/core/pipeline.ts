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
export type Work = (onProgress: ProgressSink, signal: AbortSignal) => Promise<DraftResponse>;

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

export async function serveRequest(deps: CoreDeps, spec: RequestSpec, work: Work): Promise<PromptResponse> {
  const started = performance.now();
  const { user, requestId } = spec;
  const bindings = { requestId, userId: user.id, account: user.account, kind: spec.kind };
  // A pino child per request costs more than the single line most requests log: made only when a rarer line needs it.
  let child: Logger | undefined;
  const log = (): Logger => (child ??= deps.logger.child(bindings));
  const stamp = (draft: DraftResponse): PromptResponse => stampResponse(draft, requestId, started);

  if (deps.isDraining()) {
    if (spec.received.length) deps.mailbox.ackMany(user.id, spec.received).catch((err: unknown) => log().warn({ err }, 'mailbox ack of received responses failed'));
    const refused = stamp(failure(new GatewayError('SERVER_DRAINING', 'This node is shutting down; resend after reconnecting (same requestId is safe)')));
    spec.port.reply(refused);
    return refused;
  }

  // The request state answers every outcome itself (it falls back to local limits when Redis is down); a throw here
  // is a bug, answered like any other failure rather than left to the transport.
  const admit = (): Promise<Admission> =>
    deps.state.admit({ userId: user.id, requestId, keyed: spec.keyed, fingerprint: spec.fingerprint, received: spec.received }).catch((err: unknown) => {
      log().error({ err }, 'admission failed unexpectedly');
      return { status: 'refused', error: toGatewayError(err) } as const;
    });
  let admission = await admit();
  // A retry waits for the first attempt; if that attempt's claim vanishes (its node died), the retry takes over.
  for (let takeovers = 0; admission.status === 'pending'; takeovers++) {
    let answer: PromptResponse;
    try {
      const stored = await admission.wait;
      answer = { ...stored, metadata: { ...stored.metadata, replayed: true } };
    } catch (err) {
      if (err instanceof PendingAbandoned && takeovers < 2) {
        log().info('the first attempt stopped without a response; taking the request over');
        admission = await admit();
        continue;
      }
      // The first attempt was refused or timed out: the client may retry with the same key.
      answer = stamp(failure(toGatewayError(err)));
    }
    spec.port.reply(answer);
    log().info({ code: answer.code }, 'repeated requestId answered from the first attempt');
    return answer;
  }
  switch (admission.status) {
    case 'mismatch': {
      const refused = stamp(failure(new GatewayError('INVALID_PAYLOAD', 'requestId was already used for a different request; use a new requestId')));
      spec.port.reply(refused);
      return refused;
    }
    case 'done': {
      const response = { ...admission.response, metadata: { ...admission.response.metadata, replayed: true } };
      spec.port.reply(response);
      log().info({ code: response.code }, 'repeated requestId answered from the stored response');
      return response;
    }
    case 'refused': {
      const refused = stamp(failure(admission.error));
      spec.port.reply(refused);
      recordRequest(deps, spec, refused, started);
      log().warn({ code: refused.code }, 'request refused by limits');
      return refused;
    }
  }
  const { ticket } = admission;
  const stopLease = spec.keyed ? deps.state.keepAlive(user.id, requestId, spec.fingerprint) : undefined;
  let response: PromptResponse;
  const cancel = deps.cancellations.register(user.id, requestId);
  try {
    const onProgress: ProgressSink = spec.progress ? (progress) => spec.port.progress({ ...progress, requestId }) : DROP_PROGRESS;
    response = stamp(await work(onProgress, cancel.signal));
  } catch (err) {
    const error = toGatewayError(err);
    if (error.code === 'INTERNAL') log().error({ err }, 'request failed unexpectedly');
    response = stamp(failure(error));
  } finally {
    cancel.done();
    stopLease?.();
  }

  // Everything is stored before the client hears of it (one round trip in Redis), so once it has the response, a
  // retry is answered from the store, get-history lists it on any node, and a reconnect replays it from the mailbox
  // until it is confirmed. A store that cannot be reached does not keep the answer from the client.
  await deps.state
    .complete({ userId: user.id, requestId, keyed: spec.keyed, fingerprint: spec.fingerprint, ticket, response, entry: { requestId, kind: spec.kind, input: spec.input, at: new Date().toISOString() } })
    .catch((err: unknown) => log().error({ err }, 'could not store the response (mailbox, idempotency, history); delivering anyway'));
  spec.port.reply(response);

  recordRequest(deps, spec, response, started);
  accessLog(deps.logger).info(
    { ...bindings, tool: response.tool, code: response.code, isSuccess: response.isSuccess, durationMs: response.metadata.executionTime },
    spec.kind === 'prompt' ? 'prompt answered' : 'tool call answered',
  );
  return response;
}
