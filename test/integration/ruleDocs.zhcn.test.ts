/**
 * Rule documentation in a VS Code whose display language is Simplified Chinese (zhcn session):
 * the command, the quick pick's titles and the Problems panel link open docs/rules/zh-cn/<id>.md.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, waitForDiagnostics } from './helpers';

async function waitForTab(what: string, found: (tabs: readonly vscode.Tab[]) => boolean): Promise<void> {
  const deadline = Date.now() + 10000;
  for (;;) {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    if (found(tabs)) return;
    if (Date.now() > deadline) throw new Error(`no ${what}: ${tabs.map((t) => `${t.label}(${t.input?.constructor?.name})`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Chinese rule documentation in a zh-cn VS Code', () => {
  const bare = fixtureUri('editor', 'bare.yaml');
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens the Chinese page of a rule as a preview', async () => {
    assert.strictEqual(vscode.env.language, 'zh-cn');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('shipshape.showRuleDocumentation', ['k8s-privileged', 'k8s-readonly-rootfs'], 'k8s-readonly-rootfs');
    assert.match(uri.path, /\/docs\/rules\/zh-cn\/k8s-readonly-rootfs\.md$/);
    const text = (await vscode.workspace.fs.readFile(uri)).toString();
    assert.match(text.split('\n')[0], /^# k8s-readonly-rootfs: 根文件系统可写$/);
    await waitForTab('preview of k8s-readonly-rootfs', (tabs) => tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('k8s-readonly-rootfs')));
  });

  it('links the Chinese page from the Problems panel (the diagnostic code target)', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bare));
    const ds = await waitForDiagnostics(bare, (all) => all.some((d) => codeOf(d) === 'k8s-readonly-rootfs'));
    const target = (ds.find((d) => codeOf(d) === 'k8s-readonly-rootfs')!.code as { target: vscode.Uri }).target;
    assert.match(target.path, /\/docs\/rules\/zh-cn\/k8s-readonly-rootfs\.md$/);
  });
});
