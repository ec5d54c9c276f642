// `npm run ops -- <command>`: what an operator does to registrant workflows, from a terminal. It talks to Temporal
// as the API does (src/temporal/registrant-reads.ts), so it works wherever the gateway works, Web UI or not.
import './dot-env';
import { parseArgs } from 'node:util';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import { z } from 'zod';
import { loadConfigOrExit, reconcileScheduleSchema, type ReconcileScheduleConfig } from '../config';
import { REGISTRANT_ID_PATTERN, zoomEventArgSchema as zoomEvent } from '../domain/ids';
import { describeZoomEvent, type ZoomEvent } from '../domain/zoom-event';
import { CANCELLED_BY, LISTED_STATES } from '../domain/registration';
import { argumentProblem, errorMessage } from '../errors';
import { listRegistrants, readRegistrant, type RegistrantRecord } from '../temporal/registrant-reads';
import { connectClient } from '../temporal/connection';
import { withoutKeysHint } from '../temporal/payload-codec';
import { redriveCallbacksUpdate, resolveUpdate } from '../workflows/registrant/messages';
import { registrantWorkflowId } from '../workflows/registrant/names';
import { PATCHES } from '../workflows/registrant/patches';
import { patchStandings } from '../temporal/workflow-patches';
import { ingestRegistrationEvent } from '../temporal/registrant-signals';
import { openUnreadableEvents, readUnreadableEvent, settleUnreadableEvent } from '../temporal/unreadable-events';
import { readRegistrationEvent } from '../zoom/webhook';
import { describeDuration } from '../workflows/registrant/details';
import { summariseFindings } from '../workflows/reconciliation/details';
import { reconciliationScheduleId } from '../workflows/reconciliation/messages';
import {
  describeReconciliationSchedule,
  ensureReconciliationSchedule,
  sweepNow,
  type ScheduleState,
} from '../temporal/reconciliation-schedule';

const USAGE = `usage: npm run ops -- <command>

  help, --help, -h                            this usage
  needs-review <webinarId>                    registrants whose cancellation awaits an operator
  list <webinarId> <state>                    registrants in a state (${LISTED_STATES.join(', ')})
  show <webinarId> <registrantId>             state, evidence, callbacks and API cancellations, as JSON
  resolve <webinarId> <registrantId> registrant|admin [--can-reregister true|false]
                                              settle a needs_review case; the app is then told registrant.cancelled
  redrive <webinarId> <registrantId>          send again the callbacks the app did not accept in time
  reconcile <webinarId>                       sweep one webinar now: Zoom's listings against our registrants
  patches                                     each change open runs may replay (the patch registry), and
                                              whether runs older than it are still open
  unreadable [list]                           signed Zoom events the gateway could not read, kept for an operator
  unreadable show <workflowId>                one of them: its body and why it could not be read
  unreadable ingest <workflowId>              read it again (once a fix reads it) and hand it to its registrant
  unreadable dismiss <workflowId> --note "why"
                                              set it aside, saying why
  schedule [show|pause|resume]                the sweep's schedule: create or update it from this shell's
                                              RECONCILE_INTERVAL (as every worker does at start; unset, only
                                              shown), show it, pause it (it stays paused whatever the workers'
                                              RECONCILE_INTERVAL), or resume it

A meeting goes where a webinarId does, as meeting:<meetingId> (e.g. needs-review meeting:85746065000).

Reaches Temporal like the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*,
TEMPORAL_PROFILE); reads TEMPORAL_TASK_QUEUE and RECONCILE_INTERVAL like it too.`;

// Named in the message, since a command line has no field names to point at.
const registrantId = z.string().regex(REGISTRANT_ID_PATTERN, 'registrantId must be a Zoom registrant id');
const unreadableEventId = z
  .string()
  .regex(/^zoom-unreadable-event\/[0-9a-f]{32}$/, 'the workflow id must be zoom-unreadable-event/ and 32 hex digits');
const commandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('needs-review'), args: z.tuple([zoomEvent]) }),
  z.object({
    command: z.literal('list'),
    args: z.tuple([zoomEvent, z.enum(LISTED_STATES, { error: `state must be one of ${LISTED_STATES.join(', ')}` })]),
  }),
  z.object({ command: z.literal('show'), args: z.tuple([zoomEvent, registrantId]) }),
  z.object({
    command: z.literal('resolve'),
    args: z.tuple([
      zoomEvent,
      registrantId,
      z.enum(CANCELLED_BY, { error: 'who cancelled must be registrant or admin' }),
    ]),
    canReregister: z.enum(['true', 'false'], { error: '--can-reregister must be true or false' }).optional(),
  }),
  z.object({ command: z.literal('redrive'), args: z.tuple([zoomEvent, registrantId]) }),
  z.object({ command: z.literal('reconcile'), args: z.tuple([zoomEvent]) }),
  z.object({ command: z.literal('patches'), args: z.tuple([]) }),
  z
    .object({
      command: z.literal('unreadable'),
      args: z.union(
        [z.tuple([z.literal('list').optional()]), z.tuple([z.enum(['show', 'ingest', 'dismiss']), unreadableEventId])],
        { error: 'unreadable takes list, or show|ingest|dismiss and a workflow id (zoom-unreadable-event/…)' },
      ),
      note: z.string().trim().min(1, '--note must say why').optional(),
    })
    .refine((c) => c.args[0] !== 'dismiss' || c.note, { error: 'dismiss needs --note "why"' }),
  z.object({
    command: z.literal('schedule'),
    args: z.tuple([z.enum(['show', 'pause', 'resume'], { error: 'schedule takes show, pause or resume' }).optional()]),
  }),
]);
type Command = z.infer<typeof commandSchema>;
/** Asked for, the usage is an answer (stdout, exit 0), not a mistake (stderr, exit 2). */
type Parsed = Command | { command: 'help' };

class UsageError extends Error {}
class OpsError extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);

function parseCommand(argv: string[]): Parsed {
  const { positionals, values } = parseOptions(argv);
  const [command, ...args] = positionals;
  if (values.help || command === 'help') return { command: 'help' };
  if (!command) throw new UsageError('');
  const parsed = commandSchema.safeParse({ command, args, canReregister: values['can-reregister'], note: values.note });
  if (parsed.success) return parsed.data;
  const known = commandSchema.options.map((o) => o.shape.command.value);
  if (!known.includes(command as (typeof known)[number])) throw new UsageError(`unknown command "${command}"`);
  throw new UsageError(argumentProblem(parsed.error, command));
}

const OPTIONS = {
  'can-reregister': { type: 'string' },
  note: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A Zoom registrant id may begin with `-`: one that long, and not one of our flags, is an argument, not an option. */
const isDashedId = (arg: string) =>
  arg.startsWith('-') && arg.length >= 16 && REGISTRANT_ID_PATTERN.test(arg) && !(arg.slice(2) in OPTIONS);

/** Node's parser, with our words for a flag it does not know (its own advice is about positionals). */
function parseOptions(argv: string[]) {
  const dashed = new Map<string, string>(argv.flatMap((arg, i) => (isDashedId(arg) ? [[`id:${i}`, arg]] : [])));
  const args = argv.map((arg, i) => (dashed.has(`id:${i}`) ? `id:${i}` : arg));
  try {
    const parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    return { ...parsed, positionals: parsed.positionals.map((p) => dashed.get(p) ?? p) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && code !== 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw err;
    const flag = /'(-[^' ]*)/.exec(errorMessage(err))?.[1] ?? 'an option';
    throw new UsageError(
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${flag}: the options are --can-reregister true|false (resolve), --note (unreadable ` +
            'dismiss) and --help'
        : `${flag} needs a value, e.g. --can-reregister false`,
    );
  }
}

/** How long the CLI waits for a worker to take an update before saying what it knows. */
const UPDATE_WAIT_MS = 30_000;

const noWorkflow = (w: ZoomEvent, r: string) => new OpsError(`no workflow ${registrantWorkflowId(w, r)}`);

async function mustRead(client: Client, w: ZoomEvent, r: string): Promise<RegistrantRecord> {
  const record = await readRegistrant(client, w, r);
  if (!record) throw noWorkflow(w, r);
  return record;
}

/**
 * Sends an update and waits for its answer. What can go wrong is told apart: the workflow refused it (the
 * validator's reason), no worker took it in time, or it was taken but is still at work (a re-drive while the app
 * still refuses keeps retrying for CALLBACK_RETRY_WINDOW).
 */
async function update<Ret>(
  client: Client,
  w: ZoomEvent,
  r: string,
  start: (workflow: WorkflowHandle) => Promise<WorkflowUpdateHandle<Ret>>,
  stillAtWork: string,
): Promise<Ret> {
  const workflow = client.workflow.getHandle(registrantWorkflowId(w, r));
  const deadline = Date.now() + UPDATE_WAIT_MS;
  let accepted: WorkflowUpdateHandle<Ret>;
  try {
    accepted = await client.withDeadline(deadline, () => start(workflow));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw noWorkflow(w, r);
    throw new OpsError(
      `no worker took it within ${UPDATE_WAIT_MS / 1000} s (${errorMessage(err)}): is a worker running? ` +
        'One may still apply it when it starts; check with `show`.',
    );
  }
  try {
    return await client.withDeadline(deadline, () => accepted.result());
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new OpsError(`refused: ${errorMessage(err)}`);
    throw new OpsError(stillAtWork);
  }
}

/** How long `reconcile` waits for the sweep's answer before leaving it to run (a webinar of 10,000 takes ~20 s). */
const SWEEP_WAIT_MS = 10 * 60_000;

function describeSchedule(state: ScheduleState): string {
  const every = (everyMs: number | null) => (everyMs ? `a sweep every ${describeDuration(everyMs)}` : 'no interval');
  switch (state.kind) {
    case 'off':
      return `schedule ${state.scheduleId}: none (RECONCILE_INTERVAL is off)`;
    case 'paused':
      return `schedule ${state.scheduleId}: ${every(state.everyMs)}, paused (${state.note || 'no note'})`;
    case 'running': {
      const next = state.nextRuns[0];
      return `schedule ${state.scheduleId}: ${every(state.everyMs)}${next ? `; next at ${next.toISOString()}` : ''}`;
    }
  }
}

async function run(client: Client, cmd: Command, config: ReconcileScheduleConfig): Promise<void> {
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  switch (cmd.command) {
    case 'schedule': {
      const [change] = cmd.args;
      const handle = client.schedule.getHandle(reconciliationScheduleId(taskQueue));
      if (change === 'pause') await handle.pause('paused by an operator: npm run ops -- schedule resume to resume');
      if (change === 'resume') await handle.unpause('resumed by an operator');
      // Unset in this shell, RECONCILE_INTERVAL would be its default, which the running workers may not use: show.
      if (change || process.env.RECONCILE_INTERVAL === undefined) {
        if (!change) say('RECONCILE_INTERVAL is not set in this shell: nothing changed (set it to apply an interval)');
        say(describeSchedule(await describeReconciliationSchedule(client, taskQueue)));
        return;
      }
      const kept = await ensureReconciliationSchedule(client, { taskQueue, everyMs: config.RECONCILE_INTERVAL });
      const interval = config.RECONCILE_INTERVAL ? describeDuration(config.RECONCILE_INTERVAL) : 'off';
      say(`kept from this shell's RECONCILE_INTERVAL (${interval}); the workers apply their own when they start`);
      say(describeSchedule(kept));
      return;
    }
    case 'unreadable': {
      const [action = 'list', workflowId] = cmd.args;
      if (action === 'list' || !workflowId) {
        const open = await openUnreadableEvents(client);
        for (const e of open) say(`${e.workflow_id}\t${e.started_at}`);
        say(`${open.length} unreadable Zoom event(s) waiting for an operator`);
        return;
      }
      if (action === 'show') {
        say(JSON.stringify(await readUnreadableEvent(client, workflowId), null, 2));
        return;
      }
      if (action === 'dismiss') {
        const settled = await settleUnreadableEvent(client, workflowId, { outcome: 'dismissed', note: cmd.note ?? '' });
        say(`dismissed: ${settled.note}`);
        return;
      }
      const kept = await readUnreadableEvent(client, workflowId);
      const event = readRegistrationEvent(kept.body);
      if (!event.success) throw new OpsError(`still unreadable: ${event.reason}`);
      const handedTo = await ingestRegistrationEvent(client, taskQueue, {
        ...event.data,
        correlationId: kept.correlation_id,
      });
      await settleUnreadableEvent(client, workflowId, { outcome: 'ingested', note: `handed to ${handedTo}` });
      say(`ingested: handed to ${handedTo}`);
      return;
    }
    case 'patches': {
      if (PATCHES.length === 0) {
        say('no patches: no change since 1.0 that open registrant runs replay');
        return;
      }
      for (const { patch, olderOpenRuns, next } of await patchStandings(client, PATCHES)) {
        const since = patch.deprecated ? `deprecated ${patch.deprecated}` : `deployed ${patch.deployed}`;
        say(`${patch.id} (${since}): ${patch.change}`);
        say(`  ${olderOpenRuns} open run(s) started before it: ${next}`);
      }
      return;
    }
    case 'reconcile': {
      const [w] = cmd.args;
      const handle = await sweepNow(client, taskQueue, [w]);
      const { workflowId } = handle;
      say(`sweeping ${describeZoomEvent(w)} (${workflowId})…`);
      let report;
      try {
        report = await client.withDeadline(Date.now() + SWEEP_WAIT_MS, () => handle.result());
      } catch (err) {
        if (err instanceof WorkflowFailedError) throw new OpsError(`the sweep failed: ${errorMessage(err)}`);
        throw new OpsError(
          `no answer within ${SWEEP_WAIT_MS / 60_000} minutes (is a worker running?); it goes on: see ${workflowId} in the Web UI`,
        );
      }
      summariseFindings(report).forEach(say);
      return;
    }
    case 'needs-review':
    case 'list': {
      const [w] = cmd.args;
      const state = cmd.command === 'list' ? cmd.args[1] : 'needs_review';
      let cursor: string | undefined;
      let count = 0;
      do {
        const page = await listRegistrants(client, { zoomEvent: w, state, pageSize: 100, cursor });
        for (const r of page.registrants) {
          say(
            `${r.registrant_id}\t${r.state ?? '-'}\t${r.cancelled_by ?? '-'}\t${r.workflow_status}\t${r.workflow_id}`,
          );
        }
        count += page.registrants.length;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      say(`${count} registrant(s) of ${describeZoomEvent(w)} in state ${state}`);
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
      const verdict = {
        cancelled_by: cancelledBy,
        ...(cmd.canReregister ? { can_reregister: cmd.canReregister === 'true' } : {}),
      };
      const result = await update(
        client,
        w,
        r,
        (workflow) => workflow.startUpdate(resolveUpdate, { args: [verdict], waitForStage: 'ACCEPTED' }),
        'taken, but not settled yet: see `show`',
      );
      say(`resolved: ${result.state ?? '-'} (cancelled_by ${result.outcome?.cancelled_by ?? '-'})`);
      if (result.outcome) say('the app is told registrant.cancelled');
      return;
    }
    case 'redrive': {
      const [w, r] = cmd.args;
      const results = await update(
        client,
        w,
        r,
        (workflow) => workflow.startUpdate(redriveCallbacksUpdate, { waitForStage: 'ACCEPTED' }),
        're-driven, but not delivered yet: the app still refuses (see `show` for the latest error)',
      );
      for (const c of results) {
        say(
          `re-driving ${c.type} (${c.webhook_id}): ${c.delivered ? 'delivered' : `refused again: ${c.error ?? '?'}`}`,
        );
      }
      const refused = results.filter((c) => !c.delivered).length;
      if (refused > 0) {
        throw new OpsError(`${refused} of ${results.length} refused again: fix the app, then redrive again`);
      }
      say(results.length === 1 ? 'the app accepted it' : `the app accepted all ${results.length}`);
      return;
    }
  }
}

async function main(): Promise<void> {
  let cmd: Parsed;
  try {
    cmd = parseCommand(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    if (err.message) process.stderr.write(`ops: ${err.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  // Before the configuration is read: the usage needs no Temporal, and a shell without its settings may ask for it.
  if (cmd.command === 'help') {
    say(USAGE);
    return;
  }
  const config = loadConfigOrExit(reconcileScheduleSchema);
  const { client, connection } = await connectClient(config);
  try {
    await run(client, cmd, config);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ops: ${withoutKeysHint(errorMessage(err))}\n`);
  process.exit(1);
});
