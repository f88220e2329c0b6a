// Artillery processor for the socketio scenarios (deploy/artillery/scenarios): gives every virtual user its own
// user and HS256 token, picks realistic prompts (pt-BR and en, the rules planner's grammar), checks each
// send-prompt ack (the response itself) and confirms it to the gateway's mailbox, reconnects now and then, and
// adds prompt metrics per kind.
//
// An ES module: artillery 2.0.21 import()s a processor whose name ends in .mjs (anything else is require()d, which
// in this "type": "module" workspace would need .cjs and CommonJS globals the linter does not know).
//
// Environment (set by deploy/artillery/run.ts, or by hand when running artillery directly):
//   API_SECRET            the gateway's HS256 secret (required)
//   JWT_ISSUER, JWT_AUDIENCE  added as iss / aud when the gateway checks them
//   LOAD_ACCOUNTS         how many LeadLovers accounts the users are spread over (default 10)
//   LOAD_TOKEN_TTL_S      token lifetime (default 7200: longer than the soak)
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

const SECRET = process.env.API_SECRET;
if (!SECRET) {
  throw new Error('deploy/artillery/processor.mjs: set API_SECRET (the gateway\'s HS256 secret) so each virtual user can mint its token');
}
const ISSUER = process.env.JWT_ISSUER || undefined;
const AUDIENCE = process.env.JWT_AUDIENCE || undefined;
const ACCOUNTS = positiveInt(process.env.LOAD_ACCOUNTS, 10);
const TOKEN_TTL_S = positiveInt(process.env.LOAD_TOKEN_TTL_S, 7200);
const RECONNECT_TIMEOUT_MS = 10_000;
/** As the SDK: responses received as acks are confirmed with one batched ack-response after this long idle. */
const CONFIRM_DELAY_MS = 1_000;
/** How long a reconnect or the end of the flow waits for the gateway to take the last confirmations. */
const CONFIRM_TIMEOUT_MS = 2_000;

function positiveInt(value, fallback) {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

function nonNegativeInt(value, fallback) {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The same token src/auth/mint.ts mints (HS256 over the UTF-8 secret), without depending on jose here. */
function mintToken(userId, account, name) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, account, name, iat: now, exp: now + TOKEN_TTL_S };
  if (ISSUER) claims.iss = ISSUER;
  if (AUDIENCE) claims.aud = AUDIENCE;
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

/** A distinct user per virtual user (the gateway keeps one connection per user), spread over a few accounts. */
function assignIdentity(context) {
  const tag = String(context._uid || Math.random().toString(16).slice(2)).replace(/-/g, '').slice(0, 12);
  const account = `load-account-${1 + (parseInt(tag.slice(0, 6), 16) % ACCOUNTS)}`;
  context.vars.userId = `load-${tag}`;
  context.vars.account = account;
  context.vars.userTag = tag;
  context.vars.token = mintToken(context.vars.userId, account, `Load ${tag}`);
}

// The socketio engine opens a virtual user's socket before the first step of its flow and has no beforeScenario
// hook, so a per-user token cannot come from a flow step (artilleryio/artillery#3520, #3577). This wraps the
// engine's socket factory so that `{{ token }}` in config.socketio.auth is this user's freshly minted token.
(function hookSocketFactory() {
  // CommonJS modules share one cache per thread, which createRequire exposes to an ES module.
  const { cache } = createRequire(import.meta.url);
  const key = Object.keys(cache).find((name) => /[\\/]@artilleryio[\\/]int-core[\\/]lib[\\/]engine_socketio\.js$/.test(name));
  if (!key) {
    throw new Error('deploy/artillery/processor.mjs: artillery\'s socketio engine is not loaded; run the scenarios with artillery 2.0.21 (deploy/artillery/run.ts)');
  }
  const Engine = cache[key].exports;
  const original = Engine.prototype.loadContextSocket;
  if (original.mintsTokens) return;
  const loadContextSocket = function (namespace, context, callback) {
    if (context.vars && context.vars.token === undefined) assignIdentity(context);
    // Start of the handshake, for socketio.connect_time (onConnected): the engine does not time connections.
    if (!context.sockets || !context.sockets[namespace]) context.loadConnectStartedAt = performance.now();
    return original.call(this, namespace, context, callback);
  };
  loadContextSocket.mintsTokens = true;
  Engine.prototype.loadContextSocket = loadContextSocket;
})();

// ---------------------------------------------------------------------------------------------------------------
// Prompts: kinds, weights (reads dominate, as in the console) and phrasings the rules planner routes to one tool.

const MACHINES = [12345, 23456, 34567, 45678];
const FIRST_NAMES = ['Carlos', 'Maria', 'João', 'Ana', 'Pedro', 'Juliana', 'John', 'Mary', 'Lucas', 'Fernanda'];
const LAST_NAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Smith', 'Costa', 'Pereira', 'Almeida'];

const pick = (items) => items[Math.floor(Math.random() * items.length)];

const KINDS = {
  'list-machines': {
    weight: 20,
    make: () => pick(['Liste todas as máquinas disponíveis', 'Quais máquinas eu tenho?', 'List all available machines', 'Show my machines']),
  },
  'machine-leads': {
    weight: 25,
    make: () => {
      const m = pick(MACHINES);
      return pick([`Quais são os leads da máquina ${m}`, `Busque leads da máquina ${m}`, `Show leads of machine ${m}`, `Leads da máquina ${m} criados nos últimos 7 dias`]);
    },
  },
  'machine-details': {
    weight: 10,
    make: () => {
      const m = pick(MACHINES);
      return pick([`Detalhes da máquina ${m}`, `Mostre os detalhes da máquina ${m}`, `Details of machine ${m}`]);
    },
  },
  sequences: {
    weight: 15,
    make: () => {
      const m = pick(MACHINES);
      return pick([`Liste sequências da máquina ${m}`, `Quais sequências de email a máquina ${m} tem?`, `List sequences of machine ${m}`]);
    },
  },
  'email-content': {
    weight: 10,
    make: () =>
      pick([
        'Gere um email de boas-vindas para novos assinantes',
        'Escreva um email de Black Friday com 30% de desconto',
        'Write a welcome email for new subscribers',
      ]),
  },
  'create-lead': {
    weight: 12,
    make: (state) => {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      // Unique per user and prompt: a repeated email would be a CONFLICT, not load.
      const email = `${first.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${state.tag}.${state.seq}@empresa.com`;
      const machine = pick(MACHINES);
      state.pendingLead = { email, machine };
      return Math.random() < 0.5
        ? `Crie um lead chamado ${first} ${last}, email ${email}, na máquina ${machine}`
        : `Create a lead named ${first} ${last} with email ${email} in machine ${machine}`;
    },
  },
  // Needs a lead this user created; falls back to create-lead until there is one.
  'update-lead': {
    weight: 8,
    make: (state) => {
      const lead = pick(state.leads);
      const score = 10 + Math.floor(Math.random() * 90);
      return Math.random() < 0.5 ? `Atualize o score do lead ${lead.email} para ${score}` : `Update the score of lead ${lead.email} to ${score}`;
    },
  },
};

const TOTAL_WEIGHT = Object.values(KINDS).reduce((sum, kind) => sum + kind.weight, 0);

function weightedKind() {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const [name, kind] of Object.entries(KINDS)) {
    roll -= kind.weight;
    if (roll < 0) return name;
  }
  return 'list-machines';
}

function stateOf(context) {
  if (!context.loadState) {
    context.loadState = { tag: context.vars.userTag, seq: 0, leads: [], pendingLead: undefined, startedAt: 0, kind: '', unconfirmed: [], confirmTimer: undefined };
  }
  return context.loadState;
}

/**
 * A send-prompt ack is the response, and the gateway keeps it in the mailbox until the client confirms it. The
 * scenarios' payload is a fixed template (it cannot carry a `received` list), so, like an idle SDK client, the
 * user confirms with one ack-response { requestIds } after CONFIRM_DELAY_MS.
 */
function confirmLater(context, requestId) {
  const state = stateOf(context);
  state.unconfirmed.push(requestId);
  if (!state.confirmTimer) state.confirmTimer = setTimeout(() => flushConfirmations(context), CONFIRM_DELAY_MS);
}

/** Sends the queued confirmations; with `then`, calls it once the gateway answered (bounded), e.g. before a disconnect. */
function flushConfirmations(context, then) {
  const state = stateOf(context);
  clearTimeout(state.confirmTimer);
  state.confirmTimer = undefined;
  const socket = context.sockets && context.sockets[''];
  const requestIds = state.unconfirmed.splice(0, 100);
  if (!socket || !socket.connected || requestIds.length === 0) {
    state.unconfirmed.splice(0, 0, ...requestIds); // not connected: the mailbox replays them after the reconnect
    if (then) then();
    return;
  }
  if (state.unconfirmed.length > 0) state.confirmTimer = setTimeout(() => flushConfirmations(context), 0);
  if (!then) {
    socket.emit('ack-response', { requestIds });
    return;
  }
  // The gateway drops an event whose connection closes while it is still in its middleware: wait for its answer.
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(once, CONFIRM_TIMEOUT_MS);
  socket.emit('ack-response', { requestIds }, once);
}

// ---------------------------------------------------------------------------------------------------------------
// Flow functions (callback style: artillery passes (context, events, done))

/**
 * First step of every flow, once the socket is up: confirm each prompt-response event (a mailbox replay; as a real
 * client does, so it is not replayed again), count what a client would notice, and draw this user's number of
 * prompts between the scenario's promptsMin and promptsMax.
 */
function onConnected(context, events, done) {
  const socket = context.sockets && context.sockets[''];
  if (!socket) return done(new Error('onConnected: the virtual user has no socket'));
  const state = stateOf(context);
  if (typeof context.loadConnectStartedAt === 'number') {
    events.emit('histogram', 'socketio.connect_time', performance.now() - context.loadConnectStartedAt);
  }
  // Events come only for what an ack could not carry (mailbox replays after a reconnect): confirm each.
  socket.on('prompt-response', (_response, received) => {
    if (typeof received === 'function') received();
  });
  socket.on('error', (error) => events.emit('counter', `gateway.error_event.${(error && error.code) || 'unknown'}`, 1));
  socket.on('session-replaced', () => events.emit('counter', 'gateway.session_replaced', 1));
  socket.on('server-draining', () => events.emit('counter', 'gateway.server_draining', 1));
  socket.on('disconnect', (reason) => {
    if (!state.leaving) events.emit('counter', `gateway.unexpected_disconnect.${reason.replace(/\s+/g, '_')}`, 1);
  });
  const min = positiveInt(context.vars.promptsMin, 3);
  const max = Math.max(min, positiveInt(context.vars.promptsMax, min));
  context.vars.prompts = min + Math.floor(Math.random() * (max - min + 1));
  return done();
}

/**
 * Sets {{ prompt }} and {{ requestId }} for the next send-prompt. The kind is drawn by weight, or taken in order
 * from the comma-separated promptSequence variable (the smoke scenario runs every kind).
 */
function nextPrompt(context, _events, done) {
  const state = stateOf(context);
  state.seq += 1;
  let kind;
  if (typeof context.vars.promptSequence === 'string' && context.vars.promptSequence.trim() !== '') {
    const sequence = context.vars.promptSequence.split(',').map((name) => name.trim());
    kind = sequence[(state.seq - 1) % sequence.length];
  } else {
    kind = weightedKind();
  }
  if (!KINDS[kind]) return done(new Error(`nextPrompt: unknown prompt kind "${kind}"`));
  if (kind === 'update-lead' && state.leads.length === 0) kind = 'create-lead';
  state.pendingLead = undefined;
  state.kind = kind;
  context.vars.prompt = KINDS[kind].make(state);
  context.vars.requestId = `load-${state.tag}-${state.seq}`;
  // Think time after this prompt, uniform in [thinkMinMs, thinkMaxMs]; "ms" because artillery reads a bare
  // integer as seconds.
  const thinkMin = nonNegativeInt(context.vars.thinkMinMs, 1000);
  const thinkMax = Math.max(thinkMin, nonNegativeInt(context.vars.thinkMaxMs, thinkMin));
  context.vars.think = `${thinkMin + Math.floor(Math.random() * (thinkMax - thinkMin + 1))}ms`;
  state.startedAt = performance.now();
  return done();
}

/**
 * Runs after `emit: send-prompt` + `acknowledge: capture $.1 as ack`. The scenarios set socketio.ackTimeout, so the
 * ack arrives as (err, response): a timeout or a disconnect leaves no response. Anything but isSuccess: true fails
 * the virtual user (counted in vusers.failed, which the ensure checks read), under an error named by its code.
 */
function checkAck(context, events, done) {
  const state = stateOf(context);
  const ack = context.vars.ack;
  delete context.vars.ack;
  const elapsed = performance.now() - state.startedAt;
  if (!ack || typeof ack !== 'object') {
    events.emit('counter', 'prompt.failed.NO_ACK', 1);
    events.emit('error', `prompt ${state.kind}: no ack (timeout or disconnect)`);
    return done(new Error(`prompt ${state.kind}: no ack`));
  }
  if (ack.isSuccess !== true) {
    const code = ack.code || 'NO_CODE';
    events.emit('counter', `prompt.failed.${code}`, 1);
    events.emit('error', `prompt ${state.kind}: ${code}`);
    return done(new Error(`prompt ${state.kind}: ${code}: ${ack.message || ack.error || ''}`));
  }
  if (typeof ack.requestId === 'string') confirmLater(context, ack.requestId);
  events.emit('counter', 'prompt.ok', 1);
  events.emit('counter', `prompt.ok.${state.kind}`, 1);
  events.emit('histogram', 'prompt.response_time', elapsed);
  events.emit('histogram', `prompt.response_time.${state.kind}`, elapsed);
  if (ack.metadata && typeof ack.metadata.executionTime === 'number') {
    events.emit('histogram', 'prompt.server_time', ack.metadata.executionTime);
  }
  if (state.pendingLead) state.leads.push(state.pendingLead);
  return done();
}

/**
 * After a prompt, with probability {{ reconnectProbability }} (0..1), or after every {{ reconnectEvery }}th prompt
 * when that is set (the smoke, to be deterministic): drop the connection and reconnect the same user with a fresh
 * token, as a client does after a network blip. Never after the last prompt. The reconnect must succeed within
 * 10 s or the user fails.
 */
function maybeReconnect(context, events, done) {
  const state = stateOf(context);
  const every = positiveInt(context.vars.reconnectEvery, 0);
  const due = every > 0 ? state.seq % every === 0 : Math.random() < (Number(context.vars.reconnectProbability) || 0);
  if (!due || state.seq >= Number(context.vars.prompts)) return done();
  const socket = context.sockets && context.sockets[''];
  if (!socket) return done(new Error('maybeReconnect: the virtual user has no socket'));
  flushConfirmations(context, () => reconnect(context, events, done, socket));
}

function reconnect(context, events, done, socket) {
  const state = stateOf(context);
  const startedAt = performance.now();
  let finished = false;
  const finish = (err) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.off('connect', onConnect);
    socket.off('connect_error', onError);
    state.leaving = false;
    if (err) {
      events.emit('counter', 'socketio.reconnect_failed', 1);
      events.emit('error', `reconnect: ${err.message}`);
      return done(err);
    }
    events.emit('counter', 'socketio.reconnects', 1);
    events.emit('histogram', 'socketio.reconnect_time', performance.now() - startedAt);
    return done();
  };
  const onConnect = () => finish();
  const onError = (err) => finish(new Error((err && err.data && err.data.code) || (err && err.message) || 'connect_error'));
  const timer = setTimeout(() => finish(new Error('timeout')), RECONNECT_TIMEOUT_MS);
  state.leaving = true;
  socket.disconnect();
  socket.auth = { token: mintToken(context.vars.userId, context.vars.account, `Load ${state.tag}`) };
  socket.once('connect', onConnect);
  socket.once('connect_error', onError);
  socket.connect();
}

/** Last step: the engine closes the socket next; that disconnect is expected. The last confirmations go first. */
function leaving(context, _events, done) {
  stateOf(context).leaving = true;
  return flushConfirmations(context, () => done());
}

export { onConnected, nextPrompt, checkAck, maybeReconnect, leaving, mintToken };
