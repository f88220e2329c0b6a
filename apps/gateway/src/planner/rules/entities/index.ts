// One pass over a prompt: fold it, take the punctuated entities (emails, dates, discounts, phones) out of the
// text, split the rest into words, then read codes, score, dates, names and profile fields from the words.
import type { Language } from '../../types.js';
import { detectLanguage } from '../language.js';
import { foldText, maskSpans } from '../normalize.js';
import { tokenize } from '../tokens.js';
import type { Tokenized } from '../tokens.js';
import { extractCodes, looseNumbers } from './codes.js';
import type { CodeEntities } from './codes.js';
import { findEmails, findPhones } from './contact.js';
import type { Found } from './contact.js';
import { findDiscounts } from './content.js';
import { findExplicitDates, resolveDates } from './dates.js';
import type { DateEntities } from './dates.js';
import { extractPeople } from './people.js';
import type { PeopleEntities } from './people.js';
import { extractScore, mentionsScore } from './score.js';
import type { ScoreEntity } from './score.js';

export interface Analysis {
  text: Tokenized;
  language: Language;
  emails: Found<string>[];
  phones: Found<string>[];
  discounts: Found<string>[];
  dates: DateEntities;
  codes: CodeEntities;
  score?: ScoreEntity;
  scoreMentioned: boolean;
  people: PeopleEntities;
  /** Numbers no keyword claimed, in order. */
  looseNumbers: number[];
}

export function analyse(prompt: string, now: Date): Analysis {
  const { original, folded } = foldText(prompt);
  const emails = findEmails(original);
  const afterEmails = maskSpans(folded, emails);
  const explicitDates = findExplicitDates(afterEmails);
  const afterDates = maskSpans(afterEmails, explicitDates);
  const discounts = findDiscounts(afterDates, original);
  const afterTaken = maskSpans(afterDates, discounts);
  const phones = findPhones(maskSpans(original, [...emails, ...explicitDates, ...discounts]), afterTaken);
  const text = tokenize(original, maskSpans(afterTaken, phones));

  const used = new Set<number>();
  const codes = extractCodes(text.tokens, used);
  const score = extractScore(text, used);
  const analysis: Analysis = {
    text,
    language: detectLanguage(text.tokens),
    emails,
    phones,
    discounts,
    dates: resolveDates(folded, explicitDates, text.tokens, now),
    codes,
    scoreMentioned: mentionsScore(text.tokens),
    people: extractPeople(text),
    looseNumbers: looseNumbers(text.tokens, used),
  };
  if (score) analysis.score = score;
  return analysis;
}
