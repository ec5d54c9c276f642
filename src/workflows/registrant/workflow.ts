// One workflow per Zoom registrant (design.md 3): apply events in event_ts order; on a cancellation, look the
// registrant up, wait for follow-ups, decide, act; tell the app exactly once per outcome. The work is RegistrantRun's
// (run.ts) over the pure RegistrantState (state.ts); this is the story.
import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  cancellationOutcomeUpdate,
  redriveCallbacksUpdate,
  registrationEventSignal,
  requestCancellationSignal,
  resolveUpdate,
  stateQuery,
  HANDLER_DESCRIPTIONS as about,
  type RegistrantView,
  type RegistrantWorkflowInput,
} from './messages';
import { RegistrantRun } from './run';
import { RegistrantState } from './state';

export type { RegistrantWorkflowInput };

export async function registrantWorkflow(input: RegistrantWorkflowInput): Promise<RegistrantView> {
  const run = new RegistrantRun(RegistrantState.start(input));
  const { registrant } = run;

  // Handlers first: the signal that started this run is delivered in its first workflow task.
  setHandler(registrationEventSignal, (event) => run.receive(event), { description: about.registrationEvent });
  setHandler(requestCancellationSignal, (request) => run.receiveRequest(request), {
    description: about.requestCancellation,
  });
  setHandler(stateQuery, () => run.view, { description: about.state });
  setHandler(resolveUpdate, (verdict) => run.resolve(verdict), {
    validator: (verdict) => refuseIf(registrant.resolutionProblem(verdict)),
    description: about.resolve,
  });
  setHandler(redriveCallbacksUpdate, () => run.redrive(), {
    validator: () => refuseIf(registrant.callbacks.redriveProblem()),
    description: about.redriveCallbacks,
  });
  setHandler(cancellationOutcomeUpdate, (id) => run.cancellationOutcome(id), {
    validator: (id: string) =>
      refuseIf(registrant.requests.find(id) ? null : `no cancellation ${id} for this registrant`),
    description: about.cancellationOutcome,
  });

  await run.load();
  while (await run.somethingArrived()) {
    await run.takeNext();
    if (run.shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registrantWorkflow>(run.carry());
    }
  }
  await condition(allHandlersFinished);
  return run.view;
}

/** An update validator refuses by throwing; the caller receives the reason. */
function refuseIf(problem: string | null): void {
  if (problem) throw new Error(problem);
}
