// ESM and CommonJS with their type declarations. The callback schemas are the worker's own (src/domain/callbacks.ts),
// bundled in: one definition for the worker that builds callbacks and the app that reads them.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // What the app installs with the package; everything of this repository's own is bundled.
  external: ['zod', 'standardwebhooks'],
});
