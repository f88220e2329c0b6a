// DOM helpers every part of the console builds its nodes with. The rule they keep: text from the server or from a
// token goes in as text nodes (textContent / append(string)), never through innerHTML; the only server HTML the
// page shows is an email body, inside a sandboxed iframe (email.js).
import { errorCode, errorMessage } from './format.js';

/**
 * createElement with properties and children. Strings become text nodes (never parsed as HTML).
 * props: class, text, hidden, dataset, on<event>, anything else → setAttribute.
 */
export function el(tag, props, ...children) {
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
export function bi(pt, en) {
  return [pt, ' ', el('span', { class: 'en', lang: 'en', text: en })];
}

/** A small labelled tag: outcome, tool, code, timing… */
export function chip(text, cls) {
  return el('span', { class: `chip ${cls || ''}`.trim(), text });
}

/** A collapsed block of preformatted text (HTML source, raw JSON, a schema) under a bilingual summary. */
export function codeDetails(pt, en, text, props = null) {
  return el('details', props, el('summary', null, ...bi(pt, en)), el('pre', { class: 'code', text }));
}

/** A failed request in a side panel: its code and message. */
export function errorLine(err) {
  return el('p', { class: 'level-error', text: `${errorCode(err) || 'ERRO'}: ${errorMessage(err)}` });
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`console: #${id} is missing from index.html`);
  return node;
}
