#!/usr/bin/env node
// Runs the integration tests (out/test/integration/index.js, the @vscode/test-electron contract:
// it exports run(): Promise<void>) inside the real VS Code extension host of an isolated
// code-server, with headless chromium as the workbench window. Exit code = the tests' result.
//
//   node test/vscode/run.js [--grep PATTERN] [--trusted|--untrusted|--multiroot|--nofolder|--zhcn] [--workspace DIR] [--timeout SECONDS]
//                           [--extensionDevelopmentPath DIR] [--extensionTestsPath FILE]
//
// Without --trusted/--untrusted it runs the trusted session and then, if any *.untrusted.test.js
// exists next to the tests' index.js, a second session in an untrusted workspace.
//
// See test/vscode/README.md for the conventions (untrusted tests, environment variables).
'use strict';
const fs = require('fs');
const path = require('path');
const runtime = require('./runtime');
const lib = require('./lib');

const USAGE = 'usage: node test/vscode/run.js [--grep PATTERN] [--trusted|--untrusted|--multiroot|--nofolder|--zhcn] [--workspace DIR] [--timeout SECONDS]\n' +
  '                               [--extensionDevelopmentPath DIR] [--extensionTestsPath FILE]';
const DEFAULT_TIMEOUT_S = 600;

/**
 * Runs one integration test session; resolves to the process exit code (0 = all tests passed).
 * Environment for the tests: SHIPSHAPE_TEST_GREP, SHIPSHAPE_TEST_MODE (trusted|untrusted).
 */
async function runTests(opts = {}) {
  const t0 = Date.now();
  const extensionDevelopmentPath = path.resolve(opts.extensionDevelopmentPath || lib.REPO_ROOT);
  const extensionTestsPath = path.resolve(opts.extensionTestsPath || path.join(lib.REPO_ROOT, 'out', 'test', 'integration', 'index.js'));
  const layout = opts.layout || (opts.untrusted ? 'untrusted' : 'trusted');
  const defaultWorkspace = layout === 'multiroot' ? path.join(lib.REPO_ROOT, 'test', 'fixtures', 'multiroot') : path.join(lib.REPO_ROOT, 'test', 'fixtures', 'workspace');
  const workspaceSource = path.resolve(opts.workspace || defaultWorkspace);
  const trusted = layout !== 'untrusted';
  const timeoutMs = Number(opts.timeoutSeconds || process.env.SHIPSHAPE_TEST_TIMEOUT || DEFAULT_TIMEOUT_S) * 1000;

  if (!fs.existsSync(extensionTestsPath)) {
    console.error(`[run] ${path.relative(process.cwd(), extensionTestsPath)} does not exist: compile the tests first (npx tsc -p .)`);
    return 1;
  }
  const rt = await runtime.ensureRuntime();
  const sb = lib.createSandbox({ trusted });
  // What the window opens: a folder (trusted/untrusted), a .code-workspace with every
  // subfolder of the fixture as a root (multiroot), or nothing (nofolder).
  let workspace;
  let openParams;
  if (layout === 'nofolder') {
    workspace = '(no folder)';
    openParams = { ew: 'true' };
  } else if (layout === 'multiroot') {
    const copy = lib.copyWorkspace(sb, workspaceSource);
    const folders = fs.readdirSync(copy, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => ({ path: e.name })).sort((a, b) => a.path.localeCompare(b.path));
    workspace = path.join(copy, 'shipshape-tests.code-workspace');
    fs.writeFileSync(workspace, JSON.stringify({ folders, settings: {} }, null, 2));
    openParams = { workspace };
  } else {
    workspace = lib.copyWorkspace(sb, workspaceSource);
    openParams = { folder: workspace };
  }
  // The extension host inherits the server's environment: this is how options reach mocha.
  sb.env.SHIPSHAPE_TEST_MODE = layout;
  if (opts.grep) sb.env.SHIPSHAPE_TEST_GREP = opts.grep; else delete sb.env.SHIPSHAPE_TEST_GREP;

  const extraArgs = ['--vscode-option', 'enable-smoke-test-driver'];
  if (layout === 'zhcn') extraArgs.push('--locale', writeEmptyLanguagePack(sb, 'zh-cn'));

  let server;
  let browser;
  let page;
  let timer;
  try {
    // A built workbench only honours the test payload when this smoke-test flag is on.
    server = await lib.startCodeServer(rt, sb, { extraArgs });
    console.log(`[run] code-server up on ${server.authority} after ${lib.seconds(Date.now() - t0)}` +
      ` (${layout === 'untrusted' ? 'UNTRUSTED' : layout} workspace ${workspace})`);
    browser = await lib.launchBrowser(rt, sb);
    page = await (await browser.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

    // The workbench calls codeAutomationExit(code) when the test runner's promise settles
    // (the hook @vscode/test-web uses).
    let reportExit;
    const finished = new Promise((resolve) => { reportExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code)));
    const flushed = lib.relayExtensionHostConsole(page);

    const payload = [
      ['extensionDevelopmentPath', lib.remoteUri(server, extensionDevelopmentPath)],
      ['extensionTestsPath', lib.remoteUri(server, extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    const query = new URLSearchParams({ ...openParams, payload: JSON.stringify(payload) });
    if (lib.VERBOSE) console.log(`[run] opening ${server.url}/?${query}`);
    await page.goto(`${server.url}/?${query}`);

    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs - (Date.now() - t0))); });
    const result = await Promise.race([finished, timedOut]);
    if (result === 'timeout') {
      console.error(`[run] TIMEOUT: the extension tests did not finish within ${timeoutMs / 1000} s ` +
        '(raise it with --timeout SECONDS or SHIPSHAPE_TEST_TIMEOUT; VERBOSE=1 shows the server log)');
      await screenshot(page, 'integration-timeout');
      if (lib.VERBOSE) console.error(server.getLog().split('\n').slice(-30).join('\n'));
      lib.printExtensionHostLogs(sb);
      return 1;
    }
    await Promise.race([flushed(), new Promise((r) => setTimeout(r, 2000))]);
    return result;
  } finally {
    clearTimeout(timer);
    if (browser) await browser.close();
    if (server) await server.stop();
    sb.dispose();
    console.log(`[run] total ${lib.seconds(Date.now() - t0)}`);
  }
}

/**
 * VS Code only switches to a display language it has a language pack for (a Marketplace download).
 * A pack without translations is enough for what the zhcn session tests: VS Code's own strings
 * stay English, `vscode.env.language` becomes the locale, and extensions load their
 * `package.nls.<locale>.json` and `l10n/bundle.l10n.<locale>.json`. Returns the locale.
 */
function writeEmptyLanguagePack(sb, locale) {
  const dir = path.join(sb.userData, 'empty-language-pack');
  fs.mkdirSync(dir, { recursive: true });
  const translations = path.join(dir, 'main.i18n.json');
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const pack = { hash: `shipshape-empty-${locale}`, extensions: [{ extensionIdentifier: { id: 'shipshape.empty-language-pack' }, version: '1.0.0' }], translations: { vscode: translations }, label: locale };
  fs.writeFileSync(path.join(sb.userData, 'languagepacks.json'), JSON.stringify({ [locale]: pack }));
  return locale;
}

async function screenshot(page, name) {
  try {
    const dir = path.join(lib.REPO_ROOT, 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}-${Date.now()}.png`);
    await page.screenshot({ path: file });
    console.error(`[run] screenshot ${path.relative(process.cwd(), file)}`);
  } catch { /* page already gone */ }
}

/** Whether any compiled test file below `dir` ends with `suffix`. */
function hasTests(dir, suffix) {
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    (e.isDirectory() && hasTests(path.join(dir, e.name), suffix)) || (e.isFile() && e.name.endsWith(suffix)));
}

/** Sessions other than the trusted one, each run only when it has test files (`*.<layout>.test.js`). */
const EXTRA_LAYOUTS = ['untrusted', 'multiroot', 'nofolder', 'zhcn'];

/** Which sessions a CLI invocation runs: trusted, then each other layout that has tests. */
function sessionsFor(args) {
  const only = ['trusted', ...EXTRA_LAYOUTS].filter((l) => args[l]);
  if (only.length > 1) throw new lib.UsageError(`--${only.join(' and --')} exclude each other`);
  if (only.length === 1) return only;
  const testsDir = path.dirname(path.resolve(args.extensionTestsPath || path.join(lib.REPO_ROOT, 'out', 'test', 'integration', 'index.js')));
  return ['trusted', ...EXTRA_LAYOUTS.filter((l) => hasTests(testsDir, `.${l}.test.js`))];
}

async function main(args) {
  const sessions = sessionsFor(args);
  let worst = 0;
  for (const mode of sessions) {
    if (sessions.length > 1) console.log(`[run] === ${mode} workspace session ===`);
    const code = await runTests({ ...args, layout: mode, untrusted: mode === 'untrusted', timeoutSeconds: args.timeout });
    if (code !== 0) worst = code;
  }
  return worst;
}

module.exports = { runTests, sessionsFor, writeEmptyLanguagePack };

if (require.main === module) {
  lib.installExitHandlers('run');
  let args;
  try {
    args = lib.parseArgs(process.argv.slice(2), {
      grep: 'value', trusted: 'flag', untrusted: 'flag', multiroot: 'flag', nofolder: 'flag', zhcn: 'flag', workspace: 'value', timeout: 'value',
      extensionDevelopmentPath: 'value', extensionTestsPath: 'value', help: 'flag',
    });
  } catch (e) {
    console.error(`[run] ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) { console.log(USAGE); process.exit(0); }
  main(args).then((code) => {
    console.log(`[run] integration tests ${code === 0 ? 'passed' : `FAILED (exit code ${code})`}`);
    process.exit(code);
  }, (e) => {
    if (e instanceof lib.UsageError) { console.error(`[run] ${e.message}\n${USAGE}`); process.exit(2); }
    console.error(`[run] ${e instanceof runtime.RuntimeError ? e.message : (e && e.stack) || e}`);
    process.exit(1);
  });
}
