// Refuses hostile payload shapes before any schema or handler sees them: keys that can reach a prototype
// (__proto__, constructor, prototype) anywhere in the payload, objects whose prototype was swapped, and nesting
// deeper than MAX_PAYLOAD_DEPTH. Iterative, so a 10 000-level payload cannot overflow the stack.
export const MAX_PAYLOAD_DEPTH = 32;
const MAX_NODES = 100_000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const PLAIN_PROTOTYPES = new Set<unknown>([Object.prototype, Array.prototype, null]);

/** Why the payload is refused, or undefined when its shape is acceptable. */
export function hostilePayload(value: unknown): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let visited = 0;
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, depth] = entry;
    if (node === null || typeof node !== 'object') continue;
    if (ArrayBuffer.isView(node) || node instanceof ArrayBuffer) continue;
    if (depth >= MAX_PAYLOAD_DEPTH) return `payload is nested more than ${MAX_PAYLOAD_DEPTH} levels deep`;
    if (++visited > MAX_NODES) return 'payload has too many values';
    if (!PLAIN_PROTOTYPES.has(Object.getPrototypeOf(node))) return 'payload contains an object with a foreign prototype';
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return `payload key "${key}" is not allowed`;
      stack.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}
