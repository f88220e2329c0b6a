// The SDK against a real gateway (in-process, real MCP children): handshake token placements and refusals,
// requests and their error codes, progress, cancellation, presence passthrough, a response recovered from the
// mailbox after a forced reconnect, session-replaced (no reconnect) and auth-refresh keeping a short-lived
// token's connection alive.
import type { PresenceChanged, PromptProgress, PromptResponse } from '@leadlovers/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../apps/gateway/test/helpers/gateway.js';
import { eventually, sleep } from '@leadlovers/testing';
import { admin, ADMIN_ENV } from '../../../apps/gateway/test/helpers/admin.js';
import { createGatewayClient, GatewayError, type ClientState, type GatewayClient, type GatewayClientOptions } from '../src/index.js';

describe('gateway client SDK', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  // Every tool call takes 600 ms (with progress notifications): long enough to cancel or cut a request mid-way.
  beforeAll(async () => {
    gw = await startGateway({ EMBEDDED_LATENCY_MS: '600', ...ADMIN_ENV });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => gw.close());

  const make = (options: Partial<GatewayClientOptions> & ({ token: string } | { getToken: () => Promise<string> })): GatewayClient => {
    const client = createGatewayClient({ url: gw.url, transports: ['websocket'], backoff: { minDelayMs: 50, maxDelayMs: 200 }, ...options });
    clients.push(client);
    return client;
  };
  const states = (client: GatewayClient): ClientState[] => {
    const seen: ClientState[] = [];
    client.on('state', (change) => seen.push(change.state));
    return seen;
  };
  const rejection = async (promise: Promise<unknown>): Promise<GatewayError> => {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  };

  it('connects with the token in auth, in an Authorization header or in the query, declaring auth.resume', async () => {
    for (const tokenPlacement of ['auth', 'header', 'query'] as const) {
      const userId = `placement-${tokenPlacement}`;
      const client = make({ token: await gw.token(userId), tokenPlacement });
      const seen = states(client);
      expect(client.state).toBe('idle');
      await client.connect();
      expect(seen).toEqual(['connecting', 'connected']);
      const source = { auth: 'auth', header: 'header', query: 'query' }[tokenPlacement];
      expect(gw.logs.some((line) => line.msg === 'auth succeeded' && line.userId === userId && line.source === source)).toBe(true);
      // Whatever the placement, the handshake declares auth.resume: the gateway keeps replaying what it has not confirmed.
      const serverSide = [...gw.gateway.io.of('/').sockets.values()].find((socket) => socket.data.user.id === userId);
      expect(serverSide?.handshake.auth).toMatchObject({ resume: true });
      expect(serverSide?.data.confirms).toBe(true);
      client.close();
      expect(client.state).toBe('closed');
    }
  });

  it('ends in closed (TOKEN_INVALID) or expired (TOKEN_EXPIRED) when the handshake token cannot work', async () => {
    const invalid = make({ token: 'not-a-jwt' });
    expect((await rejection(invalid.connect())).code).toBe('TOKEN_INVALID');
    expect(invalid.state).toBe('closed');
    expect((await rejection(invalid.sendPrompt('Mostre todas as máquinas'))).code).toBe('TOKEN_INVALID');

    const expired = make({ token: await gw.token('expired-user', { ttlSeconds: -60 }) });
    expect((await rejection(expired.connect())).code).toBe('TOKEN_EXPIRED');
    expect(expired.state).toBe('expired');
  });

  it('a revoked token: a static one ends in expired (TOKEN_REVOKED); getToken() is asked for a fresh one', async () => {
    // Issued a minute ago: older than the revocation mark whatever the second the mark falls in.
    const old = await gw.token('revoked-sdk', { issuedAt: Math.floor(Date.now() / 1000) - 60 });
    expect((await admin(gw, '/admin/revoke', { body: { userId: 'revoked-sdk' } })).status).toBe(200);
    const stuck = make({ token: old });
    expect((await rejection(stuck.connect())).code).toBe('TOKEN_REVOKED');
    expect(stuck.state).toBe('expired');

    const handed: string[] = [];
    const renewing = make({
      getToken: async () => {
        // The first handshake uses the old token, the retry a fresh one (iat after the mark: a second later).
        const token = handed.length === 0 ? old : await gw.token('revoked-sdk', { issuedAt: Math.floor(Date.now() / 1000) + 1 });
        handed.push(token);
        return token;
      },
    });
    await renewing.connect();
    expect(handed).toHaveLength(2);
    expect(renewing.state).toBe('connected');
  });

  it('sendPrompt resolves with the PromptResponse and reports progress; failures reject with the protocol code', async () => {
    const client = make({ token: await gw.token('prompt-user') });
    await client.connect();
    const progress: PromptProgress[] = [];
    const response = await client.sendPrompt('Liste todas as máquinas disponíveis', { requestId: 'sdk-1', onProgress: (p) => progress.push(p) });
    expect(response).toMatchObject({ isSuccess: true, tool: 'get_machines', requestId: 'sdk-1' });
    expect(progress.map((p) => p.stage).slice(0, 2)).toEqual(['planned', 'tool-started']);
    expect(progress.every((p) => p.requestId === 'sdk-1')).toBe(true);

    const needsInput = await rejection(client.sendPrompt('Crie um lead para Maria Santos'));
    expect(needsInput.code).toBe('NEEDS_INPUT');
    expect(needsInput.response).toMatchObject({ isSuccess: false, code: 'NEEDS_INPUT', data: { missing: expect.arrayContaining(['email']) } });
    expect((await rejection(client.sendPrompt('qual a previsão do tempo amanhã?'))).code).toBe('UNKNOWN_INTENT');
    expect((await rejection(client.sendPrompt('   '))).code).toBe('INVALID_PAYLOAD');
    expect((await rejection(client.sendPrompt('Mostre todas as máquinas', { requestId: 'sdk-1' }))).code).toBe('INVALID_PAYLOAD'); // same id, other prompt

    const raw = await client.sendPrompt('Detalhes da máquina 99999', { throwOnError: false });
    expect(raw).toMatchObject({ isSuccess: false, code: 'NOT_FOUND' });
    expect(client.pendingRequests).toBe(0);
  });

  it('callTool, listTools, getHistory, getPresence and call', async () => {
    const client = make({ token: await gw.token('tool-user', { account: 'acct-tools', name: 'Tool User' }) });
    await client.connect();
    const created = await client.callTool('create_lead', { email: 'sdk.tool@example.com', name: 'SDK Tool', machineCode: 12345 }, { requestId: 'tool-1' });
    expect(created).toMatchObject({ isSuccess: true, tool: 'create_lead', requestId: 'tool-1' });
    expect((await rejection(client.callTool('create_lead', { email: 'sdk.tool@example.com', machineCode: 12345 }))).code).toBe('CONFLICT');
    expect((await rejection(client.callTool('no_such_tool'))).code).toBe('UNKNOWN_TOOL');
    expect((await rejection(client.callTool('get_leads', { pageSize: 'ten' }))).code).toBe('INVALID_ARGUMENTS');

    const tools = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('create_lead');
    const history = await client.getHistory({ limit: 2 });
    expect(history).toHaveLength(2);
    expect(history.map((entry) => entry.kind)).toEqual(['tool', 'tool']);
    expect((await client.getHistory()).some((entry) => entry.requestId === 'tool-1')).toBe(true);
    expect((await rejection(client.getHistory({ limit: 1000 }))).code).toBe('INVALID_PAYLOAD');
    expect(await client.getPresence()).toEqual([expect.objectContaining({ userId: 'tool-user', name: 'Tool User' })]);
    // call(): the generic road for ack-answered events, e.g. ones added to the gateway after this SDK.
    expect(await client.call('get-history', { limit: 1 })).toHaveLength(1);
    expect((await rejection(client.call('get-history', { limit: 'many' }))).code).toBe('INVALID_PAYLOAD');
  });

  it('passes server events through on(): presence-changed of a colleague', async () => {
    const client = make({ token: await gw.token('watcher', { account: 'acct-presence' }) });
    await client.connect();
    const changes: PresenceChanged[] = [];
    const stop = client.on('presence-changed', (change) => changes.push(change));
    const untyped: unknown[] = [];
    client.on('presence-changed' as string, (...args: unknown[]) => untyped.push(...args));
    const colleague = await gw.connect('colleague', { account: 'acct-presence' });
    await eventually(() => changes.some((c) => c.userId === 'colleague' && c.status === 'online'));
    stop();
    colleague.disconnect();
    // The untyped listener (any event name) still hears the offline change.
    await eventually(() => untyped.some((c) => (c as PresenceChanged).userId === 'colleague' && (c as PresenceChanged).status === 'offline'));
    expect(changes.filter((c) => c.userId === 'colleague')).toHaveLength(1);
  });

  it('an aborted signal sends cancel-prompt and rejects with CANCELLED; the server stops the request', async () => {
    const client = make({ token: await gw.token('cancel-user') });
    await client.connect();
    const controller = new AbortController();
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => (toolStarted = resolve));
    const prompt = client.sendPrompt('Liste todas as máquinas disponíveis', {
      requestId: 'sdk-cancel-1',
      signal: controller.signal,
      onProgress: (p) => p.stage === 'tool-started' && toolStarted(),
    });
    const outcome = rejection(prompt);
    await started;
    controller.abort();
    expect((await outcome).code).toBe('CANCELLED');
    const history = await eventually(async () => (await client.getHistory()).find((entry) => entry.requestId === 'sdk-cancel-1'));
    expect(history?.response.code).toBe('CANCELLED');
    expect(gw.logs.some((line) => line.msg === 'cancel-prompt' && line.requestId === 'sdk-cancel-1' && line.cancelled === true)).toBe(true);

    const aborted = AbortSignal.abort();
    expect((await rejection(client.sendPrompt('Mostre todas as máquinas', { signal: aborted }))).code).toBe('CANCELLED');
    // cancel(requestId) for something not running: false from the gateway.
    expect(await client.cancel('never-sent')).toBe(false);
  });

  it('a response finished while the client was away comes from the mailbox after reconnecting, exactly once', async () => {
    const userId = 'reconnect-user';
    let gate: Promise<void> = Promise.resolve();
    let handshakes = 0;
    const client = make({
      getToken: async () => {
        handshakes += 1;
        await gate; // holds the reconnect until the test lets it through
        return gw.token(userId);
      },
    });
    await client.connect();
    const seen = states(client);
    const delivered: PromptResponse[] = [];
    client.on('prompt-response', (response) => delivered.push(response));
    const progress: string[] = [];
    const answered = client.sendPrompt('Crie um lead chamado Re Conecta, email reconecta@example.com, na máquina 12345', {
      requestId: 'sdk-reconnect-1',
      onProgress: (p) => progress.push(p.stage),
    });
    let settled = 0;
    void answered.finally(() => (settled += 1));
    await eventually(() => progress.includes('tool-started'));

    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const server = gw.gateway.io.of('/').sockets.get(client.socketId ?? '');
    expect(server).toBeDefined();
    server?.conn.close(); // the network drops mid-request
    await eventually(() => client.state === 'reconnecting');
    // The request finishes on the server while the client is away: the response waits in the mailbox.
    await eventually(async () => (await gw.deps.mailbox.pending(userId)).some((r) => r.requestId === 'sdk-reconnect-1'));
    expect(settled).toBe(0);
    open();

    const response = await answered;
    expect(response).toMatchObject({ isSuccess: true, tool: 'create_lead', requestId: 'sdk-reconnect-1', metadata: { replayed: true } });
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(handshakes).toBe(2);
    // The gateway replayed the mailbox on the new connection, and that replay reached the client.
    expect(gw.logs.some((line) => line.msg === 'undelivered responses re-sent' && line.userId === userId)).toBe(true);
    expect(delivered.some((r) => r.requestId === 'sdk-reconnect-1' && r.metadata.replayed === true)).toBe(true);
    // The re-sent request ran nothing twice, the receipt emptied the mailbox, and the promise settled once.
    const leads = await client.callTool('get_leads', { email: 'reconecta@example.com' });
    expect((leads.data as { total: number }).total).toBe(1);
    await eventually(async () => (await gw.deps.mailbox.pending(userId)).length === 0);
    expect((await client.getHistory()).filter((entry) => entry.requestId === 'sdk-reconnect-1')).toHaveLength(1);
    await sleep(200);
    expect(settled).toBe(1);
    expect(client.pendingRequests).toBe(0);
  });

  it('a request cut by a server-side disconnect is re-sent with the same requestId and answered once', async () => {
    const client = make({ token: await gw.token('resend-user') });
    await client.connect();
    const progress: string[] = [];
    const answered = client.callTool('get_leads', { pageSize: 5 }, { requestId: 'sdk-resend-1', onProgress: (p) => progress.push(p.stage) });
    await eventually(() => progress.includes('tool-started'));
    const first = client.socketId;
    gw.gateway.io.of('/').sockets.get(first ?? '')?.disconnect(true);
    const response = await answered;
    expect(response).toMatchObject({ isSuccess: true, requestId: 'sdk-resend-1' });
    expect(client.state).toBe('connected');
    expect(client.socketId).not.toBe(first);
    const answeredLines = () => gw.logs.filter((line) => line.requestId === 'sdk-resend-1' && line.msg === 'tool call answered');
    await eventually(() => answeredLines().length > 0); // logged after history is stored, just after the reply
    await sleep(200);
    expect(answeredLines()).toHaveLength(1);
  });

  it('session-replaced: the old client stops in state replaced and does not reconnect into a kick loop', async () => {
    const client = make({ token: await gw.token('kicked-user') });
    await client.connect();
    const seen = states(client);
    const inFlight = client.sendPrompt('Liste todas as máquinas disponíveis');
    void inFlight.catch(() => undefined);
    const newer = await gw.connect('kicked-user');
    await eventually(() => client.state === 'replaced');
    expect((await rejection(inFlight)).code).toBe('SESSION_REPLACED');
    await sleep(500);
    expect(seen).toEqual(['replaced']);
    expect(newer.connected).toBe(true);
    expect((await rejection(client.listTools())).code).toBe('SESSION_REPLACED');
    expect(gw.logs.filter((line) => line.msg === 'session replaced: kicking the previous connection' && line.userId === 'kicked-user')).toHaveLength(1);
  });

  it('with a static token, expiry on the live connection ends in state expired', async () => {
    const client = make({ token: await gw.token('static-short', { ttlSeconds: 1 }) });
    await client.connect();
    const change = await new Promise<{ state: ClientState; code: string | undefined }>((resolve) =>
      client.on('state', (c) => resolve({ state: c.state, code: c.error?.code })),
    );
    expect(change).toEqual({ state: 'expired', code: 'TOKEN_EXPIRED' });
  });

  it('getToken + auth-refresh keep a short-lived token connection alive past its first expiry', async () => {
    let minted = 0;
    const client = make({
      getToken: () => {
        minted += 1;
        return gw.token('refresh-user', { ttlSeconds: 2 });
      },
    });
    const refreshed: Array<string | null> = [];
    client.on('token-refreshed', ({ expiresAt }) => refreshed.push(expiresAt));
    const failures: GatewayError[] = [];
    client.on('token-refresh-failed', (error) => failures.push(error));
    await client.connect();
    const seen = states(client);
    const socketId = client.socketId;
    await sleep(4_500); // two lifetimes of the first token
    expect(seen).toEqual([]);
    expect(client.socketId).toBe(socketId);
    expect(refreshed.length).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual([]);
    expect(minted).toBe(1 + refreshed.length);
    expect((await client.sendPrompt('Mostre todas as máquinas')).isSuccess).toBe(true);
    expect(gw.logs.some((line) => line.msg === 'token expired on a live socket; disconnecting' && line.userId === 'refresh-user')).toBe(false);
  });

  it('a refused auth-refresh is reported (token-refresh-failed with the code) while the connection lives on', async () => {
    let calls = 0;
    const client = make({
      // The first token is fine; the "refreshed" one belongs to someone else, which the gateway refuses.
      getToken: () => gw.token(calls++ === 0 ? 'refresh-victim' : 'someone-else', { ttlSeconds: 3 }),
    });
    const failed = new Promise<GatewayError>((resolve) => client.on('token-refresh-failed', resolve));
    await client.connect();
    expect((await failed).code).toBe('FORBIDDEN');
    expect(client.state).toBe('connected');
  });
});
