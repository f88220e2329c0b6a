// Fault-suite helpers for tests that kill or drain real gateway processes: a local cluster (nginx with TLS and
// `hash $remote_addr consistent` in front of N `main.ts` processes sharing Redis under a unique prefix) whose
// node processes stay reachable as ManagedProcess handles (signal one, read its exit status), and closed-loop
// load clients that follow the gateway's delivery protocol: responses through the send's ack confirmed with
// `received` on the next send (or a batched ack-response when idle), event receipts and ack-response, reconnect,
// and re-send of unanswered requestIds (safe: the gateway is idempotent by requestId). Built from deploy/local-cluster's
// pieces; startLocalCluster() itself hides the processes, which these tests need.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { PromptResponseSchema, type HistoryEntry, type AckResult, type PromptResponse } from '@leadlovers/protocol';
import { generateSelfSignedCert, REPO_ROOT, requireTool, type LocalCluster } from '../../../../deploy/local-cluster/cluster.js';
import { renderNginxConfFile } from '../../../../deploy/local-cluster/nginx-config.js';
import { pingRedis, probe } from '../../../../deploy/local-cluster/probes.js';
import { freePorts, registerTempDir, startProcess, waitFor, type ManagedProcess } from '../../../../deploy/local-cluster/processes.js';
import { Redis } from 'ioredis';
import { mintToken } from '../../src/auth/mint.js';
import { nodeForAddress, readAccessLog, SOURCE_ADDRESSES } from '../helpers/topology.js';
import type { Client } from '../helpers/gateway.js';
import { sleep } from '@leadlovers/testing';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface FaultCluster extends LocalCluster {
  /** The node processes by node id: signal them, await `exited`. */
  processes: Map<string, ManagedProcess>;
  /** Node ids whose process exited although the test never signalled it. */
  crashed(): string[];
  /** Tell the cluster a node's exit is the test's doing (so crashed() does not count it). */
  expectExit(nodeId: string): void;
}

export interface FaultClusterOptions {
  nodes: number;
  redisKeyPrefix: string;
  env?: Record<string, string>;
  /** Without nginx (the fuzz test talks to one node directly). Default true. */
  nginx?: boolean;
}

/** Every node with the same environment (plus PORT/NODE_ID), nginx in front; fails (never skips) without Redis or nginx. */
export async function startFaultCluster(options: FaultClusterOptions): Promise<FaultCluster> {
  const withNginx = options.nginx ?? true;
  const nginxBin = withNginx ? requireTool('nginx', 'install it (Debian: apt-get install -y nginx)') : '';
  const opensslBin = withNginx ? requireTool('openssl', 'install it (Debian: apt-get install -y openssl)') : '';
  await pingRedis(REDIS_URL, 3_000).catch((err: Error) => {
    throw new Error(`${err.message}: these tests need Redis (set REDIS_URL)`);
  });

  const dir = mkdtempSync(join(tmpdir(), 'fault-cluster-'));
  const removeDir = registerTempDir(dir);
  chmodSync(dir, 0o755); // nginx workers (nobody) must reach their temp directories
  const processes = new Map<string, ManagedProcess>();
  const expected = new Set<string>();
  let nginx: ManagedProcess | undefined;
  let stopped = false;
  const apiSecret = randomBytes(48).toString('base64url');

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const id of processes.keys()) expected.add(id);
    await nginx?.stop(5_000);
    await Promise.all([...processes.values()].map((p) => p.stop(10_000)));
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      // The shared Redis keeps nothing of this run (mailbox entries would otherwise live for 24 h).
      for await (const batch of redis.scanStream({ match: `${options.redisKeyPrefix}*`, count: 500 })) {
        if ((batch as string[]).length > 0) await redis.del(...(batch as string[]));
      }
    } finally {
      redis.disconnect();
    }
    removeDir();
  };

  try {
    const [httpPort, httpsPort, ...nodePorts] = await freePorts(2 + options.nodes);
    const nodes = await Promise.all(
      Array.from({ length: options.nodes }, async (_, index) => {
        const id = `node-${index + 1}`;
        const port = nodePorts[index] as number;
        const node = startProcess(id, process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts'], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            PORT: String(port),
            HOST: '127.0.0.1',
            REDIS_URL,
            REDIS_KEY_PREFIX: options.redisKeyPrefix,
            API_SECRET: apiSecret,
            NODE_ID: id,
            NODE_ENV: 'production',
            TRUST_PROXY: withNginx ? '1' : '0',
            DOMAIN_URL: 'https://localhost',
            LOG_LEVEL: 'warn',
            MCP_POOL_SIZE: '1',
            LEADLOVERS_DB_PATH: join(dir, 'embedded.sqlite'),
            ENV_FILE: join(dir, 'no.env'),
            // Load clients reconnect from a dozen addresses many times; the handshake limit is tested elsewhere.
            CONNECT_ATTEMPTS_PER_MINUTE: '1000000',
            ...options.env,
          },
        });
        processes.set(id, node);
        await waitFor(
          `${id} /readyz`,
          async () => ((await probe(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 2_000 })).status === 200 ? true : undefined),
          { timeoutMs: 120_000, intervalMs: 250, abort: () => (node.exitStatus() === undefined ? undefined : `${id} exited:\n${node.tail(30)}`) },
        );
        return { id, port, pid: node.pid };
      }),
    );

    let httpsUrl = '';
    let caCert = '';
    let certPath = '';
    const nginxDir = join(dir, 'nginx');
    if (withNginx) {
      const tlsDir = join(dir, 'tls');
      mkdirSync(tlsDir);
      certPath = join(tlsDir, 'cert.pem');
      const keyPath = join(tlsDir, 'key.pem');
      generateSelfSignedCert(opensslBin, certPath, keyPath);
      caCert = readFileSync(certPath, 'utf8');
      for (const sub of ['logs', 'cache']) mkdirSync(join(nginxDir, sub), { recursive: true });
      const confPath = join(nginxDir, 'nginx.conf');
      writeFileSync(
        confPath,
        renderNginxConfFile(join(REPO_ROOT, 'nginx.conf'), {
          upstreams: nodes.map((node) => `127.0.0.1:${node.port}`),
          httpPort: httpPort as number,
          httpsPort: httpsPort as number,
          certPath,
          keyPath,
          prefixDir: nginxDir,
        }),
      );
      const proxy = startProcess('nginx', nginxBin, ['-p', nginxDir, '-c', confPath, '-e', 'stderr', '-g', 'daemon off;']);
      nginx = proxy;
      httpsUrl = `https://127.0.0.1:${httpsPort}`;
      await waitFor(
        'nginx https /healthz',
        async () => ((await probe(`${httpsUrl}/healthz`, { ca: caCert, timeoutMs: 2_000 })).status === 200 ? true : undefined),
        { timeoutMs: 20_000, abort: () => (proxy.exitStatus() === undefined ? undefined : `nginx exited:\n${proxy.tail(30)}`) },
      );
    }

    return {
      httpsUrl,
      httpUrl: `http://127.0.0.1:${httpPort}`,
      nodes,
      redisUrl: REDIS_URL,
      redisKeyPrefix: options.redisKeyPrefix,
      apiSecret,
      caCert,
      certPath,
      accessLogPath: join(nginxDir, 'logs', 'access.log'),
      logTail: (source, lines) => (source === 'nginx' ? nginx?.tail(lines) : processes.get(source)?.tail(lines)) ?? '',
      stop,
      processes,
      crashed: () => [...processes.entries()].filter(([id, p]) => p.exitStatus() !== undefined && !expected.has(id)).map(([id]) => id),
      expectExit: (id) => expected.add(id),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Which node served a nginx log line (the last upstream when nginx retried on another node). */
export function nodeOfUpstream(cluster: LocalCluster, upstream: string): string | undefined {
  const port = Number((upstream.split(',').pop() ?? '').trim().split(':').pop());
  return cluster.nodes.find((node) => node.port === port)?.id;
}

/** What one client knows about one of its requestIds. */
export interface RequestState {
  requestId: string;
  sends: number;
  /** Sends whose ack has not come back (reset when the connection carrying them closes). */
  outstanding: number;
  /** The first final response (anything but SERVER_DRAINING, which asks for a re-send after reconnecting). */
  final?: PromptResponse;
  /** Every copy received: the send's ack, a prompt-response event (no live send), mailbox replays. */
  copies: number;
  /** The server confirmed it (ack-response answered, or the send carrying it in `received` answered): the mailbox no longer holds it. */
  confirmed: boolean;
  /** prompt-response events for it after `confirmed` that no send of ours was waiting for. */
  duplicatesAfterAck: number;
  /** Copies that came from a mailbox replay on (re)connect (prompt-response with replayed, no send waiting). */
  mailboxReplays: number;
  /** Received, not acked at all (no receipt, no ack-response sent) when its connection died: must be replayed. */
  unackedAtDisconnect: boolean;
  /** SERVER_DRAINING refusals received for it (each followed by a re-send after reconnecting). */
  drainingRefusals: number;
}

export interface LoadClientOptions {
  url: string;
  ca?: string;
  /** Source address (127.0.0.x) so nginx's consistent hash spreads clients. */
  localAddress?: string;
  token: string;
  userId: string;
  prompt: string;
  /** How long the client waits before acknowledging a response (receipt + ack-response, or `received`): a slow client. */
  ackDelayMs: number;
  /** Pause after a reconnect before re-sending, so the mailbox replay comes first. */
  resendDelayMs?: number;
}

type Receipt = () => void;

/**
 * One user in a closed loop: one prompt at a time, each with its own requestId, the next sent once the previous
 * has a final response. Every response is validated against PromptResponseSchema and acknowledged after
 * `ackDelayMs`, on the connection that received it only (so a response whose connection died unacknowledged must
 * come back from the mailbox): an event with its receipt and ack-response, an ack-delivered one in `received` on
 * the next send, or in a batched ack-response when no send follows soon. After a reconnect the unanswered
 * requestId is sent again.
 */
export class LoadClient {
  readonly socket: Client;
  readonly tag = randomUUID();
  readonly requests = new Map<string, RequestState>();
  readonly invalid: unknown[] = [];
  /** Responses for requestIds this client never sent (another user's response): must stay empty. */
  readonly foreign: string[] = [];
  readonly errors: string[] = [];
  connects = 0;
  drainNotices = 0;
  private readonly agent: Agent | undefined;
  private current: RequestState | undefined;
  private wake: (() => void) | undefined;
  private needsResend = false;
  private closed = false;
  private connectionSeq = 0;
  private readonly pendingAcks = new Set<NodeJS.Timeout>();
  /** requestIds for which a receipt / ack-response / `received` has been sent at least once. */
  private readonly ackSent = new Set<string>();
  /** Ack-delivered responses due for confirmation on this connection: the next send's `received`. */
  private unconfirmed: RequestState[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LoadClientOptions) {
    this.agent = options.ca ? new Agent({ localAddress: options.localAddress, ca: options.ca, keepAlive: true }) : undefined;
    const socketOptions = {
      autoConnect: false,
      forceNew: true,
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
      timeout: 10_000,
      // It confirms every response (receipt, ack-response, `received`): the capability that keeps its replays.
      auth: { token: options.token, resume: true },
      query: { client: this.tag },
      ...(options.ca ? { ca: options.ca, agent: this.agent } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    };
    // engine.io-client passes localAddress/agent/ca through to ws; the option types do not declare them.
    this.socket = io(options.url, socketOptions as unknown as Partial<ManagerOptions & SocketOptions>);
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (err) => {
      this.errors.push(`connect_error: ${err.message}`);
      // A refusal by the server's middleware (SERVER_DRAINING) is not retried by socket.io-client itself.
      if (!this.socket.active && !this.closed) setTimeout(() => !this.closed && this.socket.connect(), 300);
    });
    this.socket.on('server-draining', () => {
      this.drainNotices += 1;
    });
    this.socket.on('prompt-response', (response: PromptResponse, receipt?: Receipt) => this.onResponse(response, 'event', receipt));
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.options.userId}: not connected (${this.errors.join('; ')})`)), 20_000);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.connect();
    });
  }

  /** Sends prompts one after the other while `keepGoing()` holds; resolves once the last one has its answer. */
  async run(keepGoing: () => boolean): Promise<void> {
    while (keepGoing() && !this.closed) {
      const state: RequestState = {
        requestId: `${this.options.userId}-${this.requests.size + 1}`,
        sends: 0,
        outstanding: 0,
        copies: 0,
        confirmed: false,
        duplicatesAfterAck: 0,
        mailboxReplays: 0,
        unackedAtDisconnect: false,
        drainingRefusals: 0,
      };
      this.requests.set(state.requestId, state);
      this.current = state;
      const answered = new Promise<void>((resolve) => (this.wake = resolve));
      if (this.socket.connected) this.send(state);
      else this.needsResend = true; // sent on the next connect
      await answered;
    }
  }

  /** Resolves once every final response has been confirmed (ack-response answered) or `timeoutMs` passed. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && [...this.requests.values()].some((r) => r.final && !r.confirmed)) {
      await sleep(100);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const timer of this.pendingAcks) clearTimeout(timer);
    this.wake?.();
    this.socket.disconnect();
    this.agent?.destroy();
  }

  private send(state: RequestState): void {
    state.sends += 1;
    state.outstanding += 1;
    const seq = this.connectionSeq;
    const confirming = this.takeUnconfirmed();
    const received = confirming.map((r) => r.requestId);
    // Rejected on timeout or when the connection closes (socket.io-client drops a closed connection's acks).
    this.socket
      .timeout(120_000)
      .emitWithAck('send-prompt', { prompt: this.options.prompt, requestId: state.requestId, ...(received.length ? { received } : {}) })
      .then(
        (response) => {
          // The gateway applies `received` before it serves the request: answered means confirmed.
          for (const r of confirming) r.confirmed = true;
          // A send on a connection that has since closed was already written off in onDisconnect.
          if (seq !== this.connectionSeq) return;
          state.outstanding -= 1;
          this.onResponse(response, 'ack');
        },
        () => {
          if (seq === this.connectionSeq) state.outstanding -= 1;
        },
      );
  }

  private onConnect(): void {
    this.connects += 1;
    const seq = this.connectionSeq;
    const pending = this.current;
    if (!pending || pending.final) return;
    if (this.connects === 1 && !this.needsResend) return;
    // Let the mailbox replay arrive first: a response produced before the disconnect needs no re-send.
    setTimeout(() => {
      if (this.closed || seq !== this.connectionSeq || !this.socket.connected || pending.final) return;
      this.needsResend = false;
      this.send(pending);
    }, this.options.resendDelayMs ?? 300);
  }

  /** Up to 100 due confirmations, for a send's `received`. */
  private takeUnconfirmed(): RequestState[] {
    const taken = this.unconfirmed.splice(0, 100);
    for (const r of taken) this.ackSent.add(r.requestId);
    return taken;
  }

  private onDisconnect(reason: string): void {
    this.connectionSeq += 1;
    // Due confirmations not sent yet die with the connection: those responses must come back from the mailbox.
    this.unconfirmed = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (reason !== 'io client disconnect') this.errors.push(`disconnect: ${reason}`);
    for (const state of this.requests.values()) {
      state.outstanding = 0;
      if (state.final && !state.confirmed && !this.ackSent.has(state.requestId)) state.unackedAtDisconnect = true;
    }
    if (this.current && !this.current.final) this.needsResend = true;
    // The server ended the connection (a drain): socket.io-client does not reconnect by itself then.
    if (reason === 'io server disconnect' && !this.closed) setTimeout(() => !this.closed && this.socket.connect(), 200);
  }

  private onResponse(raw: unknown, via: 'ack' | 'event', receipt?: Receipt): void {
    const parsed = PromptResponseSchema.safeParse(raw);
    if (!parsed.success) {
      this.invalid.push(raw);
      return;
    }
    const response = parsed.data;
    const state = this.requests.get(response.requestId);
    if (!state) {
      this.foreign.push(response.requestId);
      return;
    }
    state.copies += 1;
    if (via === 'event' && state.outstanding === 0) {
      if (response.metadata.replayed) state.mailboxReplays += 1;
      if (state.confirmed) state.duplicatesAfterAck += 1;
    }
    if (response.code === 'SERVER_DRAINING') {
      // Refused before anything ran: re-send after reconnecting elsewhere (same requestId).
      if (via === 'event') state.drainingRefusals += 1;
      if (!state.final) this.needsResend = true;
      return;
    }
    if (!state.final) {
      state.final = response;
      if (state === this.current) this.wake?.();
    }
    if (via === 'event') this.acknowledge(state, receipt);
    else this.confirmLater(state);
  }

  /** After ackDelayMs, on the same connection only: queued for the next send's `received`, or a batched ack-response. */
  private confirmLater(state: RequestState): void {
    const seq = this.connectionSeq;
    const timer = setTimeout(() => {
      this.pendingAcks.delete(timer);
      if (this.closed || seq !== this.connectionSeq || !this.socket.connected || state.confirmed) return;
      this.unconfirmed.push(state);
      // No send soon (the loop ended, or waits on a reconnect): one ack-response for the batch.
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = undefined;
        if (this.closed || seq !== this.connectionSeq || !this.socket.connected) return;
        const batch = this.takeUnconfirmed();
        if (batch.length === 0) return;
        this.socket
          .timeout(10_000)
          .emitWithAck('ack-response', { requestIds: batch.map((r) => r.requestId) })
          .then(
            (result) => {
              if (result.ok) for (const r of batch) r.confirmed = true;
            },
            () => undefined,
          );
      }, 300);
    }, this.options.ackDelayMs);
    this.pendingAcks.add(timer);
  }

  /** After ackDelayMs, on the same connection only: the receipt and ack-response (whose answer confirms removal). */
  private acknowledge(state: RequestState, receipt: Receipt | undefined): void {
    const seq = this.connectionSeq;
    const timer = setTimeout(() => {
      this.pendingAcks.delete(timer);
      if (this.closed || seq !== this.connectionSeq || !this.socket.connected) return;
      receipt?.();
      this.ackSent.add(state.requestId);
      if (state.confirmed) return;
      // No answer (the connection died): the server may or may not have removed it; a replay is re-acked.
      this.socket
        .timeout(10_000)
        .emitWithAck('ack-response', { requestId: state.requestId })
        .then(
          (result) => {
            if (result.ok) state.confirmed = true;
          },
          () => undefined,
        );
    }, this.options.ackDelayMs);
    this.pendingAcks.add(timer);
  }
}

/** The user's history as the cluster stores it (get-history, up to 100 entries). */
export async function historyOf(client: LoadClient): Promise<HistoryEntry[]> {
  const result: AckResult<HistoryEntry[]> = await client.socket.timeout(10_000).emitWithAck('get-history', { limit: 100 });
  if (!result.ok) throw new Error(`get-history: ${result.code} ${result.message}`);
  return result.data;
}

export interface LoadTotals {
  promptsSent: number;
  delivered: number;
  /** requestIds without a final response. */
  unanswered: string[];
  duplicatesAfterAck: number;
  /** Final responses that were coded errors, by code. */
  errorCodes: Record<string, number>;
  mailboxReplays: number;
  /** Responses unacknowledged when their connection died, and how many of those came back from the mailbox. */
  unackedAtDisconnect: number;
  replayedAfterDisconnect: number;
  invalid: number;
  foreign: number;
  resends: number;
  drainingRefusals: number;
}

export function loadTotals(clients: LoadClient[]): LoadTotals {
  const all = clients.flatMap((client) => [...client.requests.values()]);
  const errorCodes: Record<string, number> = {};
  for (const r of all) if (r.final && !r.final.isSuccess) errorCodes[r.final.code ?? 'none'] = (errorCodes[r.final.code ?? 'none'] ?? 0) + 1;
  const unacked = all.filter((r) => r.unackedAtDisconnect);
  return {
    promptsSent: all.length,
    delivered: all.filter((r) => r.final).length,
    unanswered: all.filter((r) => !r.final).map((r) => r.requestId),
    duplicatesAfterAck: all.reduce((n, r) => n + r.duplicatesAfterAck, 0),
    errorCodes,
    mailboxReplays: all.reduce((n, r) => n + r.mailboxReplays, 0),
    unackedAtDisconnect: unacked.length,
    replayedAfterDisconnect: unacked.filter((r) => r.mailboxReplays > 0).length,
    invalid: clients.reduce((n, c) => n + c.invalid.length, 0),
    foreign: clients.reduce((n, c) => n + c.foreign.length, 0),
    resends: all.reduce((n, r) => n + Math.max(0, r.sends - 1), 0),
    drainingRefusals: all.reduce((n, r) => n + r.drainingRefusals, 0),
  };
}

export interface SpreadClients {
  clients: LoadClient[];
  /** The node nginx sends each client to (by its source address), before any fault. */
  firstNode: string[];
}

/** One connected LoadClient per loopback source address (one user each), and the node nginx maps it to. */
export async function spreadClients(cluster: FaultCluster, options: { userPrefix: string; account: string; prompt: string; ackDelayMs: number }): Promise<SpreadClients> {
  const url = cluster.httpsUrl.replace(/^https:/, 'wss:');
  const clients: LoadClient[] = [];
  const firstNode: string[] = [];
  for (const [i, address] of SOURCE_ADDRESSES.entries()) {
    firstNode.push(await nodeForAddress(cluster, address));
    const userId = `${options.userPrefix}-${i}`;
    const token = await mintToken(cluster.apiSecret, { userId, account: options.account, ttlSeconds: 600 });
    clients.push(new LoadClient({ url, ca: cluster.caCert, localAddress: address, token, userId, prompt: options.prompt, ackDelayMs: options.ackDelayMs }));
  }
  await Promise.all(clients.map((client) => client.connect()));
  return { clients, firstNode };
}

/** The node with the most clients (the one to kill or drain). */
export function busiestNode(firstNode: string[]): string {
  const perNode = new Map<string, number>();
  for (const node of firstNode) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  return [...perNode.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

/**
 * After the clients closed: the node each one's last WebSocket was served by (nginx logs a WebSocket, with its
 * upstream, when it closes).
 */
export async function lastNodes(cluster: FaultCluster, clients: LoadClient[]): Promise<Array<string | undefined>> {
  return waitFor(
    'nginx log lines of every closed client',
    async () => {
      const log = readAccessLog(cluster).filter((entry) => entry.status === 101);
      const found = clients.map((client) => log.filter((entry) => entry.client === client.tag).pop());
      return found.every(Boolean) ? found.map((entry) => nodeOfUpstream(cluster, entry!.upstream_addr)) : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
}

/** requestIds that appear more than once in their user's history, i.e. that were executed twice. */
export async function executedTwice(clients: LoadClient[]): Promise<string[]> {
  const twice: string[] = [];
  for (const client of clients) {
    const counts = new Map<string, number>();
    for (const entry of await historyOf(client)) counts.set(entry.requestId, (counts.get(entry.requestId) ?? 0) + 1);
    for (const [requestId, count] of counts) if (count > 1) twice.push(requestId);
  }
  return twice;
}
