// `npm run capture -- <dir> [--self-cancelled <registrantId>]`: what a capture from a real Zoom account
// (ZOOM_CAPTURE_DIR, src/zoom/capture.ts) settles of the open questions (docs/zoom-unconfirmed.md), and the emulator
// settings that replay it: written to <dir>/profile.json, which `npm run sandbox` starts with (SANDBOX_PROFILE).
// Which registrant cancelled themselves only the person who did it knows: they say so with --self-cancelled.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CaptureRecord, CapturedWebhook, CapturedZoomAnswer } from '../../src/zoom/capture';
import type { SettingsPatch } from './settings';

export interface CaptureFindings {
  /** The settings that make the emulator act as the captured account did. */
  settings: SettingsPatch;
  /** What was seen, in words; and what the capture could not settle. */
  seen: string[];
  unsettled: string[];
}

/** Every record of a capture folder, in time order. */
export async function readCapture(dir: string): Promise<CaptureRecord[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
  const lines = await Promise.all(
    files.map(async (file) => (await readFile(path.join(dir, file), 'utf8')).split('\n')),
  );
  return lines
    .flat()
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as CaptureRecord)
    .sort((a, b) => a.at.localeCompare(b.at));
}

interface RegistrationBody {
  event?: string;
  payload?: { operator?: string; operator_id?: string; object?: { registrant?: { id?: string; email?: string } } };
}

const bodyOf = (r: CapturedWebhook) => (r.body ?? {}) as RegistrationBody;
const registrantOf = (r: CapturedWebhook) => bodyOf(r).payload?.object?.registrant?.id;
const ok = (status: number) => status >= 200 && status < 300;

/** The GET of one registrant, `/webinars/{id}/registrants/{registrantId}` (or a meeting's). */
const lookupOf = (r: CaptureRecord, registrantId: string): r is CapturedZoomAnswer =>
  r.kind === 'zoom_answer' && r.method === 'GET' && r.path.endsWith(`/registrants/${encodeURIComponent(registrantId)}`);

/** The registrants one of our writes changed: DELETE names its one in the path, PUT status them in its body. */
function writtenTo(r: CapturedZoomAnswer): string[] {
  if (!ok(r.status)) return [];
  const deleted = r.method === 'DELETE' ? /\/registrants\/([^/]+)$/.exec(r.path)?.[1] : undefined;
  if (deleted) return [decodeURIComponent(deleted)];
  if (r.method !== 'PUT' || !r.path.endsWith('/registrants/status')) return [];
  const sent = (r.request ?? {}) as { registrants?: { id?: string }[] };
  return (sent.registrants ?? []).flatMap(({ id }) => (id ? [id] : []));
}

// Zoom's webhook-delays article speaks of seconds; a quarter of an hour without one is taken as none coming.
const ECHO_WAIT_MS = 15 * 60_000;
// An echo may overtake our write's 204; so may the webhook that prompted the write (a self-cancel, then our DELETE).
const IN_FLIGHT_MS = 10_000;

export function findings(records: CaptureRecord[], selfCancelled: string | null): CaptureFindings {
  const found: CaptureFindings = { settings: {}, seen: [], unsettled: [] };
  // Only what Zoom signed is Zoom's: a forged request, or a wrong secret, says nothing about it.
  const forged = records.filter((r) => r.kind === 'webhook' && !r.signature_valid).length;
  if (forged) found.seen.push(`${forged} webhook(s) failed the signature check and are left out`);
  const signed = records.filter((r) => r.kind !== 'webhook' || r.signature_valid);
  const webhooks = signed.filter((r): r is CapturedWebhook => r.kind === 'webhook');

  timestampUnit(webhooks, found);
  retries(webhooks, found);
  echoes(signed, found);
  selfCancel(signed, selfCancelled, found);
  return found;
}

function timestampUnit(webhooks: CapturedWebhook[], { seen, unsettled }: CaptureFindings): void {
  const stamp = Number(webhooks[0]?.headers['x-zm-request-timestamp']);
  if (Number.isFinite(stamp)) seen.push(`x-zm-request-timestamp is in ${stamp > 1e12 ? 'milliseconds' : 'seconds'}`);
  else unsettled.push('the unit of x-zm-request-timestamp (no signed webhook carried one)');
}

/** A delivery Zoom retried: the same body again after an answer other than 2xx (after a 2xx it is a duplicate). */
function retries(webhooks: CapturedWebhook[], { settings, seen, unsettled }: CaptureFindings): void {
  const lastCopy = new Map<string, CapturedWebhook>();
  let retry: { failed: CapturedWebhook; again: CapturedWebhook } | undefined;
  for (const r of webhooks) {
    const key = JSON.stringify(r.body);
    const before = lastCopy.get(key);
    if (before && !ok(before.status)) retry ??= { failed: before, again: r };
    lastCopy.set(key, r);
  }
  if (!retry) {
    unsettled.push('whether retries keep the first timestamp and x-zm-trackingid (no delivery was retried)');
    return;
  }
  const same = (header: string) => retry.failed.headers[header] === retry.again.headers[header];
  settings.retryTimestamp = same('x-zm-request-timestamp') ? 'first' : 'fresh';
  seen.push(
    `a retried delivery carried ${same('x-zm-request-timestamp') ? "the first attempt's" : 'a fresh'} timestamp`,
  );
  if (!retry.failed.headers['x-zm-trackingid']) {
    unsettled.push('whether a retry keeps x-zm-trackingid (none was sent)');
  } else {
    const kept = same('x-zm-trackingid') ? "the first attempt's" : 'a new';
    seen.push(`a retried delivery carried ${kept} x-zm-trackingid (the emulator sends a new one)`);
  }
}

/** Whether Zoom sends a webhook for what our own API writes changed (`webhookOnApiWrites`). */
function echoes(records: CaptureRecord[], { settings, seen, unsettled }: CaptureFindings): void {
  const writes = records.flatMap((r) =>
    r.kind === 'zoom_answer' ? writtenTo(r).map((id) => ({ id, at: Date.parse(r.at) })) : [],
  );
  if (writes.length === 0) {
    unsettled.push('whether our API writes echo a webhook (no write of ours succeeded)');
    return;
  }
  // A retry of an earlier event is no echo: each body counts where it first arrived.
  const firstArrivals = new Map<string, CapturedWebhook>();
  for (const r of records) {
    if (r.kind === 'webhook' && !firstArrivals.has(JSON.stringify(r.body)))
      firstArrivals.set(JSON.stringify(r.body), r);
  }
  const arrivals = (id: string) =>
    [...firstArrivals.values()].filter((r) => registrantOf(r) === id).map((r) => Date.parse(r.at));

  const echoed = writes.find((w) => arrivals(w.id).some((at) => at >= w.at));
  if (echoed) {
    settings.webhookOnApiWrites = true;
    seen.push(`a webhook for registrant ${echoed.id} followed our write to it`);
    return;
  }
  const clear = writes.filter((w) => !arrivals(w.id).some((at) => at >= w.at - IN_FLIGHT_MS));
  const end = Math.max(...records.map((r) => Date.parse(r.at)));
  const waited = clear.filter((w) => end - w.at >= ECHO_WAIT_MS);
  if (waited.length > 0) {
    settings.webhookOnApiWrites = false;
    seen.push(`no webhook followed our ${waited.length} write(s) in the ${ECHO_WAIT_MS / 60_000} minutes after`);
  } else if (clear.length < writes.length) {
    unsettled.push(
      "whether our API writes echo a webhook (the registrant's webhook came while our write was in flight: an echo, or what prompted it)",
    );
  } else {
    unsettled.push(
      `whether our API writes echo a webhook (the capture ends within ${ECHO_WAIT_MS / 60_000} minutes of our write)`,
    );
  }
}

/** What the registrant who cancelled themselves (only they know who) showed of the webhook and of GET after it. */
function selfCancel(records: CaptureRecord[], selfCancelled: string | null, found: CaptureFindings): void {
  const { settings, seen, unsettled } = found;
  if (!selfCancelled) {
    unsettled.push('the self-cancel: say which registrant cancelled themselves (--self-cancelled <registrantId>)');
    return;
  }
  const cancellation = records.find(
    (r): r is CapturedWebhook =>
      r.kind === 'webhook' &&
      registrantOf(r) === selfCancelled &&
      /\.registration_cancelled$/.test(String(bodyOf(r).event)),
  );
  if (!cancellation) {
    unsettled.push(`the self-cancel: no cancellation webhook for registrant ${selfCancelled}`);
    return;
  }

  const { operator, operator_id: operatorId, object } = bodyOf(cancellation).payload ?? {};
  settings.selfCancelOperator =
    !operator && !operatorId ? 'absent' : operator && operator === object?.registrant?.email ? 'registrant' : 'host';
  seen.push(
    `the self-cancel's webhook names ${
      { absent: 'no operator', registrant: "the registrant's own email as operator", host: 'someone else as operator' }[
        settings.selfCancelOperator
      ]
    }${operatorId ? ', with an operator_id' : ', without operator_id'}`,
  );

  // Zoom's own answer to the self-cancel: before any write of ours (a DELETE would make any record gone), past
  // Zoom's busy answers, and past a GET that does not show the cancel yet (Zoom is eventually consistent).
  const ourWrite = records.find(
    (r) => r.at >= cancellation.at && r.kind === 'zoom_answer' && writtenTo(r).includes(selfCancelled),
  );
  const lookups = records.filter(
    (r): r is CapturedZoomAnswer =>
      r.at >= cancellation.at && (!ourWrite || r.at < ourWrite.at) && lookupOf(r, selfCancelled),
  );
  const answer = lookups.find(
    (r) =>
      r.status !== 429 && r.status < 500 && (r.status !== 200 || (r.body as { status?: string }).status === 'denied'),
  );
  if (!answer) {
    const still = lookups.find((r) => r.status === 200)?.body as { status?: unknown } | undefined;
    unsettled.push(
      `what GET answers for a self-cancelled registrant (${
        still ? `it still answered status ${String(still.status)}` : "the worker's lookup was not captured"
      })`,
    );
    return;
  }
  const body = (answer.body ?? {}) as { code?: number };
  if (answer.status === 200) {
    settings.selfCancelMode = 'deny';
    seen.push('GET answered 200 with status denied after the self-cancel');
    return;
  }
  settings.selfCancelMode = 'remove';
  seen.push(
    `GET answered ${answer.status}${body.code === undefined ? '' : ` code ${body.code}`} after the self-cancel`,
  );
  const known = { 3000: 'registrant_not_found', 3001: 'webinar_not_found' } as const;
  const mapped = body.code === undefined ? 'bare_404' : known[body.code as keyof typeof known];
  if (mapped && answer.status === 404) settings.removedRegistrantAnswer = mapped;
  else unsettled.push(`an answer no emulator switch plays yet: ${answer.status} ${JSON.stringify(answer.body)}`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'self-cancelled': { type: 'string' } },
  });
  const [dir] = positionals;
  if (!dir) {
    process.stderr.write('usage: npm run capture -- <capture dir> [--self-cancelled <registrantId>]\n');
    process.exit(2);
  }
  const result = findings(await readCapture(dir), values['self-cancelled'] ?? null);
  for (const line of result.seen) process.stdout.write(`seen: ${line}\n`);
  for (const line of result.unsettled) process.stdout.write(`not settled: ${line}\n`);
  const profile = path.join(dir, 'profile.json');
  await writeFile(profile, `${JSON.stringify(result.settings, null, 2)}\n`);
  process.stdout.write(`emulator settings written to ${profile}: SANDBOX_PROFILE=${profile} npm run sandbox\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`capture: ${String(err)}\n`);
    process.exit(1);
  });
}
