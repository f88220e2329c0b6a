// localStorage that never breaks the page (disabled storage just means nothing is remembered), and the choices
// it remembers between visits: token placement, transport and voice language. The token itself: token.js.
import { isPlainObject } from './format.js';
import { ui } from './ui.js';

const STORAGE_PREFS = 'leadlovers.console.prefs';

export function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, policy): the page still works without it
  }
}

/** Stores `value` (an empty one removes the key); false when storage is unavailable. */
export function storageSet(key, value) {
  try {
    if (value == null || value === '') window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function radioValue(name) {
  const checked = document.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : '';
}

function setRadio(name, value) {
  // Values come from localStorage: keep them to letters so they cannot break the selector.
  const safe = String(value).replace(/[^a-z]/gi, '');
  const input = document.querySelector(`input[name="${name}"][value="${safe}"]`);
  if (input) input.checked = true;
}

function loadPrefs() {
  try {
    const prefs = JSON.parse(storageGet(STORAGE_PREFS) || '{}');
    return isPlainObject(prefs) ? prefs : {};
  } catch {
    return {};
  }
}

export function savePrefs() {
  storageSet(STORAGE_PREFS, JSON.stringify({ mode: radioValue('mode'), transport: radioValue('transport'), voiceLang: ui.voiceLang.value }));
}

/** Puts the remembered choices back into the form (values the page does not offer are ignored). */
export function restorePrefs() {
  const prefs = loadPrefs();
  if (typeof prefs.mode === 'string') setRadio('mode', prefs.mode);
  if (typeof prefs.transport === 'string') setRadio('transport', prefs.transport);
  if (typeof prefs.voiceLang === 'string' && Array.from(ui.voiceLang.options).some((o) => o.value === prefs.voiceLang)) ui.voiceLang.value = prefs.voiceLang;
}
