// docker-compose.cluster.yml: it parses (anchors and merge keys resolved), has Redis, gateway-1..3, nginx and
// Prometheus, and Prometheus gets both its config and the rules file that config's `rule_files` names, at the path
// Prometheus resolves it to; it scrapes exactly the gateway services; each gateway's stop grace period covers the drain.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { at, loadYaml, readRepoFile, repoPath } from './helpers.js';

const compose = loadYaml('docker-compose.cluster.yml');
const services = at(compose, 'services') as Record<string, Record<string, unknown>>;
const prometheusConfig = loadYaml('deploy/prometheus/prometheus.yml');

/** "./host:/container:ro" → { host, container } */
function mounts(service: Record<string, unknown>): { host: string; container: string }[] {
  return ((service.volumes as string[] | undefined) ?? []).map((volume) => {
    const [host = '', container = ''] = volume.split(':');
    return { host, container };
  });
}

function seconds(duration: string): number {
  const match = /^(\d+)(s|m)$/.exec(duration);
  if (!match) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

describe('docker-compose.cluster.yml', () => {
  it('parses and has redis, gateway-1..3, nginx and prometheus', () => {
    expect(readRepoFile('docker-compose.cluster.yml').startsWith('#')).toBe(true);
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['redis', 'gateway-1', 'gateway-2', 'gateway-3', 'nginx', 'prometheus']));
    for (const node of ['gateway-1', 'gateway-2', 'gateway-3']) {
      expect(at(services[node], 'environment.NODE_ID'), node).toBe(node);
      expect(at(services[node], 'environment.REDIS_URL'), node).toBe('redis://redis:6379');
    }
  });

  it('mounts prometheus.yml and every rule file it names where Prometheus looks for them', () => {
    const prometheus = services.prometheus as Record<string, unknown>;
    const volumes = mounts(prometheus);
    const config = volumes.find((volume) => volume.host === './deploy/prometheus/prometheus.yml');
    expect(config?.container).toBe('/etc/prometheus/prometheus.yml');
    const ruleFiles = at(prometheusConfig, 'rule_files') as string[];
    expect(ruleFiles).toContain('rules.yml');
    for (const ruleFile of ruleFiles) {
      const inContainer = posix.resolve(posix.dirname(config?.container ?? '/'), ruleFile);
      const mount = volumes.find((volume) => volume.container === inContainer);
      expect(mount, `${ruleFile} mounted at ${inContainer}`).toBeDefined();
      expect(mount?.host).toBe('./deploy/prometheus/rules.yml');
      expect(existsSync(repoPath(mount?.host.replace(/^\.\//, '') ?? '')), mount?.host).toBe(true);
    }
  });

  it("Prometheus scrapes every gateway service directly on its METRICS_PORT, as job gateway (the rules assume it)", () => {
    const jobs = at(prometheusConfig, 'scrape_configs') as { job_name: string; static_configs: { targets: string[] }[] }[];
    const gateway = jobs.find((job) => job.job_name === 'gateway');
    const targets = gateway?.static_configs.flatMap((config) => config.targets) ?? [];
    expect(targets.map((target) => target.split(':')[0]).sort()).toEqual(['gateway-1', 'gateway-2', 'gateway-3']);
    for (const target of targets) {
      const [name, port] = target.split(':');
      const service = services[name ?? ''] as Record<string, unknown>;
      const environment = at(service, 'environment') as Record<string, string>;
      // Not PORT (what nginx proxies): /metrics lives on the node's own METRICS_PORT.
      expect(port, target).toBe(environment.METRICS_PORT);
      expect(environment.METRICS_PORT).not.toBe(environment.PORT);
    }
  });

  it("each gateway's stop grace period covers the drain timeout", () => {
    for (const node of ['gateway-1', 'gateway-2', 'gateway-3']) {
      const service = services[node] as Record<string, unknown>;
      const drainMs = Number(at(service, 'environment.DRAIN_TIMEOUT_MS') ?? 15_000);
      expect(seconds(String(service.stop_grace_period)), node).toBeGreaterThan(drainMs / 1000);
    }
  });
});
