// createMcpServer in-process (InMemoryTransport, a stub backend, a pino sink): unknown throws and wrongly shaped
// backend answers become BACKEND_ERROR with a safe message, and the details go to the log, not the client.
import { Writable } from 'node:stream';
import { CALLER_META_KEY } from '@leadlovers/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeadLoversBackend } from '../src/backend/types.js';
import { createMcpServer } from '../src/index.js';

const notUsed = async (): Promise<never> => {
  throw new Error('not used in this test');
};

function stubBackend(overrides: Partial<LeadLoversBackend>): LeadLoversBackend {
  return {
    getLeads: notUsed,
    createLead: notUsed,
    updateLead: notUsed,
    deleteLead: notUsed,
    getMachines: notUsed,
    getMachineDetails: notUsed,
    getEmailSequences: notUsed,
    close: () => undefined,
    ...overrides,
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function connect(backend: LeadLoversBackend) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const server = createMcpServer({ backend, logger: pino({ level: 'debug' }, sink) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'in-process', version: '0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  const call = (name: string, args: Record<string, unknown>) =>
    client.request(
      { method: 'tools/call', params: { name, arguments: args, _meta: { [CALLER_META_KEY]: { account: 'acc', userId: 'u' } } } },
      CallToolResultSchema,
    );
  return { call, logs: () => lines.join('') };
}

describe('createMcpServer failure normalisation', () => {
  it('turns an unknown throw into BACKEND_ERROR without internals, and logs the cause', async () => {
    const { call, logs } = await connect(
      stubBackend({
        getMachines: async () => {
          throw new Error('SQLITE_CORRUPT at /secret/path.sqlite');
        },
      }),
    );
    const result = await call('get_machines', {});
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ code: 'BACKEND_ERROR' });
    expect(JSON.stringify(result)).not.toMatch(/secret|SQLITE|at \//);
    expect(logs()).toContain('SQLITE_CORRUPT at /secret/path.sqlite');
  });

  it('reports a backend answer that breaks the output schema as BACKEND_ERROR', async () => {
    const { call, logs } = await connect(
      stubBackend({ getEmailSequences: async () => ({ machineCode: 1, sequences: [{ SequenceCode: 'x' }] }) as never }),
    );
    const result = await call('get_email_sequences', { machineCode: 1 });
    expect(result.structuredContent).toMatchObject({ code: 'BACKEND_ERROR' });
    expect(logs()).toContain('tool output does not match its schema');
  });

  it('passes the caller’s account to the backend', async () => {
    const seen: string[] = [];
    const { call } = await connect(
      stubBackend({
        getMachineDetails: async (account, machineCode) => {
          seen.push(`${account}:${machineCode}`);
          return { machine: { MachineCode: machineCode, MachineName: 'M', MachineType: 'Email', Views: 0, Leads: 0 }, sequences: [] };
        },
      }),
    );
    expect((await call('get_machine_details', { machineCode: 7 })).isError).toBeFalsy();
    expect(seen).toEqual(['acc:7']);
  });
});
