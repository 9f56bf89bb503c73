import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, revertIfDirty, waitForDiagnostics } from './helpers';

const has = (id: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => codeOf(d) === id);
const lacks = (id: string) => (ds: vscode.Diagnostic[]) => ds.length > 0 && !ds.some((d) => codeOf(d) === id);

async function actionsFor(uri: vscode.Uri, d: vscode.Diagnostic, kind?: vscode.CodeActionKind): Promise<vscode.CodeAction[]> {
  return vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, kind?.value);
}

describe('code actions in a real editor', () => {
  const dockerfile = fixtureUri('editor', 'Dockerfile');
  const pod = fixtureUri('editor', 'pod.yaml');

  afterEach(() => revertIfDirty([dockerfile, pod]));

  it('offers ignore-line, ignore-file and documentation on every diagnostic', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    const ds = await waitForDiagnostics(dockerfile, has('docker-root-user'));
    for (const d of ds) {
      const titles = (await actionsFor(dockerfile, d)).map((a) => a.title);
      const id = codeOf(d);
      const stacked = ds.filter((x) => x.range.start.line === d.range.start.line).length > 1;
      if (stacked) {
        assert.ok(titles.some((t) => /^Ignore the \d+ findings on this line$/.test(t)), `${id}: ${titles.join(' | ')}`);
        assert.ok(titles.includes('Ignore a rule for this file…'), id);
        assert.ok(titles.includes('Show documentation…'), id);
      } else {
        assert.ok(titles.includes(`Ignore ${id} for this line`), `${id}: ${titles.join(' | ')}`);
        assert.ok(titles.includes(`Ignore ${id} for this file`), id);
        assert.ok(titles.includes(`Show documentation for ${id}`), id);
      }
    }
  });

  it('"Ignore for this line" inserts the comment, clears the finding, and undo restores it', async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const ds = await waitForDiagnostics(dockerfile, has('docker-add-instead-of-copy'));
    const d = ds.find((x) => codeOf(x) === 'docker-add-instead-of-copy')!;
    const action = (await actionsFor(dockerfile, d)).find((a) => a.title === 'Ignore docker-add-instead-of-copy for this line')!;
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    assert.match(doc.lineAt(d.range.start.line).text, /^# shipshape-ignore docker-add-instead-of-copy$/);
    await waitForDiagnostics(dockerfile, lacks('docker-add-instead-of-copy'));
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), before);
    await waitForDiagnostics(dockerfile, has('docker-add-instead-of-copy'));
  });

  it('"Ignore for this file" works for a missing-field rule in YAML', async () => {
    const doc = await vscode.workspace.openTextDocument(pod);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(pod, has('k8s-readonly-rootfs'));
    const d = ds.find((x) => codeOf(x) === 'k8s-readonly-rootfs')!;
    const actions = await actionsFor(pod, d);
    const single = actions.find((a) => a.title === 'Ignore k8s-readonly-rootfs for this file');
    const picker = actions.find((a) => a.title === 'Ignore a rule for this file…');
    assert.ok(single?.edit || picker?.command, actions.map((a) => a.title).join(' | '));
    if (single?.edit) assert.ok(await vscode.workspace.applyEdit(single.edit));
    else assert.ok(await vscode.commands.executeCommand(picker!.command!.command, ...picker!.command!.arguments!, 'k8s-readonly-rootfs'));
    assert.strictEqual(doc.lineAt(0).text, '# shipshape-ignore-file k8s-readonly-rootfs');
    await waitForDiagnostics(pod, lacks('k8s-readonly-rootfs'));
  });

  it('applies the rule\'s own preferred fix: ADD becomes COPY and the finding goes', async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(dockerfile, has('docker-add-instead-of-copy'));
    const d = ds.find((x) => codeOf(x) === 'docker-add-instead-of-copy')!;
    const fixes = (await actionsFor(dockerfile, d)).filter((a) => a.edit && !a.title.startsWith('Ignore'));
    const preferred = fixes.find((a) => a.isPreferred);
    assert.ok(preferred, `a preferred fix among: ${fixes.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(preferred.edit!));
    assert.match(doc.lineAt(d.range.start.line).text, /^COPY app\.sh /);
    await waitForDiagnostics(dockerfile, lacks('docker-add-instead-of-copy'));
  });

  it('fixes a privileged container in place, keeping the comment', async () => {
    const doc = await vscode.workspace.openTextDocument(pod);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(pod, has('k8s-privileged'));
    const d = ds.find((x) => codeOf(x) === 'k8s-privileged')!;
    const fix = (await actionsFor(pod, d)).find((a) => a.isPreferred && a.edit);
    assert.ok(fix, 'a preferred fix for privileged');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.match(doc.getText(), /privileged: false/);
    assert.match(doc.getText(), /^# A pod with a privileged container\./);
    await waitForDiagnostics(pod, lacks('k8s-privileged'));
  });

  it('source.fixAll.shipshape applies the safe fixes only', async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(dockerfile, has('docker-add-instead-of-copy'));
    const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, new vscode.Range(0, 0, 0, 0), 'source.fixAll.shipshape');
    const fixAll = all.find((a) => a.kind?.value === 'source.fixAll.shipshape');
    assert.ok(fixAll?.edit, `fix-all action among ${all.map((a) => a.title).join(' | ')} (${ds.length} diagnostics)`);
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    assert.match(doc.getText(), /^COPY app\.sh/m);
    await waitForDiagnostics(dockerfile, lacks('docker-add-instead-of-copy'));
    await vscode.commands.executeCommand('undo');
    assert.match(doc.getText(), /^ADD app\.sh/m);
  });
});

describe('the quick-fix menu of a bare container', () => {
  const bare = fixtureUri('editor', 'bare.yaml');
  afterEach(() => revertIfDirty([bare]));

  async function menu(): Promise<{ doc: vscode.TextDocument; ds: vscode.Diagnostic[]; actions: vscode.CodeAction[] }> {
    const doc = await vscode.workspace.openTextDocument(bare);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(bare, (all) => all.filter((d) => d.range.start.line === 14).length >= 5, 'findings on the container');
    const onLine = ds.filter((d) => d.range.start.line === 14);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', bare, onLine[0].range, vscode.CodeActionKind.QuickFix.value);
    return { doc, ds: onLine, actions };
  }

  it('has at most 12 entries, "Harden this container" first, one ignore entry for the line and one documentation entry', async () => {
    const { ds, actions } = await menu();
    const titles = actions.map((a) => a.title);
    assert.ok(actions.length <= 12, `${actions.length} entries: ${titles.join(' | ')}`);
    assert.match(titles[0], /^Harden this container/, titles.join(' | '));
    assert.deepStrictEqual(titles.filter((t) => t.startsWith('Ignore')), [`Ignore the ${new Set(ds.map(codeOf)).size} findings on this line`, 'Ignore a rule for this file…']);
    assert.deepStrictEqual(titles.filter((t) => t.startsWith('Show documentation')), ['Show documentation…']);
    const fixes = actions.filter((a) => !a.title.startsWith('Ignore') && !a.title.startsWith('Show documentation'));
    assert.strictEqual(new Set(fixes.map((a) => a.title)).size, fixes.length, 'each fix once');
    assert.ok(fixes.length >= 4, titles.join(' | '));
    assert.ok(!actions.slice(1).some((a) => a.isPreferred), 'no single fix claims to be the one fix of the line');
  });

  it('"Ignore the N findings on this line" suppresses every rule of the line, and only them', async () => {
    const { doc, ds, actions } = await menu();
    const ignore = actions.find((a) => /^Ignore the \d+ findings on this line$/.test(a.title))!;
    assert.ok(await vscode.workspace.applyEdit(ignore.edit!));
    const rules = [...new Set(ds.map(codeOf))].sort();
    const m = /^ {8}# shipshape-ignore (\S+)$/.exec(doc.lineAt(14).text);
    assert.ok(m, doc.lineAt(14).text);
    assert.deepStrictEqual(m[1].split(',').sort(), rules);
    const after = await waitForDiagnostics(bare, (all) => all.length > 0 && !all.some((d) => d.range.start.line === 15), 'the line to be quiet');
    assert.ok(after.some((d) => codeOf(d) === 'k8s-sa-token-automount'), 'findings of other lines stay');
  });

  it('"Ignore a rule for this file…" adds the file directive for the chosen rule', async () => {
    const { doc, actions } = await menu();
    const pick = actions.find((a) => a.title === 'Ignore a rule for this file…')!;
    const [uri, rules] = pick.command!.arguments as [vscode.Uri, string[]];
    assert.ok(rules.includes('k8s-readonly-rootfs'), rules.join(','));
    assert.ok(await vscode.commands.executeCommand(pick.command!.command, uri, rules, 'k8s-readonly-rootfs'));
    assert.strictEqual(doc.lineAt(0).text, '# shipshape-ignore-file k8s-readonly-rootfs');
    await waitForDiagnostics(bare, lacks('k8s-readonly-rootfs'));
  });
});

describe('rule documentation', () => {
  const bare = fixtureUri('editor', 'bare.yaml');

  async function waitForPreviewOf(ruleId: string): Promise<void> {
    const deadline = Date.now() + 10000;
    for (;;) {
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      const preview = tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(ruleId));
      const asText = tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.path.endsWith(`/docs/rules/${ruleId}.md`));
      if (preview && !asText) return;
      if (Date.now() > deadline) throw new Error(`no preview of ${ruleId}: ${tabs.map((t) => `${t.label}(${t.input?.constructor?.name})`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens as a rendered preview from the quick fix / hover command, with a pick among several rules skipped by an argument', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('shipshape.showRuleDocumentation', ['k8s-privileged', 'k8s-readonly-rootfs'], 'k8s-readonly-rootfs');
    assert.match(uri.path, /docs\/rules\/k8s-readonly-rootfs\.md$/);
    await waitForPreviewOf('k8s-readonly-rootfs');
  });

  it('opens as a rendered preview, not as text, from the Problems panel link (the diagnostic code target)', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bare));
    const ds = await waitForDiagnostics(bare, has('k8s-readonly-rootfs'));
    const target = (ds.find((d) => codeOf(d) === 'k8s-readonly-rootfs')!.code as { target: vscode.Uri }).target;
    // What the Problems panel does with the link: open the target.
    await vscode.commands.executeCommand('vscode.open', target);
    await waitForPreviewOf('k8s-readonly-rootfs');
  });
});

describe('refactorings in a real editor', () => {
  const goDockerfile = fixtureUri('editor', 'go', 'Dockerfile');
  afterEach(() => revertIfDirty([goDockerfile]));

  it('converts a single-stage Go build to a multi-stage build, and undo restores it', async () => {
    const doc = await vscode.workspace.openTextDocument(goDockerfile);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    await waitForDiagnostics(goDockerfile, has('docker-root-user'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', goDockerfile, new vscode.Range(1, 0, 1, 0), vscode.CodeActionKind.RefactorRewrite.value);
    const convert = actions.find((a) => /multi-stage/i.test(a.title));
    assert.ok(convert, `a multi-stage refactor among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.strictEqual(convert.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
    assert.ok(convert.edit, 'the Go artefact is known, so the refactor is a plain edit');
    assert.ok(await vscode.workspace.applyEdit(convert.edit));
    const text = doc.getText();
    assert.match(text, /AS build/);
    assert.match(text, /COPY --from=build/);
    assert.match(text, /^USER /m);
    assert.match(text, /^# Build and run a Go service in one stage\./m, 'comments are kept');
    assert.match(text, /^EXPOSE 8080$/m);
    // The converted file may have no finding left at all, so this waits for the absence only.
    await waitForDiagnostics(goDockerfile, (all) => !all.some((d) => codeOf(d) === 'docker-root-user'), 'the converted file no longer runs as root');
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), before);
  });
});

describe('snippet fixes in a real editor', () => {
  const goDockerfile = fixtureUri('editor', 'go', 'Dockerfile');
  afterEach(() => revertIfDirty([goDockerfile]));

  it('inserts the HEALTHCHECK snippet with placeholders through the editor, undoably', async () => {
    const doc = await vscode.workspace.openTextDocument(goDockerfile);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const ds = await waitForDiagnostics(goDockerfile, has('docker-no-healthcheck'));
    const d = ds.find((x) => codeOf(x) === 'docker-no-healthcheck')!;
    const action = (await actionsFor(goDockerfile, d)).find((a) => /HEALTHCHECK/i.test(a.title) && a.command);
    assert.ok(action?.command, 'a snippet fix runs as a command, not a plain edit');
    assert.strictEqual(action.edit, undefined);
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    assert.match(doc.getText(), /^HEALTHCHECK /m);
    assert.ok(!doc.getText().includes('${1'), 'placeholders became plain text in the document');
    await waitForDiagnostics(goDockerfile, lacks('docker-no-healthcheck'));
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), before);
  });
});

describe('fix on save', () => {
  it('applies source.fixAll.shipshape through editor.codeActionsOnSave', async () => {
    const uri = fixtureUri('editor', 'save', 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM alpine:3.19\nADD run.sh /run.sh\nRUN apk add curl\nUSER 10001\nHEALTHCHECK CMD true\n'));
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'dockerfile' });
    await config.update('codeActionsOnSave', { 'source.fixAll.shipshape': 'explicit' }, vscode.ConfigurationTarget.Global, true);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      await waitForDiagnostics(uri, has('docker-add-instead-of-copy'));
      await editor.edit((b) => b.insert(new vscode.Position(5, 0), '\n'));
      assert.ok(await doc.save());
      const saved = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.match(saved, /^COPY run\.sh \/run\.sh$/m);
      assert.match(saved, /^RUN apk add --no-cache curl$/m);
    } finally {
      await config.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Global, true);
    }
  });
});
