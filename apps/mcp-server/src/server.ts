// createMcpServer: an McpServer with the 8 LeadLovers tools registered from @leadlovers/tools (names, zod input
// and output schemas). Each call is scoped to the caller's account from _meta; every failure becomes an isError
// result with { code, message, field? }, and unknown throws become BACKEND_ERROR without internals.
import { TOOLS, TOOL_NAMES, toolOutputSchema, type ToolName } from '@leadlovers/tools';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { LeadLoversBackend } from './backend/types.js';
import { writeEmailFromTemplate } from './email/templates.js';
import { BACKEND_ERROR_MESSAGE, ToolError, toToolError } from './errors.js';
import { progressReporter, waitWithProgress } from './progress.js';
import { MISSING_CALLER_MESSAGE, readCaller } from './tools/caller.js';
import { TOOL_HANDLERS, type EmailWriter, type ToolAnswer, type ToolContext } from './tools/handlers.js';
import { errorResult, successResult } from './tools/results.js';
import type { ToolArgs } from './tool-types.js';

export const SERVER_NAME = 'leadlovers-mcp';
export const SERVER_VERSION = '0.1.0';

export interface McpServerDeps {
  backend: LeadLoversBackend;
  logger: Logger;
  /** Writes create_email_content's email; defaults to the offline templates. */
  writeEmail?: EmailWriter;
  /** Delay added to every call before it runs (EMBEDDED_LATENCY_MS), to model a remote API. */
  latencyMs?: number;
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
  const writeEmail = deps.writeEmail ?? (async (args) => writeEmailFromTemplate(args));
  for (const name of TOOL_NAMES) registerTool(server, name, { ...deps, writeEmail });
  return server;
}

function registerTool<N extends ToolName>(
  server: McpServer,
  name: N,
  deps: McpServerDeps & { writeEmail: EmailWriter },
): void {
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
    async (args: unknown, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<CallToolResult> => {
      const started = performance.now();
      const caller = readCaller(extra._meta);
      if (!caller) {
        deps.logger.warn({ tool: name }, 'tool call without caller identity refused');
        return errorResult(new ToolError('FORBIDDEN', MISSING_CALLER_MESSAGE));
      }
      const log = deps.logger.child({ tool: name, account: caller.account, userId: caller.userId, requestId: caller.requestId });
      const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        if (deps.latencyMs) await waitWithProgress(deps.latencyMs, progressReporter(extra), extra.signal);
        // A cancelled call (notifications/cancelled) must not go on to write anything.
        if (extra.signal.aborted) return errorResult(new ToolError('BACKEND_ERROR', 'The call was cancelled'));
        const { output, summary } = await run(
          { backend: deps.backend, writeEmail: deps.writeEmail, account: caller.account },
          args as ToolArgs<N>,
        );
        // A backend answering in the wrong shape is its bug, not the caller's: report BACKEND_ERROR, log why.
        const checked = outputSchema.safeParse(output);
        if (!checked.success) {
          log.error({ issues: checked.error.issues, durationMs: elapsed() }, 'tool output does not match its schema');
          return errorResult(new ToolError('BACKEND_ERROR', BACKEND_ERROR_MESSAGE));
        }
        log.debug({ durationMs: elapsed() }, 'tool call succeeded');
        return successResult(checked.data, summary);
      } catch (err) {
        const error = toToolError(err);
        if (error.code === 'BACKEND_ERROR') log.error({ err, durationMs: elapsed() }, 'tool call failed');
        else log.info({ code: error.code, field: error.field, durationMs: elapsed() }, 'tool call rejected');
        return errorResult(error);
      }
    },
  );
}
