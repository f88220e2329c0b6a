// The Redis part of the configuration: one topology at most (REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS),
// seed lists parsed at the edge with the bad entry named, and the cross-variable rules.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const error = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('config: Redis topologies', () => {
  it('one Redis from REDIS_URL; TLS from rediss:// or REDIS_TLS', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: 'pw' }).redis).toEqual({
      topology: { kind: 'single', url: 'redis://127.0.0.1:6379' },
      password: 'pw',
      tls: false,
      keyPrefix: '',
      sharded: false,
      waitReplicas: 0,
      waitTimeoutMs: 100,
    });
    expect(loadConfig({ REDIS_URL: 'rediss://redis.example.com:6380' }).redis?.tls).toBe(true);
    expect(loadConfig({ REDIS_URL: 'redis://redis.example.com', REDIS_TLS: 'true', REDIS_SHARDED: '1' }).redis).toMatchObject({ tls: true, sharded: true });
  });

  it('a Redis Cluster from its seed nodes, always on sharded pub/sub', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: ' redis-1:6379, 10.0.0.2:7000 ,[::1]:7001', REDIS_PASSWORD: 'pw', REDIS_TLS: '1', REDIS_KEY_PREFIX: 'gw:' });
    expect(config.redis).toEqual({
      topology: {
        kind: 'cluster',
        nodes: [
          { host: 'redis-1', port: 6379 },
          { host: '10.0.0.2', port: 7000 },
          { host: '::1', port: 7001 },
        ],
      },
      password: 'pw',
      tls: true,
      keyPrefix: 'gw:',
      sharded: true,
      waitReplicas: 0,
      waitTimeoutMs: 100,
    });
    expect(Object.isFrozen(config.redis?.topology)).toBe(true);
    expect(error({ REDIS_CLUSTER_NODES: 'redis-1:6379', REDIS_SHARDED: 'false' })).toMatch(/REDIS_SHARDED: a Redis Cluster \(REDIS_CLUSTER_NODES\) always uses sharded pub\/sub/);
  });

  it('a Sentinel-managed primary from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    const config = loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'gw', REDIS_SENTINEL_PASSWORD: 'spw' });
    expect(config.redis).toMatchObject({
      topology: { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'gw', sentinelPassword: 'spw' },
      sharded: false,
    });
    expect(error({ REDIS_SENTINELS: 's1:26379' })).toMatch(/REDIS_SENTINEL_NAME: REDIS_SENTINELS needs REDIS_SENTINEL_NAME/);
    expect(error({ REDIS_SENTINEL_NAME: 'gw' })).toMatch(/REDIS_SENTINEL_NAME: is only used with REDIS_SENTINELS/);
    expect(error({ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_PASSWORD: 'x' })).toMatch(/REDIS_SENTINEL_PASSWORD: is only used with REDIS_SENTINELS/);
  });

  it('REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are mutually exclusive, and a URL password is never echoed', () => {
    const both = error({ REDIS_URL: 'redis://:hunter2@r:6379', REDIS_CLUSTER_NODES: 'r1:6379' });
    expect(both).toMatch(/REDIS_CLUSTER_NODES: REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are mutually exclusive: set one \(REDIS_URL and REDIS_CLUSTER_NODES are set\)/);
    expect(both).not.toMatch(/hunter2/);
    expect(error({ REDIS_CLUSTER_NODES: 'r1:6379', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'gw' })).toMatch(
      /REDIS_SENTINELS: .*mutually exclusive.*\(REDIS_CLUSTER_NODES and REDIS_SENTINELS are set\)/,
    );
    expect(error({ REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'gw' })).toMatch(/REDIS_SENTINELS: .*mutually exclusive/);
  });

  it('a malformed seed list names the setting and the bad entry', () => {
    for (const [value, bad] of [
      ['redis-1', 'redis-1'],
      ['redis-1:6379,redis-2', 'redis-2'],
      ['redis-1:0', 'redis-1:0'],
      ['redis-1:65536', 'redis-1:65536'],
      ['redis-1:6379,,redis-2:6379', ''],
      ['redis://redis-1:6379', 'redis://redis-1:6379'],
      ['redis 1:6379', 'redis 1:6379'],
      ['redis/1:6379', 'redis/1:6379'],
      [':6379', ':6379'],
    ] as const) {
      expect(error({ REDIS_CLUSTER_NODES: value }), value).toContain(`REDIS_CLUSTER_NODES: must be a comma-separated list of host:port (bad entry ${JSON.stringify(bad)})`);
      expect(error({ REDIS_SENTINELS: value, REDIS_SENTINEL_NAME: 'gw' }), value).toContain(`REDIS_SENTINELS: must be a comma-separated list of host:port (bad entry ${JSON.stringify(bad)})`);
    }
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'project_redis_1:6379' }).redis?.topology).toEqual({ kind: 'cluster', nodes: [{ host: 'project_redis_1', port: 6379 }] });
    // Blank means unset.
    expect(loadConfig({ REDIS_CLUSTER_NODES: '  ' }).redis).toBeUndefined();
  });

  it('REDIS_WAIT_REPLICAS and REDIS_WAIT_TIMEOUT_MS: whole numbers in range, named when not', () => {
    expect(loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '250' }).redis).toMatchObject({ waitReplicas: 1, waitTimeoutMs: 250 });
    expect(error({ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: '-1' })).toContain('REDIS_WAIT_REPLICAS');
    expect(error({ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: 'one' })).toContain('REDIS_WAIT_REPLICAS');
    expect(error({ REDIS_URL: 'redis://r:6379', REDIS_WAIT_TIMEOUT_MS: '0' })).toContain('REDIS_WAIT_TIMEOUT_MS');
  });
});
