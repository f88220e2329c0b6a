// Start-up against Redis settings that lead nowhere: a seed list (REDIS_CLUSTER_NODES, REDIS_SENTINELS) that is
// unreachable, or reaches a Redis that is not a cluster node / not a Sentinel, fails start-up within its bound
// with a message naming the setting and what each seed answered; one unreachable REDIS_URL still starts, on
// purpose (serving its own clients, Redis reported in /readyz's body). main.ts turns the failure into exit code 1.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../../../../deploy/local-cluster/processes.js';
import { connectRedis, RedisStartupError } from '../../src/cluster/redis.js';
import { loadConfig } from '../../src/config/config.js';
import { tsxLoader } from '../../src/mcp/pool/ts-runtime.js';
import { createLogger } from '../../src/shared/logger.js';
import { REDIS_URL } from '../helpers/cluster.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const shared = new URL(REDIS_URL);
const SHARED_NODE = `${shared.hostname}:${shared.port || 6379}`;
const logger = createLogger('silent');

async function startupError(env: Record<string, string>, connectTimeoutMs = 1_500): Promise<{ message: string; elapsedMs: number }> {
  const started = Date.now();
  const target = loadConfig(env).redis!;
  const error = await connectRedis({ target, logger, connectTimeoutMs }).then(
    async (redis) => {
      await redis.close();
      throw new Error('start-up succeeded');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(RedisStartupError);
  return { message: (error as Error).message, elapsedMs: Date.now() - started };
}

describe('Redis start-up with a seed list that leads nowhere', () => {
  it('REDIS_CLUSTER_NODES unreachable: fails within its bound, naming the setting and each seed', async () => {
    const [p1, p2] = (await freePorts(2)) as [number, number];
    const { message, elapsedMs } = await startupError({ REDIS_CLUSTER_NODES: `127.0.0.1:${p1},127.0.0.1:${p2}` });
    expect(message).toMatch(new RegExp(`^REDIS_CLUSTER_NODES: no working Redis Cluster behind 127\\.0\\.0\\.1:${p1},127\\.0\\.0\\.1:${p2} `));
    expect(message).toContain(`127.0.0.1:${p1}: connect ECONNREFUSED`);
    expect(message).toContain(`127.0.0.1:${p2}: connect ECONNREFUSED`);
    expect(elapsedMs).toBeLessThan(6_000);
  });

  it('REDIS_CLUSTER_NODES pointing at a Redis that is not a cluster node', async () => {
    const { message } = await startupError({ REDIS_CLUSTER_NODES: SHARED_NODE });
    expect(message).toMatch(/^REDIS_CLUSTER_NODES: /);
    expect(message).toContain(`${SHARED_NODE} is not a cluster node (cluster support disabled: use REDIS_URL for one Redis)`);
  });

  it('REDIS_SENTINELS unreachable, or pointing at a Redis that is not a Sentinel', async () => {
    const [port] = (await freePorts(1)) as [number];
    const unreachable = await startupError({ REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_NAME: 'gw' });
    expect(unreachable.message).toMatch(new RegExp(`^REDIS_SENTINELS: no primary "gw" reachable through 127\\.0\\.0\\.1:${port} `));
    expect(unreachable.message).toContain(`127.0.0.1:${port}: connect ECONNREFUSED`);
    const notSentinel = await startupError({ REDIS_SENTINELS: SHARED_NODE, REDIS_SENTINEL_NAME: 'gw' });
    expect(notSentinel.message).toContain(`${SHARED_NODE} is not a Sentinel`);
  });

  it('one unreachable REDIS_URL still starts (Redis reported not ready, the node serving alone)', async () => {
    const [port] = (await freePorts(1)) as [number];
    const redis = await connectRedis({ target: loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }).redis!, logger, connectTimeoutMs: 1_500 });
    try {
      expect(redis.isReady()).toBe(false);
    } finally {
      await redis.close();
    }
  });

  it('main.ts exits 1 with the message on stderr', async () => {
    const [port] = (await freePorts(1)) as [number];
    const result = await run(process.execPath, ['--import', tsxLoader(), MAIN], {
      env: { PATH: process.env.PATH ?? '', REDIS_CLUSTER_NODES: `127.0.0.1:${port}`, PORT: '0', LOG_LEVEL: 'silent', ENV_FILE: '/nonexistent' },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`gateway failed to start: REDIS_CLUSTER_NODES: no working Redis Cluster behind 127\\.0\\.0\\.1:${port} .*ECONNREFUSED`));
  }, 40_000);
});
