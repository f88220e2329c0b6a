// What the page says about its connection: the status pill and its detail line, the banner for states that need
// the user (replaced, expired, refused), and which controls are enabled in each state.
import { bi } from './dom.js';
import { canSend, isOnline, session } from './session.js';
import { ui } from './ui.js';

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

export function setStatus(name, detail) {
  const [pt, en] = STATUS_LABELS[name] || [name, name];
  ui.pill.className = `pill pill-${name}`;
  ui.pill.dataset.state = name;
  ui.pill.replaceChildren(...bi(pt, en));
  ui.statusDetail.textContent = detail || '';
  document.body.dataset.status = name;
  updateControls();
}

function updateControls() {
  const client = session.client;
  const live = Boolean(client && !['closed', 'replaced', 'expired'].includes(client.state));
  ui.send.disabled = !canSend();
  ui.voiceSend.disabled = !canSend();
  ui.listTools.disabled = !isOnline();
  ui.getHistory.disabled = !isOnline();
  ui.disconnect.disabled = !live;
  ui.connect.replaceChildren(...(client ? bi('Reconectar', 'Reconnect') : bi('Conectar', 'Connect')));
}

/** A banner for states that need the user (replaced, expired, refused): text and an optional action. */
export function showBanner(text, action) {
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

export function hideBanner() {
  ui.banner.hidden = true;
  ui.bannerText.textContent = '';
  ui.bannerAction.hidden = true;
  ui.bannerAction.onclick = null;
}

export function wireStatus() {
  ui.bannerClose.addEventListener('click', hideBanner);
}
