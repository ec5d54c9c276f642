// Renders bench results to PNG without a browser: vega-lite → vega → SVG (headless view) → PNG (resvg).
import { writeFile } from 'node:fs/promises';
import { Resvg } from '@resvg/resvg-js';
import type * as VegaLite from 'vega-lite' with { 'resolution-mode': 'import' };

// moduleResolution node ignores package `exports`, the only place vega-lite declares its types: the type import
// resolves them as an ES module's, and the runtime import goes through a variable so that tsc does not resolve it.
const VEGA_LITE = 'vega-lite';

export interface AckLatencyPoint {
  approach: string;
  offeredRate: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Writes a PNG line chart of acknowledgement latency against offered rate (webhooks/s), one colour per approach,
 * p50 solid and p99 dashed, log-scale y axis in ms.
 */
export async function plotAckLatency(points: AckLatencyPoint[], file: string, title: string): Promise<void> {
  // vega is ESM with a top-level await (vega-canvas), which require() refuses: this relies on tsx keeping import()
  // native, whereas tsc's commonjs output turns it into require() and fails.
  const [{ View, parse }, { compile }] = await Promise.all([
    import('vega'),
    import(VEGA_LITE) as Promise<typeof VegaLite>,
  ]);
  const spec: VegaLite.TopLevelSpec = {
    title,
    width: 560,
    height: 320,
    background: 'white',
    data: { values: points },
    transform: [{ fold: ['p50Ms', 'p99Ms'], as: ['percentile', 'latencyMs'] }],
    // No points on the lines: vega-lite would then draw the percentile legend as dots, which cannot show a dash.
    mark: 'line',
    encoding: {
      x: { field: 'offeredRate', type: 'quantitative', title: 'Offered rate (webhooks/s)' },
      y: { field: 'latencyMs', type: 'quantitative', scale: { type: 'log' }, title: 'Acknowledgement latency (ms)' },
      color: { field: 'approach', type: 'nominal', title: 'Approach', legend: { labelLimit: 0 } },
      strokeDash: {
        field: 'percentile',
        type: 'nominal',
        title: 'Percentile',
        // Pins p50 to solid and p99 to dashed rather than leaving it to the scale's order.
        scale: {
          domain: ['p50Ms', 'p99Ms'],
          range: [
            [1, 0],
            [4, 3],
          ],
        },
        legend: { labelExpr: "datum.value === 'p50Ms' ? 'p50' : 'p99'" },
      },
    },
  };
  const svg = await new View(parse(compile(spec).spec), { renderer: 'none' }).toSVG();
  const png = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: 2 },
  })
    .render()
    .asPng();
  await writeFile(file, png);
}
