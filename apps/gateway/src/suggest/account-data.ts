// Reads an account's machines and their email sequences through the gateway's tool runner, as the user who
// asked (the MCP server scopes every call to the caller's account). Only read-only tools, a few calls at a time.
import type { CallerMeta } from '@leadlovers/tools';
import type { ToolRunner } from '../mcp/types.js';
import type { AccountData, AccountMachine } from './candidates.js';

export interface FetchOptions {
  maxMachines: number;
  /** Sequence lists fetched at once. */
  concurrency: number;
}

interface MachinesData {
  machines?: Array<{ MachineCode?: unknown; MachineName?: unknown }>;
}

interface SequencesData {
  sequences?: Array<{ SequenceCode?: unknown; SequenceName?: unknown }>;
}

// The runner's own per-call timeout applies (MCP_CALL_TIMEOUT_MS), as for any request.
async function call(runner: ToolRunner, name: string, args: Record<string, unknown>, caller: CallerMeta): Promise<unknown> {
  const result = await runner.callTool({ name, arguments: args, caller, readOnly: true });
  if (!result.ok) throw new Error(`${name} failed: ${result.code} ${result.message}`);
  return result.data;
}

const isCode = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** The account's first machines with their sequences. A machine whose sequences cannot be read keeps none. */
export async function fetchAccountData(runner: ToolRunner, caller: CallerMeta, options: FetchOptions): Promise<AccountData> {
  const listed = (await call(runner, 'get_machines', { pageSize: Math.min(100, options.maxMachines) }, caller)) as MachinesData;
  const machines: AccountMachine[] = [];
  for (const m of listed?.machines ?? []) {
    if (isCode(m.MachineCode) && machines.length < options.maxMachines) {
      machines.push({ code: m.MachineCode, name: typeof m.MachineName === 'string' ? m.MachineName : '', sequences: [] });
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < machines.length) {
      const machine = machines[next++] as AccountMachine;
      try {
        const data = (await call(runner, 'get_email_sequences', { machineCode: machine.code }, caller)) as SequencesData;
        for (const s of data?.sequences ?? []) {
          if (isCode(s.SequenceCode)) machine.sequences.push({ code: s.SequenceCode, name: typeof s.SequenceName === 'string' ? s.SequenceName : '' });
        }
      } catch {
        // The machine is still worth suggesting without its sequences.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return { machines };
}
