/**
 * The language server's workspace index over the real protocol: an open manifest settles against
 * the facts of the other files of the folder (a Namespace's enforced Pod Security level, a
 * ServiceAccount without token, a Kyverno policy), on disk or open, and its diagnostics follow
 * when those files change.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient, Published, ROOT, stopClient, writeFileUri } from './lsp-client';

/** The compiled server (tsc's out/, its own workers' entry too): no bundle needed. */
const SERVER_OUT = path.join(ROOT, 'out', 'src', 'server', 'server.js');

const NS = (label: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/${label}\n`;
const SA = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\nautomountServiceAccountToken: false\n';
const POLICY = [
  'apiVersion: kyverno.io/v1', 'kind: ClusterPolicy', 'metadata: {name: verify-acme}', 'spec:', '  validationFailureAction: Enforce', '  rules:', '    - name: signed',
  '      match: {any: [{resources: {kinds: [Pod]}}]}', '      verifyImages:', '        - imageReferences: ["ghcr.io/acme/*"]', '',
].join('\n');
const POD = [
  'apiVersion: v1', 'kind: Pod', 'metadata: {name: web, namespace: shop}', 'spec:', '  containers:', '    - name: c', '      image: ghcr.io/acme/web:1',
  '      securityContext: {privileged: true}', '',
].join('\n');

const codes = (p: Published) => p.diagnostics.map((d) => String(d.code));

describe('language server: rules that span files (workspace index)', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient | undefined;

  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-index-')); });
  afterEach(async () => {
    await stopClient(client);
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string): string => writeFileUri(dir, name, text);

  /** The first diagnostics of `uri` published (now or later) that satisfy `ok`. */
  function until(c: LspClient, uri: string, ok: (p: Published) => boolean, ms = 20_000): Promise<Published> {
    const have = [...c.published].reverse().find((p) => p.uri === uri);
    if (have && ok(have)) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} in ${ms} ms; last: ${JSON.stringify([...c.published].reverse().find((p) => p.uri === uri)?.diagnostics.map((d) => [d.code, d.message]))}`)), ms);
      const poll = setInterval(() => {
        const last = [...c.published].reverse().find((p) => p.uri === uri);
        if (last && ok(last)) { clearTimeout(timer); clearInterval(poll); resolve(last); }
      }, 25);
      timer.unref?.();
    });
  }

  it('a Namespace, a ServiceAccount and a Kyverno policy in other files decide an open Pod\'s findings; a change on disk follows', async () => {
    const nsUri = write('cluster/namespace.yaml', NS('enforce: restricted'));
    write('cluster/sa.yaml', SA);
    write('policies/verify.yaml', POLICY);
    const podUri = write('apps/pod.yaml', POD);
    client = new LspClient([SERVER_OUT, '--stdio']);
    await client.initialize(pathToFileURL(dir).href);
    await client.open(podUri, 'yaml', POD);
    const first = await client.waitForDiagnostics(podUri, 1);
    assert.ok(codes(first).includes('k8s-privileged'));
    const settled = await until(client, podUri, (p) => codes(p).includes('k8s-admission-rejected'));
    const rejected = settled.diagnostics.find((d) => d.code === 'k8s-admission-rejected');
    assert.strictEqual(rejected.severity, 1);
    assert.match(rejected.message, /^The API server will reject Pod "web" \(namespace shop enforces restricted\)/);
    assert.deepStrictEqual(rejected.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } });
    assert.ok(!codes(settled).includes('k8s-sa-token-automount'), 'the ServiceAccount of cluster/sa.yaml turns the token off');
    const digest = settled.diagnostics.find((d) => d.code === 'k8s-image-digest-required');
    assert.ok(digest, 'the Kyverno policy of policies/verify.yaml requires a digest');
    assert.match(digest.message, /ClusterPolicy "verify-acme" in policies\/verify\.yaml verifies it/);
    assert.deepStrictEqual(digest.range, { start: { line: 6, character: 13 }, end: { line: 6, character: 31 } });

    // A workspace check of a file that is not open settles against the index too.
    const closedUri = write('apps/other.yaml', POD.replace('name: web', 'name: other'));
    const checked = new Promise<Published>((resolve) => { const poll = setInterval(() => { const p = [...client!.published].reverse().find((x) => x.uri === closedUri); if (p) { clearInterval(poll); resolve(p); } }, 25); });
    await client.connection.sendRequest('shipshape/checkFiles', { uris: [closedUri] });
    const disk = await checked;
    assert.ok(codes(disk).includes('k8s-admission-rejected'), `disk result: ${codes(disk).join(', ')}`);
    assert.ok(!codes(disk).includes('k8s-sa-token-automount'));

    // The Namespace only warns now: the Pod's finding follows the file on disk.
    fs.writeFileSync(path.join(dir, 'cluster/namespace.yaml'), NS('warn: restricted'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: nsUri, type: 2 }] });
    const warned = await until(client, podUri, (p) => !codes(p).includes('k8s-admission-rejected') && codes(p).includes('k8s-admission-warning'));
    assert.match(warned.diagnostics.find((d) => d.code === 'k8s-admission-warning').message, /namespace shop warns on restricted/);
    // Deleted: nothing is predicted.
    fs.rmSync(path.join(dir, 'cluster/namespace.yaml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: nsUri, type: 3 }] });
    await until(client, podUri, (p) => !codes(p).some((c) => c.startsWith('k8s-admission-')));
  });

  it('files the folder\'s .shipshape.yaml excludes state nothing', async () => {
    write('.shipshape.yaml', 'exclude:\n  - "vendor/**"\n');
    write('vendor/namespace.yaml', NS('enforce: restricted'));
    write('cluster/sa.yaml', SA);
    const podUri = write('pod.yaml', POD);
    client = new LspClient([SERVER_OUT, '--stdio']);
    await client.initialize(pathToFileURL(dir).href);
    await client.open(podUri, 'yaml', POD);
    const settled = await until(client, podUri, (p) => codes(p).includes('k8s-privileged') && !codes(p).includes('k8s-sa-token-automount'));
    assert.ok(!codes(settled).some((c) => c.startsWith('k8s-admission-')), 'the excluded Namespace predicts nothing');
  });

  it('an open Namespace document\'s edits (not saved) change the other open document\'s diagnostics', async () => {
    const nsText = NS('audit: baseline');
    const nsUri = write('namespace.yaml', nsText);
    const podUri = write('pod.yaml', POD);
    client = new LspClient([SERVER_OUT, '--stdio']);
    await client.initialize(pathToFileURL(dir).href);
    await client.open(nsUri, 'yaml', nsText);
    await client.open(podUri, 'yaml', POD);
    await until(client, podUri, (p) => codes(p).includes('k8s-admission-warning'));
    await client.change(nsUri, 2, NS('enforce: baseline'));
    const after = await until(client, podUri, (p) => codes(p).includes('k8s-admission-rejected'));
    assert.match(after.diagnostics.find((d) => d.code === 'k8s-admission-rejected').message, /namespace shop enforces baseline/);
    assert.ok(fs.readFileSync(path.join(dir, 'namespace.yaml'), 'utf8').includes('audit'), 'the disk file was not touched');
    // Closed without saving: the disk's label counts again.
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: nsUri } });
    await until(client, podUri, (p) => !codes(p).includes('k8s-admission-rejected') && codes(p).includes('k8s-admission-warning'));
  });
});
