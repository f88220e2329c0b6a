// The token box: the dev-mode token from #token=… (taken out of the address bar), the one remembered in
// localStorage, and what the token claims (sub, account, exp), decoded locally for display only, never trusted.
import { formatTime, isPlainObject, isPrimitive } from './format.js';
import { storageGet, storageSet } from './storage.js';
import { ui } from './ui.js';

const STORAGE_TOKEN = 'leadlovers.console.token';

/** Accepts a bare JWT or one pasted with a "Bearer " prefix or surrounding whitespace/quotes. */
export function normalizeToken(raw) {
  return String(raw || '')
    .trim()
    .replace(/^bearer\s+/i, '')
    .replace(/^["']|["']$/g, '')
    .trim();
}

/** The dev-mode token: the gateway prints http://host/#token=… at start-up. */
function tokenFromHash() {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  const token = new URLSearchParams(hash).get('token');
  return token ? normalizeToken(token) : null;
}

/** Removes #token=… from the address bar so that it is not bookmarked, shared or kept in history. */
function stripTokenFromUrl() {
  try {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  } catch {
    // not fatal: the token simply stays in the address bar
  }
}

export function rememberToken(token) {
  const ok = storageSet(STORAGE_TOKEN, token);
  ui.tokenSaved.textContent = !ok ? 'localStorage indisponível: o token não será lembrado.' : token ? 'Token lembrado neste navegador.' : '';
}

export function decodeJwtPayload(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '==='.slice((b64.length + 3) % 4);
    const bytes = Uint8Array.from(window.atob(padded), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new window.TextDecoder().decode(bytes));
    return isPlainObject(payload) ? payload : null;
  } catch {
    return null;
  }
}

/** Shows what the token claims (decoded locally, not verified): who, which account, when it expires. */
export function showTokenClaims() {
  const token = normalizeToken(ui.token.value);
  ui.tokenClaims.classList.remove('warn');
  if (!token) {
    ui.tokenClaims.textContent = '';
    return;
  }
  const claims = decodeJwtPayload(token);
  if (!claims) {
    ui.tokenClaims.classList.add('warn');
    ui.tokenClaims.textContent = 'Não parece um JWT (header.payload.signature). The server will answer TOKEN_INVALID.';
    return;
  }
  const parts = [];
  for (const key of ['sub', 'email', 'name', 'account']) {
    if (isPrimitive(claims[key]) && claims[key] != null && claims[key] !== '') parts.push(`${key}: ${claims[key]}`);
  }
  if (typeof claims.exp === 'number') {
    const expiresAt = new Date(claims.exp * 1000);
    const minutes = Math.round((expiresAt.getTime() - Date.now()) / 60000);
    if (expiresAt.getTime() < Date.now()) {
      ui.tokenClaims.classList.add('warn');
      parts.push(`expirou há ${-minutes} min (${formatTime(expiresAt)}) — expect TOKEN_EXPIRED`);
    } else {
      parts.push(`expira em ${minutes} min (${formatTime(expiresAt)})`);
    }
  } else {
    parts.push('sem exp');
  }
  ui.tokenClaims.textContent = `${parts.join(' · ')} (decodificado localmente, não verificado)`;
}

/** Moves a #token=… from the address bar into the box (and storage); false when the URL has none. */
function takeTokenFromHash() {
  const token = tokenFromHash();
  if (!token) return false;
  ui.token.value = token;
  rememberToken(token);
  stripTokenFromUrl();
  showTokenClaims();
  return true;
}

/** Fills the token box from #token=… (then strips it) or from localStorage; true when it came from the URL. */
export function loadInitialToken() {
  if (takeTokenFromHash()) return true;
  const stored = storageGet(STORAGE_TOKEN);
  if (stored) {
    ui.token.value = stored;
    ui.tokenSaved.textContent = 'Token lembrado neste navegador.';
  }
  showTokenClaims();
  return false;
}

export function wireToken() {
  ui.token.addEventListener('input', showTokenClaims);
  ui.tokenForget.addEventListener('click', () => {
    storageSet(STORAGE_TOKEN, '');
    ui.token.value = '';
    ui.tokenSaved.textContent = 'Token esquecido. (Token forgotten.)';
    showTokenClaims();
    ui.token.focus();
  });
  window.addEventListener('hashchange', takeTokenFromHash);
}
