// The conversation log: connection lines, one entry per prompt (pending with live progress and a cancel button,
// then its response), entries for responses re-sent from the mailbox, "new conversation" and "clear".
import { bi, chip, el } from './dom.js';
import { errorCode, errorMessage, formatTime, isPlainObject, newId } from './format.js';
import { scheduleHistoryRefresh } from './history.js';
import { renderResponse } from './results.js';
import { session } from './session.js';
import { ui } from './ui.js';

const PROGRESS_LABELS = {
  planned: 'planejado',
  'tool-started': 'executando ferramenta',
  'tool-progress': 'em progresso',
  chunk: 'recebendo',
};

/** requestId → chat entry of a prompt sent from this page (or of a replayed response). */
const entries = new Map();

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

const requestIdCode = (requestId) => el('code', { class: 'request-id', title: 'requestId', text: requestId });

/** A connection-level line in the log: info, warn or error. */
export function logSystem(level, text, ...chips) {
  appendToLog(
    el(
      'article',
      { class: `entry entry-system level-${level}` },
      entryHeader(level === 'error' ? 'erro' : level === 'warn' ? 'aviso' : 'conexão', chips),
      el('p', { class: 'entry-text', text }),
    ),
  );
}

export function addPromptEntry(prompt, requestId, controller) {
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
    entryHeader('você', [requestIdCode(requestId), cancel]),
    el('p', { class: 'prompt-text', text: prompt }),
    note,
    progress,
    stream,
    responseSlot,
  );
  const entry = { requestId, article, note, progress, progressLine, stream, cancel, responseSlot, done: false };
  entries.set(requestId, entry);
  appendToLog(article, { forceScroll: true });
  return entry;
}

/** prompt-response events: ours are answered through sendPrompt; one for a request not on this page gets an entry. */
export function onStrayResponse(response) {
  if (!isPlainObject(response) || typeof response.requestId !== 'string') return;
  if (entries.has(response.requestId)) return;
  showResponse(addOrphanEntry(response.requestId), response);
}

/** A response whose prompt is not on this page (re-sent from the mailbox after a reload or a replacement). */
function addOrphanEntry(requestId) {
  const responseSlot = el('div', { class: 'response-slot' });
  const article = el(
    'article',
    { class: 'entry entry-prompt', dataset: { requestId } },
    entryHeader('resposta', requestIdCode(requestId)),
    el('p', {
      class: 'entry-note',
      text: 'Resposta de um prompt que não foi enviado desta página (reenviada pelo servidor). Response to a prompt not sent from this page.',
    }),
    responseSlot,
  );
  const entry = { requestId, article, note: null, progress: null, progressLine: null, stream: null, cancel: null, responseSlot, done: false };
  entries.set(requestId, entry);
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

export function showResponse(entry, response) {
  if (entry.done) return;
  const stick = isLogNearBottom();
  finishEntry(entry, response.isSuccess === true ? 'ok' : 'fail');
  entry.responseSlot.replaceChildren(renderResponse(response));
  if (stick) scrollLogToBottom();
  scheduleHistoryRefresh();
}

export function showRequestError(entry, err) {
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

export function handleProgress(entry, progress) {
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

export function wireChat() {
  ui.newConversation.addEventListener('click', () => {
    session.conversationId = newId();
    logSystem('info', 'Nova conversa: os próximos prompts não levam o contexto dos anteriores. (New conversation.)');
  });
  ui.clearLog.addEventListener('click', () => {
    // Prompts still waiting for their response stay.
    for (const [requestId, entry] of entries) if (entry.done) entries.delete(requestId);
    const keep = new Set([ui.logEmpty, ...Array.from(entries.values(), (entry) => entry.article)]);
    for (const node of Array.from(ui.log.children)) if (!keep.has(node)) node.remove();
    ui.logEmpty.hidden = entries.size > 0;
  });
}
