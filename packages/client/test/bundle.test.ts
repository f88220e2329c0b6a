// GET /client.js: the gateway serves the SDK as one browser ESM file, built once (`pnpm build`, or this run's global
// setup) and read once.
// The test imports the served module (it only defines things until used) and checks the public API is there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../../apps/gateway/src/http/routes.js';
import { closeServer, listenLocal } from '../../../apps/gateway/test/helpers/http.js';

describe('GET /client.js', () => {
  let server: Server;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'client-bundle-'));
  beforeAll(async () => {
    server = createServer(createRequestHandler({ nodeId: 'bundle-test', readiness: [], metrics: undefined }));
    base = await listenLocal(server);
  });
  afterAll(async () => {
    await closeServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves one ESM module exporting createGatewayClient and GatewayError, the same bytes every time', async () => {
    const response = await fetch(`${base}/client.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const body = await response.text();
    expect(body).not.toMatch(/\bfrom\s*["']/); // self-contained: no imports left to resolve in a browser
    expect(body).not.toContain('node:');

    const file = join(dir, 'client.mjs');
    writeFileSync(file, body);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    expect(typeof mod.createGatewayClient).toBe('function');
    const GatewayError = mod.GatewayError as new (code: string, message: string) => Error & { code: string };
    expect(new GatewayError('TIMEOUT', 'x')).toMatchObject({ name: 'GatewayError', code: 'TIMEOUT' });
    // Creating a client opens nothing until connect(); an options mistake is a TypeError.
    expect(() => (mod.createGatewayClient as (options: object) => unknown)({ url: base })).toThrow(TypeError);

    expect(await (await fetch(`${base}/client.js`)).text()).toBe(body);
  });
});
