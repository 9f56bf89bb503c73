// Helm charts rendered in the editor through the language server, with the fake helm of
// test/fixtures/bin (it prints helm's own recorded golden output for the `subchart` test chart,
// see test/fixtures/helm/SOURCE.md) set as the user's machine-scoped `shipshape.helm.path`.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, until, waitForDiagnostics, withSetting, workspaceRoot } from './helpers';
import { FAKE_BIN } from './scanHelpers';

const SUBCHART = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'helm', 'testcharts', 'subchart');

interface Api { diagnostics: { summaryOf(doc: vscode.TextDocument): { hint?: string; skipped?: string } | undefined } }

describe('Helm charts rendered in the editor (fake helm through shipshape.helm.path)', function () {
  this.timeout(90_000);
  const dir = path.join(workspaceRoot().fsPath, 'helm-render-it');
  const restore: Array<() => Promise<void>> = [];
  before(() => { fs.cpSync(SUBCHART, path.join(dir, 'subchart'), { recursive: true }); });
  after(async () => {
    for (const r of restore.reverse()) await r();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without helm the template says how to enable it; with shipshape.helm.path the finding lands on the template line; a save re-renders', async () => {
    const api = vscode.extensions.getExtension<Api>('shipshape.shipshape')!.exports;
    const uri = vscode.Uri.file(path.join(dir, 'subchart', 'templates', 'tests', 'test-nothing.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // No helm on this machine's PATH: not analysed, and the status says how to change that.
    await until('the install-helm hint', () => /install helm or set shipshape\.helm\.path/.test(api.diagnostics.summaryOf(doc)?.hint ?? '') || undefined);
    restore.push(await withSetting('helm.path', path.join(FAKE_BIN, 'helm')));
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'k8s-image-latest'), 'the rendered chart\'s findings', 30_000);
    const latest = ds.find((x) => codeOf(x) === 'k8s-image-latest')!;
    assert.strictEqual(latest.range.start.line, 9);
    assert.strictEqual(doc.lineAt(9).text, '      image: "alpine:latest"');
    // Edit the template (a comment above) and save: rendered again, mapped to the new line.
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# a comment\n'));
    await doc.save();
    const after = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'k8s-image-latest' && x.range.start.line === 10), 'the finding on the moved line', 30_000);
    assert.ok(!after.some((x) => codeOf(x) === 'k8s-image-latest' && x.range.start.line === 9));
    assert.strictEqual(api.diagnostics.summaryOf(doc)?.skipped, undefined, 'analysed through the render');
  });
});
