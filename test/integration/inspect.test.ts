// "Inspect Image…" and "Compare Base Images" in a real extension host: archives built by the test
// (tar-stream), the fake docker of test/fixtures/bin writing one for `image save`, the fake trivy
// printing a recorded report per reference. Every fake logs its argv.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CompareOutcome, SwapOutcome } from '../../src/extension/compare';
import type { InspectOutcome } from '../../src/extension/inspect';
import type { ScanNode, ScanSupport } from '../../src/extension/scan';
import { dockerArchive, PRIVATE_KEY } from '../unit/inspect-support';
import { fixtureUri, sleep, withSetting } from './helpers';
import { FAKE_BIN, loggedCalls, shipshapeApi, withEnv } from './scanHelpers';

const DOCKERFILE = 'FROM alpine:3.19\nCOPY id_rsa /root/.ssh/id_rsa\nRUN rm /root/.ssh/id_rsa\nUSER 65532\n';

async function waitFor<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function label(scan: ScanSupport, node: ScanNode): string {
  const l = scan.tree.getTreeItem(node).label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

describe('Inspect Image in the editor', function () {
  this.timeout(60000);
  let scan: ScanSupport;
  let dir: string;
  let dockerfile: vscode.Uri;
  let archive: string;
  let toolLog: string;
  const restore: Array<() => unknown> = [];

  before(async () => {
    scan = (await shipshapeApi()).scan;
    dir = fixtureUri('inspect-it').fsPath;
    fs.mkdirSync(dir, { recursive: true });
    dockerfile = vscode.Uri.file(path.join(dir, 'Dockerfile'));
    fs.writeFileSync(dockerfile.fsPath, DOCKERFILE);
    archive = await dockerArchive(dir, [
      { files: [{ name: 'bin/', type: 'directory' }, { name: 'bin/su', mode: 0o4755, content: 'x' }], createdBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
      { files: [{ name: 'root/.ssh/', type: 'directory' }, { name: 'root/.ssh/id_rsa', mode: 0o600, content: PRIVATE_KEY }], createdBy: 'COPY id_rsa /root/.ssh/id_rsa # buildkit' },
      { files: [{ name: 'root/.ssh/.wh.id_rsa', content: '' }], createdBy: 'RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit' },
    ], { history: [{ created_by: 'USER 65532', empty_layer: true }] });
    toolLog = path.join(dir, 'tools.log');
    restore.push(await withSetting('scan.dockerPath', path.join(FAKE_BIN, 'docker')));
    restore.push(withEnv({ FAKE_TOOL_LOG: toolLog, FAKE_TOOL_MODE: undefined, FAKE_SAVE_ARCHIVE: archive, SHIPSHAPE_PASS_ENV: 'FAKE_*' }));
    await vscode.commands.executeCommand('shipshape.clearInspections');
  });

  after(async () => {
    await vscode.commands.executeCommand('shipshape.clearInspections');
    for (const r of restore.reverse()) await r();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('inspects an archive file: an image node with its findings and layers (size, created_by, Dockerfile line) in the Image Findings tree', async () => {
    const outcome = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', { archive: vscode.Uri.file(archive), dockerfile });
    assert.strictEqual(outcome?.status, 'inspected', JSON.stringify(outcome));
    const image = scan.tree.getChildren().find((n) => n.kind === 'inspectImage' && label(scan, n) === 'image.tar');
    assert.ok(image, 'the image node');
    assert.match(String(scan.tree.getTreeItem(image).description), /^inspected · 3 layers, 472 B · 3 findings$/);
    const [findings, layers] = scan.tree.getChildren(image);
    assert.strictEqual(label(scan, findings), 'Findings (3)');
    assert.strictEqual(label(scan, layers), 'Layers (3)');
    const layerItems = scan.tree.getChildren(layers).map((n) => scan.tree.getTreeItem(n));
    assert.deepStrictEqual(layerItems.map((i) => [i.label, i.description]), [
      ['Layer 1 · 1 B', '/bin/sh -c #(nop) ADD file:abc in /'],
      ['Layer 2 · 471 B', 'line 2 · COPY id_rsa /root/.ssh/id_rsa # buildkit'],
      ['Layer 3 · 0 B', 'line 3 · RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit'],
    ]);
    assert.strictEqual(layerItems[0].command, undefined, 'the base layer has no instruction of this Dockerfile');
    assert.deepStrictEqual(layerItems[1].command?.arguments?.[1], 2);
    const findingItems = scan.tree.getChildren(findings).map((n) => scan.tree.getTreeItem(n));
    assert.match(String(findingItems[0].label), /^\/root\/\.ssh\/id_rsa is a private key: deleted in layer 3, still readable in layer 2/);
    assert.strictEqual(findingItems[0].description, 'layer 2 · image-secret-file');
  });

  it('a finding whose layer maps to a Dockerfile line is a diagnostic there (its own collection); base-layer findings are not', async () => {
    const ds = await waitFor('the inspect diagnostics', () => {
      const d = vscode.languages.getDiagnostics(dockerfile).filter((x) => x.source === 'Shipshape Inspect');
      return d.length ? d : undefined;
    });
    const secret = ds.find((d) => d.code === 'image-secret-file');
    assert.ok(secret, ds.map((d) => d.code).join(', '));
    assert.deepStrictEqual([secret.range.start.line, secret.range.start.character, secret.range.end.line, secret.range.end.character], [1, 0, 1, 29]);
    assert.strictEqual(secret.severity, vscode.DiagnosticSeverity.Error);
    assert.match(secret.message, /\(image image\.tar, layer 2\)$/);
    assert.ok(!ds.some((d) => d.code === 'image-setuid'), 'the setuid file is in the base image\'s layer');
  });

  it('inspects a local image through docker image save (argv array, the reference after --), then offers the CodeLens with that reference', async () => {
    const outcome = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', { reference: 'example/app:1', dockerfile });
    assert.strictEqual(outcome?.status, 'inspected', JSON.stringify(outcome));
    const saves = loggedCalls(fs.readFileSync(toolLog, 'utf8')).filter((c) => c.tool === 'docker');
    const argv = saves[saves.length - 1].argv;
    assert.deepStrictEqual([argv[0], argv[1], argv[2], argv[4], argv[5]], ['image', 'save', '-o', '--', 'example/app:1']);
    assert.ok(scan.tree.getChildren().some((n) => n.kind === 'inspectImage' && label(scan, n) === 'example/app:1'));
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('the Inspect image CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile);
      const ours = all?.filter((l) => l.command?.command === 'shipshape.inspectImage');
      return ours?.length ? ours : undefined;
    });
    assert.strictEqual(lenses[0].command?.title, 'Inspect image example/app:1');
    assert.strictEqual(lenses[0].range.start.line, 0);
  });

  it('offers "Inspect built image…" on a final FROM scratch (no reference inspected for that Dockerfile yet)', async () => {
    const scratch = vscode.Uri.file(path.join(dir, 'scratch.Dockerfile'));
    fs.writeFileSync(scratch.fsPath, 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(scratch));
    const lenses = await waitFor('the Inspect built image CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', scratch);
      const ours = all?.filter((l) => l.command?.command === 'shipshape.inspectImage');
      return ours?.length ? ours : undefined;
    });
    assert.deepStrictEqual(lenses.map((l) => [l.command?.title, l.range.start.line]), [['Inspect built image…', 2]]);
  });

  it('refuses an invalid reference before anything runs; reports a missing image; cancels', async () => {
    const before = fs.readFileSync(toolLog, 'utf8');
    const bad = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', { reference: '--output=/tmp/x', dockerfile });
    assert.deepStrictEqual(bad && { status: bad.status, code: (bad as { code?: string }).code }, { status: 'failed', code: 'INVALID_REFERENCE' });
    assert.strictEqual(fs.readFileSync(toolLog, 'utf8'), before, 'docker was not run');
    const missing = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', { reference: 'example/missing:1', dockerfile });
    assert.strictEqual(missing?.status, 'failed');
    const cts = new vscode.CancellationTokenSource();
    cts.cancel();
    const cancelled = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', { archive: vscode.Uri.file(archive), dockerfile, cancellation: cts.token });
    assert.strictEqual(cancelled?.status, 'cancelled');
  });
});

describe('Compare Base Images in the editor', function () {
  this.timeout(60000);
  let scan: ScanSupport;
  let dockerfile: vscode.Uri;
  let toolLog: string;
  const restore: Array<() => unknown> = [];

  before(async () => {
    scan = (await shipshapeApi()).scan;
    const dir = fixtureUri('compare-it').fsPath;
    fs.mkdirSync(dir, { recursive: true });
    dockerfile = vscode.Uri.file(path.join(dir, 'Dockerfile'));
    fs.writeFileSync(dockerfile.fsPath, 'FROM debian:12\nCOPY app /app\nCMD ["/app"]\n');
    toolLog = path.join(dir, 'tools.log');
    restore.push(await withSetting('scan.trivyPath', path.join(FAKE_BIN, 'trivy')));
    restore.push(withEnv({
      FAKE_TOOL_LOG: toolLog, FAKE_TOOL_MODE: undefined, FAKE_TRIVY_FIXTURE: undefined, SHIPSHAPE_PASS_ENV: 'FAKE_*',
      FAKE_TRIVY_BY_REF: JSON.stringify({ '12-slim': 'alpine-310.json.golden', distroless: 'dockerfile.json.golden', 'debian:12': 'debian-buster.json.golden' }),
    }));
  });

  after(async () => {
    for (const r of restore.reverse()) await r();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.dirname(dockerfile.fsPath), { recursive: true, force: true });
  });

  it('offers "Compare base images…" on the FROM when a scanner is found', async () => {
    await waitFor('the scanner lookup', () => scan.scannerFound() === true || undefined);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    // The advice comes from the language server: wait until it runs and has the document.
    const compare = await waitFor('the Compare code action', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, new vscode.Range(0, 6, 0, 6));
      return actions.find((a) => a.title === 'Compare base images for debian:12…');
    });
    assert.strictEqual(compare.command?.command, 'shipshape.compareBaseImages');
    const elsewhere = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, new vscode.Range(1, 2, 1, 2));
    assert.ok(!elsewhere.some((a) => a.command?.command === 'shipshape.compareBaseImages'), 'not on a COPY line');
  });

  it('the hover on the FROM lists the candidates with their sources and links to the comparison', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    const text = await waitFor('the base-image hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dockerfile, new vscode.Position(0, 6));
      const all = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      return all.includes('Smaller or hardened bases') ? all : undefined;
    });
    assert.ok(text.includes('**Smaller or hardened bases for `debian:12`**'), text);
    assert.ok(text.includes('- `debian:12-slim`: the same Debian 12 without documentation, man pages and locales · [source](https://hub.docker.com/_/debian)'), text);
    assert.ok(text.includes('- `gcr.io/distroless/base-debian12`: '), text);
    assert.match(text, /\[Compare base images…\]\(command:shipshape\.compareBaseImages\?/);
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dockerfile, new vscode.Position(2, 2));
    assert.ok(!none.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('Smaller or hardened'))), 'nothing on the CMD line');
  });

  it('scans the current base and each candidate with the user\'s scanner and shows the counts side by side', async () => {
    const outcome = await vscode.commands.executeCommand<CompareOutcome>('shipshape.compareBaseImages', { uri: dockerfile, line: 0, character: 6, scanner: 'trivy' });
    assert.strictEqual(outcome?.status, 'compared', JSON.stringify(outcome));
    if (outcome.status !== 'compared') return;
    assert.deepStrictEqual(outcome.rows.map((r) => [r.reference, r.counts, r.swappable]), [
      ['debian:12', { critical: 1, high: 0, medium: 0, low: 1 }, false],
      ['debian:12-slim', { critical: 0, high: 0, medium: 4, low: 0 }, true],
      ['gcr.io/distroless/base-debian12', { critical: 0, high: 0, medium: 0, low: 0 }, false],
    ]);
    const calls = loggedCalls(fs.readFileSync(toolLog, 'utf8')).filter((c) => c.tool === 'trivy').slice(-3);
    assert.deepStrictEqual(calls.map((c) => c.argv[c.argv.length - 1]), ['debian:12', 'debian:12-slim', 'gcr.io/distroless/base-debian12']);
    const html = outcome.panel.webview.html;
    assert.match(html, /<td class="n critical">1<\/td>/);
    assert.match(html, /<button data-row="1">Use this base<\/button>/);
    assert.ok(!html.includes('data-row="2"'), 'no switch to a base that needs a multi-stage build');
    await sleep(300);
    outcome.panel.dispose();
  });

  it('switches the FROM to a candidate with one undoable edit, and refuses when the Dockerfile changed', async () => {
    const doc = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(doc);
    // The command is public: an image the advice does not offer for this FROM is refused.
    const other = await vscode.commands.executeCommand<SwapOutcome>('shipshape.swapBaseImage', { uri: dockerfile, stage: 0, from: 'debian:12', to: 'alpine:3.20' });
    assert.strictEqual(other?.status, 'refused');
    assert.strictEqual(doc.getText(), 'FROM debian:12\nCOPY app /app\nCMD ["/app"]\n');
    const swapped = await vscode.commands.executeCommand<SwapOutcome>('shipshape.swapBaseImage', { uri: dockerfile, stage: 0, from: 'debian:12', to: 'debian:12-slim' });
    assert.strictEqual(swapped?.status, 'swapped');
    assert.strictEqual(doc.getText(), 'FROM debian:12-slim\nCOPY app /app\nCMD ["/app"]\n');
    const stale = await vscode.commands.executeCommand<SwapOutcome>('shipshape.swapBaseImage', { uri: dockerfile, stage: 0, from: 'debian:12', to: 'debian:12-slim' });
    assert.strictEqual(stale?.status, 'stale');
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), 'FROM debian:12\nCOPY app /app\nCMD ["/app"]\n');
  });

  it('a cancelled comparison runs no scanner', async () => {
    const before = fs.readFileSync(toolLog, 'utf8');
    const cts = new vscode.CancellationTokenSource();
    cts.cancel();
    const outcome = await vscode.commands.executeCommand<CompareOutcome>('shipshape.compareBaseImages', { uri: dockerfile, line: 0, character: 6, scanner: 'trivy', cancellation: cts.token });
    assert.strictEqual(outcome?.status, 'cancelled');
    assert.strictEqual(fs.readFileSync(toolLog, 'utf8'), before);
  });
});
