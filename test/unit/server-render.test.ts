/**
 * The language server's renderer (src/server/render.ts) driven directly with a host of our own:
 * Helm charts through the fake `helm` (test/fixtures/bin/helm, recorded output), Kustomize
 * overlays through the real `kubectl kustomize`. Findings on exact template / values / patch
 * lines, the values fix as a WorkspaceEdit on values.yaml (applied, re-rendered, re-checked),
 * `# shipshape-ignore` on the template line, trust, a missing helm, failed and empty renders,
 * debounced and superseded saves.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { analyze, DEFAULT_CONFIG, Finding, parseConfigText } from '../../src/core';
import { applyEdits } from '../../src/core/text';
import { RenderService, HINT_NO_HELM, HINT_UNTRUSTED } from '../../src/server/render';
import { hitsFor, quickFixes, toDiagnostic } from '../../src/server/convert';

/** The host's session (the server's is session.ts): trust and tool paths, with change listeners. */
type Session = { trusted: boolean; tools: { helm?: string; kustomize?: string } };
const session: Session = { trusted: true, tools: {} };
const listeners = new Set<(before: Session) => void>();
function updateSession(change: Partial<Session>): void {
  const before = { ...session, tools: { ...session.tools } };
  Object.assign(session, change);
  for (const l of [...listeners]) l(before);
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FAKE_BIN = path.join(ROOT, 'test', 'fixtures', 'bin');
const OTEL = path.join(ROOT, 'test', 'fixtures', 'helm', 'otel');
const KUSTOMIZE = path.join(ROOT, 'test', 'fixtures', 'kustomize');

interface Harness {
  service: RenderService;
  refreshed: string[];
  log: string;
  /** Resolves once `file` was refreshed (after `since` refreshes were seen). */
  refreshOf(file: string, since?: number): Promise<void>;
  helmCalls(): string[][];
}

function harness(folder: string, env: Record<string, string> = {}, debounceMs = 20): Harness {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-render-log-')), 'log.jsonl');
  const refreshed: string[] = [];
  let waiters: Array<() => void> = [];
  const service = new RenderService({
    async config(file) {
      const cfg = path.join(folder, '.shipshape.yaml');
      const fileConfig = fs.existsSync(cfg) ? parseConfigText(fs.readFileSync(cfg, 'utf8')).config : undefined;
      return { enabled: true, config: DEFAULT_CONFIG, fileConfig, folder: file.startsWith(folder) ? folder : undefined };
    },
    analyze(text) {
      return { cancel: () => undefined, promise: Promise.resolve(analyze(text, 'kubernetes').findings) };
    },
    refresh(files) { refreshed.push(...files); const w = waiters; waiters = []; w.forEach((f) => f()); },
    log: () => undefined,
    folders: () => [folder],
    session: () => session,
    onSessionChange: (listener) => { listeners.add(listener); return () => { listeners.delete(listener); }; },
  }, { debounceMs, env: { PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}`, SHIPSHAPE_PASS_ENV: 'FAKE_TOOL_LOG,FAKE_HELM_MODE,FAKE_HELM_SLEEP_MS', FAKE_TOOL_LOG: log, ...env } });
  return {
    service, refreshed, log,
    refreshOf(file, since = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no refresh of ${file}; refreshed: ${refreshed.join(', ')}`)), 15_000);
        const check = () => { if (refreshed.slice(since).includes(file)) { clearTimeout(timer); resolve(); } else waiters.push(check); };
        check();
      });
    },
    helmCalls() {
      return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { argv: string[] }).argv) : [];
    },
  };
}

function copyOtel(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-srv-helm-')));
  fs.cpSync(OTEL, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n');
  return dir;
}

const uriOf = (file: string) => pathToFileURL(file).href;
const TEMPLATE_SKIP = { skipped: 'template' as const, reason: 'Helm template' };

function ids(list: Finding[]): string[] {
  return list.map((f) => f.ruleId).sort();
}

describe('language server: rendered Helm charts and Kustomize overlays (render.ts)', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(() => { h?.service.dispose(); h = undefined; updateSession({ trusted: true, tools: {} }); });

  it('opening a template renders its chart: findings on the template line and on the values line, the hint gone', async () => {
    const dir = copyOtel();
    h = harness(dir);
    const pod = path.join(dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
    const values = path.join(dir, 'opentelemetry-collector', 'values.yaml');
    const deployment = path.join(dir, 'opentelemetry-collector', 'templates', 'deployment.yaml');
    // Before the render: the template stays quiet, with a hint.
    const first = h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
    assert.deepStrictEqual(first.findings, []);
    assert.match(first.skip?.hint ?? '', /rendering/);
    await h.refreshOf(pod);
    assert.deepStrictEqual(h.helmCalls(), [['template', 'release-name', path.join(dir, 'opentelemetry-collector'), '--values', path.join(dir, 'examples', 'deployment-only', 'values.yaml'), '--include-crds']]);
    const onPod = h.service.view(uriOf(pod), []).findings;
    const ro = onPod.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    assert.deepStrictEqual(ro.range, { start: { line: 29, character: 4 }, end: { line: 29, character: 19 } });
    assert.strictEqual(fs.readFileSync(pod, 'utf8').split('\n')[29], '    securityContext:');
    // Related information: the values key, as an absolute path the server turns into a location in that file.
    assert.strictEqual(ro.related?.[0].file, values);
    const d = toDiagnostic(ro, uriOf(pod));
    assert.deepStrictEqual(d.relatedInformation?.[0].location, { uri: uriOf(values), range: { start: { line: 386, character: 0 }, end: { line: 386, character: 15 } } });
    // The values line shows it too, pointing back at the template.
    const onValues = h.service.view(uriOf(values), [], { skipped: 'notApplicable' });
    assert.strictEqual(onValues.skip, undefined);
    const vro = onValues.findings.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    assert.deepStrictEqual(vro.range.start, { line: 386, character: 0 });
    assert.match(vro.message, /rendered by _pod\.tpl line 30/);
    assert.deepStrictEqual([vro.related?.[0].file, vro.related?.[0].range.start.line], [pod, 29]);
    // The template that includes _pod.tpl writes nothing wrong itself, and is no longer "not analysed".
    const dep = h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
    assert.strictEqual(dep.skip, undefined);
    assert.ok(!dep.findings.some((f) => f.ruleId === 'k8s-readonly-rootfs'));
  });

  it('the values fix is a WorkspaceEdit on values.yaml; applied and saved, the chart re-renders and the finding is gone', async () => {
    const dir = copyOtel();
    h = harness(dir);
    const pod = path.join(dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
    const values = path.join(dir, 'opentelemetry-collector', 'values.yaml');
    h.service.view(uriOf(pod), []);
    await h.refreshOf(pod);
    const findings = h.service.view(uriOf(pod), []).findings;
    const ro = findings.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    const hits = hitsFor(findings, uriOf(pod), [toDiagnostic(ro, uriOf(pod))], ro.range);
    const actions = h.service.codeActions(hits);
    const fix = actions.find((a) => a.title === 'Set readOnlyRootFilesystem: true (may break apps that write to disk) in values.yaml')!;
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    assert.deepStrictEqual(Object.keys(fix.edit!.changes!), [uriOf(values)]);
    const edits = fix.edit!.changes![uriOf(values)];
    assert.deepStrictEqual(edits, [{ range: { start: { line: 386, character: 18 }, end: { line: 386, character: 18 } }, newText: 'readOnlyRootFilesystem: true' }]);
    // Not a template edit: the template's own quick fixes carry none for this finding.
    assert.ok(!quickFixes(uriOf(pod), fs.readFileSync(pod, 'utf8'), 'kubernetes', hits).some((a) => /readOnlyRootFilesystem/.test(a.title)));
    // The same fix is offered on the values line, as that file's own edit.
    const vro = h.service.view(uriOf(values), []).findings.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    assert.ok(vro.fixes?.some((x) => x.title === fix.title && JSON.stringify(x.edits) === JSON.stringify(edits)));
    const before = fs.readFileSync(values, 'utf8');
    const after = applyEdits(before, edits);
    assert.strictEqual(after.split('\n')[386], 'securityContext: {readOnlyRootFilesystem: true}');
    // Only that line changed: comments and layout of the rest survive.
    assert.deepStrictEqual(after.split('\n').filter((l, i) => l !== before.split('\n')[i]).length, 1);
    fs.writeFileSync(values, after);
    const since = h.refreshed.length;
    await h.service.saved(values);
    await h.refreshOf(pod, since);
    // The fake helm prints the output recorded for that values.yaml (test/fixtures/helm-values/SOURCE.md).
    assert.strictEqual(h.helmCalls().length, 2);
    const now = h.service.view(uriOf(pod), []).findings;
    assert.ok(!now.some((f) => f.ruleId === 'k8s-readonly-rootfs'), ids(now).join(','));
    assert.ok(now.some((f) => f.ruleId === 'k8s-run-as-non-root' && f.range.start.line === 29), 'the other settings are still missing');
    assert.ok(!h.service.view(uriOf(values), []).findings.some((f) => f.ruleId === 'k8s-readonly-rootfs'));
  });

  it('`# shipshape-ignore` above the template line (the ignore-line quick fix) silences that finding only', async () => {
    const dir = copyOtel();
    h = harness(dir);
    const pod = path.join(dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
    h.service.view(uriOf(pod), []);
    await h.refreshOf(pod);
    const findings = h.service.view(uriOf(pod), []).findings;
    const ro = findings.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    const text = fs.readFileSync(pod, 'utf8');
    const ignore = quickFixes(uriOf(pod), text, 'kubernetes', hitsFor(findings, uriOf(pod), [toDiagnostic(ro, uriOf(pod))], ro.range)).find((a) => a.title === 'Ignore k8s-readonly-rootfs for this line')!;
    const edited = applyEdits(text, ignore.edit!.changes![uriOf(pod)]);
    assert.strictEqual(edited.split('\n')[29], '    # shipshape-ignore k8s-readonly-rootfs');
    fs.writeFileSync(pod, edited);
    const since = h.refreshed.length;
    await h.service.saved(pod);
    await h.refreshOf(pod, since);
    const now = h.service.view(uriOf(pod), []).findings;
    assert.ok(!now.some((f) => f.ruleId === 'k8s-readonly-rootfs'), ids(now).join(','));
    // The same line's other findings stay (now one line lower).
    assert.ok(now.some((f) => f.ruleId === 'k8s-run-as-non-root' && f.range.start.line === 30));
  });

  it('saves close together render once (debounced per chart)', async () => {
    const dir = copyOtel();
    h = harness(dir, {}, 150);
    const values = path.join(dir, 'opentelemetry-collector', 'values.yaml');
    const pod = path.join(dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
    await Promise.all([h.service.saved(values), h.service.saved(pod), h.service.saved(values)]);
    await h.refreshOf(pod);
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(h.helmCalls().length, 1);
  });

  it('a save while helm runs stops that render (its process killed) and only the newer one is published', async () => {
    const dir = copyOtel();
    h = harness(dir, { FAKE_HELM_SLEEP_MS: '1500' });
    const values = path.join(dir, 'opentelemetry-collector', 'values.yaml');
    const pod = path.join(dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
    await h.service.saved(values);
    await new Promise((r) => setTimeout(r, 500));
    assert.strictEqual(h.helmCalls().length, 1, 'the first render is running');
    const started = Date.now();
    await h.service.saved(values);
    await h.refreshOf(pod);
    // The second render needed its full 1.5 s: the first one did not finish first.
    assert.ok(Date.now() - started >= 1400, `${Date.now() - started} ms`);
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(h.helmCalls().length, 2);
    assert.strictEqual(h.refreshed.filter((f) => f === pod).length, 1, 'one result published');
  });

  it('untrusted: nothing is rendered and the template says to trust the workspace; trust granted renders', async () => {
    const dir = copyOtel();
    updateSession({ trusted: false });
    h = harness(dir);
    const pod = path.join(dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
    const deployment = path.join(dir, 'opentelemetry-collector', 'templates', 'deployment.yaml');
    assert.strictEqual(h.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint, HINT_UNTRUSTED);
    await h.refreshOf(deployment);
    const v = h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
    assert.deepStrictEqual([v.findings, v.skip?.skipped, v.skip?.hint], [[], 'template', HINT_UNTRUSTED]);
    await h.service.saved(pod);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepStrictEqual(h.helmCalls(), [], 'helm never ran');
    const since = h.refreshed.length;
    updateSession({ trusted: true });
    await h.refreshOf(pod, since);
    assert.strictEqual(h.helmCalls().length, 1);
    assert.ok(h.service.view(uriOf(pod), []).findings.some((f) => f.ruleId === 'k8s-readonly-rootfs'));
  });

  it('without helm the template says how to enable chart analysis', async () => {
    const dir = copyOtel();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-nobin-'));
    h = harness(dir, { PATH: empty });
    const saved = process.env.PATH;
    process.env.PATH = empty;
    try {
      const deployment = path.join(dir, 'opentelemetry-collector', 'templates', 'deployment.yaml');
      h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
      await h.refreshOf(deployment);
      const v = h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
      assert.deepStrictEqual([v.findings, v.skip?.hint], [[], HINT_NO_HELM]);
    } finally { process.env.PATH = saved; }
  });

  it('a chart that fails to render gets one diagnostic on Chart.yaml with helm\'s message; one that renders nothing says so', async () => {
    const dir = copyOtel();
    h = harness(dir, { FAKE_HELM_MODE: 'fail' });
    const chartFile = path.join(dir, 'opentelemetry-collector', 'Chart.yaml');
    const deployment = path.join(dir, 'opentelemetry-collector', 'templates', 'deployment.yaml');
    h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
    await h.refreshOf(chartFile);
    const onChart = h.service.view(uriOf(chartFile), []).findings;
    assert.deepStrictEqual(onChart.map((f) => [f.ruleId, f.range.start.line]), [['helm-render-failed', 0]]);
    assert.match(onChart[0].message, /unexpected "\}" in operand/);
    assert.ok(!/\x1b/.test(onChart[0].message), 'terminal controls removed');
    assert.strictEqual(toDiagnostic(onChart[0], uriOf(chartFile)).codeDescription, undefined, 'no rule page to link');
    assert.match(h.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint ?? '', /did not render/);
    h.service.dispose();
    h = harness(dir, { FAKE_HELM_MODE: 'empty' });
    h.service.view(uriOf(deployment), [], TEMPLATE_SKIP);
    await h.refreshOf(chartFile);
    assert.deepStrictEqual(h.service.view(uriOf(chartFile), []).findings.map((f) => [f.ruleId, f.message]), [['helm-render-empty', 'helm template rendered no manifests with these values: nothing to check']]);
  });

  describe('Kustomize (the real kubectl kustomize)', function () {
    before(function () {
      try { execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' }); } catch {
        console.warn('\n  !!! kubectl is not on PATH: the editor Kustomize render tests are SKIPPED !!!\n');
        this.skip();
      }
    });

    it('a patch shows the privileged finding on its line instead of its plain analysis; the base resource its own; saving the patch re-renders', async () => {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-srv-kust-')));
      fs.cpSync(KUSTOMIZE, dir, { recursive: true });
      h = harness(dir);
      const patch = path.join(dir, 'overlay', 'debug.yaml');
      const base = path.join(dir, 'base', 'deployment.yaml');
      const plain = analyze(fs.readFileSync(patch, 'utf8'), 'kubernetes').findings;
      assert.ok(plain.length > 1, 'the patch read alone is a half manifest with many findings');
      h.service.view(uriOf(patch), plain);
      await h.refreshOf(patch);
      const v = h.service.view(uriOf(patch), plain).findings;
      assert.deepStrictEqual(v.map((f) => [f.ruleId, f.range.start.line, f.range.start.character]), [['k8s-privileged', 11, 12]]);
      assert.strictEqual(fs.readFileSync(patch, 'utf8').split('\n')[11], '            privileged: true');
      const onBase = h.service.view(uriOf(base), analyze(fs.readFileSync(base, 'utf8'), 'kubernetes').findings).findings;
      assert.deepStrictEqual(onBase.filter((f) => f.ruleId === 'k8s-image-latest').map((f) => [f.range.start.line, f.range.start.character]), [[17, 10]]);
      // Fixed in the patch and saved: the overlay renders again and the finding is gone.
      fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace('privileged: true', 'privileged: false'));
      const since = h.refreshed.length;
      await h.service.saved(patch);
      await h.refreshOf(patch, since);
      assert.deepStrictEqual(h.service.view(uriOf(patch), plain).findings, []);
    });
  });
});
