// Restricted Mode (test/vscode/run.js --untrusted): "Check Workspace" only reads and analyses, so
// it works in a workspace that is not trusted, like the diagnostics of open files.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, shipshapeDiagnostics, sleep } from './helpers';

describe('Check Workspace in Restricted Mode', () => {
  it('reports unopened files', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const uri = fixtureUri('unopened', 'deploy', 'pod.yaml');
    const result = await vscode.commands.executeCommand<{ analysed: number }>('shipshape.analyzeWorkspace', { quiet: true });
    assert.ok(result.analysed > 0, `${result.analysed} files analysed`);
    const deadline = Date.now() + 10000;
    while (shipshapeDiagnostics(uri).length === 0 && Date.now() < deadline) await sleep(50);
    assert.ok(shipshapeDiagnostics(uri).some((d) => codeOf(d) === 'k8s-privileged'));
  });
});
