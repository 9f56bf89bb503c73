// The editor items of the hostile-input issue, in the real extension host: report and scanner
// text never reaches a notification (command links), a large non-Kubernetes YAML does not freeze
// the host, "Ignore" never writes through a symlink, a hostile `.shipshape.yaml` (alias bomb,
// FIFO) becomes a diagnostic and is not cached, the scan timeout setting is clamped, and
// scanners get neither our secrets nor the workspace's trivy.yaml. Every attack uses fixtures
// made here (crafted files, a symlink, a FIFO) and the fake tools of test/fixtures/bin.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ScanOutcome, ScanSupport, VulnNode } from '../../src/extension/scan';
import { codeOf, fixtureUri, shipshapeDiagnostics, sleep, waitForDiagnostics, withSetting, workspaceRoot } from './helpers';
import { FAKE_BIN, loggedCalls, shipshapeApi, withEnv } from './scanHelpers';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const TRIVY_REPORT = path.join(REPO_ROOT, 'test', 'fixtures', 'scanners', 'trivy', 'alpine-310.json.golden');
const LINK = '[Open a terminal](command:workbench.action.terminal.new)';

async function waitFor<T>(what: string, get: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

type Notify = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/** Records every notification text (error, warning, information) while the tests run; answers none. */
function recordNotifications(): { messages: string[]; restore(): void } {
  const messages: string[] = [];
  const w = vscode.window as unknown as Record<string, Notify>;
  const saved: Record<string, Notify> = {};
  for (const name of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage']) {
    saved[name] = w[name];
    w[name] = (message: string) => {
      messages.push(message);
      return Promise.resolve(undefined);
    };
  }
  return { messages, restore: () => { for (const [k, f] of Object.entries(saved)) w[k] = f; } };
}

function vulnNodes(scan: ScanSupport): VulnNode[] {
  return scan.tree.getChildren().flatMap((i) => scan.tree.getChildren(i)).flatMap((g) => scan.tree.getChildren(g)) as VulnNode[];
}

describe('hostile input in the editor', function () {
  this.timeout(90000);
  let scan: ScanSupport;
  let tmp: string;
  let toolLog: string;
  let notes: ReturnType<typeof recordNotifications>;
  const restore: Array<() => unknown> = [];

  before(async () => {
    scan = (await shipshapeApi()).scan;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-it-'));
    toolLog = path.join(tmp, 'tools.log');
    restore.push(await withSetting('scan.trivyPath', path.join(FAKE_BIN, 'trivy')));
    // The fakes read their settings from FAKE_* variables, which children get only when let through.
    restore.push(withEnv({ FAKE_TOOL_LOG: toolLog, FAKE_TOOL_MODE: undefined, FAKE_TRIVY_FIXTURE: undefined, SHIPSHAPE_PASS_ENV: 'FAKE_*' }));
    await scan.store.clear();
    notes = recordNotifications();
  });

  after(async () => {
    notes.restore();
    for (const r of restore.reverse()) await r();
    await scan.store.clear();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('never puts report, scanner or workspace text into a notification, where a command link would run', async () => {
    notes.messages.length = 0;
    const files: Record<string, string> = {
      'snyk-error.json': JSON.stringify({ ok: false, error: `${LINK} to fix your token` }),
      'not-a-report.json': `${LINK} is not JSON`,
      'unknown.json': JSON.stringify({ [LINK]: 1 }),
      'linked-id.json': JSON.stringify({ SchemaVersion: 2, ArtifactName: 'x', Results: [{ Target: 't', Vulnerabilities: [{ VulnerabilityID: LINK, PkgName: 'p', InstalledVersion: '1', Severity: 'HIGH' }] }] }),
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
    for (const name of ['snyk-error.json', 'not-a-report.json', 'unknown.json']) {
      const r = await vscode.commands.executeCommand<{ status: string; message: string }>('shipshape.openScanReport', vscode.Uri.file(path.join(tmp, name)));
      assert.strictEqual(r?.status, 'failed', name);
      assert.ok(r.message.includes('command:workbench.action.terminal.new'), `the details (for the log) keep what the file said: ${name}`);
    }
    // A vulnerability id with a link: the "no advisory" notice names it as a plain value.
    const imported = await vscode.commands.executeCommand<{ status: string }>('shipshape.openScanReport', vscode.Uri.file(path.join(tmp, 'linked-id.json')));
    assert.strictEqual(imported?.status, 'imported');
    const node = vulnNodes(scan).find((n) => n.vuln.id === LINK)!;
    assert.ok(node, 'the hostile vulnerability is in the tree');
    await vscode.commands.executeCommand('shipshape.openVulnerabilityAdvisory', node);

    // A scanner whose stderr and output carry links.
    fs.writeFileSync(path.join(tmp, 'stderr.txt'), `FATAL ${LINK}\n`);
    fs.writeFileSync(path.join(tmp, 'stdout.txt'), `${LINK} <html>`);
    let restoreEnv = withEnv({ FAKE_TOOL_MODE: 'file', FAKE_TOOL_STDERR_FILE: path.join(tmp, 'stderr.txt'), FAKE_TOOL_EXIT: '2' });
    let outcome: ScanOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference: 'alpine:3.10', scanner: 'trivy' });
    } finally { restoreEnv(); }
    assert.ok(outcome?.status === 'failed' && outcome.code === 'TOOL_FAILED', JSON.stringify(outcome));
    restoreEnv = withEnv({ FAKE_TOOL_MODE: 'file', FAKE_TOOL_STDOUT_FILE: path.join(tmp, 'stdout.txt'), FAKE_TOOL_EXIT: '0' });
    try {
      outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference: 'alpine:3.10', scanner: 'trivy' });
    } finally { restoreEnv(); }
    assert.ok(outcome?.status === 'failed' && outcome.code === 'BAD_OUTPUT', JSON.stringify(outcome));
    // A reference written in a workspace file (as a CodeLens passes it).
    outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference: LINK });
    assert.ok(outcome?.status === 'failed' && outcome.code === 'INVALID_REFERENCE');

    await sleep(200);
    assert.ok(notes.messages.length >= 7, `notifications were shown: ${JSON.stringify(notes.messages)}`);
    // VS Code makes a link of `[label](target)`: no notification may hold that shape (a value we
    // name keeps its text, with look-alike brackets).
    for (const m of notes.messages) assert.doesNotMatch(m, /\[[^\]]*\]\(/, `no link in: ${m}`);
    assert.ok(notes.messages.some((m) => m.includes('［Open a terminal］（command:')), 'the hostile id is named as a plain value');
  });

  it('keeps cosign\'s words (and a registry\'s, which it quotes) out of the sign and verify notifications', async () => {
    // fake-tool as cosign: it prints a crafted stderr with command links and fails.
    fs.writeFileSync(path.join(tmp, 'cosign-stderr.txt'), `Error: signing: ${LINK}\nmain.go:74: error during command execution: ${LINK}\n`);
    const restoreCosign = await withSetting('cosign.path', path.join(FAKE_BIN, 'fake-tool'));
    const restoreEnv = withEnv({ FAKE_TOOL_MODE: 'file', FAKE_TOOL_STDERR_FILE: path.join(tmp, 'cosign-stderr.txt'), FAKE_TOOL_EXIT: '12' });
    notes.messages.length = 0;
    const reference = `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`;
    try {
      const signed = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('shipshape.signImage', { reference, kmsUri: 'awskms:///alias/k' });
      assert.strictEqual(signed?.ok, false);
      assert.ok(signed?.message?.includes('command:'), 'the failure keeps cosign\'s words for the log');
      const verified = await vscode.commands.executeCommand<{ ok: boolean; result?: { verified: boolean } }>('shipshape.verifyImage', { reference, kmsUri: 'awskms:///alias/k' });
      assert.ok(verified && (!verified.ok || verified.result?.verified === false), JSON.stringify(verified));
    } finally {
      restoreEnv();
      await restoreCosign();
    }
    await sleep(200);
    assert.ok(notes.messages.length >= 2, JSON.stringify(notes.messages));
    for (const m of notes.messages) assert.doesNotMatch(m, /\[[^\]]*\]\(/, `no link in: ${m}`);
  });

  it('does not freeze on a 7.5 MB YAML that is not Kubernetes: no compose for diagnostics or CodeLens', async () => {
    const parts = ['lockfileVersion: 6.0\npackages:\n'];
    let size = 0;
    for (let i = 0; size < 7.5 * 1024 * 1024; i++) {
      const entry = `  /pkg-${i}@1.${i}.0:\n    resolution: {integrity: sha512-${'A'.repeat(40)}${i}}\n    dependencies:\n      dep-${i}: 1.0.${i}\n`;
      parts.push(entry);
      size += entry.length;
    }
    const file = vscode.Uri.joinPath(workspaceRoot(), 'hostile-lock.yaml');
    fs.writeFileSync(file.fsPath, parts.join(''));
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      const api = await shipshapeApi();
      // The extension host stays responsive: timers keep firing while the document is handled.
      let ticks = 0;
      let longestGap = 0;
      let last = Date.now();
      const timer = setInterval(() => { const now = Date.now(); longestGap = Math.max(longestGap, now - last); last = now; ticks++; }, 20);
      const started = Date.now();
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      const lensMs = Date.now() - started;
      const state = await waitFor('the analysis of the lockfile', () => api.diagnostics.summaryOf(doc));
      clearInterval(timer);
      assert.deepStrictEqual(lenses.filter((l) => l.command?.command === 'shipshape.scanImage'), []);
      assert.strictEqual(state.skipped, 'notApplicable');
      assert.ok(lensMs < 3000, `CodeLens took ${lensMs} ms`);
      assert.ok(longestGap < 1500, `the extension host was blocked for ${longestGap} ms (${ticks} ticks)`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(file.fsPath, { force: true });
    }
  });

  it('refuses to write .trivyignore.yaml through a symlink out of the workspace, and leaves the target alone', async () => {
    await scan.store.clear();
    const imported = await vscode.commands.executeCommand<{ status: string }>('shipshape.openScanReport', vscode.Uri.file(TRIVY_REPORT));
    assert.strictEqual(imported?.status, 'imported');
    const outside = path.join(tmp, 'bashrc');
    fs.writeFileSync(outside, 'export PS1=home\n');
    const link = path.join(workspaceRoot().fsPath, '.trivyignore.yaml');
    fs.symlinkSync(outside, link);
    notes.messages.length = 0;
    try {
      const node = vulnNodes(scan).find((n) => n.report.scanner === 'trivy')!;
      const written = await vscode.commands.executeCommand<{ status: string } | undefined>('shipshape.ignoreVulnerability', node);
      assert.strictEqual(written?.status, 'failed', 'nothing was written');
      assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'export PS1=home\n');
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.ok(vulnNodes(scan).some((n) => n.vuln.id === node.vuln.id), 'the vulnerability stays in the view');
      assert.ok(notes.messages.some((m) => /Could not write \.trivyignore\.yaml/.test(m)), JSON.stringify(notes.messages));
    } finally {
      fs.rmSync(link, { force: true });
    }
    // A hard link to a file elsewhere is refused the same way.
    fs.linkSync(outside, link);
    try {
      const node = vulnNodes(scan).find((n) => n.report.scanner === 'trivy')!;
      assert.strictEqual((await vscode.commands.executeCommand<{ status: string } | undefined>('shipshape.ignoreVulnerability', node))?.status, 'failed');
      assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'export PS1=home\n');
    } finally {
      fs.rmSync(link, { force: true });
    }
    await scan.store.clear();
  });

  it('shows a .shipshape.yaml alias bomb as a diagnostic on the file, and caches nothing: fixing the file applies at once', async () => {
    const dockerfile = fixtureUri('editor', 'Dockerfile');
    const config = fixtureUri('.shipshape.yaml');
    await vscode.workspace.openTextDocument(dockerfile);
    await waitForDiagnostics(dockerfile, (ds) => ds.some((d) => codeOf(d) === 'docker-root-user'));
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nrules: {docker-root-user: off, x: *d}\n';
    fs.writeFileSync(config.fsPath, bomb);
    try {
      const configDiagnostics = await waitFor('a diagnostic on .shipshape.yaml', () => {
        const ds = vscode.languages.getDiagnostics(config).filter((d) => d.source === 'Shipshape');
        return ds.length ? ds : undefined;
      });
      assert.match(configDiagnostics[0].message, /Shipshape configuration: cannot be read/);
      // The folder keeps its diagnostics (with the defaults) while the file is broken.
      await waitForDiagnostics(dockerfile, (ds) => ds.some((d) => codeOf(d) === 'docker-root-user'));
      fs.writeFileSync(config.fsPath, 'rules:\n  docker-root-user: off\n');
      await waitForDiagnostics(dockerfile, (ds) => ds.length > 0 && !ds.some((d) => codeOf(d) === 'docker-root-user'), 'the fixed config to apply');
      await waitFor('the config diagnostic to clear', () => vscode.languages.getDiagnostics(config).filter((d) => d.source === 'Shipshape').length === 0);
    } finally {
      fs.rmSync(config.fsPath, { force: true });
    }
    await waitForDiagnostics(dockerfile, (ds) => ds.some((d) => codeOf(d) === 'docker-root-user'), 'the rule to return');
  });

  (process.platform === 'win32' ? it.skip : it)('a FIFO named .shipshape.yaml does not hang the extension host: diagnostics go on, the file gets a diagnostic', async () => {
    const dockerfile = fixtureUri('editor', 'Dockerfile');
    const config = fixtureUri('.shipshape.yaml');
    execFileSync('mkfifo', [config.fsPath]);
    try {
      // A change of the document makes the manager read the config again.
      const doc = await vscode.workspace.openTextDocument(dockerfile);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# touched\n'));
      await waitForDiagnostics(dockerfile, (ds) => ds.some((d) => codeOf(d) === 'docker-root-user'), 'diagnostics despite the FIFO');
      const ds = await waitFor('a diagnostic on the FIFO', () => {
        const found = vscode.languages.getDiagnostics(config).filter((d) => d.source === 'Shipshape');
        return found.length ? found : undefined;
      });
      assert.match(ds[0].message, /not a regular file \(a FIFO\)/);
    } finally {
      fs.rmSync(config.fsPath, { force: true });
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('clamps shipshape.scan.timeoutSeconds past Node\'s timer instead of timing out at once', async () => {
    const restoreTimeout = await withSetting('scan.timeoutSeconds', 1e10);
    const restoreEnv = withEnv({ FAKE_TOOL_MODE: 'slow', FAKE_TOOL_DELAY_MS: '500' });
    let outcome: ScanOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference: 'alpine:3.10', scanner: 'trivy' });
    } finally {
      restoreEnv();
      await restoreTimeout();
    }
    assert.strictEqual(outcome?.status, 'scanned', JSON.stringify(outcome));
  });

  it('runs the scanner without our secrets and with an empty configuration of ours instead of the workspace trivy.yaml', async () => {
    const trivyYaml = path.join(workspaceRoot().fsPath, 'trivy.yaml');
    fs.writeFileSync(trivyYaml, 'output: /tmp/shipshape-pwned\nserver: http://evil.example\n');
    const restoreEnv = withEnv({ COSIGN_PASSWORD: 'do-not-leak', NPM_TOKEN: 'npm' });
    fs.writeFileSync(toolLog, '');
    try {
      const outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference: 'alpine:3.10', scanner: 'trivy' });
      assert.strictEqual(outcome?.status, 'scanned', JSON.stringify(outcome));
    } finally {
      restoreEnv();
      fs.rmSync(trivyYaml, { force: true });
    }
    const [call] = fs.readFileSync(toolLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { argv: string[]; envKeys: string[]; configText?: string; cwd: string });
    assert.ok(!call.envKeys.includes('COSIGN_PASSWORD') && !call.envKeys.includes('NPM_TOKEN'), call.envKeys.join(' '));
    const config = call.argv[call.argv.indexOf('--config') + 1];
    assert.ok(config && !config.startsWith(workspaceRoot().fsPath), `our own config: ${config}`);
    assert.doesNotMatch(call.configText ?? '', /output|server/);
    assert.strictEqual(fs.existsSync('/tmp/shipshape-pwned'), false);
  });

  it('refuses docker-archive:, oci-archive: and *.tar references before anything runs', async () => {
    fs.writeFileSync(toolLog, '');
    for (const reference of ['docker-archive:x', 'oci-archive:img', 'image.tar']) {
      const outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference, scanner: 'snyk' });
      assert.ok(outcome?.status === 'failed' && outcome.code === 'INVALID_REFERENCE', `${reference}: ${JSON.stringify(outcome)}`);
    }
    assert.deepStrictEqual(loggedCalls(fs.readFileSync(toolLog, 'utf8')), []);
    assert.deepStrictEqual(shipshapeDiagnostics(fixtureUri('scan', 'Dockerfile')).filter((d) => /archive/.test(d.message)), []);
  });
});
