// `npm run screenshots` (with `npm run dev` running and `ready`): the README's pictures of the operators' console,
// taken from the real Temporal Web UI of the dev world with a headless Chromium (CHROMIUM_PATH, default
// /usr/bin/chromium). It adds the columns the README asks for, as an operator would, while one case is settling,
// then photographs the list and a case that needs review.
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { DEMO_PEOPLE, DEMO_WEBINAR_ID } from './sandbox/seed';
import { registrantWorkflowId } from '../src/workflows/registrant/names';
import { zoomWebinar } from '../src/domain/zoom-event';

const UI = process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233';
const OUT = path.resolve(__dirname, '..', 'docs');
const COLUMNS = ['RegistrationState', 'CancelledBy', 'ZoomWebinarId'];

async function addColumns(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Configure Columns' }).click();
  // Room for the domain's columns: the run id, the type (one filter already) and the end say little here.
  for (const column of ['Run ID', 'Type', 'End'])
    await page.getByRole('button', { name: `Remove ${column} column` }).click();
  for (const column of COLUMNS) await page.getByRole('button', { name: `Add ${column} column` }).click();
  await page.getByTestId('drawer-close-button').click();
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1720, height: 760 } });
    // One case in flight for the picture: the host cancels Mary, settled after FOLLOW_UP_WINDOW.
    const sandbox = process.env.SANDBOX_URL ?? 'http://127.0.0.1:9090';
    await fetch(`${sandbox}/_sandbox/webinars/${DEMO_WEBINAR_ID}/registrants/mary@example.com/cancel-as-admin`, {
      method: 'POST',
    });
    const list = (query: string) => `${UI}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;

    await page.goto(list('WorkflowType = "registrantWorkflow"'));
    await page.getByText('registrantWorkflow').first().waitFor();
    await addColumns(page);
    await page.getByText('settling').first().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(OUT, 'web-ui-registrants.png') });

    // One case's page: its summary, details and current details live under "User Metadata".
    const hedy = registrantWorkflowId(zoomWebinar(DEMO_WEBINAR_ID), DEMO_PEOPLE.hedy.id);
    await page.goto(`${UI}/namespaces/default/workflows/${encodeURIComponent(hedy)}`);
    // The tabs answer once the page has loaded the history.
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByRole('tab', { name: /User Metadata/ }).click();
    // The Markdown is rendered in frames of its own: give them a moment once the panel shows.
    await page.getByText('Current Details').first().waitFor();
    await page.waitForTimeout(2_000);
    await page.screenshot({ path: path.join(OUT, 'web-ui-needs-review.png'), fullPage: true });
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots: ${String(err)}\n`);
  process.exit(1);
});
