// Whether a configured secret is one nobody should run production with: a documented example or placeholder
// (README, .env.example, the k8s Secret example), or text with too little entropy to resist guessing (repeats,
// short alphabets). Tokens signed with such an API_SECRET are forgeable by anyone who read the docs.

/** Placeholders as examples write them; matched anywhere in the value, case-insensitively. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|your[-_ ]?(api[-_ ]?|webhook[-_ ]?)?(secret|token|key)|^(secret|password|token)s?$|at[-_ ]least[-_ ]\d+/i;

/** Shannon entropy of the value's characters, in bits for the whole value (an upper bound on its real strength). */
export function entropyBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let bitsPerChar = 0;
  for (const count of counts.values()) bitsPerChar -= (count / n) * Math.log2(count / n);
  return bitsPerChar * n;
}

/** Why `value` is unfit as a production secret, or undefined when it is fit. */
export function weakSecretReason(value: string, minBits: number): string | undefined {
  if (PLACEHOLDER.test(value)) return 'is a documented example or placeholder; generate one, e.g. openssl rand -base64 48';
  // A short pattern repeated (Shannon entropy alone cannot see it: '01234567' × 5 has 8 symbols at 3 bits each).
  if (/^(.{1,16}?)\1{2,}/s.test(value)) return 'repeats a short pattern; generate one, e.g. openssl rand -base64 48';
  const distinct = new Set(value).size;
  const bits = entropyBits(value);
  if (distinct < 8 || bits < minBits) {
    return `has too little entropy (about ${Math.floor(bits)} bits, ${distinct} distinct characters; at least ${minBits} bits needed); generate one, e.g. openssl rand -base64 48`;
  }
  return undefined;
}
