// The browser bundle in a real browser: headless Chromium opens a page of the gateway, imports /client.js and
// runs a prompt and a tool listing through the SDK over Socket.IO's default transports (polling, then the
// WebSocket upgrade). Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium); fails without it.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../apps/gateway/test/helpers/gateway.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the SDK in a browser', () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    gw = await startGateway();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('imports /client.js and answers a prompt', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/healthz`); // any page of the gateway's origin
    const token = await gw.token('browser-user', { name: 'Browser User' });
    // A string, not a function: vitest would rewrite a function's import() into its own loader.
    const script = `(async () => {
      const sdk = await import('/client.js');
      const states = [];
      const client = sdk.createGatewayClient({ url: location.origin, token: ${JSON.stringify(token)} });
      client.on('state', (change) => states.push(change.state));
      await client.connect();
      const response = await client.sendPrompt('Liste todas as máquinas disponíveis');
      const tools = await client.listTools();
      let code = '';
      try {
        await client.sendPrompt('qual a previsão do tempo amanhã?');
      } catch (err) {
        code = err instanceof sdk.GatewayError ? err.code : 'not a GatewayError';
      }
      client.close();
      return { states, isSuccess: response.isSuccess, tool: response.tool, tools: tools.length, code };
    })()`;
    const result: unknown = await page.evaluate(script);
    expect(result).toEqual({ states: ['connecting', 'connected', 'closed'], isSuccess: true, tool: 'get_machines', tools: 8, code: 'UNKNOWN_INTENT' });
    // Default transports: the handshake went over polling (then upgraded), as in browsers behind strict proxies.
    expect(gw.logs.find((line) => line.msg === 'client connected' && line.userId === 'browser-user')?.transport).toBe('polling');
    await page.close();
  });
});
