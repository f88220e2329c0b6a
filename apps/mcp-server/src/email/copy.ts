// What an email template says, before it is laid out: the shared shape of the Portuguese and English copy.
import type { Occasion } from './occasion.js';

export type Tone = 'friendly' | 'professional' | 'urgent';

/** The caller's words, already trimmed; copy functions weave them in as plain text (the layout escapes). */
export interface CopyContext {
  topic: string;
  offer?: string;
  discount?: string;
  audience?: string;
  tone: Tone;
}

export interface EmailCopy {
  subject: string;
  preheader: string;
  headline: string;
  greeting: string;
  paragraphs: string[];
  cta: string;
  closing: string;
  footer: string;
  unsubscribe: string;
}

export type CopyBook = Record<Occasion, (context: CopyContext) => EmailCopy>;

/** The tone an occasion gets when the caller names none. */
export const DEFAULT_TONE: Record<Occasion, Tone> = {
  welcome: 'friendly',
  blackFriday: 'friendly',
  sale: 'friendly',
  launch: 'friendly',
  newsletter: 'professional',
  general: 'friendly',
};

export function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Keeps subjects within what inboxes show, cutting at a word boundary. */
export function clampSubject(subject: string, max = 90): string {
  if (subject.length <= max) return subject;
  const cut = subject.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
