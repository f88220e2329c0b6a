// The connection: builds the SDK client from the form (token placement, transport), subscribes the panels to
// its events, and turns each SDK state (connecting … replaced, expired, refused) into the pill, banner and log.
import { logSystem, onStrayResponse } from './chat.js';
import { chip } from './dom.js';
import { errorCode, errorMessage, isPlainObject, safeJson } from './format.js';
import { loadHistory } from './history.js';
import { onLeadCreated } from './leads.js';
import { clearPresence, loadPresence, onPresenceChanged } from './presence.js';
import { session } from './session.js';
import { radioValue, savePrefs } from './storage.js';
import { hideBanner, setStatus, showBanner } from './status.js';
import { cancelSuggestions } from './suggestions.js';
import { decodeJwtPayload, normalizeToken, rememberToken, showTokenClaims } from './token.js';
import { ui } from './ui.js';

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
  auth: "createGatewayClient({ tokenPlacement: 'auth' }) → io(url, { auth: { token, resume: true } }). Forma preferencial. (Preferred.)",
  header:
    "tokenPlacement: 'header' → Authorization: Bearer …. Navegadores só enviam cabeçalhos no polling HTTP, então este " +
    "modo força transports: ['polling']. (Browsers send headers with polling only: transport forced to polling.)",
  query: "tokenPlacement: 'query' → o token vai na URL e pode aparecer em logs de proxy. (The token may show up in proxy logs.)",
};

/** The SDK module (/client.js), once loaded. */
let sdk = null;
/** Unsubscribe functions of the current client's listeners. */
let unsubscribe = [];

export function setSdk(module) {
  sdk = module;
}

function showModeHint() {
  const mode = radioValue('mode');
  ui.modeHint.textContent = MODE_HINTS[mode] || '';
  // Header mode can only work over polling: the transport choice is overridden while it is selected.
  ui.transportSet.disabled = mode === 'header';
  ui.transportHint.textContent =
    mode === 'header' ? "Ignorado no modo header: transports = ['polling']. (Ignored in header mode.)" : TRANSPORT_HINTS[radioValue('transport')] || '';
}

/** Closes the current client; its listeners are removed first, so its last state changes are not shown. */
function dropClient() {
  const client = session.client;
  if (!client) return;
  for (const off of unsubscribe.splice(0)) off();
  session.client = null;
  client.close();
  clearPresence();
  cancelSuggestions();
}

export function connect() {
  dropClient();
  hideBanner();
  if (!sdk) {
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
  session.userId = claims && typeof claims.sub === 'string' ? claims.sub : '';
  ui.connSummary.textContent = [session.userId, claims && typeof claims.account === 'string' ? `conta ${claims.account}` : '', mode].filter(Boolean).join(' · ');

  const client = sdk.createGatewayClient({
    url: window.location.origin,
    // The SDK wants a token: an empty box becomes an empty one, which the gateway refuses with TOKEN_MISSING.
    ...(token ? { token } : { getToken: () => '' }),
    tokenPlacement: mode,
    transports,
  });
  session.client = client;
  const mine = (fn) => (...args) => {
    if (session.client === client) fn(...args);
  };
  unsubscribe = [
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
  if (!session.client) return;
  dropClient();
  hideBanner();
  setStatus('disconnected', 'desconectado pelo usuário');
  logSystem('info', 'Desconectado pelo usuário. Prompts pendentes recebem a resposta na próxima conexão (mailbox).');
}

/** The SDK's state → the pill, the banner and the panels. */
function onStateChange(change) {
  const client = session.client;
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

function onServerError(payload) {
  const message = isPlainObject(payload) && typeof payload.message === 'string' ? payload.message : safeJson(payload);
  const code = isPlainObject(payload) && typeof payload.code === 'string' ? payload.code : '';
  const event = isPlainObject(payload) && typeof payload.event === 'string' ? payload.event : '';
  logSystem('error', `Erro do servidor: ${message}`, code ? chip(code, 'chip-code') : null, event ? chip(`evento: ${event}`, 'chip-meta') : null);
}

export function wireConnection() {
  showModeHint();
  ui.connForm.addEventListener('submit', (event) => {
    event.preventDefault();
    connect();
  });
  ui.disconnect.addEventListener('click', disconnect);
  for (const input of document.querySelectorAll('input[name="mode"], input[name="transport"]')) {
    input.addEventListener('change', () => {
      showModeHint();
      savePrefs();
    });
  }
}
