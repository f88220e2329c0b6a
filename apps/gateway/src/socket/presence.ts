// Presence: who of an account is online anywhere in the cluster (get-presence, answered from fetchSockets on the
// account room with a bounded wait), and presence-changed events to the account room on join and leave.
import type { AuthenticatedUser, PresenceUser } from '@leadlovers/protocol';
import { GatewayError } from '../shared/errors.js';
import { accountRoom, type GatewayServer } from '../shared/socket.js';

export function announcePresence(io: GatewayServer, user: AuthenticatedUser, status: 'online' | 'offline'): void {
  io.to(accountRoom(user.account)).emit('presence-changed', {
    userId: user.id,
    ...(user.name ? { name: user.name } : {}),
    status,
    at: new Date().toISOString(),
  });
}

export async function listPresence(io: GatewayServer, account: string, timeoutMs: number): Promise<PresenceUser[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), timeoutMs);
  });
  try {
    const sockets = await Promise.race([io.in(accountRoom(account)).fetchSockets(), deadline]);
    const users = new Map<string, PresenceUser>();
    for (const socket of sockets) {
      const { user, connectedAt } = socket.data;
      if (!user || user.account !== account) continue;
      const entry: PresenceUser = { userId: user.id, connectedAt: new Date(connectedAt).toISOString() };
      if (user.name) entry.name = user.name;
      if (user.email) entry.email = user.email;
      const known = users.get(user.id);
      if (!known || known.connectedAt < entry.connectedAt) users.set(user.id, entry);
    }
    return [...users.values()].sort((a, b) => a.userId.localeCompare(b.userId));
  } catch {
    throw new GatewayError('TIMEOUT', 'Presence is unavailable right now: the cluster did not answer in time; retry shortly');
  } finally {
    clearTimeout(timer);
  }
}
