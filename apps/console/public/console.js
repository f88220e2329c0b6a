// LeadLovers realtime gateway console: an ES module with no bundler and no framework. It talks to the gateway
// that served it through the client SDK (packages/client), which the gateway serves as one ESM file at /client.js:
// the SDK owns the connection (reconnects, drains, session replacement, token expiry) and the page renders it.
//
// Security rule for this file: every piece of text that comes from the server or from a token is inserted with
// textContent / createElement / append(string). No innerHTML anywhere. The only server HTML rendered is an email
// body, and it goes into an <iframe sandbox=""> through `srcdoc` (no scripts, opaque origin).

// ------------------------------------------------------------------------------------------------ constants

const STORAGE_TOKEN = 'leadlovers.console.token';
const STORAGE_PREFS = 'leadlovers.console.prefs';
const MAX_PROMPT_LENGTH = 4000;
const HISTORY_LIMIT = 20;
/** Rows rendered per table; the raw JSON view always has everything. */
const MAX_TABLE_ROWS = 200;
/** Leads kept in the live feed (newest first). */
const MAX_FEED_LEADS = 50;
/** Quiet time after the last keystroke before suggest-prompts is asked (the server also caches answers). */
const SUGGEST_DEBOUNCE_MS = 250;

const TRANSPORTS = {
  websocket: ['websocket'],
  polling: ['polling'],
  // Socket.IO's default: start with HTTP long-polling, upgrade to WebSocket when it can.
  both: ['polling', 'websocket'],
};

const TRANSPORT_HINTS = {
  websocket: "transports: ['websocket'] — só WebSocket, sem fallback. (WebSocket only.)",
  polling: "transports: ['polling'] — só HTTP long-polling, sem upgrade. (Polling only.)",
  both: "transports: ['polling', 'websocket'] — polling primeiro, depois upgrade para WebSocket (padrão do Socket.IO).",
};

const MODE_HINTS = {
  auth: "createGatewayClient({ tokenPlacement: 'auth' }) → io(url, { auth: { token } }). Forma preferencial. (Preferred.)",
  header:
    "tokenPlacement: 'header' → Authorization: Bearer …. Navegadores só enviam cabeçalhos no polling HTTP, então este " +
    "modo força transports: ['polling']. (Browsers send headers with polling only: transport forced to polling.)",
  query: "tokenPlacement: 'query' → o token vai na URL e pode aparecer em logs de proxy. (The token may show up in proxy logs.)",
};

const EXAMPLES = [
  'Liste todas as máquinas disponíveis',
  'Busque leads da máquina 12345',
  'Crie um lead chamado Carlos Silva, email carlos@empresa.com, telefone 11987654321, na máquina 12345',
  'Detalhes da máquina 12345',
  'Liste sequências da máquina 12345',
  'Crie um email de Black Friday com 50% de desconto para curso de marketing',
];

/** Pill label (pt, en) for each state the page shows: the SDK's states plus 'error' and 'disconnected'. */
const STATUS_LABELS = {
  disconnected: ['desconectado', 'disconnected'],
  connecting: ['conectando', 'connecting'],
  connected: ['conectado', 'connected'],
  reconnecting: ['reconectando', 'reconnecting'],
  error: ['erro', 'error'],
  replaced: ['sessão substituída', 'replaced'],
  draining: ['servidor encerrando', 'draining'],
  expired: ['token expirado', 'expired'],
};

const PROGRESS_LABELS = {
  planned: 'planejado',
  'tool-started': 'executando ferramenta',
  'tool-progress': 'em progresso',
  chunk: 'recebendo',
};

const VOICE_ERRORS = {
  'not-allowed': 'Permissão do microfone negada. (Microphone permission denied.)',
  'service-not-allowed': 'O navegador não permite reconhecimento de voz aqui. (Speech service not allowed.)',
  'no-speech': 'Nenhuma fala detectada. (No speech detected.)',
  'audio-capture': 'Nenhum microfone encontrado. (No microphone.)',
  network: 'O serviço de reconhecimento de voz não respondeu. (Speech service unreachable.)',
  'language-not-supported': 'Idioma não suportado pelo reconhecimento de voz. (Language not supported.)',
};

// ------------------------------------------------------------------------------------------------ DOM helpers

/**
 * createElement with properties and children. Strings become text nodes (never parsed as HTML).
 * props: class, text, hidden, dataset, on<event>, anything else → setAttribute.
 */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value == null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'hidden') node.hidden = Boolean(value);
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(typeof child === 'object' ? child : String(child));
  }
  return node;
}

/** Portuguese label followed by the English one in small text. */
function bi(pt, en) {
  return [pt, ' ', el('span', { class: 'en', lang: 'en', text: en })];
}

function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`console: #${id} is missing from index.html`);
  return node;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPrimitive(value) {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function formatTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleTimeString();
}

function formatDateTime(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString();
}

function formatMs(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function safeJson(value) {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

function errorCode(err) {
  return err && typeof err.code === 'string' ? err.code : '';
}

function errorMessage(err) {
  return err && typeof err.message === 'string' ? err.message : String(err);
}

function newId() {
  if (typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  // crypto.randomUUID needs a secure context (https or localhost); getRandomValues does not.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ------------------------------------------------------------------------------------------------ elements

const ui = {
  pill: $('status-pill'),
  statusDetail: $('status-detail'),
  banner: $('banner'),
  bannerText: $('banner-text'),
  bannerAction: $('banner-action'),
  bannerClose: $('banner-close'),
  connDetails: $('conn-details'),
  connSummary: $('conn-summary'),
  connForm: $('conn-form'),
  token: $('token'),
  tokenClaims: $('token-claims'),
  tokenForget: $('token-forget'),
  tokenSaved: $('token-saved'),
  modeHint: $('mode-hint'),
  transportSet: $('transport-set'),
  transportHint: $('transport-hint'),
  connect: $('connect'),
  disconnect: $('disconnect'),
  presenceList: $('presence-list'),
  presenceCount: $('presence-count'),
  presenceEmpty: $('presence-empty'),
  notifyEnable: $('notify-enable'),
  notifyState: $('notify-state'),
  leadsFeed: $('leads-feed'),
  leadsCount: $('leads-count'),
  leadsEmpty: $('leads-empty'),
  getHistory: $('get-history'),
  historyOutput: $('history-output'),
  listTools: $('list-tools'),
  toolsOutput: $('tools-output'),
  log: $('log'),
  logEmpty: $('log-empty'),
  clearLog: $('clear-log'),
  newConversation: $('new-conversation'),
  promptForm: $('prompt-form'),
  prompt: $('prompt'),
  suggestions: $('suggestions'),
  suggestionsStatus: $('suggestions-status'),
  promptCount: $('prompt-count'),
  promptNotice: $('prompt-notice'),
  send: $('send'),
  chips: $('chips'),
  voice: $('voice'),
  mic: $('mic'),
  micLabel: $('mic-label'),
  voiceLang: $('voice-lang'),
  voicePanel: $('voice-panel'),
  voiceState: $('voice-state'),
  voiceTranscript: $('voice-transcript'),
  voiceSend: $('voice-send'),
  voiceEdit: $('voice-edit'),
  voiceDiscard: $('voice-discard'),
};

// ------------------------------------------------------------------------------------------------ state

const state = {
  /** The SDK, once /client.js has loaded. */
  sdk: null,
  /** The current GatewayClient, or null. Listeners of an older client check against it and do nothing. */
  client: null,
  /** Unsubscribe functions of the current client's listeners. */
  unsubscribe: [],
  /** The user the current token claims to be (sub), to mark "you" in the presence list. */
  userId: '',
  /** Sent with every prompt, so a planner that keeps context (the LLM planners) sees one conversation. */
  conversationId: newId(),
  /** requestId → chat entry of a prompt sent from this page (or of a replayed response). */
  entries: new Map(),
  /** userId → PresenceUser of the account. */
  presence: new Map(),
  leadsSeen: 0,
  historyTimer: null,
  suggest: { timer: null, seq: 0, items: [], active: -1 },
  voice: { Recognition: null, recognition: null, listening: false, transcript: '', failed: false },
};

// ------------------------------------------------------------------------------------------------ storage

function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, policy): the page still works without it
  }
}

function storageSet(key, value) {
  try {
    if (value == null || value === '') window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

function loadPrefs() {
  try {
    const prefs = JSON.parse(storageGet(STORAGE_PREFS) || '{}');
    return isPlainObject(prefs) ? prefs : {};
  } catch {
    return {};
  }
}

function savePrefs() {
  storageSet(STORAGE_PREFS, JSON.stringify({ mode: radioValue('mode'), transport: radioValue('transport'), voiceLang: ui.voiceLang.value }));
}

function radioValue(name) {
  const checked = document.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : '';
}

function setRadio(name, value) {
  // Values come from localStorage: keep them to letters so they cannot break the selector.
  const safe = String(value).replace(/[^a-z]/gi, '');
  const input = document.querySelector(`input[name="${name}"][value="${safe}"]`);
  if (input) input.checked = true;
}

// ------------------------------------------------------------------------------------------------ token

/** Accepts a bare JWT or one pasted with a "Bearer " prefix or surrounding whitespace/quotes. */
function normalizeToken(raw) {
  return String(raw || '')
    .trim()
    .replace(/^bearer\s+/i, '')
    .replace(/^["']|["']$/g, '')
    .trim();
}

/** The dev-mode token: the gateway prints http://host/#token=… at start-up. */
function tokenFromHash() {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  const token = new URLSearchParams(hash).get('token');
  return token ? normalizeToken(token) : null;
}

/** Removes #token=… from the address bar so that it is not bookmarked, shared or kept in history. */
function stripTokenFromUrl() {
  try {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  } catch {
    // not fatal: the token simply stays in the address bar
  }
}

function rememberToken(token) {
  const ok = storageSet(STORAGE_TOKEN, token);
  ui.tokenSaved.textContent = !ok ? 'localStorage indisponível: o token não será lembrado.' : token ? 'Token lembrado neste navegador.' : '';
}

function decodeJwtPayload(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '==='.slice((b64.length + 3) % 4);
    const bytes = Uint8Array.from(window.atob(padded), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new window.TextDecoder().decode(bytes));
    return isPlainObject(payload) ? payload : null;
  } catch {
    return null;
  }
}

/** Shows what the token claims (decoded locally, not verified): who, which account, when it expires. */
function showTokenClaims() {
  const token = normalizeToken(ui.token.value);
  ui.tokenClaims.classList.remove('warn');
  if (!token) {
    ui.tokenClaims.textContent = '';
    return;
  }
  const claims = decodeJwtPayload(token);
  if (!claims) {
    ui.tokenClaims.classList.add('warn');
    ui.tokenClaims.textContent = 'Não parece um JWT (header.payload.signature). The server will answer TOKEN_INVALID.';
    return;
  }
  const parts = [];
  for (const key of ['sub', 'email', 'name', 'account']) {
    if (isPrimitive(claims[key]) && claims[key] != null && claims[key] !== '') parts.push(`${key}: ${claims[key]}`);
  }
  if (typeof claims.exp === 'number') {
    const expiresAt = new Date(claims.exp * 1000);
    const minutes = Math.round((expiresAt.getTime() - Date.now()) / 60000);
    if (expiresAt.getTime() < Date.now()) {
      ui.tokenClaims.classList.add('warn');
      parts.push(`expirou há ${-minutes} min (${formatTime(expiresAt)}) — expect TOKEN_EXPIRED`);
    } else {
      parts.push(`expira em ${minutes} min (${formatTime(expiresAt)})`);
    }
  } else {
    parts.push('sem exp');
  }
  ui.tokenClaims.textContent = `${parts.join(' · ')} (decodificado localmente, não verificado)`;
}

/** Fills the token box from #token=… (then strips it) or from localStorage; true when it came from the URL. */
function loadInitialToken() {
  const fromHash = tokenFromHash();
  if (fromHash) {
    ui.token.value = fromHash;
    rememberToken(fromHash);
    stripTokenFromUrl();
  } else {
    const stored = storageGet(STORAGE_TOKEN);
    if (stored) {
      ui.token.value = stored;
      ui.tokenSaved.textContent = 'Token lembrado neste navegador.';
    }
  }
  showTokenClaims();
  return Boolean(fromHash);
}

// ------------------------------------------------------------------------------------------------ status

function setStatus(name, detail) {
  const [pt, en] = STATUS_LABELS[name] || [name, name];
  ui.pill.className = `pill pill-${name}`;
  ui.pill.dataset.state = name;
  ui.pill.replaceChildren(...bi(pt, en));
  ui.statusDetail.textContent = detail || '';
  document.body.dataset.status = name;
  updateControls();
}

function isOnline() {
  const client = state.client;
  return Boolean(client && (client.state === 'connected' || client.state === 'draining'));
}

/** A prompt can be queued while the SDK (re)connects: it sends held requests once the connection is back. */
function canSend() {
  const client = state.client;
  return Boolean(client && ['connecting', 'connected', 'reconnecting', 'draining'].includes(client.state));
}

function updateControls() {
  const client = state.client;
  const live = Boolean(client && !['closed', 'replaced', 'expired'].includes(client.state));
  ui.send.disabled = !canSend();
  ui.voiceSend.disabled = !canSend();
  ui.listTools.disabled = !isOnline();
  ui.getHistory.disabled = !isOnline();
  ui.disconnect.disabled = !live;
  ui.connect.replaceChildren(...(client ? bi('Reconectar', 'Reconnect') : bi('Conectar', 'Connect')));
}

/** A banner for states that need the user (replaced, expired, refused): text and an optional action. */
function showBanner(text, action) {
  ui.connDetails.open = true; // every banner is about the connection: its form must be at hand
  ui.bannerText.textContent = text;
  ui.banner.dataset.kind = action ? action.kind : '';
  if (action) {
    ui.bannerAction.replaceChildren(...bi(action.pt, action.en));
    ui.bannerAction.onclick = action.run;
    ui.bannerAction.hidden = false;
  } else {
    ui.bannerAction.hidden = true;
    ui.bannerAction.onclick = null;
  }
  ui.banner.hidden = false;
}

function hideBanner() {
  ui.banner.hidden = true;
  ui.bannerText.textContent = '';
  ui.bannerAction.hidden = true;
  ui.bannerAction.onclick = null;
}

function showModeHint() {
  const mode = radioValue('mode');
  ui.modeHint.textContent = MODE_HINTS[mode] || '';
  // Header mode can only work over polling: the transport choice is overridden while it is selected.
  ui.transportSet.disabled = mode === 'header';
  ui.transportHint.textContent =
    mode === 'header' ? "Ignorado no modo header: transports = ['polling']. (Ignored in header mode.)" : TRANSPORT_HINTS[radioValue('transport')] || '';
}

// ------------------------------------------------------------------------------------------------ chat log

function isLogNearBottom() {
  return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 120;
}

function scrollLogToBottom() {
  ui.log.scrollTop = ui.log.scrollHeight;
}

function appendToLog(node, { forceScroll = false } = {}) {
  const stick = forceScroll || isLogNearBottom();
  ui.logEmpty.hidden = true;
  ui.log.append(node);
  if (stick) scrollLogToBottom();
  return node;
}

function entryHeader(kindLabel, extra) {
  return el('header', { class: 'entry-head' }, el('span', { class: 'entry-kind', text: kindLabel }), extra, el('time', { text: formatTime(new Date()) }));
}

function chip(text, cls) {
  return el('span', { class: `chip ${cls || ''}`.trim(), text });
}

/** A connection-level line in the log: info, warn or error. */
function logSystem(level, text, ...chips) {
  appendToLog(
    el(
      'article',
      { class: `entry entry-system level-${level}` },
      entryHeader(level === 'error' ? 'erro' : level === 'warn' ? 'aviso' : 'conexão', chips),
      el('p', { class: 'entry-text', text }),
    ),
  );
}

function addPromptEntry(prompt, requestId, controller) {
  const note = el('p', { class: 'entry-note', text: 'Aguardando resposta… (waiting for the response)' });
  // Progress updates change often: aria-live="off" keeps screen readers from announcing each one.
  const progress = el('div', { class: 'progress', 'aria-live': 'off', hidden: true });
  const progressBar = el('progress', { class: 'progress-bar', 'aria-label': 'Progresso do prompt' });
  const progressLine = el('p', { class: 'progress-line' });
  progress.append(progressBar, progressLine);
  const stream = el('pre', { class: 'progress-stream', 'aria-live': 'off', hidden: true });
  const cancel = el('button', { type: 'button', class: 'btn btn-ghost btn-small cancel', onclick: () => controller.abort() }, ...bi('Cancelar', 'Cancel'));
  const responseSlot = el('div', { class: 'response-slot' });
  const article = el(
    'article',
    { class: 'entry entry-prompt pending', dataset: { requestId }, 'aria-busy': 'true' },
    entryHeader('você', [el('code', { class: 'request-id', title: 'requestId', text: requestId }), cancel]),
    el('p', { class: 'prompt-text', text: prompt }),
    note,
    progress,
    stream,
    responseSlot,
  );
  const entry = { requestId, article, note, progress, progressLine, stream, cancel, responseSlot, done: false };
  state.entries.set(requestId, entry);
  appendToLog(article, { forceScroll: true });
  return entry;
}

/** A response whose prompt is not on this page (re-sent from the mailbox after a reload or a replacement). */
function addOrphanEntry(requestId) {
  const responseSlot = el('div', { class: 'response-slot' });
  const article = el(
    'article',
    { class: 'entry entry-prompt', dataset: { requestId } },
    entryHeader('resposta', el('code', { class: 'request-id', title: 'requestId', text: requestId })),
    el('p', {
      class: 'entry-note',
      text: 'Resposta de um prompt que não foi enviado desta página (reenviada pelo servidor). Response to a prompt not sent from this page.',
    }),
    responseSlot,
  );
  const entry = { requestId, article, note: null, progress: null, progressLine: null, stream: null, cancel: null, responseSlot, done: false };
  state.entries.set(requestId, entry);
  appendToLog(article);
  return entry;
}

function finishEntry(entry, outcome) {
  entry.done = true;
  entry.article.classList.remove('pending');
  entry.article.classList.add(outcome);
  entry.article.removeAttribute('aria-busy');
  for (const node of [entry.note, entry.progress, entry.stream, entry.cancel]) if (node) node.remove();
}

function showResponse(entry, response) {
  if (entry.done) return;
  const stick = isLogNearBottom();
  finishEntry(entry, response.isSuccess === true ? 'ok' : 'fail');
  entry.responseSlot.replaceChildren(renderResponse(response));
  if (stick) scrollLogToBottom();
  scheduleHistoryRefresh();
}

function showRequestError(entry, err) {
  if (entry.done) return;
  const code = errorCode(err);
  const cancelled = code === 'CANCELLED';
  finishEntry(entry, cancelled ? 'cancelled' : 'fail');
  const text = cancelled
    ? 'Cancelado. (Cancelled: cancel-prompt sent.)'
    : code === 'SESSION_REPLACED'
      ? 'A sessão foi substituída antes da resposta; ela vai para a conexão nova. (Session replaced.)'
      : errorMessage(err);
  entry.responseSlot.replaceChildren(
    el('div', { class: 'response response-fail' }, el('div', { class: 'chips-row' }, chip(cancelled ? 'cancelado' : '✗ falha', cancelled ? 'chip-warn' : 'chip-fail'), code ? chip(code, 'chip-code') : null), el('p', { class: 'response-error', text })),
  );
}

function handleProgress(entry, progress) {
  if (entry.done || !isPlainObject(progress)) return;
  const stage = PROGRESS_LABELS[progress.stage] || String(progress.stage || '');
  const parts = [stage, typeof progress.tool === 'string' ? progress.tool : '', typeof progress.message === 'string' ? progress.message : ''];
  entry.progressLine.textContent = parts.filter(Boolean).join(' · ');
  entry.progress.hidden = false;
  entry.progress.dataset.stage = String(progress.stage || '');
  if (progress.stage === 'chunk' && typeof progress.chunk === 'string') {
    entry.stream.hidden = false;
    entry.stream.textContent += progress.chunk;
  }
}

// ------------------------------------------------------------------------------------------------ rendering of data

function renderCell(value, depth) {
  if (value == null || value === '') return el('span', { class: 'muted', text: '—' });
  if (typeof value === 'boolean') return value ? 'sim (true)' : 'não (false)';
  if (isPrimitive(value)) return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return el('span', { class: 'muted', text: '[]' });
    if (value.every(isPrimitive)) return value.map((v) => (v == null ? '—' : String(v))).join(', ');
    if (depth < 2 && value.every(isPlainObject)) return renderTable(value, null, depth + 1);
    return el('code', { class: 'json-inline', text: JSON.stringify(value) });
  }
  if (depth < 2) return renderKeyValue(value, null, depth + 1);
  return el('code', { class: 'json-inline', text: JSON.stringify(value) });
}

/** An array of objects as a table; columns are the union of the keys, in order of first appearance. */
function renderTable(rows, caption, depth = 0) {
  const columns = [];
  for (const row of rows) {
    if (!isPlainObject(row)) continue;
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const table = el(
    'table',
    { class: depth > 0 ? 'data-table nested' : 'data-table', dataset: caption ? { kind: caption } : undefined },
    caption ? el('caption', { text: `${caption} (${rows.length})` }) : null,
    el('thead', null, el('tr', null, columns.map((c) => el('th', { scope: 'col', text: c })))),
    el('tbody', null, shown.map((row) => el('tr', null, columns.map((c) => el('td', null, renderCell(isPlainObject(row) ? row[c] : undefined, depth)))))),
  );
  if (depth > 0) return table;
  // A scrollable, focusable region so wide tables can be scrolled with the keyboard on narrow screens.
  return el(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': caption || 'tabela' },
    table,
    rows.length > shown.length ? el('p', { class: 'hint', text: `Mostrando ${shown.length} de ${rows.length} linhas; veja o JSON bruto para todas.` }) : null,
  );
}

/** One object as a two-column key/value table. */
function renderKeyValue(object, caption, depth = 0) {
  const table = el(
    'table',
    { class: depth > 0 ? 'kv-table nested' : 'kv-table', dataset: caption ? { kind: caption } : undefined },
    caption ? el('caption', { text: caption }) : null,
    el('tbody', null, Object.entries(object).map(([key, value]) => el('tr', null, el('th', { scope: 'row', text: key }), el('td', null, renderCell(value, depth))))),
  );
  return depth > 0 ? table : el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': caption || 'detalhes' }, table);
}

function renderEmail(data) {
  const box = el('section', { class: 'email', 'aria-label': 'Email gerado' });
  if (typeof data.subject === 'string') {
    box.append(el('p', { class: 'email-subject' }, el('span', { class: 'email-label', text: 'Assunto (subject): ' }), el('strong', { text: data.subject })));
  }
  if (typeof data.preheader === 'string' && data.preheader) {
    box.append(el('p', { class: 'email-preheader' }, el('span', { class: 'email-label', text: 'Pré-header: ' }), data.preheader));
  }
  if (typeof data.html === 'string' && data.html) {
    const frame = document.createElement('iframe');
    // sandbox="" : no scripts, no forms, no popups, no top navigation, opaque origin.
    frame.setAttribute('sandbox', '');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.title = `Pré-visualização do email: ${typeof data.subject === 'string' ? data.subject : ''}`.trim();
    frame.className = 'email-frame';
    frame.srcdoc = data.html;
    box.append(frame);
    box.append(el('details', null, el('summary', null, ...bi('Código HTML', 'HTML source')), el('pre', { class: 'code', text: data.html })));
  }
  if (typeof data.text === 'string' && data.text) {
    box.append(el('details', null, el('summary', null, ...bi('Versão texto', 'Plain text')), el('pre', { class: 'code', text: data.text })));
  }
  return box;
}

/** Example prompts a server sends with UNKNOWN_INTENT: buttons that put the example in the prompt box. */
function renderExamples(examples) {
  return el(
    'div',
    { class: 'chips inline-chips', role: 'group', 'aria-label': 'Exemplos sugeridos' },
    examples.map((text) => el('button', { type: 'button', class: 'chip-btn', onclick: () => usePrompt(text), text })),
  );
}

const EMAIL_KEYS = ['subject', 'preheader', 'html', 'text'];
const PREFERRED_OBJECT_KEYS = ['lead', 'machine'];
const PREFERRED_ARRAY_KEYS = ['machines', 'leads', 'sequences'];

function renderData(data) {
  if (data === undefined) return null;
  if (isPrimitive(data)) return el('p', { class: 'data-text', text: String(data) });
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every(isPlainObject)) return renderTable(data, 'data');
    return el('p', { class: 'data-text' }, renderCell(data, 0));
  }

  const box = el('div', { class: 'data' });
  const handled = new Set();
  const isEmail = typeof data.html === 'string' || (typeof data.subject === 'string' && typeof data.preheader === 'string');
  if (isEmail) {
    box.append(renderEmail(data));
    for (const key of EMAIL_KEYS) handled.add(key);
  }

  // Scalars and lists of scalars first, as a compact summary (page, total, defaultsApplied, model, removed…).
  const summary = el('dl', { class: 'summary' });
  const stringExamples = Array.isArray(data.examples) && data.examples.length > 0 && data.examples.every((v) => typeof v === 'string');
  for (const [key, value] of Object.entries(data)) {
    if (handled.has(key) || (key === 'examples' && stringExamples)) continue;
    if (isPrimitive(value) || (Array.isArray(value) && value.every(isPrimitive))) {
      summary.append(el('div', null, el('dt', { text: key }), el('dd', null, renderCell(value, 0))));
      handled.add(key);
    }
  }
  if (summary.childElementCount > 0) box.append(summary);

  if (stringExamples) {
    box.append(el('p', { class: 'hint', text: 'Exemplos (clique para usar):' }), renderExamples(data.examples));
    handled.add('examples');
  }

  const orderedKeys = [
    ...PREFERRED_OBJECT_KEYS.filter((k) => k in data),
    ...PREFERRED_ARRAY_KEYS.filter((k) => k in data),
    ...Object.keys(data).filter((k) => !PREFERRED_OBJECT_KEYS.includes(k) && !PREFERRED_ARRAY_KEYS.includes(k)),
  ];
  for (const key of orderedKeys) {
    if (handled.has(key)) continue;
    const value = data[key];
    if (Array.isArray(value)) {
      if (value.length === 0) box.append(el('p', { class: 'hint', text: `${key}: nenhum item (empty).` }));
      else if (value.every(isPlainObject)) box.append(renderTable(value, key));
      else box.append(el('p', { class: 'data-text' }, `${key}: `, renderCell(value, 0)));
    } else if (isPlainObject(value)) {
      box.append(renderKeyValue(value, key));
    }
    handled.add(key);
  }
  return box.childElementCount > 0 ? box : null;
}

/** The whole PromptResponse: outcome, tool, code, timings, message, data and the raw JSON. */
function renderResponse(response) {
  const ok = response.isSuccess === true;
  const metadata = isPlainObject(response.metadata) ? response.metadata : {};
  const chips = [
    chip(ok ? '✓ sucesso' : '✗ falha', ok ? 'chip-ok' : 'chip-fail'),
    typeof response.tool === 'string' ? chip(`tool: ${response.tool}`, 'chip-tool') : null,
    typeof response.code === 'string' ? chip(response.code, 'chip-code') : null,
    formatMs(metadata.executionTime) ? chip(formatMs(metadata.executionTime), 'chip-meta') : null,
    typeof metadata.planner === 'string' ? chip(`planner: ${metadata.planner}`, 'chip-meta') : null,
    typeof metadata.model === 'string' ? chip(`model: ${metadata.model}`, 'chip-meta') : null,
    metadata.replayed === true ? chip('reenviada (replayed)', 'chip-warn') : null,
  ];
  const message = typeof response.message === 'string' ? response.message : '';
  const error = typeof response.error === 'string' ? response.error : '';
  return el(
    'div',
    { class: `response ${ok ? 'response-ok' : 'response-fail'}`, dataset: { tool: typeof response.tool === 'string' ? response.tool : '' } },
    el('div', { class: 'chips-row' }, chips),
    message ? el('p', { class: 'response-message', text: message }) : null,
    error && error !== message ? el('p', { class: 'response-error', text: error }) : null,
    renderData(response.data),
    el('details', { class: 'raw' }, el('summary', null, ...bi('JSON bruto', 'raw JSON')), el('pre', { class: 'code', text: safeJson(response) })),
  );
}

// ------------------------------------------------------------------------------------------------ prompts

function promptNotice(text) {
  ui.promptNotice.textContent = text;
}

function updatePromptCount() {
  ui.promptCount.textContent = `${ui.prompt.value.length}/${MAX_PROMPT_LENGTH}`;
}

function usePrompt(text) {
  ui.prompt.value = text;
  updatePromptCount();
  promptNotice('');
  cancelSuggestions();
  ui.prompt.focus();
}

/** Sends `text` through the SDK and renders its entry; false (with a notice) when it cannot be sent. */
function submitPrompt(text) {
  const prompt = String(text || '').trim();
  if (!prompt) {
    promptNotice('Digite um prompt. (Type a prompt.)');
    return false;
  }
  if (prompt.length > MAX_PROMPT_LENGTH) {
    promptNotice(`O prompt tem mais de ${MAX_PROMPT_LENGTH} caracteres.`);
    return false;
  }
  if (!canSend()) {
    promptNotice('Não conectado: conecte-se primeiro. (Not connected.)');
    return false;
  }
  promptNotice('');
  const client = state.client;
  const requestId = newId();
  const controller = new window.AbortController();
  const entry = addPromptEntry(prompt, requestId, controller);
  if (client.state !== 'connected') {
    entry.note.textContent = 'Na fila: será enviado quando a conexão voltar. (Queued until the connection is back.)';
  }
  client
    .sendPrompt(prompt, {
      requestId,
      conversationId: state.conversationId,
      signal: controller.signal,
      throwOnError: false,
      onProgress: (progress) => handleProgress(entry, progress),
    })
    .then(
      (response) => showResponse(entry, response),
      (err) => showRequestError(entry, err),
    );
  return true;
}

function sendFromInput() {
  if (submitPrompt(ui.prompt.value)) {
    ui.prompt.value = '';
    updatePromptCount();
    cancelSuggestions();
  }
}

// ------------------------------------------------------------------------------------------------ suggestions

/** Debounced: only the last keystroke of a burst asks the gateway, and an answer older than the input is dropped. */
function scheduleSuggestions() {
  const s = state.suggest;
  window.clearTimeout(s.timer);
  s.seq += 1;
  const partial = ui.prompt.value;
  if (!partial.trim() || !isOnline() || partial.includes('\n')) {
    closeSuggestions();
    return;
  }
  const seq = s.seq;
  s.timer = window.setTimeout(() => {
    const client = state.client;
    if (!client || !isOnline()) return;
    client.call('suggest-prompts', { partial }).then(
      (list) => {
        if (seq !== s.seq || client !== state.client || ui.prompt.value !== partial) return;
        showSuggestions(Array.isArray(list) ? list.filter((item) => isPlainObject(item) && typeof item.text === 'string') : []);
      },
      () => {
        // A refused or rate-limited suggestion is not worth a message: typing goes on without them.
        if (seq === s.seq) closeSuggestions();
      },
    );
  }, SUGGEST_DEBOUNCE_MS);
}

const SOURCE_LABELS = { grammar: 'modelo', history: 'histórico', data: 'conta' };

function showSuggestions(items) {
  const s = state.suggest;
  s.items = items;
  s.active = -1;
  if (items.length === 0 || document.activeElement !== ui.prompt) {
    closeSuggestions();
    return;
  }
  ui.suggestions.replaceChildren(
    ...items.map((item, index) =>
      el(
        'li',
        {
          id: `suggestion-${index}`,
          role: 'option',
          class: 'suggestion',
          'aria-selected': 'false',
          dataset: { source: String(item.source || '') },
          // mousedown, not click: the textarea keeps the focus (and the caret) while the choice is made.
          onmousedown: (event) => {
            event.preventDefault();
            acceptSuggestion(index);
          },
        },
        el('span', { class: 'suggestion-text', text: item.text }),
        el('span', { class: 'suggestion-source', text: SOURCE_LABELS[item.source] || String(item.source || '') }),
      ),
    ),
  );
  ui.suggestions.hidden = false;
  ui.prompt.setAttribute('aria-expanded', 'true');
  ui.suggestionsStatus.textContent = `${items.length} sugestões; use as setas para escolher. (${items.length} suggestions.)`;
}

/** Closes the list and forgets any answer still on its way (it would be for text that is gone). */
function cancelSuggestions() {
  window.clearTimeout(state.suggest.timer);
  state.suggest.seq += 1;
  closeSuggestions();
}

function closeSuggestions() {
  const s = state.suggest;
  s.items = [];
  s.active = -1;
  ui.suggestions.hidden = true;
  ui.suggestions.replaceChildren();
  ui.prompt.setAttribute('aria-expanded', 'false');
  ui.prompt.removeAttribute('aria-activedescendant');
}

function moveSuggestion(delta) {
  const s = state.suggest;
  if (s.items.length === 0) return;
  s.active = (s.active + delta + s.items.length + (s.active < 0 && delta < 0 ? 1 : 0)) % s.items.length;
  for (const [index, node] of Array.from(ui.suggestions.children).entries()) {
    const selected = index === s.active;
    node.setAttribute('aria-selected', selected ? 'true' : 'false');
    node.classList.toggle('active', selected);
    if (selected) node.scrollIntoView({ block: 'nearest' });
  }
  ui.prompt.setAttribute('aria-activedescendant', `suggestion-${s.active}`);
}

function acceptSuggestion(index) {
  const item = state.suggest.items[index];
  if (!item) return;
  usePrompt(item.text); // cancels the suggestions: an answer still on its way is for the old text
  ui.prompt.setSelectionRange(item.text.length, item.text.length);
}

/** Keys of the prompt box: suggestion navigation first, then Enter to send. */
function onPromptKeydown(event) {
  const s = state.suggest;
  const open = !ui.suggestions.hidden && s.items.length > 0;
  if (open) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      moveSuggestion(event.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      cancelSuggestions();
      return;
    }
    if (event.key === 'Tab' && !event.shiftKey) {
      event.preventDefault();
      acceptSuggestion(s.active >= 0 ? s.active : 0);
      return;
    }
    if (event.key === 'Enter' && s.active >= 0 && !event.isComposing) {
      event.preventDefault();
      acceptSuggestion(s.active);
      return;
    }
  }
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey) {
    event.preventDefault();
    sendFromInput();
  }
}

// ------------------------------------------------------------------------------------------------ voice

function setupVoice() {
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  // No speech recognition (Firefox, most WebViews): no microphone button at all.
  ui.voice.hidden = typeof Recognition !== 'function';
  state.voice.Recognition = typeof Recognition === 'function' ? Recognition : null;
}

function voiceShowPanel(status) {
  ui.voicePanel.hidden = false;
  ui.voiceState.textContent = status;
}

function setListening(listening) {
  state.voice.listening = listening;
  ui.mic.setAttribute('aria-pressed', listening ? 'true' : 'false');
  ui.mic.classList.toggle('listening', listening);
  ui.micLabel.textContent = listening ? 'Parar' : 'Falar';
}

function startVoice() {
  const v = state.voice;
  if (!v.Recognition) return;
  if (v.listening && v.recognition) {
    v.recognition.stop();
    return;
  }
  let recognition;
  try {
    recognition = new v.Recognition();
  } catch (err) {
    voiceShowPanel(`Reconhecimento de voz indisponível: ${errorMessage(err)}`);
    return;
  }
  v.recognition = recognition;
  v.transcript = '';
  v.failed = false;
  recognition.lang = ui.voiceLang.value || 'pt-BR';
  recognition.interimResults = true;
  recognition.continuous = false;
  recognition.maxAlternatives = 1;
  ui.voiceTranscript.textContent = '';
  ui.voiceTranscript.classList.remove('final');
  ui.voiceSend.hidden = true;
  ui.voiceEdit.hidden = true;
  recognition.onresult = (event) => {
    if (v.recognition !== recognition) return;
    // Every result so far (final and interim) makes the live transcript.
    let finalText = '';
    let interim = '';
    for (let i = 0; i < event.results.length; i++) {
      const result = event.results[i];
      const text = result && result[0] && typeof result[0].transcript === 'string' ? result[0].transcript : '';
      if (result.isFinal) finalText += text;
      else interim += text;
    }
    v.transcript = `${finalText}${interim}`.trim();
    ui.voiceTranscript.textContent = v.transcript;
    ui.voiceTranscript.classList.toggle('final', !interim);
  };
  recognition.onerror = (event) => {
    if (v.recognition !== recognition) return;
    const code = event && typeof event.error === 'string' ? event.error : 'error';
    if (code === 'aborted') return;
    v.failed = true;
    voiceShowPanel(VOICE_ERRORS[code] || `Erro no reconhecimento de voz: ${code}`);
  };
  recognition.onend = () => {
    if (v.recognition !== recognition) return;
    setListening(false);
    if (v.transcript) {
      voiceShowPanel('Confira a transcrição e confirme o envio. (Check the transcript, then send.)');
      ui.voiceSend.hidden = false;
      ui.voiceEdit.hidden = false;
      ui.voiceSend.focus();
    } else if (!v.failed) {
      voiceShowPanel('Nada foi transcrito. (Nothing was transcribed.)');
    }
  };
  try {
    recognition.start();
  } catch (err) {
    voiceShowPanel(`Não foi possível ouvir: ${errorMessage(err)}`);
    return;
  }
  setListening(true);
  voiceShowPanel(`Ouvindo (${recognition.lang})… fale o prompt. (Listening.)`);
}

function discardVoice() {
  const v = state.voice;
  const recognition = v.recognition;
  v.recognition = null;
  v.transcript = '';
  if (recognition && v.listening) recognition.abort();
  setListening(false);
  ui.voicePanel.hidden = true;
  ui.voiceTranscript.textContent = '';
  ui.voiceState.textContent = '';
}

function sendVoice() {
  if (submitPrompt(state.voice.transcript)) discardVoice();
}

function editVoice() {
  const text = state.voice.transcript;
  discardVoice();
  usePrompt(text);
}

// ------------------------------------------------------------------------------------------------ presence

function renderPresence() {
  const users = Array.from(state.presence.values()).sort((a, b) => String(a.connectedAt).localeCompare(String(b.connectedAt)));
  ui.presenceList.replaceChildren(
    ...users.map((user) =>
      el(
        'li',
        { class: 'presence-user', dataset: { userId: user.userId } },
        el('span', { class: 'presence-dot', 'aria-hidden': 'true' }),
        el('span', { class: 'presence-name', text: user.name || user.userId }),
        user.userId === state.userId ? chip('você (you)', 'chip-ok') : null,
        user.name ? el('code', { class: 'presence-id', text: user.userId }) : null,
        user.email ? el('span', { class: 'presence-email', text: user.email }) : null,
        user.connectedAt ? el('time', { class: 'presence-since', text: `desde ${formatTime(user.connectedAt)}` }) : null,
      ),
    ),
  );
  ui.presenceCount.textContent = users.length ? String(users.length) : '';
  ui.presenceEmpty.hidden = users.length > 0;
}

function loadPresence(client) {
  client.getPresence().then(
    (users) => {
      if (client !== state.client) return;
      state.presence.clear();
      for (const user of Array.isArray(users) ? users : []) if (isPlainObject(user) && typeof user.userId === 'string') state.presence.set(user.userId, user);
      renderPresence();
    },
    (err) => {
      if (client === state.client) logSystem('warn', `get-presence falhou: ${errorMessage(err)}`, errorCode(err) ? chip(errorCode(err), 'chip-code') : null);
    },
  );
}

function onPresenceChanged(change) {
  if (!isPlainObject(change) || typeof change.userId !== 'string') return;
  if (change.status === 'offline') state.presence.delete(change.userId);
  else state.presence.set(change.userId, { ...state.presence.get(change.userId), userId: change.userId, name: change.name, connectedAt: change.at });
  renderPresence();
}

// ------------------------------------------------------------------------------------------------ live leads

function notificationsSupported() {
  return typeof window.Notification === 'function';
}

function showNotifyState() {
  if (!notificationsSupported()) {
    ui.notifyEnable.hidden = true;
    ui.notifyState.textContent = '';
    return;
  }
  const permission = window.Notification.permission;
  // requestPermission needs a click: the button is the only way in, and only while the answer is still open.
  ui.notifyEnable.hidden = permission !== 'default';
  ui.notifyState.textContent =
    permission === 'granted'
      ? 'Notificações ativas quando a aba está em segundo plano. (Notifications on while the tab is hidden.)'
      : permission === 'denied'
        ? 'Notificações bloqueadas no navegador. (Notifications blocked.)'
        : '';
}

function enableNotifications() {
  if (!notificationsSupported()) return;
  Promise.resolve(window.Notification.requestPermission()).then(showNotifyState, showNotifyState);
}

function notifyLead(lead) {
  if (!notificationsSupported() || window.Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  try {
    const notification = new window.Notification(`Novo lead: ${lead.name || lead.email}`, {
      body: [lead.email, lead.company, [lead.city, lead.state].filter(Boolean).join('/')].filter(Boolean).join(' · '),
      tag: `lead-${lead.id}`,
      lang: 'pt-BR',
    });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch {
    // Some browsers (Android Chrome) only notify through a service worker: the feed still shows the lead.
  }
}

function onLeadCreated(event) {
  if (!isPlainObject(event) || !isPlainObject(event.lead)) return;
  const lead = event.lead;
  state.leadsSeen += 1;
  const place = [lead.city, lead.state].filter((v) => typeof v === 'string' && v).join('/');
  const item = el(
    'li',
    { class: 'lead-item', dataset: { leadId: String(lead.id) } },
    el('p', { class: 'lead-name' }, el('strong', { text: typeof lead.name === 'string' && lead.name ? lead.name : String(lead.email) }), event.receivedAt ? el('time', { text: formatTime(event.receivedAt) }) : null),
    el('p', { class: 'lead-email', text: String(lead.email) }),
    el(
      'p',
      { class: 'lead-meta' },
      [typeof lead.phone === 'string' ? lead.phone : '', typeof lead.company === 'string' ? lead.company : '', place].filter(Boolean).join(' · ') || null,
    ),
  );
  ui.leadsFeed.prepend(item);
  while (ui.leadsFeed.childElementCount > MAX_FEED_LEADS) ui.leadsFeed.lastElementChild.remove();
  ui.leadsEmpty.hidden = true;
  ui.leadsCount.textContent = String(state.leadsSeen);
  notifyLead(lead);
}

// ------------------------------------------------------------------------------------------------ history / tools

function scheduleHistoryRefresh() {
  window.clearTimeout(state.historyTimer);
  state.historyTimer = window.setTimeout(loadHistory, 300);
}

function loadHistory() {
  const client = state.client;
  if (!client || !isOnline()) return;
  ui.getHistory.setAttribute('aria-busy', 'true');
  client.getHistory({ limit: HISTORY_LIMIT }).then(
    (entries) => {
      ui.getHistory.removeAttribute('aria-busy');
      if (client !== state.client) return;
      const list = (Array.isArray(entries) ? entries : []).filter(isPlainObject);
      ui.historyOutput.replaceChildren(
        list.length === 0
          ? el('p', { class: 'hint', text: 'Nenhuma entrada ainda. (No history yet.)' })
          : el('ol', { class: 'history-list', 'aria-label': `Últimas ${list.length} entradas` }, list.map(renderHistoryEntry)),
      );
    },
    (err) => {
      ui.getHistory.removeAttribute('aria-busy');
      if (client === state.client) ui.historyOutput.replaceChildren(el('p', { class: 'level-error', text: `${errorCode(err) || 'ERRO'}: ${errorMessage(err)}` }));
    },
  );
}

function renderHistoryEntry(entry) {
  const response = isPlainObject(entry.response) ? entry.response : null;
  const ok = response && response.isSuccess === true;
  const metadata = response && isPlainObject(response.metadata) ? response.metadata : {};
  const input = typeof entry.input === 'string' ? entry.input : '';
  return el(
    'li',
    null,
    el(
      'div',
      { class: 'chips-row' },
      el('time', { text: entry.at ? formatDateTime(entry.at) : '' }),
      typeof entry.kind === 'string' ? chip(entry.kind, 'chip-meta') : null,
      response ? chip(ok ? '✓' : `✗ ${typeof response.code === 'string' ? response.code : 'falha'}`, ok ? 'chip-ok' : 'chip-fail') : null,
      response && typeof response.tool === 'string' ? chip(response.tool, 'chip-tool') : null,
      formatMs(metadata.executionTime) ? chip(formatMs(metadata.executionTime), 'chip-meta') : null,
    ),
    el('p', { class: 'history-input', text: input }),
    entry.kind === 'prompt' && input ? el('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => usePrompt(input) }, ...bi('Reusar', 'Reuse')) : null,
    response ? el('details', null, el('summary', null, ...bi('Resposta', 'response')), renderResponse(response)) : null,
  );
}

function listTools() {
  const client = state.client;
  if (!client || !isOnline()) return;
  ui.toolsOutput.replaceChildren(el('p', { class: 'hint', text: 'Carregando… (loading)' }));
  client.listTools().then(
    (tools) => {
      const list = (Array.isArray(tools) ? tools : []).filter(isPlainObject);
      ui.toolsOutput.replaceChildren(
        el('p', { class: 'hint', text: `${list.length} ferramentas` }),
        el(
          'ul',
          { class: 'tool-list' },
          list.map((tool) =>
            el(
              'li',
              null,
              el('p', { class: 'tool-name' }, el('code', { text: String(tool.name) }), typeof tool.title === 'string' ? ` — ${tool.title}` : null),
              typeof tool.description === 'string' ? el('p', { class: 'tool-desc', text: tool.description }) : null,
              tool.inputSchema ? el('details', null, el('summary', null, ...bi('Schema de entrada', 'input schema')), el('pre', { class: 'code', text: safeJson(tool.inputSchema) })) : null,
            ),
          ),
        ),
      );
    },
    (err) => ui.toolsOutput.replaceChildren(el('p', { class: 'level-error', text: `${errorCode(err) || 'ERRO'}: ${errorMessage(err)}` })),
  );
}

// ------------------------------------------------------------------------------------------------ connection

/** Closes the current client; its listeners are removed first, so its last state changes are not shown. */
function dropClient() {
  const client = state.client;
  if (!client) return;
  for (const off of state.unsubscribe.splice(0)) off();
  state.client = null;
  client.close();
  state.presence.clear();
  renderPresence();
  cancelSuggestions();
}

function connect() {
  dropClient();
  hideBanner();
  if (!state.sdk) {
    setStatus('error', 'O SDK (/client.js) não carregou. (The client SDK did not load.)');
    return;
  }
  const token = normalizeToken(ui.token.value);
  if (token !== ui.token.value) ui.token.value = token;
  const mode = radioValue('mode') || 'auth';
  const transports = mode === 'header' ? ['polling'] : TRANSPORTS[radioValue('transport')] || TRANSPORTS.both;
  rememberToken(token);
  savePrefs();
  showTokenClaims();
  const claims = token ? decodeJwtPayload(token) : null;
  state.userId = claims && typeof claims.sub === 'string' ? claims.sub : '';
  ui.connSummary.textContent = [state.userId, claims && typeof claims.account === 'string' ? `conta ${claims.account}` : '', mode].filter(Boolean).join(' · ');

  const client = state.sdk.createGatewayClient({
    url: window.location.origin,
    // The SDK wants a token: an empty box becomes an empty one, which the gateway refuses with TOKEN_MISSING.
    ...(token ? { token } : { getToken: () => '' }),
    tokenPlacement: mode,
    transports,
  });
  state.client = client;
  const mine = (fn) => (...args) => {
    if (state.client === client) fn(...args);
  };
  state.unsubscribe = [
    client.on('state', mine(onStateChange)),
    client.on('presence-changed', mine(onPresenceChanged)),
    client.on('lead-created', mine(onLeadCreated)),
    client.on('prompt-response', mine(onStrayResponse)),
    client.on('error', mine(onServerError)),
    client.on('token-refresh-failed', mine((err) => logSystem('warn', `auth-refresh falhou: ${errorMessage(err)}`))),
  ];
  logSystem('info', `Conectando: token via ${mode}${token ? '' : ' (sem token)'}, transports [${transports.join(', ')}].`);
  client.connect().catch(() => undefined); // the outcome arrives as a state change
}

function disconnect() {
  if (!state.client) return;
  dropClient();
  hideBanner();
  setStatus('disconnected', 'desconectado pelo usuário');
  logSystem('info', 'Desconectado pelo usuário. Prompts pendentes recebem a resposta na próxima conexão (mailbox).');
}

/** The SDK's state → the pill, the banner and the panels. */
function onStateChange(change) {
  const client = state.client;
  const reason = change.reason || '';
  const code = change.error ? errorCode(change.error) : '';
  switch (change.state) {
    case 'connecting':
      setStatus('connecting', 'handshake…');
      break;
    case 'connected':
      hideBanner();
      // A phone shows the chat first once connected; the form is one tap away in the summary.
      if (window.matchMedia('(max-width: 860px)').matches) ui.connDetails.open = false;
      setStatus('connected', client && client.socketId ? `socket ${client.socketId}` : '');
      if (change.previous !== 'draining') {
        logSystem('info', `Conectado${client && client.socketId ? `: socket ${client.socketId}` : ''}.`);
        loadPresence(client);
        loadHistory();
      }
      break;
    case 'reconnecting':
      setStatus('reconnecting', reason ? `${reason} · tentando de novo…` : 'tentando de novo…');
      if (change.previous === 'connected' || change.previous === 'draining') logSystem('warn', `Conexão perdida (${reason}); o SDK reconecta sozinho.`);
      break;
    case 'draining':
      setStatus('draining', 'este nó está encerrando; o SDK reconecta em outro e reenvia os pedidos pendentes');
      logSystem('warn', 'server-draining: o nó está encerrando; a reconexão é automática.');
      break;
    case 'replaced':
      setStatus('replaced', 'outra conexão deste usuário assumiu');
      showBanner(
        'Esta sessão foi substituída por uma conexão mais nova do mesmo usuário (outra aba ou outro dispositivo). ' +
          'This session was replaced by a newer connection of the same user. A página não reconecta sozinha; ' +
          'reconectar derruba a outra conexão.',
        { kind: 'replaced', pt: 'Reconectar aqui', en: 'Reconnect here', run: connect },
      );
      logSystem('warn', 'session-replaced: sessão substituída; reconexão automática desligada.');
      break;
    case 'expired':
      setStatus('expired', code || 'TOKEN_EXPIRED');
      showBanner('O token expirou. Cole um token novo (ou gere com `pnpm token`) e conecte de novo. (The token expired: paste a new one.)', {
        kind: 'expired',
        pt: 'Colar token novo',
        en: 'New token',
        run: () => {
          hideBanner();
          ui.token.focus();
          ui.token.select();
        },
      });
      logSystem('error', `Token expirado: ${reason}`, chip('TOKEN_EXPIRED', 'chip-code'));
      break;
    case 'closed':
      if (code && code !== 'CLIENT_CLOSED') {
        setStatus('error', `${code}: ${reason}`);
        showBanner(`O gateway recusou a conexão (${code}): ${reason}. Corrija o token e clique Conectar. (Connection refused.)`, null);
        logSystem('error', `Conexão recusada: ${reason}`, chip(code, 'chip-code'));
      } else {
        setStatus('disconnected', reason);
      }
      break;
    default:
      setStatus('disconnected', '');
  }
  if (change.state !== 'connected' && change.state !== 'draining') cancelSuggestions();
}

/** prompt-response events: ours are answered through sendPrompt; one for a request not on this page gets an entry. */
function onStrayResponse(response) {
  if (!isPlainObject(response) || typeof response.requestId !== 'string') return;
  if (state.entries.has(response.requestId)) return;
  showResponse(addOrphanEntry(response.requestId), response);
}

function onServerError(payload) {
  const message = isPlainObject(payload) && typeof payload.message === 'string' ? payload.message : safeJson(payload);
  const code = isPlainObject(payload) && typeof payload.code === 'string' ? payload.code : '';
  const event = isPlainObject(payload) && typeof payload.event === 'string' ? payload.event : '';
  logSystem('error', `Erro do servidor: ${message}`, code ? chip(code, 'chip-code') : null, event ? chip(`evento: ${event}`, 'chip-meta') : null);
}

// ------------------------------------------------------------------------------------------------ wiring

function wire() {
  for (const text of EXAMPLES) ui.chips.append(el('button', { type: 'button', class: 'chip-btn', onclick: () => usePrompt(text), text }));

  ui.connForm.addEventListener('submit', (event) => {
    event.preventDefault();
    connect();
  });
  ui.disconnect.addEventListener('click', disconnect);
  ui.token.addEventListener('input', showTokenClaims);
  ui.tokenForget.addEventListener('click', () => {
    storageSet(STORAGE_TOKEN, '');
    ui.token.value = '';
    ui.tokenSaved.textContent = 'Token esquecido. (Token forgotten.)';
    showTokenClaims();
    ui.token.focus();
  });
  for (const input of document.querySelectorAll('input[name="mode"], input[name="transport"]')) {
    input.addEventListener('change', () => {
      showModeHint();
      savePrefs();
    });
  }
  window.addEventListener('hashchange', () => {
    const token = tokenFromHash();
    if (!token) return;
    ui.token.value = token;
    rememberToken(token);
    stripTokenFromUrl();
    showTokenClaims();
  });

  ui.promptForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sendFromInput();
  });
  ui.prompt.addEventListener('keydown', onPromptKeydown);
  ui.prompt.addEventListener('input', () => {
    updatePromptCount();
    if (ui.promptNotice.textContent) promptNotice('');
    scheduleSuggestions();
  });
  ui.prompt.addEventListener('blur', cancelSuggestions);

  ui.mic.addEventListener('click', startVoice);
  ui.voiceLang.addEventListener('change', savePrefs);
  ui.voiceSend.addEventListener('click', sendVoice);
  ui.voiceEdit.addEventListener('click', editVoice);
  ui.voiceDiscard.addEventListener('click', discardVoice);

  ui.notifyEnable.addEventListener('click', enableNotifications);
  ui.listTools.addEventListener('click', listTools);
  ui.getHistory.addEventListener('click', loadHistory);
  ui.newConversation.addEventListener('click', () => {
    state.conversationId = newId();
    logSystem('info', 'Nova conversa: os próximos prompts não levam o contexto dos anteriores. (New conversation.)');
  });
  ui.clearLog.addEventListener('click', () => {
    // Prompts still waiting for their response stay.
    for (const [requestId, entry] of state.entries) if (entry.done) state.entries.delete(requestId);
    const keep = new Set([ui.logEmpty, ...Array.from(state.entries.values(), (entry) => entry.article)]);
    for (const node of Array.from(ui.log.children)) if (!keep.has(node)) node.remove();
    ui.logEmpty.hidden = state.entries.size > 0;
  });
  ui.bannerClose.addEventListener('click', hideBanner);
}

async function init() {
  const prefs = loadPrefs();
  if (typeof prefs.mode === 'string') setRadio('mode', prefs.mode);
  if (typeof prefs.transport === 'string') setRadio('transport', prefs.transport);
  if (typeof prefs.voiceLang === 'string' && Array.from(ui.voiceLang.options).some((o) => o.value === prefs.voiceLang)) ui.voiceLang.value = prefs.voiceLang;
  const fromUrl = loadInitialToken();
  showModeHint();
  updatePromptCount();
  setupVoice();
  showNotifyState();
  renderPresence();
  wire();
  try {
    // A dynamic import, so a gateway that cannot build the bundle leaves a readable error instead of a dead page.
    state.sdk = await import('/client.js');
  } catch (err) {
    setStatus('error', `O SDK (/client.js) não carregou: ${errorMessage(err)}`);
    logSystem('error', 'O cliente do gateway (/client.js) não carregou; a página não pode conectar.');
    return;
  }
  setStatus('disconnected', '');
  document.body.dataset.ready = 'true';
  // Dev mode prints http://host/#token=…: opening that URL is meant to connect straight away.
  if (fromUrl) connect();
}

init();
