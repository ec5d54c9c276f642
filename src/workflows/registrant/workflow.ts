// One workflow per Zoom registrant (design.md 3): apply events in event_ts order; on a cancellation, look the
// registrant up, wait for follow-ups, decide, act; tell the app exactly once per outcome.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Outbound } from '../../domain/callbacks';
import type { CancellationRecord } from '../../domain/cancellation';
import type { ListedState, RegistrationEvent, RegistrationState } from '../../domain/registration';
import { errorMessage } from '../../errors';
import { loadSettings, registrantActivities } from './proxies';
import { callbackAbout } from './callbacks';
import type { RegistrantContext } from './context';
import {
  cancellationOutcomeUpdate,
  legacyRedriveSignal,
  legacyResolveSignal,
  redriveCallbacksUpdate,
  registrationEventSignal,
  requestCancellationSignal,
  resolveUpdate,
  stateQuery,
  HANDLER_DESCRIPTIONS,
  type RegistrantView,
  type RegistrantWorkflowInput,
} from './messages';
import { PATCHES, searchAttributes } from './names';
import { describeDuration } from './details';
import { cancelOnBehalf } from './cancel-on-behalf';
import { settleCancellation } from './settle-cancellation';
import { RegistrantState } from './state';

export type { RegistrantWorkflowInput };

export async function registrantWorkflow(input: RegistrantWorkflowInput): Promise<RegistrantView> {
  const registrant = RegistrantState.start(input);

  // Handlers first: the signal that started this run is delivered in its first workflow task.
  setHandler(
    registrationEventSignal,
    (event) => {
      const arrival = registrant.receive(event);
      if (arrival === 'duplicate') log.info('duplicate delivery ignored', { kind: event.kind, eventTs: event.eventTs });
      if (arrival === 'malformed') log.warn('malformed registrationEvent signal ignored');
      if (arrival === 'foreign') log.warn('event for another registrant ignored', { webinarId: event.webinarId });
    },
    { description: HANDLER_DESCRIPTIONS.registrationEvent },
  );
  setHandler(
    requestCancellationSignal,
    (request) => {
      if (registrant.requests.receive(request) === 'malformed')
        log.warn('malformed requestCancellation signal ignored');
    },
    { description: HANDLER_DESCRIPTIONS.requestCancellation },
  );
  setHandler(stateQuery, () => registrant.view, { description: HANDLER_DESCRIPTIONS.state });
  setHandler(
    resolveUpdate,
    async (verdict) => {
      registrant.verdict = verdict;
      // Answered once the case has settled on it, whatever state that leaves the registrant in.
      await condition(() => !registrant.awaitsVerdict);
      return { state: registrant.view.state, outcome: registrant.view.outcome };
    },
    {
      validator: (verdict) => refuseIf(registrant.resolutionProblem(verdict)),
      description: HANDLER_DESCRIPTIONS.resolve,
    },
  );
  setHandler(
    redriveCallbacksUpdate,
    async () => {
      const waiting = registrant.callbacks.waitingForRedrive();
      registrant.redrives += 1;
      await condition(() => registrant.callbacks.answered(waiting));
      return registrant.callbacks.report(waiting);
    },
    {
      validator: () => refuseIf(registrant.callbacks.redriveProblem()),
      description: HANDLER_DESCRIPTIONS.redriveCallbacks,
    },
  );
  setHandler(
    cancellationOutcomeUpdate,
    async (id) => {
      await condition(() => registrant.requests.find(id)?.status !== 'pending');
      return registrant.requests.find(id) as CancellationRecord;
    },
    {
      validator: (id: string) =>
        refuseIf(registrant.requests.find(id) ? null : `no cancellation ${id} for this registrant`),
      description: HANDLER_DESCRIPTIONS.cancellationOutcome,
    },
  );
  setHandler(
    legacyResolveSignal,
    (verdict) => {
      const problem = registrant.resolutionProblem(verdict);
      if (problem) log.warn(`resolve signal ignored: ${problem}`);
      else registrant.verdict = verdict;
    },
    { description: HANDLER_DESCRIPTIONS.legacy },
  );
  setHandler(
    legacyRedriveSignal,
    () => {
      registrant.redrives += 1;
    },
    { description: HANDLER_DESCRIPTIONS.legacy },
  );

  // Behaviour added while registrant workflows were running: decided once per run, so that runs started before
  // replay as they ran (test/workflows/replay.test.ts) and every run started since gets it.
  const showsSettling = patched(PATCHES.settlingState);
  const endsWhenOnlyRefused = patched(PATCHES.refusedRequestLeavesNothing);
  const tellsInOrder = patched(PATCHES.callbacksInOrder);

  const settings = await loadSettings();
  const activities = registrantActivities(settings);
  const { webinar_id: webinarId, registrant_id: registrantId } = registrant.view;

  const ctx: RegistrantContext = {
    registrant,
    settings,
    activities,
    enter(state: RegistrationState, eventTs: number, force = false) {
      if (registrant.enter(state, eventTs, force)) showState(showsSettling ? registrant.listedState : state);
    },
    tell,
    settleInTurn: (cancel) => inTurn(() => settleCancellation(ctx, cancel)),
    subject: (eventTs, occurrenceId, fallback) => ({
      webinarId,
      registrantId,
      eventTs,
      occurrenceId,
      registrant: registrant.view.registrant ??
        fallback ?? { id: registrantId, email: '', first_name: '', last_name: '' },
    }),
  };

  /** The search attributes operators filter on in the Web UI, and the API lists by. */
  function showState(state: ListedState | null): void {
    upsertSearchAttributes([
      { key: searchAttributes.registrationState, value: state },
      { key: searchAttributes.cancelledBy, value: registrant.view.cancelled_by },
    ]);
  }

  // The loop's events and the settlements tell the app from two places: one at a time, so that the app hears them
  // in the order they were told, even when it was down and every callback waited.
  const telling = new Mutex();
  function tell(outbound: Outbound, { unlessStale = false } = {}): Promise<void> {
    if (!tellsInOrder) return send(outbound);
    return telling.runExclusive(async () => {
      // Zoom delivers out of order: a `created` held back until after the cancellation was told would, told now,
      // read to the app as a new registration. It stays in the history and the evidence; the app is not told.
      const { type, data } = outbound.callback;
      if (unlessStale && registrant.callbacks.toldLaterThan(data.event_ts)) {
        log.info('event older than what the app was told: not told', { type, eventTs: data.event_ts });
        registrant.callbacks.notTold(outbound);
        return;
      }
      await send(outbound);
    });
  }

  async function send(outbound: Outbound): Promise<void> {
    for (;;) {
      try {
        await activities.notifyApp(outbound);
        break;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        registrant.callbacks.refused(outbound, errorMessage(err));
        setCurrentDetails(
          `The app did not accept ${outbound.callback.type} (${outbound.webhookId}) within CALLBACK_RETRY_WINDOW: ${errorMessage(err)}. Waiting for a re-drive: fix the app, then \`npm run ops -- redrive ${webinarId} ${registrantId}\`.`,
        );
        const before = registrant.redrives;
        await condition(() => registrant.redrives > before);
        registrant.callbacks.redriven(outbound.webhookId);
      }
    }
    registrant.callbacks.delivered(outbound);
  }

  // Cancellations (Zoom's and the app's) are settled one at a time, beside the loop that keeps applying the
  // events that settle them.
  const settling = new Mutex();
  const failures: Error[] = [];
  function inTurn(work: () => Promise<void>): void {
    registrant.beginSettlement();
    if (showsSettling) showState(registrant.listedState);
    settling
      .runExclusive(work)
      .catch((err: unknown) => {
        failures.push(err instanceof Error ? err : new Error(`settling a cancellation failed: ${JSON.stringify(err)}`));
      })
      .finally(() => {
        registrant.endSettlement();
        if (showsSettling) showState(registrant.listedState);
        if (!registrant.isSettling) showSettled();
      });
  }

  async function applyEvent(event: RegistrationEvent): Promise<void> {
    log.info('event applied', { kind: event.kind, eventTs: event.eventTs, correlationId: event.correlationId });
    const next = registrant.take(event);
    if (event.kind === 'cancelled') return registrant.markApplied(event);
    if (next) ctx.enter(next, event.eventTs);
    await tell(
      callbackAbout(
        ctx.subject(event.eventTs, event.occurrenceId, event.registrant),
        { type: `registrant.${event.kind}` },
        event.correlationId,
      ),
      { unlessStale: true },
    );
    registrant.markApplied(event);
  }

  function showSettled(): void {
    setCurrentDetails(
      `State: ${registrant.view.state ?? 'none yet'}. Nothing is being settled: waiting for Zoom's next event or the app's next request; completes after ${describeDuration(settings.dedupWindowMs)} without one (DEDUP_WINDOW, which absorbs Zoom's redeliveries).`,
    );
  }

  /**
   * Waits for an event or a request; false once DEDUP_WINDOW has passed with nothing new and nothing unsettled, or
   * once every request this run held was refused.
   */
  async function somethingArrived(): Promise<boolean> {
    const nothingToKeep = () => endsWhenOnlyRefused && registrant.heldOnlyRefusals;
    for (;;) {
      if (!registrant.isSettling) showSettled();
      const arrived = await condition(
        () => registrant.hasWork || failures.length > 0 || nothingToKeep(),
        settings.dedupWindowMs,
      );
      // A bug, not a Zoom answer: failing the workflow task lets a fixed worker replay and carry on.
      if (failures[0]) throw failures[0];
      if (nothingToKeep()) return false;
      if (arrived) return true;
      if (!registrant.isSettling) return false;
      // An unsettled case keeps the workflow open; the de-duplication window starts again once it is settled.
      await condition(() => !registrant.isSettling || registrant.hasWork);
    }
  }

  while (await somethingArrived()) {
    const request = registrant.requests.next();
    if (request) {
      // One cancellation at a time, and none of a registrant already cancelled.
      const refusal = registrant.refusalNow();
      if (refusal) registrant.requests.refuse(request.id, refusal);
      else inTurn(() => cancelOnBehalf(ctx, request));
      continue;
    }
    const event = registrant.nextEvent() as RegistrationEvent;
    const passedOver = registrant.passOver(event);
    if (passedOver) {
      log.info(`event passed over: ${passedOver}`, { kind: event.kind, eventTs: event.eventTs });
      continue;
    }
    await applyEvent(event);
    if (event.kind === 'cancelled') {
      const kind = registrant.ownWrites.classify(event);
      if (kind === 'settle') ctx.settleInTurn(event);
      else log.info('cancellation webhook taken as the echo of our own Zoom write', { eventTs: event.eventTs });
    }

    const info = workflowInfo();
    const historyIsLong = info.continueAsNewSuggested || info.historyLength > settings.maxHistoryEvents;
    if (historyIsLong && !registrant.isSettling && !registrant.requests.pending) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registrantWorkflow>({ webinarId, registrantId, carried: registrant.carry() });
    }
  }
  await condition(allHandlersFinished);
  return registrant.view;
}

/** An update validator refuses by throwing; the caller receives the reason. */
function refuseIf(problem: string | null): void {
  if (problem) throw new Error(problem);
}
