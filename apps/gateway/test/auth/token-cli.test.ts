// `pnpm token` (src/cli/token.ts) as a process: every token it prints carries exp, and it refuses a --ttl the
// gateways would refuse under JWT_MAX_TTL_S instead of printing a token that cannot connect.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../src/cli/token.ts', import.meta.url));
const SECRET = 'token-cli-test-secret-0123456789-abcdefgh';

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', API_SECRET: SECRET, ENV_FILE: '/nonexistent/.env', ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe('pnpm token', () => {
  it('prints a token with exp (and iat) for the --ttl asked', () => {
    const { status, stdout } = run(['user-42', '--ttl', '30m']);
    expect(status).toBe(0);
    const claims = decodeJwt(stdout);
    expect(claims.sub).toBe('user-42');
    expect(typeof claims.exp).toBe('number');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(1_800);
  });

  it('refuses a --ttl longer than JWT_MAX_TTL_S, naming it, and prints nothing', () => {
    const refused = run(['user-42', '--ttl', '2h'], { JWT_MAX_TTL_S: '3600' });
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/JWT_MAX_TTL_S \(3600 s\)/);
    expect(run(['user-42', '--ttl', '1h'], { JWT_MAX_TTL_S: '3600' }).status).toBe(0);
  });
});
