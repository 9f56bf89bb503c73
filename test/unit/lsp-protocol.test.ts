/**
 * The language server over its real protocol: `node dist/server.js --stdio` spawned, JSON-RPC
 * spoken by vscode-jsonrpc. Diagnostics pushed and pulled, code actions applied and re-checked,
 * hover, `.shipshape.yaml` and client settings, versions superseding each other, shutdown/exit.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { spawnSync } from 'child_process';
import { applyLspEdits, ensureServerBuilt, LspClient, ROOT, stopClient, writeFileUri } from './lsp-client';
import { findRule, Severity } from '../../src/core';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { makeLockfile } from '../../bench/lsp';

/** LSP severity of a rule's default severity, as the VS Code extension maps it. */
function lspSeverity(ruleId: string): number {
  const map: Record<Severity, number> = { critical: 1, high: 1, medium: 2, low: 3, info: 4 };
  return map[findRule(ruleId)!.severity];
}

const DOCKERFILE = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nUSER root\n';
const POD = [
  'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  securityContext:', '    runAsNonRoot: false',
  '  containers:', '    - name: app', '      image: nginx:1.25', '',
].join('\n');

function ids(diagnostics: Array<{ code?: unknown }>): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

describe('language server protocol (dist/server.js --stdio)', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient | undefined;

  before(() => ensureServerBuilt());
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-')); });
  afterEach(async () => {
    await stopClient(client);
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fileUri = (name: string, text: string): string => writeFileUri(dir, name, text);

  it('initializes with its capabilities, pushes diagnostics with code, docs link, severity; shutdown and exit end the process with 0', async () => {
    client = new LspClient();
    const init = await client.initialize(pathToFileURL(dir).href);
    assert.strictEqual(init.serverInfo.name, 'shipshape');
    assert.ok(init.capabilities.hoverProvider);
    assert.deepStrictEqual(init.capabilities.codeActionProvider.codeActionKinds, ['quickfix', 'refactor.rewrite', 'source.fixAll.shipshape']);
    assert.strictEqual(init.capabilities.diagnosticProvider, undefined, 'no pull diagnostics for a client without the capability');
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const pub = await client.waitForDiagnostics(uri, 1);
    assert.deepStrictEqual(ids(pub.diagnostics), ['docker-apt-no-install-recommends', 'docker-root-user']);
    const apt = pub.diagnostics.find((d) => d.code === 'docker-apt-no-install-recommends');
    assert.deepStrictEqual(apt.range, { start: { line: 1, character: 22 }, end: { line: 1, character: 37 } });
    assert.strictEqual(apt.severity, lspSeverity('docker-apt-no-install-recommends'));
    assert.strictEqual(pub.diagnostics.find((d) => d.code === 'docker-root-user').severity, 1, 'high → Error');
    assert.strictEqual(apt.source, 'Shipshape');
    assert.strictEqual(apt.codeDescription.href, 'https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/docker-apt-no-install-recommends.md');
    assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', 'docker-apt-no-install-recommends.md')), 'the linked page exists in the repository');
    const code = await client.shutdown();
    assert.strictEqual(code, 0);
  });

  it('a YAML that is not a manifest and a file of no known kind get no diagnostics', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const plain = fileUri('values.yaml', 'replicas: 3\n');
    await client.open(plain, 'yaml', 'replicas: 3\n');
    assert.deepStrictEqual((await client.waitForDiagnostics(plain, 1)).diagnostics, []);
    const other = fileUri('notes.txt', 'USER root\n');
    await client.open(other, 'plaintext', 'USER root\n');
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 1 } });
    assert.strictEqual(hover, null);
    assert.ok(!client.published.some((p) => p.uri === other), 'nothing published for a file Shipshape does not read');
  });

  it('related information for an inherited value, relative to the document', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('pod.yaml', POD);
    await client.open(uri, 'yaml', POD);
    const pub = await client.waitForDiagnostics(uri, 1);
    const d = pub.diagnostics.find((x) => x.code === 'k8s-run-as-non-root');
    assert.ok(d, `k8s-run-as-non-root in ${ids(pub.diagnostics)}`);
    assert.deepStrictEqual(d.range, { start: { line: 8, character: 6 }, end: { line: 8, character: 15 } });
    assert.strictEqual(d.severity, lspSeverity('k8s-run-as-non-root'));
    assert.strictEqual(d.relatedInformation.length, 1);
    assert.strictEqual(d.relatedInformation[0].location.uri, uri);
    assert.strictEqual(d.relatedInformation[0].location.range.start.line, 6, 'points at the pod-level runAsNonRoot');
    const noRelated = pub.diagnostics.find((x) => x.code === 'k8s-readonly-rootfs');
    assert.strictEqual(noRelated.relatedInformation, undefined);
  });

  it('didChange: the latest version wins; the quick fix applied as a text edit clears its finding', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const first = await client.waitForDiagnostics(uri, 1);
    const apt = first.diagnostics.find((d) => d.code === 'docker-apt-no-install-recommends');
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: apt.range, context: { diagnostics: [apt], only: ['quickfix'] },
    });
    const titles = actions.map((a) => a.title);
    assert.deepStrictEqual(titles, ['Add --no-install-recommends', 'Ignore docker-apt-no-install-recommends for this line', 'Ignore docker-apt-no-install-recommends for this file']);
    assert.ok(actions.every((a) => a.kind === 'quickfix' && !a.command && a.edit.changes[uri]), 'edits only, no editor command');
    const fixed = applyLspEdits(DOCKERFILE, actions[0].edit.changes[uri]);
    assert.strictEqual(fixed, 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install --no-install-recommends -y curl\nUSER root\n');
    // Two changes in quick succession: only the second is analysed and published.
    await client.change(uri, 2, DOCKERFILE.replace('USER root', 'USER 10001'));
    await client.change(uri, 3, fixed);
    const third = await client.waitForDiagnostics(uri, 3);
    assert.deepStrictEqual(ids(third.diagnostics), ['docker-root-user']);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(!client.published.some((p) => p.uri === uri && p.version === 2), 'version 2 was superseded before it was analysed');
    // Ignore for this line, applied: the finding goes.
    const root = third.diagnostics[0];
    const ignore: any[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: root.range, context: { diagnostics: [root] } });
    const line = ignore.find((a) => a.title === 'Ignore docker-root-user for this line');
    const ignored = applyLspEdits(fixed, line.edit.changes[uri]);
    assert.strictEqual(ignored, 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n# shipshape-ignore docker-root-user\nUSER root\n');
    await client.change(uri, 4, ignored);
    assert.deepStrictEqual((await client.waitForDiagnostics(uri, 4)).diagnostics, []);
  });

  it('ignore for this file and source.fixAll.shipshape, applied and re-checked', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const pub = await client.waitForDiagnostics(uri, 1);
    const fixAll: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepStrictEqual(fixAll.map((a) => [a.title, a.kind]), [['Fix all safe Shipshape problems', 'source.fixAll.shipshape']]);
    const all = applyLspEdits(DOCKERFILE, fixAll[0].edit.changes[uri]);
    assert.ok(all.includes('--no-install-recommends'), all);
    assert.ok(all.includes('USER root'), 'the unsafe USER fix is not part of fix-all');
    await client.change(uri, 2, all);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(uri, 2)).diagnostics), ['docker-root-user']);
    const root = pub.diagnostics.find((d) => d.code === 'docker-root-user');
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: root.range, context: { diagnostics: [{ ...root, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } } }] } });
    const file = actions.find((a) => a.title === 'Ignore docker-root-user for this file');
    assert.ok(file, actions.map((a) => a.title).join(', '));
    const ignored = applyLspEdits(all, file.edit.changes[uri]);
    assert.ok(ignored.startsWith('# shipshape-ignore-file docker-root-user'), ignored);
    await client.change(uri, 3, ignored);
    assert.deepStrictEqual((await client.waitForDiagnostics(uri, 3)).diagnostics, []);
  });

  it('hover on a finding: message, rule id linked to its docs; nothing off a finding', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    // No wait for diagnostics: the hover waits for the analysis of the current version.
    const hover: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } });
    assert.strictEqual(hover.contents.kind, 'markdown');
    assert.ok(hover.contents.value.includes('[`docker-root-user`](https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/docker-root-user.md)'), hover.contents.value);
    assert.deepStrictEqual(hover.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } });
    const none = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    assert.strictEqual(none, null);
  });

  it('pull diagnostics when the client supports them (no push), unchanged by result id', async () => {
    client = new LspClient();
    const init = await client.initialize(pathToFileURL(dir).href, { textDocument: { diagnostic: { dynamicRegistration: false } } });
    assert.deepStrictEqual(init.capabilities.diagnosticProvider, { identifier: 'shipshape', interFileDependencies: false, workspaceDiagnostics: false });
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const report: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    assert.strictEqual(report.kind, 'full');
    assert.deepStrictEqual(ids(report.items), ['docker-apt-no-install-recommends', 'docker-root-user']);
    const again: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
    assert.deepStrictEqual(again, { kind: 'unchanged', resultId: report.resultId });
    await client.change(uri, 2, 'FROM ubuntu:22.04\nUSER 10001\n');
    const changed: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId: report.resultId });
    assert.deepStrictEqual(changed.items, [], 'the new version is analysed, not the old result returned');
    assert.strictEqual(client.published.length, 0, 'no publishDiagnostics in pull mode');
  });

  it('.shipshape.yaml in the workspace folder turns a rule off; a watched-file change re-reads it', async () => {
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'rules:\n  docker-root-user: off\n');
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('sub/Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(uri, 1)).diagnostics), ['docker-apt-no-install-recommends']);
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'rules:\n  docker-apt-no-install-recommends: off\n');
    const next = client.waitForDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, '.shipshape.yaml')).href, type: 2 }] });
    assert.deepStrictEqual(ids((await next).diagnostics), ['docker-root-user']);
    // A problem in the file is shown on the file itself, and cleared once it is fixed.
    const configUri = pathToFileURL(path.join(dir, '.shipshape.yaml')).href;
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'rules:\n  docker-root-user: sometimes\n');
    const onConfig = client.waitForDiagnostics(configUri);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    const problems = (await onConfig).diagnostics;
    assert.strictEqual(problems.length, 1);
    assert.deepStrictEqual(problems[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, 'where the core puts it');
    assert.strictEqual(problems[0].severity, 2);
    assert.match(problems[0].message, /^Shipshape configuration: rules\.docker-root-user: expected one of /);
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'rules:\n  docker-root-user: off\n');
    const cleared = client.waitForDiagnostics(configUri);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    assert.deepStrictEqual((await cleared).diagnostics, []);
  });

  it('client settings (workspace/configuration) over the folder file: severity and off; enable: false clears', async () => {
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'rules:\n  docker-root-user: off\n');
    client = new LspClient();
    client.settings = { shipshape: { rules: { 'docker-apt-no-install-recommends': 'hint', 'docker-root-user': 'warning' } } };
    await client.initialize(pathToFileURL(dir).href, { workspace: { configuration: true } });
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const pub = await client.waitForDiagnostics(uri, 1);
    assert.deepStrictEqual(pub.diagnostics.map((d) => [d.code, d.severity]).sort(), [['docker-apt-no-install-recommends', 4], ['docker-root-user', 2]]);
    client.settings = { shipshape: { enable: false } };
    const next = client.waitForDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepStrictEqual((await next).diagnostics, []);
  });

  it('$/cancelRequest: a pending pull request answers RequestCancelled; the document is still analysed afterwards', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href, { textDocument: { diagnostic: {} } });
    const uri = fileUri('pnpm-lock.yaml', '');
    await client.open(uri, 'yaml', makeLockfile(2 * 1024 * 1024));
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token);
    setTimeout(() => source.cancel(), 30);
    await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
    const report: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepStrictEqual(report.items, [], 'a lockfile is not a manifest');
  });

  it('an analysis over the time budget is stopped, the file left without diagnostics, and small files keep working', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href, {}, undefined, { analysisBudgetMs: 800 });
    const large = fileUri('pnpm-lock.yaml', '');
    await client.open(large, 'yaml', makeLockfile(7.5 * 1024 * 1024));
    assert.deepStrictEqual((await client.waitForDiagnostics(large, 1, 30_000)).diagnostics, []);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(client.logs.some((l) => l.includes('pnpm-lock.yaml not analysed: over the 800 ms time budget')), client.logs.join('\n'));
    const small = fileUri('Dockerfile', DOCKERFILE);
    await client.open(small, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(small, 1)).diagnostics), ['docker-apt-no-install-recommends', 'docker-root-user']);
  });

  it('two workspace folders each read their own .shipshape.yaml', async () => {
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'a', '.shipshape.yaml'), 'rules:\n  docker-root-user: off\n');
    fs.writeFileSync(path.join(dir, 'b', '.shipshape.yaml'), 'rules:\n  docker-apt-no-install-recommends: off\n');
    client = new LspClient();
    await client.initialize(null, { workspace: { workspaceFolders: true } }, [pathToFileURL(path.join(dir, 'a')).href, pathToFileURL(path.join(dir, 'b')).href]);
    const a = fileUri('a/Dockerfile', DOCKERFILE);
    const b = fileUri('b/Dockerfile', DOCKERFILE);
    const outside = fileUri('c/Dockerfile', DOCKERFILE);
    await client.open(a, 'dockerfile', DOCKERFILE);
    await client.open(b, 'dockerfile', DOCKERFILE);
    await client.open(outside, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(a, 1)).diagnostics), ['docker-apt-no-install-recommends']);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(b, 1)).diagnostics), ['docker-root-user']);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(outside, 1)).diagnostics), ['docker-apt-no-install-recommends', 'docker-root-user'], 'a file in no folder gets the defaults');
  });

  it('a workspace folder added by didChangeWorkspaceFolders reads its .shipshape.yaml; removed, its files get the defaults again', async () => {
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'b', '.shipshape.yaml'), 'rules:\n  docker-root-user: off\n');
    client = new LspClient();
    await client.initialize(null, { workspace: { workspaceFolders: true } }, [pathToFileURL(path.join(dir, 'a')).href]);
    const b = fileUri('b/Dockerfile', DOCKERFILE);
    await client.open(b, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(b, 1)).diagnostics), ['docker-apt-no-install-recommends', 'docker-root-user'], 'not in a folder yet: the defaults');
    const folder = { uri: pathToFileURL(path.join(dir, 'b')).href, name: 'b' };
    let next = client.waitForDiagnostics(b);
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
    assert.deepStrictEqual(ids((await next).diagnostics), ['docker-apt-no-install-recommends']);
    next = client.waitForDiagnostics(b);
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
    assert.deepStrictEqual(ids((await next).diagnostics), ['docker-apt-no-install-recommends', 'docker-root-user']);
  });

  it('the multi-stage refactor as a refactor.rewrite action with plain edits; shipshape/imageReferences', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const text = 'FROM golang:1.22-bookworm\nWORKDIR /src\nRUN go build -o bin/app .\nENTRYPOINT ["/src/bin/app"]\n';
    const uri = fileUri('Dockerfile', text);
    await client.open(uri, 'dockerfile', text);
    await client.waitForDiagnostics(uri, 1);
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['refactor'] },
    });
    assert.strictEqual(actions.length, 1, actions.map((a) => a.title).join(', '));
    assert.strictEqual(actions[0].kind, 'refactor.rewrite');
    const converted = applyLspEdits(text, actions[0].edit.changes[uri]);
    assert.match(converted, /^FROM golang:1\.22-bookworm AS build\n[\s\S]*\nFROM gcr\.io\/distroless\/base-debian12:nonroot\nWORKDIR \/src\nCOPY --from=build \/src\/bin\/app \/src\/bin\/app\nUSER 65532:65532\nENTRYPOINT/);
    await client.change(uri, 2, converted);
    assert.ok(!ids((await client.waitForDiagnostics(uri, 2)).diagnostics).includes('docker-root-user'));
    const refs: any[] = await client.connection.sendRequest('shipshape/imageReferences', { textDocument: { uri } });
    assert.deepStrictEqual(refs.map((r) => r.reference), ['golang:1.22-bookworm', 'gcr.io/distroless/base-debian12:nonroot']);
    assert.deepStrictEqual(refs[0].range, { start: { line: 0, character: 5 }, end: { line: 0, character: 25 } });
  });

  it('a new version supersedes a large analysis in progress: only the new version is published', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('deploy.yaml', '');
    await client.open(uri, 'yaml', `apiVersion: v1\nkind: List\n${makeLockfile(4 * 1024 * 1024)}`);
    await new Promise((r) => setTimeout(r, 50));
    await client.change(uri, 2, POD);
    const pub = await client.waitForDiagnostics(uri, 2, 30_000);
    assert.ok(ids(pub.diagnostics).includes('k8s-run-as-non-root'));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(client.published.filter((p) => p.uri === uri).map((p) => p.version), [2], 'version 1 was never published');
  });

  it('the CLI subcommand `shipshape lsp --stdio` serves the same protocol', async () => {
    client = new LspClient([path.join(ROOT, 'dist', 'cli.js'), 'lsp', '--stdio']);
    await client.initialize(pathToFileURL(dir).href);
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    assert.deepStrictEqual(ids((await client.waitForDiagnostics(uri, 1)).diagnostics), ['docker-apt-no-install-recommends', 'docker-root-user']);
    assert.strictEqual(await client.shutdown(), 0);
  });

  it('`shipshape lsp` without --stdio is a usage error (exit 2), not a server waiting on a socket', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'lsp'], { encoding: 'utf8', timeout: 10_000, input: '' });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /--stdio is required/);
  });
});
