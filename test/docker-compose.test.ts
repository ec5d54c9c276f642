// docker-compose.yml cannot run here (no Docker engine), so it is checked statically against the code it deploys.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { codecServerConfigSchema, gatewayConfigSchema, parseConfig, workerConfigSchema } from '../src/config';
import { searchAttributes } from '../src/workflows/registrant/names';
import { WORKER_PROCESS } from '../src/workers';

interface Service {
  image?: string;
  profiles?: string[];
  volumes?: string[];
  ports?: string[];
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const ROOT = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>;
};

/** What docker compose would pass with no .env: `${X:-d}` → d, `${X:?msg}` → a stand-in value. */
function interpolate(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      value.replace(
        /\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g,
        (_m, name: string, fallback?: string) => fallback ?? `set-${name}`,
      ),
    ]),
  );
}

const NO_SETTINGS = { nodeFlags: [], env: {} };

test.each([
  ['gateway', gatewayConfigSchema, 'lib/bin/gateway.js', NO_SETTINGS],
  ['worker', workerConfigSchema, 'lib/bin/worker.js', WORKER_PROCESS],
] as const)(
  '%s: every variable is one the process reads, and its configuration parses',
  (name, schema, entry, launch) => {
    const service = compose.services[name];
    expect(service?.build).toBe('.');
    expect(service?.command).toEqual(['node', ...launch.nodeFlags, entry]);
    // The production build compiles src/ into lib/ (tsconfig.build.json).
    expect(existsSync(path.join(__dirname, '..', entry.replace(/^lib/, 'src').replace(/\.js$/, '.ts')))).toBe(true);
    const known = Object.keys(schema instanceof Object && 'shape' in schema ? schema.shape : {});
    const environment = service?.environment ?? {};
    // The process's own settings (malloc's), then only variables its configuration reads.
    for (const [key, value] of Object.entries(launch.env)) expect(environment[key]).toBe(value);
    const env = Object.fromEntries(Object.entries(environment).filter(([key]) => !(key in launch.env)));
    expect(Object.keys(env).filter((key) => !known.includes(key))).toEqual([]);
    expect(() => parseConfig(schema, interpolate(env))).not.toThrow();
    expect(service?.depends_on).toEqual({ 'temporal-setup': { condition: 'service_completed_successfully' } });
  },
);

test('the image starts the worker with its process settings', () => {
  const dockerfile = readFileSync(path.join(__dirname, '..', 'Dockerfile'), 'utf8');
  const cmd = /^CMD (.+)$/m.exec(dockerfile)?.[1];
  expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...WORKER_PROCESS.nodeFlags, 'lib/bin/worker.js']);
  for (const [key, value] of Object.entries(WORKER_PROCESS.env)) expect(dockerfile).toContain(`ENV ${key}=${value}`);
});

test("the image's install has every workspace's manifest, which npm ci wants, and none of their dependencies", () => {
  const dockerfile = readFileSync(path.join(__dirname, '..', 'Dockerfile'), 'utf8');
  const root = path.join(__dirname, '..');
  const { workspaces } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const folders = workspaces.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, '');
    return readdirSync(path.join(root, parent)).map((name) => `${parent}/${name}`);
  });
  expect(folders).toEqual(expect.arrayContaining(['packages/client', 'examples/seat-app']));
  for (const folder of folders) expect(dockerfile).toContain(`COPY ${folder}/package.json ./${folder}/`);
  expect(dockerfile).toMatch(/^RUN npm ci .*--workspaces=false$/m);
  expect(dockerfile).toMatch(/npm prune --omit=dev --workspaces=false$/m);
});

test('npm run start:worker (production without Docker) starts the worker with the same process settings', () => {
  const scripts = (
    JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const env = Object.entries(WORKER_PROCESS.env).map(([key, value]) => `${key}=${value}`);
  expect(scripts['start:worker']).toBe([...env, 'node', ...WORKER_PROCESS.nodeFlags, 'lib/bin/worker.js'].join(' '));
  expect(scripts['start:gateway']).toBe('node lib/bin/gateway.js');
});

test('the setup container registers every search attribute the workflow sets', () => {
  const command = compose.services['temporal-setup']?.command?.join(' ') ?? '';
  for (const key of Object.values(searchAttributes)) expect(command).toContain(`--name ${key.name} --type Keyword`);
});

test('every service that waits on another names one that exists', () => {
  for (const service of Object.values(compose.services)) {
    for (const dependency of Object.keys(service.depends_on ?? {}))
      expect(Object.keys(compose.services)).toContain(dependency);
  }
});

test('the codec server: its variables are the ones it reads, and it needs a token to listen beyond loopback', () => {
  const service = compose.services['codec-server'];
  expect(service?.profiles).toEqual(['codec']);
  expect(service?.command).toEqual(['node', 'lib/bin/codec-server.js']);
  const env = interpolate(service?.environment ?? {});
  expect(Object.keys(env).filter((key) => !Object.keys(codecServerConfigSchema.shape).includes(key))).toEqual([]);
  // A stand-in key of the right size in place of the ${PAYLOAD_CODEC_KEYS:?} the operator sets.
  const config = parseConfig(codecServerConfigSchema, {
    ...env,
    PAYLOAD_CODEC_KEYS: `k:${Buffer.alloc(32).toString('base64')}`,
  });
  expect(service?.ports).toEqual([`${config.CODEC_SERVER_PORT}:${config.CODEC_SERVER_PORT}`]);
  expect(service?.environment?.CODEC_SERVER_TOKEN).toMatch(/^\$\{CODEC_SERVER_TOKEN:\?/);
});

describe('the observability profile', () => {
  const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
    scrape_configs: Array<{
      job_name: string;
      metrics_path: string;
      dns_sd_configs: Array<{ names: string[]; port: number }>;
    }>;
  };

  test('Prometheus scrapes each gateway and worker where they serve their metrics', () => {
    const ports = {
      gateway: Number(interpolate(compose.services.gateway?.environment ?? {}).PORT),
      worker: Number(compose.services.worker?.environment?.WORKER_METRICS_ADDRESS?.split(':')[1]),
    };
    expect(ports.worker).toBe(
      Number(
        parseConfig(workerConfigSchema, {
          ZOOM_ACCOUNT_ID: 'a',
          ZOOM_CLIENT_ID: 'b',
          ZOOM_CLIENT_SECRET: 'c',
        }).WORKER_METRICS_ADDRESS?.split(':')[1],
      ),
    );
    expect(
      prometheus.scrape_configs.map((job) => [job.job_name, job.dns_sd_configs[0]?.names, job.dns_sd_configs[0]?.port]),
    ).toEqual([
      ['gateway', ['gateway'], ports.gateway],
      ['worker', ['worker'], ports.worker],
    ]);
    expect(prometheus.scrape_configs.every((job) => job.metrics_path === '/metrics')).toBe(true);
  });

  test('Prometheus and Grafana run only in it, with files that exist', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name];
      expect(service?.profiles).toEqual(['observability']);
      for (const volume of service?.volumes ?? [])
        expect(existsSync(path.join(ROOT, volume.split(':')[0] ?? ''))).toBe(true);
    }
    const datasources = read('deploy/grafana/provisioning/datasources/prometheus.yml');
    expect(datasources).toContain('url: http://prometheus:9090');
    expect(compose.services.prometheus?.ports).toEqual(['9090:9090']);
  });

  test('every metric of the dashboard that is ours is one the code defines', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/zoom-registrations.json')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const names = [
      ...new Set(
        exprs.flatMap((e) => [...e.matchAll(/\b((?:gateway|zoom|temporal)_[a-z_]+)\b/g)].map((m) => m[1] as string)),
      ),
    ];
    const code = [
      'src/gateway/metrics.ts',
      'src/activities/metrics.ts',
      'src/workflows/registrant/metrics.ts',
      'src/workflows/reconciliation/metrics.ts',
      'src/metrics.ts',
    ]
      .map(read)
      .join('\n');
    const ours = names.filter((n) => !n.startsWith('temporal_'));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const name of ours) {
      // Histograms are queried by their _bucket series; the worker's exporter adds _total to its counters' names.
      const defined = name.replace(/_bucket$/, '');
      expect([defined, defined.replace(/_total$/, '')].some((n) => code.includes(`'${n}'`))).toBe(true);
    }
  });
});
