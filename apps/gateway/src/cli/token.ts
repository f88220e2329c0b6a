// `pnpm mint-token <userId> [--account A] [--email E] [--name N] [--ttl 1h]`: prints an HS256 JWT signed with
// API_SECRET (from the environment or .env), for curl, artillery or the console.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv } from '../config/config.js';
import { mintToken, parseTtl } from '../auth/mint.js';

const USAGE = 'usage: pnpm mint-token <userId> [--account <account>] [--email <email>] [--name <name>] [--ttl 1h]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      account: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  loadDotEnv();
  const config = loadConfig();
  if (!config.auth.secret) {
    process.stderr.write('API_SECRET is not set: put it in the environment or .env (tokens from JWKS issuers come from your SSO)\n');
    return 2;
  }
  const ttlSeconds = parseTtl(values.ttl ?? '1h');
  // A token the gateways would refuse is no use: say so instead of printing it.
  if (config.auth.maxTtlS !== undefined && ttlSeconds > config.auth.maxTtlS) {
    process.stderr.write(`--ttl ${ttlSeconds} s is longer than JWT_MAX_TTL_S (${config.auth.maxTtlS} s): the gateways would refuse this token\n`);
    return 2;
  }
  const token = await mintToken(config.auth.secret, {
    userId: positionals[0] as string,
    account: values.account,
    email: values.email,
    name: values.name,
    ttlSeconds,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
