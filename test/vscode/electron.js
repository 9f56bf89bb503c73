#!/usr/bin/env node
// The standard @vscode/test-electron launcher, for machines with internet access: it downloads
// VS Code (desktop, Electron) from Microsoft and runs the same integration tests as run.js.
// Offline machines use run.js (code-server) instead; see test/vscode/README.md.
//
//   npm run test:electron            (builds, compiles, then runs this file)
//   node test/vscode/electron.js [--grep PATTERN] [--untrusted] [--workspace DIR]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Runs the integration tests in a downloaded VS Code; resolves to the exit code. */
async function runElectronTests(opts = {}) {
  // Loaded lazily so that requiring this file never needs the package or the network.
  const { runTests } = require('@vscode/test-electron');
  const workspaceSource = path.resolve(opts.workspace || path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-electron-'));
  const workspace = path.join(tmp, path.basename(workspaceSource));
  fs.cpSync(workspaceSource, workspace, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': Boolean(opts.untrusted),
    'security.workspace.trust.startupPrompt': 'never',
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'extensions.autoUpdate': false,
  }, null, 2));
  try {
    return await runTests({
      version: process.env.SHIPSHAPE_VSCODE_VERSION || 'stable',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userData}`,
        ...(opts.untrusted ? [] : ['--disable-workspace-trust'])],
      extensionTestsEnv: {
        SHIPSHAPE_TEST_MODE: opts.untrusted ? 'untrusted' : 'trusted',
        ...(opts.grep ? { SHIPSHAPE_TEST_GREP: opts.grep } : {}),
      },
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { runElectronTests };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
  runElectronTests({ grep: value('grep'), workspace: value('workspace'), untrusted: argv.includes('--untrusted') })
    .then((code) => process.exit(code), (e) => {
      // runTests rejects with TestRunFailedError when the tests fail, or with a download error.
      console.error(`[electron] ${(e && e.message) || e}`);
      process.exit(1);
    });
}
