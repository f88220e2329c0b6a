// LeadLovers realtime gateway console: a plain browser script (no bundler, no framework). It talks to the
// gateway that served it through the Socket.IO client at /socket.io/socket.io.js (the global `io`).
//
// Security rule for this file: every piece of text that comes from the server or from a token is inserted with
// textContent / createElement / append(string). No innerHTML anywhere. The only server HTML rendered is an email
// body, and it goes into an <iframe sandbox=""> through `srcdoc` (no scripts, opaque origin).
(() => {
  'use strict';

  // ---------------------------------------------------------------------------------------------- constants

  const STORAGE_TOKEN = 'leadlovers.console.token';
  const STORAGE_PREFS = 'leadlovers.console.prefs';
  const MAX_PROMPT_LENGTH = 4000;
  /** How long the page waits for a send-prompt ack. The response can still arrive later as prompt-response. */
  const PROMPT_ACK_TIMEOUT_MS = 120_000;
  /** How long list-tools / get-history may take before the page reports a timeout. */
  const INSPECT_TIMEOUT_MS = 15_000;
  const HISTORY_LIMIT = 20;
  /** Rows rendered per table; the raw JSON view always has everything. */
  const MAX_TABLE_ROWS = 200;

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

  const EXAMPLES = [
    'Liste todas as máquinas disponíveis',
    'Busque leads da máquina 12345',
    'Crie um lead chamado Carlos Silva, email carlos@empresa.com, telefone 11987654321, na máquina 12345',
    'Detalhes da máquina 12345',
    'Liste sequências da máquina 12345',
    'Crie um email de Black Friday com 50% de desconto para curso de marketing',
  ];

  const STATUS_LABELS = {
    disconnected: ['desconectado', 'disconnected'],
    connecting: ['conectando', 'connecting'],
    connected: ['conectado', 'connected'],
    error: ['erro', 'error'],
    replaced: ['sessão substituída', 'replaced'],
    draining: ['servidor encerrando', 'draining'],
  };

  const MODE_HINTS = {
    auth: 'io(url, { auth: { token } }) — forma preferencial. (Preferred: sent in the Socket.IO handshake.)',
    header:
      "extraHeaders: { Authorization: 'Bearer …' }. Navegadores só enviam cabeçalhos no polling HTTP, então este " +
      "modo força transports: ['polling']. (Browsers can only send headers with polling: transport forced to polling.)",
    query:
      'io(url, { query: { token } }) — o token vai na URL e pode aparecer em logs de proxy. ' +
      '(The token travels in the URL and may show up in proxy logs.)',
  };

  const PROGRESS_LABELS = {
    planned: 'planejado',
    'tool-started': 'executando ferramenta',
    'tool-progress': 'em progresso',
    chunk: 'recebendo',
  };

  // ---------------------------------------------------------------------------------------------- DOM helpers

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
    appendAll(node, children);
    return node;
  }

  function appendAll(node, children) {
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

  // ---------------------------------------------------------------------------------------------- elements

  const ui = {
    status: $('status'),
    pill: $('status-pill'),
    statusDetail: $('status-detail'),
    banner: $('banner'),
    bannerText: $('banner-text'),
    bannerClose: $('banner-close'),
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
    listTools: $('list-tools'),
    getHistory: $('get-history'),
    inspectOutput: $('inspect-output'),
    log: $('log'),
    logEmpty: $('log-empty'),
    clearLog: $('clear-log'),
    promptForm: $('prompt-form'),
    prompt: $('prompt'),
    promptCount: $('prompt-count'),
    promptNotice: $('prompt-notice'),
    send: $('send'),
    chips: $('chips'),
  };

  // ---------------------------------------------------------------------------------------------- state

  const state = {
    /** The current Socket.IO socket, or null. Handlers of older sockets check against it and do nothing. */
    socket: null,
    /** Set by session-replaced: the page must not reconnect on its own. */
    replaced: false,
    /** { reconnectInMs, at } after server-draining, until the next successful connect. */
    draining: null,
    drainTimer: null,
    /** requestId → log entry of a prompt sent from this page (or of a replayed response). */
    entries: new Map(),
    /** requestIds whose response has been rendered: the second copy (ack vs prompt-response) is dropped. */
    rendered: new Set(),
    /** Last connect_error shown in the log, so that a retry loop does not flood it. */
    lastConnectError: '',
    /** Engines whose 'upgrade' event is already hooked (one per (re)connection). */
    hookedEngines: new WeakSet(),
  };

  // ---------------------------------------------------------------------------------------------- storage

  function storageGet(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null; // storage disabled (private mode, policy): the page still works without it
    }
  }

  function storageSet(key, value) {
    try {
      if (value == null || value === '') localStorage.removeItem(key);
      else localStorage.setItem(key, value);
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
    storageSet(STORAGE_PREFS, JSON.stringify({ mode: radioValue('mode'), transport: radioValue('transport') }));
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

  // ---------------------------------------------------------------------------------------------- token

  /** Accepts a bare JWT or one pasted with a "Bearer " prefix or surrounding whitespace/quotes. */
  function normalizeToken(raw) {
    return String(raw || '')
      .trim()
      .replace(/^bearer\s+/i, '')
      .replace(/^["']|["']$/g, '')
      .trim();
  }

  function tokenFromHash() {
    const hash = location.hash.replace(/^#/, '');
    if (!hash) return null;
    const token = new URLSearchParams(hash).get('token');
    return token ? normalizeToken(token) : null;
  }

  /** Removes #token=… from the address bar so that it is not bookmarked, shared or kept in history. */
  function stripTokenFromUrl() {
    try {
      window.history.replaceState(null, '', location.pathname + location.search);
    } catch {
      // not fatal: the token simply stays in the address bar
    }
  }

  function rememberToken(token) {
    const ok = storageSet(STORAGE_TOKEN, token);
    ui.tokenSaved.textContent = !ok
      ? 'localStorage indisponível: o token não será lembrado.'
      : token
        ? 'Token lembrado neste navegador.'
        : '';
  }

  function decodeJwtPayload(token) {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
      const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      const padded = b64 + '==='.slice((b64.length + 3) % 4);
      const binary = window.atob(padded);
      const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
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
      if (minutes < 0) {
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
  }

  // ---------------------------------------------------------------------------------------------- status

  function setStatus(name, detail) {
    const [pt, en] = STATUS_LABELS[name] || [name, name];
    ui.pill.className = `pill pill-${name}`;
    ui.pill.dataset.state = name;
    ui.pill.replaceChildren(...bi(pt, en));
    ui.statusDetail.textContent = detail || '';
    document.body.dataset.status = name;
    updateControls();
  }

  function currentTransport(socket) {
    const engine = socket && socket.io && socket.io.engine;
    return engine && engine.transport ? engine.transport.name : '?';
  }

  function setConnectedStatus(socket) {
    setStatus('connected', `id ${socket.id} · transporte ${currentTransport(socket)}`);
  }

  function updateControls() {
    const socket = state.socket;
    const connected = Boolean(socket && socket.connected);
    ui.send.disabled = !connected;
    ui.listTools.disabled = !connected;
    ui.getHistory.disabled = !connected;
    ui.disconnect.disabled = !socket;
    ui.connect.replaceChildren(...(socket ? bi('Reconectar', 'Reconnect') : bi('Conectar', 'Connect')));
  }

  function showBanner(text) {
    ui.bannerText.textContent = text;
    ui.banner.hidden = false;
  }

  function hideBanner() {
    ui.banner.hidden = true;
    ui.bannerText.textContent = '';
  }

  function showModeHint() {
    const mode = radioValue('mode');
    ui.modeHint.textContent = MODE_HINTS[mode] || '';
    // Header mode can only work over polling: the transport choice is overridden while it is selected.
    ui.transportSet.disabled = mode === 'header';
    ui.transportHint.textContent =
      mode === 'header'
        ? "Ignorado no modo header: transports = ['polling']. (Ignored in header mode.)"
        : TRANSPORT_HINTS[radioValue('transport')] || '';
  }

  // ---------------------------------------------------------------------------------------------- log

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

  function chip(text, cls) {
    return el('span', { class: `chip ${cls || ''}`.trim(), text });
  }

  function addPromptEntry(prompt, requestId) {
    const note = el('p', { class: 'entry-note', text: 'Aguardando resposta… (waiting for the response)' });
    // Progress updates change often: aria-live="off" keeps screen readers from announcing each one.
    const progressLine = el('p', { class: 'progress-line', 'aria-live': 'off', hidden: true });
    const stream = el('pre', { class: 'progress-stream', 'aria-live': 'off', hidden: true });
    const responseSlot = el('div', { class: 'response-slot' });
    const article = el(
      'article',
      { class: 'entry entry-prompt pending', dataset: { requestId } },
      entryHeader('você', el('code', { class: 'request-id', title: 'requestId', text: requestId })),
      el('p', { class: 'prompt-text', text: prompt }),
      note,
      progressLine,
      stream,
      responseSlot,
    );
    const entry = { requestId, prompt, article, note, progressLine, stream, responseSlot, done: false };
    state.entries.set(requestId, entry);
    appendToLog(article, { forceScroll: true });
    return entry;
  }

  /** A response whose prompt is not on this page (e.g. replayed from the mailbox after a reload). */
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
    const entry = { requestId, prompt: '', article, note: null, progressLine: null, stream: null, responseSlot, done: false };
    state.entries.set(requestId, entry);
    appendToLog(article);
    return entry;
  }

  function setEntryNote(entry, text, level) {
    if (!entry.note || entry.done) return;
    entry.note.textContent = text;
    entry.note.className = `entry-note ${level ? `level-${level}` : ''}`.trim();
  }

  function markPendingEntries(text) {
    for (const entry of state.entries.values()) {
      if (!entry.done) setEntryNote(entry, text, 'warn');
    }
  }

  // ---------------------------------------------------------------------------------------------- rendering of data

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
      { class: depth > 0 ? 'data-table nested' : 'data-table' },
      caption ? el('caption', { text: `${caption} (${rows.length})` }) : null,
      el('thead', null, el('tr', null, columns.map((c) => el('th', { scope: 'col', text: c })))),
      el(
        'tbody',
        null,
        shown.map((row) => el('tr', null, columns.map((c) => el('td', null, renderCell(isPlainObject(row) ? row[c] : undefined, depth))))),
      ),
    );
    if (depth > 0) return table;
    // A scrollable, focusable region so wide tables can be scrolled with the keyboard on narrow screens.
    return el(
      'div',
      { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': caption || 'tabela' },
      table,
      rows.length > shown.length
        ? el('p', { class: 'hint', text: `Mostrando ${shown.length} de ${rows.length} linhas; veja o JSON bruto para todas.` })
        : null,
    );
  }

  /** One object as a two-column key/value table. */
  function renderKeyValue(object, caption, depth = 0) {
    const table = el(
      'table',
      { class: depth > 0 ? 'kv-table nested' : 'kv-table' },
      caption ? el('caption', { text: caption }) : null,
      el(
        'tbody',
        null,
        Object.entries(object).map(([key, value]) =>
          el('tr', null, el('th', { scope: 'row', text: key }), el('td', null, renderCell(value, depth))),
        ),
      ),
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
      frame.setAttribute('loading', 'lazy');
      frame.title = `Pré-visualização do email: ${typeof data.subject === 'string' ? data.subject : ''}`.trim();
      frame.className = 'email-frame';
      frame.srcdoc = data.html;
      box.append(frame);
      box.append(el('details', { class: 'sub-details' }, el('summary', null, ...bi('Código HTML', 'HTML source')), el('pre', { class: 'code', text: data.html })));
    }
    if (typeof data.text === 'string' && data.text) {
      box.append(el('details', { class: 'sub-details' }, el('summary', null, ...bi('Versão texto', 'Plain text')), el('pre', { class: 'code', text: data.text })));
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
    for (const [key, value] of Object.entries(data)) {
      if (handled.has(key)) continue;
      if (key === 'examples' && Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) continue;
      if (isPrimitive(value) || (Array.isArray(value) && value.every(isPrimitive))) {
        summary.append(el('div', null, el('dt', { text: key }), el('dd', null, renderCell(value, 0))));
        handled.add(key);
      }
    }
    if (summary.childElementCount > 0) box.append(summary);

    if (Array.isArray(data.examples) && data.examples.length > 0 && data.examples.every((v) => typeof v === 'string')) {
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
  function renderResponse(response, via) {
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
      via ? chip(`via ${via}`, 'chip-meta') : null,
    ];
    const message = typeof response.message === 'string' ? response.message : '';
    const error = typeof response.error === 'string' ? response.error : '';
    return el(
      'div',
      { class: `response ${ok ? 'response-ok' : 'response-fail'}` },
      el('div', { class: 'chips-row' }, chips),
      message ? el('p', { class: 'response-message', text: message }) : null,
      error && error !== message ? el('p', { class: 'response-error', text: error }) : null,
      renderData(response.data),
      el('details', { class: 'raw' }, el('summary', null, ...bi('JSON bruto', 'raw JSON')), el('pre', { class: 'code', text: safeJson(response) })),
    );
  }

  // ---------------------------------------------------------------------------------------------- prompts

  function newRequestId() {
    if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    // crypto.randomUUID needs a secure context (https or localhost); getRandomValues does not.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

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
    ui.prompt.focus();
  }

  function sendPrompt() {
    const prompt = ui.prompt.value.trim();
    const socket = state.socket;
    if (!prompt) {
      promptNotice('Digite um prompt. (Type a prompt.)');
      return;
    }
    if (prompt.length > MAX_PROMPT_LENGTH) {
      promptNotice(`O prompt tem mais de ${MAX_PROMPT_LENGTH} caracteres.`);
      return;
    }
    if (!socket || !socket.connected) {
      promptNotice('Não conectado: conecte-se primeiro. (Not connected.)');
      return;
    }
    promptNotice('');
    const requestId = newRequestId();
    const entry = addPromptEntry(prompt, requestId);
    // The response arrives twice: as this ack and as a prompt-response event. handleResponse keeps the first.
    socket.timeout(PROMPT_ACK_TIMEOUT_MS).emit('send-prompt', { prompt, requestId }, (err, response) => {
      if (err) {
        setEntryNote(
          entry,
          state.socket && state.socket.connected
            ? `Sem ack em ${PROMPT_ACK_TIMEOUT_MS / 1000} s; a resposta ainda pode chegar como prompt-response.`
            : 'Conexão perdida antes da resposta; o servidor a reenvia ao reconectar (mailbox).',
          'warn',
        );
        return;
      }
      handleResponse(response, 'ack', requestId);
    });
    ui.prompt.value = '';
    updatePromptCount();
  }

  function sendAckResponse(requestId) {
    const socket = state.socket;
    if (socket && socket.connected) socket.emit('ack-response', { requestId });
  }

  function handleResponse(response, via, fallbackRequestId) {
    if (!isPlainObject(response)) {
      logSystem('error', `Resposta inválida recebida via ${via}: ${safeJson(response)}`);
      return;
    }
    const requestId = typeof response.requestId === 'string' && response.requestId ? response.requestId : fallbackRequestId;
    if (!requestId) {
      appendToLog(el('article', { class: 'entry entry-prompt' }, entryHeader('resposta'), renderResponse(response, via)));
      return;
    }
    if (state.rendered.has(requestId)) {
      // The second copy of a response already shown. A replayed copy means the server did not see our
      // ack-response (e.g. the connection dropped right after): acknowledge it again.
      if (isPlainObject(response.metadata) && response.metadata.replayed === true) sendAckResponse(requestId);
      return;
    }
    state.rendered.add(requestId);
    const stick = isLogNearBottom();
    const entry = state.entries.get(requestId) || addOrphanEntry(requestId);
    entry.done = true;
    entry.article.classList.remove('pending');
    entry.article.classList.add(response.isSuccess === true ? 'ok' : 'fail');
    if (entry.note) entry.note.remove();
    if (entry.progressLine) entry.progressLine.remove();
    if (entry.stream) entry.stream.remove();
    entry.responseSlot.replaceChildren(renderResponse(response, via));
    if (stick) scrollLogToBottom();
    sendAckResponse(requestId);
  }

  function handleProgress(progress) {
    if (!isPlainObject(progress) || typeof progress.requestId !== 'string') return;
    const entry = state.entries.get(progress.requestId);
    if (!entry || entry.done || !entry.progressLine) return;
    const stage = PROGRESS_LABELS[progress.stage] || String(progress.stage || '');
    const parts = [stage, typeof progress.tool === 'string' ? progress.tool : '', typeof progress.message === 'string' ? progress.message : ''];
    entry.progressLine.textContent = `⏳ ${parts.filter(Boolean).join(' · ')}`;
    entry.progressLine.hidden = false;
    if (progress.stage === 'chunk' && typeof progress.chunk === 'string') {
      entry.stream.hidden = false;
      entry.stream.textContent += progress.chunk;
    }
  }

  // ---------------------------------------------------------------------------------------------- list-tools / get-history

  function showInspect(title, ...content) {
    ui.inspectOutput.replaceChildren(el('h3', { class: 'inspect-title', text: title }), ...content.flat().filter(Boolean));
  }

  function ackError(result, err) {
    if (err) return `Sem resposta em ${INSPECT_TIMEOUT_MS / 1000} s (timeout).`;
    if (!isPlainObject(result)) return `Resposta inesperada: ${safeJson(result)}`;
    if (result.ok !== true) return `${typeof result.code === 'string' ? result.code : 'ERRO'}: ${typeof result.message === 'string' ? result.message : 'falha'}`;
    return null;
  }

  function listTools() {
    const socket = state.socket;
    if (!socket || !socket.connected) return;
    showInspect('Ferramentas… (loading)');
    socket.timeout(INSPECT_TIMEOUT_MS).emit('list-tools', (err, result) => {
      const problem = ackError(result, err);
      if (problem) {
        showInspect('Ferramentas (list-tools)', el('p', { class: 'level-error', text: problem }));
        return;
      }
      const tools = Array.isArray(result.data) ? result.data : [];
      showInspect(
        `Ferramentas (${tools.length})`,
        tools.length === 0 ? el('p', { class: 'hint', text: 'Nenhuma ferramenta.' }) : null,
        el(
          'ul',
          { class: 'tool-list' },
          tools.filter(isPlainObject).map((tool) =>
            el(
              'li',
              null,
              el('p', { class: 'tool-name' }, el('code', { text: String(tool.name) }), typeof tool.title === 'string' ? ` — ${tool.title}` : null),
              typeof tool.description === 'string' ? el('p', { class: 'tool-desc', text: tool.description }) : null,
              tool.inputSchema
                ? el('details', { class: 'sub-details' }, el('summary', null, ...bi('Schema de entrada', 'input schema')), el('pre', { class: 'code', text: safeJson(tool.inputSchema) }))
                : null,
            ),
          ),
        ),
      );
    });
  }

  function getHistory() {
    const socket = state.socket;
    if (!socket || !socket.connected) return;
    showInspect('Histórico… (loading)');
    socket.timeout(INSPECT_TIMEOUT_MS).emit('get-history', { limit: HISTORY_LIMIT }, (err, result) => {
      const problem = ackError(result, err);
      if (problem) {
        showInspect('Histórico (get-history)', el('p', { class: 'level-error', text: problem }));
        return;
      }
      const entries = (Array.isArray(result.data) ? result.data : []).filter(isPlainObject);
      showInspect(
        `Histórico (${entries.length}, limite ${HISTORY_LIMIT})`,
        entries.length === 0 ? el('p', { class: 'hint', text: 'Nenhuma entrada ainda. (No history yet.)' }) : null,
        el('ol', { class: 'history-list' }, entries.map(renderHistoryEntry)),
      );
    });
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
      el(
        'div',
        { class: 'row' },
        entry.kind === 'prompt' && input
          ? el('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => usePrompt(input) }, ...bi('Reusar', 'Reuse'))
          : null,
      ),
      response ? el('details', { class: 'sub-details' }, el('summary', null, ...bi('Resposta', 'response')), renderResponse(response, null)) : null,
    );
  }

  // ---------------------------------------------------------------------------------------------- connection

  function clearDrainTimer() {
    if (state.drainTimer) clearTimeout(state.drainTimer);
    state.drainTimer = null;
  }

  /** Drops the current socket (and every listener on it) without touching the status. */
  function teardown() {
    clearDrainTimer();
    const socket = state.socket;
    if (!socket) return;
    state.socket = null;
    socket.off();
    socket.io.off();
    socket.disconnect();
  }

  function buildOptions(token, mode, transportChoice) {
    const transports = mode === 'header' ? ['polling'] : TRANSPORTS[transportChoice] || TRANSPORTS.both;
    const options = {
      // A new Manager each time, so that a changed mode or transport really applies.
      forceNew: true,
      autoConnect: false,
      transports,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10_000,
      timeout: 10_000,
    };
    if (token) {
      if (mode === 'header') options.extraHeaders = { Authorization: `Bearer ${token}` };
      else if (mode === 'query') options.query = { token };
      else options.auth = { token };
    }
    return options;
  }

  function connect() {
    teardown();
    hideBanner();
    state.replaced = false;
    state.draining = null;
    state.lastConnectError = '';
    if (typeof io !== 'function') {
      setStatus('error', 'O cliente Socket.IO (/socket.io/socket.io.js) não carregou. Is the gateway serving this page?');
      logSystem('error', 'io() indisponível: /socket.io/socket.io.js não carregou.');
      return;
    }
    const token = normalizeToken(ui.token.value);
    if (token !== ui.token.value) ui.token.value = token;
    const mode = radioValue('mode') || 'auth';
    const transportChoice = radioValue('transport') || 'both';
    rememberToken(token);
    savePrefs();

    const options = buildOptions(token, mode, transportChoice);
    const socket = io(options); // same origin as the page; path /socket.io
    state.socket = socket;
    bindSocket(socket);
    setStatus('connecting', `modo ${mode} · transports [${options.transports.join(', ')}]`);
    logSystem('info', `Conectando: token via ${mode}${token ? '' : ' (sem token)'}, transports [${options.transports.join(', ')}].`);
    socket.connect();
  }

  function disconnect() {
    const socket = state.socket;
    if (!socket) return;
    teardown();
    markPendingEntries('Desconectado pelo usuário antes da resposta; ela será reenviada na próxima conexão (mailbox).');
    setStatus('disconnected', 'desconectado pelo usuário (io client disconnect)');
    logSystem('info', 'Desconectado pelo usuário.');
  }

  function bindSocket(socket) {
    const current = () => state.socket === socket;

    socket.on('connect', () => {
      if (!current()) return;
      state.lastConnectError = '';
      state.draining = null;
      clearDrainTimer();
      setConnectedStatus(socket);
      logSystem('info', `Conectado: id ${socket.id}, transporte ${currentTransport(socket)}.`);
      const engine = socket.io.engine;
      if (engine && !state.hookedEngines.has(engine)) {
        state.hookedEngines.add(engine);
        engine.on('upgrade', () => {
          if (!current() || !socket.connected) return;
          setConnectedStatus(socket);
          logSystem('info', `Transporte atualizado para ${currentTransport(socket)} (upgrade).`);
        });
      }
      markPendingEntries('Reconectado; aguardando a resposta (o servidor reenvia respostas não confirmadas).');
    });

    socket.on('connect_error', (err) => {
      if (!current()) return;
      const message = err && err.message ? String(err.message) : 'connect_error';
      const code = err && isPlainObject(err.data) && typeof err.data.code === 'string' ? err.data.code : '';
      // socket.active is false when the server refused the connection (auth middleware): no automatic retry.
      const retrying = socket.active;
      setStatus('error', `${message}${code ? ` [${code}]` : ''}${retrying ? ' · tentando de novo…' : ' · sem nova tentativa'}`);
      const key = `${message}|${code}`;
      if (key !== state.lastConnectError) {
        state.lastConnectError = key;
        logSystem(
          'error',
          `connect_error: ${message}${retrying ? ' (o cliente tenta de novo sozinho)' : ' (recusado pelo servidor; corrija o token e clique Conectar)'}`,
          code ? chip(code, 'chip-code') : null,
        );
      }
      if (!retrying) updateControls();
    });

    socket.on('disconnect', (reason) => {
      if (!current()) return;
      if (state.replaced) {
        updateControls();
        return; // the status stays "replaced"
      }
      markPendingEntries('Conexão perdida antes da resposta; o servidor a reenvia ao reconectar (mailbox).');
      if (state.draining && reason === 'io server disconnect') {
        // A server-initiated disconnect is not retried by the client: reconnect after the advertised delay.
        const elapsed = Date.now() - state.draining.at;
        const delay = Math.max(0, state.draining.reconnectInMs - elapsed) + Math.floor(Math.random() * 250);
        setStatus('draining', `servidor encerrando; reconectando em ${(delay / 1000).toFixed(1)} s`);
        logSystem('warn', `Desconectado pelo servidor em drenagem; reconectando em ${delay} ms.`);
        clearDrainTimer();
        state.drainTimer = setTimeout(() => {
          state.drainTimer = null;
          if (current() && !socket.connected && !state.replaced) {
            setStatus('connecting', 'reconectando após server-draining');
            socket.connect();
          }
        }, delay);
        return;
      }
      if (socket.active) {
        setStatus('connecting', `reconectando (${reason})`);
        logSystem('warn', `Desconectado (${reason}); o cliente vai reconectar.`);
      } else {
        setStatus('disconnected', reason);
        logSystem('warn', `Desconectado (${reason}).`);
      }
    });

    socket.io.on('reconnect_attempt', (attempt) => {
      if (!current()) return;
      setStatus('connecting', `tentativa de reconexão ${attempt}`);
    });

    socket.io.on('reconnect_failed', () => {
      if (!current()) return;
      setStatus('error', 'reconexão falhou (reconnect_failed)');
      logSystem('error', 'Todas as tentativas de reconexão falharam.');
    });

    socket.on('session-replaced', (notice) => {
      if (!current()) return;
      state.replaced = true;
      // Never come back on our own: that would kick the newer connection, which would kick us, and so on.
      socket.io.reconnection(false);
      clearDrainTimer();
      const at = isPlainObject(notice) && notice.at ? formatDateTime(notice.at) : formatTime(new Date());
      const reason = isPlainObject(notice) && typeof notice.reason === 'string' ? notice.reason : 'new-connection';
      socket.disconnect();
      markPendingEntries('Sessão substituída antes da resposta; ela será entregue à conexão nova.');
      setStatus('replaced', `em ${at} · motivo: ${reason}`);
      showBanner(
        `Esta sessão foi substituída por uma conexão mais nova do mesmo usuário (${at}, ${reason}). ` +
          'This session was replaced by a newer connection of the same user. ' +
          'A página não reconecta sozinha; clique em Reconectar para retomar (isso derruba a outra conexão).',
      );
      logSystem('warn', `session-replaced (${reason}, ${at}): sessão substituída; reconexão automática desligada.`);
    });

    socket.on('server-draining', (notice) => {
      if (!current()) return;
      const reconnectInMs =
        isPlainObject(notice) && typeof notice.reconnectInMs === 'number' && notice.reconnectInMs >= 0 ? notice.reconnectInMs : 1000;
      state.draining = { reconnectInMs, at: Date.now() };
      setStatus('draining', `o servidor está encerrando; reconectar em ${reconnectInMs} ms`);
      logSystem('warn', `server-draining: este nó está encerrando; a página reconecta em ${reconnectInMs} ms após ser desconectada.`);
    });

    socket.on('error', (payload) => {
      if (!current()) return;
      const message = isPlainObject(payload) && typeof payload.message === 'string' ? payload.message : safeJson(payload);
      const code = isPlainObject(payload) && typeof payload.code === 'string' ? payload.code : '';
      const event = isPlainObject(payload) && typeof payload.event === 'string' ? payload.event : '';
      logSystem('error', `Erro do servidor: ${message}`, code ? chip(code, 'chip-code') : null, event ? chip(`evento: ${event}`, 'chip-meta') : null);
    });

    socket.on('prompt-response', (response, received) => {
      if (!current()) return;
      handleResponse(response, 'prompt-response');
      // Receipt: the server drops the response from this user's mailbox (no re-send after a reconnect).
      if (typeof received === 'function') received();
    });

    socket.on('prompt-progress', (progress) => {
      if (!current()) return;
      handleProgress(progress);
    });
  }

  // ---------------------------------------------------------------------------------------------- wiring

  function init() {
    const prefs = loadPrefs();
    if (typeof prefs.mode === 'string') setRadio('mode', prefs.mode);
    if (typeof prefs.transport === 'string') setRadio('transport', prefs.transport);
    loadInitialToken();
    showModeHint();
    updatePromptCount();
    setStatus('disconnected', typeof io === 'function' ? '' : 'cliente Socket.IO não carregado');

    for (const text of EXAMPLES) {
      ui.chips.append(el('button', { type: 'button', class: 'chip-btn', onclick: () => usePrompt(text), text }));
    }

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
      sendPrompt();
    });
    ui.prompt.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey) {
        event.preventDefault();
        sendPrompt();
      }
    });
    ui.prompt.addEventListener('input', () => {
      updatePromptCount();
      if (ui.promptNotice.textContent) promptNotice('');
    });

    ui.listTools.addEventListener('click', listTools);
    ui.getHistory.addEventListener('click', getHistory);
    ui.clearLog.addEventListener('click', () => {
      // Prompts still waiting for their response stay; `rendered` is kept so a late second copy is still dropped.
      for (const [requestId, entry] of state.entries) if (entry.done) state.entries.delete(requestId);
      const keep = new Set([ui.logEmpty, ...Array.from(state.entries.values(), (entry) => entry.article)]);
      for (const node of Array.from(ui.log.children)) if (!keep.has(node)) node.remove();
      ui.logEmpty.hidden = state.entries.size > 0;
    });
    ui.bannerClose.addEventListener('click', hideBanner);
  }

  init();
})();
