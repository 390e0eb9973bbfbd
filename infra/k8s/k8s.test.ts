/**
 * Renders infra/k8s (base, local, production) with kustomize and validates every object against the
 * Kubernetes JSON schemas, strictly (an unknown field fails), then checks what the schemas cannot:
 * probes, resources, hardening, the gateway's HPA and PDB, consumers ≤ partitions, Ingress routes,
 * pinned images and every variable the services' config schemas require.
 *
 * The tools come from registries only: beforeAll runs infra/local/k8s-tools.sh, which builds kustomize
 * with `go install` and pip-installs kubernetes-validate (it ships the schemas) under .local once; later
 * runs find them there in milliseconds. No cluster is needed, and none can run here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kafkaEnv } from '@relay/kafka';
import { s3Env } from '@relay/object-storage';
import { loadConfig } from '@relay/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatEnv } from '../../services/chat/src/config.ts';
import { convertEnv } from '../../services/convert/src/config.ts';
import { gatewayEnv } from '../../services/gateway/src/config.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const K8S = join(ROOT, 'infra/k8s');
/** The oldest minor still offered by the big managed services and the newest the schemas cover. */
const KUBERNETES_VERSIONS = ['1.34.0', '1.37.0'];
const OVERLAYS = ['base', 'overlays/local', 'overlays/production'] as const;
type Overlay = (typeof OVERLAYS)[number];

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped JSON, checked field by field.
type Obj = Record<string, any>;
type Shape = Parameters<typeof loadConfig>[0];

/** Whether `value` (undefined: unset) passes `schema`, the way loadConfig judges it. */
const accepts = (schema: Shape[string], value: string | undefined) => {
  try {
    loadConfig({ variable: schema }, { variable: value });
    return true;
  } catch {
    return false;
  }
};

/** Each Relay command and the config schema its process loads. */
const SCHEMAS: Record<string, Shape> = {
  'services/gateway/src/main.ts': gatewayEnv,
  'services/gateway/src/worker.ts': gatewayEnv,
  'services/gateway/src/migrate.ts': gatewayEnv,
  'services/convert/src/main.ts': convertEnv,
  'services/convert/src/worker.ts': convertEnv,
  'services/convert/src/migrate.ts': convertEnv,
  'services/chat/src/main.ts': chatEnv,
  'services/chat/src/consumer.ts': chatEnv,
  'infra/local/provision.ts': { ...kafkaEnv, ...s3Env },
};
/** The variable that sets each long-running process's HTTP port (its probes must hit it). */
const PORT_VARIABLE: Record<string, string> = {
  'services/gateway/src/main.ts': 'GATEWAY_PORT',
  'services/gateway/src/worker.ts': 'GATEWAY_WORKER_PORT',
  'services/convert/src/main.ts': 'CONVERT_PORT',
  'services/convert/src/worker.ts': 'CONVERT_WORKER_PORT',
  'services/chat/src/main.ts': 'CHAT_PORT',
  'services/chat/src/consumer.ts': 'CHAT_CONSUMER_PORT',
};

let kustomize = '';
let validator = '';
let python = '';
let scratch = '';
const rendered = new Map<Overlay, { yaml: string; objects: Obj[] }>();

function run(command: string, args: string[], cwd = ROOT): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** YAML to JSON through the validator's own PyYAML: no YAML parser needed on the Node side. */
function parseYaml(yaml: string): Obj[] {
  const script =
    'import sys, json, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)';
  return JSON.parse(execFileSync(python, ['-c', script], { input: yaml, encoding: 'utf8' })) as Obj[];
}

function render(overlay: Overlay): string {
  if (overlay !== 'overlays/local') return run(kustomize, ['build', join(K8S, overlay)]);
  // The local overlay's secretGenerator reads a git-ignored secrets.env: make a fresh one in a copy.
  const copy = join(scratch, 'k8s');
  cpSync(K8S, copy, { recursive: true });
  rmSync(join(copy, 'overlays/local/secrets.env'), { force: true });
  run('bash', [join(copy, 'overlays/local/secrets.sh')]);
  return run(kustomize, ['build', join(copy, overlay)]);
}

/** kubernetes-validate's verdict on a multi-document file: one line per object and version. */
function validate(yaml: string, name: string): { status: number | null; output: string } {
  const file = join(scratch, `${name.replaceAll('/', '-')}.yaml`);
  writeFileSync(file, yaml);
  const args = ['--strict', ...KUBERNETES_VERSIONS.flatMap((version) => ['-k', version]), file];
  const result = spawnSync(validator, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const objectsOf = (overlay: Overlay) => rendered.get(overlay)?.objects ?? [];
const ofKind = (objects: Obj[], kind: string) => objects.filter((object) => object.kind === kind);
const named = (objects: Obj[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);
const workloads = (objects: Obj[]) =>
  objects.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind));
const allContainers = (workload: Obj): Obj[] => [
  ...(workload.spec.template.spec.initContainers ?? []),
  ...workload.spec.template.spec.containers,
];
const relayCommand = (container: Obj): string | undefined =>
  (container.command ?? []).find((part: string) => part in SCHEMAS);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The variables a container gets: its env, then its envFrom ConfigMaps and Secrets (rendered ones). */
function environment(objects: Obj[], workload: Obj, container: Obj): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');
  for (const source of container.envFrom ?? []) {
    const configMap = source.configMapRef && named(objects, 'ConfigMap', source.configMapRef.name);
    const secret = source.secretRef && named(objects, 'Secret', source.secretRef.name);
    expect(
      configMap ?? secret,
      `${container.name}: envFrom names an object the overlay renders`,
    ).toBeDefined();
    for (const [key, value] of Object.entries<string>(configMap?.data ?? {})) env.set(key, value);
    for (const [key, value] of Object.entries<string>(secret?.data ?? {})) env.set(key, decode(value));
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (variable.value !== undefined) env.set(variable.name, variable.value);
    else if (from?.fieldRef?.fieldPath === 'metadata.name')
      env.set(variable.name, `${workload.metadata.name}-0`);
    else if (from?.secretKeyRef) {
      const secret = named(objects, 'Secret', from.secretKeyRef.name);
      // Base and production reference a Secret made outside git: the key is set, its value unknown here.
      const value = secret?.data?.[from.secretKeyRef.key];
      if (secret !== undefined)
        expect(value, `${from.secretKeyRef.key} in ${secret.metadata.name}`).toBeDefined();
      env.set(variable.name, value === undefined ? undefined : decode(value));
    } else if (from?.configMapKeyRef) {
      env.set(
        variable.name,
        named(objects, 'ConfigMap', from.configMapKeyRef.name)?.data?.[from.configMapKeyRef.key],
      );
    } else throw new Error(`${container.name}: ${variable.name} comes from an unexpected source`);
  }
  return env;
}

/** Keys whose schema has no default and is not optional: the process refuses to start without them. */
function requiredKeys(shape: Shape): string[] {
  return Object.entries(shape)
    .filter(([, schema]) => !accepts(schema, undefined))
    .map(([key]) => key);
}

beforeAll(() => {
  // Installs on first use (go install of kustomize takes about a minute on a cold Go cache).
  const tools = spawnSync('bash', [join(ROOT, 'infra/local/k8s-tools.sh')], { encoding: 'utf8' });
  if (tools.status !== 0) {
    throw new Error(
      `infra/local/k8s-tools.sh could not install kustomize and kubernetes-validate (needs go and python3 ` +
        `on PATH and the Go module proxy and PyPI reachable):\n${tools.stderr}`,
    );
  }
  const paths = Object.fromEntries(
    tools.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2)),
  );
  kustomize = paths.kustomize ?? '';
  validator = paths['kubernetes-validate'] ?? '';
  python = join(validator, '../python');
  scratch = mkdtempSync(join(tmpdir(), 'relay-k8s-'));
  for (const overlay of OVERLAYS) {
    const yaml = render(overlay);
    rendered.set(overlay, { yaml, objects: parseYaml(yaml) });
  }
}, 900_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the validator', () => {
  it('rejects an unknown field and a wrong type (strict schemas, so the checks below are not vacuous)', () => {
    const deployment = (extra: Obj) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: {
            metadata: { labels: { a: 'b' } },
            spec: { containers: [{ name: 'x', image: 'x:1', ...extra }] },
          },
        },
      });
    expect(validate(deployment({}), 'valid').status).toBe(0);
    expect(validate(deployment({ livenesProbe: {} }), 'unknown-field').output).toMatch(/livenesProbe/);
    expect(validate(deployment({ ports: [{ containerPort: '8000' }] }), 'wrong-type').status).not.toBe(0);
  });
});

describe.each(OVERLAYS)('%s', (overlay) => {
  it('renders, and every object passes the Kubernetes schemas (strict) of each version', () => {
    const { yaml, objects } = rendered.get(overlay) ?? { yaml: '', objects: [] };
    expect(objects.length).toBeGreaterThan(10);
    const { status, output } = validate(yaml, overlay);
    expect(output, output).not.toMatch(/^(ERROR|WARN|FATAL)/m);
    expect(status, output).toBe(0);
    // A kind without a schema is only a warning to the tool: count the passes instead.
    expect(output.match(/^INFO .* passed /gm)?.length, output).toBe(
      objects.length * KUBERNETES_VERSIONS.length,
    );
  });

  it('runs every process, each Deployment and StatefulSet container with probes and resources', () => {
    const objects = objectsOf(overlay);
    const commands = workloads(objects).flatMap((workload) => allContainers(workload).map(relayCommand));
    for (const command of Object.keys(SCHEMAS)) expect(commands, command).toContain(command);

    for (const workload of workloads(objects).filter((object) => object.kind !== 'Job')) {
      for (const container of workload.spec.template.spec.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        expect(container.readinessProbe, `${where} readiness`).toBeDefined();
        expect(container.livenessProbe, `${where} liveness`).toBeDefined();
        expect(container.resources?.requests?.cpu, `${where} cpu request`).toBeDefined();
        expect(container.resources?.requests?.memory, `${where} memory request`).toBeDefined();
        expect(container.resources?.limits?.memory, `${where} memory limit`).toBeDefined();
      }
    }
  });

  it('probes each Relay process on /readyz and /healthz at the port its config listens on, with HOST not loopback', () => {
    for (const workload of workloads(objectsOf(overlay)).filter((object) => object.kind !== 'Job')) {
      for (const container of workload.spec.template.spec.containers) {
        const command = relayCommand(container);
        if (command === undefined) continue;
        const env = environment(objectsOf(overlay), workload, container);
        const port = Number(env.get(PORT_VARIABLE[command] ?? ''));
        const portOf = (name: string | number) =>
          typeof name === 'number' ? name : container.ports.find((p: Obj) => p.name === name)?.containerPort;
        expect(container.readinessProbe.httpGet.path, command).toBe('/readyz');
        expect(container.livenessProbe.httpGet.path, command).toBe('/healthz');
        expect(portOf(container.readinessProbe.httpGet.port), `${command} readiness port`).toBe(port);
        expect(portOf(container.livenessProbe.httpGet.port), `${command} liveness port`).toBe(port);
        expect(env.get('HOST'), `${command} must listen beyond the pod's loopback`).toBe('0.0.0.0');
      }
    }
  });

  it('runs every Relay container non-root with a read-only root filesystem and no privilege escalation', () => {
    for (const workload of workloads(objectsOf(overlay))) {
      const pod = workload.spec.template.spec;
      for (const container of allContainers(workload)) {
        if (relayCommand(container) === undefined && !/relay[/-]web/.test(container.image)) continue;
        const where = `${workload.metadata.name}/${container.name}`;
        expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
        expect(container.securityContext?.readOnlyRootFilesystem, where).toBe(true);
        expect(container.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(container.securityContext?.capabilities?.drop, where).toContain('ALL');
      }
    }
  });

  it('sets every variable each process requires, from the config schema it loads', () => {
    const objects = objectsOf(overlay);
    for (const workload of workloads(objects)) {
      for (const container of allContainers(workload)) {
        const command = relayCommand(container);
        if (command === undefined) continue;
        const shape = SCHEMAS[command] ?? {};
        const env = environment(objects, workload, container);
        for (const key of requiredKeys(shape))
          expect([...env.keys()], `${command} needs ${key}`).toContain(key);
        const known = [...env].filter(([, value]) => value !== undefined) as [string, string][];
        if (overlay === 'overlays/local') {
          // Here every value is rendered (the Secret too): the whole environment must parse as the process will.
          expect(() => loadConfig(shape, Object.fromEntries(known)), command).not.toThrow();
        } else {
          // Values from the external Secret are unknown; the rest must still be valid for their schema.
          for (const [key, value] of known) {
            const schema = shape[key];
            if (schema !== undefined)
              expect(accepts(schema, value), `${command}: ${key}=${value}`).toBe(true);
          }
        }
      }
    }
  });

  it('pins every image to a version or digest, never latest', () => {
    for (const workload of workloads(objectsOf(overlay))) {
      for (const container of allContainers(workload)) {
        const image: string = container.image;
        const tag = image.includes('@') ? image.split('@')[1] : image.split('/').at(-1)?.split(':')[1];
        expect(tag, `${image} has a tag or digest`).toBeTruthy();
        expect(tag, image).not.toBe('latest');
      }
    }
  });

  it('scales gateway-api with an HPA and guards it with a PDB', () => {
    const objects = objectsOf(overlay);
    const gateway = named(objects, 'Deployment', 'gateway-api');
    expect(gateway).toBeDefined();
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((hpa) => hpa.spec.scaleTargetRef)).toContainEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'gateway-api',
    });
    const hpa = hpas.find((object) => object.spec.scaleTargetRef.name === 'gateway-api');
    // With fewer than two pods, the PDB below would block every node drain.
    expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = ofKind(objects, 'PodDisruptionBudget').find((object) =>
      matches(object.spec.selector.matchLabels, gateway?.spec.template.metadata.labels),
    );
    expect(pdb, 'a PDB selecting the gateway-api pods').toBeDefined();
  });

  it('runs chat-consumer as a StatefulSet, no more replicas than partitions, its pod name as instance id', () => {
    const objects = objectsOf(overlay);
    const consumer = named(objects, 'StatefulSet', 'chat-consumer');
    expect(consumer).toBeDefined();
    const container = consumer?.spec.template.spec.containers[0];
    const env = environment(objects, consumer ?? {}, container);
    // provision.ts creates chat_service with KAFKA_CHAT_PARTITIONS partitions (kafkaEnv's default when unset).
    const partitions = loadConfig(kafkaEnv, Object.fromEntries(env)).KAFKA_CHAT_PARTITIONS;
    expect(consumer?.spec.replicas).toBeGreaterThanOrEqual(1);
    expect(consumer?.spec.replicas).toBeLessThanOrEqual(partitions);
    const instance = container.env.find((variable: Obj) => variable.name === 'CHAT_CONSUMER_INSTANCE_ID');
    expect(instance?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      if (hpa.spec.scaleTargetRef.name === 'chat-consumer')
        expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(partitions);
    }
  });

  it('routes /api and /ws to gateway-api and / to web through the Ingress, with WebSocket timeouts', () => {
    const objects = objectsOf(overlay);
    const ingress = ofKind(objects, 'Ingress')[0];
    expect(ingress).toBeDefined();
    const annotations = ingress?.metadata.annotations ?? {};
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(
      3600,
    );
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(
      3600,
    );
    const paths: Obj[] = ingress?.spec.rules.flatMap((rule: Obj) => rule.http.paths) ?? [];
    /** The workload whose pods the path's Service selects, and the container port it lands on. */
    const target = (path: string) => {
      const backend = paths.find((entry) => entry.path === path && entry.pathType === 'Prefix')?.backend
        .service;
      const service = backend && named(objects, 'Service', backend.name);
      const servicePort = service?.spec.ports.find(
        (p: Obj) => p.name === backend.port.name || p.port === backend.port.number,
      );
      const workload = workloads(objects).find((w) =>
        matches(service?.spec.selector ?? { none: '' }, w.spec.template.metadata.labels),
      );
      const container = workload?.spec.template.spec.containers[0];
      const port = container?.ports.find(
        (p: Obj) => p.name === servicePort?.targetPort || p.containerPort === servicePort?.targetPort,
      );
      return `${workload?.metadata.name}:${port?.containerPort}`;
    };
    expect(target('/api')).toBe('gateway-api:8000');
    expect(target('/ws')).toBe('gateway-api:8000');
    expect(target('/')).toBe('web:8080');
  });

  it('gives every Service with a selector pods to send to, on ports those pods declare', () => {
    const objects = objectsOf(overlay);
    for (const service of ofKind(objects, 'Service')) {
      if (service.spec.type === 'ExternalName') continue;
      const pods = workloads(objects).filter((w) =>
        matches(service.spec.selector, w.spec.template.metadata.labels),
      );
      expect(pods.length, `Service ${service.metadata.name} selects a workload`).toBeGreaterThan(0);
      const declared = pods.flatMap((w) =>
        w.spec.template.spec.containers.flatMap((c: Obj) => c.ports ?? []),
      );
      for (const port of service.spec.ports) {
        const found = declared.some(
          (p: Obj) => p.name === port.targetPort || p.containerPort === port.targetPort,
        );
        expect(found, `Service ${service.metadata.name} port ${port.name}`).toBe(true);
      }
    }
  });

  it('provisions topics, the bucket and both migrations in one Job', () => {
    const job = ofKind(objectsOf(overlay), 'Job')[0];
    expect(
      allContainers(job ?? { spec: { template: { spec: { containers: [] } } } }).map(relayCommand),
    ).toEqual([
      'infra/local/provision.ts',
      'services/gateway/src/migrate.ts',
      'services/convert/src/migrate.ts',
    ]);
  });
});

describe('overlays', () => {
  it('local brings Kafka, PostgreSQL, Redis, an S3 server and an SMTP catcher behind the names the config uses', () => {
    const objects = objectsOf('overlays/local');
    for (const name of ['kafka', 'postgres', 'redis', 's3', 'smtp']) {
      const service = named(objects, 'Service', name);
      expect(service?.spec.selector, name).toBeDefined();
    }
  });

  it('production reaches Kafka, PostgreSQL and Redis as external services and S3 over HTTPS', () => {
    const objects = objectsOf('overlays/production');
    for (const name of ['kafka', 'postgres', 'redis']) {
      expect(named(objects, 'Service', name)?.spec.type, name).toBe('ExternalName');
    }
    expect(workloads(objects).map((w) => w.metadata.name)).not.toContain('kafka');
    const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('relay-config'));
    expect(config?.data.S3_ENDPOINT).toMatch(/^https:/);
    expect(config?.data.COOKIE_SECURE).toBe('true');
    expect(Number(config?.data.KAFKA_REPLICATION_FACTOR)).toBeGreaterThanOrEqual(3);
    expect(ofKind(objects, 'Secret'), 'no secret committed for production').toEqual([]);
  });
});
