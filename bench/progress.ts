// Progress of the long phases on stderr (stdout keeps the results): bars on a terminal, one line per phase
// otherwise, so that a log still shows where a run spent its time.
import { performance } from 'node:perf_hooks';
import { MultiBar, Presets } from 'cli-progress';

export interface Bar {
  update(done: number): void;
  /** A reading worth keeping on screen while the bar goes on. */
  note(line: string): void;
  stop(): void;
}

export interface Progress {
  /** A bar counting `total` things. */
  bar(label: string, total: number): Bar;
  /** A bar for a phase that lasts about `seconds`. */
  during<T>(label: string, seconds: number, phase: Promise<T>): Promise<T>;
  /** Stops redrawing (and shows the cursor again): the process can then exit. */
  close(): void;
}

export function stderrProgress(): Progress {
  const bars = process.stderr.isTTY
    ? new MultiBar(
        { format: '{label} {bar} {value}/{total}  {duration}s', hideCursor: true, stopOnComplete: false },
        Presets.shades_classic,
      )
    : null;
  const bar = (label: string, total: number): Bar => {
    const started = performance.now();
    if (!bars) {
      process.stderr.write(`${label} …\n`);
      return {
        update() {},
        note: (line) => process.stderr.write(`  ${line}\n`),
        stop: () => process.stderr.write(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`),
      };
    }
    const single = bars.create(total, 0, { label: label.padEnd(44) });
    return {
      update: (done) => single.update(done),
      note: (line) => bars.log(`  ${line}\n`),
      stop: () => single.stop(),
    };
  };
  return {
    bar,
    close: () => bars?.stop(),
    async during(label, seconds, phase) {
      const timed = bar(label, seconds);
      const started = performance.now();
      const ticker = setInterval(
        () => timed.update(Math.min(seconds, Math.round((performance.now() - started) / 1000))),
        250,
      );
      try {
        return await phase;
      } finally {
        clearInterval(ticker);
        timed.update(seconds);
        timed.stop();
      }
    },
  };
}
