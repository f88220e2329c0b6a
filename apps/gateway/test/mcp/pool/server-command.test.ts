// Which MCP server the pool runs (resolveServerCommand): the bundled one by default, or MCP_SERVER_PATH, started
// with this Node (through tsx for .ts) or as its own executable.
import { describe, expect, it } from 'vitest';
import { resolveServerCommand } from '../../../src/mcp/pool/server-command.js';

describe('MCP_SERVER_PATH', () => {
  it('defaults to the bundled server run by this Node through tsx', () => {
    const { command, args } = resolveServerCommand(undefined);
    expect(command).toBe(process.execPath);
    expect(args.at(-1)).toMatch(/apps\/mcp-server\/src\/main\.ts$/);
    expect(args).toContain('--import');
  });

  it('runs .ts through tsx, .js with node, anything else as an executable', () => {
    expect(resolveServerCommand('/srv/server.ts').args).toEqual(expect.arrayContaining(['--import', '/srv/server.ts']));
    expect(resolveServerCommand('/srv/server.mjs')).toMatchObject({ command: process.execPath, args: ['/srv/server.mjs'] });
    expect(resolveServerCommand('/opt/LeadLovers.Api.MCPServer')).toEqual({ command: '/opt/LeadLovers.Api.MCPServer', args: [] });
  });
});
