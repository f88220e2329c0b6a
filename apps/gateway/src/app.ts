// createGateway(deps): the HTTP server, the Socket.IO server with auth, and the per-connection wiring. It owns
// no dependencies: the caller builds them (deps.ts) and closes them. No globals, so tests run several at once.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { nodeInfo } from './admin/info.js';
import { createAdminHandler } from './admin/routes.js';
import { createConnectLimit } from './auth/connect-limit.js';
import { connectError, createAuthMiddleware, createPollingOriginGuard } from './auth/middleware.js';
import { createOriginPolicy } from './auth/origins.js';
import { MemoryRevocationStore, withRevocations, type RevocationStore } from './auth/revocations.js';
import type { TokenVerifier } from './auth/verifier.js';
import { createAdmission } from './lifecycle/admission.js';
import type { ClusterWiring } from './cluster/wiring.js';
import type { Config } from './config/config.js';
import { createInFlightTracker, drainNode, type DrainReport } from './lifecycle/drain.js';
import { GatewayError } from './shared/errors.js';
import { createMetricsHandler, createMetricsServer } from './metrics/endpoint.js';
import { createRequestHandler } from './http/routes.js';
import { meterToolCalls } from './metrics/metered-runner.js';
import type { ToolRunner } from './mcp/types.js';
import { createMetrics, type GatewayMetrics } from './metrics/metrics.js';
import type { Planner } from './planner/planner.js';
import { createCancellations } from './core/cancellations.js';
import { createRequestCore } from './core/request-core.js';
import type { SessionRegistry } from './session/registry.js';
import { createServerKicker } from './session/kicker.js';
import { createDelivery } from './socket/delivery.js';
import { createConfirmationTracker } from './socket/confirmations.js';
import { MemoryConfirmingUsers, type ConfirmingUsers } from './store/confirming-users.js';
import { createEventLimit } from './socket/event-limit.js';
import { createEventHandlers, type EventDeps } from './socket/events.js';
import { listPresence } from './socket/presence.js';
import { createLifecycle } from './socket/session-lifecycle.js';
import { createTransportGuard, refusedByGuard, type EngineConnection } from './socket/transport-guard.js';
import { gatewayParser } from './socket/wire.js';
import { createLogThrottle } from './shared/log-throttle.js';
import { userRoom, type GatewayServer } from './shared/socket.js';
import type { HistoryStore } from './store/history.js';
import type { RequestState } from './store/request-state.js';
import type { Mailbox } from './store/mailbox.js';
import { createSuggestionService } from './suggest/service.js';
import { createServerNotifier, type Notifier } from './notify/notifier.js';
import type { Tracing } from './tracing/tracing.js';
import { createLeadLoversWebhook } from './webhooks/leadlovers.js';
import { MemoryReplayGuard, type ReplayGuard } from './webhooks/replay-guard.js';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  verifier: TokenVerifier;
  runner: ToolRunner;
  planner: Planner;
  sessions: SessionRegistry;
  mailbox: Mailbox;
  history: HistoryStore;
  /** Admission and completion of every request (idempotency, limits, mailbox and history writes). */
  state: RequestState;
  /** Users who confirmed a response before (default: in memory, this node only); Redis in cluster mode. */
  confirmingUsers?: ConfirmingUsers | undefined;
  /** Token revocation marks (default: in memory, this node only; deps.ts gives the Redis one in a cluster). */
  revocations?: RevocationStore | undefined;
  /** Webhook deliveries already published (default: in memory, for the replay window). */
  replays?: ReplayGuard | undefined;
  /** Redis adapter, cross-node kicks and readiness; absent on a single in-memory node. */
  cluster?: ClusterWiring | undefined;
  /** OpenTelemetry (tracing/tracing.ts); absent: off, nothing wrapped. */
  tracing?: Tracing | undefined;
  /** This instance's Prometheus metrics; default: a fresh registry reading this runner and cluster. */
  metrics?: GatewayMetrics | undefined;
}

export interface Gateway {
  readonly io: GatewayServer;
  readonly httpServer: HttpServer;
  readonly metrics: GatewayMetrics;
  /** The server answering /metrics when METRICS_PORT is set; otherwise /metrics is on httpServer. */
  readonly metricsServer: HttpServer | undefined;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful drain (config.drain): not-ready, server-draining, in-flight requests finish, batched disconnects.
   * Once per node: a second call (SIGTERM after POST /admin/drain) answers with the first drain's report.
   */
  drain(): Promise<DrainReport>;
  /** Disconnects every client and closes the HTTP server. Dependencies stay open: their owner closes them. */
  close(): Promise<void>;
}

export function createGateway(deps: GatewayDeps): Gateway {
  const { config, logger } = deps;
  const revocations = deps.revocations ?? new MemoryRevocationStore(config.auth.revocationTtlS);
  // Handshakes and auth-refresh both refuse revoked tokens.
  const verifier = withRevocations(deps.verifier, revocations);
  const origins = createOriginPolicy(config.corsOrigins, config.env === 'production');
  if (origins.acceptsNullOrigin) {
    logger.warn({ env: config.env }, 'dev mode: the null Origin (pages opened from file://, sandboxed iframes) is accepted; production refuses it');
  }
  const admission = createAdmission({
    maxConnections: config.shedding.maxConnections,
    maxRssBytes: config.shedding.maxRssBytes,
    // Read only on handshakes and readiness probes, after `io` below exists. Every Engine.IO session counts,
    // logged in or not: one that never logs in holds memory too.
    connections: () => io.engine.clientsCount,
  });
  const inFlight = createInFlightTracker();
  const cancellations = createCancellations();
  const readiness = [
    { name: 'mcpPool', check: () => deps.runner.stats().readyWorkers > 0 },
    { name: 'notDraining', check: () => !admission.draining },
    { name: 'capacity', check: admission.hasCapacity },
  ];
  // Redis is reported in /readyz's body and as gateway_redis_up, never in its status: every node loses Redis at
  // once, and a not-ready node is dropped by its Service although it still serves its own clients without Redis.
  const reported = deps.cluster ? [{ name: 'redis', check: deps.cluster.isReady }] : [];
  const history = deps.history;
  const metrics =
    deps.metrics ??
    createMetrics({
      runner: deps.runner,
      isRedisReady: deps.cluster?.isReady,
      historyBytes: history.bytes === undefined ? undefined : () => history.bytes ?? 0,
    });
  const ownsMetrics = !deps.metrics;
  const metricsHandler = createMetricsHandler(metrics.registry, config.metrics.token);
  const startedAt = Date.now();
  // The admin API lives on the metrics listener only (config refuses ADMIN_TOKEN without METRICS_PORT). Its
  // closures read `io`, the kicker and the notifier, which exist by the time a request arrives.
  const admin = createAdminHandler({
    token: config.admin.token,
    maxBodyBytes: config.admin.maxBodyBytes,
    logger,
    metrics,
    disconnectUser: (userId) => kicker.kick(userRoom(userId), 'admin'),
    revokeUser: async (userId) => {
      const revokedBefore = new Date();
      // Recorded before the kick, so a reconnect racing the disconnect already meets the mark.
      await revocations.revoke(userId, revokedBefore);
      kicker.kick(userRoom(userId), 'admin');
      return { revokedBefore, ttlSeconds: revocations.ttlSeconds };
    },
    presence: (account) => listPresenceBounded(account),
    notifier: () => notifier,
    drain: () => {
      const alreadyDraining = draining !== undefined;
      const sockets = io.of('/').sockets.size;
      drain().catch((err: unknown) => logger.error({ err }, 'admin drain failed'));
      return { alreadyDraining, sockets };
    },
    info: () =>
      nodeInfo({
        nodeId: config.nodeId,
        startedAt,
        sockets: () => io.of('/').sockets.size,
        draining: () => admission.draining,
        requestsInFlight: () => inFlight.count,
        pool: () => deps.runner.stats(),
        redis: deps.cluster,
      }),
  });
  const metricsServer = config.metrics.port === undefined ? undefined : createMetricsServer(metricsHandler, admin);
  // connectionsCheckingInterval (default 30 s) is how often Node enforces the two timeouts set below.
  const checkEveryMs = Math.max(50, Math.min(5_000, Math.floor(config.abuse.headersTimeoutMs / 2)));
  const httpServer = createServer(
    { connectionsCheckingInterval: checkEveryMs },
    createRequestHandler({
      nodeId: config.nodeId,
      readiness,
      reported,
      metrics: metricsServer ? undefined : metricsHandler,
      webhook: createLeadLoversWebhook({
        masterSecret: config.webhooks.secret,
        maxBodyBytes: config.webhooks.maxBodyBytes,
        // `io` exists by the time a request arrives.
        notifier: () => notifier,
        replays: deps.replays ?? new MemoryReplayGuard(config.webhooks.replayWindowS * 1000),
        trustProxyHops: config.abuse.trustProxyHops,
        logger,
        metrics,
      }),
    }),
  );
  // Slow-loris: a client that never finishes its request headers (or body) is cut off by Node's HTTP server.
  httpServer.headersTimeout = config.abuse.headersTimeoutMs;
  httpServer.requestTimeout = config.abuse.requestTimeoutMs;

  const transportGuard = createTransportGuard({
    // Read only on handshakes, after `admission` exists.
    admission: { refusal: (own) => admission.refusal(own) },
    maxConnections: config.shedding.maxConnections,
    sessions: () => io.engine.clientsCount,
    // Twice the CONNECT budget: a client over the CONNECT budget still gets its coded RATE_LIMITED (a CONNECT
    // needs a session), a flood of bare handshakes stops at the HTTP level.
    handshakesPerMinute: 2 * config.abuse.connectAttemptsPerMinute,
    trustProxyHops: config.abuse.trustProxyHops,
    packetsPerWindow: config.abuse.packetsPerWindow,
    packetBytesPerWindow: config.abuse.packetBytesPerWindow,
    windowMs: config.abuse.eventWindowMs,
    authTimeoutMs: config.abuse.authTimeoutMs,
    logger,
    metrics,
  });
  const io: GatewayServer = new Server(httpServer, {
    // Handshakes meet the node's capacity and the per-address budget before Engine.IO opens a session.
    allowRequest: transportGuard.allowRequest,
    // The stock socket.io-parser, but an ack of an already serialized response is written as is (socket/wire.ts).
    parser: gatewayParser,
    maxHttpBufferSize: config.limits.maxMessageBytes,
    pingInterval: config.limits.pingIntervalMs,
    pingTimeout: config.limits.pingTimeoutMs,
    // Socket.IO's own close of a session that joined no namespace: a backstop behind the guard's AUTH_TIMEOUT_MS.
    connectTimeout: config.abuse.authTimeoutMs + 1_000,
    ...(deps.cluster ? { adapter: deps.cluster.adapter } : {}),
    cors: {
      origin: (origin, callback) => callback(null, origins.allows(origin, undefined) || !origin),
      credentials: true,
      allowedHeaders: ['authorization', 'content-type'],
    },
  });

  // Foreign-origin long-polling is refused before Engine.IO opens a session for it (after the CORS headers step).
  io.engine.use(createPollingOriginGuard({ origins, logger, metrics }));
  // Cheap refusals first: a draining or overloaded node says so before it spends a JWT verification.
  // Every refusal counts towards closing the connection (transport-guard.ts): a client cannot retry CONNECT forever.
  io.use(
    transportGuard.counted((_socket, next) => {
      const refusal = admission.refusal(1);
      next(refusal ? connectError(refusal.code, refusal.message) : undefined);
    }),
  );
  io.use(transportGuard.counted(createConnectLimit({ attemptsPerMinute: config.abuse.connectAttemptsPerMinute, trustProxyHops: config.abuse.trustProxyHops, logger, metrics })));
  io.use(transportGuard.counted(createAuthMiddleware({ verifier, origins, logger, metrics })));
  io.engine.on('connection', (conn: EngineConnection) => transportGuard.attach(conn));
  const warnTransportError = createLogThrottle(logger, 'transport connection error');
  io.engine.on('connection_error', (err: { code: number; message: string; context?: { message?: unknown }; req?: { socket?: { remoteAddress?: string } } }) => {
    // Handshakes the guard refused are logged (throttled) and counted there.
    if (refusedByGuard(err.context?.message)) return;
    warnTransportError({ code: String(err.code), reason: err.message, ip: err.req?.socket?.remoteAddress });
  });

  const kicker = deps.cluster ? deps.cluster.createKicker(io) : createServerKicker(io);
  const notifier: Notifier = deps.cluster ? deps.cluster.createNotifier(io) : createServerNotifier(io);
  const confirmations = createConfirmationTracker(deps.confirmingUsers ?? new MemoryConfirmingUsers(), logger);
  const delivery = createDelivery(io, deps.mailbox, logger, confirmations);
  // Unmetered runner: the suggestions' background reads are not user requests and stay out of the tool metrics.
  const suggestions = createSuggestionService({ runner: deps.runner, history: deps.history, logger: logger.child({ component: 'suggest' }) });
  // With tracing on, each layer a request crosses is wrapped once here (nothing in the request path changes).
  const tracing = deps.tracing;
  const meteredRunner = meterToolCalls(deps.runner, metrics);
  const untracedCore = createRequestCore({
    runner: tracing ? tracing.traceRunner(meteredRunner) : meteredRunner,
    planner: tracing ? tracing.tracePlanner(deps.planner) : deps.planner,
    state: tracing ? tracing.traceState(deps.state, deps.cluster !== undefined) : deps.state,
    mailbox: deps.mailbox,
    logger,
    metrics,
    isDraining: () => admission.draining,
    cancellations,
  });
  const core = tracing ? tracing.traceCore(untracedCore) : untracedCore;

  // Everything a connection needs is built once here; per socket only its own state is allocated (a connection
  // idles for hours: what it holds is its cost, see README "Memory per connection").
  const lifecycle = createLifecycle({
    io,
    sessions: deps.sessions,
    kicker,
    mailbox: deps.mailbox,
    delivery,
    confirmations,
    logger,
    metrics,
    sessionRefreshMs: Math.floor((config.sessionTtlS * 1000) / 3),
  });
  const attachEventLimit = createEventLimit({ limit: config.abuse.eventsPerWindow, windowMs: config.abuse.eventWindowMs, abuseWindows: config.abuse.eventAbuseWindows, logger, metrics });
  const eventDeps: EventDeps = {
    core,
    delivery,
    runner: deps.runner,
    history: deps.history,
    mailbox: deps.mailbox,
    verifier,
    historyLimit: config.limits.historyLimit,
    listPresence: (account) => listPresenceBounded(account),
    logger,
    inFlight,
    cancellations,
    rescheduleExpiry: lifecycle.rescheduleExpiry,
    suggestions,
    refusedEvents: metrics.refusedEvents,
    confirmations,
  };
  const registerEvents = createEventHandlers(eventDeps);

  function listPresenceBounded(account: string) {
    return listPresence(io, account, config.clusterRequestTimeoutMs).catch((err: unknown) => {
      if (err instanceof GatewayError && err.code === 'TIMEOUT') metrics.clusterRequestTimeouts.inc({ request: 'presence' });
      throw err;
    });
  }
  // One drain per node: SIGTERM after an admin drain waits for the same one.
  let draining: Promise<DrainReport> | undefined;
  const drain = (): Promise<DrainReport> => (draining ??= drainNode({ io, admission, inFlight, logger }, config.drain));

  io.on('connection', (socket) => {
    transportGuard.authenticated(socket.conn as unknown as EngineConnection);
    lifecycle.attach(socket);
    attachEventLimit(socket);
    registerEvents(socket);
  });

  return {
    io,
    httpServer,
    metrics,
    metricsServer,
    async listen(port = config.port, host = config.host) {
      if (metricsServer) await listenOn(metricsServer, config.metrics.port, host);
      return listenOn(httpServer, port, host);
    },
    drain,
    async close() {
      admission.close();
      transportGuard.close();
      warnTransportError.close();
      lifecycle.close();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      if (ownsMetrics) metrics.close();
    },
  };
}

function listenOn(server: HttpServer, port: number | undefined, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
