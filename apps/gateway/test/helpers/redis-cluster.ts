// Test fixture: a real Redis Cluster of our own — 3 masters with one replica each, on free 127.0.0.1 ports, no
// persistence, a fast node timeout so a killed master's replica takes over in a few seconds — built with
// `redis-cli --cluster create`, ready once every node says cluster_state:ok and every replica is in sync.
// close() SIGKILLs every process and removes the directory; a missing redis-server/redis-cli fails, never skips.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { freePorts, waitFor } from '../../../../deploy/local-cluster/processes.js';
import { killRedisServer, startRedisServer, withNode } from './redis-server.js';

const run = promisify(execFile);

export interface RedisClusterFixture {
  /** REDIS_CLUSTER_NODES for the gateways: every node's 127.0.0.1:port. */
  seeds: string;
  ports: number[];
  /** The master serving `key`'s slot, by port. */
  masterOf(key: string): Promise<number>;
  /** SIGKILL one node (a crash: no shutdown, nothing saved). */
  kill(port: number): Promise<void>;
  /** Waits until a replica of the killed `port` is master of its slots and the cluster says ok; its port. */
  failedOverFrom(port: number, timeoutMs?: number): Promise<number>;
  /** Waits until every replica has the master's replication offset (writes acknowledged so far are on two nodes). */
  replicated(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: string[];
}

export async function startRedisCluster(options: { nodeTimeoutMs?: number } = {}): Promise<RedisClusterFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const ports = await freePorts(6);
  const servers = new Map<number, ChildProcess>();
  const close = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((server) => killRedisServer(server)));
    rmSync(dir, { recursive: true, force: true });
  };
  const alive = () => ports.filter((port) => servers.get(port)?.exitCode === null && servers.get(port)?.signalCode === null);
  try {
    await Promise.all(
      ports.map(async (port) => {
        const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir];
        args.push('--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1_000));
        servers.set(port, await startRedisServer(port, { args }));
      }),
    );
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 }).catch(
      (err: NodeJS.ErrnoException) => {
        throw new Error(err.code === 'ENOENT' ? 'redis-cli not found: these tests need it (Debian: apt-get install -y redis-tools)' : `redis-cli --cluster create failed: ${err.message}`);
      },
    );
    await waitFor('cluster_state:ok on all 6 nodes', async () => ((await Promise.all(ports.map((port) => clusterOk(port, 6)))).every(Boolean) ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  } catch (err) {
    await close();
    throw err;
  }

  // Known from the start: which master each replica follows, so a promotion can be recognised later.
  const initial = await withNode(ports[0] as number, nodeLines);
  const idOf = new Map(initial.map((line) => [line.port, line.id]));
  const fixture: RedisClusterFixture = {
    seeds: ports.map((port) => `127.0.0.1:${port}`).join(','),
    ports,
    async masterOf(key) {
      return withNode(alive()[0] as number, async (redis) => {
        const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
        const owner = (await nodeLines(redis)).find((line) => line.flags.includes('master') && !line.flags.includes('fail') && line.slots.some((range) => inRange(range, slot)));
        if (!owner) throw new Error(`no master for slot ${slot}`);
        return owner.port;
      });
    },
    async kill(port) {
      const server = servers.get(port);
      if (server) await killRedisServer(server);
    },
    async failedOverFrom(port, timeoutMs = 30_000) {
      const replicas = initial.filter((line) => line.masterId === idOf.get(port)).map((line) => line.port);
      return waitFor(
        `a replica of ${port} promoted`,
        async () => {
          const lines = await withNode(alive()[0] as number, nodeLines);
          const promoted = lines.find((line) => replicas.includes(line.port) && line.flags.includes('master') && line.slots.length > 0);
          const ok = (await Promise.all(alive().map((p) => clusterOk(p)))).every(Boolean);
          return promoted && ok ? promoted.port : undefined;
        },
        { timeoutMs, intervalMs: 200 },
      );
    },
    async replicated(timeoutMs = 10_000) {
      await waitFor(
        'replicas in sync',
        async () => {
          const offsets = await Promise.all(
            alive().map((port) =>
              withNode(port, async (redis) => {
                const info = await redis.info('replication');
                const role = /role:(\w+)/.exec(info)?.[1];
                return role === 'master' ? [Number(/master_repl_offset:(\d+)/.exec(info)?.[1]), ...[...info.matchAll(/slave\d+:.*offset=(\d+)/g)].map((m) => Number(m[1]))] : [];
              }),
            ),
          );
          return offsets.every((list) => list.every((offset) => offset === list[0])) ? true : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    close,
  };
  return fixture;
}

function inRange(range: string, slot: number): boolean {
  const [from, to] = range.split('-').map(Number);
  return from !== undefined && slot >= from && slot <= (to ?? from);
}

async function clusterOk(port: number, knownNodes?: number): Promise<boolean> {
  return withNode(port, async (redis) => {
    const info = String(await redis.call('CLUSTER', 'INFO'));
    if (!info.includes('cluster_state:ok')) return false;
    if (knownNodes !== undefined && !info.includes(`cluster_known_nodes:${knownNodes}`)) return false;
    if (knownNodes === undefined) return true;
    // A replica also needs its link to the master up before the cluster is usable for failover tests.
    const replication = await redis.info('replication');
    return !replication.includes('role:slave') || replication.includes('master_link_status:up');
  }).catch(() => false);
}

async function nodeLines(redis: Redis): Promise<NodeLine[]> {
  const text = String(await redis.call('CLUSTER', 'NODES'));
  return text
    .trim()
    .split('\n')
    .map((row) => {
      const [id = '', address = '', flags = '', masterId = '', , , , , ...slots] = row.split(' ');
      return { id, port: Number(/:(\d+)@/.exec(address)?.[1]), flags: flags.split(','), masterId, slots: slots.filter((s) => !s.startsWith('[')) };
    });
}
