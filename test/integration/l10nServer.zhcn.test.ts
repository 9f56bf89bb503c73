/**
 * What the language server and the inspect feature say, in a zh-cn VS Code (the zhcn session):
 * the language status of a Helm chart template (its hint comes from the server, in the client's
 * locale), a `.shipshape.yaml` problem, and an inspected image's findings in the Image Findings tree.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
/* eslint-disable @typescript-eslint/no-require-imports */
import type { InspectOutcome } from '../../src/extension/inspect';
import type { ScanNode, ScanSupport } from '../../src/extension/scan';
import { dockerArchive } from '../unit/inspect-support';
import { codeOf, fixtureUri, sleep, until, waitForDiagnostics, workspaceRoot } from './helpers';

const SUBCHART = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'helm', 'testcharts', 'subchart');

interface Api {
  languageStatus: { text: string };
  diagnostics: { summaryOf(doc: vscode.TextDocument): { hint?: string; skipped?: string } | undefined };
  scan: ScanSupport;
}

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>('shipshape.shipshape')!;
  return ext.isActive ? ext.exports : ext.activate();
}

describe('Shipshape in Simplified Chinese: the server\'s and the inspector\'s words', function () {
  this.timeout(60_000);
  const root = workspaceRoot().fsPath;
  const chartDir = path.join(root, 'helm-zh-it');
  const config = path.join(root, '.shipshape.yaml');
  const inspectDir = path.join(root, 'inspect-zh-it');
  let hadConfig: string | undefined;

  before(() => {
    fs.cpSync(SUBCHART, path.join(chartDir, 'subchart'), { recursive: true });
    hadConfig = fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : undefined;
  });
  after(async () => {
    await vscode.commands.executeCommand('shipshape.clearInspections');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (hadConfig === undefined) fs.rmSync(config, { force: true }); else fs.writeFileSync(config, hadConfig);
    fs.rmSync(chartDir, { recursive: true, force: true });
    fs.rmSync(inspectDir, { recursive: true, force: true });
  });

  it('a chart template without helm: the language status and its hint in Chinese', async () => {
    const a = await api();
    const uri = vscode.Uri.file(path.join(chartDir, 'subchart', 'templates', 'tests', 'test-nothing.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // No helm on PATH and no shipshape.helm.path: the hint says how to get the chart analysed.
    const hint = await until('the install-helm hint', () => {
      const h = a.diagnostics.summaryOf(doc)?.hint;
      return h && /helm/.test(h) && !/rendering|正在渲染/.test(h) ? h : undefined;
    });
    assert.strictEqual(hint, 'Helm 模板：未分析——请安装 helm 或设置 shipshape.helm.path');
    await until('the status of the template', () => (a.languageStatus.text === 'Helm 模板：未分析' ? true : undefined));
  });

  it('a .shipshape.yaml problem is a Chinese diagnostic on the file', async () => {
    // A document of the folder is open (the server reads the folder's configuration for it); the file changes under it.
    const dockerfile = fixtureUri('editor', 'Dockerfile');
    await vscode.workspace.openTextDocument(dockerfile);
    await waitForDiagnostics(dockerfile, (ds) => ds.some((x) => codeOf(x) === 'docker-root-user'));
    fs.writeFileSync(config, 'profile: strict\n');
    const uri = vscode.Uri.file(config);
    const d = await until('the configuration diagnostic', () => vscode.languages.getDiagnostics(uri).find((x) => x.source === 'Shipshape'));
    assert.strictEqual(d.message, 'Shipshape 配置：profile：应为 baseline、restricted 或 all');
    assert.deepStrictEqual([d.range.start.line, d.range.start.character, d.range.end.character], [0, 0, 7]);
  });

  it('the base-image advice in the FROM hover reads in Chinese (the catalogue\'s phrases too)', async () => {
    const dockerfile = fixtureUri('Dockerfile');
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(dockerfile, (ds) => ds.some((x) => codeOf(x) === 'docker-latest-tag'));
    const line = doc.getText().split('\n').findIndex((l) => /^FROM\s/i.test(l));
    let hover = '';
    for (const deadline = Date.now() + 10_000; !/完整的 Debian 镜像/.test(hover) && Date.now() < deadline; await sleep(200)) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dockerfile, new vscode.Position(line, 6));
      hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    }
    assert.match(hover, /Node\\?\.js \S+，完整的 Debian 镜像/, hover);
    assert.match(hover, /相同的 Node\\?\.js \S+，不含编译器和构建工具/, hover);
  });

  it('an error of the core shown by the extension (a signing input) reads in Chinese', () => {
    const { SigningInputError, parseAnnotation } = require('../../src/core/signing') as typeof import('../../src/core/signing');
    const { errorText } = require('../../src/extension/errorText') as typeof import('../../src/extension/errorText');
    let error: unknown;
    try { parseAnnotation('novalue'); } catch (e) { error = e; }
    assert.ok(error instanceof SigningInputError);
    assert.strictEqual(errorText(error), '注解 "novalue" 必须形如 key=value');
    assert.strictEqual(errorText(new Error('plain')), 'plain');
  });

  it('an inspected image\'s findings read in Chinese in the Image Findings tree', async () => {
    const a = await api();
    fs.mkdirSync(inspectDir, { recursive: true });
    const archive = await dockerArchive(inspectDir, [
      { files: [{ name: 'usr/', type: 'directory' }, { name: 'usr/bin/', type: 'directory' }, { name: 'usr/bin/passwd', mode: 0o4755, content: 'x' }], createdBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
    ]);
    const outcome = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', { archive: vscode.Uri.file(archive) });
    assert.strictEqual(outcome?.status, 'inspected', JSON.stringify(outcome));
    const label = (n: ScanNode) => { const l = a.scan.tree.getTreeItem(n).label; return typeof l === 'string' ? l : l?.label ?? ''; };
    const image = a.scan.tree.getChildren().find((n) => n.kind === 'inspectImage' && label(n) === 'image.tar')!;
    assert.ok(image, 'the image node');
    const [findings] = a.scan.tree.getChildren(image);
    const items = a.scan.tree.getChildren(findings).map(label);
    assert.ok(items.includes('/usr/bin/passwd 设置了 setuid（权限 4755）：除非应用需要，否则请去掉这些位（find / -xdev -perm /6000 -type f -exec chmod a-s {} \\;）'), items.join('\n'));
  });
});
