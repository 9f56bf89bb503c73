// The image-scanning editor features in a real extension host, with the fake trivy/grype of
// test/fixtures/bin standing in for the real scanners.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ScanNode, ScanOutcome, ScanSupport, VulnNode } from '../../src/extension/scan';
import { fixtureUri, sleep, withSetting } from './helpers';
import { FAKE_BIN, loggedCalls, shipshapeApi, withEnv } from './scanHelpers';

function labelOf(scan: ScanSupport, node: ScanNode): string {
  const label = scan.tree.getTreeItem(node).label;
  return typeof label === 'string' ? label : label?.label ?? '';
}

/** image label → group labels → vulnerability labels, as the tree shows them. */
function treeShape(scan: ScanSupport): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const image of scan.tree.getChildren()) {
    const groups: Record<string, string[]> = {};
    for (const group of scan.tree.getChildren(image)) groups[labelOf(scan, group)] = scan.tree.getChildren(group).map((v) => labelOf(scan, v));
    out[labelOf(scan, image)] = groups;
  }
  return out;
}

function vulnNodes(scan: ScanSupport): VulnNode[] {
  return scan.tree.getChildren().flatMap((i) => scan.tree.getChildren(i)).flatMap((g) => scan.tree.getChildren(g)) as VulnNode[];
}

async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('image scanning in the editor', function () {
  this.timeout(60000);
  let scan: ScanSupport;
  let tmp: string;
  let toolLog: string;
  const restore: Array<() => unknown> = [];

  const scanImage = (reference: string, extra: Record<string, unknown> = {}) =>
    vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference, scanner: 'trivy', ...extra });

  before(async () => {
    scan = (await shipshapeApi()).scan;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-scan-it-'));
    toolLog = path.join(tmp, 'tools.log');
    restore.push(await withSetting('scan.trivyPath', path.join(FAKE_BIN, 'trivy')));
    restore.push(await withSetting('scan.grypePath', path.join(FAKE_BIN, 'grype')));
    // Children get an allow-list of variables (node/env.ts): let the fakes' FAKE_* settings through.
    restore.push(withEnv({ FAKE_TOOL_LOG: toolLog, FAKE_TOOL_MODE: undefined, FAKE_TRIVY_FIXTURE: undefined, SHIPSHAPE_PASS_ENV: 'FAKE_*' }));
    await scan.store.clear();
  });

  after(async () => {
    for (const r of restore.reverse()) await r();
    await scan.store.clear();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('shipshape.showAllVulnerabilities');
    await vscode.commands.executeCommand('shipshape.groupScanBySeverity');
  });

  it('contributes the Image Findings view in a Shipshape activity bar container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.shipshape');
    await vscode.commands.executeCommand('shipshape.imageFindings.focus');
    assert.deepStrictEqual(scan.tree.getChildren(), [], 'empty before the first scan: the welcome content shows');
  });

  it('fills the tree with image → severities with counts → vulnerabilities after a scan', async () => {
    const outcome = await scanImage('debian:10');
    assert.strictEqual(outcome?.status, 'scanned', JSON.stringify(outcome));
    assert.deepStrictEqual(treeShape(scan), {
      'debian:10': {
        'Critical (1)': ['CVE-2019-18224 libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1'],
        'Low (1)': ['CVE-2019-18276 bash 5.0-4'],
      },
    });
    const image = scan.tree.getChildren()[0];
    assert.match(String(scan.tree.getTreeItem(image).description), /trivy · 1 critical, 1 low/);
    const [critical] = scan.tree.getChildren(image);
    const icon = scan.tree.getTreeItem(critical).iconPath as { light: vscode.Uri; dark: vscode.Uri };
    assert.match(icon.dark.path, /media\/severity\/critical-dark\.svg$/);
    const vuln = scan.tree.getTreeItem(vulnNodes(scan)[0]);
    assert.strictEqual(vuln.command?.command, 'shipshape.showVulnerabilityDetails');
    assert.ok(vuln.tooltip instanceof vscode.MarkdownString);
    const calls = loggedCalls(fs.readFileSync(toolLog, 'utf8')).filter((c) => c.tool === 'trivy');
    assert.deepStrictEqual(calls[calls.length - 1].argv.slice(-1), ['debian:10']);
    assert.ok(calls[calls.length - 1].argv.includes('json'), 'trivy was asked for JSON');
  });

  it('logs the command line and the scanner\'s stderr to the output channel', async () => {
    const restoreEnv = withEnv({ FAKE_TOOL_MODE: 'fail' });
    try { await scanImage('debian:10'); } finally { restoreEnv(); }
    const logFile = vscode.Uri.joinPath((await shipshapeApi()).signing.logUri, 'Shipshape.log');
    const text = await waitFor('the scan lines in the log', () => {
      const t = fs.existsSync(logFile.fsPath) ? fs.readFileSync(logFile.fsPath, 'utf8') : '';
      return /\[stderr\].*unable to find the specified image/.test(t) ? t : undefined;
    });
    assert.match(text, /Running \S*test\/fixtures\/bin\/trivy image .*--format json.* debian:10/);
  });

  it('marks an image node with the signing feature\'s last verification', async () => {
    const { signing } = await shipshapeApi();
    const image = () => scan.tree.getChildren().find((n) => labelOf(scan, n) === 'debian:10')!;
    assert.doesNotMatch(String(scan.tree.getTreeItem(image()).description), /[✓✗]/);
    signing.statuses.record({ verified: true, reference: 'debian:10', signatures: [] });
    assert.match(String(scan.tree.getTreeItem(image()).description), /^✓ /);
    signing.statuses.record({ verified: false, reference: 'debian:10', signatures: [], reason: 'no signatures found' });
    assert.match(String(scan.tree.getTreeItem(image()).description), /^✗ /);
    signing.statuses.clear();
  });

  it('shows the last scan\'s counts in the status bar', () => {
    assert.match(scan.statusBar.text ?? '', /1C 0H 0M 1L/);
  });

  it('filters by severity and back', async () => {
    await vscode.commands.executeCommand('shipshape.filterScanBySeverity', ['critical']);
    assert.deepStrictEqual(Object.keys(treeShape(scan)['debian:10']), ['Critical (1)']);
    await vscode.commands.executeCommand('shipshape.filterScanBySeverity', ['medium']);
    assert.deepStrictEqual(treeShape(scan)['debian:10'], {}, 'no medium vulnerabilities: an empty image node');
    await vscode.commands.executeCommand('shipshape.showAllVulnerabilities');
    assert.deepStrictEqual(Object.keys(treeShape(scan)['debian:10']), ['Critical (1)', 'Low (1)']);
  });

  it('shows only fixable vulnerabilities when asked', async () => {
    const on = await vscode.commands.executeCommand<boolean>('shipshape.showOnlyFixable');
    assert.strictEqual(on, true);
    assert.deepStrictEqual(treeShape(scan)['debian:10'], { 'Critical (1)': ['CVE-2019-18224 libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1'] });
    const off = await vscode.commands.executeCommand<boolean>('shipshape.showOnlyFixable');
    assert.strictEqual(off, false);
    assert.strictEqual(vulnNodes(scan).length, 2);
  });

  it('groups by package', async () => {
    await vscode.commands.executeCommand('shipshape.groupScanByPackage');
    assert.deepStrictEqual(treeShape(scan)['debian:10'], {
      'libidn2-0 2.0.5-1 (1)': ['CVE-2019-18224 libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1'],
      'bash 5.0-4 (1)': ['CVE-2019-18276 bash 5.0-4'],
    });
    await vscode.commands.executeCommand('shipshape.groupScanBySeverity');
    assert.ok('Critical (1)' in treeShape(scan)['debian:10']);
  });

  it('replaces an image\'s report when it is scanned again', async () => {
    await scanImage('alpine:3.10');
    await scanImage('debian:10');
    const refs = scan.store.reports.map((r) => r.image.reference);
    assert.deepStrictEqual(refs.sort(), ['alpine:3.10', 'debian:10']);
  });

  it('rescans the image of the last scan, or the one given', async () => {
    fs.writeFileSync(toolLog, '');
    const outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.rescanImage');
    assert.strictEqual(outcome?.status, 'scanned');
    const image = scan.tree.getChildren().find((n) => labelOf(scan, n) === 'alpine:3.10')!;
    await vscode.commands.executeCommand('shipshape.rescanImage', image);
    const lastArgs = loggedCalls(fs.readFileSync(toolLog, 'utf8')).map((c) => c.argv[c.argv.length - 1]);
    assert.deepStrictEqual(lastArgs, ['debian:10', 'alpine:3.10']);
  });

  it('exports valid SARIF and JSON', async () => {
    const sarifUri = vscode.Uri.file(path.join(tmp, 'out.sarif'));
    const result = await vscode.commands.executeCommand<{ status: string }>('shipshape.exportScanResults', { format: 'sarif', uri: sarifUri });
    assert.strictEqual(result?.status, 'exported');
    const sarif = JSON.parse(fs.readFileSync(sarifUri.fsPath, 'utf8'));
    assert.strictEqual(sarif.version, '2.1.0');
    assert.strictEqual(sarif.runs.length, 2);
    const results = sarif.runs.flatMap((r: { results: Array<{ ruleId: string }> }) => r.results);
    assert.strictEqual(results.length, 6, 'two debian and four alpine vulnerabilities');
    assert.ok(results.some((r: { ruleId: string }) => r.ruleId === 'CVE-2019-18224'));

    await vscode.commands.executeCommand('shipshape.filterScanBySeverity', ['critical']);
    const jsonUri = vscode.Uri.file(path.join(tmp, 'out.json'));
    await vscode.commands.executeCommand('shipshape.exportScanResults', { format: 'json', uri: jsonUri });
    const doc = JSON.parse(fs.readFileSync(jsonUri.fsPath, 'utf8'));
    assert.strictEqual(doc.version, 1);
    const ids = doc.reports.flatMap((r: { vulns: Array<{ id: string }> }) => r.vulns.map((v) => v.id));
    assert.deepStrictEqual(ids, ['CVE-2019-18224'], 'the export follows the view\'s filter');
  });

  it('keeps the results across a restart (workspace storage)', async () => {
    await vscode.commands.executeCommand('shipshape.groupScanByPackage');
    await scan.store.flushed();
    const { store, tree } = scan.restoreFromStorage();
    try {
      assert.deepStrictEqual(store.reports.map((r) => [r.image.reference, r.scanner, r.vulns.map((v) => v.id).sort()]),
        scan.store.reports.map((r) => [r.image.reference, r.scanner, r.vulns.map((v) => v.id).sort()]));
      assert.strictEqual(store.view.grouping, 'package');
      const labels = tree.getChildren().map((n) => tree.getTreeItem(n).label);
      assert.deepStrictEqual(labels.sort(), ['alpine:3.10', 'debian:10']);
    } finally {
      tree.dispose();
      store.dispose();
    }
  });

  it('puts an Information diagnostic with the critical/high counts on the scanned FROM line', async () => {
    const uri = fixtureUri('scan', 'Dockerfile');
    await vscode.window.showTextDocument(uri);
    const diagnostics = await waitFor('scan diagnostics', () => {
      const ds = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Shipshape Scan');
      return ds.length === 2 ? ds : undefined;
    });
    const debian = diagnostics.find((d) => d.range.start.line === 1)!;
    assert.ok(debian, 'the ARG-resolved FROM debian:${DEBIAN_TAG} line carries one');
    assert.strictEqual(debian.severity, vscode.DiagnosticSeverity.Information);
    assert.match(debian.message, /debian:10: 1 critical and 0 high/);
    const alpine = diagnostics.find((d) => d.range.start.line === 4)!;
    assert.match(alpine.message, /no critical or high vulnerabilities \(4 in total/);
  });

  it('marks manifest image: lines too, and clears the diagnostics with the results', async () => {
    const uri = fixtureUri('scan', 'deployment.yaml');
    await vscode.window.showTextDocument(uri);
    await waitFor('manifest scan diagnostics', () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Shipshape Scan').length === 2);
    const saved = [...scan.store.reports];
    await vscode.commands.executeCommand('shipshape.clearScanResults');
    assert.strictEqual(scan.tree.getChildren().length, 0);
    await waitFor('no scan diagnostics', () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Shipshape Scan').length === 0);
    await scan.store.add(saved);
  });

  it('offers a Scan image CodeLens on each FROM image and container image', async () => {
    const dockerfile = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fixtureUri('scan', 'Dockerfile'));
    const scans = dockerfile.filter((l) => l.command?.command === 'shipshape.scanImage');
    assert.deepStrictEqual(scans.map((l) => [l.range.start.line, l.command?.arguments?.[0]?.reference]), [[1, 'debian:10'], [4, 'alpine:3.10']]);
    assert.ok(!dockerfile.some((l) => l.command?.command === 'shipshape.signImage'), 'no Sign lens on third-party base images (editorUx.test.ts covers shipshape.signing.registries)');
    const manifest = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fixtureUri('scan', 'deployment.yaml'));
    assert.deepStrictEqual(manifest.filter((l) => l.command?.command === 'shipshape.scanImage').map((l) => l.command?.arguments?.[0]?.reference), ['debian:10', 'alpine:3.10']);
  });

  it('names the missing scanner and offers Choose Path and Install Instructions', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-path-'));
    const restoreGrype = await withSetting('scan.grypePath', undefined);
    const restoreEnv = withEnv({ PATH: empty });
    let outcome: ScanOutcome | undefined;
    try {
      outcome = await scanImage('alpine:3.10', { scanner: 'grype' });
    } finally {
      restoreEnv();
      await restoreGrype();
    }
    assert.ok(outcome && outcome.status === 'failed', JSON.stringify(outcome));
    assert.strictEqual(outcome.code, 'TOOL_MISSING');
    assert.match(outcome.message, /Grype was not found/);
    assert.match(outcome.message, /https:\/\/github\.com\/anchore\/grype/);
    assert.deepStrictEqual(outcome.actions, ['Choose Path…', 'Install Instructions']);
  });

  it('ignores a scanner path set in the workspace settings', async () => {
    const settingsFile = fixtureUri('.vscode', 'settings.json');
    const restoreTrivy = await withSetting('scan.trivyPath', undefined);
    await vscode.workspace.fs.writeFile(settingsFile, new TextEncoder().encode(JSON.stringify({ 'shipshape.scan.trivyPath': path.join(FAKE_BIN, 'trivy') })));
    const restoreEnv = withEnv({ PATH: fs.mkdtempSync(path.join(tmp, 'empty-path-')) });
    let outcome: ScanOutcome | undefined;
    try {
      await sleep(500);
      outcome = await scanImage('alpine:3.10');
    } finally {
      restoreEnv();
      await vscode.workspace.fs.delete(settingsFile);
      await restoreTrivy();
    }
    assert.ok(outcome && outcome.status === 'failed', JSON.stringify(outcome));
    assert.strictEqual(outcome.code, 'TOOL_MISSING', 'only the user\'s own setting may point at an executable');
  });

  it('shows the tool\'s stderr when it exits non-zero, and a clear error for non-JSON output', async () => {
    let restoreEnv = withEnv({ FAKE_TOOL_MODE: 'fail' });
    let outcome: ScanOutcome | undefined;
    try { outcome = await scanImage('alpine:3.10'); } finally { restoreEnv(); }
    assert.ok(outcome && outcome.status === 'failed');
    assert.strictEqual(outcome.code, 'TOOL_FAILED');
    assert.match(outcome.message, /exited with code 2/);
    assert.match(outcome.message, /unable to find the specified image/);

    restoreEnv = withEnv({ FAKE_TOOL_MODE: 'garbage' });
    try { outcome = await scanImage('alpine:3.10'); } finally { restoreEnv(); }
    assert.ok(outcome && outcome.status === 'failed');
    assert.strictEqual(outcome.code, 'BAD_OUTPUT');
    assert.match(outcome.message, /did not print JSON/);
    assert.strictEqual(scan.store.reports.length, 2, 'a failed scan leaves the results alone');
  });

  it('refuses an option-like reference before anything runs', async () => {
    const before = fs.existsSync(toolLog) ? fs.readFileSync(toolLog, 'utf8') : '';
    const outcome = await scanImage('--output=/etc/x');
    assert.ok(outcome && outcome.status === 'failed');
    assert.strictEqual(outcome.code, 'INVALID_REFERENCE');
    assert.strictEqual(fs.existsSync(toolLog) ? fs.readFileSync(toolLog, 'utf8') : '', before, 'no tool was started');
  });

  it('cancelling a scan kills the scanner and its children', async () => {
    const pidFile = path.join(tmp, 'sleep.pid');
    const restoreEnv = withEnv({ FAKE_TOOL_MODE: 'sleep', FAKE_TOOL_PIDFILE: pidFile });
    const cancel = new vscode.CancellationTokenSource();
    let pids: { pid: number; grandchild: number };
    let outcome: ScanOutcome | undefined;
    try {
      const running = scanImage('alpine:3.10', { cancellation: cancel.token });
      pids = await waitFor('the sleeping fake scanner', () => (fs.existsSync(pidFile) ? JSON.parse(fs.readFileSync(pidFile, 'utf8')) : undefined));
      assert.ok(alive(pids.pid) && alive(pids.grandchild), 'the fake scanner is running');
      cancel.cancel();
      outcome = await running;
    } finally {
      restoreEnv();
      cancel.dispose();
    }
    assert.deepStrictEqual(outcome, { status: 'cancelled' });
    await waitFor('the scanner process group to be gone', () => !alive(pids.pid) && !alive(pids.grandchild), 10000);
  });

  it('opens a report file written elsewhere', async () => {
    const result = await vscode.commands.executeCommand<{ status: string; format: string }>('shipshape.openScanReport', fixtureUri('scan', 'grype-report.json'));
    assert.strictEqual(result?.status, 'imported');
    assert.strictEqual(result?.format, 'grype');
    assert.ok(treeShape(scan)['user-input'], 'the imported image is in the tree');
    const broken = vscode.Uri.file(path.join(tmp, 'broken.json'));
    fs.writeFileSync(broken.fsPath, '{"not": "a report"}');
    const failed = await vscode.commands.executeCommand<{ status: string; message: string }>('shipshape.openScanReport', broken);
    assert.strictEqual(failed?.status, 'failed');
    assert.match(failed?.message ?? '', /unrecognised report format/);
  });

  it('shows a vulnerability\'s details in a script-free webview', async () => {
    const node = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2019-18224')!;
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('shipshape.showVulnerabilityDetails', node);
    assert.ok(panel, 'a panel was returned');
    const html = panel.webview.html;
    assert.match(html, /<h1>CVE-2019-18224<\/h1>/);
    assert.match(html, /default-src 'none'/);
    assert.doesNotMatch(html, /<script/i);
    assert.strictEqual(panel.webview.options.enableScripts, false);
    assert.match(html, /2\.0\.5-1\+deb10u1/);
    await waitFor('the details panel to show', () => panel.visible);
    await sleep(1000);
    panel.dispose();
  });

  it('copies a vulnerability id', async () => {
    const node = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2019-18224')!;
    await vscode.commands.executeCommand('shipshape.copyVulnerabilityId', node);
    assert.strictEqual(await vscode.env.clipboard.readText(), 'CVE-2019-18224');
  });

  it('ignores a Trivy finding in .trivyignore and a Grype finding in .grype.yaml, and drops them from the view', async () => {
    const trivyNode = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2019-18276')!;
    const trivyFile = await vscode.commands.executeCommand<vscode.Uri>('shipshape.ignoreVulnerability', trivyNode);
    assert.strictEqual(path.basename(trivyFile.fsPath), '.trivyignore');
    assert.match(fs.readFileSync(trivyFile.fsPath, 'utf8'), /^CVE-2019-18276$/m);
    assert.ok(!vulnNodes(scan).some((n) => n.vuln.id === 'CVE-2019-18276'));

    const grypeNode = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-1999-0002')!;
    const grypeFile = await vscode.commands.executeCommand<vscode.Uri>('shipshape.ignoreVulnerability', grypeNode);
    assert.strictEqual(path.basename(grypeFile.fsPath), '.grype.yaml');
    assert.match(fs.readFileSync(grypeFile.fsPath, 'utf8'), /vulnerability: CVE-1999-0002/);
    assert.ok(!vulnNodes(scan).some((n) => n.vuln.id === 'CVE-1999-0002'));
    fs.rmSync(trivyFile.fsPath);
    fs.rmSync(grypeFile.fsPath);
  });
});
