// A generated email (subject, preheader, html, text) as a preview. The HTML is the only server markup the page
// shows, and only inside <iframe sandbox=""> through srcdoc: no scripts, no forms, no navigation, opaque origin.
import { codeDetails, el } from './dom.js';

export const EMAIL_KEYS = ['subject', 'preheader', 'html', 'text'];

/** Data that looks like an email: html, or a subject with a preheader. */
export function isEmail(data) {
  return typeof data.html === 'string' || (typeof data.subject === 'string' && typeof data.preheader === 'string');
}

export function renderEmail(data) {
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
    box.append(codeDetails('Código HTML', 'HTML source', data.html));
  }
  if (typeof data.text === 'string' && data.text) {
    box.append(codeDetails('Versão texto', 'Plain text', data.text));
  }
  return box;
}
