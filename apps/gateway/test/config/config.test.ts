import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('config', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4444);
    expect(config.env).toBe('development');
    expect(config.redis).toBeUndefined();
    expect(config.auth.secret).toBeUndefined();
    expect(config.mcp.poolSize).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MCP_POOL_SIZE: '0' })).toThrow(/MCP_POOL_SIZE/);
    expect(() => loadConfig({ DOMAIN_URL: 'not a url' })).toThrow(/DOMAIN_URL/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('runs the MCP clients inline up to 2 children with MCP_POOL_INLINE=auto, a thread each above', () => {
    expect(loadConfig({}).mcp).toMatchObject({ poolSize: 2, inline: true });
    expect(loadConfig({ MCP_POOL_SIZE: '1' }).mcp.inline).toBe(true);
    expect(loadConfig({ MCP_POOL_SIZE: '3', MCP_POOL_INLINE: 'auto' }).mcp.inline).toBe(false);
    expect(loadConfig({ MCP_POOL_SIZE: '2', MCP_POOL_INLINE: 'false' }).mcp.inline).toBe(false);
    expect(loadConfig({ MCP_POOL_SIZE: '8', MCP_POOL_INLINE: '1' }).mcp.inline).toBe(true);
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadConfig({ NODE_ENV: 'production', API_SECRET: 'short-secret-value', DOMAIN_URL: 'https://app.example.com' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toMatch(/API_SECRET/);
      expect(String(err)).not.toMatch(/short-secret-value/);
    }
  });

  it('refuses production without real auth or an explicit CORS list', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DOMAIN_URL: 'https://app.example.com' })).toThrow(/API_SECRET/);
    const secret = 'Zq4-v9Lr2_hT7pWc1xN8bKe5sJm3yUa6dGf0';
    expect(() => loadConfig({ NODE_ENV: 'production', API_SECRET: secret })).toThrow(/DOMAIN_URL/);
    const ok = loadConfig({ NODE_ENV: 'production', API_SECRET: secret, DOMAIN_URL: 'https://app.example.com, https://b.example.com/' });
    expect(ok.corsOrigins).toEqual(['https://app.example.com', 'https://b.example.com']);
  });

  it('requires exp by default; JWT_REQUIRE_EXP=false turns it off; JWT_MAX_TTL_S is optional and bounded', () => {
    expect(loadConfig({}).auth).toMatchObject({ requireExp: true, maxTtlS: undefined });
    expect(loadConfig({ JWT_REQUIRE_EXP: 'false' }).auth.requireExp).toBe(false);
    expect(loadConfig({ JWT_REQUIRE_EXP: '0' }).auth.requireExp).toBe(false);
    expect(loadConfig({ JWT_REQUIRE_EXP: 'true' }).auth.requireExp).toBe(true);
    expect(loadConfig({ JWT_MAX_TTL_S: '86400' }).auth.maxTtlS).toBe(86_400);
    expect(loadConfig({ JWT_MAX_TTL_S: '' }).auth.maxTtlS).toBeUndefined();
    expect(() => loadConfig({ JWT_REQUIRE_EXP: 'maybe' })).toThrow(/JWT_REQUIRE_EXP/);
    expect(() => loadConfig({ JWT_MAX_TTL_S: '0' })).toThrow(/JWT_MAX_TTL_S/);
    expect(() => loadConfig({ JWT_MAX_TTL_S: 'soon' })).toThrow(/JWT_MAX_TTL_S/);
  });

  it('derives the JWKS URL from SSO_API_URL', () => {
    const config = loadConfig({ SSO_API_URL: 'https://sso.leadlovers.com' });
    expect(config.auth.jwksUrl).toBe('https://sso.leadlovers.com/.well-known/jwks.json');
    expect(loadConfig({ SSO_API_URL: 'https://sso.example.com/auth/' }).auth.jwksUrl).toBe('https://sso.example.com/auth/.well-known/jwks.json');
  });
});
