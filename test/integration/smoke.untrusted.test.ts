// Runs only in the launcher's untrusted mode (test/vscode/run.js --untrusted): the workspace must
// be in restricted mode, or tests of Shipshape's restricted-mode behaviour prove nothing.
import * as assert from 'assert';
import * as vscode from 'vscode';

describe('integration test harness (untrusted workspace)', () => {
  it('opens the fixture workspace in restricted mode', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
  });

  it('still opens the fixture workspace folder', () => {
    assert.strictEqual(vscode.workspace.workspaceFolders?.length, 1);
  });
});
