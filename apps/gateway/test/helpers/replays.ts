// Observing mailbox replays from a test client: the prompt-response events a socket gets (with their receipts,
// called only when the test calls them), and a barrier after which a (re)connected socket's replay is complete.
import type { PromptResponse } from '@leadlovers/protocol';
import { untyped, type Client, type TestGateway } from './gateway.js';
import { eventually } from '@leadlovers/testing';

type Receipt = (() => void) | undefined;

/**
 * Waits until the gateway finished this socket's mailbox replay, then makes one round trip on it: whatever the
 * replay sent has arrived before that ack (one connection, in order), so the collected events are complete.
 */
export async function afterReplay(gw: TestGateway, socket: Client): Promise<void> {
  await eventually(() => gw.logs.some((l) => l.msg === 'mailbox replay done' && l.socketId === socket.id));
  await untyped(socket).timeout(10_000).emitWithAck('list-tools');
}

/** prompt-response events with their receipts, not called unless the test calls them. */
export function responses(socket: Client): Array<{ response: PromptResponse; receipt: Receipt }> {
  const seen: Array<{ response: PromptResponse; receipt: Receipt }> = [];
  (socket as unknown as { on(e: string, fn: (r: PromptResponse, receipt?: () => void) => void): void }).on('prompt-response', (response, receipt) =>
    seen.push({ response, receipt }),
  );
  return seen;
}

