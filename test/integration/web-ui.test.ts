// The Temporal Web UI in a real browser, where operators work: a dev server of this file's own with its UI, pointed
// at the codec server as the README configures it (`npm run codec-server`, PAYLOAD_CODEC_KEYS, the UI's origin in
// CODEC_SERVER_CORS_ORIGINS), a world whose processes all encrypt, and Debian's Chromium through playwright-core.
// The dev world's webinar and meeting are played as `npm run dev` plays them; then, as an operator: the list with the
// registrant columns, a settled registrant's page (summary, current details, the evidence), a needs_review case (what
// to do), and a registrant's email decoded in the browser while the raw history holds none.
// The README's pictures (docs/web-ui-*.png) are taken here, each once its test's assertions have passed, when
// SCREENSHOTS=write says so (`npm run screenshots`): a plain test run leaves the committed pictures as they are.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { zoomMeeting, zoomWebinar, type ZoomEvent } from '../../src/domain/zoom-event';
import { stateQuery, type RegistrantView } from '../../src/workflows/registrant/messages';
import { registrantWorkflowId, searchAttributes } from '../../src/workflows/registrant/names';
import { startTemporalDevServer, type DevServer } from '../../tools/dev/temporal-server';
import { eventually } from '../../tools/eventually';
import { DEMO_MEETING_PEOPLE, DEMO_PEOPLE, seedDemoMeeting, seedDemoWebinar } from '../../tools/sandbox/seed';
import { ROOT } from '../helpers/run-script';
import {
  configureColumns,
  exactly,
  freePorts,
  launchChromium,
  listCell,
  readsText,
  startCodecServer,
  userMetadata,
  workflowListUrl,
  workflowRow,
  workflowUrl,
  type CodecServerProcess,
} from '../helpers/web-ui';
import { startWorld, type World } from '../helpers/world';

const DOCS = path.join(ROOT, 'docs');
const KEY = { id: 'web-ui-test', key: randomBytes(32) };
const VIEWPORT = { width: 1720, height: 760 };
/** The UI can take seconds to load a list or a page on a busy 2-core machine. */
const UI_TIMEOUT = 30_000;
const REGISTRANTS_QUERY = 'WorkflowType = "registrantWorkflow"';

const { ada, grace, hedy, rosalind, joan, mary } = DEMO_PEOPLE;
const { alan } = DEMO_MEETING_PEOPLE;

interface Case {
  zoomEvent: ZoomEvent;
  registrantId: string;
  /** The columns as the list must show them ('' for an empty cell). */
  state: string;
  cancelledBy: string;
}

let webinar: ZoomEvent;
let meeting: ZoomEvent;
let cases: Case[];
let temporalServer: DevServer;
let codecServer: CodecServerProcess;
let world: World;
let browser: Browser;
let context: BrowserContext;
let uiUrl: string;

const idOf = (c: { zoomEvent: ZoomEvent; registrantId: string }) => registrantWorkflowId(c.zoomEvent, c.registrantId);

beforeAll(async () => {
  const [temporalPort, uiPort, codecPort] = await freePorts(3);
  const uiOrigin = `http://localhost:${uiPort}`;
  const keys = `${KEY.id}:${KEY.key.toString('base64')}`;
  // As the README says: the codec server with the workers' keys, on loopback (no token), allowing the UI's origin;
  // the UI pointed at it (the server's codec endpoint setting).
  [codecServer, temporalServer, browser] = await Promise.all([
    startCodecServer({
      PAYLOAD_CODEC_KEYS: keys,
      CODEC_SERVER_PORT: String(codecPort),
      CODEC_SERVER_HOST: '127.0.0.1',
      CODEC_SERVER_TOKEN: '',
      CODEC_SERVER_CORS_ORIGINS: uiOrigin,
    }),
    startTemporalDevServer({ port: temporalPort, uiPort, uiCodecEndpoint: `http://127.0.0.1:${codecPort}` }),
    launchChromium(),
  ]);
  uiUrl = temporalServer.uiUrl ?? uiOrigin;
  // One browser profile for the file: the list's columns are kept per browser, as an operator's are.
  context = await browser.newContext({ viewport: VIEWPORT });

  world = await startWorld({
    temporal: { TEMPORAL_ADDRESS: temporalServer.address, PAYLOAD_CODEC_KEYS: keys },
    // Grace's admin cancel settles after a short follow-up window; Mary's lookup keeps failing, so she stays settling.
    windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '10m', DEDUP_WINDOW: '1h' },
  });
  const { emulator } = world;
  webinar = zoomWebinar(seedDemoWebinar(emulator).id);
  meeting = zoomMeeting(seedDemoMeeting(emulator).id);

  // `npm run dev`'s plays: each registration announced, then one case of each kind.
  for (const { id } of [ada, grace, hedy, rosalind, joan, mary]) await world.deliver(emulator.announce(webinar.id, id));
  await world.deliver(emulator.announce(meeting.id, alan.id));
  await world.deliver(emulator.cancelAsRegistrant(webinar.id, ada.id));
  await world.deliver(emulator.cancelAsAdmin(webinar.id, grace.id));
  for (const { id } of [hedy, rosalind]) {
    emulator.scriptLookup(webinar.id, id, [{ respond: 'webinar_not_found' }]);
    await world.deliver(emulator.cancelAsAdmin(webinar.id, id));
  }
  await world.deliver(emulator.approve(webinar.id, joan.id));
  emulator.scriptLookup(webinar.id, mary.id, [{ respond: 'server_error' }], { repeatLast: true });
  await world.deliver(emulator.cancelAsAdmin(webinar.id, mary.id));
  await world.deliver(emulator.cancelAsRegistrant(meeting.id, alan.id));

  const inWebinar = (registrantId: string, state: string, cancelledBy = '') => ({
    zoomEvent: webinar,
    registrantId,
    state,
    cancelledBy,
  });
  cases = [
    inWebinar(ada.id, 'self_cancelled', 'registrant'),
    inWebinar(grace.id, 'admin_cancelled', 'admin'),
    inWebinar(hedy.id, 'needs_review'),
    inWebinar(rosalind.id, 'needs_review'),
    inWebinar(joan.id, 'approved'),
    inWebinar(mary.id, 'settling'),
    { zoomEvent: meeting, registrantId: alan.id, state: 'self_cancelled', cancelledBy: 'registrant' },
  ];

  // The plays done, in the workflows' own words (their `state` query): the settled ones settled, the cases that wait
  // for an operator waiting, Mary's lookup still being retried.
  const viewOf = (c: Case) => world.client.workflow.getHandle(idOf(c)).query(stateQuery);
  const done = (view: RegistrantView) =>
    view.registrant_id === mary.id ? view.settling : view.state === 'needs_review' || !view.settling;
  let views: RegistrantView[] = [];
  await eventually(
    async () => {
      views = await Promise.all(cases.map(viewOf));
      return views.every(done) ? true : undefined;
    },
    {
      what: 'the plays done',
      timeoutMs: 60_000,
      timedOut: () => new Error(`the plays did not end: ${views.map((v) => `${v.state} ${v.settling}`).join(', ')}`),
    },
  );
  // Then visible to the list the UI asks for (eventually consistent): each workflow listed with the search
  // attributes it holds itself. The browser then reads what is there, not a race.
  const described = (attributes: TypedSearchAttributes) =>
    `${attributes.get(searchAttributes.registrationState) ?? ''} ${attributes.get(searchAttributes.cancelledBy) ?? ''}`;
  const own = await Promise.all(
    cases.map(
      async (c) =>
        `${idOf(c)} ${described((await world.client.workflow.getHandle(idOf(c)).describe()).typedSearchAttributes)}`,
    ),
  );
  let listed: string[] = [];
  await eventually(
    async () => {
      listed = [];
      for await (const execution of world.client.workflow.list({ query: REGISTRANTS_QUERY })) {
        listed.push(`${execution.workflowId} ${described(execution.typedSearchAttributes)}`);
      }
      return JSON.stringify(listed.sort()) === JSON.stringify([...own].sort()) ? true : undefined;
    },
    {
      what: 'the list',
      timeoutMs: 60_000,
      intervalMs: 250,
      timedOut: () => new Error(`visibility lists ${listed.join('; ')}; the workflows hold ${own.join('; ')}`),
    },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
  await temporalServer?.stop();
  await codecServer?.stop();
});

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  return page;
}

test('the list of registrants shows the columns an operator uses: state, who cancelled, webinar or meeting', async () => {
  const page = await openPage();
  await page.goto(workflowListUrl(uiUrl, REGISTRANTS_QUERY));
  await workflowRow(page, registrantWorkflowId(webinar, ada.id)).waitFor();
  // Room for the domain's columns (as the README's picture shows them): the run id, the type (the filter says it),
  // the start and the end say little here.
  await configureColumns(page, {
    remove: ['Run ID', 'Type', 'End', 'Start'],
    add: ['RegistrationState', 'CancelledBy', 'ZoomWebinarId', 'ZoomMeetingId'],
  });

  for (const c of cases) {
    const byKind = { webinar: 'ZoomWebinarId', meeting: 'ZoomMeetingId' } as const;
    const columns: Record<string, string> = {
      'Workflow ID': idOf(c),
      Status: 'RUNNING',
      RegistrationState: c.state,
      CancelledBy: c.cancelledBy,
      [byKind[c.zoomEvent.kind]]: c.zoomEvent.id,
      [byKind[c.zoomEvent.kind === 'webinar' ? 'meeting' : 'webinar']]: '',
    };
    for (const [column, value] of Object.entries(columns)) {
      await readsText(await listCell(page, idOf(c), column), exactly(value));
    }
  }
  // A case's link is its page, the id's slashes encoded as the README's links are.
  const graceId = registrantWorkflowId(webinar, grace.id);
  const link = workflowRow(page, graceId).getByRole('link', { name: graceId });
  expect(await link.getAttribute('href')).toContain(`/workflows/zoom-registrant%2F${webinar.id}%2F${grace.id}`);
  await readsText(page.getByRole('heading', { level: 1 }), new RegExp(`^\\s*${cases.length}\\s+Workflows\\s*$`));

  await keepPicture('web-ui-registrants.png', page);
  await page.close();
});

test("a settled registrant's page: its summary, who cancelled, the evidence and what happens next", async () => {
  const page = await openPage();
  await page.goto(workflowUrl(uiUrl, registrantWorkflowId(webinar, grace.id)));
  await page.getByRole('tab', { name: /User Metadata/ }).click();

  const summary = userMetadata(page, 'summary').locator('body');
  await readsText(summary, `Zoom registrant ${grace.id} of webinar ${webinar.id}`);
  const current = userMetadata(page, 'current-details').locator('body');
  await readsText(current, 'State: admin_cancelled. Cancelled by an admin: they may not register again');
  await readsText(current, 'the lookup: Zoom shows them denied; no approval within FOLLOW_UP_WINDOW');
  await readsText(current, 'Nothing is being settled');
  await readsText(current, 'completes after 1 hour without one (DEDUP_WINDOW');

  // The evidence, as the `state` query answers it in the "Queries" tab (decoded through the codec server).
  await page.setViewportSize({ width: VIEWPORT.width, height: 1400 });
  await page.getByRole('tab', { name: /Queries/ }).click();
  // The query types are read from the worker: `state` is chosen once they have loaded.
  const queryType = page.getByLabel('Query Type');
  await eventually(async () => ((await queryType.inputValue()) === 'state' ? true : undefined), {
    what: 'the state query chosen in the Queries tab',
    timeoutMs: UI_TIMEOUT,
  });
  await page.getByRole('button', { name: 'Run Query' }).click();
  const answer = page.getByTestId('query-result');
  await readsText(answer, '"state": "admin_cancelled"');
  await readsText(answer, '"cancelled_by": "admin"');
  await readsText(answer, /"evidence": \{\s*"source": "webhook",\s*"lookup": "denied",\s*"operator": "admin"/);
  await page.close();
});

test('a needs_review case says what to do', async () => {
  const page = await openPage();
  await page.goto(workflowUrl(uiUrl, registrantWorkflowId(webinar, hedy.id)));
  await page.getByRole('tab', { name: /User Metadata/ }).click();

  await readsText(userMetadata(page, 'summary').locator('body'), `Zoom registrant ${hedy.id} of webinar ${webinar.id}`);
  const current = userMetadata(page, 'current-details').locator('body');
  await readsText(current, 'Needs review: Zoom does not know the webinar (deleted or expired).');
  await readsText(current, `npm run ops -- resolve ${webinar.id} ${hedy.id} admin`);
  await readsText(userMetadata(page, 'details').locator('body'), `npm run ops -- resolve ${webinar.id} ${hedy.id}`);

  await keepPicture('web-ui-needs-review.png', page);
  await page.close();
});

test('with PAYLOAD_CODEC_KEYS, the browser reads the email decoded; the raw history holds none', async () => {
  const graceEmail = 'grace@example.com';
  const workflowId = registrantWorkflowId(webinar, grace.id);

  // As the server stores it: a client with no codec, the history's own bytes.
  const connection = await Connection.connect({ address: temporalServer.address });
  try {
    const raw = new Client({ connection });
    const { history } = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history ?? {}).finish());
    expect(bytes.length).toBeGreaterThan(1000);
    for (const secret of [graceEmail, grace.first_name, grace.last_name]) expect(bytes.includes(secret)).toBe(false);
    const signalled = (history?.events ?? []).flatMap(
      (event) => event.workflowExecutionSignaledEventAttributes?.input?.payloads ?? [],
    );
    expect(signalled.length).toBeGreaterThan(0);
    for (const payload of signalled) {
      expect(Buffer.from(payload.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    }
  } finally {
    await connection.close();
  }

  // In the browser: the UI asks the codec server, says so (the glasses icon: "Codec Server succesfully converted
  // content"), and shows the signal's input in clear.
  const page = await openPage();
  const decodes: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${codecServer.url}/decode`)) decodes.push(request.method());
  });
  await page.goto(workflowUrl(uiUrl, workflowId));
  await page.getByRole('tab', { name: /Event History/ }).click();
  await page.getByRole('row').filter({ hasText: 'Workflow Execution Signaled' }).last().click();
  await readsText(page.locator('main'), `"email": "${graceEmail}"`);
  await page.getByTestId('data-encoder-status-success').waitFor();
  expect(decodes).toContain('POST');
  await page.close();
});

/** Rewrites one of the README's pictures when asked to; either way, taking it must work. */
async function keepPicture(name: string, page: Page): Promise<void> {
  const picture = await page.screenshot();
  expect(picture.length).toBeGreaterThan(10_000);
  if (process.env.SCREENSHOTS === 'write') writeFileSync(path.join(DOCS, name), picture);
}
