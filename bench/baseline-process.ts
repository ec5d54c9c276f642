// The minimal baseline's workers and webhook endpoint (cost-baseline.ts), in a node process of their own as ours
// are: started by startBaseline with its options in BENCH_BASELINE; sends it its webhook URL once its workers run,
// and stops on SIGTERM or once the bench is gone.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { serveBaseline, type BaselineOptions } from './cost-baseline';

async function main() {
  // As quiet as the bench's own workers.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const baseline = await serveBaseline(JSON.parse(process.env.BENCH_BASELINE ?? '') as BaselineOptions);
  process.send?.(baseline.webhookUrl);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void baseline.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  // The bench gone (a crash, an interrupt): no worker of it stays behind.
  process.once('disconnect', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
