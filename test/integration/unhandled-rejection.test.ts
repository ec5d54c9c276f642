// RegistrantRun.settleInTurn does not await a settlement, and catches nothing from it: it relies on the SDK failing
// the workflow task when a promise rejects with nobody to handle it, exactly as a throw in the workflow's main line
// does. Proved here on the real dev server and worker: the task fails with the bug's message (and is retried by a
// fixed worker), and neither the workflow nor its result hides it.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eventually } from '../../tools/eventually';
import { temporalAddress } from '../helpers/world';
import { backgroundFailureWorkflow } from './fixtures/background-failure-workflow';

test('a rejection nobody handles fails the workflow task, and the workflow stays open', async () => {
  const taskQueue = `unhandled-rejection-${process.pid}-${Date.now()}`;
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./fixtures/background-failure-workflow'),
  });
  try {
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(backgroundFailureWorkflow, { taskQueue, workflowId: taskQueue });
      const failure = await eventually(async () => {
        const { events } = await handle.fetchHistory();
        return events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
      });
      expect(failure?.message).toMatch(/Unhandled Promise rejection: Error: a bug in a settlement/);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.terminate('the test is over');
    });
  } finally {
    await nativeConnection.close();
    await connection.close();
  }
});
