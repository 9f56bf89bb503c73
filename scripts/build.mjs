// Bundles the extension (vscode external) and the CLI into dist/.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';

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

// The extension host runs no analysis: the language server (dist/server.js, a child process)
// reads every Dockerfile and YAML. What the extension loads on first use comes from bundles of
// their own under dist/lib/: the language client (started right after activation returns) and
// the YAML library, for the files a user command writes (scan export, admission policies, CI
// pipelines, ignore files). The analysers and the Dockerfile parser are never part of
// dist/extension.js (test/unit/lsp-extension-bundle.test.ts): an import of them from extension
// code is reported here and left as a require of a dist/lib/ file that is not built (the bundle
// test names it); the feature must ask the language server instead.
const LAZY = {
  yaml: 'yaml.js',
  'vscode-languageclient/node': 'languageclient.js',
  'dockerfile-ast': 'dockerfile-ast.js',
  dockerfile: 'core-dockerfile.js',
  kubernetes: 'core-kubernetes.js',
  compose: 'core-compose.js',
  github: 'core-github.js',
  inspect: 'inspect.js',
};
/** Image-archive inspection (tar-stream, the secret detector): loaded when the user inspects an image, never at activation. */
const INSPECT = /^(?:\.\.\/)+node\/inspect(?:\/index)?$/;
const ANALYSER = /^(?:(?:\.\.\/)+core|\.)\/(dockerfile|kubernetes|compose|github)(?:\/index)?$/;
const IN_ANALYSER = /[\\/]src[\\/]core[\\/](dockerfile|kubernetes|compose|github)[\\/]/;

/** Resolves the lazily loaded modules to the bundle files beside `fromDir` (relative to dist/); reports analyser imports from extension code. */
function lazyModules(fromDir) {
  const prefix = fromDir === 'lib' ? './' : './lib/';
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter: /^(yaml|dockerfile-ast|vscode-languageclient\/node)$/ }, (args) => {
        const warn = fromDir !== 'lib' && args.path === 'dockerfile-ast' && !IN_ANALYSER.test(args.importer);
        return { path: prefix + LAZY[args.path], external: true, ...(warn ? { warnings: [{ text: `the extension host must not parse Dockerfiles: ${args.importer} imports dockerfile-ast (ask the language server)` }] } : {}) };
      });
      // A module inside an analyser's folder, imported from outside it: bundled (it works), and reported.
      if (fromDir !== 'lib') build.onResolve({ filter: /^\.\.?\/(?:\.\.\/)*(?:core\/)?(dockerfile|kubernetes|compose|github)\/./ }, (args) => {
        if (IN_ANALYSER.test(args.importer) || !/[\\/]src[\\/]/.test(args.importer)) return undefined;
        return { warnings: [{ text: `${args.importer} brings ${args.path} into the extension host (the analysers belong to the language server)` }] };
      });
      if (fromDir !== 'lib') build.onResolve({ filter: INSPECT }, (args) => (/[\\/]src[\\/]extension[\\/]/.test(args.importer) ? { path: prefix + LAZY.inspect, external: true } : undefined));
      build.onResolve({ filter: ANALYSER }, (args) => {
        if (IN_ANALYSER.test(args.importer) && args.path.startsWith('.')) return undefined;
        const kind = ANALYSER.exec(args.path)[1];
        const warn = fromDir !== 'lib';
        return { path: prefix + LAZY[kind], external: true, ...(warn ? { warnings: [{ text: `the ${kind} analyser runs in the language server: ${args.importer} imports it into the extension host (ask the server instead)` }] } : {}) };
      });
    },
  };
}

/**
 * `yaml` is a CommonJS package: bundled, each of our imports of it (`isScalar`, `isMap`, `Scalar`…)
 * becomes a call of a getter on every use (esbuild's interop object). For the CLI, whose run is
 * mostly a cold pass of the analysers over a large file, the package is required once and its
 * members are bound to constants that the code calls directly.
 */
function directYaml() {
  const require = createRequire(import.meta.url);
  const file = require.resolve('yaml');
  const names = Object.keys(require('yaml')).filter((n) => n !== 'default' && n !== '__esModule');
  return {
    name: 'direct-yaml',
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'direct-yaml' }));
      build.onLoad({ filter: /.*/, namespace: 'direct-yaml' }, () => ({
        contents: `const y = require(${JSON.stringify(file)});\n${names.map((n) => `export const ${n} = y.${n};`).join('\n')}\nexport default y;\n`,
        resolveDir: '.',
        loader: 'js',
      }));
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
  ...['yaml', 'vscode-languageclient/node'].map((pkg) =>
    esbuild.build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' }, outfile: `dist/lib/${LAZY[pkg]}`, external: ['vscode'] })),
  esbuild.build({ ...common, entryPoints: { inspect: 'src/node/inspect/index.ts' }, outdir: 'dist/lib' }),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [directYaml()] }),
  // The language server (`node dist/server.js --stdio`, `shipshape lsp --stdio`); also its analysis workers' entry.
  esbuild.build({ ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' }),
]);
