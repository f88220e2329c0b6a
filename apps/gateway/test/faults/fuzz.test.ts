// Property-based fuzzing of every client → server event on a real gateway process (main.ts, Redis under a unique
// prefix): random JSON-ish values, binary, near-valid objects with wrong types, huge and odd unicode strings,
// prototype keys and deep nesting, with and without an ack callback, plus unknown event names. The property:
// every answer (ack, prompt-response, error event) parses with the protocol's schemas, errors carry a code from
// ERROR_CODES, the socket is never dropped, and after each batch the node is alive and serves a valid prompt.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { z } from 'zod';
import {
  ErrorCodeSchema,
  ErrorEventSchema,
  EVENTS,
  HistoryEntrySchema,
  MAX_PROMPT_LENGTH,
  PresenceUserSchema,
  PromptResponseSchema,
  PromptSuggestionSchema,
  ToolDescriptorSchema,
  type PromptResponse,
} from '@leadlovers/protocol';
import { TOOL_NAMES } from '@leadlovers/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../../deploy/local-cluster/probes.js';
import { mintToken } from '../../src/auth/mint.js';
import { connected, nextEvent, type Client } from '../helpers/gateway.js';
import { sleep } from '@leadlovers/testing';
import { startFaultCluster, type FaultCluster } from './cluster-load.js';
import { record } from './ledger.js';

const RUN = randomUUID().slice(0, 8);
const USER = `fuzz-${RUN}`;
const ACCOUNT = `faults-fuzz-${RUN}`;
const RUNS_PER_EVENT = 200;
/** A batch stops early (and still passes on what ran) when it takes longer than this: the whole test is bounded. */
const BATCH_TIME_LIMIT_MS = 45_000;
const ANSWER_TIMEOUT_MS = 10_000;
/** The node's MAX_MESSAGE_BYTES (its default); the fuzzed values stay below it (see the oversized-frame test). */
const MAX_MESSAGE_BYTES = 32_768;

/** An ack is { ok: true, data } or exactly { ok: false, code, message }: nothing else (no stack, no details). */
const ackResult = (data: z.ZodType) =>
  z.union([z.strictObject({ ok: z.literal(true), data }), z.strictObject({ ok: z.literal(false), code: ErrorCodeSchema, message: z.string().min(1) })]);
const promptResponse = PromptResponseSchema.refine((r) => r.isSuccess || r.code !== undefined, 'a failed response carries a code');

type Expectation = { kind: 'prompt-response' } | { kind: 'ack'; schema: z.ZodType; needsAck: boolean } | { kind: 'unknown' };

const EXPECTED: Record<string, Expectation> = {
  [EVENTS.sendPrompt]: { kind: 'prompt-response' },
  [EVENTS.callTool]: { kind: 'prompt-response' },
  [EVENTS.listTools]: { kind: 'ack', needsAck: true, schema: ackResult(z.array(ToolDescriptorSchema)) },
  [EVENTS.getHistory]: { kind: 'ack', needsAck: true, schema: ackResult(z.array(HistoryEntrySchema)) },
  [EVENTS.ackResponse]: { kind: 'ack', needsAck: false, schema: ackResult(z.strictObject({ removed: z.union([z.boolean(), z.number().int().nonnegative()]) })) },
  [EVENTS.authRefresh]: { kind: 'ack', needsAck: false, schema: ackResult(z.strictObject({ expiresAt: z.string().nullable() })) },
  [EVENTS.getPresence]: { kind: 'ack', needsAck: true, schema: ackResult(z.array(PresenceUserSchema)) },
  [EVENTS.cancelPrompt]: { kind: 'ack', needsAck: false, schema: ackResult(z.strictObject({ cancelled: z.boolean() })) },
  [EVENTS.suggestPrompts]: { kind: 'ack', needsAck: true, schema: ackResult(z.array(PromptSuggestionSchema)) },
};

// ---- arbitraries -------------------------------------------------------------------------------------------

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\uD800', // a lone surrogate
  '\u202E\u0301',
  '👩‍👩‍👧‍👦'.repeat(20),
  '__proto__',
  'constructor',
  "'; DROP TABLE leads; --",
  '../../../../etc/passwd',
  '{"$ne":null}',
  'Liste todas as máquinas disponíveis\u0000',
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  oddStrings,
  // Longer than every field allows, yet (4 bytes a character at most) below the message size limit.
  fc.string({ minLength: MAX_PROMPT_LENGTH + 1, maxLength: 6_000 }),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.anything({
    maxDepth: 3,
    maxKeys: 6,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withObjectString: true,
    withNullPrototype: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    stringUnit: 'grapheme',
  }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  text,
);
/** Nesting deeper than the payload guard allows (32), up to 300 levels. */
const deep = fc.tuple(fc.integer({ min: 20, max: 300 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});
/** An object with a key that reaches a prototype as an own property (as JSON.parse makes it), among others. */
const poisoned = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }))
  .map(([key, value, rest]) => {
    const entries: Array<[string, unknown]> = [[key, value], ...Object.entries(rest)];
    return JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`) as unknown;
  });
const hostile = fc.oneof(anyValue, deep, poisoned);
const validId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const requestId = fc.oneof(validId, text, anyValue);
/** `received` / `requestIds` lists of short members (the frame must stay below MAX_MESSAGE_BYTES), or one over the bound of 100. */
const shortMember = fc.oneof(validId, fc.string({ maxLength: 70 }), oddStrings, fc.jsonValue({ maxDepth: 1 }));
const idList = fc.oneof(fc.array(shortMember, { maxLength: 5 }), fc.array(validId, { minLength: 101, maxLength: 102 }), anyValue);

/** Objects close to each event's schema: right keys with wrong or odd values, unknown keys, hostile members. */
function nearValid(event: string, tokens: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), hostile, { maxKeys: 2 });
  const withExtra = (base: fc.Arbitrary<Record<string, unknown>>) =>
    fc.tuple(base, fc.boolean(), extra).map(([value, add, more]) => (add ? { ...more, ...value } : value));
  switch (event) {
    case EVENTS.sendPrompt:
      return withExtra(
        fc.record(
          {
            prompt: fc.oneof(fc.constantFrom('Liste todas as máquinas disponíveis', 'list my machines', 'crie um lead'), text, hostile),
            requestId,
            conversationId: fc.oneof(text, anyValue),
            progress: fc.oneof(fc.boolean(), anyValue),
            received: idList,
          },
          { requiredKeys: [] },
        ),
      );
    case EVENTS.callTool:
      return withExtra(
        fc.record(
          {
            tool: fc.oneof(fc.constantFrom(...TOOL_NAMES), text, anyValue),
            arguments: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), hostile, { maxKeys: 4 }), poisoned, hostile),
            requestId,
            progress: fc.oneof(fc.boolean(), anyValue),
            received: idList,
          },
          { requiredKeys: [] },
        ),
      );
    case EVENTS.getHistory:
      return withExtra(fc.record({ limit: fc.oneof(fc.integer(), fc.double(), text, anyValue) }, { requiredKeys: [] }));
    case EVENTS.ackResponse:
      return withExtra(fc.record({ requestId, requestIds: idList }, { requiredKeys: [] }));
    case EVENTS.cancelPrompt:
      return withExtra(fc.record({ requestId }, { requiredKeys: [] }));
    case EVENTS.authRefresh:
      return withExtra(fc.record({ token: fc.oneof(tokens, text, anyValue) }, { requiredKeys: [] }));
    case EVENTS.suggestPrompts:
      return withExtra(
        fc.record({ partial: fc.oneof(fc.constantFrom('', 'liste', 'crie um lead para'), text, hostile), language: fc.oneof(fc.constantFrom('pt', 'en'), text, anyValue) }, { requiredKeys: [] }),
      );
    default:
      return hostile;
  }
}

/** Arguments after the event name: none, one or two values; the ack (if any) is added by the test. */
const argsFor = (event: string, tokens: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: nearValid(event, tokens).map((p) => [p]), weight: 4 },
    { arbitrary: hostile.map((p) => [p]), weight: 3 },
    { arbitrary: fc.constant<unknown[]>([]), weight: 1 },
    { arbitrary: fc.tuple(nearValid(event, tokens), hostile).map((pair) => [...pair]), weight: 1 },
  );

// Names socket.io-client refuses to emit.
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const KNOWN = new Set<string>(Object.keys(EXPECTED));
const unknownEvent = fc
  .oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom('error', 'prompt-response', '__proto__', 'constructor', 'toString', 'suggest-prompt', 'SEND-PROMPT', 'x'.repeat(500)))
  .filter((name) => !RESERVED.has(name) && !KNOWN.has(name));

// ---- the test ----------------------------------------------------------------------------------------------

describe('fault: fuzzing every client event of a real gateway process', () => {
  let cluster: FaultCluster;
  let url: string;
  let socket: Client;
  const errorsSeen: unknown[] = [];
  const responsesSeen: Array<{ response: unknown; receipt?: () => void }> = [];
  const disconnects: string[] = [];
  /** Unknown events whose ack was called (they must be answered with an error event only). */
  let attacks = 0;
  let answered = 0;
  let validAnswers = 0;
  /** send-prompt / call-tool emits (fuzzed and the valid probes) and the prompt-responses they got back. */
  let promptsSent = 0;
  let promptsAnswered = 0;

  beforeAll(async () => {
    cluster = await startFaultCluster({
      nodes: 1,
      nginx: false,
      redisKeyPrefix: `faults-fuzz-${RUN}:`,
      // The per-socket event limit and the prompt rate limit would drop or refuse most of the fuzz otherwise.
      env: { EVENTS_PER_10S: '1000000', PROMPT_RATE_PER_MINUTE: '100000', MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) },
    });
    url = `http://127.0.0.1:${cluster.nodes[0]!.port}`;
    socket = io(url, { auth: { token: await mintToken(cluster.apiSecret, { userId: USER, account: ACCOUNT }) }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.on('error', (error) => errorsSeen.push(error));
    socket.on('prompt-response', (response, receipt) => responsesSeen.push({ response, ...(receipt ? { receipt } : {}) }));
    socket.on('disconnect', (reason) => disconnects.push(reason));
    await connected(socket);
  }, 180_000);

  afterAll(async () => {
    // Recorded even when an assertion failed half-way, so the ledger shows what was tried.
    record({ scenario: 'fuzz: every client event', attacks, promptsSent, delivered: promptsAnswered, lost: promptsSent - promptsAnswered, crashed: cluster?.crashed().length ?? 0 });
    socket?.disconnect();
    await cluster?.stop();
  }, 60_000);

  function encodable(args: unknown[]): boolean {
    try {
      JSON.stringify(args);
      return true;
    } catch {
      return false;
    }
  }

  async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) return false;
      await sleep(5);
    }
    return true;
  }

  /** Every error event must be schema-valid; every prompt-response too (and is acknowledged). */
  function checkPushed(): void {
    for (const error of errorsSeen.splice(0)) {
      expect(ErrorEventSchema.strict().safeParse(error).success, `error event ${JSON.stringify(error)}`).toBe(true);
      answered += 1;
    }
    for (const { response, receipt } of responsesSeen.splice(0)) {
      expect(promptResponse.safeParse(response).success, `prompt-response ${JSON.stringify(response)}`).toBe(true);
      receipt?.();
    }
  }

  /** The node is up, ready, and answers a valid prompt successfully on the fuzzed socket. */
  async function expectServing(): Promise<void> {
    expect(cluster.crashed()).toEqual([]);
    expect((await probe(`${url}/readyz`)).status).toBe(200);
    const requestId = `valid-${randomUUID()}`;
    const response: PromptResponse = await socket.timeout(ANSWER_TIMEOUT_MS).emitWithAck('send-prompt', { prompt: 'Liste todas as máquinas disponíveis', requestId });
    promptsSent += 1;
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines' });
    promptsAnswered += 1;
    // The ack was the delivery: after a round trip, still no prompt-response event for it.
    await socket.timeout(ANSWER_TIMEOUT_MS).emitWithAck('get-presence');
    expect(responsesSeen.filter((seen) => (seen.response as { requestId?: unknown } | null)?.requestId === requestId)).toEqual([]);
    checkPushed();
    expect(disconnects).toEqual([]);
  }

  async function fuzzOne(event: string, args: unknown[], withAck: boolean): Promise<void> {
    // A value socket.io-client cannot encode (fc.anything can make an object whose prototype is a Date: JSON, and
    // so the client's encoder, throws on it) never reaches the wire: nothing for the gateway to answer.
    if (!encodable(args)) return;
    attacks += 1;
    errorsSeen.length = 0;
    responsesSeen.length = 0;
    // Own keys only: EXPECTED['__proto__'] or EXPECTED['toString'] are not expectations.
    const expectation: Expectation = Object.hasOwn(EXPECTED, event) ? (EXPECTED[event] as Expectation) : { kind: 'unknown' };
    const emitter = socket as unknown as {
      emit(event: string, ...args: unknown[]): void;
      timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    };

    if (expectation.kind === 'unknown' && withAck) {
      // An unknown event sent with an ack gets that ack answered (no client waits for its own timeout), and no
      // error event besides: a round trip through the node lets a wrong one arrive before it is checked.
      const result = await emitter.timeout(ANSWER_TIMEOUT_MS).emitWithAck(event, ...args);
      expect(result, `unknown event "${event.slice(0, 80)}" answered ${JSON.stringify(result).slice(0, 300)}`).toEqual({ ok: false, code: 'UNKNOWN_EVENT', message: expect.any(String) });
      validAnswers += 1;
      await emitter.timeout(ANSWER_TIMEOUT_MS).emitWithAck('get-presence');
      expect(errorsSeen).toEqual([]);
    } else if (expectation.kind === 'unknown') {
      // Without an ack, an error event.
      emitter.emit(event, ...args);
      expect(await waitUntil(() => errorsSeen.length > 0, ANSWER_TIMEOUT_MS), `no error event for unknown event "${event.slice(0, 80)}"`).toBe(true);
      expect(errorsSeen[0]).toMatchObject({ code: 'UNKNOWN_EVENT' });
    } else if (withAck) {
      if (expectation.kind === 'prompt-response') promptsSent += 1;
      const result = await emitter.timeout(ANSWER_TIMEOUT_MS).emitWithAck(event, ...args);
      const schema = expectation.kind === 'prompt-response' ? promptResponse : expectation.schema;
      const parsed = schema.safeParse(result);
      expect(parsed.success, `${event} ${JSON.stringify(args).slice(0, 300)} answered ${JSON.stringify(result).slice(0, 500)}`).toBe(true);
      validAnswers += 1;
      if (expectation.kind === 'prompt-response') promptsAnswered += 1;
    } else {
      emitter.emit(event, ...args);
      if (expectation.kind === 'prompt-response') {
        promptsSent += 1;
        // Without an ack, every path of send-prompt / call-tool answers with a prompt-response event.
        expect(await waitUntil(() => responsesSeen.length > 0, ANSWER_TIMEOUT_MS), `no prompt-response for ${event} without ack`).toBe(true);
        promptsAnswered += 1;
      } else if (expectation.needsAck) {
        expect(await waitUntil(() => errorsSeen.length > 0, ANSWER_TIMEOUT_MS), `no error event for ${event} without ack`).toBe(true);
        expect(errorsSeen[0]).toMatchObject({ code: 'INVALID_PAYLOAD', event });
      } else {
        // A valid payload without ack is answered by nothing, an invalid one by an error event. A round trip
        // through the node (get-presence) lets whichever comes arrive before it is checked.
        await emitter.timeout(ANSWER_TIMEOUT_MS).emitWithAck('get-presence');
      }
    }
    checkPushed();
    expect(disconnects).toEqual([]);
  }

  it('answers every fuzzed event with a schema-valid response or coded error, and keeps serving', async () => {
    const selfToken = await mintToken(cluster.apiSecret, { userId: USER, account: ACCOUNT });
    const otherUser = await mintToken(cluster.apiSecret, { userId: `${USER}-other`, account: ACCOUNT });
    const wrongSecret = await mintToken('not-the-secret-0123456789-abcdefghijklmnop', { userId: USER, account: ACCOUNT });
    const tokens = fc.constantFrom(selfToken, otherUser, wrongSecret, `${selfToken}x`);
    await expectServing();

    const runsPerEvent: Record<string, number> = {};
    for (const event of [...Object.keys(EXPECTED), 'unknown']) {
      runsPerEvent[event] = 0;
      const names = event === 'unknown' ? unknownEvent : fc.constant(event);
      await fc.assert(
        fc.asyncProperty(names, argsFor(event, tokens), fc.boolean(), async (name, args, withAck) => {
          runsPerEvent[event] = (runsPerEvent[event] ?? 0) + 1;
          await fuzzOne(name, args, withAck);
        }),
        { numRuns: RUNS_PER_EVENT, interruptAfterTimeLimit: BATCH_TIME_LIMIT_MS },
      );
      await expectServing();
    }
    process.stdout.write(`[fuzz] runs per event ${JSON.stringify(runsPerEvent)}; ${attacks} fuzzed emits, ${validAnswers} acks and ${promptsAnswered} prompt-responses validated, ${answered} error events validated\n`);
    // Every batch ran (an interrupted batch still ran for a while; a batch that ran nothing would prove nothing).
    for (const runs of Object.values(runsPerEvent)) expect(runs).toBeGreaterThan(10);
  }, 600_000);

  it('drops a frame above MAX_MESSAGE_BYTES by closing that connection only; the node keeps serving', async () => {
    const big: Client = io(url, { auth: { token: await mintToken(cluster.apiSecret, { userId: `${USER}-big`, account: ACCOUNT }) }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await connected(big);
      const closed = nextEvent<string>(big, 'disconnect');
      big.emit('send-prompt', { prompt: 'x'.repeat(MAX_MESSAGE_BYTES + 1), requestId: 'too-big' });
      expect(await closed).toBe('transport close');
      record({ scenario: 'fuzz: frame above MAX_MESSAGE_BYTES', attacks: 1, crashed: cluster.crashed().length });
    } finally {
      big.disconnect();
    }
    await expectServing();
  }, 60_000);
});
