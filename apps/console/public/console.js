// LeadLovers realtime gateway console: the entry module (index.html loads it with <script type="module">). It only
// wires the page: it restores the remembered choices, lets each module in modules/ attach to its part of the page,
// loads the client SDK from /client.js and connects straight away when the URL brought a dev token.
import { logSystem, wireChat } from './modules/chat.js';
import { wireComposer } from './modules/composer.js';
import { connect, setSdk, wireConnection } from './modules/connection.js';
import { errorMessage } from './modules/format.js';
import { wireHistory } from './modules/history.js';
import { wireLeads } from './modules/leads.js';
import { renderPresence } from './modules/presence.js';
import { setStatus, wireStatus } from './modules/status.js';
import { restorePrefs } from './modules/storage.js';
import { loadInitialToken, wireToken } from './modules/token.js';
import { wireTools } from './modules/tools.js';
import { wireVoice } from './modules/voice.js';

async function init() {
  restorePrefs();
  const fromUrl = loadInitialToken();
  wireConnection();
  wireToken();
  wireStatus();
  wireComposer();
  wireVoice();
  wireLeads();
  renderPresence();
  wireChat();
  wireHistory();
  wireTools();
  try {
    // A dynamic import, so a gateway that cannot build the bundle leaves a readable error instead of a dead page.
    setSdk(await import('/client.js'));
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
