/**
 * The language server in the client's locale: `initializationOptions.locale`, else
 * InitializeParams.locale; diagnostics, related information, hover and quick-fix titles in
 * Chinese, rule ids unchanged; English without either.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ensureServerBuilt, LspClient, stopClient } from './lsp-client';

const CJK = /[\u4e00-\u9fff]/;
const DOCKERFILE = 'FROM alpine:3.20\nRUN apk add curl\n';

describe('language server in the client\'s locale', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient | undefined;

  before(() => ensureServerBuilt());
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-l10n-')); });
  afterEach(async () => {
    await stopClient(client);
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function diagnosticsWith(init: (c: LspClient, root: string) => Promise<unknown>): Promise<{ uri: string; diagnostics: any[] }> {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, DOCKERFILE);
    const uri = pathToFileURL(file).href;
    client = new LspClient();
    await init(client, pathToFileURL(dir).href);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    return { uri, diagnostics: (await client.waitForDiagnostics(uri, 1)).diagnostics };
  }

  it('renders diagnostics, the hover and fix titles in zh-cn from initializationOptions.locale', async () => {
    const { uri, diagnostics } = await diagnosticsWith((c, root) => c.initialize(root, {}, undefined, { locale: 'zh-cn' }));
    const apk = diagnostics.find((d) => d.code === 'docker-apk-no-cache');
    assert.strictEqual(apk.message, '为 `apk add` 添加 `--no-cache`，避免软件包索引留在镜像中。');
    assert.strictEqual(apk.range.start.line, 1);
    for (const d of diagnostics) assert.match(d.message, CJK, `${d.code}: ${d.message}`);
    const actions: any[] = await client!.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: apk.range, context: { diagnostics: [apk], only: ['quickfix'] } });
    assert.strictEqual(actions[0].title, '为 apk add 添加 --no-cache');
    const hover: any = await client!.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 5 } });
    assert.match(hover.contents.value, /为 `apk add` 添加|为 \\`apk add\\` 添加/);
  });

  it('falls back to InitializeParams.locale (zh-CN), and speaks English without a locale', async () => {
    const zh = await diagnosticsWith(async (c, root) => {
      const result = await c.connection.sendRequest('initialize', { processId: process.pid, rootUri: root, capabilities: {}, locale: 'zh-CN', workspaceFolders: [{ uri: root, name: 'root' }] });
      await c.connection.sendNotification('initialized', {});
      return result;
    });
    assert.match(zh.diagnostics.find((d) => d.code === 'docker-apk-no-cache').message, CJK);
    await client!.shutdown();
    client = undefined;
    const en = await diagnosticsWith((c, root) => c.initialize(root));
    assert.strictEqual(en.diagnostics.find((d) => d.code === 'docker-apk-no-cache').message, 'Add `--no-cache` to `apk add` so the package index is not kept in the image.');
  });
});
