// Runs only in the launcher's untrusted mode: a chart's template is never rendered in restricted
// mode (a chart is the workspace's code), and the document state says to trust the workspace.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { shipshapeDiagnostics, sleep, withSetting, workspaceRoot } from './helpers';
import { FAKE_BIN } from './scanHelpers';

interface Api { diagnostics: { summaryOf(doc: vscode.TextDocument): { hint?: string; skipped?: string } | undefined } }

describe('Helm charts in an untrusted workspace', function () {
  this.timeout(60_000);
  const dir = path.join(workspaceRoot().fsPath, 'helm-untrusted-it');
  let restore: (() => Promise<void>) | undefined;
  before(() => {
    fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: subchart\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(dir, 'templates', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: "alpine:latest"\n');
  });
  after(async () => {
    await restore?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says "trust the workspace" and publishes nothing, even with shipshape.helm.path set', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    restore = await withSetting('helm.path', path.join(FAKE_BIN, 'helm'));
    const api = vscode.extensions.getExtension<Api>('shipshape.shipshape')!.exports;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'templates', 'pod.yaml')));
    await vscode.window.showTextDocument(doc);
    const deadline = Date.now() + 20_000;
    while (!/trust the workspace/.test(api.diagnostics.summaryOf(doc)?.hint ?? '') && Date.now() < deadline) await sleep(100);
    assert.match(api.diagnostics.summaryOf(doc)?.hint ?? '', /trust the workspace/);
    assert.strictEqual(api.diagnostics.summaryOf(doc)?.skipped, 'template');
    await sleep(1000);
    assert.deepStrictEqual(shipshapeDiagnostics(doc.uri), []);
  });
});
