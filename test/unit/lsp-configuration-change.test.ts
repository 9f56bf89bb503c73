/**
 * A configuration notification analyses the open documents again only when a setting the
 * analysis reads changed (#15: VS Code's client sends one as soon as the server registers for
 * them, which re-analysed every open document at startup, and on every change under `shipshape`,
 * scan and cosign paths included). A notification without settings ("Shipshape: Revalidate")
 * still analyses everything again.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ensureServerBuilt, LspClient, stopClient, writeFileUri } from './lsp-client';

const DOCKERFILE = 'FROM node:latest\nRUN apt-get update && apt-get install -y curl\nUSER root\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('language server: configuration notifications', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient | undefined;
  /** workspace/configuration requests the server sent, in order. */
  let asked: number;

  before(() => ensureServerBuilt());
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-config-')); asked = 0; });
  afterEach(async () => {
    await stopClient(client);
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fileUri = (name: string, text: string): string => writeFileUri(dir, name, text);

  /** A client that answers workspace/configuration from `client.settings`, counting the requests. */
  async function pullClient(settings: Record<string, unknown>): Promise<LspClient> {
    const c = new LspClient();
    c.settings = settings;
    c.connection.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => {
      asked++;
      return p.items.map((i) => (c.settings && i.section ? c.settings[i.section] ?? null : null));
    });
    await c.initialize(pathToFileURL(dir).href, { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } });
    return c;
  }

  const codes = (d: { diagnostics: Array<{ code?: unknown }> }) => d.diagnostics.map((x) => String(x.code)).sort();

  it('unchanged settings: the server asks again and analyses nothing; a changed rule setting re-analyses', async () => {
    client = await pullClient({ shipshape: { rules: { 'docker-apt-no-install-recommends': 'hint' } } });
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const first = await client.waitForDiagnostics(uri, 1);
    assert.ok(codes(first).includes('docker-root-user'), codes(first).join(', '));
    const publishes = client.published.length;
    const askedBefore = asked;
    // What VS Code's client sends when the server registers for configuration changes (every value filled in).
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { shipshape: { enable: true, rules: { 'docker-apt-no-install-recommends': 'hint' }, scan: { trivyPath: '' } } } });
    for (const deadline = Date.now() + 5000; asked === askedBefore && Date.now() < deadline;) await sleep(10);
    assert.ok(asked > askedBefore, 'the server asked for the settings again');
    await sleep(400);
    assert.strictEqual(client.published.length, publishes, 'no new analysis was published');

    client.settings = { shipshape: { rules: { 'docker-apt-no-install-recommends': 'hint', 'docker-root-user': 'off' } } };
    const next = client.waitForDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { shipshape: {} } });
    const after = await next;
    assert.ok(!codes(after).includes('docker-root-user'), codes(after).join(', '));
    assert.ok(codes(after).includes('docker-latest-tag'), codes(after).join(', '));
  });

  it('a notification without settings ("Shipshape: Revalidate") analyses every open document again', async () => {
    client = await pullClient({ shipshape: {} });
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    await client.waitForDiagnostics(uri, 1);
    const again = client.waitForDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.ok(codes(await again).includes('docker-root-user'));
  });

  it('a client without workspace/configuration: the same pushed settings analyse nothing, different ones re-analyse', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href, {});
    const uri = fileUri('Dockerfile', DOCKERFILE);
    const off = { settings: { shipshape: { rules: { 'docker-root-user': 'off' } } } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', off);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const first = await client.waitForDiagnostics(uri, 1);
    assert.ok(!codes(first).includes('docker-root-user'), codes(first).join(', '));
    const publishes = client.published.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', off);
    await sleep(400);
    assert.strictEqual(client.published.length, publishes, 'the same settings again: no new analysis');
    const next = client.waitForDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { shipshape: {} } });
    assert.ok(codes(await next).includes('docker-root-user'));
  });

  it('the first quick-fix request right after the first diagnostics, with the startup notification on its way, has the fixes', async () => {
    client = await pullClient({ shipshape: {} });
    const uri = fileUri('Dockerfile', DOCKERFILE);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const first = await client.waitForDiagnostics(uri, 1);
    const latest = first.diagnostics.find((d) => d.code === 'docker-latest-tag');
    assert.ok(latest, codes(first).join(', '));
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { shipshape: {} } });
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: latest.range, context: { diagnostics: [latest], only: ['quickfix'] },
    }) as Array<{ title: string }>;
    assert.ok(actions.length >= 2, `quick fixes: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => /tag/i.test(a.title)), actions.map((a) => a.title).join(' | '));
  });
});
