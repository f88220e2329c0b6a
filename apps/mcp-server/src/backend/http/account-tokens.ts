// Which LeadLovers token serves which account. The one rule that matters: a call for an account with no token of
// its own is refused (FORBIDDEN) — never answered with another account's token. Parsed once from the environment
// by config.ts; looked up on every call by the HTTP backend.
import { ToolError } from '../../errors.js';

/**
 * `per-account`: each account has its own token (LEADLOVERS_ACCOUNT_TOKENS[_FILE], or LEADLOVERS_API_TOKEN for
 * the one account LEADLOVERS_ACCOUNT). `single-token`: LEADLOVERS_SINGLE_ACCOUNT=true, one token for every
 * account — every caller then reads and writes the same LeadLovers data; only for single-tenant deployments.
 */
export type AccountTokens =
  | { readonly kind: 'per-account'; readonly tokens: ReadonlyMap<string, string> }
  | { readonly kind: 'single-token'; readonly token: string };

export interface AccountTokenSettings {
  /** LEADLOVERS_ACCOUNT_TOKENS: JSON text `{ "<account>": "<token>" }`. */
  tokensJson?: string;
  /** LEADLOVERS_ACCOUNT_TOKENS_FILE: the same JSON, read from this file by the caller. */
  tokensFileText?: string;
  /** LEADLOVERS_API_TOKEN. */
  apiToken?: string;
  /** LEADLOVERS_ACCOUNT: the account LEADLOVERS_API_TOKEN belongs to. */
  account?: string;
  /** LEADLOVERS_SINGLE_ACCOUNT=true. */
  singleAccount: boolean;
}

/** A bad token setting; `variable` names the environment variable at fault. */
export class AccountTokensError extends Error {
  override readonly name = 'AccountTokensError';
  constructor(
    readonly variable: string,
    /** What is wrong with it, without the variable's name. */
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export const NO_TOKEN_MESSAGE = 'no LeadLovers token configured for this account';

function parseTokenMap(variable: string, text: string): ReadonlyMap<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The JSON parser's message may quote the text, i.e. a token: never repeat it.
    throw new AccountTokensError(variable, 'must be a JSON object { "<account>": "<token>" }');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AccountTokensError(variable, 'must be a JSON object { "<account>": "<token>" }');
  }
  const tokens = new Map<string, string>();
  for (const [account, token] of Object.entries(value)) {
    if (account.trim() === '') throw new AccountTokensError(variable, 'an account name is empty');
    if (typeof token !== 'string' || token.trim() === '') {
      throw new AccountTokensError(variable, `the token of account "${account}" must be a non-empty string`);
    }
    tokens.set(account, token.trim());
  }
  if (tokens.size === 0) throw new AccountTokensError(variable, 'maps no account to a token');
  return tokens;
}

/** The token setup described by the environment, or null when no LeadLovers token is configured at all. */
export function parseAccountTokens(settings: AccountTokenSettings): AccountTokens | null {
  const { tokensJson, tokensFileText, apiToken, account, singleAccount } = settings;
  if (tokensJson !== undefined && tokensFileText !== undefined) {
    throw new AccountTokensError('LEADLOVERS_ACCOUNT_TOKENS', 'set it or LEADLOVERS_ACCOUNT_TOKENS_FILE, not both');
  }
  if (tokensJson !== undefined || tokensFileText !== undefined) {
    if (singleAccount) {
      throw new AccountTokensError('LEADLOVERS_SINGLE_ACCOUNT', 'cannot be used with a per-account token map');
    }
    // With a map, LEADLOVERS_API_TOKEN is not a fallback for unmapped accounts: that is the leak this prevents.
    return tokensJson !== undefined
      ? { kind: 'per-account', tokens: parseTokenMap('LEADLOVERS_ACCOUNT_TOKENS', tokensJson) }
      : { kind: 'per-account', tokens: parseTokenMap('LEADLOVERS_ACCOUNT_TOKENS_FILE', tokensFileText as string) };
  }
  if (apiToken === undefined) {
    if (singleAccount) throw new AccountTokensError('LEADLOVERS_API_TOKEN', 'is required when LEADLOVERS_SINGLE_ACCOUNT=true');
    return null;
  }
  if (singleAccount) return { kind: 'single-token', token: apiToken };
  if (account === undefined) {
    throw new AccountTokensError(
      'LEADLOVERS_ACCOUNT',
      'is required with LEADLOVERS_API_TOKEN: name the account the token belongs to ' +
        '(or use LEADLOVERS_ACCOUNT_TOKENS, or LEADLOVERS_SINGLE_ACCOUNT=true for one shared account)',
    );
  }
  return { kind: 'per-account', tokens: new Map([[account, apiToken]]) };
}

/** The token for this account's calls; FORBIDDEN, before any request is sent, when it has none. */
export function tokenForAccount(tokens: AccountTokens, account: string): string {
  if (tokens.kind === 'single-token') return tokens.token;
  const token = tokens.tokens.get(account);
  if (token === undefined) throw new ToolError('FORBIDDEN', NO_TOKEN_MESSAGE);
  return token;
}

/** For the start-up log: how tokens are set up, naming accounts but never a token. */
export function describeAccountTokens(tokens: AccountTokens): string {
  return tokens.kind === 'single-token'
    ? 'one token shared by every account (LEADLOVERS_SINGLE_ACCOUNT=true)'
    : `per-account tokens for ${tokens.tokens.size} account(s): ${[...tokens.tokens.keys()].join(', ')}`;
}
