// What a Redis server did over a window, read from outside the work: INFO commandstats (calls and µs per command,
// commands called from Lua included) and INFO cpu (user + sys) as counters to subtract, and a MONITOR feed counted
// as round trips (top-level commands, a MULTI … EXEC block as one) with what they touched. MONITOR costs Redis CPU:
// never open it over a window whose CPU is measured.
import type { Redis } from 'ioredis';

export interface RedisCounters {
  /** Per command (lower case, subcommands folded into their command): calls and µs spent executing them. */
  commands: Record<string, { calls: number; usec: number }>;
  /** used_cpu_user + used_cpu_sys, µs. */
  cpuUs: number;
  /** used_memory, bytes. */
  memoryBytes: number;
}

/** The measurement's own commands and a cluster client's topology queries: never counted as the workload's. */
const OWN = new Set(['info', 'config', 'monitor', 'dbsize', 'cluster', 'command', 'ping', 'client', 'hello', 'select', 'readonly', 'auth', 'quit']);
/** Commands that run a script: their µs include the commands the script calls. */
export const SCRIPT_COMMANDS = ['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall'];

export function parseCounters(info: string): RedisCounters {
  const commands: RedisCounters['commands'] = {};
  let cpu = 0;
  let memoryBytes = 0;
  for (const line of info.split(/\r?\n/)) {
    const stat = /^cmdstat_([^:|]+)[^:]*:calls=(\d+),usec=(\d+)/.exec(line);
    if (stat) {
      const name = stat[1] ?? '';
      const entry = (commands[name] ??= { calls: 0, usec: 0 });
      entry.calls += Number(stat[2]);
      entry.usec += Number(stat[3]);
    }
    const used = /^used_cpu_(?:sys|user):([\d.]+)/.exec(line);
    if (used) cpu += Number(used[1]) * 1e6;
    const memory = /^used_memory:(\d+)/.exec(line);
    if (memory) memoryBytes = Number(memory[1]);
  }
  return { commands, cpuUs: Math.round(cpu), memoryBytes };
}

export async function readCounters(client: Redis): Promise<RedisCounters> {
  const sections = await Promise.all(['commandstats', 'cpu', 'memory'].map((section) => client.info(section)));
  return parseCounters(sections.join('\n'));
}

export interface CounterDelta {
  /** The workload's commands over the window (the measurement's own left out), by command. */
  commands: Record<string, { calls: number; usec: number }>;
  calls: number;
  cpuUs: number;
  /** Memory Redis holds more at the end than at the start. */
  memoryBytes: number;
}

export function subtract(after: RedisCounters, before: RedisCounters): CounterDelta {
  const commands: CounterDelta['commands'] = {};
  let calls = 0;
  for (const [name, a] of Object.entries(after.commands)) {
    if (OWN.has(name)) continue;
    const b = before.commands[name] ?? { calls: 0, usec: 0 };
    if (a.calls === b.calls) continue;
    commands[name] = { calls: a.calls - b.calls, usec: a.usec - b.usec };
    calls += a.calls - b.calls;
  }
  return { commands, calls, cpuUs: after.cpuUs - before.cpuUs, memoryBytes: after.memoryBytes - before.memoryBytes };
}

/** A key as a pattern: the user's {hash tag} and the ids after it elided, `ws:request:{…}:…`. */
export function keyPattern(key: string | undefined): string {
  if (key === undefined) return '';
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open);
  if (close > 0) return `${key.slice(0, open)}{…}${key.length > close + 1 ? ':…' : ''}`;
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

export interface MonitorCount {
  /** Top-level commands by `COMMAND first-key-pattern` (scripts by their key count and first key). */
  topLevel: Record<string, number>;
  /** Commands scripts called, by name. */
  lua: Record<string, number>;
  roundTrips: number;
}

/** MONITOR on a connection of its own (ioredis duplicates `client` for it); stop() closes it and returns the count. */
export async function startMonitor(client: Redis): Promise<{ stop(): Promise<MonitorCount> }> {
  const count: MonitorCount = { topLevel: {}, lua: {}, roundTrips: 0 };
  const inMulti = new Set<string>();
  const feed = await client.monitor();
  let open = true;
  feed.on('monitor', (_time: string, args: string[], source: string) => {
    if (!open) return;
    const name = (args[0] ?? '').toLowerCase();
    if (OWN.has(name)) return;
    if (source.includes('lua')) {
      count.lua[name] = (count.lua[name] ?? 0) + 1;
      return;
    }
    const script = SCRIPT_COMMANDS.includes(name);
    const label = script ? `${name.toUpperCase()} ${args[2]} keys ${keyPattern(args[3])}` : `${name.toUpperCase()} ${keyPattern(args[1])}`.trim();
    count.topLevel[label] = (count.topLevel[label] ?? 0) + 1;
    // A transaction's commands reach Redis in one round trip with its EXEC.
    if (name === 'multi') inMulti.add(source);
    else if (name === 'exec' || name === 'discard') inMulti.delete(source);
    if (!inMulti.has(source) && name !== 'multi') count.roundTrips++;
  });
  return {
    async stop() {
      // The window's last commands may still be on their way through the feed: a short grace lets them arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = false;
      feed.disconnect();
      return count;
    },
  };
}
