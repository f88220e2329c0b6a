// GET /admin/info: what an operator asks of one node first: who it is, what runs, how many sockets it holds, its
// MCP pool and its Redis link.
import { readFileSync } from 'node:fs';
import type { PoolStats } from '../mcp/types.js';

/** The gateway package's version (apps/gateway/package.json), read once. */
export const GATEWAY_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface NodeInfoSources {
  nodeId: string;
  startedAt: number;
  sockets(): number;
  draining(): boolean;
  requestsInFlight(): number;
  pool(): PoolStats;
  /** Absent on a single in-memory node. */
  redis?: { describe: string; isReady(): boolean } | undefined;
}

export function nodeInfo(sources: NodeInfoSources): Record<string, unknown> {
  return {
    node: sources.nodeId,
    version: GATEWAY_VERSION,
    node_version: process.version,
    pid: process.pid,
    startedAt: new Date(sources.startedAt).toISOString(),
    uptimeS: Math.round((Date.now() - sources.startedAt) / 1000),
    sockets: sources.sockets(),
    draining: sources.draining(),
    requestsInFlight: sources.requestsInFlight(),
    pool: sources.pool(),
    redis: sources.redis ? { mode: 'cluster', ready: sources.redis.isReady(), describe: sources.redis.describe } : { mode: 'memory', ready: null },
    memory: { rssBytes: process.memoryUsage.rss() },
  };
}
