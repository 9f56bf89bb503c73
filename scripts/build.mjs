// Bundles the extension (vscode external) and the CLI into dist/.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
// their own under dist/lib/: the language client (started right after activation returns), the
// feature groups (images.js, tools.js), the YAML library, for the files a user command writes
// (scan export, admission policies, CI pipelines, ignore files), and image inspection. The
// analysers and the Dockerfile parser are never part of the extension host's bundles
// (test/unit/lsp-extension-bundle.test.ts): an import of them from extension
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

/**
 * The extension's feature groups that activation does not load (src/extension/lazyGroups.ts):
 * `require('./groups/NAME')` from src/extension becomes a require of dist/lib/NAME.js.
 */
const GROUPS = { images: 'src/extension/groups/images.ts', tools: 'src/extension/groups/tools.ts' };
const GROUP = /^\.\/groups\/(images|tools)$/;
/**
 * What the images group requires only when a scan, an import or an image pick runs
 * (src/extension/scan/lazy.ts): the scanner adapters with report import and SARIF, and the runner.
 * Bundles of their own, so loading the group does not compile them.
 */
const SCAN_LAZY = { '../../core/scan': 'scan-core.js', '../../node/scanRunner': 'scan-runner.js' };
const SCAN_LAZY_ENTRIES = { 'scan-core': 'src/core/scan/index.ts', 'scan-runner': 'src/node/scanRunner.ts' };

/**
 * Resolves the lazily loaded modules to the bundle files beside `fromDir` (relative to dist/);
 * reports analyser imports from extension-host code (`host`: the activation bundle and the groups).
 */
function lazyModules(fromDir, host = fromDir !== 'lib') {
  const prefix = fromDir === 'lib' ? './' : './lib/';
  return {
    name: 'lazy-modules',
    setup(build) {
      if (host) build.onResolve({ filter: /^\.\.\/\.\.\/(core\/scan|node\/scanRunner)$/ }, (args) => (/[\\/]src[\\/]extension[\\/]scan[\\/]lazy\.ts$/.test(args.importer) ? { path: prefix + SCAN_LAZY[args.path], external: true } : undefined));
      build.onResolve({ filter: /^(yaml|dockerfile-ast|vscode-languageclient\/node)$/ }, (args) => {
        const warn = host && args.path === 'dockerfile-ast' && !IN_ANALYSER.test(args.importer);
        return { path: prefix + LAZY[args.path], external: true, ...(warn ? { warnings: [{ text: `the extension host must not parse Dockerfiles: ${args.importer} imports dockerfile-ast (ask the language server)` }] } : {}) };
      });
      // A module inside an analyser's folder, imported from outside it: bundled (it works), and reported.
      if (host) build.onResolve({ filter: /^\.\.?\/(?:\.\.\/)*(?:core\/)?(dockerfile|kubernetes|compose|github)\/./ }, (args) => {
        if (IN_ANALYSER.test(args.importer) || !/[\\/]src[\\/]/.test(args.importer)) return undefined;
        return { warnings: [{ text: `${args.importer} brings ${args.path} into the extension host (the analysers belong to the language server)` }] };
      });
      if (host) build.onResolve({ filter: INSPECT }, (args) => (/[\\/]src[\\/]extension[\\/]/.test(args.importer) ? { path: prefix + LAZY.inspect, external: true } : undefined));
      if (host) build.onResolve({ filter: GROUP }, (args) => (/[\\/]src[\\/]extension[\\/][^\\/]+$/.test(args.importer) ? { path: `${prefix}${GROUP.exec(args.path)[1]}.js`, external: true } : undefined));
      build.onResolve({ filter: ANALYSER }, (args) => {
        if (IN_ANALYSER.test(args.importer) && args.path.startsWith('.')) return undefined;
        const kind = ANALYSER.exec(args.path)[1];
        return { path: prefix + LAZY[kind], external: true, ...(host ? { warnings: [{ text: `the ${kind} analyser runs in the language server: ${args.importer} imports it into the extension host (ask the server instead)` }] } : {}) };
      });
    },
  };
}

/**
 * dist/extension.js, the manifest's `main`: a loader that marks the time before and after it
 * requires the activation bundle, so the extension's activation figure covers reading, compiling
 * and evaluating that bundle, not only its evaluation (src/extension/extension.ts reports it).
 */
const LOADER = `"use strict";
// Loads the Shipshape extension (dist/extension.bundle.js) and marks how long that took.
// CPU time of this thread where Node has it (>= 23.9): other threads' work is not activation's.
const cpu = process.threadCpuUsage ? () => process.threadCpuUsage() : () => process.cpuUsage();
const load = globalThis.__shipshapeLoad = { start: performance.now(), startCpu: cpu() };
module.exports = require("./extension.bundle.js");
load.end = performance.now();
load.endCpu = cpu();
`;

/** The CommonJS wrapper of the bundle, the same text when the cache is made and when it is used. */
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';
/**
 * dist/cli.js, the `shipshape` command: runs the CLI bundle (dist/cli.bundle.js) with the V8 code
 * cache this build made of it (dist/cli.bundle.cache, see writeCliCodeCache), so a run does not
 * compile again the functions it uses: about a tenth of a check of a large manifest, and a third of
 * starting the CLI. The cache serves only the bundle it was made from (the bundle's SHA-256 heads
 * the file; V8 itself checks no more than the source's length) and only a Node whose V8 accepts
 * it; otherwise the bundle is compiled as usual. SHIPSHAPE_DEBUG says which it was.
 */
const CLI_LOADER = `#!/usr/bin/env node
"use strict";
// The shipshape command: runs cli.bundle.js with the code cache made of it at build time (scripts/build.mjs).
const fs = require("fs"), path = require("path"), vm = require("vm"), crypto = require("crypto"), Module = require("module");
const file = path.join(__dirname, "cli.bundle.js");
const source = fs.readFileSync(file);
let cachedData, cacheState = "absent";
try {
  const cache = fs.readFileSync(path.join(__dirname, "cli.bundle.cache"));
  if (cache.subarray(0, 32).equals(crypto.createHash("sha256").update(source).digest())) cachedData = cache.subarray(32);
  else cacheState = "made from another bundle";
} catch {}
const script = new vm.Script(${JSON.stringify(WRAP_HEAD)} + source.toString("utf8") + ${JSON.stringify(WRAP_TAIL)}, { filename: file, cachedData });
if (cachedData) cacheState = script.cachedDataRejected ? "rejected by this Node" : "used";
if (process.env.SHIPSHAPE_DEBUG) process.stderr.write("shipshape: code cache " + cacheState + "\\n");
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, Module.createRequire(file), bundle, file, __dirname);
bundle.exports.runCli();
`;

/**
 * The code cache of the CLI bundle: the bundle is compiled and run here on the bundled examples
 * (every analyser; JSON, text and SARIF output), then V8's cache of everything it compiled is
 * written, headed by the bundle's SHA-256.
 */
async function writeCliCodeCache() {
  const require = createRequire(import.meta.url);
  const vm = require('node:vm');
  const Module = require('node:module');
  const crypto = require('node:crypto');
  const path = require('node:path');
  const file = path.resolve('dist/cli.bundle.js');
  const source = readFileSync(file);
  const script = new vm.Script(WRAP_HEAD + source.toString('utf8') + WRAP_TAIL, { filename: file });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, Module.createRequire(file), bundle, file, path.dirname(file));
  const io = { stdout: () => true, stderr: () => true, isTTY: false, env: {}, cwd: process.cwd() };
  for (const format of ['json', 'text', 'sarif']) await bundle.exports.main(['check', 'examples', '--format', format, '--fail-on', 'none', '--no-render'], io);
  writeFileSync('dist/cli.bundle.cache', Buffer.concat([crypto.createHash('sha256').update(source).digest(), script.createCachedData()]));
}

/**
 * `import * as vscode from 'vscode'` of an external module becomes, in a CommonJS bundle, a copy
 * of the module object per importing file (esbuild's `__toESM` defines a getter for each of the
 * API's few hundred members): that was most of the cost of loading the extension's bundle in the
 * extension host. As `import vscode = require('vscode')` (the same binding for TypeScript) the
 * bundle uses the module object itself. The same for Node's built-in modules.
 */
const NAMESPACE_IMPORT = /^import \* as (\w+) from '(vscode|fs|path|os|crypto|child_process|node:[a-z_]+)';$/gm;
function directExternals() {
  return {
    name: 'direct-externals',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        return { contents: text.replace(NAMESPACE_IMPORT, "import $1 = require('$2');"), loader: 'ts' };
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

/**
 * `yaml` reads two debugging switches of its own, `LOG_TOKENS` and `LOG_STREAM`, from
 * `process.env` once for every token it parses (`require('process').env`): in Node each read is a
 * call into the environment (getenv), a tenth of the work of parsing a large manifest. In our
 * bundles the `process` yaml requires is one whose `env` holds those two values, read once when
 * the bundle loads; everything else yaml asks of `process` (`emitWarning`) is Node's.
 */
function yamlProcessOnce() {
  return {
    name: 'yaml-process-once',
    setup(build) {
      build.onResolve({ filter: /^(node:)?process$/ }, (args) =>
        /[\\/]node_modules[\\/]yaml[\\/]/.test(args.importer) ? { path: 'yaml-process', namespace: 'yaml-process-once' } : undefined);
      build.onLoad({ filter: /.*/, namespace: 'yaml-process-once' }, () => ({
        contents: [
          'const p = require("process");',
          'module.exports = {',
          '  env: { LOG_TOKENS: p.env.LOG_TOKENS, LOG_STREAM: p.env.LOG_STREAM },',
          '  emitWarning: (...args) => p.emitWarning(...args),',
          '};',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

await Promise.all([
  // What activation loads: the client, diagnostics, code actions, hover, language status.
  esbuild.build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.bundle.js',
    external: ['vscode'],
    plugins: [lazyModules('.'), directExternals(), yamlProcessOnce()],
  }).then(() => writeFileSync('dist/extension.js', LOADER)),
  // The feature groups loaded after activation or on first use.
  ...Object.entries(GROUPS).map(([name, entry]) =>
    esbuild.build({ ...common, entryPoints: { [name]: entry }, outdir: 'dist/lib', external: ['vscode'], plugins: [lazyModules('lib', true), directExternals(), yamlProcessOnce()] })),
  esbuild.build({ ...common, entryPoints: SCAN_LAZY_ENTRIES, outdir: 'dist/lib', plugins: [lazyModules('lib', true), directExternals(), yamlProcessOnce()] }),
  ...['yaml', 'vscode-languageclient/node'].map((pkg) =>
    esbuild.build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' }, outfile: `dist/lib/${LAZY[pkg]}`, external: ['vscode'], plugins: [yamlProcessOnce()] })),
  esbuild.build({ ...common, entryPoints: { inspect: 'src/node/inspect/index.ts' }, outdir: 'dist/lib', plugins: [yamlProcessOnce()] }),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.bundle.js', plugins: [directYaml(), yamlProcessOnce()] }).then(() => writeFileSync('dist/cli.js', CLI_LOADER, { mode: 0o755 })),
  // The language server (`node dist/server.js --stdio`, `shipshape lsp --stdio`); also its analysis workers' entry.
  esbuild.build({ ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js', plugins: [yamlProcessOnce()] }),
]);
// After the bundles: the CLI's code cache is made by running the CLI bundle.
await writeCliCodeCache();
