// The Temporal Web UI as an operator uses it, for browser tests: a dev server of its own with the UI, the codec
// server as `npm run codec-server` runs it, a headless Chromium (Debian's, through playwright-core), and what an
// operator does and reads there: the workflow list with its columns, a workflow's page, its tabs and user metadata.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { freePort } from '../../tools/dev/temporal-server';
import { eventually } from '../../tools/eventually';
import { ROOT } from './run-script';

/** The ports `npm run dev`, its codec server and the README test listen on: a browser test never takes them. */
const RESERVED_PORTS = new Set([7233, 8233, 3000, 3001, 3002, 9090, 1025, 1080, 9464, 8888]);

/** `count` distinct free ports on loopback, none of them a port the dev world uses. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = await freePort();
    if (!RESERVED_PORTS.has(port)) ports.add(port);
  }
  return [...ports];
}

export interface CodecServerProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * `npm run codec-server` in a process of its own, configured by its environment as the README says
 * (PAYLOAD_CODEC_KEYS, CODEC_SERVER_PORT, CODEC_SERVER_HOST, CODEC_SERVER_CORS_ORIGINS); ready once it answers.
 */
export async function startCodecServer(env: Record<string, string>): Promise<CodecServerProcess> {
  const host = env.CODEC_SERVER_HOST ?? '127.0.0.1';
  const url = `http://${host}:${env.CODEC_SERVER_PORT}`;
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', tsx, path.join(ROOT, 'src/bin/codec-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the codec server exited with code ${child.exitCode}:\n${output}`);
        const answer = await fetch(`${url}/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ payloads: [] }),
        }).catch(() => null);
        return answer?.ok ? true : undefined;
      },
      { what: `the codec server at ${url}`, timeoutMs: 30_000, intervalMs: 200, retryErrors: false },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

/** Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** The Web UI's workflow list, filtered by a visibility query. */
export function workflowListUrl(uiUrl: string, query: string, namespace = 'default'): string {
  return `${uiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`;
}

/** A workflow's page: its id with the slashes encoded (with them, the Web UI answers 404). */
export function workflowUrl(uiUrl: string, workflowId: string, namespace = 'default'): string {
  return `${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}

/** "Configure Columns" at the bottom of the list, as an operator sets it up: some columns out, others in. */
export async function configureColumns(page: Page, { remove, add }: { remove: string[]; add: string[] }) {
  await page.getByRole('button', { name: 'Configure Columns' }).click();
  for (const column of remove) await page.getByRole('button', { name: `Remove ${column} column` }).click();
  for (const column of add) await page.getByRole('button', { name: `Add ${column} column` }).click();
  await page.getByTestId('drawer-close-button').click();
}

/** The list's row of one workflow. */
export function workflowRow(page: Page, workflowId: string): Locator {
  return page.getByTestId('workflows-summary-configurable-table-row').filter({ hasText: workflowId });
}

/** The list's cell of one workflow under a column heading (found by the heading's position, as the eye does). */
export async function listCell(page: Page, workflowId: string, column: string): Promise<Locator> {
  const headings = page.locator('thead th');
  await headings.filter({ hasText: column }).first().waitFor();
  const names = (await headings.allInnerTexts()).map((text) => text.trim());
  const index = names.indexOf(column);
  if (index < 0) throw new Error(`the list has no ${column} column (its columns: ${names.join(', ')})`);
  return workflowRow(page, workflowId).locator('td').nth(index);
}

/** A workflow page's user metadata, rendered from Markdown in frames of their own. */
export function userMetadata(page: Page, part: 'summary' | 'details' | 'current-details'): FrameLocator {
  return page.frameLocator(`#user-metadata-${part}`);
}

/** Matches a whole text, whitespace at its ends aside. */
export function exactly(text: string): RegExp {
  const literal = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*${literal}\\s*$`);
}

/**
 * Waits until the element reads `expected` (a string it contains, or a pattern it matches), and returns its text.
 * The UI loads lists and frames in its own time: this waits up to `timeoutMs`, then fails saying what it read.
 */
export async function readsText(locator: Locator, expected: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let read: string | null = null;
  let lastError = '';
  for (;;) {
    const remaining = deadline - Date.now();
    try {
      read = await locator.innerText({ timeout: Math.max(1, Math.min(remaining, 5_000)) });
      const matches = typeof expected === 'string' ? read.includes(expected) : expected.test(read);
      if (matches) return read;
    } catch (err) {
      lastError = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    }
    if (Date.now() >= deadline) {
      const seen = read === null ? `found nothing (${lastError})` : `it reads ${JSON.stringify(read.slice(0, 2000))}`;
      throw new Error(`expected ${String(locator)} to read ${String(expected)} within ${timeoutMs} ms; ${seen}`);
    }
    await sleep(250);
  }
}
