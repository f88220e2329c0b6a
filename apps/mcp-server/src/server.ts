// createMcpServer: an McpServer with the 8 LeadLovers tools registered from @leadlovers/tools (names, zod input
// and output schemas). Each call is scoped to the caller's account from _meta; every failure becomes an isError
// result with { code, message, field? }, and unknown throws become BACKEND_ERROR without internals. Results are
// written by @leadlovers/tool-result, which the server's clients read them with.
import { summarizeToolResult, toolErrorResult, toolSuccessResult } from '@leadlovers/tool-result';
import { TOOLS, TOOL_NAMES, toolOutputSchema, type ToolName } from '@leadlovers/tools';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { CreateMessageResultSchema, type CallToolResult, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { LeadLoversBackend } from './backend/types.js';
import { writeEmailBySampling, type Sample } from './email/sampled.js';
import { writeEmailFromTemplate } from './email/templates.js';
import { BACKEND_ERROR_MESSAGE, toToolError } from './errors.js';
import { progressReporter, waitWithProgress } from './progress.js';
import { MISSING_CALLER_MESSAGE, readCaller } from './tools/caller.js';
import type { ServerTracing } from './tracing.js';
import { TOOL_HANDLERS, type EmailWriter, type ToolAnswer, type ToolContext } from './tools/handlers.js';
import type { ToolArgs } from './tool-types.js';

export const SERVER_NAME = 'leadlovers-mcp';
export const SERVER_VERSION = '0.1.0';
/** Under the gateway's default 15 s call timeout, so the template fallback still answers in time. */
const DEFAULT_SAMPLING_TIMEOUT_MS = 12_000;
/** The summary line's language: the server cannot know the prompt's, and the gateway writes its own from the data. */
const SUMMARY_LANGUAGE = 'en';

export interface McpServerDeps {
  backend: LeadLoversBackend;
  logger: Logger;
  /** Writes create_email_content's email. Default: the client's LLM through sampling when the client declared the
   * sampling capability, else (and whenever sampling fails) the offline templates. */
  writeEmail?: EmailWriter;
  /** Bound on one sampling/createMessage round trip before the templates take over (default 12 000 ms). */
  samplingTimeoutMs?: number;
  /** Delay added to every call before it runs (EMBEDDED_LATENCY_MS), to model a remote API. */
  latencyMs?: number;
  /** OpenTelemetry (tracing.ts): each call in a span under the gateway's; absent: off. */
  tracing?: ServerTracing | undefined;
}

export function createMcpServer(deps: McpServerDeps): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'LeadLovers tools: leads, machines (automation funnels), email sequences and email content. ' +
        `Every call must carry the caller in _meta["leadlovers/caller"]; data is scoped to that account.`,
    },
  );
  for (const name of TOOL_NAMES) registerTool(server, name, deps);
  return server;
}

/** The email writer for one call: the injected one, else sampling if this client offers it, else the templates. */
function emailWriterFor(server: McpServer, deps: McpServerDeps, extra: RequestHandlerExtra<ServerRequest, ServerNotification>, log: Logger): EmailWriter {
  if (deps.writeEmail) return deps.writeEmail;
  if (!server.server.getClientCapabilities()?.sampling) return async (args) => writeEmailFromTemplate(args);
  const sample: Sample = (params) =>
    extra.sendRequest({ method: 'sampling/createMessage', params }, CreateMessageResultSchema, {
      timeout: deps.samplingTimeoutMs ?? DEFAULT_SAMPLING_TIMEOUT_MS,
      signal: extra.signal,
    });
  return (args) => writeEmailBySampling(args, sample, log);
}

function registerTool<N extends ToolName>(server: McpServer, name: N, deps: McpServerDeps): void {
  const tool = TOOLS[name];
  const run = TOOL_HANDLERS[name] as (context: ToolContext, args: ToolArgs<N>) => Promise<ToolAnswer<N>>;
  const outputSchema = toolOutputSchema(name);

  server.registerTool(
    name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: {
        title: tool.title,
        readOnlyHint: tool.readOnly,
        // Update overwrites fields and delete removes; create only adds. Meaningless for read-only tools.
        ...(tool.readOnly ? {} : { destructiveHint: name !== 'create_lead' }),
      },
    },
    (args: unknown, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<CallToolResult> =>
      deps.tracing ? deps.tracing.inToolSpan(name, extra._meta, () => handle(args, extra)) : handle(args, extra),
  );

  async function handle(args: unknown, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<CallToolResult> {
      const started = performance.now();
      const caller = readCaller(extra._meta);
      if (!caller) {
        deps.logger.warn({ tool: name }, 'tool call without caller identity refused');
        return toolErrorResult({ code: 'FORBIDDEN', message: MISSING_CALLER_MESSAGE });
      }
      const log = deps.logger.child({ tool: name, account: caller.account, userId: caller.userId, requestId: caller.requestId });
      const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        if (deps.latencyMs) await waitWithProgress(deps.latencyMs, progressReporter(extra), extra.signal);
        // A cancelled call (notifications/cancelled) must not go on to write anything.
        if (extra.signal.aborted) return toolErrorResult({ code: 'BACKEND_ERROR', message: 'The call was cancelled' });
        const { output, notes } = await run(
          { backend: deps.backend, writeEmail: emailWriterFor(server, deps, extra, log), account: caller.account, signal: extra.signal },
          args as ToolArgs<N>,
        );
        // A backend answering in the wrong shape is its bug, not the caller's: report BACKEND_ERROR, log why.
        const checked = outputSchema.safeParse(output);
        if (!checked.success) {
          log.error({ issues: checked.error.issues, durationMs: elapsed() }, 'tool output does not match its schema');
          return toolErrorResult({ code: 'BACKEND_ERROR', message: BACKEND_ERROR_MESSAGE });
        }
        log.debug({ durationMs: elapsed() }, 'tool call succeeded');
        return toolSuccessResult(checked.data, summarizeToolResult(name, checked.data, SUMMARY_LANGUAGE, notes));
      } catch (err) {
        const error = toToolError(err);
        if (error.code === 'BACKEND_ERROR') log.error({ err, durationMs: elapsed() }, 'tool call failed');
        else log.info({ code: error.code, field: error.field, durationMs: elapsed() }, 'tool call rejected');
        return toolErrorResult(error.toPayload());
      }
  }
}
