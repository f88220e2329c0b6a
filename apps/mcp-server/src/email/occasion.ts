// Recognises what an email is for from its topic and offer, in Portuguese or English, so the template can pick
// the right copy. The first matching occasion wins; Black Friday before sale, since it usually mentions discounts.
export type Occasion = 'welcome' | 'blackFriday' | 'sale' | 'launch' | 'newsletter' | 'general';

const PATTERNS: readonly [Occasion, RegExp][] = [
  ['blackFriday', /black\s*-?\s*friday|cyber\s*monday|esquenta\s+black/i],
  ['welcome', /boas[\s-]*vindas|bem[\s-]*vind[oa]s?|welcome|onboarding|novos?\s+(assinantes|inscritos|alunos|clientes)|new\s+(subscribers|customers|members)/i],
  ['launch', /lan[cç]amento|lan[cç]ar|novo\s+produto|nova\s+(turma|cole[cç][aã]o)|launch|new\s+product|pre[\s-]?order|pr[eé][\s-]?venda/i],
  ['newsletter', /newsletter|boletim|novidades\s+d[aoe]s?\s+(semana|m[eê]s)|resumo\s+(semanal|mensal)|digest|weekly|monthly\s+update/i],
  ['sale', /promo[cç][aãõo]|promo\b|desconto|oferta|liquida[cç][aã]o|cupom|\bsale\b|discount|offer|coupon|deal/i],
];

export function detectOccasion(...texts: (string | undefined)[]): Occasion {
  const haystack = texts.filter((text): text is string => text !== undefined).join(' ');
  for (const [occasion, pattern] of PATTERNS) if (pattern.test(haystack)) return occasion;
  return 'general';
}
