/**
 * The base-image recommendations on FROM over the language server's real protocol: on a FROM
 * with findings (after them), on a FROM without any, on the FROM keyword and a continuation
 * line; nothing on a build stage, a stage alias, scratch or a non-FROM line.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ensureServerBuilt, LspClient, stopClient } from './lsp-client';

describe('language server: base-image advice in the FROM hover', function () {
  this.timeout(60_000);
  let dir: string;
  let client: LspClient;

  before(async () => {
    ensureServerBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-base-'));
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href);
  });
  after(async () => {
    await stopClient(client);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function hover(text: string, line: number, character: number, name = 'Dockerfile'): Promise<any> {
    const uri = pathToFileURL(path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`)).href;
    await client.open(uri, 'dockerfile', text);
    return client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  }

  it('a FROM without findings gets the recommendations alone, with the FROM instruction as its range', async () => {
    const text = 'FROM debian:12-slim\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true\nUSER 65532:65532\nCOPY --chown=65532:65532 app /app\nCMD ["/app"]\n';
    const h = await hover(text, 0, 8);
    assert.strictEqual(h.contents.kind, 'markdown');
    assert.strictEqual(h.contents.value, [
      '**Smaller or hardened bases for `debian:12-slim`** (Debian 12, the slim image; same ecosystem, version and OS family)',
      '',
      '- `gcr.io/distroless/base-debian12`: glibc, CA certificates and a nonroot user on Debian 12, without a shell or apt · needs a multi\\-stage build · [source](https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md)',
    ].join('\n'));
    assert.deepStrictEqual(h.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 19 } });
    // On the FROM keyword too.
    assert.strictEqual((await hover(text, 0, 1)).contents.value, h.contents.value);
  });

  it('a FROM with a finding: the findings first, then the recommendations; the finding\'s range', async () => {
    const text = 'FROM python:3.12\nCOPY . /app\nCMD ["python", "/app/main.py"]\n';
    const h = await hover(text, 0, 8);
    const [findings, advice] = h.contents.value.split('\n\n---\n\n');
    assert.match(findings, /\[`docker-toolchain-base`\]\(https:\/\/github\.com\/shipshape-dev\/shipshape\/blob\/main\/docs\/rules\/docker-toolchain-base\.md\)/);
    assert.strictEqual(advice, [
      '**Smaller or hardened bases for `python:3.12`** (Python 3\\.12, the full Debian image; same ecosystem, version and OS family)',
      '',
      '- `python:3.12-slim`: the same Python 3\\.12 without compilers and build tools · [source](https://hub.docker.com/_/python)',
    ].join('\n'));
    assert.deepStrictEqual(h.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 16 } });
  });

  it('an ARG-substituted base on a continuation line; a build stage, an alias, scratch and a RUN line get nothing', async () => {
    const text = 'ARG GO=golang:1.22-alpine3.19\nFROM ${GO} AS build\nRUN go build -o /out/app .\nFROM build AS test\nFROM \\\n  alpine:3.19\nCOPY --from=build /out/app /app\nFROM scratch AS empty\nUSER 65532\n';
    // The last stage is scratch: the alpine stage does not ship, nor does the build stage.
    assert.strictEqual(await hover(text, 1, 7), null);
    assert.strictEqual(await hover(text, 3, 6), null);
    assert.strictEqual(await hover(text, 5, 4), null);
    assert.strictEqual(await hover(text, 7, 6), null);
    assert.strictEqual(await hover(text, 2, 2), null);
    const shipped = 'ARG GO=golang:1.22-alpine3.19\nFROM \\\n  ${GO}\nCOPY . /src\n';
    const h = await hover(shipped, 2, 4);
    assert.ok(h, 'advice on the continuation line');
    const advice = h.contents.value.split('\n\n---\n\n').pop();
    assert.match(advice, /^\*\*Smaller or hardened bases for `golang:1\.22-alpine3\.19`\*\*/);
    assert.match(advice, /- `alpine:3\.19`: the same Alpine release without the Go toolchain/);
    assert.match(advice, /The image comes from an ARG \\\(`\$\{GO\}`\\\): change the ARG's default to switch\\\.$/);
  });
});
