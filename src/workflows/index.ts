// The worker's workflowsPath: every workflow type this worker runs.
export { registrantWorkflow } from './registrant/workflow';
export { zoomBudgetWorkflow } from './zoom-budget/workflow';
export { reconciliationWorkflow } from './reconciliation/workflow';
export { unreadableZoomEventWorkflow } from './unreadable-event/workflow';
