// The user's history panel: client.getHistory({ limit: 20 }) on connecting, after each response and on
// "Atualizar"; each entry shows its outcome and response, and "Reusar" puts an old prompt back in the box.
import { bi, chip, el, errorLine } from './dom.js';
import { formatDateTime, formatMs, isPlainObject } from './format.js';
import { usePrompt } from './prompt-box.js';
import { renderResponse } from './results.js';
import { isOnline, session } from './session.js';
import { ui } from './ui.js';

const HISTORY_LIMIT = 20;
let refreshTimer = null;

/** After a response: one reload for a burst of them. */
export function scheduleHistoryRefresh() {
  window.clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(loadHistory, 300);
}

export function loadHistory() {
  const client = session.client;
  if (!client || !isOnline()) return;
  ui.getHistory.setAttribute('aria-busy', 'true');
  client.getHistory({ limit: HISTORY_LIMIT }).then(
    (entries) => {
      ui.getHistory.removeAttribute('aria-busy');
      if (client !== session.client) return;
      const list = (Array.isArray(entries) ? entries : []).filter(isPlainObject);
      ui.historyOutput.replaceChildren(
        list.length === 0
          ? el('p', { class: 'hint', text: 'Nenhuma entrada ainda. (No history yet.)' })
          : el('ol', { class: 'history-list', 'aria-label': `Últimas ${list.length} entradas` }, list.map(renderHistoryEntry)),
      );
    },
    (err) => {
      ui.getHistory.removeAttribute('aria-busy');
      if (client === session.client) ui.historyOutput.replaceChildren(errorLine(err));
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

export function wireHistory() {
  ui.getHistory.addEventListener('click', loadHistory);
}
