// A PromptResponse rendered for reading: outcome, tool, code and timings as chips, `data` as tables (arrays of
// objects by column, objects by key), an email as its preview, example prompts as buttons, and the raw JSON.
import { chip, codeDetails, el } from './dom.js';
import { EMAIL_KEYS, isEmail, renderEmail } from './email.js';
import { formatMs, isPlainObject, isPrimitive, safeJson } from './format.js';
import { usePrompt } from './prompt-box.js';

/** Rows rendered per table; the raw JSON view always has everything. */
const MAX_TABLE_ROWS = 200;
const PREFERRED_OBJECT_KEYS = ['lead', 'machine'];
const PREFERRED_ARRAY_KEYS = ['machines', 'leads', 'sequences'];

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

/** A scrollable, focusable region so wide tables can be scrolled with the keyboard on narrow screens. */
function tableRegion(label, table, ...after) {
  return el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': label }, table, ...after);
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
  return tableRegion(
    caption || 'tabela',
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
  return depth > 0 ? table : tableRegion(caption || 'detalhes', table);
}

/** Example prompts a server sends with UNKNOWN_INTENT: buttons that put the example in the prompt box. */
function renderExamples(examples) {
  return el(
    'div',
    { class: 'chips inline-chips', role: 'group', 'aria-label': 'Exemplos sugeridos' },
    examples.map((text) => el('button', { type: 'button', class: 'chip-btn', onclick: () => usePrompt(text), text })),
  );
}

function renderData(data) {
  if (data === undefined) return null;
  if (isPrimitive(data)) return el('p', { class: 'data-text', text: String(data) });
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every(isPlainObject)) return renderTable(data, 'data');
    return el('p', { class: 'data-text' }, renderCell(data, 0));
  }

  const box = el('div', { class: 'data' });
  const handled = new Set();
  if (isEmail(data)) {
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
export function renderResponse(response) {
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
    codeDetails('JSON bruto', 'raw JSON', safeJson(response), { class: 'raw' }),
  );
}
