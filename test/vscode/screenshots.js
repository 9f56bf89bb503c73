#!/usr/bin/env node
// Screenshots of the hover, the quick-fix menu and the walkthrough, in English and in Simplified
// Chinese, into media/screenshots/<name>.<locale>.png: the extension from this repository in
// code-server (test/vscode/README.md), driven by screenshotDriver.js. Chinese needs a CJK font
// (Debian: fonts-wqy-microhei).
//   node test/vscode/screenshots.js [--locale en|zh-cn]
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');
const runtime = require('./runtime');
const { writeEmptyLanguagePack } = require('./run');

const OUT = path.join(lib.REPO_ROOT, 'media', 'screenshots');

async function capture(locale) {
  const rt = await runtime.ensureRuntime();
  const sb = lib.createSandbox({ trusted: true });
  const workspace = lib.copyWorkspace(sb, path.join(lib.REPO_ROOT, 'test', 'fixtures', 'workspace'));
  const shots = path.join(sb.root, 'shots');
  fs.mkdirSync(shots, { recursive: true });
  sb.env.SHIPSHAPE_SHOT_DIR = shots;
  const extraArgs = ['--vscode-option', 'enable-smoke-test-driver'];
  if (locale !== 'en') extraArgs.push('--locale', writeEmptyLanguagePack(sb, locale));
  let server;
  let browser;
  try {
    server = await lib.startCodeServer(rt, sb, { extraArgs });
    browser = await lib.launchBrowser(rt, sb);
    const page = await (await browser.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    let finish;
    const finished = new Promise((resolve) => { finish = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('console', async (msg) => {
      const m = /SHOT (\w+)/.exec(msg.text());
      if (!m) return;
      const file = path.join(OUT, `${m[1]}.${locale}.png`);
      await page.screenshot({ path: file });
      console.log(`[shots] ${path.relative(lib.REPO_ROOT, file)}`);
      fs.writeFileSync(path.join(shots, `${m[1]}.done`), '');
    });
    const payload = [
      ['extensionDevelopmentPath', lib.remoteUri(server, lib.REPO_ROOT)],
      ['extensionTestsPath', lib.remoteUri(server, path.join(__dirname, 'screenshotDriver.js'))],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${server.url}/?${new URLSearchParams({ folder: workspace, payload: JSON.stringify(payload) })}`);
    const code = await Promise.race([finished, new Promise((r) => setTimeout(() => r('timeout'), 120000))]);
    if (code !== 0) throw new Error(`the screenshot driver ended with ${code}`);
  } finally {
    if (browser) await browser.close();
    if (server) await server.stop();
    sb.dispose();
  }
}

if (require.main === module) {
  lib.installExitHandlers('shots');
  const args = lib.parseArgs(process.argv.slice(2), { locale: 'value' });
  fs.mkdirSync(OUT, { recursive: true });
  (async () => {
    for (const locale of args.locale ? [args.locale] : ['en', 'zh-cn']) await capture(locale);
  })().then(() => process.exit(0), (e) => { console.error(`[shots] ${(e && e.stack) || e}`); process.exit(1); });
}
