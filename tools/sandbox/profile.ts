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

interface CancelledBody {
  event: string;
  payload?: { operator?: string; operator_id?: string; object?: { registrant?: { id?: string; email?: string } } };
}

const isCancellation = (r: CaptureRecord): r is CapturedWebhook & { body: CancelledBody } =>
  r.kind === 'webhook' && /\.registration_cancelled$/.test(String((r.body as CancelledBody | null)?.event));

/** The GET of one registrant, `/webinars/{id}/registrants/{registrantId}` (or a meeting's). */
const lookupOf = (r: CaptureRecord, registrantId: string): r is CapturedZoomAnswer =>
  r.kind === 'zoom_answer' && r.method === 'GET' && r.path.endsWith(`/registrants/${encodeURIComponent(registrantId)}`);

export function findings(records: CaptureRecord[], selfCancelled: string | null): CaptureFindings {
  const settings: SettingsPatch = {};
  const seen: string[] = [];
  const unsettled: string[] = [];

  // A delivery Zoom retried: the same body again. Its timestamp says whether retries are signed afresh.
  const byBody = new Map<string, CapturedWebhook[]>();
  for (const r of records) {
    if (r.kind !== 'webhook') continue;
    const key = JSON.stringify(r.body);
    byBody.set(key, [...(byBody.get(key) ?? []), r]);
  }
  const retried = [...byBody.values()].find((copies) => copies.length > 1);
  if (retried) {
    const stamps = new Set(retried.map((r) => r.headers['x-zm-request-timestamp']));
    settings.retryTimestamp = stamps.size === 1 ? 'first' : 'fresh';
    seen.push(`a retried delivery carried ${stamps.size === 1 ? "the first attempt's" : 'a fresh'} timestamp`);
  } else {
    unsettled.push('whether retries keep the first timestamp (no delivery was retried)');
  }

  const cancellation = records.find(
    (r) => isCancellation(r) && r.body.payload?.object?.registrant?.id === selfCancelled,
  );
  if (!selfCancelled || !cancellation || !isCancellation(cancellation)) {
    unsettled.push(
      selfCancelled
        ? `the self-cancel: no cancellation webhook for registrant ${selfCancelled}`
        : 'the self-cancel: say which registrant cancelled themselves (--self-cancelled <registrantId>)',
    );
    return { settings, seen, unsettled };
  }

  const { operator, operator_id: operatorId } = cancellation.body.payload ?? {};
  const email = cancellation.body.payload?.object?.registrant?.email;
  settings.selfCancelOperator = !operator && !operatorId ? 'absent' : operator === email ? 'registrant' : 'host';
  seen.push(
    `the self-cancel's webhook names ${
      { absent: 'no operator', registrant: "the registrant's own email as operator", host: 'someone else as operator' }[
        settings.selfCancelOperator
      ]
    }${operatorId ? ', with an operator_id' : ', without operator_id'}`,
  );

  const after = records.filter((r) => r.at >= cancellation.at && lookupOf(r, selfCancelled));
  const answer = after.find((r) => r.status !== 429 && r.status < 500);
  if (!answer || answer.kind !== 'zoom_answer') {
    unsettled.push("what GET answers for a self-cancelled registrant (the worker's lookup was not captured)");
    return { settings, seen, unsettled };
  }
  const body = (answer.body ?? {}) as { status?: string; code?: number; message?: string };
  if (answer.status === 200) {
    settings.selfCancelMode = body.status === 'denied' ? 'deny' : 'remove';
    seen.push(`GET answered 200 with status ${String(body.status)} after the self-cancel`);
    if (body.status !== 'denied') unsettled.push(`a self-cancelled registrant still "${String(body.status)}"`);
  } else {
    settings.selfCancelMode = 'remove';
    const known = { 3000: 'registrant_not_found', 3001: 'webinar_not_found' } as const;
    const mapped = body.code === undefined ? 'bare_404' : known[body.code as keyof typeof known];
    seen.push(
      `GET answered ${answer.status}${body.code === undefined ? '' : ` code ${body.code}`} after the self-cancel`,
    );
    if (mapped && answer.status === 404) settings.removedRegistrantAnswer = mapped;
    else unsettled.push(`an answer no emulator switch plays yet: ${answer.status} ${JSON.stringify(body)}`);
  }
  return { settings, seen, unsettled };
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
