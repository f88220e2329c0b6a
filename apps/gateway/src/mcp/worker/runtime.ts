// What a pool worker does, wherever it runs: it owns one MCP server child (ChildSupervisor) and runs every tool
// call the pool sends it over that child's one Client, many at a time. It takes MainCommands and answers with
// WorkerEvents through `emit`: batches of calls and of their outcomes, start, readiness, cancel, close, and the
// child's sampling requests. thread-entry.ts hosts it in a piscina thread behind a MessagePort;
// inline-worker.ts hosts it on the main thread.
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { readToolCallError, readToolResult } from '@leadlovers/tool-result';
import { CALLER_META_KEY } from '@leadlovers/tools';
import type { CallOutcome, CallTask, MainCommand, WorkerConfig, WorkerEvent } from '../messages.js';
import type { ToolInfo } from '../types.js';
import { ChildSupervisor } from './child-supervisor.js';
import { SamplingBridge } from './sampling-bridge.js';

export interface WorkerRuntime {
  onCommand(command: MainCommand): void;
}

export function createWorkerRuntime(config: WorkerConfig, emit: (event: WorkerEvent) => void): WorkerRuntime {
  const sampling = config.samplingTimeoutMs === null ? null : new SamplingBridge(emit, config.samplingTimeoutMs);
  const supervisor = new ChildSupervisor(config, emit, sampling ? (params, signal) => sampling.request(params, signal) : undefined);
  const inFlight = new Map<number, AbortController>();
  /** Calls cancelled before they reached this worker (the cancel may overtake the task): callId → until (epoch ms). */
  const cancelledEarly = new Map<number, number>();

  /** Outcomes finished in this turn of the event loop, sent back in one message. */
  let finished: Array<{ callId: number; outcome: CallOutcome }> = [];
  const sendFinished = (): void => {
    const results = finished;
    finished = [];
    emit({ type: 'results', results });
  };

  function cancel(callId: number, until: number): void {
    const controller = inFlight.get(callId);
    if (controller) {
      controller.abort();
      return;
    }
    const now = Date.now();
    for (const [id, expiry] of cancelledEarly) if (expiry <= now) cancelledEarly.delete(id);
    cancelledEarly.set(callId, until);
  }

  async function listTools(): Promise<{ tools: ToolInfo[]; readOnly: string[] }> {
    const client = supervisor.client ?? (await supervisor.waitReady(config.startTimeoutMs));
    if (!client) throw new Error('the MCP server is not running');
    const tools: ToolInfo[] = [];
    const readOnly: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? undefined : { cursor });
      for (const tool of page.tools) {
        const title = tool.title ?? tool.annotations?.title;
        tools.push({
          name: tool.name,
          ...(title !== undefined && { title }),
          ...(tool.description !== undefined && { description: tool.description }),
          inputSchema: tool.inputSchema,
          ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema }),
        });
        if (tool.annotations?.readOnlyHint === true) readOnly.push(tool.name);
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { tools, readOnly };
  }

  /** One tools/call. Never throws: every failure is a CallOutcome. */
  async function runToolCall(task: CallTask): Promise<CallOutcome> {
    const { callId, name, deadline } = task;
    if (cancelledEarly.delete(callId) || Date.now() >= deadline) {
      return { kind: 'error', error: { code: 'TIMEOUT', message: `Call of tool "${name}" expired before it started` }, retry: 'no' };
    }
    const client = supervisor.client ?? (await supervisor.waitReady(Math.min(task.waitForChildMs, deadline - Date.now())));
    if (!client) {
      const message = 'The MCP server is restarting; try again in a moment';
      return { kind: 'error', error: { code: 'TOOL_UNAVAILABLE', message }, retry: 'safe' };
    }
    // An AbortSignal costs an EventTarget per call: only a call its caller can cancel gets one.
    const controller = task.cancellable ? new AbortController() : undefined;
    if (controller) inFlight.set(callId, controller);
    const timeoutMs = Math.max(1, deadline - Date.now());
    try {
      const result = await client.request(
        {
          method: 'tools/call',
          params: {
            name,
            arguments: task.arguments,
            _meta: task.traceparent === undefined ? { [CALLER_META_KEY]: task.caller } : { [CALLER_META_KEY]: task.caller, traceparent: task.traceparent },
          },
        },
        // client.request rather than client.callTool: the server already checks its output schema, and the client's
        // re-check would cost time on every call and turn a server bug into a -32602 that looks like bad arguments.
        CallToolResultSchema,
        task.reportProgress
          ? {
              timeout: timeoutMs,
              signal: controller?.signal,
              resetTimeoutOnProgress: true,
              maxTotalTimeout: task.maxTotalMs,
              onprogress: ({ progress, total, message }) =>
                emit({ type: 'progress', callId, progress, ...(total !== undefined && { total }), ...(message !== undefined && { message }) }),
            }
          : { timeout: timeoutMs, signal: controller?.signal },
      );
      return readToolResult(result);
    } catch (err) {
      return readToolCallError(err, {
        toolName: name,
        timeoutMs,
        cancelled: controller?.signal.aborted ?? false,
        childGone: supervisor.client !== client,
      });
    } finally {
      if (controller) inFlight.delete(callId);
    }
  }

  return {
    onCommand(command) {
      switch (command.type) {
        case 'calls':
          // The batch's requests reach the child in one write (one syscall here, one read there).
          supervisor.batchWrites(() => {
            for (const task of command.tasks) {
              void runToolCall(task).then((outcome) => {
                if (finished.push({ callId: task.callId, outcome }) === 1) setImmediate(sendFinished);
              });
            }
          });
          break;
        case 'start':
          supervisor.start();
          break;
        case 'cancel':
          cancel(command.callId, command.until);
          break;
        case 'list-tools':
          listTools().then(
            ({ tools, readOnly }) => emit({ type: 'tools', requestId: command.requestId, tools, readOnly }),
            (err: unknown) =>
              emit({
                type: 'tools-failed',
                requestId: command.requestId,
                error: { code: 'TOOL_UNAVAILABLE', message: `Could not list the MCP tools: ${err instanceof Error ? err.message : String(err)}` },
              }),
          );
          break;
        case 'sampling-result':
        case 'sampling-failed':
          sampling?.settle(command);
          break;
        case 'close':
          sampling?.failAll('The MCP pool is closing');
          void supervisor.close().then(() => emit({ type: 'closed' }));
          break;
      }
    },
  };
}
