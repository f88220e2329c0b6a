// The MCP children's LEADLOVERS_* variables, through a real gateway node: every documented form starts the node
// (real MCP children) and a tool call reaches the fake LeadLovers API with the right token; a bad value is refused
// at the gateway's start-up, in its list of bad variables, before any child is spawned. The gateway checks them
// with the MCP server's own schema, so the two cannot disagree (LEADLOVERS_SINGLE_ACCOUNT=1 used to pass the
// gateway and make every child exit).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLeadLovers, type FakeLeadLovers } from '../../../mcp-server/test/fake-leadlovers.js';
import { makeTempDir } from '../../../mcp-server/test/helpers.js';
import { ConfigError } from '../../src/config/config.js';
import { callTool, startGateway } from '../helpers/gateway.js';
import { eventually } from '@leadlovers/testing';

let fake: FakeLeadLovers;
const temp = makeTempDir();

beforeAll(async () => {
  fake = await startFakeLeadLovers();
});
afterAll(async () => {
  await fake?.close();
  temp.remove();
});
beforeEach(() => fake.reset());

/**
 * Boots a node with these variables, calls get_machine_details as a user of each account in turn, and closes the
 * node. (A connect also warms the prompt suggestions with get_machines and get_email_sequences: other paths.)
 */
async function detailsCalls(env: Record<string, string>, accounts: string[]) {
  const gw = await startGateway({ LEADLOVERS_API_URL: fake.url, ...env });
  try {
    const responses = [];
    for (const account of accounts) {
      const socket = await gw.connect(`${account}-user`, { account });
      responses.push(await callTool(socket, 'get_machine_details', { machineCode: 101 }));
    }
    return { responses, childEnv: gw.deps.config.leadlovers.childEnv, defaults: gw.deps.defaults };
  } finally {
    await gw.close();
  }
}

const machinesRequests = () => fake.requests.filter((r) => r.method === 'GET' && r.path === '/Machines');
const detailsRequests = () => fake.requests.filter((r) => r.method === 'GET' && r.path === '/Machines/101');

describe('LEADLOVERS_* forms a gateway node starts with', () => {
  it('LEADLOVERS_ACCOUNT_TOKENS (JSON), with LEADLOVERS_API_URL', async () => {
    const { responses, defaults } = await detailsCalls({ LEADLOVERS_ACCOUNT_TOKENS: '{"acme":"tok-json-acme"}' }, ['acme']);
    expect(responses).toMatchObject([{ isSuccess: true, tool: 'get_machine_details', data: { machine: { MachineCode: 101 } } }]);
    expect(detailsRequests().map((r) => r.token)).toEqual(['tok-json-acme']);
    expect(defaults.some((line) => line.startsWith(`LeadLovers data: REST API at ${new URL(fake.url).host}`))).toBe(true);
  });

  it('LEADLOVERS_ACCOUNT_TOKENS_FILE', async () => {
    const file = path.join(temp.dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ acme: 'tok-file-acme' }));
    const { responses } = await detailsCalls({ LEADLOVERS_ACCOUNT_TOKENS_FILE: file }, ['acme']);
    expect(responses).toMatchObject([{ isSuccess: true }]);
    expect(detailsRequests().map((r) => r.token)).toEqual(['tok-file-acme']);
  });

  it('LEADLOVERS_API_TOKEN + LEADLOVERS_ACCOUNT: that account only', async () => {
    const { responses } = await detailsCalls({ LEADLOVERS_API_TOKEN: 'tok-one-acme', LEADLOVERS_ACCOUNT: 'acme' }, ['acme', 'globex']);
    expect(responses).toMatchObject([{ isSuccess: true }, { isSuccess: false, code: 'FORBIDDEN' }]);
    expect(detailsRequests().map((r) => r.token)).toEqual(['tok-one-acme']);
  });

  it.each(['true', 'TRUE', '1'])('LEADLOVERS_SINGLE_ACCOUNT=%s: the one token serves every account', async (spelling) => {
    const { responses, childEnv } = await detailsCalls({ LEADLOVERS_API_TOKEN: 'tok-shared', LEADLOVERS_SINGLE_ACCOUNT: spelling }, ['acme', 'globex']);
    expect(responses).toMatchObject([{ isSuccess: true }, { isSuccess: true }]);
    expect(detailsRequests().map((r) => r.token)).toEqual(['tok-shared', 'tok-shared']);
    // Forwarded as written: the children parse exactly what the gateway checked.
    expect(childEnv).toMatchObject({ LEADLOVERS_SINGLE_ACCOUNT: spelling, LEADLOVERS_API_TOKEN: 'tok-shared', LEADLOVERS_API_URL: fake.url });
  });

  it.each(['false', '0'])('LEADLOVERS_SINGLE_ACCOUNT=%s: per account, as without it', async (spelling) => {
    const env = { LEADLOVERS_API_TOKEN: 'tok-one-acme', LEADLOVERS_ACCOUNT: 'acme', LEADLOVERS_SINGLE_ACCOUNT: spelling };
    const { responses } = await detailsCalls(env, ['acme', 'globex']);
    expect(responses).toMatchObject([{ isSuccess: true }, { isSuccess: false, code: 'FORBIDDEN' }]);
    expect(detailsRequests().map((r) => r.token)).toEqual(['tok-one-acme']);
  });

  it('LEADLOVERS_TIMEOUT_MS and LEADLOVERS_MAX_ATTEMPTS reach the children', async () => {
    const gw = await startGateway({
      LEADLOVERS_API_URL: fake.url,
      LEADLOVERS_ACCOUNT_TOKENS: '{"acme":"tok-tuned"}',
      LEADLOVERS_TIMEOUT_MS: '300',
      LEADLOVERS_MAX_ATTEMPTS: '2',
    });
    try {
      const socket = await gw.connect('acme-user', { account: 'acme' });
      // Faults go to the next requests, whichever they are: let the suggestions' warm-up (get_machines, then
      // get_email_sequences of both demo machines) finish first.
      await eventually(() => fake.requests.filter((r) => r.path === '/EmailSequences').length === 2);
      fake.reset();
      fake.fail({ kind: 'status', status: 500 });
      expect(await callTool(socket, 'get_machines', {})).toMatchObject({ isSuccess: true });
      expect(machinesRequests()).toHaveLength(2);

      fake.reset();
      fake.fail({ kind: 'slow', delayMs: 3_000 }, 2);
      const started = Date.now();
      const slow = await callTool(socket, 'get_machines', {});
      expect(slow).toMatchObject({ isSuccess: false, code: 'TOOL_FAILED' });
      expect(slow.error).toContain('did not answer in time');
      expect(machinesRequests()).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await gw.close();
    }
  });
});

describe('bad LEADLOVERS_* values stop the gateway at start-up', () => {
  async function refusal(env: Record<string, string>): Promise<string> {
    const error = await startGateway(env).then(
      async (gw) => {
        await gw.close();
        throw new Error(`the node started with ${JSON.stringify(env)}`);
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }

  it.each<[Record<string, string>, string]>([
    [{ LEADLOVERS_API_TOKEN: 'tok-secret', LEADLOVERS_SINGLE_ACCOUNT: 'yes' }, '  LEADLOVERS_SINGLE_ACCOUNT: must be true, false, 1 or 0 (got "yes")'],
    [{ LEADLOVERS_API_URL: 'ftp://llapi.example.com' }, '  LEADLOVERS_API_URL: must be an http(s) URL (got "ftp://llapi.example.com")'],
    [{ LEADLOVERS_TIMEOUT_MS: 'soon' }, '  LEADLOVERS_TIMEOUT_MS: '],
    [{ LEADLOVERS_TIMEOUT_MS: '50' }, '  LEADLOVERS_TIMEOUT_MS: '],
    [{ LEADLOVERS_MAX_ATTEMPTS: '0' }, '  LEADLOVERS_MAX_ATTEMPTS: '],
    [{ LEADLOVERS_DB_PATH: '   ' }, '  LEADLOVERS_DB_PATH: must not be empty'],
    [{ LEADLOVERS_ACCOUNT_TOKENS: '{"acme": tok-secret' }, '  LEADLOVERS_ACCOUNT_TOKENS: must be a JSON object { "<account>": "<token>" }'],
    [{ LEADLOVERS_ACCOUNT_TOKENS_FILE: '/nonexistent/tokens.json' }, '  LEADLOVERS_ACCOUNT_TOKENS_FILE: cannot read /nonexistent/tokens.json (ENOENT)'],
    [{ LEADLOVERS_API_TOKEN: 'tok-secret' }, '  LEADLOVERS_ACCOUNT: is required with LEADLOVERS_API_TOKEN'],
    [{ LEADLOVERS_SINGLE_ACCOUNT: 'true' }, '  LEADLOVERS_API_TOKEN: is required when LEADLOVERS_SINGLE_ACCOUNT=true'],
  ])('%j', async (env, line) => {
    const message = await refusal(env);
    expect(message.startsWith('Invalid configuration:\n')).toBe(true);
    expect(message).toContain(line);
    expect(message).not.toContain('tok-secret');
  });

  it("lists them with the gateway's own bad variables", async () => {
    const message = await refusal({ PORT: 'eighty', LEADLOVERS_SINGLE_ACCOUNT: 'on' });
    expect(message).toMatch(/^ {2}PORT: .*$/m);
    expect(message).toMatch(/^ {2}LEADLOVERS_SINGLE_ACCOUNT: must be true, false, 1 or 0 \(got "on"\)$/m);
  });
});
