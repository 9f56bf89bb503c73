/**
 * Shipshape in a VS Code whose display language is Simplified Chinese (`--locale zh-cn`, run only
 * in the zhcn session): its own strings come from l10n/bundle.l10n.zh-cn.json and
 * package.nls.zh-cn.json. Rule messages come from the language server, which renders the core's
 * templates in the client's locale (l10n/core.zh-cn.json; the client sends vscode.env.language).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, sleep, waitForDiagnostics } from './helpers';

interface Api { languageStatus: { text: string } }

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>('shipshape.shipshape')!;
  return ext.isActive ? ext.exports : ext.activate();
}

describe('Shipshape in Simplified Chinese', () => {
  const bare = fixtureUri('editor', 'bare.yaml');

  it('runs in a zh-cn VS Code', () => {
    assert.strictEqual(vscode.env.language, 'zh-cn');
  });

  it('contributes Chinese command titles, settings and walkthrough', () => {
    const pkg = vscode.extensions.getExtension('shipshape.shipshape')!.packageJSON;
    const text = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as { value: string }).value) : String(v));
    const title = (id: string) => text(pkg.contributes.commands.find((c: { command: string }) => c.command === id).title);
    assert.strictEqual(title('shipshape.analyzeWorkspace'), '检查工作区');
    assert.strictEqual(title('shipshape.scanImage'), '扫描镜像…');
    assert.strictEqual(text(pkg.contributes.walkthroughs[0].title), 'Shipshape 入门');
    assert.match(text(pkg.contributes.configuration.properties['shipshape.signing.registries'].markdownDescription), /镜像仓库/);
  });

  it('shows the language status, quick fixes and hover in Chinese', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bare));
    const ds = await waitForDiagnostics(bare, (all) => all.filter((d) => d.range.start.line === 14).length >= 5);
    const a = await api();
    const deadline = Date.now() + 5000;
    while (!/个问题/.test(a.languageStatus.text) && Date.now() < deadline) await sleep(50);
    assert.strictEqual(a.languageStatus.text, `Shipshape：${ds.length} 个问题`);
    const onLine = ds.filter((d) => d.range.start.line === 14);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', bare, onLine[0].range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((x) => x.title);
    assert.ok(titles.includes(`忽略此行的 ${new Set(onLine.map(codeOf)).size} 个问题`), titles.join(' | '));
    assert.ok(titles.includes('显示文档…'), titles.join(' | '));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', bare, onLine[0].range.start);
    const hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hover, /^\$\([a-z]+\) \*\*(严重|高|中|低|信息)\*\* /m, hover);
    assert.match(hover, /规则文档/, hover);
  });

  it('shows Dockerfile diagnostics and fix titles in Chinese, rule ids unchanged', async () => {
    const dockerfile = fixtureUri('Dockerfile');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    const ds = await waitForDiagnostics(dockerfile, (all) => all.some((d) => codeOf(d) === 'docker-root-user'));
    const root = ds.find((d) => codeOf(d) === 'docker-root-user')!;
    assert.strictEqual(root.message, '最终阶段没有设置 USER，容器因此以 root 运行：请添加一个使用非特权用户的 USER。');
    const latest = ds.find((d) => codeOf(d) === 'docker-latest-tag')!;
    assert.strictEqual(latest.message, '请将基础镜像 "node:latest" 固定到具体的版本标签或摘要，而不是 ":latest"。');
    for (const d of ds) assert.match(d.message, /[\u4e00-\u9fff]/, `${codeOf(d)}: ${d.message}`);
    // The first request, right after the diagnostics (it once came back empty in CI, when the
    // server analysed every open document again on the client's first configuration notification).
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, latest.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((x) => x.title);
    assert.ok(titles.includes('将基础镜像固定到某个标签'), titles.join(' | '));
  });
});
