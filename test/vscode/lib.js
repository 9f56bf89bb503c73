// Pieces shared by the launchers: an isolated sandbox per run, code-server in its own process
// group, headless Debian chromium through playwright-core, and cleanup that also runs when the
// launcher is interrupted.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const util = require('util');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const VERBOSE = process.env.VERBOSE === '1';
// Captured before launchBrowser points TMPDIR into a sandbox.
const SYSTEM_TMP = os.tmpdir();

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Minimal `--name value` / `--name=value` / `--flag` parser; unknown options are an error. */
function parseArgs(argv, spec) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in spec)) throw new UsageError(`unknown argument: ${argv[i]}`);
    const [, name, inline] = m;
    if (spec[name] === 'flag') { out[name] = true; continue; }
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

class UsageError extends Error {}

// --- cleanup: whatever happens, the server group dies and the sandbox goes away -------------

const cleanups = [];
let exiting = false;

/** Registers a synchronous cleanup step; run in reverse order on exit, signal or crash. */
function onCleanup(fn) {
  cleanups.push(fn);
  return () => { const i = cleanups.indexOf(fn); if (i >= 0) cleanups.splice(i, 1); };
}

function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { fn(); } catch { /* keep cleaning */ }
  }
}

function installExitHandlers(label) {
  process.on('exit', runCleanups);
  const die = (code, why) => {
    if (exiting) return;
    exiting = true;
    console.error(`[${label}] ${why}; stopping code-server and the browser`);
    runCleanups();
    process.exit(code);
  };
  process.on('SIGINT', () => die(130, 'interrupted (SIGINT)'));
  process.on('SIGTERM', () => die(143, 'terminated (SIGTERM)'));
  process.on('SIGHUP', () => die(129, 'hang-up (SIGHUP)'));
  process.on('uncaughtException', (e) => die(1, `uncaught error: ${(e && e.stack) || e}`));
  process.on('unhandledRejection', (e) => die(1, `unhandled rejection: ${(e && e.stack) || e}`));
}

// --- sandbox ---------------------------------------------------------------------------------

/**
 * A fresh folder for one run: user data, extensions, XDG dirs and TMPDIR. Kept short and in the
 * system temp dir because code-server puts unix sockets in TMPDIR (path length limit ~107).
 */
function createSandbox({ trusted = true } = {}) {
  const root = fs.mkdtempSync(path.join(SYSTEM_TMP, 'shipshape-vsc-'));
  const dirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    tmp: path.join(root, 't'),
    xdgConfig: path.join(root, 'xdg-config'),
    xdgData: path.join(root, 'xdg-data'),
    xdgCache: path.join(root, 'xdg-cache'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(root, 'config.yaml'), 'auth: none\n');
  const settings = {
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'github.gitAuthentication': false,
    'npm.autoDetect': 'off',
    'typescript.disableAutomaticTypeAcquisition': true,
    // Trusted runs never see trust UI; untrusted runs stay in restricted mode without a modal.
    'security.workspace.trust.enabled': !trusted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'security.workspace.trust.emptyWindow': false,
  };
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    TMPDIR: dirs.tmp,
  };
  const sandbox = { ...dirs, trusted, env };
  const removeCleanup = onCleanup(() => removeSandbox(sandbox));
  sandbox.dispose = () => { removeCleanup(); removeSandbox(sandbox); };
  return sandbox;
}

function removeSandbox(sb) {
  if (process.env.KEEP_TMP === '1') { console.log(`[vscode] kept sandbox ${sb.root}`); return; }
  fs.rmSync(sb.root, { recursive: true, force: true });
}

/** Copies a workspace fixture into the sandbox so tests may edit files freely. */
function copyWorkspace(sb, source) {
  const src = path.resolve(source);
  if (!fs.statSync(src).isDirectory()) throw new UsageError(`workspace is not a folder: ${src}`);
  const dest = path.join(sb.root, 'workspace', path.basename(src));
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

// --- code-server -----------------------------------------------------------------------------

function serverArgs(rt, sb) {
  return [
    rt.codeServerEntry,
    '--config', path.join(sb.root, 'config.yaml'),
    '--user-data-dir', sb.userData,
    '--extensions-dir', sb.extensions,
  ];
}

/** code-server --install-extension FILE.vsix into the sandbox (offline). */
function installExtension(rt, sb, vsix) {
  const out = execFileSync(rt.node, [...serverArgs(rt, sb), '--install-extension', vsix, '--force'],
    { env: sb.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (VERBOSE) process.stdout.write(out);
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
  return out;
}

async function startCodeServer(rt, sb, { extraArgs = [], startTimeoutMs = 60000 } = {}) {
  const port = await freePort();
  const args = [...serverArgs(rt, sb),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    ...(sb.trusted ? ['--disable-workspace-trust'] : []),
    ...extraArgs];
  if (VERBOSE) console.log(`[vscode] ${rt.node} ${args.join(' ')}`);
  // Own process group: killing it ends the extension host, pty host and watchers too.
  const proc = spawn(rt.node, args, { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (sig) => { try { process.kill(-proc.pid, sig); } catch { /* already gone */ } };
  const removeCleanup = onCleanup(() => killGroup('SIGKILL'));
  let log = '';
  const onData = (d) => {
    log += d;
    if (log.length > 2_000_000) log = log.slice(-1_000_000);
    if (VERBOSE) process.stdout.write(String(d).replace(/^(?=.)/gm, '[code-server] '));
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within ${startTimeoutMs / 1000} s:\n${log}`)), startTimeoutMs);
    const check = () => { if (/HTTP server listening/.test(log)) { clearTimeout(timer); resolve(); } };
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited (${code}):\n${log}`)); });
  });
  const stop = async () => {
    killGroup('SIGTERM');
    for (let i = 0; i < 50; i++) {
      try { process.kill(-proc.pid, 0); } catch { break; }
      await new Promise((r) => setTimeout(r, 100));
    }
    killGroup('SIGKILL');
    removeCleanup();
  };
  const authority = `127.0.0.1:${port}`;
  return { port, authority, url: `http://${authority}`, proc, stop, getLog: () => log };
}

// --- browser ---------------------------------------------------------------------------------

async function launchBrowser(rt, sb) {
  const { chromium } = require('playwright-core');
  // playwright's temporary profile follows os.tmpdir(), chromium's crash reports XDG_CONFIG_HOME.
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = sb.tmp;
  const restoreTmpdir = () => {
    if (previousTmpdir === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = previousTmpdir;
  };
  const browser = await chromium.launch({
    executablePath: rt.chromium,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: sb.xdgConfig, XDG_CACHE_HOME: sb.xdgCache, TMPDIR: sb.tmp },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Playwright kills its browsers on exit as well; this covers the signal path explicitly.
  const browserProcess = browser._browserProcess || null;
  const removeCleanup = onCleanup(() => {
    const pid = browserProcess && browserProcess.pid;
    if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  });
  return {
    browser,
    close: async () => {
      try { await browser.close(); } catch { /* already closed */ }
      removeCleanup();
      restoreTmpdir();
    },
  };
}

// Workbench chatter that is not extension-host output (shown with VERBOSE=1).
const NOISE = /^Creation of workbench contribution|^\[(AgentHost|ChatModelSelection|Service Worker|AccountPolicyGate|reconnection-grace-time)|^Failed to load resource|^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin extensions cache|^The web worker extension host|^An iframe which has both|vsda|open-vsx\.org|ENOTFOUND|authentication provider 'github'|An unknown error occurred|^\s*$/;

/**
 * Re-prints the extension host's console output (mocha's reporter), which reaches the browser
 * console as console.log('%c INFO', css, format, ...args), in order. Returns a promise getter
 * that settles once everything received so far is printed.
 */
function relayExtensionHostConsole(page, { write = (line) => console.log(line) } = {}) {
  let chain = Promise.resolve();
  let previous = '';
  const format = async (msg) => {
    let values;
    try { values = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => a.toString()))); } catch { values = []; }
    if (!values.length) values = [msg.text()];
    if (typeof values[0] === 'string' && values[0].includes('%c')) {
      const styles = (values[0].match(/%c/g) || []).length;
      values = [values[0].replace(/%c/g, '').trim(), ...values.slice(1 + styles)];
    }
    let level = '';
    if (typeof values[0] === 'string' && /^(TRACE|DEBUG|INFO|WARN|ERR)$/.test(values[0])) level = values.shift();
    const text = values.length ? util.format(...values) : '';
    if (!VERBOSE && NOISE.test(text)) return;
    if (!VERBOSE && level === '' && msg.type() !== 'error' && !/%c/.test(msg.text())) {
      // Plain workbench logs (not extension-host output) are noise in a test report.
      if (/^\[|^(Extension|Started|Activating|Ignoring)/.test(text)) return;
    }
    // The workbench echoes the runner's rejection once more without the level prefix.
    if (text === previous && text.includes('\n')) return;
    previous = text;
    write(level === 'ERR' || level === 'WARN' ? `${level} ${text}` : text);
  };
  page.on('console', (msg) => { chain = chain.then(() => format(msg)).catch(() => {}); });
  page.on('pageerror', (e) => { if (VERBOSE || !NOISE.test(e.message)) write(`[workbench error] ${e.message}`); });
  return () => chain;
}

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

/**
 * After a failure: the extension host's errors and the Shipshape output channel, which say why
 * an extension did not activate or publish anything (the sandbox is deleted afterwards).
 */
function printExtensionHostLogs(sb, { write = (line) => console.error(line), channelPattern = /shipshape/i } = {}) {
  const logs = filesUnder(path.join(sb.userData, 'logs'));
  for (const file of logs.filter((f) => /exthost\.log$/.test(f))) {
    const errors = fs.readFileSync(file, 'utf8').split('\n').filter((l) => /\[error\]|activat.*fail/i.test(l));
    if (errors.length) write(`--- errors in ${path.basename(file)} ---\n${errors.slice(-20).join('\n')}`);
  }
  for (const file of logs.filter((f) => channelPattern.test(path.basename(path.dirname(f))) || channelPattern.test(path.basename(f)))) {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    write(`--- ${path.relative(sb.userData, file)} (last ${Math.min(lines.length, 30)} lines) ---\n${lines.slice(-30).join('\n')}`);
  }
}

/** The vscode-remote URI that makes the server (not the browser) resolve a local path. */
function remoteUri(server, absPath) {
  return `vscode-remote://${server.authority}${absPath}`;
}

function seconds(ms) { return `${(ms / 1000).toFixed(1)} s`; }

module.exports = {
  REPO_ROOT, VERBOSE, UsageError, parseArgs, onCleanup, installExitHandlers,
  createSandbox, copyWorkspace, installExtension, startCodeServer, launchBrowser,
  relayExtensionHostConsole, printExtensionHostLogs, remoteUri, seconds,
};
