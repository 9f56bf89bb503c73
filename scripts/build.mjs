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
  logLevel: 'warning',
};

// The parsers are the largest part of the extension. They live in files of their own that are
// required when a module using them first runs (analysers load on first analysis), so
// activation does not compile or evaluate them.
const LAZY_LIBRARIES = { yaml: './lib/yaml.js', 'dockerfile-ast': './lib/dockerfile-ast.js' };
const lazyLibraries = {
  name: 'lazy-libraries',
  setup(build) {
    build.onResolve({ filter: /^(yaml|dockerfile-ast)$/ }, (args) => ({ path: LAZY_LIBRARIES[args.path], external: true }));
  },
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [lazyLibraries],
    // Lets activate() report its own cost: evaluating this bundle plus the activate() call
    // (not the time the host spends between loading it and activating it).
    banner: { js: 'globalThis.__shipshapeLoadStart = performance.now();' },
    footer: { js: 'globalThis.__shipshapeLoadEnd = performance.now();' },
  }),
  ...Object.entries(LAZY_LIBRARIES).map(([pkg, out]) =>
    esbuild.build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' }, outfile: `dist/${out.slice(2)}` })),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
