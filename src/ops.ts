// `npm run ops -- <command>`: what an operator does to registrant workflows, from a terminal. It talks to Temporal
// as the API does (src/registrants.ts), so it works wherever the gateway works, Web UI or not.
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { argumentProblem } from './zod-issue';
import { cancelledBySchema } from './app-callback';
import { loadConfigOrExit, temporalSchema } from './config';
import { listRegistrants, readRegistrant, type RegistrantRecord } from './registrants';
import { REGISTRATION_STATES, registrantWorkflowId } from './shared';
import { redriveCallbacksSignal, resolveSignal } from './workflows/messages';

const USAGE = `usage: npm run ops -- <command>

  needs-review <webinarId>                    registrants whose cancellation awaits an operator
  list <webinarId> <state>                    registrants in a state (${REGISTRATION_STATES.join(', ')})
  show <webinarId> <registrantId>             state, evidence, callbacks and API cancellations, as JSON
  resolve <webinarId> <registrantId> registrant|admin [--can-reregister true|false]
                                              settle a needs_review case; the app is then told registrant.cancelled
  redrive <webinarId> <registrantId>          send again the callbacks the app did not accept in time

Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE like the worker.`;

const webinarId = z.string().regex(/^\d{1,20}$/, 'webinarId must be Zoom digits');
const registrantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'registrantId must be a Zoom registrant id');
const commandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('needs-review'), args: z.tuple([webinarId]) }),
  z.object({
    command: z.literal('list'),
    args: z.tuple([
      webinarId,
      z.enum(REGISTRATION_STATES, { error: `state must be one of ${REGISTRATION_STATES.join(', ')}` }),
    ]),
  }),
  z.object({ command: z.literal('show'), args: z.tuple([webinarId, registrantId]) }),
  z.object({
    command: z.literal('resolve'),
    args: z.tuple([
      webinarId,
      registrantId,
      z.enum(cancelledBySchema.options, { error: 'who cancelled must be registrant or admin' }),
    ]),
    canReregister: z.enum(['true', 'false'], { error: '--can-reregister must be true or false' }).optional(),
  }),
  z.object({ command: z.literal('redrive'), args: z.tuple([webinarId, registrantId]) }),
]);
type Command = z.infer<typeof commandSchema>;

class UsageError extends Error {}
class OpsError extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);

function parseCommand(argv: string[]): Command {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'can-reregister': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) throw new UsageError('');
  const parsed = commandSchema.safeParse({ command, args, canReregister: values['can-reregister'] });
  if (parsed.success) return parsed.data;
  const known = commandSchema.options.map((o) => o.shape.command.value);
  if (!known.includes(command as (typeof known)[number])) throw new UsageError(`unknown command "${command}"`);
  throw new UsageError(argumentProblem(parsed.error, command));
}

/** Waits (up to 20 s) for the workflow to show `done`, so that the operator sees the effect of what they sent. */
async function waitFor(
  client: Client,
  w: string,
  r: string,
  done: (record: RegistrantRecord) => boolean,
): Promise<RegistrantRecord | null> {
  for (let i = 0; i < 80; i += 1) {
    const record = await readRegistrant(client, w, r);
    if (record && done(record)) return record;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

async function mustRead(client: Client, w: string, r: string): Promise<RegistrantRecord> {
  const record = await readRegistrant(client, w, r);
  if (!record) throw new OpsError(`no workflow ${registrantWorkflowId(w, r)}`);
  return record;
}

async function run(client: Client, cmd: Command): Promise<void> {
  switch (cmd.command) {
    case 'needs-review':
    case 'list': {
      const [w] = cmd.args;
      const state = cmd.command === 'list' ? cmd.args[1] : 'needs_review';
      let cursor: string | undefined;
      let count = 0;
      do {
        const page = await listRegistrants(client, { webinarId: w, state, pageSize: 100, cursor });
        for (const r of page.registrants) {
          say(
            `${r.registrant_id}\t${r.state ?? '-'}\t${r.cancelled_by ?? '-'}\t${r.workflow_status}\t${r.workflow_id}`,
          );
        }
        count += page.registrants.length;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      say(`${count} registrant(s) of webinar ${w} in state ${state}`);
      return;
    }
    case 'show': {
      const [w, r] = cmd.args;
      const record = await mustRead(client, w, r);
      say(JSON.stringify({ ...record.view, workflow: record.workflow }, null, 2));
      return;
    }
    case 'resolve': {
      const [w, r, cancelledBy] = cmd.args;
      const before = await mustRead(client, w, r);
      if (before.view.state !== 'needs_review') {
        throw new OpsError(
          `${registrantWorkflowId(w, r)} is ${before.view.state ?? 'without state'}, not needs_review`,
        );
      }
      await client.workflow.getHandle(before.workflow.id).signal(resolveSignal, {
        cancelled_by: cancelledBy,
        ...(cmd.canReregister ? { can_reregister: cmd.canReregister === 'true' } : {}),
      });
      const after = await waitFor(client, w, r, (rec) => rec.view.state !== 'needs_review');
      if (!after)
        throw new OpsError('the verdict was sent, but the workflow has not applied it yet (is a worker running?)');
      const told = after.view.callbacks.at(-1);
      say(`resolved: ${after.view.state} (cancelled_by ${after.view.cancelled_by})`);
      if (told?.type === 'registrant.cancelled') say(`the app was told registrant.cancelled (${told.webhook_id})`);
      return;
    }
    case 'redrive': {
      const [w, r] = cmd.args;
      const before = await mustRead(client, w, r);
      if (before.view.failed_callbacks.length === 0) throw new OpsError('no failed callback waits for a re-drive');
      await client.workflow.getHandle(before.workflow.id).signal(redriveCallbacksSignal);
      for (const f of before.view.failed_callbacks)
        say(`re-driving ${f.type} (${f.webhook_id}), last error: ${f.error}`);
      const after = await waitFor(client, w, r, (rec) =>
        before.view.failed_callbacks.every((f) => rec.view.callbacks.some((c) => c.webhook_id === f.webhook_id)),
      );
      if (!after) throw new OpsError('re-driven, but not delivered yet: see `show` for the latest error');
      say('delivered');
      return;
    }
  }
}

async function main(): Promise<void> {
  let cmd: Command;
  try {
    cmd = parseCommand(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    if (err.message) process.stderr.write(`ops: ${err.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfigOrExit(temporalSchema);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    await run(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), cmd);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ops: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
