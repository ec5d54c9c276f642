// What the patch registry (src/workflows/registrant/patches.ts) asks of the namespace: for each patch, the open
// registrant runs that started before it, which still replay the code without it. None left: the next step is safe.
import type { Client } from '@temporalio/client';
import type { Patch } from '../workflows/registrant/patches';
import { REGISTRANT_WORKFLOW_TYPE } from '../workflows/registrant/names';
import { visibilityQuery } from './visibility-query';

export interface PatchStanding {
  patch: Patch;
  /** Open registrant runs started before the patch's last step (deployed, or deprecated). */
  olderOpenRuns: number;
  /** What may be done now. */
  next: string;
}

/** Open registrant runs (in the whole namespace: every task queue replays the same code) started before `time`. */
export async function countOpenRunsStartedBefore(client: Client, time: string): Promise<number> {
  const { count } = await client.workflowService.countWorkflowExecutions({
    namespace: client.options.namespace,
    query: visibilityQuery(
      ['WorkflowType', '=', REGISTRANT_WORKFLOW_TYPE],
      ['ExecutionStatus', '=', 'Running'],
      ['StartTime', '<', time],
    ),
  });
  return Number(count);
}

export async function patchStandings(client: Client, patches: readonly Patch[]): Promise<PatchStanding[]> {
  return Promise.all(
    patches.map(async (patch) => {
      const olderOpenRuns = await countOpenRunsStartedBefore(client, patch.deprecated ?? patch.deployed);
      const next =
        olderOpenRuns > 0
          ? 'keep it: those runs replay the code from before it'
          : patch.deprecated
            ? 'remove deprecatePatch() and this entry'
            : 'replace patched() with deprecatePatch(), keeping only the new branch, and record the date';
      return { patch, olderOpenRuns, next };
    }),
  );
}
