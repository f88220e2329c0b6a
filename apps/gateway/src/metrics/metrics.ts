// Prometheus metrics of one gateway instance: its own prom-client Registry (never the global one, so several
// gateways in one process stay independent), the metric objects the rest of the gateway increments, and gauges
// read from the MCP pool and Redis at scrape time. Label values are bounded: tool names, error codes, reasons.
import { isErrorCode, type ErrorCode } from '@leadlovers/protocol';
import { isToolName } from '@leadlovers/tools';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { McpPool } from '../mcp/pool/api.js';
import type { ToolRunner } from '../mcp/types.js';

/** 1 ms … 30 s, roughly ×2.5 per step: tool calls are milliseconds, LLM-planned prompts can take seconds. */
export const DURATION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MetricSources {
  /** Pool workers and queue depth are read from runner.stats() at scrape time; restarts from its events. */
  runner?: ToolRunner | undefined;
  /** Present when the node is in a Redis cluster: gateway_redis_up is exported only then. */
  isRedisReady?: (() => boolean) | undefined;
  /** Bytes of the in-memory history (a node without Redis): gateway_history_memory_bytes is exported only then. */
  historyBytes?: (() => number) | undefined;
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;

/** A label value from the 8 known tools, or 'none' (no tool chosen, or a name that is not a tool). */
export function toolLabel(tool: string | undefined): string {
  return isToolName(tool) ? tool : 'none';
}

/** 'OK' for success, else a code from the protocol's ERROR_CODES (anything else counts as INTERNAL). */
export function codeLabel(code: string | undefined): 'OK' | ErrorCode {
  if (code === undefined || code === 'OK') return 'OK';
  return isErrorCode(code) ? code : 'INTERNAL';
}

export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const { runner, isRedisReady, historyBytes } = sources;

  const connectedSockets = new Gauge({ name: 'gateway_connected_sockets', help: 'Socket.IO clients connected to this node', registers });
  const connections = new Counter({ name: 'gateway_connections_total', help: 'Authenticated Socket.IO connections accepted', registers });
  const disconnections = new Counter({
    name: 'gateway_disconnections_total',
    help: 'Socket.IO disconnections by Socket.IO reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const authFailures = new Counter({
    name: 'gateway_auth_failures_total',
    help: 'Connections refused by the auth middleware, by connect_error code',
    labelNames: ['code'] as const,
    registers,
  });
  const preAuthSessions = new Gauge({
    name: 'gateway_preauth_sessions',
    help: 'Engine.IO sessions open on this node that have not completed a Socket.IO CONNECT yet',
    registers,
  });
  const transportClosures = new Counter({
    name: 'gateway_transport_closures_total',
    help: 'Connections closed below the event layer, by reason (auth_timeout, connect_refusals, packet_flood)',
    labelNames: ['reason'] as const,
    registers,
  });
  const handshakeRefusals = new Counter({
    name: 'gateway_handshake_refusals_total',
    help: 'Engine.IO handshakes refused before a session was opened, by code (RATE_LIMITED, OVERLOADED, SERVER_DRAINING)',
    labelNames: ['code'] as const,
    registers,
  });
  const sessionKicks = new Counter({
    // Nodes count 'replaced'; 'admin' kicks come from the CLI (pnpm kick), which has no registry of its own.
    name: 'gateway_session_kicks_total',
    help: 'Sessions kicked, by cause (replaced by a newer connection, admin)',
    labelNames: ['cause'] as const,
    registers,
  });
  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'send-prompt and call-tool requests answered, by kind, tool, planner and outcome code (OK on success)',
    labelNames: ['kind', 'tool', 'planner', 'code'] as const,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time from admission to response of send-prompt and call-tool requests',
    labelNames: ['kind', 'tool'] as const,
    buckets: DURATION_BUCKETS_S,
    registers,
  });
  const toolCallDuration = new Histogram({
    name: 'gateway_tool_call_duration_seconds',
    help: 'MCP tool call duration, queueing included, by tool and outcome code',
    labelNames: ['tool', 'code'] as const,
    buckets: DURATION_BUCKETS_S,
    registers,
  });
  const plannerDuration = new Histogram({
    name: 'gateway_planner_duration_seconds',
    help: 'Time a planner spends deciding which tool to call (tool calls excluded), by planner',
    labelNames: ['planner'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
    registers,
  });
  const rateLimited = new Counter({ name: 'gateway_rate_limited_requests_total', help: 'Requests refused with RATE_LIMITED, and events dropped by the per-socket event limit', registers });
  const refusedEvents = new Counter({
    name: 'gateway_refused_events_total',
    help: 'Client events refused before their handler, by code (UNKNOWN_EVENT; INVALID_PAYLOAD: a hostile payload or a missing ack)',
    labelNames: ['code'] as const,
    registers,
  });
  const mailboxRedeliveries = new Counter({
    name: 'gateway_mailbox_redeliveries_total',
    help: 'Undelivered responses re-sent from the mailbox on (re)connect',
    registers,
  });
  const webhookRequests = new Counter({
    name: 'gateway_webhook_requests_total',
    help: 'LeadLovers webhook requests, by outcome (published, duplicate, unauthorized, rate_limited, invalid, too_large, disabled, failed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const adminRequests = new Counter({
    name: 'gateway_admin_requests_total',
    help: 'Admin API requests (METRICS_PORT), by route (unknown for any other path) and HTTP status',
    labelNames: ['route', 'status'] as const,
    registers,
  });
  const adminAuthFailures = new Counter({
    name: 'gateway_admin_auth_failures_total',
    help: 'Admin API requests refused with 401, by reason (missing or wrong bearer token)',
    labelNames: ['reason'] as const,
    registers,
  });
  const clusterRequestTimeouts = new Counter({
    name: 'gateway_cluster_request_timeouts_total',
    help: 'Cluster-wide requests that did not answer in time, by request',
    labelNames: ['request'] as const,
    registers,
  });

  new Gauge({
    name: 'gateway_mcp_workers',
    help: 'MCP pool workers by state (ready: its child answers calls; starting: its child is (re)starting)',
    labelNames: ['state'] as const,
    registers: runner ? registers : [],
    collect() {
      const stats = runner?.stats();
      if (!stats) return;
      this.set({ state: 'ready' }, stats.readyWorkers);
      this.set({ state: 'starting' }, Math.max(stats.workers - stats.readyWorkers, 0));
    },
  });
  new Gauge({
    name: 'gateway_mcp_queue_depth',
    help: 'Tool calls waiting for a free MCP worker slot',
    registers: runner ? registers : [],
    collect() {
      if (runner) this.set(runner.stats().queued);
    },
  });
  new Gauge({
    name: 'gateway_mcp_calls_in_flight',
    help: 'Tool calls running on MCP workers',
    registers: runner ? registers : [],
    collect() {
      if (runner) this.set(runner.stats().inFlight);
    },
  });
  new Gauge({
    name: 'gateway_history_memory_bytes',
    help: 'Bytes of the in-memory get-history store of this node (bounded by HISTORY_MEMORY_MB)',
    registers: historyBytes ? registers : [],
    collect() {
      if (historyBytes) this.set(historyBytes());
    },
  });
  new Gauge({
    name: 'gateway_redis_up',
    help: '1 when the Redis connections are ready, else 0',
    registers: isRedisReady ? registers : [],
    collect() {
      if (isRedisReady) this.set(isRedisReady() ? 1 : 0);
    },
  });

  // A pool publishes each respawn as it happens; any other runner only has a running total, read at scrape time.
  let unsubscribe = (): void => {};
  const pool = runner && isMcpPool(runner) ? runner : undefined;
  const childRestarts = new Counter({
    name: 'gateway_mcp_child_restarts_total',
    help: 'MCP server children respawned after dying',
    registers: runner ? registers : [],
    ...(runner && !pool
      ? {
          collect(this: Counter) {
            this.reset();
            this.inc(runner.stats().childRestarts);
          },
        }
      : {}),
  });
  if (pool) {
    unsubscribe = pool.onEvent((event) => {
      if (event.type === 'child-spawned' && event.restart) childRestarts.inc();
    });
  }

  return {
    registry,
    connectedSockets,
    connections,
    disconnections,
    authFailures,
    preAuthSessions,
    transportClosures,
    handshakeRefusals,
    sessionKicks,
    requests,
    requestDuration,
    toolCallDuration,
    plannerDuration,
    rateLimited,
    refusedEvents,
    mailboxRedeliveries,
    clusterRequestTimeouts,
    webhookRequests,
    adminRequests,
    adminAuthFailures,
    childRestarts,
    /** Stops listening to the pool's events. */
    close(): void {
      unsubscribe();
    },
  };
}

function isMcpPool(runner: ToolRunner): runner is McpPool {
  return typeof (runner as Partial<McpPool>).onEvent === 'function';
}
