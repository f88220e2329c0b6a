// `pnpm webhook:register <account> [--application <name>]`: asks LeadLovers to call this cluster's webhook on new
// leads of <account>. Needs PUBLIC_URL (how LeadLovers reaches the gateways), WEBHOOK_SECRET (the gateways'), and
// the account's LeadLovers token (LEADLOVERS_API_TOKEN + LEADLOVERS_ACCOUNT, or LEADLOVERS_ACCOUNT_TOKENS[_FILE]).
import { loadMcpServerConfig, tokenForAccount } from '@leadlovers/mcp-server';
import { loadConfig, loadDotEnv } from '../config/config.js';
import { registerWebhook } from '../webhooks/register.js';

const USAGE = 'usage: pnpm webhook:register <account> [--application <name>]   (needs PUBLIC_URL, WEBHOOK_SECRET and a LeadLovers token)';

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let applicationName: string | undefined;
  const at = args.indexOf('--application');
  if (at >= 0) {
    applicationName = args[at + 1];
    args.splice(at, 2);
  }
  const [account, ...rest] = args;
  if (!account || rest.length > 0 || account.startsWith('-') || (at >= 0 && !applicationName)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  if (!config.publicUrl) return fail('PUBLIC_URL is not set: LeadLovers needs the gateways\' public address');
  if (!config.webhooks.secret) return fail('WEBHOOK_SECRET is not set: the gateways need it to check the webhook\'s secret');
  const mcp = loadMcpServerConfig(process.env);
  if (!mcp.leadlovers) return fail('no LeadLovers token: set LEADLOVERS_API_TOKEN and LEADLOVERS_ACCOUNT, or LEADLOVERS_ACCOUNT_TOKENS');
  const token = tokenForAccount(mcp.leadlovers.tokens, account);
  const registration = await registerWebhook({
    account,
    publicUrl: config.publicUrl,
    masterSecret: config.webhooks.secret,
    token,
    apiUrl: mcp.leadlovers.apiUrl,
    ...(applicationName ? { applicationName } : {}),
  });
  process.stdout.write(`webhook registered for account ${account}: ${registration.shownTargetUrl}${registration.message ? ` (LeadLovers: ${registration.message})` : ''}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`webhook registration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
