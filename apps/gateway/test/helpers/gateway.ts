// Test fixture: a real gateway on port 0 with real MCP children over a fresh embedded database, a log sink,
// and socket.io-client helpers. close() disconnects every client it made and shuts everything down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, PromptResponse, ServerToClientEvents } from '@leadlovers/protocol';
import { createGateway, type Gateway } from '../../src/app.js';
import { connectRedis, type RedisConnections } from '../../src/cluster/redis.js';
import { mintToken, type MintOptions } from '../../src/auth/mint.js';
import { loadConfig } from '../../src/config/config.js';
import { buildDependencies, type BuildOverrides, type BuiltDependencies } from '../../src/deps.js';
import { createLogger } from '../../src/shared/logger.js';

export const TEST_SECRET = 'gateway-test-secret-0123456789-abcdefghij';
export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export interface TestGateway {
  url: string;
  gateway: Gateway;
  deps: BuiltDependencies;
  /** Set when the gateway runs in cluster mode (env REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS). */
  redis: RedisConnections | undefined;
  logs: LogLine[];
  rawLogs: string[];
  token(userId: string, options?: Partial<MintOptions>): Promise<string>;
  /** A client that has not connected yet (autoConnect off); closed by close(). */
  client(options?: Partial<ManagerOptions & SocketOptions>): Client;
  /**
   * Connects with auth.token and resolves once connected. With `auth.resume: true` (the SDK's capability: this
   * client confirms what it receives, so it gets mailbox replays) unless `resume: false`.
   */
  connect(userId: string, options?: Partial<MintOptions> & { resume?: boolean }): Promise<Client>;
  close(): Promise<void>;
}

export async function startGateway(env: Record<string, string> = {}, overrides: BuildOverrides = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    API_SECRET: TEST_SECRET,
    MCP_POOL_SIZE: '1',
    LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite'),
    LOG_LEVEL: 'debug',
    // Every test client connects from 127.0.0.1: the per-IP handshake limit is tested on its own (security/abuse).
    CONNECT_ATTEMPTS_PER_MINUTE: '1000000',
    ...env,
  });
  const rawLogs: string[] = [];
  const logs: LogLine[] = [];
  const logger = createLogger(config.logLevel, {
    write(line: string) {
      rawLogs.push(line);
      logs.push(JSON.parse(line) as LogLine);
    },
  });
  let redis: RedisConnections | undefined;
  if (config.redis) {
    // A seed list (Cluster, Sentinel) that leads nowhere throws here; one REDIS_URL would start not-ready.
    redis = await connectRedis({ target: config.redis, logger, connectTimeoutMs: 5_000 });
    if (!redis.isReady()) {
      await redis.close();
      throw new Error(`these tests need Redis at ${env.REDIS_URL} (set REDIS_URL); it is not reachable`);
    }
  }
  const deps = await buildDependencies(config, logger, { ...(redis ? { redis } : {}), ...overrides });
  const gateway = createGateway(deps);
  const { port } = await gateway.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const clients = new Set<Client>();

  const token = (userId: string, options: Partial<MintOptions> = {}) => mintToken(TEST_SECRET, { userId, ...options });

  const client = (options: Partial<ManagerOptions & SocketOptions> = {}): Client => {
    const socket: Client = io(url, { autoConnect: false, reconnection: false, transports: ['websocket'], forceNew: true, ...options });
    clients.add(socket);
    return socket;
  };

  const connect = async (userId: string, { resume = true, ...options }: Partial<MintOptions> & { resume?: boolean } = {}): Promise<Client> => {
    const socket = client({ auth: { token: await token(userId, options), ...(resume ? { resume: true } : {}) } });
    await connected(socket);
    return socket;
  };

  return {
    url,
    gateway,
    deps,
    redis,
    logs,
    rawLogs,
    token,
    client,
    connect,
    async close() {
      for (const socket of clients) socket.disconnect();
      await gateway.close();
      await deps.close();
      await redis?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function connected(socket: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
    socket.connect();
  });
}

/** Connects and resolves with the connect_error (rejects if the connection is accepted). */
export function connectError(socket: Client): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connection was accepted')));
    socket.once('connect_error', (err) => resolve(err as Error & { data?: { code?: string } }));
    socket.connect();
  });
}

/** Waits for one event, bounded by a timeout so a missing event fails the test instead of hanging it. */
export function nextEvent<T>(socket: Client, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { once(event: string, fn: (value: T) => void): void }).once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Records every payload of an event from now on (for events that may also carry unrelated payloads). */
export function collect<T>(socket: Client, event: string): T[] {
  const seen: T[] = [];
  (socket as unknown as { on(event: string, fn: (value: T) => void): void }).on(event, (value: T) => seen.push(value));
  return seen;
}

export function sendPrompt(socket: Client, prompt: string, requestId?: string, timeoutMs = 20_000): Promise<PromptResponse> {
  return socket.timeout(timeoutMs).emitWithAck('send-prompt', requestId ? { prompt, requestId } : { prompt });
}

export function callTool(socket: Client, tool: string, args: Record<string, unknown>, requestId?: string, timeoutMs = 20_000): Promise<PromptResponse> {
  return socket.timeout(timeoutMs).emitWithAck('call-tool', { tool, arguments: args, ...(requestId ? { requestId } : {}) });
}

/**
 * The client without its event types, for what the typed events forbid: malformed payloads, unknown events, ack-only
 * events emitted without an ack. emitWithAck's T is what the caller expects back; nothing checks it.
 */
export interface UntypedClient {
  emit(event: string, ...args: unknown[]): void;
  timeout(ms: number): { emitWithAck<T = unknown>(event: string, ...args: unknown[]): Promise<T> };
}

export const untyped = (socket: Client): UntypedClient => socket as unknown as UntypedClient;
