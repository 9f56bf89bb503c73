import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, revertIfDirty, shipshapeDiagnostics, sleep, waitForDiagnostics, withSetting } from './helpers';

const has = (id: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => codeOf(d) === id);
const lacks = (id: string) => (ds: vscode.Diagnostic[]) => ds.length > 0 && !ds.some((d) => codeOf(d) === id);

interface Api {
  activationTimeMs: number; activationCpuMs: number; activationCpuScope: string; activateOnlyMs: number; loadMs: number; languageStatus: { text: string };
  diagnostics: { firstDiagnostic?: { uri: string; ms: number }; summaryOf(doc: vscode.TextDocument): unknown };
  client: { restart(): Promise<void>; lastStart: number };
}

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>('shipshape.shipshape');
  assert.ok(ext, 'the extension is installed in the host');
  return ext.isActive ? ext.exports : ext.activate();
}

describe('diagnostics in a real editor', () => {
  const dockerfile = fixtureUri('editor', 'Dockerfile');
  const pod = fixtureUri('editor', 'pod.yaml');

  before(async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
  });

  afterEach(() => revertIfDirty([dockerfile, pod]));

  it('activates on a Dockerfile cheaply: loading the bundle plus activate() within the budget', async () => {
    const a = await api();
    console.log(`      activation took ${a.activationTimeMs.toFixed(2)} ms wall, ${a.activationCpuMs.toFixed(2)} ms CPU of the ${a.activationCpuScope} (requiring the bundle ${a.loadMs.toFixed(2)} ms, activate() ${a.activateOnlyMs.toFixed(2)} ms)`);
    assert.ok(a.loadMs > 0, 'the loader measured requiring the bundle');
    // The budget is 25 ms (#15): about 5 ms now, 40 ms CPU when everything loaded at activation.
    // CPU time is what activation costs the host: that of its main thread, where activation runs
    // (code-server's Node has process.threadCpuUsage). The whole process's CPU time also counted
    // the host's other threads, busy with other extensions at the same moment (21.4 ms once on a
    // fresh CI machine). Wall time also counts waiting for one of the machine's CPUs while the
    // workbench starts, so its bound is generous.
    assert.strictEqual(a.activationCpuScope, 'thread', 'code-server\'s extension host tells its main thread\'s CPU time');
    assert.ok(a.activationCpuMs <= 25, `${a.activationCpuMs.toFixed(1)} ms CPU`);
    assert.ok(a.activationTimeMs <= 50, `${a.activationTimeMs.toFixed(1)} ms wall`);
  });

  it('shows the first diagnostic within 1 s of a cold start (activation, then the language server)', async () => {
    const a = await api();
    const deadline = Date.now() + 10000;
    while (!a.diagnostics.firstDiagnostic && Date.now() < deadline) await sleep(20);
    const first = a.diagnostics.firstDiagnostic;
    assert.ok(first, 'a first diagnostic was shown');
    console.log(`      first diagnostic after ${first.ms.toFixed(0)} ms (${vscode.Uri.parse(first.uri).path.split('/').pop()})`);
    assert.ok(first.ms <= 1000, `${first.ms.toFixed(0)} ms`);
  });

  it('a document opened as the language server restarts gets its diagnostics within 1 s', async () => {
    const a = await api();
    // When the diagnostics were shown, taken from the event (not from a poll after the restart resolved).
    let shownAt: number | undefined;
    let uri: vscode.Uri | undefined;
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (shownAt === undefined && uri && e.uris.some((u) => u.toString() === uri!.toString()) && has('docker-add-instead-of-copy')(shipshapeDiagnostics(uri))) shownAt = Date.now();
    });
    try {
      const restarted = a.client.restart().then(() => Date.now());
      const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM alpine:3.19\nADD app.sh /app.sh\nCMD ["sh"]\n' });
      uri = doc.uri;
      const opened = Date.now();
      const ready = await restarted;
      await waitForDiagnostics(doc.uri, has('docker-add-instead-of-copy'), 'diagnostics from the restarted server');
      shownAt ??= Date.now();
      // From the new server's start or the document's opening, whichever came last (the old
      // server's shutdown and the workbench's time to create the document are not the server's).
      const from = Math.max(a.client.lastStart, opened);
      const ms = shownAt - from;
      console.log(`      server start → first diagnostic of a document opened meanwhile: ${ms} ms (the server was initialized after ${ready - a.client.lastStart} ms; the open came ${opened - a.client.lastStart} ms after the start)`);
      assert.ok(ms <= 1000, `${ms} ms`);
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      sub.dispose();
    }
  });

  it('flags the final stage running as root, at the final FROM, as an error linked to its docs', async () => {
    const ds = await waitForDiagnostics(dockerfile, (all) => has('docker-root-user')(all) && has('docker-add-instead-of-copy')(all));
    const root = ds.find((d) => codeOf(d) === 'docker-root-user')!;
    assert.strictEqual(root.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(root.range.start.line, 4, 'the final FROM, not the builder USER root');
    assert.strictEqual(root.source, 'Shipshape');
    const code = root.code as { value: string; target: vscode.Uri };
    assert.match(code.target.path, /docs\/rules\/docker-root-user\.md$/);
    assert.ok(!ds.some((d) => codeOf(d) === 'docker-root-user' && d.range.start.line === 1), 'USER root in the builder is not a finding');
    const add = ds.find((d) => codeOf(d) === 'docker-add-instead-of-copy');
    assert.ok(add, 'ADD of a local file is flagged');
    assert.strictEqual(add.severity, vscode.DiagnosticSeverity.Information, 'low maps to Information');
  });

  it('follows edits: adding USER removes the finding, removing it brings it back', async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(dockerfile, new vscode.Position(7, 0), 'USER 10001:10001\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForDiagnostics(dockerfile, lacks('docker-root-user'), 'root finding to disappear');
    await vscode.commands.executeCommand('undo');
    assert.ok(!doc.getText().includes('USER 10001'), 'undo restored the text');
    await waitForDiagnostics(dockerfile, has('docker-root-user'), 'root finding to come back');
  });

  it('shows the result of the latest edit after fast typing, never a stale one', async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    const editor = await vscode.window.showTextDocument(doc);
    // Type "USER app" one character at a time at the end of the final stage, then delete it.
    const at = new vscode.Position(7, 0);
    const typed = 'USER 10001\n';
    for (let i = 0; i < typed.length; i++) {
      await editor.edit((b) => b.insert(at.translate(0, i), typed[i]), { undoStopBefore: false, undoStopAfter: false });
    }
    await waitForDiagnostics(dockerfile, lacks('docker-root-user'));
    await editor.edit((b) => b.delete(new vscode.Range(at, at.translate(1, 0))));
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    await sleep(400); // longer than the debounce: nothing older may arrive afterwards
    assert.ok(shipshapeDiagnostics(dockerfile).some((d) => codeOf(d) === 'docker-root-user'));
  });

  it('clears the diagnostics of a document when it is closed', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: 'FROM alpine:3.19\nCMD ["sh"]\n' });
    await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(doc.uri, has('docker-root-user'));
    // An untitled document is disposed as soon as its editor closes without saving.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const deadline = Date.now() + 10000;
    while (shipshapeDiagnostics(doc.uri).length > 0 && Date.now() < deadline) await sleep(50);
    assert.ok(doc.isClosed, 'the untitled document was closed');
    assert.deepStrictEqual(shipshapeDiagnostics(doc.uri), []);
  });

  it('changes severities when a setting changes, without a reload', async () => {
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    const restore = await withSetting('rules', { 'DS-0002': 'warning', 'docker-add-instead-of-copy': 'off' });
    try {
      const ds = await waitForDiagnostics(dockerfile, (all) => all.some((d) => codeOf(d) === 'docker-root-user' && d.severity === vscode.DiagnosticSeverity.Warning) && !all.some((d) => codeOf(d) === 'docker-add-instead-of-copy'), 'warning severity');
      assert.ok(ds.length > 0);
    } finally {
      await restore();
    }
    await waitForDiagnostics(dockerfile, (all) => all.some((d) => codeOf(d) === 'docker-root-user' && d.severity === vscode.DiagnosticSeverity.Error), 'error severity again');
  });

  it('flags a privileged container and not the pod-level runAsNonRoot it inherits', async () => {
    await vscode.workspace.openTextDocument(pod);
    const ds = await waitForDiagnostics(pod, has('k8s-privileged'));
    const priv = ds.find((d) => codeOf(d) === 'k8s-privileged')!;
    assert.strictEqual(priv.range.start.line, 13);
    assert.strictEqual(priv.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(!ds.some((d) => codeOf(d) === 'k8s-run-as-non-root'), 'runAsNonRoot is inherited from the pod');
  });

  it('points at the pod-level value a container inherits, as related information', async () => {
    const inherit = fixtureUri('editor', 'inherit.yaml');
    await vscode.workspace.openTextDocument(inherit);
    const ds = await waitForDiagnostics(inherit, has('k8s-run-as-non-root'));
    const d = ds.find((x) => codeOf(x) === 'k8s-run-as-non-root')!;
    assert.strictEqual(d.range.start.line, 7, 'reported at the container');
    assert.strictEqual(d.relatedInformation?.length, 1);
    const rel = d.relatedInformation![0];
    assert.strictEqual(rel.location.uri.toString(), inherit.toString());
    assert.strictEqual(rel.location.range.start.line, 5, 'the pod-level runAsNonRoot: false');
    assert.match(rel.message, /inherited from the pod/);
  });

  it('applies the Kubernetes profile setting at once', async () => {
    await vscode.workspace.openTextDocument(pod);
    await waitForDiagnostics(pod, has('k8s-seccomp'));
    const restore = await withSetting('kubernetes.profile', 'baseline');
    try {
      const ds = await waitForDiagnostics(pod, lacks('k8s-seccomp'), 'restricted findings to go');
      assert.ok(ds.some((d) => codeOf(d) === 'k8s-privileged'), 'baseline findings stay');
    } finally {
      await restore();
    }
    await waitForDiagnostics(pod, has('k8s-seccomp'));
  });

  it('says nothing about YAML that is not Kubernetes, nor about Helm templates, and the status says which', async () => {
    for (const [uri, status] of [[fixtureUri('editor', 'ci', 'workflow.yml'), /not a Kubernetes manifest/], [fixtureUri('editor', 'helm', 'templates', 'deployment.yaml'), /^Helm template: not analysed$/]] as const) {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await sleep(500);
      assert.deepStrictEqual(shipshapeDiagnostics(uri), [], uri.path);
      const a = await api();
      const deadline = Date.now() + 5000;
      while (!status.test(a.languageStatus.text) && Date.now() < deadline) await sleep(50);
      assert.match(a.languageStatus.text, status, `${uri.path}: "${a.languageStatus.text}"`);
    }
  });

  it('shows the finding count in the language status', async () => {
    const doc = await vscode.workspace.openTextDocument(pod);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(pod, has('k8s-privileged'));
    const a = await api();
    const deadline = Date.now() + 5000;
    while (!a.languageStatus.text.includes(`${ds.length} problems`) && Date.now() < deadline) await sleep(50);
    assert.strictEqual(a.languageStatus.text, `Shipshape: ${ds.length} problems`);
  });

  it('honours .shipshape.yaml at the workspace root, and its removal', async () => {
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    const config = fixtureUri('.shipshape.yaml');
    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode('rules:\n  docker-root-user: off\n'));
    try {
      await waitForDiagnostics(dockerfile, lacks('docker-root-user'), 'the config file to turn the rule off');
    } finally {
      await vscode.workspace.fs.delete(config);
    }
    await waitForDiagnostics(dockerfile, has('docker-root-user'), 'the rule to return');
  });

  it('respects shipshape.enable and shipshape.exclude', async () => {
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    let restore = await withSetting('enable', false);
    try {
      await waitForDiagnostics(dockerfile, (ds) => ds.length === 0, 'diagnostics to clear');
    } finally {
      await restore();
    }
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    restore = await withSetting('exclude', ['editor/**']);
    try {
      await waitForDiagnostics(dockerfile, (ds) => ds.length === 0, 'excluded file to clear');
    } finally {
      await restore();
    }
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
  });

  it('never loads an analyser or a parser into the extension host: the language server reads the files', async () => {
    await waitForDiagnostics(dockerfile, has('docker-root-user'));
    await waitForDiagnostics(pod, has('k8s-privileged'));
    await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', pod, new vscode.Position(13, 8));
    await vscode.commands.executeCommand('vscode.executeCodeLensProvider', pod);
    const loaded = Object.keys(require.cache);
    const ext = vscode.extensions.getExtension('shipshape.shipshape')!;
    const dist = vscode.Uri.joinPath(ext.extensionUri, 'dist').fsPath;
    const ours = loaded.filter((k) => k.startsWith(dist));
    assert.ok(ours.some((k) => /[\\/]extension\.js$/.test(k)), `the host's module cache lists the extension's bundle: ${ours.join(', ')}`);
    assert.ok(ours.some((k) => /[\\/]lib[\\/]languageclient\.js$/.test(k)), 'the language client is loaded');
    // yaml.js is for the commands that write YAML (none ran before this file's tests): opening files never loads it.
    const analysers = ours.filter((k) => /[\\/]lib[\\/](core-[a-z]+|dockerfile-ast|yaml)\.js$|[\\/]server\.js$/.test(k));
    assert.deepStrictEqual(analysers, [], 'no analyser, parser or server code in the extension host');
    // What the extension's bundle itself required, wherever from (the tests load parsers of their own).
    const seen = new Set<string>();
    const walk = (m: NodeModule | undefined): void => {
      if (!m || seen.has(m.filename)) return;
      seen.add(m.filename);
      for (const c of m.children) walk(c);
    };
    walk(require.cache[ours.find((k) => /[\\/]dist[\\/]extension\.js$/.test(k))!]);
    const required = [...seen];
    assert.ok(required.some((k) => /languageclient\.js$/.test(k)), `the walk sees the lazy language client: ${required.join(', ')}`);
    assert.deepStrictEqual(required.filter((k) => /dockerfile-ast|core-(dockerfile|kubernetes|compose|github)|[\\/]server\.js$|[\\/]node_modules[\\/]yaml[\\/]/.test(k)), [],
      'the extension required no parser, analyser or server module');
  });

  it('explains a finding on hover: its message, our rule id and the public IDs, with a link to the docs', async () => {
    const ds = await waitForDiagnostics(dockerfile, has('docker-root-user'));
    const root = ds.find((d) => codeOf(d) === 'docker-root-user')!;
    const text = await hoverText(dockerfile, root.range.start);
    assert.match(text, /DS\\?-0002/);
    assert.match(text, /DL3002/);
    assert.match(text, /`docker-root-user`/);
    assert.match(text, /The final stage sets no USER/);
  });

  it('lists the findings under the cursor most severe first, one line each, rendered Markdown, one docs link', async () => {
    const bare = fixtureUri('editor', 'bare.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bare));
    const ds = await waitForDiagnostics(bare, (all) => all.filter((d) => d.range.start.line === 14).length >= 5);
    const onLine = ds.filter((d) => d.range.start.line === 14);
    const text = await hoverText(bare, onLine[0].range.start);
    const lines = text.split('\n\n').filter((l) => /^\$\(/.test(l));
    assert.strictEqual(lines.length, new Set(onLine.map(codeOf)).size, text);
    const rank: Record<string, number> = { Critical: 4, High: 3, Medium: 2, Low: 1, Info: 0 };
    const ranks = lines.map((l) => rank[/\*\*(\w+)\*\*/.exec(l)![1]]);
    assert.deepStrictEqual(ranks, [...ranks].sort((a, b) => b - a), `most severe first:\n${text}`);
    for (const d of onLine) assert.ok(lines.some((l) => l.includes(`\`${codeOf(d)}\``)), codeOf(d));
    assert.ok(!text.includes('\\`'), 'no escaped (literal) backticks');
    assert.strictEqual(text.split('](command:shipshape.showRuleDocumentation').length - 1, 1, 'one link to the docs');
    assert.ok(text.length < 2000, `${text.length} characters`);
  });
});

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}
