/**
 * Rules that span files in the real editor: the language server's workspace index reads
 * crossfile/namespace.yaml (not open) and the open crossfile/workload.yaml settles against it;
 * an edit of the Namespace's label (open, unsaved) changes the workload's diagnostic.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, revertIfDirty, waitForDiagnostics } from './helpers';

const find = (id: string) => (ds: vscode.Diagnostic[]) => ds.find((d) => codeOf(d) === id);

describe('rules that span files (workspace index)', function () {
  this.timeout(60_000);
  const namespace = fixtureUri('crossfile', 'namespace.yaml');
  const workload = fixtureUri('crossfile', 'workload.yaml');

  afterEach(() => revertIfDirty([namespace, workload]));
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a workload in one file is rejected by the Namespace of another; editing the label to warn turns it into a warning', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workload));
    const ds = await waitForDiagnostics(workload, (all) => !!find('k8s-admission-rejected')(all), 'the admission prediction from namespace.yaml', 30_000);
    const rejected = find('k8s-admission-rejected')(ds)!;
    assert.strictEqual(rejected.severity, vscode.DiagnosticSeverity.Error);
    assert.match(rejected.message, /^The API server will reject the Pods of Deployment "api" \(namespace crossfile enforces restricted\)/);
    assert.strictEqual(rejected.range.start.line, 2, 'on the kind of the workload');

    const nsDoc = await vscode.workspace.openTextDocument(namespace);
    const editor = await vscode.window.showTextDocument(nsDoc);
    const line = nsDoc.getText().split('\n').findIndex((l) => l.includes('pod-security.kubernetes.io/enforce'));
    const at = nsDoc.lineAt(line).text.indexOf('enforce');
    assert.ok(await editor.edit((e) => e.replace(new vscode.Range(line, at, line, at + 'enforce'.length), 'warn')));
    const after = await waitForDiagnostics(workload, (all) => !find('k8s-admission-rejected')(all) && !!find('k8s-admission-warning')(all), 'the warning after the label edit', 30_000);
    assert.match(find('k8s-admission-warning')(after)!.message, /namespace crossfile warns on restricted/);
    assert.strictEqual(find('k8s-admission-warning')(after)!.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('follows the Namespace file when it changes on disk (a watched-file event, or the reloaded document if the editor still holds it)', async () => {
    await revertIfDirty([namespace]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workload));
    await waitForDiagnostics(workload, (all) => !!find('k8s-admission-rejected')(all), 'the prediction from the file on disk', 30_000);
    const original = await vscode.workspace.fs.readFile(namespace);
    try {
      const text = new TextDecoder().decode(original).replace('pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/audit');
      await vscode.workspace.fs.writeFile(namespace, new TextEncoder().encode(text));
      const after = await waitForDiagnostics(workload, (all) => !find('k8s-admission-rejected')(all) && !!find('k8s-admission-warning')(all), 'the audit prediction after the file changed on disk', 30_000);
      assert.match(find('k8s-admission-warning')(after)!.message, /namespace crossfile audits it/);
    } finally {
      await vscode.workspace.fs.writeFile(namespace, original);
    }
    await waitForDiagnostics(workload, (all) => !!find('k8s-admission-rejected')(all), 'the prediction again once the file is restored', 30_000);
  });
});
