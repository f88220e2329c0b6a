// The path every send-prompt and call-tool request takes after validation: idempotency, admission limits, the
// work itself, then mailbox (stored before it is emitted), delivery, history and a log line. Every path emits
// exactly one prompt-response to the user and returns it (the handler also passes it to the ack). Any throw on the
// way becomes a failure response with a code; nothing here can take the socket or the node down.
import type { PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { GatewayError, toGatewayError } from '../errors.js';
import { PendingAbandoned } from '../store/idempotency.js';
import { codeLabel, toolLabel } from '../metrics.js';
import type { DraftResponse, PromptDeps, RequestSpec } from './types.js';

export type Work = (onProgress: (progress: Omit<PromptProgress, 'requestId'>) => void, signal: AbortSignal) => Promise<DraftResponse>;

export function failure(err: GatewayError, extra: Partial<DraftResponse> = {}): DraftResponse {
  return {
    isSuccess: false,
    code: err.code,
    error: err.message,
    ...(err.details ? { data: err.details } : {}),
    ...extra,
  };
}

export async function serveRequest(deps: PromptDeps, spec: RequestSpec, work: Work): Promise<PromptResponse> {
  const started = performance.now();
  const { user, requestId } = spec;
  const log = deps.logger.child({ requestId, userId: user.id, account: user.account, kind: spec.kind });

  const stamp = (draft: DraftResponse): PromptResponse => ({
    ...draft,
    requestId,
    metadata: { ...draft.metadata, executionTime: Math.round((performance.now() - started) * 100) / 100 },
  });
  /** Counts a request that reached admission (refused there or answered); answers from the idempotency store are not new work. */
  const record = (response: PromptResponse): void => {
    const tool = toolLabel(response.tool);
    const code = response.isSuccess ? 'OK' : codeLabel(response.code);
    deps.metrics.requests.inc({ kind: spec.kind, tool, planner: spec.kind === 'prompt' ? deps.planner.name : 'none', code });
    deps.metrics.requestDuration.observe({ kind: spec.kind, tool }, (performance.now() - started) / 1000);
    if (code === 'RATE_LIMITED') deps.metrics.rateLimited.inc();
  };

  if (deps.isDraining()) {
    const refused = stamp(failure(new GatewayError('SERVER_DRAINING', 'This node is shutting down; resend after reconnecting (same requestId is safe)')));
    deps.deliver(user.id, refused, spec.originSocketId);
    return refused;
  }

  const begin = () =>
    deps.idempotency.begin(user.id, requestId, spec.fingerprint).catch((err: unknown) => {
      // Store unreachable (Redis down): serve the request rather than refuse it; a retry may then run twice.
      log.warn({ err }, 'idempotency store unavailable; running the request without a key');
      return { status: 'new' } as const;
    });
  let known = await begin();
  // A retry waits for the first attempt; if that attempt's marker vanishes (its node died), the retry takes over.
  for (let takeovers = 0; known.status === 'pending'; takeovers++) {
    let answer: PromptResponse;
    try {
      const stored = await known.wait;
      answer = { ...stored, metadata: { ...stored.metadata, replayed: true } };
    } catch (err) {
      if (err instanceof PendingAbandoned && takeovers < 2) {
        log.info('the first attempt stopped without a response; taking the request over');
        known = await begin();
        continue;
      }
      // The first attempt was refused or timed out: the client may retry with the same key.
      answer = stamp(failure(toGatewayError(err)));
    }
    deps.deliver(user.id, answer, spec.originSocketId);
    log.info({ code: answer.code }, 'repeated requestId answered from the first attempt');
    return answer;
  }
  if (known.status === 'mismatch') {
    const refused = stamp(failure(new GatewayError('INVALID_PAYLOAD', 'requestId was already used for a different request; use a new requestId')));
    deps.deliver(user.id, refused, spec.originSocketId);
    return refused;
  }
  if (known.status === 'done') {
    const response = { ...known.response, metadata: { ...known.response.metadata, replayed: true } };
    deps.deliver(user.id, response, spec.originSocketId);
    log.info({ code: response.code }, 'repeated requestId answered from the stored response');
    return response;
  }
  const stopLease = deps.idempotency.keepAlive(user.id, requestId, spec.fingerprint);
  try {
    return await run();
  } finally {
    stopLease();
  }

  async function run(): Promise<PromptResponse> {

    let release: (() => void) | undefined;
    try {
      release = await deps.limiter.acquire(user.id);
    } catch (err) {
      const refused = stamp(failure(toGatewayError(err)));
      await deps.idempotency.abandon(user.id, requestId, refused).catch((err: unknown) => log.warn({ err }, 'could not release the idempotency key'));
      deps.deliver(user.id, refused, spec.originSocketId);
      record(refused);
      log.warn({ code: refused.code }, 'request refused by limits');
      return refused;
    }

    let response: PromptResponse;
    const cancel = deps.cancellations.register(user.id, requestId);
    try {
      response = stamp(await work((progress) => deps.emitProgressToUser(user.id, { ...progress, requestId }), cancel.signal));
    } catch (err) {
      const error = toGatewayError(err);
      if (error.code === 'INTERNAL') log.error({ err }, 'request failed unexpectedly');
      response = stamp(failure(error));
    } finally {
      cancel.done();
      release();
    }

    try {
      await deps.mailbox.put(user.id, response);
    } catch (err) {
      log.error({ err }, 'could not store response in mailbox; delivering anyway');
    }
    deps.deliver(user.id, response, spec.originSocketId);
    await deps.idempotency.complete(user.id, requestId, response).catch((err: unknown) => log.warn({ err }, 'could not store the idempotency key'));
    await deps.history
      .append(user.id, { requestId, kind: spec.kind, input: spec.input, at: new Date().toISOString(), response })
      .catch((err: unknown) => log.error({ err }, 'could not append history'));

    record(response);
    log.info(
      { tool: response.tool, code: response.code, isSuccess: response.isSuccess, durationMs: response.metadata.executionTime },
      spec.kind === 'prompt' ? 'prompt answered' : 'tool call answered',
    );
    return response;
  }
}
