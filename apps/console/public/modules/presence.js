// Who of the account is online: client.getPresence() on every connection, kept current by presence-changed
// events; the user's own entry is marked "você".
import { logSystem } from './chat.js';
import { chip, el } from './dom.js';
import { errorCode, errorMessage, formatTime, isPlainObject } from './format.js';
import { session } from './session.js';
import { ui } from './ui.js';

/** userId → PresenceUser of the account. */
const users = new Map();

export function renderPresence() {
  const online = Array.from(users.values()).sort((a, b) => String(a.connectedAt).localeCompare(String(b.connectedAt)));
  ui.presenceList.replaceChildren(
    ...online.map((user) =>
      el(
        'li',
        { class: 'presence-user', dataset: { userId: user.userId } },
        el('span', { class: 'presence-dot', 'aria-hidden': 'true' }),
        el('span', { class: 'presence-name', text: user.name || user.userId }),
        user.userId === session.userId ? chip('você (you)', 'chip-ok') : null,
        user.name ? el('code', { class: 'presence-id', text: user.userId }) : null,
        user.email ? el('span', { class: 'presence-email', text: user.email }) : null,
        user.connectedAt ? el('time', { class: 'presence-since', text: `desde ${formatTime(user.connectedAt)}` }) : null,
      ),
    ),
  );
  ui.presenceCount.textContent = online.length ? String(online.length) : '';
  ui.presenceEmpty.hidden = online.length > 0;
}

export function loadPresence(client) {
  client.getPresence().then(
    (list) => {
      if (client !== session.client) return;
      users.clear();
      for (const user of Array.isArray(list) ? list : []) if (isPlainObject(user) && typeof user.userId === 'string') users.set(user.userId, user);
      renderPresence();
    },
    (err) => {
      if (client === session.client) logSystem('warn', `get-presence falhou: ${errorMessage(err)}`, errorCode(err) ? chip(errorCode(err), 'chip-code') : null);
    },
  );
}

export function onPresenceChanged(change) {
  if (!isPlainObject(change) || typeof change.userId !== 'string') return;
  if (change.status === 'offline') users.delete(change.userId);
  else users.set(change.userId, { ...users.get(change.userId), userId: change.userId, name: change.name, connectedAt: change.at });
  renderPresence();
}

/** On disconnecting: nobody is known to be online any more. */
export function clearPresence() {
  users.clear();
  renderPresence();
}
