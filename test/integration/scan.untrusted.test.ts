// Image scanning in Restricted Mode (test/vscode/run.js --untrusted): nothing is spawned, and
// reports written elsewhere still open.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ScanOutcome } from '../../src/extension/scan';
import { fixtureUri, withSetting } from './helpers';
import { FAKE_BIN, shipshapeApi, withEnv } from './scanHelpers';

describe('image scanning in an untrusted workspace', function () {
  this.timeout(30000);
  let tmp: string;
  let toolLog: string;
  const restore: Array<() => unknown> = [];

  before(async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this suite needs Restricted Mode');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-scan-untrusted-'));
    toolLog = path.join(tmp, 'tools.log');
    // Even a valid user-level path to a (fake) scanner must not be run.
    restore.push(await withSetting('scan.trivyPath', path.join(FAKE_BIN, 'trivy')));
    // SHIPSHAPE_PASS_ENV: a scanner that did run would get FAKE_TOOL_LOG and log itself.
    restore.push(withEnv({ FAKE_TOOL_LOG: toolLog, SHIPSHAPE_PASS_ENV: 'FAKE_*' }));
    await (await shipshapeApi()).scan.store.clear();
  });

  after(async () => {
    for (const r of restore.reverse()) await r();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses to scan, explains why, and runs nothing', async () => {
    const outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.scanImage', { reference: 'alpine:3.10', scanner: 'trivy' });
    assert.ok(outcome && outcome.status === 'refused', JSON.stringify(outcome));
    assert.match(outcome.message, /Restricted Mode/);
    assert.ok(!fs.existsSync(toolLog), 'no scanner was started');
  });

  it('refuses to rescan too', async () => {
    const outcome = await vscode.commands.executeCommand<ScanOutcome>('shipshape.rescanImage', { reference: 'alpine:3.10', scanner: 'trivy' });
    assert.strictEqual(outcome?.status, 'refused');
    assert.ok(!fs.existsSync(toolLog), 'no scanner was started');
  });

  it('still opens a report file and shows it in the tree', async () => {
    const result = await vscode.commands.executeCommand<{ status: string }>('shipshape.openScanReport', fixtureUri('scan', 'grype-report.json'));
    assert.strictEqual(result?.status, 'imported');
    const { scan } = await shipshapeApi();
    const images = scan.tree.getChildren();
    assert.deepStrictEqual(images.map((n) => scan.tree.getTreeItem(n).label), ['user-input']);
    assert.strictEqual(scan.tree.getChildren(images[0]).length, 2, 'critical and low groups');
    await scan.store.clear();
  });

  it('refuses to write an ignore file, and writes nothing', async () => {
    await vscode.commands.executeCommand('shipshape.openScanReport', fixtureUri('scan', 'grype-report.json'));
    const { scan } = await shipshapeApi();
    const vulns = scan.tree.getChildren().flatMap((i) => scan.tree.getChildren(i)).flatMap((g) => scan.tree.getChildren(g));
    const outcome = await vscode.commands.executeCommand<{ status: string; message: string }>('shipshape.ignoreVulnerability', vulns[0]);
    assert.strictEqual(outcome?.status, 'refused');
    assert.match(outcome.message, /Restricted Mode/);
    for (const name of ['.grype.yaml', '.trivyignore.yaml', '.trivyignore']) assert.ok(!fs.existsSync(fixtureUri(name).fsPath), name);
    assert.strictEqual(scan.tree.getChildren().flatMap((i) => scan.tree.getChildren(i)).flatMap((g) => scan.tree.getChildren(g)).length, vulns.length, 'nothing dropped from the view');
    await scan.store.clear();
  });

  it('says what a file that is not a report is, as in a trusted workspace', async () => {
    const file = vscode.Uri.file(path.join(tmp, 'pod.json'));
    fs.writeFileSync(file.fsPath, '{"apiVersion": "v1", "kind": "Pod"}');
    const result = await vscode.commands.executeCommand<{ status: string; shown: string }>('shipshape.openScanReport', file);
    assert.strictEqual(result?.status, 'failed');
    assert.match(result.shown, /pod\.json is not a scan report: .* a JSON object with the keys apiVersion, kind\./);
  });
});
