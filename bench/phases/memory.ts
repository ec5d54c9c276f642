// `--phase memory`: the worker's resident memory with more and more registrants open, beside the idle worker's.
import { measureWorkerMemory } from '../memory';
import type { Bench } from '../world';

export async function benchMemory({ address, client, plan, progress, record }: Bench) {
  const rss = await measureWorkerMemory({ client, address, stages: plan.memory, progress });
  const idle = rss.get(0) ?? NaN;
  for (const [open, mb] of rss) {
    if (open > 0) record(`worker RSS, ${open.toLocaleString('en')} registrants open`, mb, 'MB', 'idle worker', idle);
  }
}
