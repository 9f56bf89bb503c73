// "Check Workspace" in a window with two folders (test/vscode/run.js --multiroot): each folder's
// .shipshape.yaml and folder settings apply to its own files read from disk.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, shipshapeDiagnostics, sleep } from './helpers';

function folder(name: string): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.name === name);
  assert.ok(f, `workspace folder ${name}`);
  return f.uri;
}

describe('Check Workspace in a multi-root workspace', () => {
  it('reports the unopened files of every folder under that folder\'s configuration', async () => {
    const api = vscode.Uri.joinPath(folder('api'), 'worker', 'Dockerfile');
    const web = vscode.Uri.joinPath(folder('web'), 'worker', 'Dockerfile');
    for (const uri of [api, web]) assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), `${uri.path} is not open`);
    const result = await vscode.commands.executeCommand<{ analysed: number }>('shipshape.analyzeWorkspace', { quiet: true });
    assert.ok(result.analysed >= 2, `${result.analysed} files analysed`);
    const deadline = Date.now() + 10000;
    while ((shipshapeDiagnostics(web).length === 0 || shipshapeDiagnostics(api).length === 0) && Date.now() < deadline) await sleep(50);
    const webCodes = shipshapeDiagnostics(web).map(codeOf);
    assert.ok(webCodes.includes('docker-root-user') && webCodes.includes('docker-add-instead-of-copy'), `web: ${webCodes.join(', ')}`);
    const apiCodes = shipshapeDiagnostics(api).map(codeOf);
    assert.ok(apiCodes.includes('docker-expose-ssh'), `api was analysed: ${apiCodes.join(', ')}`);
    assert.ok(!apiCodes.includes('docker-root-user'), `api's .shipshape.yaml: ${apiCodes.join(', ')}`);
    assert.ok(!apiCodes.includes('docker-add-instead-of-copy'), `api's folder setting: ${apiCodes.join(', ')}`);
  });
});
