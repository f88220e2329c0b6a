// Helpers for the tests behind the nginx topology (cluster/topology.test.ts and the fault suite): Socket.IO
// clients over wss:// through nginx that connect from a chosen loopback source address (so `hash $remote_addr
// consistent` spreads them), and which node serves an address (asked of /healthz through nginx, cross-checked
// against nginx's access log).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { LocalCluster } from '../../../../deploy/local-cluster/cluster.js';
import { probe } from '../../../../deploy/local-cluster/probes.js';
import type { Client } from './gateway.js';
import { eventually } from '@leadlovers/testing';

/** 127.0.0.2 … 127.0.0.13: Linux routes all of 127/8 to lo, so each is a distinct $remote_addr for nginx. */
export const SOURCE_ADDRESSES = Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`);

export interface AccessLogEntry {
  time: string;
  remote_addr: string;
  /** "GET /socket.io/ HTTP/1.1": method, path (webhook secrets masked) and protocol; never the query string. */
  request: string;
  /** The query's transport, sid and client label (the only query arguments nginx logs). */
  transport: string;
  sid: string;
  client: string;
  status: number;
  /** "127.0.0.1:40123", or a list ("a, b") when nginx retried on another node. */
  upstream_addr: string;
  upstream_status: string;
}

export function readAccessLog(cluster: LocalCluster): AccessLogEntry[] {
  let text = '';
  try {
    text = readFileSync(cluster.accessLogPath, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AccessLogEntry);
}

/** The node that finally answered a logged request (the last address when nginx retried). */
export function servedBy(cluster: LocalCluster, entry: AccessLogEntry): string | undefined {
  const last = entry.upstream_addr.split(',').pop()?.trim() ?? '';
  const port = Number(last.split(':').pop());
  return cluster.nodes.find((node) => node.port === port)?.id;
}

/**
 * Which node nginx sends `address` to: a GET /healthz through nginx from that address. The node's own answer
 * (`{"node": NODE_ID}`) must agree with nginx's access log (upstream_addr of that very request, tagged).
 */
export async function nodeForAddress(cluster: LocalCluster, address: string): Promise<string> {
  const tag = randomUUID();
  const response = await probe(`${cluster.httpsUrl}/healthz?client=${tag}`, { ca: cluster.caCert, localAddress: address });
  if (response.status !== 200) throw new Error(`GET /healthz from ${address}: HTTP ${response.status} ${response.body}`);
  // nginx writes the log line when it finalizes the request, which may be just after the client has the answer.
  const entry = (await eventually(() => readAccessLog(cluster).find((line) => line.client === tag), 100, 20)) as AccessLogEntry;
  if (entry.remote_addr !== address) throw new Error(`nginx saw ${entry.remote_addr}, not ${address}: is the source address bound?`);
  const fromLog = servedBy(cluster, entry);
  if (!fromLog) throw new Error(`upstream ${entry.upstream_addr} is none of the nodes`);
  const claimed = (JSON.parse(response.body) as { node?: unknown }).node;
  if (claimed !== fromLog) throw new Error(`/healthz says node ${String(claimed)}, nginx's log says ${fromLog} (upstream ${entry.upstream_addr})`);
  return fromLog;
}

export interface ClusterClient {
  socket: Client;
  address: string;
  /** Sent as the `client` query parameter of every request, so nginx's log lines of this client can be found. */
  tag: string;
  /** connect_error, transport errors, failed upgrades and unexpected disconnects, in order. */
  errors: string[];
  close(): void;
}

export type Transports = Array<'polling' | 'websocket'>;

/**
 * A Socket.IO client (not yet connected) over wss:// through nginx, from a given source address.
 * engine.io-client 6.6 in Node: the WebSocket transport passes `localAddress` (and `agent`, `ca`) through to
 * `ws` (transports/websocket.js picks them); the polling transport (xmlhttprequest-ssl) passes `agent`, `ca`
 * and `rejectUnauthorized` but not `localAddress`, so an https.Agent bound to the address carries it.
 * The option types declare `agent` as string | boolean and omit `localAddress`, hence the cast.
 */
export function clusterClient(cluster: LocalCluster, address: string, token: string, transports?: Transports, tokenIn: 'auth' | 'query' = 'auth'): ClusterClient {
  const agent = new Agent({ localAddress: address, ca: cluster.caCert, keepAlive: true });
  const tag = randomUUID();
  const options = {
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    timeout: 15_000,
    ...(transports ? { transports } : {}),
    ...(tokenIn === 'auth' ? { auth: { token }, query: { client: tag } } : { query: { client: tag, token } }),
    ca: cluster.caCert,
    localAddress: address,
    agent,
  };
  const socket: Client = io(cluster.httpsUrl.replace(/^https:/, 'wss:'), options as unknown as Partial<ManagerOptions & SocketOptions>);
  const errors: string[] = [];
  socket.on('connect_error', (err) => errors.push(`connect_error: ${err.message}`));
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') errors.push(`disconnect: ${reason}`);
  });
  socket.io.on('error', (err) => errors.push(`manager error: ${err.message}`));
  return {
    socket,
    address,
    tag,
    errors,
    close() {
      socket.disconnect();
      agent.destroy();
    },
  };
}

/** Connects and resolves once connected; rejects on connect_error or after `timeoutMs`. */
export function connectClient(client: ClusterClient, timeoutMs = 15_000): Promise<void> {
  const { socket } = client;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client.address}: not connected within ${timeoutMs} ms (${client.errors.join('; ')})`)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${client.address}: connect_error ${err.message}`));
    });
    socket.connect();
    // The engine exists once connect() has been called.
    socket.io.engine.on('upgradeError', (err: Error) => client.errors.push(`upgrade error: ${err.message}`));
  });
}

/** nginx's log lines of one client's requests (a WebSocket is logged when it closes). */
export function requestsOf(cluster: LocalCluster, client: ClusterClient): AccessLogEntry[] {
  return readAccessLog(cluster).filter((entry) => entry.client === client.tag);
}

export function transportName(client: ClusterClient): string | undefined {
  return client.socket.io.engine?.transport?.name;
}
