/**
 * Activation stays cheap (#15): dist/extension.js is a small loader; the bundle it requires
 * (dist/extension.bundle.js) holds what the first diagnostic, hover and quick fix need, and the
 * other features are groups of their own (dist/lib/images.js, dist/lib/tools.js) that load after
 * activation or on first use. Here the built bundles run against a recording stand-in for the
 * `vscode` module: which commands activation registers, what it leaves to the groups, and that
 * every contributed command still reaches its implementation. The real host's activation time
 * is measured by test/integration/diagnostics.test.ts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ensureServerBuilt, ROOT } from './lsp-client';

const DIST = path.join(ROOT, 'dist');
const read = (rel: string) => fs.readFileSync(path.join(DIST, rel), 'utf8');

interface Recorder {
  commands: Map<string, (...args: unknown[]) => unknown>;
  /** Every API call by name (`window.createTreeView`, `languages.registerCodeLensProvider`…), in order. */
  calls: string[];
}

/** A `vscode` stand-in: every member is a callable, constructible object; calls are recorded. */
function fakeVscode(rec: Recorder): Record<string, unknown> {
  const deep = (name: string): any => {
    const own: Record<string | symbol, unknown> = Object.create(null);
    const target = function () { /* stand-in */ };
    return new Proxy(target, {
      get(t, k) {
        if (Object.hasOwn(own, k)) return own[k];
        if (k === 'then' || k === '__esModule') return undefined;
        if (k === Symbol.toPrimitive) return () => '';
        if (k === Symbol.iterator) return function* () { /* empty */ };
        if (k === 'prototype') return t.prototype;
        if (k === 'length') return 0;
        if (k === 'fsPath' || k === 'path') return '/nonexistent/shipshape-test';
        if (k === 'scheme') return 'file';
        own[k] = deep(`${name}.${String(k)}`);
        return own[k];
      },
      set(_t, k, v) { own[k] = v; return true; },
      defineProperty(_t, k, d) { own[k] = d.value; return true; },
      apply(_t, _this, args) {
        rec.calls.push(name);
        if (name === 'commands.registerCommand') {
          const [id, fn, thisArg] = args as [string, (...a: unknown[]) => unknown, unknown];
          assert.ok(!rec.commands.has(id), `command ${id} registered twice`);
          rec.commands.set(id, (...a: unknown[]) => fn.apply(thisArg, a));
          return { dispose: () => rec.commands.delete(id) };
        }
        if (name.endsWith('.get')) return args[1];
        return deep(`${name}()`);
      },
      construct() { return deep(`new ${name}`); },
    });
  };
  const api: Record<string, unknown> = {};
  for (const n of ['commands', 'window', 'workspace', 'languages', 'env', 'extensions', 'l10n', 'Uri', 'EventEmitter', 'Disposable', 'TreeItem',
    'TreeItemCollapsibleState', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'Range', 'Position', 'Selection', 'Diagnostic', 'DiagnosticSeverity',
    'DiagnosticTag', 'CodeAction', 'CodeActionKind', 'CodeLens', 'Hover', 'WorkspaceEdit', 'SnippetString', 'StatusBarAlignment', 'ProgressLocation',
    'LanguageStatusSeverity', 'ViewColumn', 'FileType', 'ConfigurationTarget', 'QuickPickItemKind', 'TabInputText', 'TabInputTextDiff', 'RelativePattern',
    'CancellationTokenSource', 'CancellationError', 'Location', 'DiagnosticRelatedInformation', 'TextEdit']) api[n] = deep(n);
  api.l10n = { t: (s: string) => s };
  return api;
}

interface Api {
  activationTimeMs: number; activateOnlyMs: number; loadMs: number; activationCpuMs: number;
  groups: { imagesLoaded: boolean; toolsLoaded: boolean; implements(id: string): boolean };
  scan: { tree: unknown }; signing: { statuses: unknown }; workspaceCheck: { run: unknown };
}

describe('activation loads little (dist/extension.js and its lazily loaded groups)', function () {
  this.timeout(60_000);
  const rec: Recorder = { commands: new Map(), calls: [] };
  const subscriptions: Array<{ dispose(): unknown }> = [];
  const loadedBefore = new Set<string>();
  const deferred: Array<{ fn: () => void; ms: number }> = [];
  let api: Api;
  let afterActivation: { commands: string[]; calls: string[]; modules: string[] };
  type Resolve = (request: string, ...rest: unknown[]) => string;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const M = require('module') as { _resolveFilename: Resolve };
  let resolve: Resolve;
  const contributed: string[] = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.commands as Array<{ command: string }>).map((c) => c.command);

  before(() => {
    ensureServerBuilt();
    resolve = M._resolveFilename;
    M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
    };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode(rec) } as unknown as NodeModule;
    for (const k of Object.keys(require.cache)) if (k.startsWith(DIST)) delete require.cache[k];
    for (const k of Object.keys(require.cache)) loadedBefore.add(k);
    const context = {
      subscriptions,
      extensionUri: { fsPath: ROOT, scheme: 'file', path: ROOT },
      globalStorageUri: { fsPath: '/nonexistent/shipshape-test', scheme: 'file' },
      logUri: { fsPath: '/nonexistent/shipshape-test', scheme: 'file' },
      extension: { packageJSON: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) },
      workspaceState: { get: (_k: string, d?: unknown) => d, update: async () => undefined, keys: () => [] },
      globalState: { get: (_k: string, d?: unknown) => d, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined },
      secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() { /* none */ } }) },
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(path.join(DIST, 'extension.js')) as { activate(c: unknown): Api };
    // Activation's timers are kept, not run: the language server is never started here.
    const realSetTimeout = global.setTimeout;
    global.setTimeout = ((fn: () => void, ms?: number) => { deferred.push({ fn, ms: ms ?? 0 }); return { ref() { return this; }, unref() { return this; }, hasRef: () => false }; }) as unknown as typeof setTimeout;
    try {
      api = ext.activate(context);
    } finally {
      global.setTimeout = realSetTimeout;
    }
    afterActivation = {
      commands: [...rec.commands.keys()],
      calls: [...rec.calls],
      modules: Object.keys(require.cache).filter((k) => !loadedBefore.has(k)),
    };
  });

  after(() => {
    // Disposing before the timers run: the language server is never started here.
    for (const d of subscriptions.splice(0)) d.dispose();
    M._resolveFilename = resolve;
    delete require.cache.vscode;
    for (const k of Object.keys(require.cache)) if (k.startsWith(DIST)) delete require.cache[k];
  });

  it('dist/extension.js is a loader that times requiring the activation bundle', () => {
    const loader = read('extension.js');
    assert.ok(loader.length < 600, `${loader.length} bytes`);
    assert.match(loader, /start: performance\.now\(\)[\s\S]*require\("\.\/extension\.bundle\.js"\)[\s\S]*\.end = performance\.now\(\)/);
    assert.ok(api.loadMs > 0, `the load was measured: ${api.loadMs}`);
    assert.ok(Math.abs(api.activationTimeMs - (api.loadMs + api.activateOnlyMs)) < 1e-6);
    assert.ok(api.activationCpuMs > 0);
    const threadCpu = typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function';
    assert.strictEqual((api as unknown as { activationCpuScope: string }).activationCpuScope, threadCpu ? 'thread' : 'process');
  });

  it('the loader counts the CPU time of its thread where Node tells it, else of the process', () => {
    const loader = read('extension.js');
    const run = (proc: Record<string, unknown>) => {
      const g: { __shipshapeLoad?: { startCpu: unknown; endCpu: unknown } } = {};
      // The loader's text as Node's CommonJS wrapper runs it, with a stand-in process and require.
      new Function('globalThis', 'process', 'performance', 'module', 'require', loader)(g, proc, { now: () => 1 }, {}, () => ({}));
      return g.__shipshapeLoad!;
    };
    let n = 0;
    const tick = () => ({ user: ++n * 1000, system: 0 });
    const refuse = () => { throw new Error('the process-wide figure was read'); };
    const thread = run({ threadCpuUsage: tick, cpuUsage: refuse });
    assert.deepStrictEqual([thread.startCpu, thread.endCpu], [{ user: 1000, system: 0 }, { user: 2000, system: 0 }]);
    const whole = run({ cpuUsage: tick });
    assert.deepStrictEqual([whole.startCpu, whole.endCpu], [{ user: 3000, system: 0 }, { user: 4000, system: 0 }]);
  });

  it('keeps the activation bundle small and without the feature groups', () => {
    const bundle = read('extension.bundle.js');
    // 233 KB when everything was loaded at activation (session 4); about 25 KB now.
    assert.ok(bundle.length < 40_000, `dist/extension.bundle.js is ${bundle.length} bytes`);
    const images = read('lib/images.js');
    const tools = read('lib/tools.js');
    // Strings of each group's own modules (minification keeps string literals).
    const markers: Array<[string, string]> = [
      [images, 'Shipshape Scan'], // scan diagnostics' source
      [images, 'Shipshape Image Scan'], // the status bar item's name
      [images, 'Forgot {0} saved key password(s).'], // signing
      [images, 'shipshape.inspect.lastReference'], // inspection
      [images, 'shipshape.vulnerabilityDetails'], // the details webview
      [images, 'Scan image'], // the CodeLens
      [tools, 'Where does your pipeline run?'], // Generate CI Pipeline
      [tools, 'A Dockerfile with problems Shipshape finds and fixes.'], // the walkthrough's sample
    ];
    for (const [group, marker] of markers) {
      assert.ok(group.includes(marker), `the group bundle has ${JSON.stringify(marker)} (a marker that can be found)`);
      assert.ok(!bundle.includes(marker), `dist/extension.bundle.js contains ${JSON.stringify(marker)}`);
    }
    // picomatch (signing scope), the SARIF writer and the pipeline templates are not loaded at activation.
    for (const marker of ['POSIX_REGEX_SOURCE', 'sarif-schema', 'sigstore/cosign-installer']) {
      assert.ok(!bundle.includes(marker), `dist/extension.bundle.js contains ${JSON.stringify(marker)}`);
    }
    const lazy = [...new Set([...bundle.matchAll(/require\("(\.\/[^"]+)"\)/g)].map((m) => m[1]))].sort();
    assert.deepStrictEqual(lazy, ['./lib/images.js', './lib/languageclient.js', './lib/tools.js']);
  });

  it('the images group leaves the scanner adapters, the runner and YAML to bundles required on use', () => {
    const images = read('lib/images.js');
    assert.ok(images.length < 180_000, `dist/lib/images.js is ${images.length} bytes`);
    const lazy = [...new Set([...images.matchAll(/require\("(\.\/[^"]+)"\)/g)].map((m) => m[1]))].sort();
    assert.deepStrictEqual(lazy, ['./inspect.js', './scan-core.js', './scan-runner.js', './yaml.js']);
    // The SARIF writer's schema and the runner's Docker image listing.
    for (const [file, marker] of [['lib/scan-core.js', 'https://json.schemastore.org/sarif-2.1.0.json'], ['lib/scan-runner.js', '{{json .}}']]) {
      assert.ok(read(file).includes(marker), `${file} has ${JSON.stringify(marker)} (a marker that can be found)`);
      assert.ok(!images.includes(marker), `dist/lib/images.js contains ${JSON.stringify(marker)}`);
    }
  });

  it('activation requires only the loader and the activation bundle, and creates no view, CodeLens or watcher', () => {
    assert.deepStrictEqual(afterActivation.modules.map((k) => path.relative(DIST, k)).sort(), ['extension.bundle.js', 'extension.js']);
    for (const call of ['window.createTreeView', 'languages.registerCodeLensProvider', 'window.createStatusBarItem', 'workspace.createFileSystemWatcher']) {
      assert.ok(!afterActivation.calls.includes(call), `activation called ${call}`);
    }
    // The base-image comparison's code actions: registered at activation, asked of the group once loaded.
    assert.strictEqual(afterActivation.calls.filter((c) => c === 'languages.registerCodeActionsProvider').length, 1);
  });

  it('starts the language server after activation returned', () => {
    assert.deepStrictEqual(deferred.map((d) => d.ms), [0], 'one timer: the client start, then the images group');
    assert.ok(!afterActivation.modules.some((k) => /languageclient/.test(k)), 'the language client is not loaded at activation');
  });

  it('registers every contributed command at activation (most as thin handlers), without loading a group', () => {
    assert.deepStrictEqual([...afterActivation.commands].sort(), [...contributed].sort());
    assert.strictEqual(api.groups.imagesLoaded, false);
    assert.strictEqual(api.groups.toolsLoaded, false);
  });

  it('the images group adds its views and the commands only its tree items and CodeLens run', () => {
    const before = new Set(rec.commands.keys());
    const callsBefore = rec.calls.length;
    assert.ok(api.scan.tree, 'the API loads the images group');
    assert.strictEqual(api.groups.imagesLoaded, true);
    assert.strictEqual(api.groups.toolsLoaded, false);
    assert.strictEqual(api.signing.statuses !== undefined, true);
    const calls = rec.calls.slice(callsBefore);
    for (const call of ['window.createTreeView', 'languages.registerCodeLensProvider', 'window.createStatusBarItem']) {
      assert.ok(calls.includes(call), `the images group called ${call}: ${[...new Set(calls)].join(', ')}`);
    }
    // VS Code cancels a code-action request when the providers change while it runs; the group loads as quick fixes are asked for.
    assert.ok(!calls.includes('languages.registerCodeActionsProvider'), 'the images group registers no code-action provider');
    const added = [...rec.commands.keys()].filter((id) => !before.has(id));
    // Not in package.json (run from the tree and the hover): registered by the group itself.
    for (const id of added) assert.ok(!contributed.includes(id), `${id} is contributed, so activation should have registered it`);
  });

  it('each thin handler reaches its group\'s command; the tools group loads when one of its commands runs', async () => {
    assert.strictEqual(api.groups.toolsLoaded, false);
    // Refused without arguments in a workspace without folders, but it ran the real command.
    const outcome = await rec.commands.get('shipshape.generatePipeline')!({ provider: 'nope' });
    assert.strictEqual(api.groups.toolsLoaded, true);
    assert.ok(outcome && typeof outcome === 'object' && 'ok' in outcome, `the pipeline command answered: ${JSON.stringify(outcome)}`);
    assert.ok(api.workspaceCheck.run);
    // Every contributed command has an implementation: activation's own, or its group's.
    const own = ['shipshape.showRuleDocumentation', 'shipshape.insertSnippet', 'shipshape.ignoreRuleInFile', 'shipshape.revalidate', 'shipshape.showOutput'];
    const missing = contributed.filter((id) => !own.includes(id) && !api.groups.implements(id));
    assert.deepStrictEqual(missing, []);
    assert.strictEqual(api.groups.implements('shipshape.showOutput'), false, 'activation implements it itself');
    assert.strictEqual(api.groups.implements('shipshape.noSuchCommand'), false);
  });
});
