// `pnpm kick <userId>`: disconnects a user everywhere in the cluster (e.g. after a password change). It publishes
// a session-replaced notice (reason: admin) and a disconnect through @socket.io/redis-emitter; no Socket.IO
// server runs here. Needs REDIS_URL (and REDIS_KEY_PREFIX if the cluster uses one).
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import type { ServerToClientEvents } from '@leadlovers/protocol';
import { redisKeys } from '../shared/redis-keys.js';
import { loadConfig, loadDotEnv } from '../config/config.js';
import { createEmitterKicker } from '../session/kicker.js';
import { userRoom } from '../shared/socket.js';

const USAGE = 'usage: pnpm kick <userId>   (needs REDIS_URL)';

async function main(): Promise<number> {
  const [userId, ...rest] = process.argv.slice(2);
  if (!userId || rest.length || userId.startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    return userId === '--help' || userId === '-h' ? 0 : 2;
  }
  loadDotEnv();
  const config = loadConfig();
  if (!config.redis) {
    process.stderr.write('REDIS_URL is not set: an admin kick reaches a cluster through Redis\n');
    return 2;
  }
  if (config.redis.sharded) {
    process.stderr.write('REDIS_SHARDED=true: the Redis emitter speaks classic pub/sub only; kick from a node instead\n');
    return 2;
  }
  const redis = new Redis(config.redis.url, {
    ...(config.redis.password ? { password: config.redis.password } : {}),
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: () => null,
  });
  try {
    const key = redisKeys.adapterChannel(config.redis.keyPrefix);
    const live = await redis.get(redisKeys.session(config.redis.keyPrefix, userId));
    const [, nodes] = (await redis.pubsub('NUMSUB', `${key}-request#/#`)) as [string, number];
    createEmitterKicker(new Emitter<ServerToClientEvents>(redis, { key })).kick(userRoom(userId), 'admin');
    // The emitter publishes without awaiting: a round trip makes sure the publishes were sent before we quit.
    await redis.ping();
    process.stdout.write(
      `kick published for user ${userId} to ${nodes} gateway node(s); ${live ? `live socket was ${live}` : 'no live session was registered'}\n`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
