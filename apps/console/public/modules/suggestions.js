// Completions under the prompt box: asked from suggest-prompts 250 ms after the last keystroke (older answers are
// dropped), shown as a listbox tied to the input with aria-activedescendant; ↑/↓ move, Enter/Tab take, Esc closes.
import { el } from './dom.js';
import { isPlainObject } from './format.js';
import { isOnline, session } from './session.js';
import { ui } from './ui.js';

/** Quiet time after the last keystroke before suggest-prompts is asked (the server also caches answers). */
const SUGGEST_DEBOUNCE_MS = 250;
const SOURCE_LABELS = { grammar: 'modelo', history: 'histórico', data: 'conta' };

const list = { timer: null, seq: 0, items: [], active: -1 };
/** What taking a suggestion does with its text: set by wireSuggestions (the prompt box owns the input). */
let onPick = () => undefined;

/** Debounced: only the last keystroke of a burst asks the gateway, and an answer older than the input is dropped. */
export function scheduleSuggestions() {
  window.clearTimeout(list.timer);
  list.seq += 1;
  const partial = ui.prompt.value;
  if (!partial.trim() || !isOnline() || partial.includes('\n')) {
    closeSuggestions();
    return;
  }
  const seq = list.seq;
  list.timer = window.setTimeout(() => {
    const client = session.client;
    if (!client || !isOnline()) return;
    client.call('suggest-prompts', { partial }).then(
      (items) => {
        if (seq !== list.seq || client !== session.client || ui.prompt.value !== partial) return;
        showSuggestions(Array.isArray(items) ? items.filter((item) => isPlainObject(item) && typeof item.text === 'string') : []);
      },
      () => {
        // A refused or rate-limited suggestion is not worth a message: typing goes on without them.
        if (seq === list.seq) closeSuggestions();
      },
    );
  }, SUGGEST_DEBOUNCE_MS);
}

function showSuggestions(items) {
  list.items = items;
  list.active = -1;
  if (items.length === 0 || document.activeElement !== ui.prompt) {
    closeSuggestions();
    return;
  }
  ui.suggestions.replaceChildren(
    ...items.map((item, index) =>
      el(
        'li',
        {
          id: `suggestion-${index}`,
          role: 'option',
          class: 'suggestion',
          'aria-selected': 'false',
          dataset: { source: String(item.source || '') },
          // mousedown, not click: the textarea keeps the focus (and the caret) while the choice is made.
          onmousedown: (event) => {
            event.preventDefault();
            acceptSuggestion(index);
          },
        },
        el('span', { class: 'suggestion-text', text: item.text }),
        el('span', { class: 'suggestion-source', text: SOURCE_LABELS[item.source] || String(item.source || '') }),
      ),
    ),
  );
  ui.suggestions.hidden = false;
  ui.prompt.setAttribute('aria-expanded', 'true');
  ui.suggestionsStatus.textContent = `${items.length} sugestões; use as setas para escolher. (${items.length} suggestions.)`;
}

/** Closes the list and forgets any answer still on its way (it would be for text that is gone). */
export function cancelSuggestions() {
  window.clearTimeout(list.timer);
  list.seq += 1;
  closeSuggestions();
}

function closeSuggestions() {
  list.items = [];
  list.active = -1;
  ui.suggestions.hidden = true;
  ui.suggestions.replaceChildren();
  ui.prompt.setAttribute('aria-expanded', 'false');
  ui.prompt.removeAttribute('aria-activedescendant');
}

function moveSuggestion(delta) {
  if (list.items.length === 0) return;
  list.active = (list.active + delta + list.items.length + (list.active < 0 && delta < 0 ? 1 : 0)) % list.items.length;
  for (const [index, node] of Array.from(ui.suggestions.children).entries()) {
    const selected = index === list.active;
    node.setAttribute('aria-selected', selected ? 'true' : 'false');
    node.classList.toggle('active', selected);
    if (selected) node.scrollIntoView({ block: 'nearest' });
  }
  ui.prompt.setAttribute('aria-activedescendant', `suggestion-${list.active}`);
}

function acceptSuggestion(index) {
  const item = list.items[index];
  if (item) onPick(item.text);
}

/** The prompt box's keys while the list is open; true when the key was the list's (Enter sends only otherwise). */
export function handleSuggestionKey(event) {
  if (ui.suggestions.hidden || list.items.length === 0) return false;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    moveSuggestion(event.key === 'ArrowDown' ? 1 : -1);
    return true;
  }
  if (event.key === 'Escape') {
    event.preventDefault();
    cancelSuggestions();
    return true;
  }
  if (event.key === 'Tab' && !event.shiftKey) {
    event.preventDefault();
    acceptSuggestion(list.active >= 0 ? list.active : 0);
    return true;
  }
  if (event.key === 'Enter' && list.active >= 0 && !event.isComposing) {
    event.preventDefault();
    acceptSuggestion(list.active);
    return true;
  }
  return false;
}

/** `pick(text)` puts a taken suggestion in the prompt box. */
export function wireSuggestions(pick) {
  onPick = pick;
}
