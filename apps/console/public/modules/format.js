// Value checks and formatting shared by the console's modules: what a server value is (plain object, scalar),
// times and durations for display, JSON that never throws, the code and message of any error, and request ids.

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isPrimitive(value) {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

export function formatTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleTimeString();
}

export function formatDateTime(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString();
}

export function formatMs(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function safeJson(value) {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

export function errorCode(err) {
  return err && typeof err.code === 'string' ? err.code : '';
}

export function errorMessage(err) {
  return err && typeof err.message === 'string' ? err.message : String(err);
}

export function newId() {
  if (typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  // crypto.randomUUID needs a secure context (https or localhost); getRandomValues does not.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
