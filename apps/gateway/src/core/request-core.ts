// send-prompt and call-tool: validate the payload, then run the request through the pipeline. Validation
// failures are answered right here with INVALID_PAYLOAD / UNKNOWN_TOOL / INVALID_ARGUMENTS. A `received` list
// (responses the client got through earlier acks) clears the mailbox whatever becomes of the request: in the
// request's admission when it gets that far, else on its own here.
import { CallToolSchema, ReceivedSchema, SendPromptSchema, type AuthenticatedUser, type PromptResponse } from '@leadlovers/protocol';
import { summarizeToolResult } from '@leadlovers/tool-result';
import { TOOL_NAMES, isToolName, toolInputSchema } from '@leadlovers/tools';
import type { z } from 'zod';
import { GatewayError } from '../shared/errors.js';
import type { ToolCallResult } from '../mcp/types.js';
import type { Language } from '../planner/types.js';
import { fingerprint, requestIdOf } from './payload.js';
import { describeZodError, zodIssues } from '../shared/validation.js';
import { hostilePayload } from '../shared/payload-guard.js';
import { DROP_PROGRESS, failure, serveRequest } from './pipeline.js';
import type { CoreDeps, DraftResponse, ReplyPort } from './types.js';

/** Whether requestIdOf() took the id from the payload (rather than making one up). */
const clientChose = (payload: unknown, requestId: string): boolean => (payload as { requestId?: unknown } | null)?.requestId === requestId;

export function createRequestCore(deps: CoreDeps) {
  /**
   * Confirms the responses listed in `received` of a request refused before admission, without holding up the
   * answer. `valid`: the list from a payload that passed validation; otherwise it is checked on its own. A malformed
   * list is left to the request's validation, which refuses it; unknown or foreign requestIds just remove nothing.
   */
  function confirmReceived(user: AuthenticatedUser, payload: unknown, valid?: readonly string[]): void {
    let received = valid;
    if (!received) {
      const raw = payload !== null && typeof payload === 'object' ? (payload as { received?: unknown }).received : undefined;
      if (raw === undefined) return;
      const parsed = ReceivedSchema.safeParse(raw);
      if (!parsed.success) return;
      received = parsed.data;
    }
    if (received.length === 0) return;
    deps.mailbox.ackMany(user.id, received).catch((err: unknown) => deps.logger.warn({ err, userId: user.id }, 'mailbox ack of received responses failed'));
  }

  function refuse(user: AuthenticatedUser, port: ReplyPort, requestId: string, error: GatewayError, extra: Partial<DraftResponse> = {}): PromptResponse {
    const response: PromptResponse = { ...failure(error, extra), requestId, metadata: { executionTime: 0 } };
    port.reply(response);
    deps.logger.info({ requestId, userId: user.id, account: user.account, code: error.code }, 'request refused: invalid payload');
    return response;
  }

  /** The payload's shape (the hostile-payload guard, then the event's schema), or the refusal already sent. */
  function validate<S extends z.ZodType>(schema: S, event: string, user: AuthenticatedUser, payload: unknown, port: ReplyPort): { requestId: string; parsed: { data: z.output<S> } } | { refused: PromptResponse } {
    const requestId = requestIdOf(payload);
    const hostile = hostilePayload(payload);
    if (hostile) return { refused: refuse(user, port, requestId, new GatewayError('INVALID_PAYLOAD', `Invalid ${event} payload: ${hostile}`)) };
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      confirmReceived(user, payload);
      return { refused: refuse(user, port, requestId, new GatewayError('INVALID_PAYLOAD', `Invalid ${event} payload: ${describeZodError(parsed.error)}`)) };
    }
    return { requestId, parsed: { data: parsed.data } };
  }

  async function sendPrompt(user: AuthenticatedUser, payload: unknown, port: ReplyPort): Promise<PromptResponse> {
    const valid = validate(SendPromptSchema, 'send-prompt', user, payload, port);
    if ('refused' in valid) return valid.refused;
    const { requestId, parsed } = valid;
    const { prompt, conversationId } = parsed.data;
    const caller = { account: user.account, userId: user.id, requestId };
    // progress and received are how the answer travels, not what is asked: outside the fingerprint.
    const keyed = clientChose(payload, requestId);
    const spec = { user, requestId, kind: 'prompt' as const, input: prompt, fingerprint: keyed ? fingerprint({ prompt, conversationId }) : '', keyed, port, progress: parsed.data.progress === true, received: parsed.data.received ?? [] };

    return serveRequest(deps, spec, async (onProgress, signal) => {
      const outcome = await deps.planner.run({ prompt, caller, onProgress, signal, ...(conversationId ? { conversationId } : {}) }, deps.runner);
      deps.metrics.plannerDuration.observe({ planner: deps.planner.name }, outcome.planningMs / 1000);
      // An LLM planner that handed the prompt to rules says so ('rules (fallback: anthropic unavailable)').
      const metadata = { planner: outcome.plannerLabel ?? deps.planner.name };
      switch (outcome.kind) {
        case 'answered': {
          const response = fromToolResult(outcome.tool, outcome.result, outcome.language, { ...metadata, ...(outcome.model ? { model: outcome.model } : {}) });
          return outcome.message && response.isSuccess ? { ...response, message: outcome.message } : response;
        }
        case 'replied':
          return { isSuccess: true, message: outcome.message, metadata: { ...metadata, ...(outcome.model ? { model: outcome.model } : {}) } };
        case 'needs-input':
          return {
            isSuccess: false,
            code: 'NEEDS_INPUT',
            tool: outcome.tool,
            message: outcome.message,
            error: outcome.message,
            data: { missing: outcome.missing, arguments: outcome.arguments },
            metadata,
          };
        case 'failed':
          return failure(outcome.error, { tool: outcome.tool, metadata });
        case 'unknown':
          return {
            isSuccess: false,
            code: 'UNKNOWN_INTENT',
            message: outcome.message,
            error: outcome.message,
            data: { examples: outcome.examples },
            metadata,
          };
      }
    });
  }

  async function callTool(user: AuthenticatedUser, payload: unknown, port: ReplyPort): Promise<PromptResponse> {
    const valid = validate(CallToolSchema, 'call-tool', user, payload, port);
    if ('refused' in valid) return valid.refused;
    const { requestId, parsed } = valid;
    const { tool } = parsed.data;
    const received = parsed.data.received ?? [];
    if (!isToolName(tool)) {
      confirmReceived(user, payload, received);
      return refuse(user, port, requestId, new GatewayError('UNKNOWN_TOOL', `Unknown tool "${tool}"`, { tools: TOOL_NAMES }));
    }
    const args = toolInputSchema(tool).safeParse(parsed.data.arguments);
    if (!args.success) {
      confirmReceived(user, payload, received);
      return refuse(user, port, requestId, new GatewayError('INVALID_ARGUMENTS', `Invalid arguments for ${tool}: ${describeZodError(args.error)}`, { issues: zodIssues(args.error) }), { tool });
    }
    const caller = { account: user.account, userId: user.id, requestId };
    const progress = parsed.data.progress === true;
    const keyed = clientChose(payload, requestId);
    const spec = { user, requestId, kind: 'tool' as const, input: tool, fingerprint: keyed ? fingerprint({ tool, arguments: parsed.data.arguments }) : '', keyed, port, progress, received };

    return serveRequest(deps, spec, async (onProgress, signal) => {
      if (progress) onProgress({ stage: 'tool-started', tool });
      // The validated arguments (defaults applied, emails normalised) are what the tool receives.
      try {
        const result = await deps.runner.callTool({
          name: tool,
          arguments: args.data as Record<string, unknown>,
          caller,
          signal,
          // Always given, even unwanted: MCP progress is what keeps a slow call alive past its timeout.
          onProgress: progress ? ({ message }) => onProgress({ stage: 'tool-progress', tool, ...(message ? { message } : {}) }) : DROP_PROGRESS,
        });
        return fromToolResult(tool, result, 'pt', {});
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        return failure(err, { tool });
      }
    });
  }

  return { sendPrompt, callTool };
}

export type RequestCore = ReturnType<typeof createRequestCore>;

function fromToolResult(tool: string, result: ToolCallResult, language: Language, metadata: NonNullable<DraftResponse['metadata']>): DraftResponse {
  if (!result.ok) {
    return {
      isSuccess: false,
      tool,
      // A tool's own failure codes pass through; a backend fault is TOOL_FAILED on the wire.
      code: result.code === 'BACKEND_ERROR' ? 'TOOL_FAILED' : result.code,
      error: result.message,
      ...(result.field ? { data: { field: result.field } } : {}),
      metadata,
    };
  }
  const model = result.data && typeof result.data === 'object' ? (result.data as Record<string, unknown>).model : undefined;
  return {
    isSuccess: true,
    tool,
    data: result.data,
    message: summarizeToolResult(tool, result.data, language),
    metadata: { ...metadata, ...(typeof model === 'string' ? { model } : {}) },
  };
}
