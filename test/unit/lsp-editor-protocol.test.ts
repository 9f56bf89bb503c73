/**
 * The language server's own protocol additions (src/server/protocol.ts), which the VS Code
 * client relies on, spoken over the real protocol: document states, the full state of a version,
 * the findings under a position, image references with FROM kinds, code action data (snippets,
 * stacked ignore entries, an unlimited menu), push diagnostics for a client that could pull,
 * settings pushed beside workspace/configuration, the workspace check of files that are not open.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { applyLspEdits, ensureServerBuilt, LspClient, stopClient } from './lsp-client';
import {
  CHECK_FILES_REQUEST, CheckFilesResult, CodeActionData, diagnosticsFingerprint, DID_CHANGE_SESSION_NOTIFICATION, DOCUMENT_STATE_NOTIFICATION,
  DOCUMENT_STATE_REQUEST, DocumentState, DocumentSummary, FINDINGS_AT_REQUEST, FindingsAtResult, IMAGE_REFERENCES_REQUEST, ImageReferenceInfo,
} from '../../src/server/protocol';

const DOCKERFILE = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nUSER root\n';
const BARE = [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  selector:', '    matchLabels: {app: web}', '  template:',
  '    metadata:', '      labels: {app: web}', '    spec:', '      containers:', '        - name: web', '          image: nginx:1.27', '',
].join('\n');
const EDITOR_OPTIONS = { diagnosticMode: 'push', documentState: true, quickFixLimit: 0, locale: 'en', trusted: false };

describe('language server protocol: what the VS Code client uses', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient | undefined;
  let states: DocumentSummary[];

  before(() => ensureServerBuilt());
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-editor-')); states = []; });
  afterEach(async () => {
    await stopClient(client);
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fileUri(name: string, text?: string): string {
    const file = path.join(dir, name);
    if (text !== undefined) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    return pathToFileURL(file).href;
  }

  /** A client that can pull diagnostics, as VS Code's can, with the VS Code client's options. */
  async function editorClient(options: Record<string, unknown> = EDITOR_OPTIONS): Promise<LspClient> {
    const c = new LspClient();
    c.connection.onNotification(DOCUMENT_STATE_NOTIFICATION, (s: DocumentSummary) => { states.push(s); });
    const init = await c.initialize(pathToFileURL(dir).href, { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } }, undefined, options);
    assert.strictEqual(init.capabilities.diagnosticProvider, undefined, 'diagnosticMode push: no pull diagnostics although the client could pull');
    return c;
  }

  async function stateFor(uri: string, version: number): Promise<DocumentSummary> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const s = states.find((x) => x.uri === uri && x.version === version);
      if (s) return s;
      if (Date.now() > deadline) throw new Error(`no document state for ${uri}@${version}: ${JSON.stringify(states)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('pushes each version\'s diagnostics with a document state whose fingerprint identifies them; the full state has the findings and their fixes', async () => {
    client = await editorClient();
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const pub = await client.waitForDiagnostics(uri, 1);
    const s = await stateFor(uri, 1);
    assert.deepStrictEqual({ ...s, fingerprint: undefined }, { uri, version: 1, kind: 'dockerfile', problems: 2, highProblems: 1, fingerprint: undefined });
    assert.strictEqual(s.fingerprint, diagnosticsFingerprint(pub.diagnostics.map((d) => ({ code: String(d.code), line: d.range.start.line, character: d.range.start.character }))));
    const full = await client.connection.sendRequest<DocumentState | null>(DOCUMENT_STATE_REQUEST, { textDocument: { uri, version: 1 } });
    assert.ok(full);
    assert.strictEqual(full.fingerprint, s.fingerprint);
    assert.deepStrictEqual(full.findings.map((f) => f.ruleId).sort(), ['docker-apt-no-install-recommends', 'docker-root-user']);
    const apt = full.findings.find((f) => f.ruleId === 'docker-apt-no-install-recommends')!;
    assert.deepStrictEqual(apt.range, { start: { line: 1, character: 22 }, end: { line: 1, character: 37 } });
    assert.strictEqual(applyLspEdits(DOCKERFILE, apt.fixes![0].edits), DOCKERFILE.replace('install -y', 'install --no-install-recommends -y'));
    // `now` skips the typing pause; an older version is not answered for.
    await client.change(uri, 2, 'FROM ubuntu:22.04\nUSER 10001\n');
    const now = await client.connection.sendRequest<DocumentState | null>(DOCUMENT_STATE_REQUEST, { textDocument: { uri, version: 2 }, now: true });
    assert.deepStrictEqual(now && [now.version, now.problems, now.findings], [2, 0, []]);
    assert.strictEqual(await client.connection.sendRequest(DOCUMENT_STATE_REQUEST, { textDocument: { uri, version: 1 } }), null);
    assert.strictEqual((await stateFor(uri, 2)).fingerprint, diagnosticsFingerprint([]));
  });

  it('document states say why a document has no findings: not a manifest, binary, excluded, disabled', async () => {
    client = await editorClient();
    let settings: Record<string, unknown> = {};
    client.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
    const values = fileUri('values.yaml', 'replicas: 3\n');
    await client.open(values, 'yaml', 'replicas: 3\n');
    assert.strictEqual((await stateFor(values, 1)).skipped, 'notApplicable');
    const binaryText = 'FROM ubuntu\u0000\nUSER root\n';
    const binary = fileUri('bin/Dockerfile', binaryText);
    await client.open(binary, 'dockerfile', binaryText);
    assert.deepStrictEqual([(await stateFor(binary, 1)).skipped, (await client.waitForDiagnostics(binary, 1)).diagnostics], ['binary', []]);
    settings = { exclude: ['*.Dockerfile'] };
    const excluded = fileUri('a.Dockerfile', DOCKERFILE);
    await client.open(excluded, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual([(await stateFor(excluded, 1)).skipped, (await client.waitForDiagnostics(excluded, 1)).diagnostics], ['excluded', []]);
    settings = { enable: false };
    const off = fileUri('Dockerfile', DOCKERFILE);
    await client.open(off, 'dockerfile', DOCKERFILE);
    assert.strictEqual((await stateFor(off, 1)).skipped, 'disabled');
  });

  it('a file anywhere under a chart\'s templates/ is a Helm template (templates/a/templates/x.yaml too), as the CLI decides; a templates/ outside a chart is not', async () => {
    const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n      securityContext:\n        privileged: true\n';
    fileUri('chart/Chart.yaml', 'apiVersion: v2\nname: chart\nversion: 0.1.0\n');
    client = await editorClient();
    const nested = fileUri('chart/templates/email/templates/pod.yaml', POD);
    await client.open(nested, 'yaml', POD);
    assert.deepStrictEqual([(await stateFor(nested, 1)).skipped, (await client.waitForDiagnostics(nested, 1)).diagnostics], ['template', []]);
    const outside = fileUri('other/templates/pod.yaml', POD);
    await client.open(outside, 'yaml', POD);
    const s = await stateFor(outside, 1);
    assert.strictEqual(s.skipped, undefined);
    assert.ok((await client.waitForDiagnostics(outside, 1)).diagnostics.some((d) => d.code === 'k8s-privileged'));
  });

  it('settings pushed by didChangeConfiguration do not shadow workspace/configuration (a default would override .shipshape.yaml)', async () => {
    fileUri('.shipshape.yaml', 'rules:\n  docker-root-user: off\n');
    client = await editorClient();
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual((await client.waitForDiagnostics(uri, 1)).diagnostics.map((d) => d.code), ['docker-apt-no-install-recommends']);
    // What VS Code's client sends on a change: the whole section, defaults included.
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { shipshape: { enable: true, rules: { 'docker-root-user': 'high' } } } });
    await new Promise((r) => setTimeout(r, 600));
    await client.change(uri, 2, DOCKERFILE);
    assert.deepStrictEqual((await client.waitForDiagnostics(uri, 2)).diagnostics.map((d) => d.code), ['docker-apt-no-install-recommends'], 'the file still decides (configuration answers null)');
  });

  it('the findings under a position, most severe first, with the range they share; none off a finding', async () => {
    client = await editorClient();
    const uri = fileUri('web.yaml', BARE);
    await client.open(uri, 'yaml', BARE);
    const at = await client.connection.sendRequest<FindingsAtResult | null>(FINDINGS_AT_REQUEST, { textDocument: { uri }, position: { line: 12, character: 12 } });
    assert.ok(at && at.findings.length >= 5, JSON.stringify(at));
    const rank: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
    const ranks = at.findings.map((f) => rank[f.severity]);
    assert.deepStrictEqual(ranks, [...ranks].sort((a, b) => b - a));
    assert.strictEqual(new Set(at.findings.map((f) => `${f.ruleId}:${f.message}`)).size, at.findings.length, 'each once');
    assert.strictEqual(at.range.start.line, 12);
    assert.strictEqual(await client.connection.sendRequest(FINDINGS_AT_REQUEST, { textDocument: { uri }, position: { line: 0, character: 0 } }), null);
  });

  it('image references: FROM images with their final stage, container images; nothing for a file it does not read', async () => {
    client = await editorClient();
    const docker = 'ARG TAG=3.19\nFROM golang:1.22 AS build\nRUN go build\nFROM alpine:${TAG}\nCOPY --from=build /app /app\n';
    const uri = fileUri('Dockerfile', docker);
    await client.open(uri, 'dockerfile', docker);
    const refs = await client.connection.sendRequest<ImageReferenceInfo[]>(IMAGE_REFERENCES_REQUEST, { textDocument: { uri } });
    assert.deepStrictEqual(refs.map((r) => [r.reference, r.kind, r.finalStage, r.range.start.line, r.range.start.character]), [['golang:1.22', 'from', false, 1, 5], ['alpine:3.19', 'from', true, 3, 5]]);
    const pod = fileUri('web.yaml', BARE);
    await client.open(pod, 'yaml', BARE);
    const images = await client.connection.sendRequest<ImageReferenceInfo[]>(IMAGE_REFERENCES_REQUEST, { textDocument: { uri: pod } });
    assert.deepStrictEqual(images.map((r) => [r.reference, r.kind, r.finalStage, r.range.start.line]), [['nginx:1.27', 'image', undefined, 13]]);
    // A FROM naming an earlier stage is no image: the final stage's FROM is then not listed.
    const staged = 'FROM alpine:3.19 AS base\nFROM base\n';
    const uri2 = fileUri('staged.Dockerfile', staged);
    await client.open(uri2, 'dockerfile', staged);
    const only = await client.connection.sendRequest<ImageReferenceInfo[]>(IMAGE_REFERENCES_REQUEST, { textDocument: { uri: uri2 } });
    assert.deepStrictEqual(only.map((r) => [r.reference, r.finalStage]), [['alpine:3.19', false]]);
  });

  it('code actions carry what they are: a snippet fix its snippet, stacked ignore-file entries their line\'s rules; quickFixLimit 0 lists every fix', async () => {
    client = await editorClient();
    const uri = fileUri('web.yaml', BARE);
    await client.open(uri, 'yaml', BARE);
    const pub = await client.waitForDiagnostics(uri, 1);
    const onLine = pub.diagnostics.filter((d) => d.range.start.line === 12);
    assert.ok(onLine.length >= 5, `${onLine.length} findings on the container`);
    const actions: Array<{ title: string; kind: string; edit?: { changes: Record<string, any[]> }; data?: CodeActionData; command?: unknown }> = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: onLine[0].range, context: { diagnostics: onLine, only: ['quickfix'] },
    });
    assert.ok(actions.every((a) => a.data && a.edit && !a.command), 'edits for every client, data beside them');
    const fixes = actions.filter((a) => a.data!.shipshape === 'fix');
    assert.match(fixes[0].title, /^Harden this container/);
    const rules = new Set(onLine.map((d) => String(d.code)));
    const line = actions.filter((a) => a.data!.shipshape === 'ignoreLine');
    assert.deepStrictEqual(line.map((a) => [a.data!.line, a.data!.several, new Set(a.data!.rules)]), [[12, false, rules]]);
    const file = actions.filter((a) => a.data!.shipshape === 'ignoreFile');
    assert.deepStrictEqual(new Set(file.map((a) => a.data!.rules![0])), rules);
    assert.ok(file.every((a) => new Set(a.data!.stacked).size === rules.size), 'each names the rules stacked on its line');
    assert.ok(fixes.length + line.length + file.length > 12, `no menu limit: ${actions.length} entries`);
    const snippet = fixes.find((a) => a.data!.snippet);
    assert.ok(snippet, `a snippet fix among ${fixes.map((a) => a.title).join(' | ')}`);
    const edit = snippet.edit!.changes[uri][0];
    assert.deepStrictEqual(snippet.data!.snippet!.range, edit.range);
    assert.match(snippet.data!.snippet!.text, /\$\{\d+:/, 'the snippet keeps its placeholders');
    assert.doesNotMatch(edit.newText, /\$\{\d+/, 'the edit has their defaults');
    // Without the option the menu keeps the default limit of 12.
    await client.shutdown();
    client = await editorClient({ diagnosticMode: 'push' });
    await client.open(uri, 'yaml', BARE);
    await client.waitForDiagnostics(uri, 1);
    const limited: unknown[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: onLine[0].range, context: { diagnostics: onLine, only: ['quickfix'] } });
    assert.ok(limited.length <= 12, `${limited.length} entries`);
  });

  it('checks files that are not open: publishes their diagnostics, says why others were not, withdraws them on forget; an open file is its live analysis', async () => {
    client = await editorClient();
    const a = fileUri('a/Dockerfile', DOCKERFILE);
    const pod = fileUri('b/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n');
    const values = fileUri('values.yaml', 'replicas: 3\n');
    const big = fileUri('big.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "${'x'.repeat(1024 * 1024)}"\n`);
    const missing = fileUri('gone/Dockerfile');
    const open = fileUri('open/Dockerfile', DOCKERFILE);
    await client.open(open, 'dockerfile', 'FROM ubuntu:22.04\nUSER 10001\n');
    await client.waitForDiagnostics(open, 1);
    const result = await client.connection.sendRequest<CheckFilesResult>(CHECK_FILES_REQUEST, { uris: [a, pod, values, big, missing, open] });
    assert.deepStrictEqual(result.files.map((f) => [path.basename(path.dirname(fileURLPath(f.uri))) + '/' + path.basename(fileURLPath(f.uri)), f.status, f.problems]), [
      ['a/Dockerfile', 'analysed', 2], ['b/pod.yaml', 'analysed', result.files[1].problems], [`${path.basename(dir)}/values.yaml`, 'notApplicable', 0],
      [`${path.basename(dir)}/big.yaml`, 'tooLarge', 0], ['gone/Dockerfile', 'unreadable', 0], ['open/Dockerfile', 'open', 0],
    ]);
    // Published before the answer: the last publication of each file is its disk result.
    const last = (uri: string) => [...client!.published].reverse().find((p) => p.uri === uri);
    assert.deepStrictEqual(last(a)?.diagnostics.map((d) => d.code).sort(), ['docker-apt-no-install-recommends', 'docker-root-user']);
    assert.ok(last(pod)?.diagnostics.some((d) => d.code === 'k8s-privileged'));
    assert.strictEqual(last(values), undefined, 'nothing published for a file that is not a manifest');
    assert.ok(!client.published.some((p) => p.uri === open && p.diagnostics.length > 0), 'the open document keeps its live (clean) result');
    // Opening a checked file: its live analysis replaces the disk result; closing it brings the disk result back.
    await client.open(a, 'dockerfile', 'FROM ubuntu:22.04\nUSER 10001\n');
    assert.deepStrictEqual((await client.waitForDiagnostics(a, 1)).diagnostics, []);
    const count = client.published.length;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: a } });
    const deadline = Date.now() + 10_000;
    while (!client.published.slice(count).some((p) => p.uri === a && p.diagnostics.length === 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(client.published.slice(count).some((p) => p.uri === a && p.diagnostics.length === 2), 'the disk result is shown again after the close');
    // Forget: the disk diagnostics go.
    const before = client.published.length;
    await client.connection.sendRequest(CHECK_FILES_REQUEST, { uris: [pod], forget: true });
    assert.ok(client.published.slice(before).some((p) => p.uri === pod && p.diagnostics.length === 0));
  });

  it('accepts the session notification (trust granted, tool paths) and analyses on', async () => {
    client = await editorClient();
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    await client.waitForDiagnostics(uri, 1);
    await client.connection.sendNotification(DID_CHANGE_SESSION_NOTIFICATION, { trusted: true, tools: { helm: '/nonexistent/helm' } });
    await client.change(uri, 2, DOCKERFILE.replace('USER root', 'USER 10001'));
    assert.deepStrictEqual((await client.waitForDiagnostics(uri, 2)).diagnostics.map((d) => d.code), ['docker-apt-no-install-recommends']);
  });
});

function fileURLPath(uri: string): string {
  return new URL(uri).pathname;
}
