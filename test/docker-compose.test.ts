// docker-compose.yml cannot run here (no Docker engine), so it is checked statically against the code it deploys.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { gatewayConfigSchema, parseConfig, workerConfigSchema } from '../src/config';
import { searchAttributes } from '../src/workflows/registrant/names';
import { WORKER_PROCESS } from '../src/workers';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(path.join(__dirname, '..', 'docker-compose.yml'), 'utf8')) as {
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
