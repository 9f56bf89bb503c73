/**
 * The first-run experience in a real extension host: the walkthrough is contributed and its
 * buttons work, "Check Workspace" reports files nobody opened (within files.exclude /
 * shipshape.exclude and the size bound), Sign / Verify lenses only on the user's own images,
 * and the `.shipshape.yaml` schema is contributed.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, shipshapeDiagnostics, sleep, until, waitForDiagnostics, withSetting } from './helpers';

interface CheckResult { analysed: number; findings: number; cancelled: boolean; skipped: { excluded: number; tooLarge: number } }

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension('shipshape.shipshape');
  assert.ok(ext, 'the extension is installed');
  return ext;
}

describe('the walkthrough', () => {
  it('is contributed: every step has a command button, a completion event and its media', async () => {
    const ext = extension();
    const walkthroughs = ext.packageJSON.contributes.walkthroughs as Array<{ id: string; title: string; steps: Array<{ id: string; title: string; description: string; completionEvents: string[]; media: { markdown: string } }> }>;
    assert.strictEqual(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    const ids = steps.map((s) => s.id);
    const expected = ['seeFinding', 'applyFix', 'chooseProfile', 'checkWorkspace', 'scanImage', 'signImage'];
    assert.deepStrictEqual(ids.filter((id) => expected.includes(id)), expected, `the first-run steps in order among ${ids.join(', ')}`);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      assert.ok(step.completionEvents.length > 0, step.id);
      const buttons = [...step.description.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
      assert.ok(buttons.length > 0, `${step.id} has a command button`);
      for (const b of buttons) assert.ok(commands.has(b), `${step.id}: ${b} is a registered command`);
      for (const e of step.completionEvents.filter((x) => x.startsWith('onCommand:'))) assert.ok(commands.has(e.slice('onCommand:'.length)), `${step.id}: ${e}`);
      const media = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, step.media.markdown));
      assert.ok(media.byteLength > 50, step.media.markdown);
      const zh = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, step.media.markdown.replace(/\.md$/, '.nls.zh-cn.md')));
      assert.ok(zh.byteLength > 50, `${step.media.markdown}: a Simplified Chinese version`);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ext.id}#${walkthroughs[0].id}`, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Open a Sample Dockerfile" shows findings, and "Show the Fixes" puts the cursor on the first one', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('shipshape.walkthrough.openSample');
    const uri = editor.document.uri;
    assert.strictEqual(uri.scheme, 'untitled', 'nothing is written to the workspace');
    const ds = await waitForDiagnostics(uri, (all) => all.some((d) => codeOf(d) === 'docker-root-user') && all.some((d) => codeOf(d) === 'docker-add-instead-of-copy'));
    assert.ok(await vscode.commands.executeCommand('shipshape.walkthrough.showFixes'));
    const first = [...ds].sort((a, b) => a.range.start.compareTo(b.range.start))[0];
    assert.ok(vscode.window.activeTextEditor?.selection.active.isEqual(first.range.start));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

describe('Check Workspace', () => {
  const dockerfile = fixtureUri('unopened', 'Dockerfile');
  const pod = fixtureUri('unopened', 'deploy', 'pod.yaml');
  const excluded = fixtureUri('unopened', 'excluded', 'Dockerfile');
  const hidden = fixtureUri('unopened', 'hidden', 'Dockerfile');
  const big = fixtureUri('unopened', 'big.yaml');

  it('reports files that are not open, honouring shipshape.exclude, files.exclude and the size bound', async () => {
    for (const uri of [dockerfile, pod, excluded, hidden]) {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), `${uri.path} is not open`);
    }
    const padding = '# padding\n'.repeat(120_000);
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext:\n        privileged: true\n${padding}`));
    const restoreExclude = await withSetting('exclude', ['unopened/excluded/**']);
    const files = vscode.workspace.getConfiguration('files');
    const filesBefore = files.inspect('exclude')?.globalValue;
    await files.update('exclude', { '**/unopened/hidden/**': true }, vscode.ConfigurationTarget.Global);
    try {
      const result = await vscode.commands.executeCommand<CheckResult>('shipshape.analyzeWorkspace', { quiet: true });
      assert.ok(!result.cancelled);
      assert.ok(result.analysed >= 5, `${result.analysed} files analysed`);
      assert.ok(result.skipped.excluded >= 1, 'the shipshape.exclude file was skipped');
      assert.ok(result.skipped.tooLarge >= 1, 'the large file was skipped');
      const ds = await until('diagnostics of the unopened Dockerfile', () => shipshapeDiagnostics(dockerfile).length > 0 && shipshapeDiagnostics(dockerfile));
      assert.ok(ds.some((d) => codeOf(d) === 'docker-add-instead-of-copy' && d.range.start.line === 1), ds.map(codeOf).join(','));
      assert.ok(shipshapeDiagnostics(pod).some((d) => codeOf(d) === 'k8s-privileged' && d.range.start.line === 10));
      assert.deepStrictEqual(shipshapeDiagnostics(excluded), [], 'shipshape.exclude');
      assert.deepStrictEqual(shipshapeDiagnostics(hidden), [], 'files.exclude');
      assert.deepStrictEqual(shipshapeDiagnostics(big), [], 'over 1 MB');
      assert.deepStrictEqual(shipshapeDiagnostics(fixtureUri('unopened', 'deploy', 'ci.yaml')), [], 'YAML that is not Kubernetes');
    } finally {
      await restoreExclude();
      await files.update('exclude', filesBefore, vscode.ConfigurationTarget.Global);
      await vscode.workspace.fs.delete(big);
    }
  });

  it('shows the live analysis of an opened file, not its disk result', async () => {
    await vscode.commands.executeCommand('shipshape.analyzeWorkspace', { quiet: true });
    await until('disk diagnostics', () => shipshapeDiagnostics(dockerfile).some((d) => codeOf(d) === 'docker-add-instead-of-copy'));
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.replace(new vscode.Range(1, 0, 1, 3), 'COPY'));
    await waitForDiagnostics(dockerfile, (all) => !all.some((d) => codeOf(d) === 'docker-add-instead-of-copy'), 'the live result');
    // A check while it is open leaves the editor's result alone.
    await vscode.commands.executeCommand('shipshape.analyzeWorkspace', { quiet: true });
    await sleep(300);
    assert.ok(!shipshapeDiagnostics(dockerfile).some((d) => codeOf(d) === 'docker-add-instead-of-copy'));
    // (When VS Code disposes the closed document, its disk result returns; when is up to VS Code.)
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

describe('Sign and Verify lenses', () => {
  const lensesOf = async (uri: vscode.Uri) => {
    await vscode.workspace.openTextDocument(uri);
    return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  };
  const signedLines = (lenses: vscode.CodeLens[]) => lenses.filter((l) => l.command?.command === 'shipshape.signImage').map((l) => l.range.start.line);

  it('are not offered on a third-party FROM; Scan image is', async () => {
    const lenses = await lensesOf(fixtureUri('editor', 'node.Dockerfile'));
    assert.deepStrictEqual(lenses.filter((l) => l.command?.command === 'shipshape.scanImage').map((l) => l.range.start.line), [0]);
    assert.deepStrictEqual(signedLines(lenses), []);
    assert.ok(!lenses.some((l) => l.command?.command === 'shipshape.verifyImage'));
  });

  it('appear on manifest images that are not public ones, or only on shipshape.signing.registries when set', async () => {
    const uri = fixtureUri('editor', 'images.yaml');
    let lenses = await lensesOf(uri);
    assert.strictEqual(lenses.filter((l) => l.command?.command === 'shipshape.scanImage').length, 3);
    assert.deepStrictEqual(signedLines(lenses), [9, 11], 'not on mysql:5.6');
    const restore = await withSetting('signing.registries', ['registry.example.com/team']);
    try {
      lenses = await lensesOf(uri);
      assert.deepStrictEqual(signedLines(lenses), [11]);
      assert.deepStrictEqual(lenses.filter((l) => l.command?.command === 'shipshape.verifyImage').map((l) => l.range.start.line), [11]);
    } finally {
      await restore();
    }
  });
});

describe('the .shipshape.yaml schema', () => {
  it('is contributed to the YAML extension and shipped', async () => {
    const ext = extension();
    const entry = (ext.packageJSON.contributes.yamlValidation as Array<{ fileMatch: string; url: string }>).find((v) => v.fileMatch === '.shipshape.yaml');
    assert.ok(entry);
    const schema = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, entry.url))));
    assert.strictEqual(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.ok(schema.properties.rules.properties['docker-root-user']);
  });
});

describe('a manifest that stops parsing', () => {
  const pod = fixtureUri('editor', 'images.yaml');
  afterEach(async () => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === pod.toString());
    if (doc?.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('says so with the parser\'s message, and the status does not call it "not a Kubernetes manifest"', async () => {
    const doc = await vscode.workspace.openTextDocument(pod);
    const editor = await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(pod, (all) => all.length > 0);
    // What a snippet with doubled indentation did: a key indented under a scalar.
    await editor.edit((b) => b.insert(new vscode.Position(8, 0), '            resources:\n              limits: {}\n'));
    const ds = await waitForDiagnostics(pod, (all) => all.some((d) => codeOf(d) === 'k8s-yaml-syntax'), 'a YAML syntax diagnostic');
    const syntax = ds.find((d) => codeOf(d) === 'k8s-yaml-syntax')!;
    assert.strictEqual(syntax.severity, vscode.DiagnosticSeverity.Error);
    assert.match(syntax.message, /YAML/);
    assert.ok(syntax.range.start.line >= 7 && syntax.range.start.line <= 9, `at the broken lines, not line ${syntax.range.start.line}`);
    const api = extension().exports as { languageStatus: { text: string } };
    await until('the language status', () => !/analysing/.test(api.languageStatus.text));
    assert.doesNotMatch(api.languageStatus.text, /not a Kubernetes manifest/);
    assert.match(api.languageStatus.text, /problem/);
  });

  it('says so when the edit breaks the `kind:` line, so that nothing reads as Kubernetes any more', async () => {
    const doc = await vscode.workspace.openTextDocument(pod);
    const editor = await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(pod, (all) => all.some((d) => codeOf(d) === 'k8s-readonly-rootfs'));
    await editor.edit((b) => b.insert(new vscode.Position(1, doc.lineAt(1).text.length), ': x'));
    assert.strictEqual(doc.lineAt(1).text, 'kind: Pod: x');
    const ds = await waitForDiagnostics(pod, (all) => all.some((d) => codeOf(d) === 'k8s-yaml-syntax'), 'a YAML syntax diagnostic');
    assert.deepStrictEqual(ds.map(codeOf), ['k8s-yaml-syntax'], 'the findings of the unreadable file are gone, the reason is there');
    assert.strictEqual(ds[0].range.start.line, 1);
    assert.match(ds[0].message, /^YAML error: Nested mappings are not allowed in compact mappings\./);
    assert.strictEqual(ds[0].severity, vscode.DiagnosticSeverity.Error);
    const api = extension().exports as { languageStatus: { text: string } };
    await until('the language status', () => /problem/.test(api.languageStatus.text));
    // Undoing the edit brings the findings back.
    await vscode.commands.executeCommand('undo');
    await waitForDiagnostics(pod, (all) => all.some((d) => codeOf(d) === 'k8s-readonly-rootfs') && !all.some((d) => codeOf(d) === 'k8s-yaml-syntax'));
  });

  it('stays quiet about broken YAML that never was a manifest', async () => {
    const uri = fixtureUri('editor', 'ci', 'workflow.yml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, doc.lineAt(0).text.length), ': x'));
    await sleep(600);
    assert.deepStrictEqual(shipshapeDiagnostics(uri), []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
