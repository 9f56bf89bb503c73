// Bundles the extension (vscode external) and the CLI into dist/.
import * as esbuild from 'esbuild';

// Minified always: the shipped bundle is the tested bundle, and loading it is part of the
// extension's activation cost. Source maps stay beside it for debugging (not packaged).
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: true,
  keepNames: false,
  logLevel: 'warning',
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'],
    // Lets activate() report its cost including loading the bundle itself.
    banner: { js: 'globalThis.__shipshapeLoadStart = performance.now();' } }),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
