#!/usr/bin/env node
// UI smoke test: package the extension as a .vsix, install it into an isolated code-server the
// way a user would, open the fixture workspace in headless chromium, open the Dockerfile with
// Quick Open, and wait for a Shipshape finding in the Problems panel.
//
//   node test/vscode/e2e.js [--expect TEXT] [--file NAME] [--screenshot] [--workspace DIR]
//                           [--extension DIR | --vsix FILE] [--timeout SECONDS]
//
// --screenshot also hovers a squiggle and saves the window as media/screenshot.png (README).
// On failure a screenshot goes to test-results/.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const runtime = require('./runtime');
const lib = require('./lib');

const USAGE = 'usage: node test/vscode/e2e.js [--expect TEXT] [--file NAME] [--screenshot] [--workspace DIR]\n' +
  '                               [--extension DIR | --vsix FILE] [--timeout SECONDS]';

function packageVsix(extensionDir, outFile) {
  const vsce = path.join(lib.REPO_ROOT, 'node_modules', '.bin', 'vsce');
  if (!fs.existsSync(vsce)) throw new Error(`${vsce} is missing: run npm ci first`);
  try {
    // No stdin: vsce must fail instead of asking "continue? [y/N]" about a missing file.
    // The README's relative image links need a public repository URL to be rewritten; an
    // install test does not publish anything, so leave them as they are.
    execFileSync(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', outFile], {
      cwd: extensionDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: runtime.cleanEnv(),
    });
  } catch (e) {
    throw new Error(`vsce package failed in ${extensionDir}:\n${e.stdout || ''}${e.stderr || e.message}`);
  }
  return outFile;
}

async function e2e(opts) {
  const t0 = Date.now();
  const step = (m) => console.log(`[e2e] ${lib.seconds(Date.now() - t0).padStart(7)}  ${m}`);
  const expect = opts.expect || 'Shipshape';
  const fileName = opts.file || 'Dockerfile';
  const timeoutMs = Number(opts.timeout || 120) * 1000;
  const rt = await runtime.ensureRuntime();
  const sb = lib.createSandbox({ trusted: true });
  let server;
  let browser;
  let page;
  try {
    const vsix = opts.vsix
      ? path.resolve(opts.vsix)
      : packageVsix(path.resolve(opts.extension || lib.REPO_ROOT), path.join(sb.root, 'extension.vsix'));
    step(`packaged ${opts.vsix ? '(given)' : ''} ${vsix}`);
    lib.installExtension(rt, sb, vsix);
    step('installed the .vsix into the sandbox');
    const workspace = lib.copyWorkspace(sb, opts.workspace || path.join(lib.REPO_ROOT, 'test', 'fixtures', 'workspace'));

    server = await lib.startCodeServer(rt, sb);
    step(`code-server up on ${server.authority}`);
    browser = await lib.launchBrowser(rt, sb);
    page = await (await browser.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    if (lib.VERBOSE) page.on('console', (m) => console.log(`[browser] ${m.text()}`));
    page.setDefaultTimeout(timeoutMs);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    step('workbench loaded');

    await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    const quickInput = page.locator('.quick-input-widget input');
    await quickInput.waitFor();
    await quickInput.fill(fileName);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: fileName }).waitFor();
    step(`${fileName} opened`);

    await page.keyboard.press('Control+Shift+M');
    const finding = page.locator('.markers-panel .monaco-list-row', { hasText: expect }).first();
    await finding.waitFor();
    step(`Problems panel shows: ${(await finding.innerText()).replace(/\s+/g, ' ').trim()}`);

    if (opts.screenshot) {
      const squiggle = page.locator('.monaco-editor .view-overlays [class*="squiggly-"]').first();
      await squiggle.waitFor();
      const box = await squiggle.boundingBox();
      if (!box) throw new Error('the squiggle has no position on screen');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.locator('.monaco-hover:not(.hidden)', { hasText: expect }).first().waitFor().catch(() =>
        page.locator('.monaco-hover:not(.hidden)').first().waitFor());
      await page.waitForTimeout(300); // let the hover finish fading in
      const file = path.join(lib.REPO_ROOT, 'media', 'screenshot.png');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file });
      step(`screenshot with hover saved to ${path.relative(process.cwd(), file)}`);
    }
    step('PASS');
    return 0;
  } catch (e) {
    console.error(`[e2e] FAILED: ${(e && e.message) || e}`);
    if (page) {
      try {
        const dir = path.join(lib.REPO_ROOT, 'test-results');
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `e2e-failure-${Date.now()}.png`);
        await page.screenshot({ path: file });
        console.error(`[e2e] screenshot ${path.relative(process.cwd(), file)}`);
      } catch { /* page already gone */ }
    }
    if (lib.VERBOSE && server) console.error(server.getLog().split('\n').slice(-30).join('\n'));
    lib.printExtensionHostLogs(sb);
    return 1;
  } finally {
    if (browser) await browser.close();
    if (server) await server.stop();
    sb.dispose();
  }
}

module.exports = { e2e };

if (require.main === module) {
  lib.installExitHandlers('e2e');
  let args;
  try {
    args = lib.parseArgs(process.argv.slice(2), {
      expect: 'value', file: 'value', screenshot: 'flag', workspace: 'value',
      extension: 'value', vsix: 'value', timeout: 'value', help: 'flag',
    });
    if (args.extension && args.vsix) throw new lib.UsageError('--extension and --vsix exclude each other');
  } catch (e) {
    console.error(`[e2e] ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) { console.log(USAGE); process.exit(0); }
  // Overall guard in case a step hangs somewhere no per-step timeout reaches.
  const overallMs = (Number(args.timeout || 120) + 180) * 1000;
  setTimeout(() => { console.error(`[e2e] TIMEOUT: no result after ${overallMs / 1000} s`); process.kill(process.pid, 'SIGTERM'); }, overallMs).unref();
  e2e(args).then((code) => process.exit(code), (e) => {
    console.error(`[e2e] ${e instanceof runtime.RuntimeError ? e.message : (e && e.stack) || e}`);
    process.exit(1);
  });
}
