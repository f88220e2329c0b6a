// The redis section's rows (Redis cost per prompt against the DESIGN budget, the node with Redis against the same
// node without, the Redis Cluster spread) and the breakdown printed after the table: where the commands and the
// CPU go, by command, so a figure that misses its target says what to change.
import type { SpreadResult } from '../lib/cluster-spread.js';
import { SCRIPT_COMMANDS, type CounterDelta, type MonitorCount } from '../lib/redis-stats.js';
import type { StoreOnlyResult } from '../lib/request-drive.js';
import type { Summary } from '../lib/stats.js';
import { judge, ratio, type Row } from '../lib/suite.js';
import { formatTable } from '../lib/table.js';
import { median, round1 } from './context.js';

export type Node = 'with' | 'without';

export interface RedisPhase {
  node: Node;
  round: number;
  perSecond: number;
  latency: Summary;
  issued: number;
  errorCount: number;
  errors: Record<string, number>;
  /** Gateway process + MCP child CPU per prompt over the whole loop, ms. */
  gatewayCpuMsPerPrompt: number;
  wallMs: number;
  /** The Redis node's phases: what Redis did over the loop (every prompt of it, warm-up included). */
  redis?: CounterDelta;
}

export interface RedisMeasurements {
  clients: number;
  phases: RedisPhase[];
  monitor: { prompts: number; count: MonitorCount };
  /** Redis CPU while the clients were connected and idle, µs per second. */
  idleCpuUsPerSecond: number;
  /** Size of the JSON of a response the gateway stored: the cluster drive stores the same. */
  responseBytes: number;
  /** The request state alone on the same Redis: auto-pipelining off (as the gateway connects), then on. */
  store: StoreOnlyResult[];
  spread: SpreadResult;
}

/** DESIGN "Request core and the Redis budget". */
export const BUDGET = { roundTrips: 3, commands: 12, cpuUs: 50, promptsPerCore: 20_000, withOverWithout: 0.8, spread: 1.25 };

const round2 = (x: number): number => Math.round(x * 100) / 100;
const per = (n: number, prompts: number): number => (prompts ? n / prompts : Number.NaN);

/** Every with-Redis phase as one window: the counters summed, over all their prompts. */
function pooled(phases: readonly RedisPhase[]): { prompts: number; wallMs: number; delta: CounterDelta } {
  const delta: CounterDelta = { commands: {}, calls: 0, cpuUs: 0, memoryBytes: 0 };
  let prompts = 0;
  let wallMs = 0;
  for (const p of phases) {
    if (!p.redis) continue;
    prompts += p.issued;
    wallMs += p.wallMs;
    delta.calls += p.redis.calls;
    delta.cpuUs += p.redis.cpuUs;
    delta.memoryBytes += p.redis.memoryBytes;
    for (const [name, c] of Object.entries(p.redis.commands)) {
      const sum = (delta.commands[name] ??= { calls: 0, usec: 0 });
      sum.calls += c.calls;
      sum.usec += c.usec;
    }
  }
  return { prompts, wallMs, delta };
}

const scriptUsec = (delta: CounterDelta): number => SCRIPT_COMMANDS.reduce((sum, name) => sum + (delta.commands[name]?.usec ?? 0), 0);

/**
 * Where Redis's CPU per prompt goes. commandstats µs are time inside each command (wall time: a preempted Redis
 * reads high); when every top-level command runs a script (MONITOR says), the scripts' µs less the commands they
 * call is the scripts' own cost (Lua, argument and reply conversion). The rest of the CPU is outside commands:
 * reading and writing sockets, parsing, the event loop, and Redis's background cron (its idle rate).
 */
function cpuSplit(m: RedisMeasurements, delta: CounterDelta, prompts: number): string {
  const scripts = scriptUsec(delta);
  const commands = Object.entries(delta.commands).reduce((sum, [name, c]) => sum + (SCRIPT_COMMANDS.includes(name) ? 0 : c.usec), 0);
  const onlyScripts = Object.keys(m.monitor.count.topLevel).every((label) => SCRIPT_COMMANDS.includes(label.split(' ')[0]?.toLowerCase() ?? ''));
  const idle = (m.idleCpuUsPerSecond * pooled(m.phases).wallMs) / 1000;
  if (scripts + (onlyScripts ? 0 : commands) > delta.cpuUs) return `commandstats µs (${round1(per(scripts, prompts))} in scripts) exceed Redis's CPU time: Redis was preempted inside commands, so no split`;
  const parts = onlyScripts
    ? [
        `commands ${round1(per(commands, prompts))}`,
        `scripts' own ${round1(per(scripts - commands, prompts))}`,
        `outside commands ${round1(per(delta.cpuUs - scripts, prompts))} (${round1(per(delta.cpuUs - scripts, prompts * per(m.monitor.count.roundTrips, m.monitor.prompts)))} per round trip)`,
      ]
    : [`scripts ${round1(per(scripts, prompts))}`, `other commands ${round1(per(commands, prompts))} (some outside scripts: no split)`];
  return `µs per prompt: ${parts.join(', ')}, of which ~${round1(per(idle, prompts))} is Redis's idle background (${m.idleCpuUsPerSecond} µs/s)`;
}
const publishes = (delta: CounterDelta): number => (delta.commands.publish?.calls ?? 0) + (delta.commands.spublish?.calls ?? 0);
const shares = (values: readonly number[]): { text: string; maxOverMin: number | undefined } => {
  const total = values.reduce((a, b) => a + b, 0);
  return { text: values.map((v) => `${((v / total) * 100).toFixed(1)}%`).join(' / '), maxOverMin: ratio(Math.max(...values), Math.min(...values)) };
};
const top = (entries: Record<string, number>, prompts: number, n = 8): string =>
  Object.entries(entries)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${name} ${per(count, prompts).toFixed(2)}`)
    .join(', ');

export function redisRows(m: RedisMeasurements): Row[] {
  const section = 'redis';
  const withRedis = m.phases.filter((p) => p.node === 'with');
  const without = m.phases.filter((p) => p.node === 'without');
  const { prompts, wallMs, delta } = pooled(withRedis);
  const commands = round2(per(delta.calls, prompts));
  const cpuUs = round1(per(delta.cpuUs, prompts));
  const roundTrips = round2(per(m.monitor.count.roundTrips, m.monitor.prompts));
  const capacity = Math.round(1e6 / cpuUs);
  const pub = round2(per(publishes(delta), prompts));
  const calls = Object.fromEntries(Object.entries(delta.commands).map(([name, c]) => [name, c.calls]));
  const med = (list: RedisPhase[], f: (p: RedisPhase) => number) => Number(median(list.map(f)).toPrecision(4));
  const rate = { with: med(withRedis, (p) => p.perSecond), without: med(without, (p) => p.perSecond) };
  const errors = { with: m.phases.filter((p) => p.node === 'with').reduce((a, p) => a + p.errorCount, 0), without: without.reduce((a, p) => a + p.errorCount, 0) };
  const errorKinds = [...new Set(m.phases.flatMap((p) => Object.keys(p.errors)))];

  const spread = m.spread;
  const keys = shares(spread.masters.map((x) => x.keys));
  const spreadCalls = shares(spread.masters.map((x) => x.delta.calls));
  const spreadCpuUs = round1(per(spread.masters.reduce((a, x) => a + x.delta.cpuUs, 0), spread.requests));
  const spreadCommands = round2(per(spread.masters.reduce((a, x) => a + x.delta.calls, 0), spread.requests));
  const failures = Object.values(spread.failures).reduce((a, b) => a + b, 0);
  const cluster = `${spread.masters.length} masters, ${spread.users} users, ${spread.requests} requests`;

  return [
    { section, figure: `Redis commands per prompt (commandstats, ${prompts} prompts)`, gateway: commands, floor: '—', ratio: undefined, target: `≤ ${BUDGET.commands}`, verdict: judge(commands, '≤', BUDGET.commands), note: `per prompt: ${top(calls, prompts)}` },
    { section, figure: `Redis round trips per prompt (MONITOR, ${m.monitor.prompts} prompts)`, gateway: roundTrips, floor: '—', ratio: undefined, target: `≤ ${BUDGET.roundTrips}`, verdict: judge(roundTrips, '≤', BUDGET.roundTrips), note: `top-level per prompt: ${top(m.monitor.count.topLevel, m.monitor.prompts, 4)}` },
    {
      section,
      figure: 'Redis CPU µs per prompt',
      gateway: cpuUs,
      floor: '—',
      ratio: undefined,
      target: `≤ ${BUDGET.cpuUs}`,
      verdict: judge(cpuUs, '≤', BUDGET.cpuUs),
      note: `${cpuSplit(m, delta, prompts)}; Redis at ${round1(delta.cpuUs / wallMs / 10)}% of a core over the phases`,
    },
    { section, figure: 'prompts/s one Redis core allows (1e6 ÷ CPU µs)', gateway: capacity, floor: '—', ratio: undefined, target: `≥ ${BUDGET.promptsPerCore}`, verdict: judge(capacity, '≥', BUDGET.promptsPerCore) },
    {
      section,
      figure: 'Redis memory held per prompt, bytes',
      gateway: Math.round(per(delta.memoryBytes, prompts)),
      floor: '—',
      ratio: undefined,
      target: '—',
      verdict: 'info',
      note: `used_memory growth ÷ prompts, by phase ${withRedis.map((p) => (p.redis ? Math.round(per(p.redis.memoryBytes, p.issued)) : '—')).join(' / ')} (the first ones also fill each user's history to its bound); the request record (${m.responseBytes}-byte response) lives max(IDEMPOTENCY_TTL_S, MAILBOX_TTL_S), 24 h by default: memory to hold = prompts per day × this`,
    },
    { section, figure: 'pub/sub publishes per prompt (Socket.IO adapter)', gateway: pub, floor: '—', ratio: undefined, target: '0', verdict: judge(pub, '≤', 0) },
    {
      section,
      figure: `send-prompt prompts/s @${m.clients}, with Redis (floor: without)`,
      gateway: rate.with,
      floor: rate.without,
      ratio: ratio(rate.with, rate.without),
      target: `≥ ${BUDGET.withOverWithout}×`,
      verdict: judge(ratio(rate.with, rate.without), '≥', BUDGET.withOverWithout),
      note: `medians over ${withRedis.length} + ${without.length} alternating phases: ${m.phases.map((p) => `${p.node} ${p.perSecond}`).join(', ')}`,
    },
    { section, figure: `send-prompt p50 ms @${m.clients}, with Redis (floor: without)`, gateway: med(withRedis, (p) => p.latency.p50), floor: med(without, (p) => p.latency.p50), ratio: ratio(med(withRedis, (p) => p.latency.p50), med(without, (p) => p.latency.p50)), target: '—', verdict: 'info' },
    { section, figure: 'gateway CPU ms per prompt, with Redis (floor: without)', gateway: med(withRedis, (p) => p.gatewayCpuMsPerPrompt), floor: med(without, (p) => p.gatewayCpuMsPerPrompt), ratio: ratio(med(withRedis, (p) => p.gatewayCpuMsPerPrompt), med(without, (p) => p.gatewayCpuMsPerPrompt)), target: '—', verdict: 'info', note: 'the node process and its MCP child, over each whole loop' },
    { section, figure: 'failed requests, with Redis (floor: without)', gateway: errors.with, floor: errors.without, ratio: undefined, target: '0', verdict: errors.with + errors.without === 0 ? 'PASS' : 'MISS', ...(errorKinds.length ? { note: `kinds: ${errorKinds.join(', ')}` } : {}) },
    storeRow(m),
    { section, figure: `Redis Cluster keys per master (${cluster})`, gateway: keys.text, floor: '—', ratio: keys.maxOverMin, target: `max ÷ min ≤ ${BUDGET.spread}×`, verdict: failures ? 'FAIL' : judge(keys.maxOverMin, '≤', BUDGET.spread), note: `DBSIZE ${spread.masters.map((x) => x.keys).join(' / ')}${failures ? `; failed requests ${JSON.stringify(spread.failures)}` : ''}` },
    { section, figure: 'Redis Cluster commands per master', gateway: spreadCalls.text, floor: '—', ratio: spreadCalls.maxOverMin, target: `max ÷ min ≤ ${BUDGET.spread}×`, verdict: failures ? 'FAIL' : judge(spreadCalls.maxOverMin, '≤', BUDGET.spread), note: `commandstats ${spread.masters.map((x) => x.delta.calls).join(' / ')}` },
    {
      section,
      figure: 'Redis Cluster commands, CPU µs per request (store only)',
      gateway: `${spreadCommands}, ${spreadCpuUs}`,
      floor: '—',
      ratio: undefined,
      target: '—',
      verdict: 'info',
      note: `admit + complete through createRedisRequestState over an ioredis Cluster, all masters summed, ${m.responseBytes}-byte responses as the gateway stored them; ${Math.round(spread.requests / (spread.elapsedMs / 1000))} requests/s from one client process`,
    },
  ];
}

/** The request state alone: Redis's cost per request over a connection like the gateway's, and with auto-pipelining. */
function storeRow(m: RedisMeasurements): Row {
  const [off, on] = [m.store.find((x) => !x.autoPipelining), m.store.find((x) => x.autoPipelining)];
  const cpu = (x: StoreOnlyResult | undefined) => (x ? round1(per(x.delta.cpuUs, x.requests)) : Number.NaN);
  const describe = (x: StoreOnlyResult | undefined) => (x ? `${round2(per(x.delta.calls, x.requests))} commands, ${Math.round(x.requests / (x.elapsedMs / 1000))} requests/s` : '—');
  const failures = m.store.flatMap((x) => Object.entries(x.failures));
  return {
    section: 'redis',
    figure: `Redis CPU µs per request, store only, ${m.clients} at once (floor: auto-pipelining)`,
    gateway: cpu(off),
    floor: cpu(on),
    ratio: ratio(cpu(off), cpu(on)),
    target: '—',
    verdict: failures.length ? 'FAIL' : 'info',
    note: `admit + complete on the private Redis, no gateway; connection as the gateway's: ${describe(off)}; with ioredis enableAutoPipelining: ${describe(on)}${failures.length ? `; failed ${JSON.stringify(Object.fromEntries(failures))}` : ''}`,
  };
}

/** Printed after the table: Redis's work per prompt by command (commandstats), and the round trips by what they ran. */
export function redisText(m: RedisMeasurements): string {
  const { prompts, delta } = pooled(m.phases.filter((p) => p.node === 'with'));
  const rows = Object.entries(delta.commands)
    .sort((a, b) => b[1].calls - a[1].calls)
    .map(([name, c]) => [name, per(c.calls, prompts), per(c.usec, prompts), SCRIPT_COMMANDS.includes(name) ? 'runs a script: its µs include the commands it calls' : '']);
  rows.push(['all (CPU: INFO used_cpu_user + sys)', per(delta.calls, prompts), per(delta.cpuUs, prompts), 'commands counted once each; µs = the whole process']);
  const table = formatTable(`Redis per prompt, by command (INFO commandstats over the with-Redis phases, ${prompts} prompts)`, ['command', 'calls', 'µs', ''], rows);
  const { count, prompts: watched } = m.monitor;
  const lines = [
    table,
    `Round trips (MONITOR, ${watched} prompts): ${per(count.roundTrips, watched).toFixed(2)} per prompt — ${top(count.topLevel, watched, 10) || 'none'}`,
    `Called from scripts, per prompt: ${top(count.lua, watched, 20) || 'none'}`,
    `Socket.IO adapter (PUBLISH/SPUBLISH) per prompt: ${per(publishes(delta), prompts).toFixed(3)}`,
  ];
  return lines.join('\n');
}
