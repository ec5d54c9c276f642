// `npm run doctor`: checks a deployment's settings against the real Temporal, Zoom, app, mail server and alert
// hook, one line per finding, and exits 0 only when nothing failed (src/doctor/checks.ts).
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';
import { z } from 'zod';
import { zoomEventArgSchema } from '../domain/ids';
import { ZOOM_EVENT_KINDS } from '../domain/zoom-event';
import { examine, type Finding } from '../doctor/checks';
import { describeProblem, errorMessage } from '../errors';

const USAGE = `usage: npm run doctor -- [--event <webinarId>|meeting:<meetingId>]... [--webhook-url <url>]
                          [--kind webinar|meeting]... [--settings <file>]

Checks what a deployment needs, with the worker's and the gateway's settings (./.env, or the --settings
file, under the environment): the settings themselves; Temporal (reachable, the namespace, the search attributes, a worker
polling); Zoom (a token, its scopes against the calls the worker makes, each --event and every RECONCILE_WEBINARS
and RECONCILE_MEETINGS id readable with its registrants); the gateway at --webhook-url answering Zoom's URL
validation with ZOOM_WEBHOOK_SECRET_TOKEN; APP_CALLBACK_URL taking a signed test callback; SMTP_URL; and
OPS_ALERT_WEBHOOK_URL taking a test alert. It writes nothing. Exit code 0 when nothing failed, 1 otherwise.

  --event <id>         a webinar (digits) or meeting:<id> to read; repeat for more
  --webhook-url <url>  where Zoom sends the events: https://<your host>/zoom/webhook
  --kind <kind>        check only this kind's scopes (webinar or meeting); both by default
  --settings <file>    read the settings from this file instead of ./.env`;

const argsSchema = z.object({
  event: z.array(zoomEventArgSchema).default([]),
  'webhook-url': z.url({ error: 'must be an http(s) URL' }).optional(),
  kind: z
    .array(z.enum(ZOOM_EVENT_KINDS, { error: 'must be webinar or meeting' }))
    .default([])
    .transform((kinds) => (kinds.length > 0 ? kinds : [...ZOOM_EVENT_KINDS])),
  settings: z
    .string()
    .refine((file) => existsSync(file), 'names a file that does not exist')
    .optional(),
  help: z.boolean().optional(),
});

const MARK: Record<Finding['verdict'], string> = { ok: 'ok  ', note: 'note', skip: 'skip', FAIL: 'FAIL' };

async function main(): Promise<number> {
  let args: z.output<typeof argsSchema>;
  try {
    const { values } = parseArgs({
      options: {
        event: { type: 'string', multiple: true },
        'webhook-url': { type: 'string' },
        kind: { type: 'string', multiple: true },
        settings: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const parsed = argsSchema.safeParse(values);
    const issue = parsed.error?.issues[0];
    if (issue) throw new Error(describeProblem('', [`--${String(issue.path[0])}`], issue.message));
    args = argsSchema.parse(values);
  } catch (err) {
    process.stderr.write(`doctor: ${errorMessage(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // As every process reads its settings (src/bin/dot-env.ts): what is exported wins over the file.
  const file = args.settings ?? '.env';
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  process.stdout.write(`doctor: the settings of ${existsSync(file) ? file : 'the environment'} (exported ones win)\n`);

  let failed = 0;
  let checked = 0;
  for await (const { verdict, subject, detail, fix } of examine({
    env: { ...fromFile, ...process.env },
    zoomEvents: args.event,
    kinds: args.kind,
    webhookUrl: args['webhook-url'] ?? null,
  })) {
    if (verdict === 'FAIL') failed++;
    if (verdict !== 'skip') checked++;
    process.stdout.write(`${MARK[verdict]}  ${subject}: ${detail}${fix ? `. Fix: ${fix}` : ''}\n`);
  }
  process.stdout.write(
    failed === 0 ? `doctor: all ${checked} checks passed\n` : `doctor: ${failed} of ${checked} checks failed\n`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`doctor: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
