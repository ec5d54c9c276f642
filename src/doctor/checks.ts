// `npm run doctor`: everything a deployment needs, checked with its real settings against the real services, each
// finding one line with what to do about it. It reads and signs, but writes nothing anywhere: no workflow is
// started, no registrant touched; the only messages it sends are a test callback to the app and a test alert.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { temporal } from '@temporalio/proto';
import axios from 'axios';
import nodemailer from 'nodemailer';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { signedCallbackHeaders } from '../app-callbacks/notifier';
import {
  ConfigError,
  gatewayConfigSchema,
  readSettings,
  temporalSchema,
  workerConfigSchema,
  type TemporalConfig,
  type WorkerConfig,
} from '../config';
import type { TestCallback } from '../domain/callbacks';
import { describeZoomEvent, type ZoomEvent, type ZoomEventKind } from '../domain/zoom-event';
import { errorMessage } from '../errors';
import { unreachableDetail } from '../http';
import { EmailTemplates } from '../notifications/email-templates';
import { connectClient, temporalTarget } from '../temporal/connection';
import { searchAttributes } from '../workflows/registrant/names';
import { ZoomApiError, ZoomClient } from '../zoom/client';
import { ZOOM_CODES } from '../zoom/rest';
import { allowedBy, classicScope, granularScope, WORKER_ZOOM_CALLS } from '../zoom/scopes';
import { urlValidationAnswer, zoomSignatureHeaders } from '../zoom/signature';

/** `ok` and `note` pass (a note says something worth knowing); `skip`: not configured, so nothing to check. */
export type Verdict = 'ok' | 'note' | 'skip' | 'FAIL';

export interface Finding {
  verdict: Verdict;
  /** What was checked: "Temporal", "Zoom scopes (meetings)", "webinar 81234567890". */
  subject: string;
  detail: string;
  /** What to do, for a FAIL or a note. */
  fix?: string;
}

export interface Examination {
  /** The settings, as the worker and the gateway read them: ./.env (or the --settings file) under the environment. */
  env: NodeJS.ProcessEnv;
  /** Webinars and meetings to read, beside those RECONCILE_WEBINARS and RECONCILE_MEETINGS name. */
  zoomEvents: ZoomEvent[];
  /** The kinds whose scopes the token must have. */
  kinds: readonly ZoomEventKind[];
  /** Where Zoom will send the webhooks (the gateway's /zoom/webhook), when known. */
  webhookUrl: string | null;
}

const finding = (verdict: Verdict, subject: string, detail: string, fix?: string): Finding => ({
  verdict,
  subject,
  detail,
  ...(fix === undefined ? {} : { fix }),
});

/** Every check, in the order a deployment depends on them; each finding as soon as it is known. */
export async function* examine({ env, zoomEvents, kinds, webhookUrl }: Examination): AsyncGenerator<Finding> {
  const worker = readSettings(workerConfigSchema, env);
  const gateway = readSettings(gatewayConfigSchema, env);
  const problems = [...new Set([...(worker.ok ? [] : worker.problems), ...(gateway.ok ? [] : gateway.problems)])];
  for (const problem of problems) {
    yield finding('FAIL', 'settings', problem, 'set it in .env (every variable is in .env.example) or the environment');
  }
  if (problems.length === 0) yield finding('ok', 'settings', "the worker's and the gateway's are all readable");

  const temporalSettings = readSettings(temporalSchema, env);
  if (temporalSettings.ok) yield* checkTemporal(temporalSettings.settings);
  else yield finding('skip', 'Temporal', 'its settings above cannot be read');

  if (worker.ok) {
    const zoom = new ZoomClient({
      apiBaseUrl: worker.settings.ZOOM_API_BASE_URL,
      tokenUrl: worker.settings.ZOOM_OAUTH_TOKEN_URL,
      accountId: worker.settings.ZOOM_ACCOUNT_ID,
      clientId: worker.settings.ZOOM_CLIENT_ID,
      clientSecret: worker.settings.ZOOM_CLIENT_SECRET,
    });
    const watched = [...worker.settings.RECONCILE_WEBINARS, ...worker.settings.RECONCILE_MEETINGS];
    yield* checkZoom(zoom, worker.settings, kinds, [...zoomEvents, ...watched]);
  } else {
    yield finding('skip', 'Zoom', "the worker's settings above cannot be read");
  }

  if (!webhookUrl) {
    yield finding(
      'skip',
      'webhook URL',
      'give --webhook-url https://<your host>/zoom/webhook to check what Zoom calls',
    );
  } else if (gateway.ok) {
    yield await checkWebhookUrl(webhookUrl, gateway.settings.ZOOM_WEBHOOK_SECRET_TOKEN);
  } else {
    yield finding('skip', 'webhook URL', 'ZOOM_WEBHOOK_SECRET_TOKEN cannot be read');
  }

  if (!worker.ok) return;
  const { APP_CALLBACK_URL, APP_CALLBACK_SECRET, SMTP_URL, OPS_ALERT_WEBHOOK_URL } = worker.settings;
  yield APP_CALLBACK_URL && APP_CALLBACK_SECRET
    ? await checkAppCallback(APP_CALLBACK_URL, APP_CALLBACK_SECRET)
    : finding('skip', 'app callbacks', 'APP_CALLBACK_URL is not set: outcomes are only logged');
  if (SMTP_URL) yield* checkEmail(SMTP_URL, worker.settings.NOTIFY_TEMPLATES_DIR ?? null);
  else yield finding('skip', 'emails', 'SMTP_URL is not set: no registrant is emailed');
  yield OPS_ALERT_WEBHOOK_URL
    ? await checkAlertHook(OPS_ALERT_WEBHOOK_URL)
    : finding(
        'skip',
        'operator alerts',
        'OPS_ALERT_WEBHOOK_URL is not set: cases wait in the Web UI and ops unannounced',
      );
}

const { INDEXED_VALUE_TYPE_KEYWORD } = temporal.api.enums.v1.IndexedValueType;
const GRPC_NOT_FOUND = 5;

async function* checkTemporal(settings: TemporalConfig): AsyncGenerator<Finding> {
  let target;
  try {
    target = temporalTarget(settings);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    yield finding('FAIL', 'Temporal', err.message);
    return;
  }
  const { address, namespace, security } = target;
  let connected;
  try {
    connected = await connectClient(settings);
  } catch (err) {
    yield finding('FAIL', 'Temporal', errorMessage(err));
    return;
  }
  const { connection } = connected;
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      const missing = (err as { code?: number }).code === GRPC_NOT_FOUND;
      yield finding(
        'FAIL',
        'Temporal',
        missing ? `${address} has no namespace ${namespace}` : `namespace ${namespace}: ${errorMessage(err)}`,
        missing
          ? `set TEMPORAL_NAMESPACE to one it has, or create it (temporal operator namespace create -n ${namespace})`
          : 'check TEMPORAL_NAMESPACE and the credentials',
      );
      return;
    }
    yield finding('ok', 'Temporal', `${address} (${security}), namespace ${namespace}`);

    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const keys = Object.values(searchAttributes);
    const wrong = keys.filter(({ name }) => customAttributes?.[name] !== INDEXED_VALUE_TYPE_KEYWORD);
    yield wrong.length === 0
      ? finding('ok', 'Temporal search attributes', `${keys.map((k) => k.name).join(', ')} (Keyword)`)
      : finding(
          'FAIL',
          'Temporal search attributes',
          `namespace ${namespace} lacks ${wrong.map((k) => `${k.name} (Keyword)`).join(', ')}: no registrant workflow can start`,
          `temporal operator search-attribute create -n ${namespace} ` +
            wrong.map((k) => `--name ${k.name} --type Keyword`).join(' ') +
            ' (on Temporal Cloud: the namespace page, or tcld)',
        );

    const taskQueue = settings.TEMPORAL_TASK_QUEUE;
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const count = pollers?.length ?? 0;
    yield count > 0
      ? finding('ok', 'Temporal workers', `${count} polling task queue ${taskQueue}`)
      : finding(
          'note',
          'Temporal workers',
          `none polls task queue ${taskQueue} yet: webhooks are taken, and wait for one`,
          'start the worker (npm run start:worker, or docker compose)',
        );
  } finally {
    await connection.close();
  }
}

const KIND_PLURAL: Record<ZoomEventKind, string> = { webinar: 'webinars', meeting: 'meetings' };

async function* checkZoom(
  zoom: ZoomClient,
  settings: WorkerConfig,
  kinds: readonly ZoomEventKind[],
  zoomEvents: ZoomEvent[],
): AsyncGenerator<Finding> {
  let scopes: string[] | null;
  try {
    scopes = await zoom.grantedScopes();
  } catch (err) {
    const refused = err instanceof ZoomApiError && err.kind === 'auth';
    yield finding(
      'FAIL',
      'Zoom OAuth',
      refused
        ? `${settings.ZOOM_OAUTH_TOKEN_URL} refused the app's credentials: ${err.message}`
        : `no token from ${settings.ZOOM_OAUTH_TOKEN_URL}: ${errorMessage(err)}`,
      refused
        ? "copy Account ID, Client ID and Client Secret from the app's App Credentials into ZOOM_ACCOUNT_ID, " +
            'ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, and activate the app'
        : 'check ZOOM_OAUTH_TOKEN_URL and that this machine reaches it',
    );
    return;
  }
  yield finding('ok', 'Zoom OAuth', `a token for account ${settings.ZOOM_ACCOUNT_ID}`);

  if (scopes === null) {
    yield finding(
      'note',
      'Zoom scopes',
      "Zoom's token answer names no scopes: the reads below try the read scopes; the write scopes cannot be tried without writing",
    );
  } else {
    const granted = new Set(scopes);
    for (const kind of kinds) {
      const refused = WORKER_ZOOM_CALLS.filter((call) => !allowedBy(granted, kind, call));
      const subject = `Zoom scopes (${KIND_PLURAL[kind]})`;
      if (refused.length === 0) {
        yield finding('ok', subject, `every call the worker makes is allowed (${WORKER_ZOOM_CALLS.length})`);
        continue;
      }
      const calls = refused.map(
        (call) =>
          `${call.route.replace('/:eventId', `/${kind}s/{id}`).replace(':registrantId', '{registrantId}')} (${call.purpose})`,
      );
      yield finding(
        'FAIL',
        subject,
        `the token lacks ${refused.map((call) => granularScope(kind, call)).join(', ')}: Zoom would refuse ${calls.join('; ')}`,
        `add them on the app's Scopes page (or the classic ${[...new Set(refused.map((call) => classicScope(kind, call)))].join(' and ')}), then run the doctor again`,
      );
    }
  }

  for (const zoomEvent of zoomEvents) yield await checkZoomEvent(zoom, zoomEvent);
  if (zoomEvents.length === 0) {
    yield finding('skip', 'Zoom event', 'give --event <webinarId> or --event meeting:<meetingId> to read one');
  }
}

async function checkZoomEvent(zoom: ZoomClient, zoomEvent: ZoomEvent): Promise<Finding> {
  const subject = describeZoomEvent(zoomEvent);
  try {
    const read = await zoom.getZoomEvent(zoomEvent);
    if (!read.found) {
      return finding(
        'FAIL',
        subject,
        `Zoom does not know it (HTTP ${read.status}${read.code === null ? '' : `, code ${read.code}`}: ${read.message})`,
        `check the id, its kind (meeting:<id> for a meeting) and that it is this account's (ZOOM_ACCOUNT_ID)`,
      );
    }
    const listing = await zoom.listRegistrants(zoomEvent, {
      status: 'approved',
      pageSize: 1,
      pageToken: null,
      occurrenceId: null,
    });
    if (!listing.found) return finding('FAIL', subject, `Zoom lists no registrants of it: ${listing.message}`);
    const registration = read.scope === 'whole' ? 'one registration for all of it' : 'registration per occurrence';
    return finding('ok', subject, `"${read.topic ?? 'untitled'}": readable, ${registration}; its registrants listed`);
  } catch (err) {
    const missingScope = err instanceof ZoomApiError && err.code === ZOOM_CODES.missingScope;
    return finding(
      'FAIL',
      subject,
      errorMessage(err),
      missingScope ? "add the scope Zoom names on the app's Scopes page" : 'check ZOOM_API_BASE_URL and the network',
    );
  }
}

const validationAnswerSchema = z.object({ plainToken: z.string(), encryptedToken: z.string() });

/** What Zoom does when an endpoint is saved (and every 72 hours): a signed challenge, answered with the secret. */
async function checkWebhookUrl(url: string, secret: string): Promise<Finding> {
  const subject = 'webhook URL';
  const plainToken = randomBytes(16).toString('base64url');
  const rawBody = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken }, event_ts: Date.now() });
  let response;
  try {
    response = await axios.post(url, rawBody, {
      headers: { 'content-type': 'application/json; charset=utf-8', ...zoomSignatureHeaders(secret, rawBody) },
      // Zoom's own patience (zoom-platform.md 4).
      timeout: 3_000,
      validateStatus: () => true,
      transformRequest: (data: unknown) => data,
    });
  } catch (err) {
    return finding(
      'FAIL',
      subject,
      `${url} cannot be reached: ${unreachableDetail(err)}`,
      'start the gateway there, and check the URL (its path is /zoom/webhook)',
    );
  }
  if (response.status === 401) {
    return finding(
      'FAIL',
      subject,
      `${url} refused the signature (HTTP 401): the gateway there has another ZOOM_WEBHOOK_SECRET_TOKEN`,
      "give it, and these settings, the Secret Token of the app's Event Subscriptions",
    );
  }
  const answer = validationAnswerSchema.safeParse(response.data);
  if (response.status !== 200 || !answer.success) {
    return finding(
      'FAIL',
      subject,
      `${url} answered HTTP ${response.status} without the challenge's answer: Zoom would not validate it`,
      "point it at the gateway's /zoom/webhook",
    );
  }
  if (answer.data.encryptedToken !== urlValidationAnswer(secret, plainToken).encryptedToken) {
    return finding(
      'FAIL',
      subject,
      `${url} answered the challenge with another secret: Zoom would not validate it`,
      "give the gateway the Secret Token of the app's Event Subscriptions",
    );
  }
  return new URL(url).protocol === 'https:'
    ? finding('ok', subject, `${url} answers Zoom's URL validation with this Secret Token`)
    : finding(
        'note',
        subject,
        `${url} answers Zoom's URL validation with this Secret Token, but over http: Zoom calls only https URLs`,
        'give Zoom a tunnel or an HTTPS proxy in front of it',
      );
}

async function checkAppCallback(url: string, secret: string): Promise<Finding> {
  const subject = 'app callbacks';
  const callback: TestCallback = {
    type: 'test',
    timestamp: new Date().toISOString(),
    data: { message: 'npm run doctor checks that the app takes signed callbacks; nothing to do' },
  };
  const body = JSON.stringify(callback);
  const webhookId = `zr_doctor_${randomBytes(8).toString('hex')}`;
  try {
    const { status } = await axios.post(url, body, {
      headers: signedCallbackHeaders(new Webhook(secret), webhookId, new Date(), body),
      timeout: 10_000,
      validateStatus: () => true,
    });
    if (status >= 200 && status < 300) return finding('ok', subject, `${url} took a signed test callback (${status})`);
    return finding(
      'FAIL',
      subject,
      `${url} answered a signed test callback HTTP ${status}`,
      status === 401 || status === 403
        ? "the app must verify with APP_CALLBACK_SECRET's key (Standard Webhooks)"
        : 'the app must answer 2xx to every signed callback, a type it does not act on (test) included',
    );
  } catch (err) {
    return finding('FAIL', subject, `${url} cannot be reached: ${unreachableDetail(err)}`, 'check APP_CALLBACK_URL');
  }
}

async function* checkEmail(smtpUrl: string, templatesDir: string | null): AsyncGenerator<Finding> {
  try {
    EmailTemplates.load(templatesDir);
    yield finding('ok', 'email templates', templatesDir ? `${templatesDir} over the defaults` : 'the defaults');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    yield finding('FAIL', 'email templates', err.message, 'fix the template (NOTIFY_TEMPLATES_DIR)');
  }
  // The server only: the URL carries the password.
  const { host, port, protocol, username } = new URL(smtpUrl);
  const server = `${protocol}//${host}${port ? '' : ` (port ${protocol === 'smtps:' ? 465 : 587})`}`;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 10_000,
  });
  try {
    await transport.verify();
    const taken = username ? 'a connection and the credentials' : 'a connection (no credentials given)';
    yield finding('ok', 'SMTP', `${server} takes ${taken}`);
  } catch (err) {
    yield finding('FAIL', 'SMTP', `${server}: ${errorMessage(err)}`, 'check SMTP_URL (smtp://user:pass@host:port)');
  } finally {
    transport.close();
  }
}

async function checkAlertHook(url: string): Promise<Finding> {
  const subject = 'operator alerts';
  const text = `A test alert from npm run doctor on ${hostname()}: the alerts reach this channel. Nothing to do.`;
  try {
    const { status } = await axios.post(url, { text }, { timeout: 10_000, validateStatus: () => true });
    return status >= 200 && status < 300
      ? finding('ok', subject, `the hook took a test alert (${status}): look for it in the channel`)
      : finding('FAIL', subject, `the hook answered a test alert HTTP ${status}`, 'check OPS_ALERT_WEBHOOK_URL');
  } catch (err) {
    return finding(
      'FAIL',
      subject,
      `the hook cannot be reached: ${unreachableDetail(err)}`,
      'check OPS_ALERT_WEBHOOK_URL',
    );
  }
}
