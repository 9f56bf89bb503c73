/**
 * Rendered charts over the real protocol: `node dist/server.js --stdio` spawned with the fake
 * `helm` (test/fixtures/bin/helm, recorded output) first on its PATH. Opening a template renders
 * the chart; the findings arrive on the template and values lines (pushed for files that are not
 * open), the values fix is a code action editing values.yaml, a save re-renders.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { applyLspEdits, ensureServerBuilt, LspClient, Published, ROOT, stopClient } from './lsp-client';

const FAKE_BIN = path.join(ROOT, 'test', 'fixtures', 'bin');
const OTEL = path.join(ROOT, 'test', 'fixtures', 'helm', 'otel');

function until(client: LspClient, uri: string, ok: (p: Published) => boolean, ms = 20_000): Promise<Published> {
  const have = [...client.published].reverse().find((p) => p.uri === uri);
  if (have && ok(have)) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(client.published.filter((p) => p.uri === uri).map((p) => p.diagnostics.map((d) => d.code)))}; logs: ${client.logs.join('\n')}`)), ms);
    const poll = setInterval(() => {
      const last = [...client.published].reverse().find((p) => p.uri === uri);
      if (last && ok(last)) { clearTimeout(timer); clearInterval(poll); resolve(last); }
    }, 50);
    timer.unref?.();
  });
}

describe('language server: Helm charts rendered in the editor (dist/server.js, fake helm)', function () {
  this.timeout(60_000);
  let client: LspClient | undefined;
  let dir: string;
  const saved = { PATH: process.env.PATH, PASS: process.env.SHIPSHAPE_PASS_ENV };

  before(() => ensureServerBuilt());
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-helm-')));
    fs.cpSync(OTEL, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n');
    // The spawned server inherits this environment: the fake helm first on PATH.
    process.env.PATH = `${FAKE_BIN}${path.delimiter}${saved.PATH}`;
  });
  afterEach(async () => {
    process.env.PATH = saved.PATH;
    await stopClient(client);
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opening a template publishes the findings on _pod.tpl and values.yaml lines; the values fix edits values.yaml; saving re-renders', async () => {
    client = new LspClient();
    await client.initialize(pathToFileURL(dir).href, { workspace: { configuration: false } }, undefined, { trusted: true });
    const chart = path.join(dir, 'opentelemetry-collector');
    const deployment = pathToFileURL(path.join(chart, 'templates', 'deployment.yaml')).href;
    const pod = pathToFileURL(path.join(chart, 'templates', '_pod.tpl')).href;
    const values = pathToFileURL(path.join(chart, 'values.yaml')).href;
    await client.open(deployment, 'yaml', fs.readFileSync(path.join(chart, 'templates', 'deployment.yaml'), 'utf8'));
    // _pod.tpl is not open: its diagnostics are pushed.
    const onPod = await until(client, pod, (p) => p.diagnostics.some((d) => d.code === 'k8s-readonly-rootfs'));
    const ro = onPod.diagnostics.find((d) => d.code === 'k8s-readonly-rootfs');
    assert.deepStrictEqual(ro.range, { start: { line: 29, character: 4 }, end: { line: 29, character: 19 } });
    assert.deepStrictEqual(ro.relatedInformation[0].location, { uri: values, range: { start: { line: 386, character: 0 }, end: { line: 386, character: 15 } } });
    const onValues = await until(client, values, (p) => p.diagnostics.some((d) => d.code === 'k8s-readonly-rootfs'));
    assert.strictEqual(onValues.diagnostics.find((d) => d.code === 'k8s-readonly-rootfs').range.start.line, 386);

    // Open values.yaml: its diagnostic carries the values fix as its own quick fix.
    const valuesText = fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8');
    await client.open(values, 'yaml', valuesText);
    const open = await until(client, values, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'k8s-readonly-rootfs'));
    const d = open.diagnostics.find((x) => x.code === 'k8s-readonly-rootfs');
    const actions = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: values }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } }) as any[];
    const fix = actions.find((a) => a.title === 'Set readOnlyRootFilesystem: true (may break apps that write to disk) in values.yaml');
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    const fixed = applyLspEdits(valuesText, fix.edit.changes[values]);
    assert.strictEqual(fixed.split('\n')[386], 'securityContext: {readOnlyRootFilesystem: true}');
    // Applied and saved: the chart renders again and the finding is gone from the template line.
    fs.writeFileSync(path.join(chart, 'values.yaml'), fixed);
    await client.change(values, 2, fixed);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: values } });
    const after = await until(client, pod, (p) => !p.diagnostics.some((x) => x.code === 'k8s-readonly-rootfs'));
    assert.ok(after.diagnostics.some((x) => x.code === 'k8s-run-as-non-root' && x.range.start.line === 29));
  });

  for (const [what, options] of [['untrusted (initializationOptions.trusted: false)', { trusted: false }], ['a client that says nothing of trust (an editor without workspace trust)', {}]] as const) it(`${what}: helm never runs, the chart files stay quiet`, async () => {
    const log = path.join(dir, 'helm-log.jsonl');
    process.env.FAKE_TOOL_LOG = log;
    process.env.SHIPSHAPE_PASS_ENV = 'FAKE_TOOL_LOG';
    try {
      client = new LspClient();
      await client.initialize(pathToFileURL(dir).href, {}, undefined, options);
      const chart = path.join(dir, 'opentelemetry-collector');
      const deployment = pathToFileURL(path.join(chart, 'templates', 'deployment.yaml')).href;
      await client.open(deployment, 'yaml', fs.readFileSync(path.join(chart, 'templates', 'deployment.yaml'), 'utf8'));
      assert.deepStrictEqual((await client.waitForDiagnostics(deployment, 1)).diagnostics, []);
      await new Promise((r) => setTimeout(r, 800));
      assert.ok(!fs.existsSync(log), 'helm was not run');
      assert.ok(!client.published.some((p) => p.uri.endsWith('_pod.tpl')));
    } finally {
      delete process.env.FAKE_TOOL_LOG;
      if (saved.PASS === undefined) delete process.env.SHIPSHAPE_PASS_ENV; else process.env.SHIPSHAPE_PASS_ENV = saved.PASS;
    }
  });
});
