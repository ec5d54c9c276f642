// The changes made to the registrant workflow while runs of it were open: from 1.0 on, each one is a `patched(id)`
// in the code and an entry here, until it can go (README, "Changing the workflow"). Workflow code imports this.

export interface Patch {
  /** The id given to `patched()` (and later to `deprecatePatch()`). */
  id: string;
  /** What changed, in a line. */
  change: string;
  /** When the first worker with the change was deployed (ISO 8601): runs started before it replay without it. */
  deployed: string;
  /** When `patched(id)` became `deprecatePatch(id)`, once no run started before `deployed` was open. */
  deprecated?: string;
}

/** None before 1.0: no namespace runs these workflows yet, so a change records the replay histories again instead. */
export const PATCHES: readonly Patch[] = [];
