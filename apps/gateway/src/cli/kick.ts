// `pnpm kick <userId>`: disconnects a user everywhere in the cluster (e.g. after a password change): the socket
// receives session-replaced (reason: admin), then is disconnected. No gateway runs here, and the path follows the
// topology. Classic pub/sub (REDIS_URL, REDIS_SENTINELS): the notice and the disconnect are published through
// @socket.io/redis-emitter. Sharded pub/sub (REDIS_CLUSTER_NODES, or REDIS_SHARDED=true): one 'session-kick'
// message through a headless Socket.IO server with the sharded adapter (notify/sharded-publisher.ts), which every
// node carries out on its own sockets. Needs the gateways' Redis settings (and REDIS_KEY_PREFIX if they use one).
// `--revoke` first records the user's revocation mark (auth/revocations.ts: tokens issued before now are refused
// with TOKEN_REVOKED on every node, for REVOCATION_TTL_S), so the kicked client cannot reconnect with its token.
import { Emitter } from '@socket.io/redis-emitter';
import type { ServerToClientEvents } from '@leadlovers/protocol';
import { loadConfig, loadDotEnv } from '../config/config.js';
import { recordRevocation } from '../auth/revocations.js';
import { createShardedPublisher } from '../notify/sharded-publisher.js';
import { createEmitterKicker } from '../session/kicker.js';
import { redisKeys } from '../shared/redis-keys.js';
import { connectClient, type RedisClient } from '../shared/redis.js';
import { userRoom } from '../shared/socket.js';

const USAGE = 'usage: pnpm kick <userId> [--revoke]   (needs REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS)';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const revoke = args.includes('--revoke');
  const [userId, ...rest] = args.filter((arg) => arg !== '--revoke');
  if (!userId || rest.length || userId.startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    return userId === '--help' || userId === '-h' ? 0 : 2;
  }
  loadDotEnv();
  const config = loadConfig();
  if (!config.redis) {
    process.stderr.write('REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS is needed: an admin kick reaches a cluster through Redis\n');
    return 2;
  }
  const redis = await connectClient(config.redis, 'gateway-kick');
  try {
    const key = redisKeys.adapterChannel(config.redis.keyPrefix);
    const live = await redis.get(redisKeys.session(config.redis.keyPrefix, userId));
    if (revoke) {
      const at = new Date();
      await recordRevocation(redis, config.redis.keyPrefix, userId, at, config.auth.revocationTtlS);
      process.stdout.write(`tokens of user ${userId} issued before ${at.toISOString()} are revoked for ${config.auth.revocationTtlS} s\n`);
    }
    const nodes = config.redis.sharded ? await kickSharded(redis, key, userId) : await kickClassic(redis, key, userId);
    process.stdout.write(
      `kick published for user ${userId} to ${nodes} gateway node(s); ${live ? `live socket was ${live}` : 'no live session was registered'}\n`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}

/** Returns how many nodes listen on the adapter's request channel. */
async function kickClassic(redis: RedisClient, key: string, userId: string): Promise<number> {
  const [, nodes] = (await redis.pubsub('NUMSUB', `${key}-request#/#`)) as [string, number];
  createEmitterKicker(new Emitter<ServerToClientEvents>(redis, { key })).kick(userRoom(userId), 'admin');
  // The emitter publishes without awaiting: a round trip on the same connection makes sure they were sent.
  await redis.ping();
  return nodes;
}

/** Returns how many nodes received the kick (SPUBLISH's reply). */
async function kickSharded(redis: RedisClient, key: string, userId: string): Promise<number> {
  const publisher = createShardedPublisher(redis, key);
  try {
    return await publisher.publish((io) => io.serverSideEmit('session-kick', userRoom(userId), 'admin'));
  } finally {
    await publisher.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
