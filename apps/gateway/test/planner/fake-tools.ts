// Test fixture: an in-memory ToolRunner with the real tool list (JSON schemas from @leadlovers/tools) that records
// every call and answers with canned data; machine 99999 does not exist.
import { TOOLS, TOOL_NAMES, toolInputSchema } from '@leadlovers/tools';
import { z } from 'zod';
import { createLogger } from '../../src/shared/logger.js';
import type { ToolCallRequest, ToolCallResult, ToolInfo, ToolRunner } from '../../src/mcp/types.js';

export interface FakeTools extends ToolRunner {
  calls: ToolCallRequest[];
  /** Makes the next calls throw this (a pool failure). */
  failWith?: Error;
}

export function fakeTools(): FakeTools {
  const calls: ToolCallRequest[] = [];
  const runner: FakeTools = {
    calls,
    async listTools(): Promise<ToolInfo[]> {
      return TOOL_NAMES.map((name) => ({
        name,
        description: TOOLS[name].description,
        inputSchema: z.toJSONSchema(toolInputSchema(name)) as Record<string, unknown>,
      }));
    },
    async callTool(request): Promise<ToolCallResult> {
      calls.push(request);
      if (runner.failWith) throw runner.failWith;
      if (request.name === 'get_machine_details' && request.arguments.machineCode === 99999) {
        return { ok: false, code: 'NOT_FOUND', message: 'Machine 99999 not found' };
      }
      if (request.name === 'get_machines') {
        return { ok: true, data: { machines: [{ MachineCode: 12345, MachineName: 'Demo', MachineType: 'Lançamento', Views: 1, Leads: 2 }], page: 1, pageSize: 50, total: 1 } };
      }
      return { ok: true, data: { tool: request.name, arguments: request.arguments } };
    },
    stats: () => ({ workers: 0, readyWorkers: 0, inFlight: 0, queued: 0, childRestarts: 0 }),
    async close() {},
  };
  return runner;
}

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A debug logger writing into `lines`. */
export function sinkLogger(lines: LogLine[]) {
  return createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
}
