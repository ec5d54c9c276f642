// The settle rate's baseline: a workflow that does nothing, so that its rate is the engine's own.
export async function emptyWorkflow(): Promise<void> {}
