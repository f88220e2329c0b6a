// What several modules share about the session: the current SDK client (listeners of an older one check against
// it and do nothing), who the token claims to be, and the conversation prompts belong to.
import { newId } from './format.js';

export const session = {
  /** The current GatewayClient, or null. */
  client: null,
  /** The user the current token claims to be (sub), to mark "you" in the presence list. */
  userId: '',
  /** Sent with every prompt, so a planner that keeps context (the LLM planners) sees one conversation. */
  conversationId: newId(),
};

export function isOnline() {
  const client = session.client;
  return Boolean(client && (client.state === 'connected' || client.state === 'draining'));
}

/** A prompt can be queued while the SDK (re)connects: it sends held requests once the connection is back. */
export function canSend() {
  const client = session.client;
  return Boolean(client && ['connecting', 'connected', 'reconnecting', 'draining'].includes(client.state));
}
