import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { entropyBits, weakSecretReason } from '../../src/config/secret-strength.js';

const PROD = { NODE_ENV: 'production', DOMAIN_URL: 'https://app.leadlovers.com' };
const strong = () => randomBytes(36).toString('base64');

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ ...PROD, ...env });
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('secrets in production', () => {
  it("refuses the README's example API_SECRET, naming the variable", () => {
    const message = refusal({ API_SECRET: 'change-me-to-at-least-32-random-characters' });
    expect(message).toContain('API_SECRET');
    expect(message).toContain('documented example or placeholder');
  });

  it('refuses placeholders and low-entropy values for API_SECRET, WEBHOOK_SECRET and METRICS_TOKEN', () => {
    for (const weak of ['REPLACE-ME-REPLACE-ME-REPLACE-ME-0123', 'your-secret-goes-here-and-it-is-long-enough', 'a'.repeat(40), 'abababababababababababababababababab', '0123456701234567012345670123456701234567']) {
      expect(refusal({ API_SECRET: weak }), weak).toContain('API_SECRET');
      expect(refusal({ API_SECRET: strong(), WEBHOOK_SECRET: weak }), weak).toContain('WEBHOOK_SECRET');
    }
    expect(refusal({ API_SECRET: strong(), METRICS_TOKEN: 'aaaaaaaaaaaaaaaaaaaa' })).toContain('METRICS_TOKEN');
  });

  it('accepts generated secrets (openssl rand -base64 48, -hex 32) and the same weak ones outside production', () => {
    expect(refusal({ API_SECRET: strong(), WEBHOOK_SECRET: strong(), METRICS_TOKEN: randomBytes(16).toString('hex') })).toBe('');
    expect(refusal({ API_SECRET: randomBytes(32).toString('hex') })).toBe('');
    expect(() => loadConfig({ NODE_ENV: 'development', API_SECRET: 'change-me-to-at-least-32-random-characters' })).not.toThrow();
  });

  it('measures entropy per character over the whole value', () => {
    expect(entropyBits('aaaa')).toBe(0);
    expect(entropyBits('abcd')).toBe(8);
    expect(weakSecretReason(strong(), 96)).toBeUndefined();
  });
});
