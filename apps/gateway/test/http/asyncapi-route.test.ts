// GET /asyncapi.json on the public port: the checked-in AsyncAPI document, byte for byte, as JSON.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASYNCAPI_FILE } from '../../../../packages/protocol/src/asyncapi/write.js';
import { startGateway } from '../helpers/gateway.js';

describe('GET /asyncapi.json', () => {
  it('serves the checked-in AsyncAPI document', async () => {
    const gw = await startGateway();
    try {
      const res = await fetch(`${gw.url}/asyncapi.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = await res.text();
      expect(body).toBe(readFileSync(ASYNCAPI_FILE, 'utf8'));
      expect((JSON.parse(body) as { asyncapi: string }).asyncapi).toMatch(/^3\./);
      expect((await fetch(`${gw.url}/asyncapi.json`, { method: 'POST' })).status).toBe(405);
    } finally {
      await gw.close();
    }
  });
});
