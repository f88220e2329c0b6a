// Test fixtures: spawn the real MCP server (node + tsx on src/main.ts, exactly what mcpServerCommand() gives
// the gateway) behind an SDK Client, on a database in a fresh temp dir, and clean both up afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CALLER_META_KEY, type CallerMeta } from '@leadlovers/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  type CallToolResult,
  type CreateMessageRequest,
  type CreateMessageResult,
} from '@modelcontextprotocol/sdk/types.js';
import { mcpServerCommand } from '../src/index.js';

export function makeTempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcp-server-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function caller(account: string, userId = `user-of-${account}`): CallerMeta {
  return { account, userId, requestId: `req-${Math.random().toString(36).slice(2, 10)}` };
}

export interface RunningServer {
  client: Client;
  pid: number | null;
  /** Everything the child wrote to stderr so far (its pino logs). */
  stderr(): string;
  /**
   * tools/call with the caller in _meta. Goes through client.request rather than client.callTool: after
   * listTools(), SDK 1.x client.callTool validates an isError result's structuredContent against the tool's
   * *output* schema and throws (typescript-sdk issue #1943), so our { code, message } errors would never arrive.
   */
  call(name: string, args: Record<string, unknown>, who?: CallerMeta | null): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface ServerOptions {
  dbPath: string;
  env?: Record<string, string>;
  /** With it, the client declares the sampling capability and answers sampling/createMessage with it. */
  sampling?: (params: CreateMessageRequest['params']) => Promise<CreateMessageResult>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { command, args } = mcpServerCommand();
  const transport = new StdioClientTransport({
    command,
    args,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', LEADLOVERS_DB_PATH: options.dbPath, ...options.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'mcp-server-test', version: '0.0.0' }, { capabilities: options.sampling ? { sampling: {} } : {} });
  const sampling = options.sampling;
  if (sampling) client.setRequestHandler(CreateMessageRequestSchema, (request) => sampling(request.params));
  try {
    await client.connect(transport);
  } catch (err) {
    await transport.close();
    throw new Error(`MCP server did not start: ${String(err)}\n${stderr}`);
  }
  return {
    client,
    pid: transport.pid,
    stderr: () => stderr,
    call: (name, toolArgs, who = caller('acme')) =>
      client.request(
        {
          method: 'tools/call',
          params: { name, arguments: toolArgs, ...(who ? { _meta: { [CALLER_META_KEY]: who } } : {}) },
        },
        CallToolResultSchema,
      ),
    close: () => client.close(),
  };
}

/** The structuredContent of a successful call, failing the test with the error text otherwise. */
export function ok<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** The { code, message, field? } of a failed call. */
export function failure(result: CallToolResult): { code: string; message: string; field?: string } {
  if (!result.isError) throw new Error(`expected a failure, got ${JSON.stringify(result.structuredContent)}`);
  return result.structuredContent as { code: string; message: string; field?: string };
}
