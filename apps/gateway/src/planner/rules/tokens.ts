// Words of a prompt with their positions: entity extractors and the intent classifier walk this list instead of
// running open-ended regexes, which keeps every pass linear in the prompt length.
export interface Token {
  /** Folded (lowercase, accent-free) word, for matching. */
  text: string;
  /** The same word as the user wrote it, for values. */
  raw: string;
  start: number;
  end: number;
  index: number;
}

export interface Tokenized {
  original: string;
  tokens: Token[];
}

// Letters and digits, joined by inner hyphens or apostrophes ("boas-vindas", "e-mail", "D'Ávila").
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function tokenize(original: string, maskedFolded: string): Tokenized {
  const tokens: Token[] = [];
  // An exec loop on the shared pattern: matchAll would clone it and build an iterator on every prompt.
  WORD.lastIndex = 0;
  for (let match = WORD.exec(maskedFolded); match !== null; match = WORD.exec(maskedFolded)) {
    const start = match.index;
    const end = start + match[0].length;
    tokens.push({ text: match[0], raw: original.slice(start, end), start, end, index: tokens.length });
  }
  return { original, tokens };
}

/** ASCII digits only, as /^\d+$/ reads them; a character loop, since nearly every pass asks this of each word. */
export function isDigitText(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

export function isDigits(token: Token | undefined): token is Token {
  return token !== undefined && isDigitText(token.text);
}

export function isCapitalized(token: Token): boolean {
  return /^\p{Lu}/u.test(token.raw);
}

export function hasLetter(token: Token): boolean {
  return /\p{L}/u.test(token.text);
}

/** True when only spaces (and, if allowed, a colon or equals sign) separate two tokens. */
export function joinedBySpace(text: Tokenized, left: Token, right: Token, allowColon = false): boolean {
  const gap = text.original.slice(left.end, right.start);
  return allowColon ? /^[\s:=]*$/.test(gap) : /^\s*$/.test(gap);
}

/** The character right before a token, skipping spaces (for signs like "+10" or "-5"). */
export function charBefore(text: Tokenized, token: Token): string {
  let i = token.start - 1;
  while (i >= 0 && /\s/.test(text.original.charAt(i))) i -= 1;
  return i >= 0 ? text.original.charAt(i) : '';
}

/** The original text between two token positions, trimmed. */
export function sliceRaw(text: Tokenized, first: Token, last: Token): string {
  return text.original.slice(first.start, last.end).trim();
}

export function toCode(token: Token | undefined): number | undefined {
  if (!isDigits(token) || token.text.length > 10) return undefined;
  const value = Number(token.text);
  return value >= 1 && value <= 2_147_483_647 ? value : undefined;
}
