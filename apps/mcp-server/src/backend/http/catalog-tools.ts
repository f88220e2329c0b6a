// get_machines, get_machine_details and get_email_sequences over the LeadLovers API: GET /Machines (Items[],
// CurrentPage, Registers), GET /Machines/{code}, GET /EmailSequences and GET /Levels, mapped onto the tool shapes.
import type { ToolArgs, ToolOutput } from '../../tool-types.js';
import { DEFAULT_MACHINES_PAGE_SIZE } from '../types.js';
import { naming, type AccountApi } from './account-api.js';
import { apiMachineSchema, machinesPageSchema, toLevel, toMachine, toSequence } from './api-schemas.js';

const LEVEL_READS_AT_ONCE = 4;

export async function getMachines(api: AccountApi, query: ToolArgs<'get_machines'>): Promise<ToolOutput<'get_machines'>> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_MACHINES_PAGE_SIZE;
  const answer = await api.request({
    method: 'GET',
    path: '/Machines',
    query: { page, registers: pageSize },
    schema: machinesPageSchema,
  });
  const machines = answer.Items.slice(0, pageSize).map(toMachine);
  // The API gives no overall count: this is exact on the last page and a lower bound on a full page.
  const total = answer.TotalRegisters ?? (page - 1) * pageSize + machines.length;
  return { machines, page, pageSize, total };
}

export async function getMachineDetails(api: AccountApi, machineCode: number): Promise<ToolOutput<'get_machine_details'>> {
  const what = `Machine ${machineCode}`;
  const machine = await naming(what, 'machineCode', api.request({ method: 'GET', path: `/Machines/${machineCode}`, schema: apiMachineSchema }));
  const sequences = await naming(what, 'machineCode', api.sequences(machineCode));
  // One GET /Levels per sequence, a few at a time: enough to be quick without tripping the rate limit.
  const withLevels = [];
  for (let i = 0; i < sequences.Items.length; i += LEVEL_READS_AT_ONCE) {
    const batch = sequences.Items.slice(i, i + LEVEL_READS_AT_ONCE);
    withLevels.push(
      ...(await Promise.all(
        batch.map(async (sequence) => {
          const levels = await api.levels(machineCode, sequence.SequenceCode);
          return { ...toSequence(sequence), Levels: levels.Items.map(toLevel) };
        }),
      )),
    );
  }
  return { machine: toMachine(machine), sequences: withLevels };
}

export async function getEmailSequences(api: AccountApi, machineCode: number): Promise<ToolOutput<'get_email_sequences'>> {
  const sequences = await naming(`Machine ${machineCode}`, 'machineCode', api.sequences(machineCode));
  return { machineCode, sequences: sequences.Items.map(toSequence) };
}
