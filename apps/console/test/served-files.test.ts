// How the gateway serves the console (apps/gateway/src/http/routes.ts): the page, its stylesheet, its entry module
// and every ES module that entry imports, each with its type; no request path reaches a file outside
// apps/console/public (`..`, encoded or not, backslashes), and a module name with no file is a 404.
import { readdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../gateway/src/http/routes.js';

const MODULES_DIR = new URL('../public/modules/', import.meta.url);
/** Static imports and exports-from with a relative specifier: the graph the browser loads. */
const RELATIVE_IMPORT = /^(?:import|export)\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)';/gm;

describe('the console files the gateway serves', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer(createRequestHandler({ nodeId: 'test', readiness: [], metrics: undefined }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A GET with the path sent exactly as written (fetch would resolve `..` before sending). */
  function get(path: string): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves the page, its stylesheet and its entry module with their types', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/index.html', 'text/html'],
      ['/console.css', 'text/css'],
      ['/console.js', 'text/javascript'],
    ]) {
      const res = await get(path!);
      expect(res.status, path).toBe(200);
      expect(res.type, path).toContain(type);
    }
    expect((await get('/')).body).toContain('<script type="module" src="console.js"></script>');
  });

  it('serves every module console.js imports, as JavaScript, and every file in modules/ is imported', async () => {
    const loaded = new Set<string>();
    const pending = ['/console.js'];
    while (pending.length > 0) {
      const path = pending.pop()!;
      if (loaded.has(path)) continue;
      loaded.add(path);
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.type, path).toBe('text/javascript; charset=utf-8');
      for (const [, specifier] of res.body.matchAll(RELATIVE_IMPORT)) pending.push(new URL(specifier!, `http://console${path}`).pathname);
    }
    const onDisk = readdirSync(MODULES_DIR).map((file) => `/modules/${file}`);
    expect([...loaded].filter((path) => path !== '/console.js').sort()).toEqual(onDisk.sort());
  });

  it('answers 404 to a path that tries to leave the console folder', async () => {
    const attempts = [
      // From apps/console/public/modules/, three levels up is apps/.
      '/modules/../../../gateway/src/http/routes.ts',
      '/modules/../console.js',
      '/modules/%2e%2e/%2e%2e/gateway/package.json',
      '/modules/..%2f..%2fpackage.json',
      '/modules/..\\..\\package.json',
      '/modules/dom.js/../../../../package.json',
      '/modules//etc/passwd',
      '/../../gateway/package.json',
      '/../../../../etc/passwd',
    ];
    for (const path of attempts) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.type, path).toContain('application/json');
    }
  });

  it('answers 404 to a module name with no file, and to files that are not console modules', async () => {
    for (const path of ['/modules/no-such-module.js', '/modules/dom.ts', '/modules/', '/modules/Dom.js', '/modules/.js', '/no-such-file.js', '/package.json']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});
