// Runs in an empty window, no folder open (test/vscode/run.js --nofolder).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, waitForDiagnostics } from './helpers';

describe('no folder open', () => {
  it('has no workspace folder', () => {
    assert.strictEqual(vscode.workspace.workspaceFolders, undefined);
  });

  it('analyses an untitled Dockerfile and an untitled manifest', async () => {
    const docker = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM alpine:3.19\nHEALTHCHECK CMD true\nCMD ["sh"]\n' });
    await vscode.window.showTextDocument(docker);
    await waitForDiagnostics(docker.uri, (ds) => ds.some((d) => codeOf(d) === 'docker-root-user'));
    const pod = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n',
    });
    await vscode.window.showTextDocument(pod);
    const ds = await waitForDiagnostics(pod.uri, (all) => all.some((d) => codeOf(d) === 'k8s-privileged'));
    assert.strictEqual(ds.find((d) => codeOf(d) === 'k8s-privileged')!.range.start.line, 9);
  });
});
