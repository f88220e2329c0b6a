// Test fixture: a Sentinel set of our own on free 127.0.0.1 ports — a primary, one replica and 3 Sentinels
// monitoring it (quorum 2) with a 1 s down-after and short failover timeout, so a killed primary is replaced in a
// few seconds. Ready once every Sentinel knows the primary, the replica and the other two Sentinels. close()
// SIGKILLs every process and removes the directory; a missing redis-server fails, never skips.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, waitFor } from '../../../../deploy/local-cluster/processes.js';
import { killRedisServer, startRedisServer, withNode } from './redis-server.js';

export const SENTINEL_NAME = 'gw-primary';

export interface SentinelFixture {
  /** REDIS_SENTINELS for the gateways. */
  sentinels: string;
  /** The data nodes' ports: [first primary, its replica]. */
  dataPorts: [number, number];
  /** The primary's port as the Sentinels name it. */
  primary(): Promise<number>;
  kill(port: number): Promise<void>;
  /** A planned switch-over (SENTINEL FAILOVER): the primary is demoted to a replica of the promoted one. */
  switchOver(): Promise<void>;
  /** Waits until the Sentinels name another primary than `port`, and it says role:master; its port. */
  failedOverFrom(port: number, timeoutMs?: number): Promise<number>;
  /** Waits until the replica has the primary's replication offset (writes acknowledged so far are on both). */
  replicated(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSentinels(): Promise<SentinelFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  const [primaryPort, replicaPort, ...sentinelPorts] = (await freePorts(5)) as [number, number, number, number, number];
  const servers = new Map<number, ChildProcess>();
  const close = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((server) => killRedisServer(server)));
    rmSync(dir, { recursive: true, force: true });
  };
  const askSentinel = async (): Promise<[string, string] | null> => {
    for (const port of sentinelPorts) {
      const answer = await withNode(port, (redis) => redis.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_NAME)).catch(() => undefined);
      if (answer !== undefined) return answer as [string, string] | null;
    }
    throw new Error('no Sentinel answers');
  };
  try {
    // --dir: a replica writes the RDB of its initial sync there, never into the working directory.
    servers.set(primaryPort, await startRedisServer(primaryPort, { args: ['--dir', dir] }));
    servers.set(replicaPort, await startRedisServer(replicaPort, { args: ['--dir', dir, '--replicaof', '127.0.0.1', String(primaryPort)] }));
    await waitFor('the replica in sync', async () => ((await withNode(replicaPort, (r) => r.info('replication'))).includes('master_link_status:up') ? true : undefined), {
      timeoutMs: 15_000,
    });
    for (const port of sentinelPorts) {
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
          '',
        ].join('\n'),
      );
      servers.set(port, await startRedisServer(port, { sentinelConfig: file }));
    }
    await waitFor(
      'every Sentinel knows the primary, its replica and the other Sentinels',
      async () => {
        const ready = await Promise.all(
          sentinelPorts.map((port) =>
            withNode(port, async (redis) => {
              const [master] = (await redis.call('SENTINEL', 'masters')) as string[][];
              const fields = new Map<string, string>();
              for (let i = 0; i + 1 < (master?.length ?? 0); i += 2) fields.set(master![i]!, master![i + 1]!);
              return fields.get('port') === String(primaryPort) && fields.get('num-slaves') === '1' && fields.get('num-other-sentinels') === '2';
            }).catch(() => false),
          ),
        );
        return ready.every(Boolean) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (err) {
    await close();
    throw err;
  }

  const fixture: SentinelFixture = {
    sentinels: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
    dataPorts: [primaryPort, replicaPort],
    async primary() {
      const answer = await askSentinel();
      if (!answer) throw new Error(`the Sentinels do not know ${SENTINEL_NAME}`);
      return Number(answer[1]);
    },
    async kill(port) {
      const server = servers.get(port);
      if (server) await killRedisServer(server);
    },
    async switchOver() {
      await withNode(sentinelPorts[0], (redis) => redis.call('SENTINEL', 'FAILOVER', SENTINEL_NAME));
    },
    async failedOverFrom(port, timeoutMs = 30_000) {
      return waitFor(
        `a primary other than ${port}`,
        async () => {
          const answer = await askSentinel();
          const next = Number(answer?.[1]);
          if (!answer || next === port) return undefined;
          return (await withNode(next, (redis) => redis.info('replication'))).includes('role:master') ? next : undefined;
        },
        { timeoutMs, intervalMs: 200 },
      );
    },
    async replicated(timeoutMs = 10_000) {
      await waitFor(
        'the replica in sync',
        async () => {
          const info = await withNode(await fixture.primary(), (redis) => redis.info('replication'));
          const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
          const replicas = [...info.matchAll(/slave\d+:.*offset=(\d+)/g)].map((m) => m[1]);
          return replicas.length > 0 && replicas.every((o) => o === offset) ? true : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    close,
  };
  return fixture;
}
