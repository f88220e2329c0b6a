// Leads arriving live from the LeadLovers webhook (lead-created events), newest first, 50 kept; with notification
// permission, asked only from the "Ativar notificações" button, a lead that arrives while the tab is hidden notifies.
import { el } from './dom.js';
import { formatTime, isPlainObject } from './format.js';
import { ui } from './ui.js';

/** Leads kept in the live feed (newest first). */
const MAX_FEED_LEADS = 50;
let leadsSeen = 0;

function notificationsSupported() {
  return typeof window.Notification === 'function';
}

function showNotifyState() {
  if (!notificationsSupported()) {
    ui.notifyEnable.hidden = true;
    ui.notifyState.textContent = '';
    return;
  }
  const permission = window.Notification.permission;
  // requestPermission needs a click: the button is the only way in, and only while the answer is still open.
  ui.notifyEnable.hidden = permission !== 'default';
  ui.notifyState.textContent =
    permission === 'granted'
      ? 'Notificações ativas quando a aba está em segundo plano. (Notifications on while the tab is hidden.)'
      : permission === 'denied'
        ? 'Notificações bloqueadas no navegador. (Notifications blocked.)'
        : '';
}

function enableNotifications() {
  if (!notificationsSupported()) return;
  Promise.resolve(window.Notification.requestPermission()).then(showNotifyState, showNotifyState);
}

function notifyLead(lead) {
  if (!notificationsSupported() || window.Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  try {
    const notification = new window.Notification(`Novo lead: ${lead.name || lead.email}`, {
      body: [lead.email, lead.company, [lead.city, lead.state].filter(Boolean).join('/')].filter(Boolean).join(' · '),
      tag: `lead-${lead.id}`,
      lang: 'pt-BR',
    });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch {
    // Some browsers (Android Chrome) only notify through a service worker: the feed still shows the lead.
  }
}

export function onLeadCreated(event) {
  if (!isPlainObject(event) || !isPlainObject(event.lead)) return;
  const lead = event.lead;
  leadsSeen += 1;
  const place = [lead.city, lead.state].filter((v) => typeof v === 'string' && v).join('/');
  const item = el(
    'li',
    { class: 'lead-item', dataset: { leadId: String(lead.id) } },
    el('p', { class: 'lead-name' }, el('strong', { text: typeof lead.name === 'string' && lead.name ? lead.name : String(lead.email) }), event.receivedAt ? el('time', { text: formatTime(event.receivedAt) }) : null),
    el('p', { class: 'lead-email', text: String(lead.email) }),
    el(
      'p',
      { class: 'lead-meta' },
      [typeof lead.phone === 'string' ? lead.phone : '', typeof lead.company === 'string' ? lead.company : '', place].filter(Boolean).join(' · ') || null,
    ),
  );
  ui.leadsFeed.prepend(item);
  while (ui.leadsFeed.childElementCount > MAX_FEED_LEADS) ui.leadsFeed.lastElementChild.remove();
  ui.leadsEmpty.hidden = true;
  ui.leadsCount.textContent = String(leadsSeen);
  notifyLead(lead);
}

export function wireLeads() {
  showNotifyState();
  ui.notifyEnable.addEventListener('click', enableNotifications);
}
