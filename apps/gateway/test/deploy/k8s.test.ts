// deploy/k8s/: structural checks of the Kubernetes manifests (no cluster here): every document parses and has
// apiVersion/kind/metadata.name and no namespace; the Deployment's probes, port, config sources, security context
// and termination grace period (above preStop + drain); the Service, PodDisruptionBudget and HPA select or target
// the Deployment; the ConfigMap sets only variables the gateway reads; the Ingress uses client-IP affinity, not
// cookies; kustomization.yaml lists every file.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LEADLOVERS_VARIABLES } from '@leadlovers/mcp-server/config';
import { EnvSchema, loadConfig } from '../../src/config/config.js';
import { at, exportedSeriesNames, isRecord, loadYamlDocuments, readRepoFile, repoPath } from './helpers.js';

const DIR = 'deploy/k8s';
const files = readdirSync(repoPath(DIR)).filter((file) => /\.ya?ml$/.test(file));

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

const manifests: Manifest[] = files.flatMap((file) =>
  loadYamlDocuments(`${DIR}/${file}`).map((doc) => ({ ...(doc as Omit<Manifest, 'file'>), file }) as Manifest),
);

function one(kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found.map((manifest) => manifest.metadata?.name ?? manifest.file), kind).toHaveLength(1);
  return found[0] as Manifest;
}

const deployment = one('Deployment');
const configMap = one('ConfigMap');
const secret = one('Secret');
const podSpec = at(deployment, 'spec.template.spec') as Record<string, unknown>;
const containers = at(podSpec, 'containers') as Record<string, unknown>[];
const gateway = containers[0] as Record<string, unknown>;
const podLabels = at(deployment, 'spec.template.metadata.labels') as Record<string, string>;
const config = at(configMap, 'data') as Record<string, string>;
const num = (key: string, fallback: number): number => (config[key] !== undefined ? Number(config[key]) : fallback);

/** A container port by name or number → its number. */
function portNumber(port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  const ports = (gateway.ports as { name?: string; containerPort: number }[] | undefined) ?? [];
  return ports.find((p) => p.name === port)?.containerPort;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('deploy/k8s manifests', () => {
  it('every document parses and has apiVersion, kind and metadata.name, and no namespace', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
    for (const manifest of manifests) {
      const where = `${manifest.file} ${manifest.kind}`;
      expect(manifest.apiVersion, where).toMatch(/^[\w.]+(\/\w+)?$/);
      expect(manifest.kind, where).toMatch(/^[A-Z]\w+$/);
      if (manifest.kind !== 'Kustomization') {
        expect(manifest.metadata?.name, where).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        expect(manifest.metadata.namespace, `${where} is namespace-agnostic`).toBeUndefined();
      }
    }
  });

  it('each file opens with a comment saying what it is for', () => {
    for (const file of files) expect(readRepoFile(`${DIR}/${file}`).startsWith('# '), file).toBe(true);
  });

  it('kustomization.yaml lists every manifest file, and only existing ones', () => {
    const kustomization = one('Kustomization');
    expect(kustomization.file).toBe('kustomization.yaml');
    expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    const resources = (at(kustomization, 'resources') as string[]).slice().sort();
    expect(resources).toEqual(files.filter((file) => file !== 'kustomization.yaml').sort());
    expect(kustomization.namespace, 'namespace-agnostic').toBeUndefined();
  });

  it('Deployment: no replicas (the HPA owns them), the gateway image on port 4444, probes on /readyz, /healthz and a startup probe', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    // A replicas field beside an HPA resets the autoscaled count on every apply.
    expect(at(deployment, 'spec.replicas')).toBeUndefined();
    expect(one('HorizontalPodAutoscaler')).toBeDefined();
    expect(matches(at(deployment, 'spec.selector.matchLabels') as Record<string, string>, podLabels)).toBe(true);
    expect(containers).toHaveLength(1);
    // No tag in the Deployment: the tag is a parameter, the kustomization's `images` entry (never `latest`).
    expect(gateway.image).toBe('leadlovers-gateway');
    const images = at(one('Kustomization'), 'images') as { name: string; newName?: string; newTag?: string }[];
    const entry = images.find((image) => image.name === 'leadlovers-gateway');
    expect(entry?.newTag).toMatch(/^[\w][\w.-]{0,127}$/);
    expect(entry?.newTag).not.toBe('latest');
    expect(gateway.ports).toContainEqual(expect.objectContaining({ containerPort: 4444, protocol: 'TCP' }));
    expect(Number(config.PORT)).toBe(4444);
    expect(at(gateway, 'readinessProbe.httpGet.path')).toBe('/readyz');
    expect(at(gateway, 'livenessProbe.httpGet.path')).toBe('/healthz');
    expect(at(gateway, 'startupProbe.httpGet.path')).toMatch(/^\/(healthz|readyz)$/);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(portNumber(at(gateway, `${probe}.httpGet.port`)), probe).toBe(4444);
    }
    // The startup probe gives the MCP pool time to warm up before liveness may restart the pod.
    const startupBudget = Number(at(gateway, 'startupProbe.periodSeconds')) * Number(at(gateway, 'startupProbe.failureThreshold'));
    expect(startupBudget).toBeGreaterThanOrEqual(30);
  });

  it('Deployment: the termination grace period covers preStop + DRAIN_TIMEOUT_MS + the batched disconnects', () => {
    const grace = Number(at(podSpec, 'terminationGracePeriodSeconds'));
    const preStop = at(gateway, 'lifecycle.preStop.exec.command') as string[];
    expect(preStop[0]).toBe('sleep');
    const preStopS = Number(preStop[1]);
    expect(preStopS).toBeGreaterThanOrEqual(2);
    expect(config.DRAIN_TIMEOUT_MS, 'DRAIN_TIMEOUT_MS is set in the ConfigMap').toBeDefined();
    const drainS = num('DRAIN_TIMEOUT_MS', 15_000) / 1000;
    expect(grace).toBeGreaterThan(drainS);
    const batches = num('MAX_CONNECTIONS', 0) > 0 ? Math.ceil(num('MAX_CONNECTIONS', 0) / num('DRAIN_BATCH_SIZE', 200)) : 0;
    const disconnectS = (batches * num('DRAIN_BATCH_INTERVAL_MS', 250)) / 1000;
    expect(grace, `grace ${grace}s vs preStop ${preStopS}s + drain ${drainS}s + disconnects ${disconnectS}s`).toBeGreaterThan(
      preStopS + drainS + disconnectS,
    );
    expect(grace).toBe(45);
  });

  it('Deployment: env from the ConfigMap and the Secret, NODE_ID from the pod name', () => {
    expect(gateway.envFrom).toEqual(
      expect.arrayContaining([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secret.metadata.name } }]),
    );
    expect(gateway.env).toContainEqual({ name: 'NODE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  it('Deployment: resources, a locked-down security context, writable emptyDirs for /app/data and /tmp', () => {
    for (const path of ['resources.requests.cpu', 'resources.requests.memory', 'resources.limits.memory', 'resources.limits.cpu']) {
      expect(at(gateway, path), path).toBeDefined();
    }
    expect(at(podSpec, 'securityContext.runAsNonRoot')).toBe(true);
    expect(at(podSpec, 'securityContext.runAsUser')).toBeGreaterThan(0);
    expect(at(gateway, 'securityContext.readOnlyRootFilesystem')).toBe(true);
    expect(at(gateway, 'securityContext.allowPrivilegeEscalation')).toBe(false);
    expect(at(gateway, 'securityContext.capabilities.drop')).toEqual(['ALL']);
    const mounts = new Map((gateway.volumeMounts as { name: string; mountPath: string }[]).map((m) => [m.mountPath, m.name]));
    const volumes = new Map((podSpec.volumes as { name: string; emptyDir?: unknown }[]).map((v) => [v.name, v]));
    for (const path of ['/app/data', '/tmp']) {
      const volume = volumes.get(mounts.get(path) ?? '');
      expect(volume?.emptyDir, `${path} is an emptyDir`).toBeDefined();
    }
    expect(config.LEADLOVERS_DB_PATH?.startsWith('/app/data/')).toBe(true);
  });

  it('Deployment: /metrics only on METRICS_PORT, a pod port that no Service exposes; the scrape annotations point at it', () => {
    const metricsPort = Number(config.METRICS_PORT);
    expect(Number.isInteger(metricsPort) && metricsPort !== Number(config.PORT)).toBe(true);
    expect(gateway.ports).toContainEqual(expect.objectContaining({ name: 'metrics', containerPort: metricsPort }));
    const annotations = at(deployment, 'spec.template.metadata.annotations') as Record<string, string>;
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(annotations['prometheus.io/port'])).toBe(metricsPort);
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    for (const service of manifests.filter((manifest) => manifest.kind === 'Service')) {
      const ports = at(service, 'spec.ports') as { targetPort: unknown }[];
      for (const port of ports) expect(portNumber(port.targetPort), `${service.metadata.name} reaches metrics`).not.toBe(metricsPort);
    }
  });

  it('ConfigMap: string values, only variables the gateway reads (config.ts), Redis external via REDIS_URL', () => {
    // The gateway's own variables, and the MCP children's that it forwards and checks with their schema.
    const known = new Set([...Object.keys(EnvSchema.shape), ...LEADLOVERS_VARIABLES]);
    expect(Object.values(config).every((value) => typeof value === 'string')).toBe(true);
    expect(Object.keys(config).filter((key) => !known.has(key))).toEqual([]);
    expect(config.REDIS_URL).toMatch(/^rediss?:\/\//);
    expect(config.NODE_ENV).toBe('production');
    // Secrets never go in the ConfigMap.
    expect(Object.keys(config).filter((key) => /SECRET|PASSWORD|TOKEN|_KEY$|HEADERS$/.test(key))).toEqual([]);
  });

  it('ConfigMap + Secret: tracing and the admin API are off as shipped, and on with an endpoint and a token', () => {
    const data = at(secret, 'stringData') as Record<string, string>;
    const env = { ...config, ...data, API_SECRET: randomBytes(36).toString('base64'), REDIS_PASSWORD: '' };
    const adminToken = randomBytes(30).toString('base64');
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['ADMIN_TOKEN', 'METRICS_TOKEN', 'OTEL_EXPORTER_OTLP_HEADERS']));
    const shipped = loadConfig(env);
    expect(shipped.tracing).toBeUndefined();
    expect(shipped.admin.token).toBeUndefined();
    const on = loadConfig({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318', ADMIN_TOKEN: adminToken, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc' });
    expect(on.tracing).toMatchObject({ tracesUrl: 'http://otel-collector.observability:4318/v1/traces', protocol: 'http/protobuf', sampler: { name: 'parentbased_traceidratio', ratio: 0.1 }, headers: { authorization: 'Bearer abc' } });
    expect(on.admin.token).toBe(adminToken);
  });

  it('Secret example: placeholders for API_SECRET and REDIS_PASSWORD in stringData, clearly marked', () => {
    const data = at(secret, 'stringData') as Record<string, string>;
    expect(secret.file).toMatch(/example/);
    expect(readRepoFile(`${DIR}/${secret.file}`)).toMatch(/EXAMPLE ONLY/);
    expect(data.API_SECRET).toBe('REPLACE-ME');
    expect(data.REDIS_PASSWORD).toBe('REPLACE-ME');
    // Shorter than production's 32-character minimum: a pod refuses to start with the placeholder.
    expect(data.API_SECRET?.length).toBeLessThan(32);
    // The gateway's own variables, and the MCP children's that it forwards and checks with their schema.
    const known = new Set([...Object.keys(EnvSchema.shape), ...LEADLOVERS_VARIABLES]);
    expect(Object.keys(data).filter((key) => !known.has(key))).toEqual([]);
  });

  it('Service: ClusterIP selecting the Deployment pods, port → 4444, ClientIP affinity with a timeout', () => {
    const service = one('Service');
    expect(at(service, 'spec.type')).toBe('ClusterIP');
    expect(matches(at(service, 'spec.selector') as Record<string, string>, podLabels)).toBe(true);
    const ports = at(service, 'spec.ports') as { name: string; targetPort: unknown }[];
    expect(ports.map((port) => portNumber(port.targetPort))).toEqual([4444]);
    expect(at(service, 'spec.sessionAffinity')).toBe('ClientIP');
    expect(at(service, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds')).toBeGreaterThan(0);
  });

  it('PodDisruptionBudget: one pod at a time, selecting the Deployment pods', () => {
    const pdb = one('PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(matches(at(pdb, 'spec.selector.matchLabels') as Record<string, string>, podLabels)).toBe(true);
    const maxUnavailable = at(pdb, 'spec.maxUnavailable');
    const minAvailable = at(pdb, 'spec.minAvailable');
    expect(maxUnavailable === 1 || (typeof minAvailable === 'number' && minAvailable === Number(at(one('HorizontalPodAutoscaler'), 'spec.minReplicas')) - 1)).toBe(true);
  });

  it('HorizontalPodAutoscaler: autoscaling/v2 on the Deployment, CPU and connected sockets per pod', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(at(hpa, 'spec.scaleTargetRef')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    // Three pods at least: a node's loss leaves two to take its clients.
    expect(at(hpa, 'spec.minReplicas')).toBeGreaterThanOrEqual(3);
    expect(Number(at(hpa, 'spec.maxReplicas'))).toBeGreaterThan(Number(at(hpa, 'spec.minReplicas')));
    const metrics = at(hpa, 'spec.metrics') as Record<string, unknown>[];
    expect(metrics).toContainEqual(expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }));
    const pods = metrics.find((metric) => metric.type === 'Pods');
    if (pods) {
      const name = String(at(pods, 'pods.metric.name'));
      expect(exportedSeriesNames().gateway.has(name), name).toBe(true);
      // Scale out before load shedding refuses connections.
      if (num('MAX_CONNECTIONS', 0) > 0) expect(Number(at(pods, 'pods.target.averageValue'))).toBeLessThan(num('MAX_CONNECTIONS', 0));
    }
  });

  it('Ingress example: client-IP affinity (upstream-hash-by), not cookies; WebSocket timeouts; TLS; backend is the Service', () => {
    const ingress = one('Ingress');
    const service = one('Service');
    expect(ingress.file).toMatch(/example/);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    const annotations = ingress.metadata.annotations ?? {};
    expect(annotations['nginx.ingress.kubernetes.io/upstream-hash-by']).toBe('$remote_addr');
    const cookieAffinity = Object.keys(annotations).filter((key) => /\/(affinity|affinity-mode|session-cookie-.*)$/.test(key));
    expect(cookieAffinity).toEqual([]);
    // Above Socket.IO's heartbeat (pingInterval + pingTimeout), else idle WebSockets are cut.
    const heartbeatS = (num('PING_INTERVAL_MS', 25_000) + num('PING_TIMEOUT_MS', 20_000)) / 1000;
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      const value = Number(annotations[`nginx.ingress.kubernetes.io/${key}`]);
      expect(value, key).toBe(75);
      expect(value, key).toBeGreaterThan(heartbeatS);
    }
    const tls = at(ingress, 'spec.tls') as { hosts: string[]; secretName: string }[];
    expect(tls[0]?.secretName).toBeTruthy();
    const rules = at(ingress, 'spec.rules') as { host: string; http: { paths: { backend: { service: { name: string; port: { name?: string; number?: number } } } }[] } }[];
    expect(tls[0]?.hosts).toContain(rules[0]?.host);
    const backend = rules[0]?.http.paths[0]?.backend.service;
    expect(backend?.name).toBe(service.metadata.name);
    const servicePorts = at(service, 'spec.ports') as { name: string; port: number }[];
    expect(servicePorts.some((port) => port.name === backend?.port.name || port.port === backend?.port.number)).toBe(true);
    expect(config.DOMAIN_URL).toBe(`https://${rules[0]?.host}`);
  });

  it('labels are consistent: every object carries the app name label', () => {
    for (const manifest of manifests.filter((m) => m.kind !== 'Kustomization')) {
      expect(isRecord(manifest.metadata.labels) && manifest.metadata.labels['app.kubernetes.io/name'], manifest.file).toBe('leadlovers-gateway');
    }
  });
});
