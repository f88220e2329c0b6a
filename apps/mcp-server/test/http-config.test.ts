// LeadLovers token configuration: which variable selects which token setup, the account → token rule (no
// fallback to another account's token), the file-based map, and config errors that name the variable without
// ever printing a token.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAccountTokens, tokenForAccount, type AccountTokens } from '../src/backend/http/account-tokens.js';
import { ConfigError, LEADLOVERS_VARIABLES, loadConfig, readConfig } from '../src/config.js';
import { ToolError } from '../src/errors.js';
import { makeTempDir } from './helpers.js';

const temp = makeTempDir();
afterAll(() => temp.remove());

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function forbidden(tokens: AccountTokens, account: string): ToolError {
  try {
    tokenForAccount(tokens, account);
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return err as ToolError;
  }
  throw new Error(`expected FORBIDDEN for ${account}`);
}

describe('account → token', () => {
  it('gives each mapped account its own token and refuses any other account', () => {
    const tokens = parseAccountTokens({ tokensJson: '{"acme":"tok-a","globex":"tok-g"}', singleAccount: false }) as AccountTokens;
    expect(tokenForAccount(tokens, 'acme')).toBe('tok-a');
    expect(tokenForAccount(tokens, 'globex')).toBe('tok-g');
    for (const stranger of ['initech', '', '__proto__', 'constructor', 'ACME']) {
      const error = forbidden(tokens, stranger);
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toBe('no LeadLovers token configured for this account');
    }
  });

  it('never falls back to LEADLOVERS_API_TOKEN when a map is set', () => {
    const tokens = parseAccountTokens({ tokensJson: '{"acme":"tok-a"}', apiToken: 'tok-default', account: 'globex', singleAccount: false }) as AccountTokens;
    expect(forbidden(tokens, 'globex').code).toBe('FORBIDDEN');
  });

  it('with only LEADLOVERS_API_TOKEN, serves the one account LEADLOVERS_ACCOUNT', () => {
    const tokens = parseAccountTokens({ apiToken: 'tok-x', account: 'acme', singleAccount: false }) as AccountTokens;
    expect(tokenForAccount(tokens, 'acme')).toBe('tok-x');
    expect(forbidden(tokens, 'globex').code).toBe('FORBIDDEN');
  });

  it('shares one token across accounts only with LEADLOVERS_SINGLE_ACCOUNT=true', () => {
    const tokens = parseAccountTokens({ apiToken: 'tok-x', singleAccount: true }) as AccountTokens;
    expect(tokenForAccount(tokens, 'acme')).toBe('tok-x');
    expect(tokenForAccount(tokens, 'anyone')).toBe('tok-x');
  });

  it('is null (embedded backend) when no token is configured', () => {
    expect(parseAccountTokens({ singleAccount: false })).toBeNull();
  });
});

describe('loadConfig: LeadLovers API', () => {
  it('stays embedded without a token and defaults URL, timeout and attempts with one', () => {
    expect(loadConfig({}).leadlovers).toBeNull();
    const config = loadConfig({ LEADLOVERS_ACCOUNT_TOKENS: '{"acme":"tok-a"}' });
    expect(config.leadlovers).toMatchObject({ apiUrl: 'https://llapi.leadlovers.com/webapi', timeoutMs: 10_000, maxAttempts: 3 });
    expect(Object.isFrozen(config.leadlovers)).toBe(true);
  });

  it('reads LEADLOVERS_API_URL, LEADLOVERS_TIMEOUT_MS and LEADLOVERS_MAX_ATTEMPTS', () => {
    const config = loadConfig({
      LEADLOVERS_API_TOKEN: 'tok-x',
      LEADLOVERS_ACCOUNT: 'acme',
      LEADLOVERS_API_URL: 'http://127.0.0.1:9999/webapi',
      LEADLOVERS_TIMEOUT_MS: '2500',
      LEADLOVERS_MAX_ATTEMPTS: '5',
    });
    expect(config.leadlovers).toMatchObject({ apiUrl: 'http://127.0.0.1:9999/webapi', timeoutMs: 2500, maxAttempts: 5, breakerFailures: 5, breakerCooldownMs: 30_000 });
    const tuned = loadConfig({ LEADLOVERS_API_TOKEN: 'tok-x', LEADLOVERS_ACCOUNT: 'acme', LEADLOVERS_BREAKER_FAILURES: '2', LEADLOVERS_BREAKER_COOLDOWN_MS: '1500' });
    expect(tuned.leadlovers).toMatchObject({ breakerFailures: 2, breakerCooldownMs: 1500 });
    expect(tokenForAccount(config.leadlovers!.tokens, 'acme')).toBe('tok-x');
  });

  it('reads the map from LEADLOVERS_ACCOUNT_TOKENS_FILE', () => {
    const file = path.join(temp.dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ acme: 'tok-file-a', globex: 'tok-file-g' }));
    const tokens = loadConfig({ LEADLOVERS_ACCOUNT_TOKENS_FILE: file }).leadlovers!.tokens;
    expect(tokenForAccount(tokens, 'globex')).toBe('tok-file-g');
    expect(forbidden(tokens, 'initech').code).toBe('FORBIDDEN');
  });

  it('LEADLOVERS_SINGLE_ACCOUNT takes the one boolean form: true / 1 or false / 0, in any case', () => {
    for (const on of ['true', 'TRUE', 'True', '1', ' 1 ']) {
      expect(loadConfig({ LEADLOVERS_API_TOKEN: 'tok-x', LEADLOVERS_SINGLE_ACCOUNT: on }).leadlovers?.tokens.kind, on).toBe('single-token');
    }
    for (const off of ['false', 'FALSE', '0', '']) {
      expect(loadConfig({ LEADLOVERS_API_TOKEN: 'tok-x', LEADLOVERS_ACCOUNT: 'acme', LEADLOVERS_SINGLE_ACCOUNT: off }).leadlovers?.tokens.kind, off).toBe('per-account');
    }
    for (const bad of ['yes', 'on', '2']) {
      expect(readConfig({ LEADLOVERS_API_TOKEN: 'tok-x', LEADLOVERS_SINGLE_ACCOUNT: bad })).toEqual({
        ok: false,
        issues: [{ variable: 'LEADLOVERS_SINGLE_ACCOUNT', message: 'must be true, false, 1 or 0' }],
      });
    }
  });

  it('readConfig lists every bad variable; LEADLOVERS_VARIABLES are the ones a host forwards', () => {
    const reading = readConfig({ LEADLOVERS_TIMEOUT_MS: '0', LEADLOVERS_MAX_ATTEMPTS: 'many' });
    expect(reading.ok === false && reading.issues.map((issue) => issue.variable)).toEqual(['LEADLOVERS_TIMEOUT_MS', 'LEADLOVERS_MAX_ATTEMPTS']);
    expect([...LEADLOVERS_VARIABLES].sort()).toEqual([
      'LEADLOVERS_ACCOUNT',
      'LEADLOVERS_ACCOUNT_TOKENS',
      'LEADLOVERS_ACCOUNT_TOKENS_FILE',
      'LEADLOVERS_API_TOKEN',
      'LEADLOVERS_API_URL',
      'LEADLOVERS_BREAKER_COOLDOWN_MS',
      'LEADLOVERS_BREAKER_FAILURES',
      'LEADLOVERS_DB_PATH',
      'LEADLOVERS_MAX_ATTEMPTS',
      'LEADLOVERS_SINGLE_ACCOUNT',
      'LEADLOVERS_TIMEOUT_MS',
    ]);
  });

  it('names the variable at fault and never prints a token', () => {
    const cases: [Record<string, string>, string][] = [
      [{ LEADLOVERS_API_TOKEN: 'tok-secret' }, 'LEADLOVERS_ACCOUNT'],
      [{ LEADLOVERS_ACCOUNT_TOKENS: '{"acme": tok-secret' }, 'LEADLOVERS_ACCOUNT_TOKENS'],
      [{ LEADLOVERS_ACCOUNT_TOKENS: '["tok-secret"]' }, 'LEADLOVERS_ACCOUNT_TOKENS'],
      [{ LEADLOVERS_ACCOUNT_TOKENS: '{}' }, 'LEADLOVERS_ACCOUNT_TOKENS'],
      [{ LEADLOVERS_ACCOUNT_TOKENS: '{"acme": 5}' }, 'LEADLOVERS_ACCOUNT_TOKENS'],
      [{ LEADLOVERS_ACCOUNT_TOKENS: '{"a":"tok-secret"}', LEADLOVERS_ACCOUNT_TOKENS_FILE: '/x' }, 'LEADLOVERS_ACCOUNT_TOKENS'],
      [{ LEADLOVERS_ACCOUNT_TOKENS_FILE: path.join(temp.dir, 'missing.json') }, 'LEADLOVERS_ACCOUNT_TOKENS_FILE'],
      [{ LEADLOVERS_SINGLE_ACCOUNT: 'true' }, 'LEADLOVERS_API_TOKEN'],
      [{ LEADLOVERS_SINGLE_ACCOUNT: 'yes', LEADLOVERS_API_TOKEN: 'tok-secret' }, 'LEADLOVERS_SINGLE_ACCOUNT'],
      [{ LEADLOVERS_SINGLE_ACCOUNT: 'true', LEADLOVERS_ACCOUNT_TOKENS: '{"a":"tok-secret"}' }, 'LEADLOVERS_SINGLE_ACCOUNT'],
      [{ LEADLOVERS_API_URL: 'not a url', LEADLOVERS_API_TOKEN: 'tok-secret', LEADLOVERS_ACCOUNT: 'a' }, 'LEADLOVERS_API_URL'],
      [{ LEADLOVERS_TIMEOUT_MS: '0' }, 'LEADLOVERS_TIMEOUT_MS'],
      [{ LEADLOVERS_MAX_ATTEMPTS: '0' }, 'LEADLOVERS_MAX_ATTEMPTS'],
    ];
    for (const [env, variable] of cases) {
      const message = configError(env);
      expect(message, JSON.stringify(env)).toContain(variable);
      expect(message).not.toContain('tok-secret');
    }
  });
});
