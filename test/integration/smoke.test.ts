// Checks the launcher's promises to every other integration test: a real extension host, the
// fixture workspace opened from a throwaway copy, trusted by default.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

describe('integration test harness', () => {
  it('opens a copy of the fixture workspace, not the folder in the repository', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'exactly one workspace folder is open');
    const folder = folders[0].uri.fsPath;
    assert.strictEqual(path.basename(folder), 'workspace');
    assert.ok(!folder.includes(`${path.sep}test${path.sep}fixtures${path.sep}`), `workspace ${folder} should be a temporary copy`);
  });

  it('trusts the workspace in a normal run', () => {
    assert.strictEqual(vscode.workspace.isTrusted, true);
  });

  it('can read the fixture Dockerfile through the workspace API', async () => {
    const [dockerfile] = await vscode.workspace.findFiles('Dockerfile');
    assert.ok(dockerfile, 'the fixture workspace has a Dockerfile at its root');
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    assert.match(doc.getText(), /^FROM /m);
  });
});
