// The image-scanning editor features in a real extension host, with the fake trivy/grype of
// test/fixtures/bin standing in for the real scanners.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { ScanNode, ScanOutcome, ScanSupport, VulnNode } from '../../src/extension/scan';
import type { IgnoreOutcome } from '../../src/extension/scan/ignore';
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

  it('names the scanned image in the status bar while an open file references it, and hides otherwise', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await scan.statusBar.settled();
    assert.strictEqual(scan.statusBar.text, undefined, 'no open file references debian:10');
    const file = fixtureUri('scan', 'status.Dockerfile');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('FROM debian:10\nUSER app\n'));
    try {
      const editor = await vscode.window.showTextDocument(file);
      const text = await waitFor('the status bar item', () => scan.statusBar.text, 20000);
      assert.match(text, /^\$\(shield\) debian:10: 1C 0H 0M 1L$/);
      assert.strictEqual(scan.statusBar.image, 'debian:10');
      await editor.edit((b) => b.replace(new vscode.Range(0, 5, 0, 14), 'debian:11'));
      await waitFor('the item to hide once the reference is gone', () => scan.statusBar.text === undefined, 20000);
      await editor.edit((b) => b.replace(new vscode.Range(0, 5, 0, 14), 'debian:10'));
      await waitFor('the item back', () => scan.statusBar.text, 20000);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await waitFor('the item to hide once the file is closed', () => scan.statusBar.text === undefined, 20000);
    } finally {
      await vscode.workspace.fs.delete(file);
    }
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
    assert.match(outcome.shown ?? '', /^Grype was not found .*\[install Grype\]\(https:\/\/github\.com\/anchore\/grype\)/);
  });

  it('links every scanner\'s install page when none is found', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-path-'));
    const restores = [await withSetting('scan.grypePath', undefined), await withSetting('scan.trivyPath', undefined)];
    const restoreEnv = withEnv({ PATH: empty });
    let outcome: ScanOutcome | undefined;
    try {
      outcome = await scanImage('alpine:3.10', { scanner: 'auto' });
    } finally {
      restoreEnv();
      for (const r of restores.reverse()) await r();
    }
    assert.ok(outcome && outcome.status === 'failed', JSON.stringify(outcome));
    assert.strictEqual(outcome.code, 'TOOL_MISSING');
    const links = [...(outcome.shown ?? '').matchAll(/\[([^\]]+)\]\((https:[^)]+)\)/g)].map((m) => m[1]);
    assert.deepStrictEqual(links, ['Trivy', 'Grype', 'Docker Scout', 'Snyk'], outcome.shown);
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

  it('says what a file that is not a report looks like, and what it should be, without file URIs or links', async () => {
    const open = (name: string, text: string) => {
      const uri = vscode.Uri.file(path.join(tmp, name));
      fs.writeFileSync(uri.fsPath, text);
      return vscode.commands.executeCommand<{ status: string; message: string; shown: string }>('shipshape.openScanReport', uri);
    };
    const object = await open('pod.json', '{"apiVersion": "v1", "kind": "Pod"}');
    assert.strictEqual(object?.status, 'failed');
    assert.match(object.shown, /pod\.json is not a scan report: Shipshape opens Trivy, Grype or Snyk JSON and SARIF 2\.1\.0 \(which Docker Scout writes\), and this file is a JSON object with the keys apiVersion, kind\./);
    const text = await open('notes.json', 'FROM alpine:3.19\n');
    assert.match(text?.shown ?? '', /and this file is not JSON \(it starts with "FROM alpine:3\.19"\)\./);
    const hostile = await open('hostile.json', '{"[run](command:workbench.action.quit)": 1}');
    assert.doesNotMatch(hostile?.shown ?? '', /\]\(/, 'a key cannot form a link');
    for (const r of [object, text, hostile]) assert.doesNotMatch(`${r?.shown} ${r?.message}`, /file:\/\//);
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

  it('ignores a Trivy finding for its package only in .trivyignore.yaml, keeping the file, and says where', async () => {
    const file = fixtureUri('.trivyignore.yaml');
    const original = '# reviewed by the team\nvulnerabilities:\n  - id: CVE-2020-0001 # not reachable\n';
    fs.writeFileSync(file.fsPath, original);
    try {
      const node = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2019-18276' && n.report.image.reference === 'debian:10')!;
      const outcome = await vscode.commands.executeCommand<IgnoreOutcome>('shipshape.ignoreVulnerability', node);
      assert.ok(outcome?.status === 'ignored', JSON.stringify(outcome));
      const written = fs.readFileSync(file.fsPath, 'utf8');
      assert.deepStrictEqual(parse(written), { vulnerabilities: [{ id: 'CVE-2020-0001' }, { id: 'CVE-2019-18276', purls: ['pkg:deb/debian/bash'] }] });
      assert.ok(written.startsWith('# reviewed by the team\nvulnerabilities:\n  - id: CVE-2020-0001 # not reachable\n'), written);
      assert.strictEqual(outcome.message, 'Ignored CVE-2019-18276 in pkg:deb/debian/bash: the rule is in .trivyignore.yaml (Trivy reads it with --ignorefile .trivyignore.yaml; Shipshape\'s scans pass it).');
      assert.ok(!vulnNodes(scan).some((n) => n.vuln.id === 'CVE-2019-18276'), 'dropped from the view');

      // Ctrl+Z in the file takes the edit back (it was a WorkspaceEdit), Ctrl+Y brings it back.
      const editor = await vscode.window.showTextDocument(file);
      await vscode.commands.executeCommand('undo');
      assert.strictEqual(editor.document.getText(), original);
      await vscode.commands.executeCommand('redo');
      assert.strictEqual(editor.document.getText(), written);
      await editor.document.save();

      // The Undo button: exactly that rule out, the vulnerability back in the view.
      assert.strictEqual(await outcome.undo(), true);
      assert.strictEqual(fs.readFileSync(file.fsPath, 'utf8'), original);
      assert.ok(vulnNodes(scan).some((n) => n.vuln.id === 'CVE-2019-18276'), 'back in the view');

      // The next scan reads the rules: Trivy gets a .yaml --ignorefile of ours with them.
      await vscode.commands.executeCommand('shipshape.ignoreVulnerability', vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2019-18276')!);
      fs.writeFileSync(toolLog, '');
      await scanImage('debian:10');
      const [call] = loggedCalls(fs.readFileSync(toolLog, 'utf8')) as Array<{ argv: string[]; ignoreText?: string }>;
      assert.ok(call.argv.includes('--ignorefile'), call.argv.join(' '));
      assert.deepStrictEqual(parse(call.ignoreText ?? ''), { vulnerabilities: [{ id: 'CVE-2020-0001' }, { id: 'CVE-2019-18276', purls: ['pkg:deb/debian/bash'] }] });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(file.fsPath, { force: true });
    }
  });

  it('refuses to write .trivyignore.yaml through a link that leaves the workspace', async () => {
    const file = fixtureUri('.trivyignore.yaml');
    const outside = path.join(tmp, 'outside.yaml');
    fs.writeFileSync(outside, 'vulnerabilities: []\n');
    fs.symlinkSync(outside, file.fsPath);
    try {
      const node = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2019-18276')!;
      const outcome = await vscode.commands.executeCommand<IgnoreOutcome>('shipshape.ignoreVulnerability', node);
      assert.strictEqual(outcome?.status, 'failed');
      assert.strictEqual(outcome.message, 'Could not write .trivyignore.yaml. The output says why.');
      assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'vulnerabilities: []\n');
      assert.ok(fs.lstatSync(file.fsPath).isSymbolicLink());
    } finally {
      fs.rmSync(file.fsPath, { force: true });
    }
  });

  it('asks before an id-wide rule when a Trivy report names no package, and writes it only when told', async () => {
    const report = vscode.Uri.file(path.join(tmp, 'old-trivy.json'));
    fs.writeFileSync(report.fsPath, JSON.stringify({
      SchemaVersion: 2, ArtifactName: 'old:1',
      Results: [{ Target: 'old:1 (debian 10)', Type: 'debian', Vulnerabilities: [{ VulnerabilityID: 'CVE-2000-0001', PkgName: 'zlib1g', InstalledVersion: '1.2', Severity: 'HIGH' }] }],
    }));
    const file = fixtureUri('.trivyignore.yaml');
    try {
      assert.strictEqual((await vscode.commands.executeCommand<{ status: string }>('shipshape.openScanReport', report))?.status, 'imported');
      const node = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-2000-0001')!;
      const asked = await vscode.commands.executeCommand<IgnoreOutcome>('shipshape.ignoreVulnerability', node);
      assert.strictEqual(asked?.status, 'needs-package');
      assert.match(asked.message, /names no package URL or path for CVE-2000-0001 in zlib1g/);
      assert.ok(!fs.existsSync(file.fsPath), 'nothing written');
      const every = await vscode.commands.executeCommand<IgnoreOutcome>('shipshape.ignoreVulnerability', { node, everyPackage: true });
      assert.ok(every?.status === 'ignored', JSON.stringify(every));
      assert.match(every.message, /^Ignored CVE-2000-0001 in every package/);
      assert.deepStrictEqual(parse(fs.readFileSync(file.fsPath, 'utf8')), { vulnerabilities: [{ id: 'CVE-2000-0001' }] });
      assert.strictEqual(await every.undo(), true);
      assert.ok(!fs.existsSync(file.fsPath), 'Undo removes the file Shipshape created');
    } finally {
      fs.rmSync(file.fsPath, { force: true });
    }
  });

  it('ignores a Grype finding for its package in .grype.yaml, and Undo removes the file it created', async () => {
    const node = vulnNodes(scan).find((n) => n.vuln.id === 'CVE-1999-0002')!;
    const file = fixtureUri('.grype.yaml');
    try {
      const outcome = await vscode.commands.executeCommand<IgnoreOutcome>('shipshape.ignoreVulnerability', node);
      assert.ok(outcome?.status === 'ignored', JSON.stringify(outcome));
      assert.strictEqual(outcome.fileName, '.grype.yaml');
      const rule = parse(fs.readFileSync(file.fsPath, 'utf8')).ignore;
      assert.deepStrictEqual(rule, [{ vulnerability: 'CVE-1999-0002', package: { name: node.vuln.pkg, version: node.vuln.installed } }]);
      assert.match(outcome.message, /^Ignored CVE-1999-0002 in .+: the rule is in \.grype\.yaml\.$/);
      assert.ok(!vulnNodes(scan).some((n) => n.vuln.id === 'CVE-1999-0002'));
      assert.strictEqual(await outcome.undo(), true);
      assert.ok(!fs.existsSync(file.fsPath));
      assert.ok(vulnNodes(scan).some((n) => n.vuln.id === 'CVE-1999-0002'));
    } finally {
      fs.rmSync(file.fsPath, { force: true });
    }
  });
});
