// Section 7: the cost of OpenTelemetry tracing (issue 18: ≤ 10 % of throughput). Two gateway nodes in the default
// configuration, one exporting every request's spans over OTLP/HTTP to a local sink (this process), one with
// tracing off, each with its own SDK-like closed-loop clients; phases alternate between them, as in the Redis
// section, so drifting load on a shared machine hits both alike. The sink counts the export requests and bytes, so
// the figure is known to be about a node that really traced.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadGenerators } from '../lib/loadgens.js';
import { startGateway, type ServerHandle } from '../lib/servers.js';
import type { Row } from '../lib/suite.js';
import { connectSpec, median, round1, type Context, type SectionResult } from './context.js';

type Mode = 'on' | 'off';

interface Sink {
  url: string;
  exports: number;
  bytes: number;
  close(): Promise<void>;
}

/** An OTLP/HTTP receiver that accepts and counts whatever it is sent (JSON or protobuf), answering 200. */
async function startSink(): Promise<Sink> {
  const sink = { exports: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (sink.bytes += chunk.length));
    req.on('end', () => {
      if (req.url?.startsWith('/v1/traces')) sink.exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get exports() {
      return sink.exports;
    },
    get bytes() {
      return sink.bytes;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Phase {
  mode: Mode;
  perSecond: number;
  cpuMsPerPrompt: number;
  issued: number;
  errors: number;
}

function profileFile(ctx: Context, mode: Mode): string {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  return fileURLToPath(new URL(`tracing-${mode}-${ctx.startedAt.replace(/[:.]/g, '-')}.cpuprofile`, dir));
}

export async function runTracing(ctx: Context): Promise<SectionResult> {
  const s = ctx.settings;
  const r = s.redis;
  const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-tracing-'));
  const sink = await startSink();
  const common = { secret: ctx.secret, poolSize: s.poolSize, logLevel: s.logLevel };
  ctx.log(`tracing: one gateway node exporting spans to ${sink.url}, one with tracing off, ${r.clients} clients each`);
  const started = await Promise.allSettled([
    startGateway({ ...common, dbPath: join(dir, 'on.sqlite'), env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '500' } }, 'gateway tracing'),
    startGateway({ ...common, dbPath: join(dir, 'off.sqlite') }, 'gateway not tracing'),
    LoadGenerators.start(s.loadGenerators),
  ]);
  const [on, off, gens] = started;
  try {
    if (on.status !== 'fulfilled' || off.status !== 'fulfilled' || gens.status !== 'fulfilled') {
      const failed = started.find((x) => x.status === 'rejected');
      throw failed?.reason instanceof Error ? failed.reason : new Error('a tracing-section server did not start');
    }
    const servers: Record<Mode, ServerHandle> = { on: on.value, off: off.value };
    const loadGens: Record<Mode, LoadGenerators> = { on: ctx.gens, off: gens.value };
    for (const mode of ['on', 'off'] as const) {
      await loadGens[mode].connect(connectSpec(ctx, 'gateway', servers[mode].url, `tracing-${mode}-`, 'tracing-a'), r.clients);
      await loadGens[mode].loop({ target: 'gateway', event: 'send-prompt', requestIds: true, durationMs: 120_000, warmupMs: 0, maxRequests: r.clients, timeoutMs: s.requestTimeoutMs });
    }
    // Steady state before measuring: both nodes run their unmeasured phases, alternating, as the measured ones do.
    for (let round = 0; round < r.warmupRounds; round++) {
      for (const mode of ['off', 'on'] as const) {
        const loop = await loadGens[mode].loop({ target: 'gateway', event: 'send-prompt', requestIds: true, durationMs: r.phaseMs, warmupMs: s.warmupMs, maxRequests: r.clients * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
        ctx.log(`  warm-up ${round + 1}, tracing ${mode}: ${Math.round(loop.perSecond)}/s (not measured)`);
      }
    }
    const exportsBefore = sink.exports;
    const phases: Phase[] = [];
    let tracedPrompts = 0;
    for (let round = 0; round < r.rounds; round++) {
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const before = servers[mode].sample().treeCpuMs;
        // BENCH_TRACING_PROFILE=1: the V8 profile of each node's main thread in the last round (bench/results).
        const profile = process.env.BENCH_TRACING_PROFILE === '1' && round === r.rounds - 1 ? profileFile(ctx, mode) : undefined;
        if (profile) await servers[mode].proc.remote.call('profile-start', {}, 10_000);
        const loop = await loadGens[mode].loop({ target: 'gateway', event: 'send-prompt', requestIds: true, durationMs: r.phaseMs, warmupMs: s.warmupMs, maxRequests: r.clients * s.maxPerClient, timeoutMs: s.requestTimeoutMs });
        const cpuMs = servers[mode].sample().treeCpuMs - before;
        if (profile) {
          await servers[mode].proc.remote.call('profile-stop', { file: profile }, 30_000);
          ctx.log(`  profile of the node with tracing ${mode}: ${profile}`);
        }
        if (mode === 'on') tracedPrompts += loop.issued;
        phases.push({ mode, perSecond: Math.round(loop.perSecond), cpuMsPerPrompt: Math.round((cpuMs / Math.max(1, loop.issued)) * 1000) / 1000, issued: loop.issued, errors: loop.errorCount });
        ctx.log(`  round ${round + 1}, tracing ${mode}: ${Math.round(loop.perSecond)}/s, p50 ${loop.latency.p50} ms, errors ${loop.errorCount}`);
      }
    }
    // The last batch leaves within OTEL_BSP_SCHEDULE_DELAY.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const exported = sink.exports - exportsBefore;
    await Promise.all([ctx.gens.disconnect('gateway'), gens.value.close()]);

    const of = (mode: Mode, pick: (p: Phase) => number) => median(phases.filter((p) => p.mode === mode).map(pick));
    const rate = { on: of('on', (p) => p.perSecond), off: of('off', (p) => p.perSecond) };
    const cpu = { on: of('on', (p) => p.cpuMsPerPrompt), off: of('off', (p) => p.cpuMsPerPrompt) };
    const ratio = rate.off ? rate.on / rate.off : undefined;
    const errors = phases.reduce((n, p) => n + p.errors, 0);
    const rows: Row[] = [
      {
        section: 'tracing',
        figure: `send-prompt prompts/s @${r.clients}, tracing on (floor: off)`,
        gateway: rate.on,
        floor: rate.off,
        ratio,
        target: '≥ 0.9×',
        verdict: ratio === undefined ? 'FAIL' : ratio >= 0.9 ? 'PASS' : 'MISS',
        note: `medians over ${r.rounds} + ${r.rounds} alternating phases: ${phases.map((p) => `${p.mode} ${p.perSecond}`).join(', ')}`,
      },
      { section: 'tracing', figure: 'gateway CPU ms per prompt, tracing on (floor: off)', gateway: cpu.on, floor: cpu.off, ratio: cpu.off ? cpu.on / cpu.off : undefined, target: '—', verdict: 'info', note: 'the node process and its MCP child' },
      {
        section: 'tracing',
        figure: 'OTLP export requests received, KB per traced prompt',
        gateway: `${exported}, ${round1(sink.bytes / 1024 / Math.max(1, tracedPrompts))}`,
        floor: '—',
        ratio: undefined,
        target: '> 0',
        verdict: exported > 0 ? 'PASS' : 'FAIL',
        note: 'the sink counts what the traced node (and its MCP children) exported: the figure above is about a node that really traced',
      },
      { section: 'tracing', figure: 'failed requests, both nodes', gateway: errors, floor: '—', ratio: undefined, target: '0', verdict: errors === 0 ? 'PASS' : 'FAIL' },
    ];
    return { rows, data: { phases, exported, bytes: sink.bytes, tracedPrompts } };
  } finally {
    await Promise.all(started.map((x) => (x.status === 'fulfilled' ? x.value.close() : undefined)));
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
