/**
 * Every quick fix, ignore entry and refactoring the editor offers, applied through the real editor
 * (WorkspaceEdit, the snippet command, the file-level ignore command) to files of each layout: 2 and 4 spaces, sequences indented or flush
 * with their key, CRLF, tab-indented continuation lines. The result must parse (the `yaml`
 * package / dockerfile-ast), keep its line endings, still be analysed as its kind, and lose the
 * findings the fix claims to resolve.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { parseAllDocuments } from 'yaml';
import { DockerfileParser } from 'dockerfile-ast';
import { codeOf, fixtureUri, revertIfDirty, waitForDiagnostics } from './helpers';

interface Finding { ruleId: string; range: { start: { line: number; character: number } }; fixes?: Array<{ title: string; edits: Array<{ range: { start: { line: number; character: number } } }> }> }
interface State { skipped?: string; findings: Finding[] }
interface Api { diagnostics: { validateNow(doc: vscode.TextDocument): Promise<void>; stateOf(doc: vscode.TextDocument): Promise<State | undefined> } }

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>('shipshape.shipshape')!;
  return ext.isActive ? ext.exports : ext.activate();
}

const YAML_FIXTURES = ['two-indented.yaml', 'two-flush.yaml', 'four-indented.yaml', 'four-flush.yaml', 'crlf.yaml'];
const DOCKERFILE_FIXTURES = ['Dockerfile', 'crlf.Dockerfile', 'tabs.Dockerfile'];
const INSTRUCTIONS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER']);

/** Where an action edits first (line:character), to match it with the core fix it came from. */
function actionAnchor(a: vscode.CodeAction): string {
  type Pos = { line: number; character: number };
  let ranges: Array<{ start: Pos }> = [];
  if (a.edit) ranges = a.edit.entries().flatMap(([, edits]) => edits.map((e) => e.range));
  else if (a.command?.command === 'shipshape.insertSnippet') ranges = [a.command.arguments![1] as { start: Pos }];
  const first = ranges.sort((x, y) => x.start.line - y.start.line || x.start.character - y.start.character)[0];
  return first ? `${first.start.line}:${first.start.character}` : '?';
}

function fixAnchor(fix: NonNullable<Finding['fixes']>[number]): string {
  const first = [...fix.edits].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character)[0];
  return `${first.range.start.line}:${first.range.start.character}`;
}

/** A fix, or an ignore entry: everything in the menu that edits the file. */
function isEdit(a: vscode.CodeAction): boolean {
  return Boolean(a.edit) || a.command?.command === 'shipshape.insertSnippet' || a.command?.command === 'shipshape.ignoreRuleInFile';
}

/** Structural checks of a fixed text; returns a description of what is wrong, or undefined. */
function problemsOf(text: string, original: string, kind: 'yaml' | 'dockerfile'): string | undefined {
  if (original.includes('\r\n') && /(^|[^\r])\n/.test(text)) return 'a CRLF file gained LF-only line endings';
  if (!original.includes('\r') && text.includes('\r')) return 'an LF file gained CR characters';
  if (/\$\{\d|\$\d/.test(text) && !/\$\{\d|\$\d/.test(original)) return 'snippet placeholders left as text';
  if (kind === 'yaml') {
    const before = parseAllDocuments(original);
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) return 'not YAML';
    const errors = docs.flatMap((d) => d.errors.map((e) => e.message));
    if (errors.length) return `YAML errors: ${errors.join('; ')}`;
    if (Array.isArray(before) && docs.length !== before.length) return `${before.length} documents became ${docs.length}`;
    return undefined;
  }
  const instructions = DockerfileParser.parse(text).getInstructions();
  const unknown = instructions.filter((i) => !INSTRUCTIONS.has(i.getKeyword().toUpperCase()));
  if (unknown.length) return `unknown instructions: ${unknown.map((i) => i.getKeyword()).join(', ')}`;
  return undefined;
}

async function replaceAll(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

async function applyAction(a: vscode.CodeAction): Promise<void> {
  if (a.edit) assert.ok(await vscode.workspace.applyEdit(a.edit), `${a.title}: edit applied`);
  if (!a.command) return;
  const args = [...(a.command.arguments ?? [])];
  // The file-level ignore asks which rule: answer with the first one.
  if (a.command.command === 'shipshape.ignoreRuleInFile') args.push((args[1] as string[])[0]);
  await vscode.commands.executeCommand(a.command.command, ...args);
}

async function checkEveryFix(file: string, kind: 'yaml' | 'dockerfile'): Promise<number> {
  const uri = fixtureUri('indent', file);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const { diagnostics } = await api();
  const original = doc.getText();
  assert.strictEqual(original.includes('\r\n'), file.startsWith('crlf'), `${file}: line endings as the fixture says`);
  const ds = await waitForDiagnostics(uri, (all) => all.length > 0);
  const state = (await diagnostics.stateOf(doc))!;
  const countOf = (s: State, rule: string) => s.findings.filter((f) => f.ruleId === rule).length;

  // Every action on every diagnostic, each distinct one once.
  const actions = new Map<string, vscode.CodeAction>();
  for (const d of ds) {
    for (const a of await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range)) {
      if (isEdit(a)) actions.set(`${a.title}@${actionAnchor(a)}`, a);
    }
  }
  // Each fix the core computed is reachable from the menu; the rules whose findings offer it are
  // the ones it must resolve (code actions come back from the host without their diagnostics).
  const resolves = new Map<string, Set<string>>();
  for (const f of state.findings) {
    for (const fix of f.fixes ?? []) {
      const key = `${fix.title}@${fixAnchor(fix)}`;
      assert.ok(actions.has(key), `${file}: "${fix.title}" for ${f.ruleId}@${f.range.start.line} is offered (have ${[...actions.keys()].join(' | ')})`);
      resolves.set(key, (resolves.get(key) ?? new Set()).add(f.ruleId));
    }
  }
  for (const [key, action] of actions) {
    const label = `${file}: ${key}`;
    await applyAction(action);
    const text = doc.getText();
    assert.notStrictEqual(text, original, `${label} changes the text`);
    const problem = problemsOf(text, original, kind);
    assert.strictEqual(problem, undefined, `${label}: ${problem}\n${text}`);
    await diagnostics.validateNow(doc);
    const after = await diagnostics.stateOf(doc);
    assert.ok(after && !after.skipped, `${label}: the fixed file is still analysed (${after?.skipped})`);
    for (const rule of resolves.get(key) ?? []) {
      assert.ok(countOf(after, rule) < countOf(state, rule), `${label}: ${rule} ${countOf(state, rule)} → ${countOf(after, rule)}\n${text}`);
    }
    if (action.title.startsWith('Ignore')) {
      // The directive it wrote names rules; each of them loses findings (another rule a finding
      // was standing in for may show up instead: that is the engine's business, not the edit's).
      const before = new Set(original.split(/\r?\n/));
      const directive = text.split(/\r?\n/).find((l) => !before.has(l) && /# shipshape-ignore/.test(l));
      const m = directive && /# shipshape-ignore(-file)? ([\w,.-]+)/.exec(directive);
      assert.ok(m, `${label} writes a directive\n${text}`);
      for (const rule of m[2].split(',')) {
        assert.ok(countOf(after, rule) < countOf(state, rule), `${label}: ${rule} ${countOf(state, rule)} → ${countOf(after, rule)}\n${text}`);
        if (m[1]) assert.strictEqual(countOf(after, rule), 0, `${label}: no ${rule} left in the file`);
      }
    }
    await replaceAll(doc, original);
    assert.strictEqual(doc.getText(), original);
    await diagnostics.validateNow(doc);
  }
  return actions.size;
}

describe('every fix applied in the editor, in every layout', function () {
  this.timeout(180000);
  const uris = [...YAML_FIXTURES, ...DOCKERFILE_FIXTURES].map((f) => fixtureUri('indent', f));
  afterEach(() => revertIfDirty(uris));

  for (const file of YAML_FIXTURES) {
    it(`${file}: every fix leaves YAML that parses and resolves its findings`, async () => {
      const n = await checkEveryFix(file, 'yaml');
      assert.ok(n >= 15, `${file}: ${n} fixes and ignore entries checked`);
    });
  }
  for (const file of DOCKERFILE_FIXTURES) {
    it(`${file}: every fix leaves a Dockerfile that parses and resolves its findings`, async () => {
      const n = await checkEveryFix(file, 'dockerfile');
      assert.ok(n >= 5, `${file}: ${n} fixes and ignore entries checked`);
    });
  }

  for (const file of YAML_FIXTURES) {
    it(`${file}: "Add resource requests and limits" lands in the bare container at its indentation`, async () => {
      const uri = fixtureUri('indent', file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(uri, (all) => all.some((d) => /^k8s-(resources-missing|cpu-|memory-)/.test(codeOf(d))));
      const imageLine = [...Array(doc.lineCount).keys()].find((i) => /image: mysql:5\.6/.test(doc.lineAt(i).text))!;
      const d = ds.find((x) => /^k8s-(resources-missing|cpu-|memory-)/.test(codeOf(x)) && x.range.start.line === imageLine - 1)!;
      assert.ok(d, 'a resources finding on the mysql container');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
      const snippet = actions.find((a) => a.title === 'Add resource requests and limits');
      assert.ok(snippet?.command, `the snippet fix among ${actions.map((a) => a.title).join(' | ')}`);
      await applyAction(snippet);
      const indent = /^ */.exec(doc.lineAt(imageLine).text)![0];
      const unit = file.startsWith('four') ? '    ' : '  ';
      assert.deepStrictEqual(
        [imageLine + 1, imageLine + 2, imageLine + 3, imageLine + 5].map((i) => doc.lineAt(i).text),
        [`${indent}resources:`, `${indent}${unit}requests:`, `${indent}${unit}${unit}cpu: 100m`, `${indent}${unit}limits:`],
      );
      const js = parseAllDocuments(doc.getText()).map((x) => (x as { toJS(): any }).toJS())[0];
      assert.deepStrictEqual(js.spec.template.spec.containers[0].resources, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
      await vscode.commands.executeCommand('undo');
      assert.ok(!doc.getText().includes('memory: 128Mi'), 'undo removes the snippet');
    });
  }
});
