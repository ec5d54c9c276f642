// What operators watch, for real: promtool checks the shipped Prometheus configuration and tests the alert rules; a
// real Prometheus (Debian's package) scrapes the test's gateway and a worker process while a self-cancel, an admin
// cancel, a needs-review case and a refused callback run; then every query of the Grafana dashboard is answered by it
// with data, and the alert rules evaluate on what it scraped.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { parse, stringify } from 'yaml';
import { eventually } from '../../tools/eventually';
import { ROOT } from '../helpers/run-script';
import { callbacksAbout, settled, spawnWorker, startWorld, type World } from '../helpers/world';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? 'prometheus';
const PROMTOOL = process.env.PROMTOOL_PATH ?? 'promtool';
const SHIPPED = path.join(ROOT, 'deploy', 'prometheus');

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(PROMTOOL, args, { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number | string; stdout?: string; stderr?: string; message: string };
    return { code: Number(failed.code) || 1, output: `${failed.stdout ?? ''}${failed.stderr ?? failed.message}` };
  }
}

test('promtool: the shipped configuration, and the rule file it loads, are valid', async () => {
  const checked = await promtool('check', 'config', path.join(SHIPPED, 'prometheus.yml'));
  expect(checked.output).toContain('SUCCESS: 7 rules found');
  expect(checked.code).toBe(0);
});

test('promtool: every alert fires when it should and stays silent before and after', async () => {
  const tested = await promtool('test', 'rules', path.join(SHIPPED, 'alerts.test.yml'));
  expect(tested.output).toContain('SUCCESS');
  expect(tested.code).toBe(0);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface ScrapeConfig {
  job_name: string;
  dns_sd_configs?: unknown;
  static_configs?: Array<{ targets: string[] }>;
}

describe('a real Prometheus scraping a gateway and a worker', () => {
  let world: World;
  let worker: ChildProcess;
  let prometheus: ChildProcess;
  let prometheusOutput = '';
  let api: string;

  /** An instant query's series, through Prometheus's HTTP API. */
  async function query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const { data } = await axios.get<{
      status: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    }>(`${api}/api/v1/query`, { params: { query: expr } });
    return data.data.result;
  }

  beforeAll(async () => {
    world = await startWorld({
      inProcessWorkers: false,
      windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '20s', DEDUP_WINDOW: '1h', CALLBACK_RETRY_WINDOW: '2s' },
    });
    const workerAddress = `127.0.0.1:${await freePort()}`;
    worker = spawnWorker(world, workerAddress);

    // The shipped configuration, its jobs pointed at this test's processes instead of compose's DNS names.
    const shipped = parse(readFileSync(path.join(SHIPPED, 'prometheus.yml'), 'utf8')) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: ScrapeConfig[];
    };
    const targets: Record<string, string> = { gateway: new URL(world.gatewayUrl).host, worker: workerAddress };
    const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-'));
    const config = {
      global: { ...shipped.global, scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: shipped.rule_files.map((file) => path.join(SHIPPED, file)),
      scrape_configs: shipped.scrape_configs.map(({ dns_sd_configs: _dns, ...job }) => ({
        ...job,
        static_configs: [{ targets: [targets[job.job_name]] }],
      })),
    };
    writeFileSync(path.join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
    prometheus.once('error', (err) => (prometheusOutput += `\n${String(err)}`));
    await eventually(
      async () => {
        const up = await query('up == 1').catch(() => []);
        return up.length === 2 ? up : undefined;
      },
      { what: `Prometheus up, both targets scraped (its log:\n${prometheusOutput.slice(-2000)})`, timeoutMs: 60_000 },
    );

    // The cases an operator watches.
    const webinar = world.emulator.addWebinar();
    const person = (first_name: string) =>
      world.emulator.addRegistrant(webinar.id, { email: `${first_name.toLowerCase()}@example.com`, first_name });
    const [ada, grace, hedy] = [person('Ada'), person('Grace'), person('Hedy')];
    await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, ada.id));
    await world.deliver(world.emulator.cancelAsAdmin(webinar.id, grace.id));
    world.emulator.scriptLookup(webinar.id, hedy.id, [{ respond: 'webinar_not_found' }]);
    await world.deliver(world.emulator.cancelAsAdmin(webinar.id, hedy.id));
    // The app refuses Joan's callback past CALLBACK_RETRY_WINDOW: it waits for a re-drive.
    const { registrant: joan, event } = world.emulator.register(webinar.id, {
      email: 'joan@example.com',
      first_name: 'J',
    });
    world.app.refuses = (callback) => callback.data.registrant.id === joan.id;
    await world.deliver(event);
    await Promise.all([ada, grace, hedy].map(({ id }) => callbacksAbout(world, id, 1)));
    await settled(world, webinar.id, grace.id);
    await eventually(
      async () => ((await world.state(webinar.id, joan.id)).failed_callbacks.length > 0 ? true : undefined),
      { what: "Joan's callback left waiting" },
    );
    // Scraped after all of it.
    await eventually(
      async () => {
        const waiting = await query('sum(zoom_app_callbacks_waiting_total)');
        const review = await query('max(zoom_registrants_needs_review)');
        const settledCases = await query('sum(zoom_cancellations_settled_total)');
        const [callbacks = 0, cases = 0, cancellations = 0] = [waiting, review, settledCases].map((result) =>
          Number(result[0]?.value[1] ?? 0),
        );
        return callbacks >= 1 && cases >= 1 && cancellations >= 2 ? true : undefined;
      },
      { what: 'the cases in Prometheus', timeoutMs: 30_000 },
    );
  }, 180_000);

  afterAll(async () => {
    for (const child of [prometheus, worker]) {
      if (!child || child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await world?.stop();
  }, 60_000);

  test("every query of the Grafana dashboard returns data (a panel that would show 'No data' is named)", async () => {
    const dashboard = JSON.parse(
      readFileSync(path.join(ROOT, 'deploy/grafana/dashboards/zoom-registrations.json'), 'utf8'),
    ) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    const targets = dashboard.panels.flatMap(({ title, targets: t = [] }) => t.map(({ expr }) => ({ title, expr })));
    expect(targets.length).toBeGreaterThanOrEqual(15);
    const empty: string[] = [];
    for (const { title, expr } of targets) {
      // Grafana's own variable, as it would fill it for a 1 s scrape.
      const result = await query(expr.replaceAll('$__rate_interval', '1m'));
      if (result.length === 0) empty.push(`${title}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  test('the cases that ran are counted in what Prometheus scraped, not only the zeros the worker starts with', async () => {
    const total = async (expr: string) => Number((await query(expr))[0]?.value[1] ?? 0);
    expect(await total('sum(zoom_cancellations_settled_total{cancelled_by="registrant"})')).toBeGreaterThanOrEqual(1);
    expect(await total('sum(zoom_cancellations_settled_total{cancelled_by="admin"})')).toBeGreaterThanOrEqual(1);
    expect(await total('sum(zoom_app_callback_failures_total{callback_type="registrant.created"})')).toBeGreaterThan(0);
    expect(await total('sum(gateway_zoom_webhooks_total{outcome="accepted"})')).toBeGreaterThanOrEqual(4);
  });

  test('the alert rules load and evaluate: the waiting callback fires, a polling worker does not', async () => {
    const rules = await eventually(
      async () => {
        const { data } = await axios.get<{
          data: { groups: Array<{ rules: Array<{ name: string; health: string; state: string }> }> };
        }>(`${api}/api/v1/rules`);
        const all = data.data.groups.flatMap((g) => g.rules);
        return all.find((r) => r.name === 'AppCallbacksWaitForRedrive')?.state === 'firing' ? all : undefined;
      },
      { what: 'AppCallbacksWaitForRedrive firing', timeoutMs: 30_000 },
    );
    expect(rules).toHaveLength(7);
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(rules.find((r) => r.name === 'NoWorkerPolling')?.state).toBe('inactive');
    // Hedy's case has waited seconds, not the hour the rule allows.
    expect(rules.find((r) => r.name === 'RegistrantCasesNeedReview')?.state).toBe('pending');
  });
});
