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

// The analysers and their parsers are most of the extension's code. They live in bundles of
// their own under dist/lib/, required where the code first needs them (core/index.ts loads an
// analyser on the first analysis of its file kind), so activation neither compiles nor runs them.
const LAZY = {
  yaml: 'yaml.js',
  'dockerfile-ast': 'dockerfile-ast.js',
  dockerfile: 'core-dockerfile.js',
  kubernetes: 'core-kubernetes.js',
  compose: 'core-compose.js',
  github: 'core-github.js',
};
const CORE_ANALYSER = /^(?:\.\.\/core|\.)\/(dockerfile|kubernetes|compose|github)$/;

/** Resolves the lazily loaded modules to the bundle files beside `fromDir` (relative to dist/). */
function lazyModules(fromDir) {
  const prefix = fromDir === 'lib' ? './' : './lib/';
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter: /^(yaml|dockerfile-ast)$/ }, (args) => ({ path: prefix + LAZY[args.path], external: true }));
      build.onResolve({ filter: CORE_ANALYSER }, (args) => {
        const inside = /[\\/]src[\\/]core[\\/](dockerfile|kubernetes|compose|github)[\\/]/.test(args.importer);
        return inside ? undefined : { path: prefix + LAZY[CORE_ANALYSER.exec(args.path)[1]], external: true };
      });
    },
  };
}

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [lazyModules('.')],
    // Lets activate() report its own cost: evaluating this bundle plus the activate() call
    // (not the time the host spends between loading it and activating it).
    banner: { js: 'globalThis.__shipshapeLoad = { start: performance.now(), startCpu: process.cpuUsage() };' },
    footer: { js: 'globalThis.__shipshapeLoad.end = performance.now(); globalThis.__shipshapeLoad.endCpu = process.cpuUsage();' },
  }),
  ...['yaml', 'dockerfile-ast'].map((pkg) =>
    esbuild.build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' }, outfile: `dist/lib/${LAZY[pkg]}` })),
  ...['dockerfile', 'kubernetes', 'compose', 'github'].map((kind) =>
    esbuild.build({ ...common, entryPoints: [`src/core/${kind}/index.ts`], outfile: `dist/lib/${LAZY[kind]}`, plugins: [lazyModules('lib')] })),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The language server (`node dist/server.js --stdio`, `shipshape lsp --stdio`); also its analysis workers' entry.
  esbuild.build({ ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' }),
]);
