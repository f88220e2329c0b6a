// The floor: a minimal Socket.IO server (websocket transport) with nothing of the gateway — no auth, validation,
// limits, mailbox, metrics or logs. Events, each answered through its ack:
//   echo          the payload back (bare Socket.IO)
//   prompt        one tools/call of the bench tool on ONE warm MCP stdio client, the result back
//   spawn-prompt  the seed's design: a fresh MCP server process per prompt (spawn, initialize, call, close)
// FLOOR_MODE=bare starts no MCP child at all (the connection-memory floor). Driven over IPC by bench/run.ts, which
// can also profile its main thread.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { fullGc } from '../lib/gc.js';
import { serveIpc } from '../lib/ipc.js';
import { profilerHandlers } from '../lib/profiler.js';
import { runClosedLoop, type LoopOptions } from '../lib/closed-loop.js';
import { callBenchTool, openMcpClient, type Caller } from '../lib/mcp-client.js';

const port = Number(process.env.PORT);
const dbPath = process.env.BENCH_DB_PATH ?? '';
const bare = process.env.FLOOR_MODE === 'bare';

const mcp = bare ? undefined : await openMcpClient(dbPath);
const http = createServer();
const io = new Server(http, { transports: ['websocket'] });

type Ack = (response: unknown) => void;

function callerOf(handshakeAuth: Record<string, unknown>): Caller {
  const account = typeof handshakeAuth.account === 'string' ? handshakeAuth.account : 'bench';
  const userId = typeof handshakeAuth.userId === 'string' ? handshakeAuth.userId : 'bench';
  return { account, userId };
}

const failure = (err: unknown) => ({ isSuccess: false, error: err instanceof Error ? err.message : String(err) });

io.on('connection', (socket) => {
  const caller = callerOf(socket.handshake.auth);
  socket.on('echo', (payload: unknown, ack?: Ack) => ack?.(payload));
  socket.on('prompt', (_payload: unknown, ack?: Ack) => {
    if (!mcp) return ack?.(failure('bare floor: no MCP client'));
    callBenchTool(mcp, caller).then(
      (result) => ack?.({ isSuccess: !result.isError, data: result.structuredContent }),
      (err: unknown) => ack?.(failure(err)),
    );
  });
  socket.on('spawn-prompt', (_payload: unknown, ack?: Ack) => {
    const serve = async () => {
      const client = await openMcpClient(dbPath);
      try {
        const result = await callBenchTool(client, caller);
        return { isSuccess: !result.isError, data: result.structuredContent };
      } finally {
        await client.close();
      }
    };
    serve().then((response) => ack?.(response), (err: unknown) => ack?.(failure(err)));
  });
});

await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));

serveIpc({
  ready: () => ({ port, connections: io.engine.clientsCount }),
  gc: () => fullGc(),
  ...profilerHandlers(),
  /** Bare MCP callTool alone: a closed loop of `concurrency` callers on the warm client, in this process. */
  'mcp-direct': async (params: LoopOptions & { concurrency: number; accounts: string[] }) => {
    if (!mcp) throw new Error('bare floor: no MCP client');
    const ops = Array.from({ length: params.concurrency }, (_, i) => {
      const caller = { account: params.accounts[i % params.accounts.length] ?? 'bench', userId: `direct-${i}` };
      return async () => ((await callBenchTool(mcp, caller)).isError ? 'tool error' : undefined);
    });
    return runClosedLoop(ops, params);
  },
  close: async () => {
    io.close();
    await mcp?.close();
    setImmediate(() => process.exit(0));
    return true;
  },
});
process.on('SIGTERM', () => {
  void mcp?.close().finally(() => process.exit(0));
});
