// Runs in a window with a .code-workspace holding two folders (test/vscode/run.js --multiroot):
// each folder's .shipshape.yaml and folder settings apply to its own files only.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, waitForDiagnostics } from './helpers';

function folder(name: string): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.name === name);
  assert.ok(f, `workspace folder ${name} among ${vscode.workspace.workspaceFolders?.map((w) => w.name).join(', ')}`);
  return f;
}

describe('multi-root workspace', () => {
  it('opens two folders', () => {
    assert.deepStrictEqual(vscode.workspace.workspaceFolders?.map((f) => f.name).sort(), ['api', 'web']);
  });

  it('applies each folder\'s .shipshape.yaml and folder settings to its own files', async () => {
    const api = vscode.Uri.joinPath(folder('api').uri, 'Dockerfile');
    const web = vscode.Uri.joinPath(folder('web').uri, 'Dockerfile');
    const apiDoc = await vscode.workspace.openTextDocument(api);
    await vscode.window.showTextDocument(apiDoc);
    const state = () => vscode.extensions.getExtension<{ diagnostics: { summaryOf(d: vscode.TextDocument): unknown } }>('shipshape.shipshape')?.exports?.diagnostics.summaryOf(apiDoc);
    const webDoc = await vscode.workspace.openTextDocument(web);
    await vscode.window.showTextDocument(webDoc);
    const webDs = await waitForDiagnostics(web, (ds) => ds.some((d) => codeOf(d) === 'docker-root-user'));
    assert.ok(webDs.some((d) => codeOf(d) === 'docker-add-instead-of-copy'), 'web keeps the ADD finding');
    // The api Dockerfile is clean once its folder's config applies: wait for its analysis, whatever it says.
    const apiDs = await waitForDiagnostics(api, () => true);
    assert.ok(state(), 'the api Dockerfile was analysed');
    const apiCodes = apiDs.map(codeOf);
    assert.ok(!apiCodes.includes('docker-root-user'), `api's .shipshape.yaml turns the root rule off: ${apiCodes.join(', ')}`);
    assert.ok(!apiCodes.includes('docker-add-instead-of-copy'), `api's folder setting turns the ADD rule off: ${apiCodes.join(', ')}`);
  });
});
