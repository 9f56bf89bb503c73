/**
 * `shipshape check` on Helm charts through a fake `helm` (test/fixtures/bin/helm) that prints real
 * recorded `helm template` output (test/fixtures/helm) and records its argv and environment names.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { valuesFixEdits } from '../../src/cli/renderCheck';
import { Finding } from '../../src/core';
import { FileFix } from '../../src/core/render/valuesFix';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FAKE_BIN = path.join(ROOT, 'test', 'fixtures', 'bin');
const OTEL = path.join(ROOT, 'test', 'fixtures', 'helm', 'otel');

interface Logged { tool: string; argv: string[]; envKeys: string[] }

async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; calls: Logged[] }> {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-helm-log-')), 'log.jsonl');
  let stdout = '', stderr = '';
  const io: CliIO = {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, cwd,
    env: { PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}`, SHIPSHAPE_PASS_ENV: 'FAKE_TOOL_LOG,FAKE_HELM_MODE', FAKE_TOOL_LOG: log, ...env },
  };
  const code = await main(args, io);
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Logged) : [];
  return { code, stdout, stderr, calls };
}

interface JsonFinding { file: string; ruleId: string; line: number; column: number; rendered?: { tool: string; root: string } }

function copyOtel(config: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-helm-'));
  fs.cpSync(OTEL, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.shipshape.yaml'), config);
  return dir;
}

const POD_TPL = path.join('opentelemetry-collector', 'templates', '_pod.tpl');

describe('shipshape check: Helm charts rendered with helm template (fake helm, recorded output)', () => {
  it('renders the chart with --helm-values and reports on template lines with "rendered" in JSON', async () => {
    const { code, stdout, stderr, calls } = await run(['check', 'opentelemetry-collector', '--helm-values', 'examples/deployment-only/values.yaml', '--format', 'json', '--fail-on', 'none'], OTEL, { GITHUB_TOKEN: 'not-for-helm' });
    assert.strictEqual(stderr, '');
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(calls.map((c) => c.argv), [[
      'template', 'release-name', path.join(OTEL, 'opentelemetry-collector'), '--values', path.join(OTEL, 'examples', 'deployment-only', 'values.yaml'), '--include-crds',
    ]]);
    assert.ok(!calls[0].envKeys.includes('GITHUB_TOKEN'), 'helm gets the render allow-list, not our whole environment');
    const out = JSON.parse(stdout);
    const ro = (out.findings as JsonFinding[]).find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    assert.deepStrictEqual([ro.file, ro.line, ro.column, ro.rendered], [POD_TPL, 30, 5, { tool: 'helm', root: 'opentelemetry-collector' }]);
    // The chart's templates are accounted for by the render: not listed as skipped.
    assert.deepStrictEqual(out.skipped, []);
    assert.ok((out.findings as JsonFinding[]).every((f) => f.rendered?.tool === 'helm'));
  });

  it('shows the values location under the finding in text output', async () => {
    const { stdout } = await run(['check', 'opentelemetry-collector', '--helm-values', 'examples/deployment-only/values.yaml', '--fail-on', 'none'], OTEL);
    assert.match(stdout, /^opentelemetry-collector\/templates\/_pod\.tpl \(rendered by helm from opentelemetry-collector\)$/m);
    assert.match(stdout, /↳ opentelemetry-collector\/values\.yaml:387:1: the value is set here \(\.Values\.securityContext\)/);
  });

  it('passes .shipshape.yaml helm.charts options (values, set, releaseName, namespace, kubeVersion) and --helm-set', async () => {
    const dir = copyOtel('helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n      set: {image.tag: "1.2.3"}\n      releaseName: web\n      namespace: shop\n      kubeVersion: "1.30"\n');
    const { calls, stderr } = await run(['check', '.', '--helm-set', 'replicaCount=1', '--fail-on', 'none'], dir);
    assert.strictEqual(stderr, '');
    assert.deepStrictEqual(calls.map((c) => c.argv), [[
      'template', 'web', path.join(dir, 'opentelemetry-collector'), '--values', path.join(dir, 'examples', 'deployment-only', 'values.yaml'),
      '--set', 'image.tag=1.2.3', '--set', 'replicaCount=1', '--namespace', 'shop', '--kube-version', '1.30', '--include-crds',
    ]]);
  });

  it('warns about an unquoted kubeVersion instead of rendering for 1.3', async () => {
    const dir = copyOtel('helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n      kubeVersion: 1.30\n');
    const { calls, stderr } = await run(['check', '.', '--fail-on', 'none'], dir);
    assert.match(stderr, /helm\.charts\.opentelemetry-collector\.kubeVersion: expected a string \(quote it: "1\.3"\)/);
    assert.ok(!calls[0].argv.includes('--kube-version'));
  });

  it('exits 2 with helm\'s message (terminal controls removed) when the chart does not render', async () => {
    const { code, stderr } = await run(['check', 'opentelemetry-collector'], OTEL, { FAKE_HELM_MODE: 'fail' });
    assert.strictEqual(code, 2);
    assert.match(stderr, /^shipshape: opentelemetry-collector: helm could not render it:\n {2}Error: parse error at \(opentelemetry-collector\/templates\/deployment\.yaml:7\)/m);
    assert.ok(!stderr.includes('\x1b'));
  });

  it('says so when a chart renders nothing', async () => {
    const { code, stdout } = await run(['check', 'opentelemetry-collector'], OTEL, { FAKE_HELM_MODE: 'empty' });
    assert.strictEqual(code, 0);
    assert.match(stdout, /opentelemetry-collector\/Chart\.yaml: helm template rendered no manifests with these values/);
  });

  it('--no-render never runs helm and lists the templates as skipped, as before', async () => {
    const { calls, stdout } = await run(['check', 'opentelemetry-collector', '--no-render', '--format', 'json', '--fail-on', 'none'], OTEL);
    assert.deepStrictEqual(calls, []);
    const out = JSON.parse(stdout);
    assert.ok(out.skipped.some((s: { file: string }) => s.file === path.join('opentelemetry-collector', 'templates', 'deployment.yaml')));
  });

  it('without helm on PATH, says how to enable chart analysis and keeps the templates skipped (no failure)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-nohelm-'));
    const { code, stderr, stdout } = await run(['check', 'opentelemetry-collector', '--format', 'json'], OTEL, { PATH: empty });
    assert.strictEqual(code, 0);
    assert.match(stderr, /helm was not found \(searched the configured path and PATH\): install helm to check charts/);
    assert.ok(JSON.parse(stdout).skipped.length > 0);
  });

  it('JSON lists the values fixes of a rendered finding; `shipshape fix --rule … --write` makes it in values.yaml and the re-rendered check no longer reports it', async () => {
    const dir = copyOtel('helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n');
    const values = path.join(dir, 'opentelemetry-collector', 'values.yaml');
    const check = await run(['check', '.', '--format', 'json', '--fail-on', 'none'], dir);
    const ro = (JSON.parse(check.stdout).findings as Array<JsonFinding & { fixable: boolean; valuesFixes?: Array<{ file: string; title: string; safe: boolean }> }>).find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
    assert.strictEqual(ro.fixable, false, 'nothing to fix in the template');
    assert.deepStrictEqual(ro.valuesFixes?.[0], { file: path.join('opentelemetry-collector', 'values.yaml'), title: 'Set readOnlyRootFilesystem: true (may break apps that write to disk) in values.yaml', safe: false });
    // Not safe: a plain `fix` leaves it; --all makes it.
    const dry = await run(['fix', '.', '--rule', 'k8s-readonly-rootfs'], dir);
    assert.ok(!dry.stdout.includes('values.yaml'), dry.stdout);
    const diff = await run(['fix', '.', '--rule', 'k8s-readonly-rootfs', '--all'], dir);
    assert.match(diff.stdout, /^-securityContext: \{\}$/m);
    assert.match(diff.stdout, /^\+securityContext: \{readOnlyRootFilesystem: true\}$/m);
    assert.match(diff.stderr, /opentelemetry-collector\/values\.yaml: k8s-readonly-rootfs: Set readOnlyRootFilesystem: true/);
    assert.strictEqual(fs.readFileSync(values, 'utf8').split('\n')[386], 'securityContext: {}', 'a dry run writes nothing');
    const write = await run(['fix', '.', '--rule', 'k8s-readonly-rootfs', '--all', '--write', '--fail-on', 'none'], dir);
    assert.strictEqual(write.code, 0, write.stderr);
    assert.strictEqual(fs.readFileSync(values, 'utf8').split('\n')[386], 'securityContext: {readOnlyRootFilesystem: true}');
    // Rendered again (the fake helm's recording for that values.yaml, test/fixtures/helm-values/SOURCE.md): gone, the rest still there.
    const again = JSON.parse((await run(['check', '.', '--format', 'json', '--fail-on', 'none'], dir)).stdout).findings as JsonFinding[];
    assert.ok(!again.some((f) => f.ruleId === 'k8s-readonly-rootfs'));
    assert.ok(again.some((f) => f.ruleId === 'k8s-run-as-non-root' && f.file === POD_TPL && f.line === 30));
  });

  it('`shipshape fix --fail-on` weighs the rendered findings that remain: less those the diff fixes, or rendered again after --write', async () => {
    const chart = 'helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n';
    // Every medium finding of the chart but k8s-readonly-rootfs remains after fixing only that rule.
    const all = copyOtel(chart);
    const dry = await run(['fix', '.', '--rule', 'k8s-readonly-rootfs', '--all', '--fail-on', 'medium'], all);
    assert.strictEqual(dry.code, 1, 'medium findings of the rendered chart remain');
    assert.strictEqual((await run(['fix', '.', '--rule', 'k8s-readonly-rootfs', '--all', '--fail-on', 'high'], all)).code, 0, 'none at high');
    // With k8s-readonly-rootfs the only medium rule that fires, fixing it clears the threshold.
    const alone = copyOtel(`${chart}rules:\n  k8s-allow-privilege-escalation: off\n  k8s-caps-drop-all: off\n  k8s-run-as-non-root: off\n  k8s-seccomp: off\n`);
    const values = path.join(alone, 'opentelemetry-collector', 'values.yaml');
    const safeOnly = await run(['fix', '.', '--fail-on', 'medium'], alone);
    assert.strictEqual(safeOnly.code, 1, 'its fix is not safe: without --all it is not made, so the finding remains');
    const diff = await run(['fix', '.', '--all', '--fail-on', 'medium'], alone);
    assert.match(diff.stdout, /^\+securityContext: \{readOnlyRootFilesystem: true\}$/m);
    assert.strictEqual(diff.code, 0, `the diff fixes the only medium finding: ${diff.stderr}`);
    assert.strictEqual(diff.calls.length, 1, 'a dry run renders once');
    const write = await run(['fix', '.', '--all', '--write', '--fail-on', 'low'], alone);
    assert.strictEqual(fs.readFileSync(values, 'utf8').split('\n')[386], 'securityContext: {readOnlyRootFilesystem: true}');
    assert.strictEqual(write.calls.length, 2, 'after --write the chart is rendered again from the written values');
    assert.deepStrictEqual(write.calls[1].argv, write.calls[0].argv);
    assert.strictEqual(write.code, 1, 'low findings of the new render remain (k8s-cpu-request, k8s-memory-request)');
    assert.strictEqual((await run(['fix', '.', '--all', '--write', '--fail-on', 'medium'], alone)).code, 0, 'nothing medium in the new render');
  });

  it('rejects --helm-set without KEY=VALUE', async () => {
    const { code, stderr } = await run(['check', 'opentelemetry-collector', '--helm-set', 'novalue'], OTEL);
    assert.strictEqual(code, 2);
    assert.match(stderr, /--helm-set expects KEY=VALUE/);
  });
});

describe('.shipshape.yaml helm: the schema and the parser agree', () => {
  it('accepts the documented helm.charts entry and rejects an unknown option', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv') as { default?: new (o: object) => any } & (new (o: object) => any);
    const ajv = new (Ajv.default ?? Ajv)({ strict: true, allErrors: true });
    ajv.addKeyword('markdownEnumDescriptions');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validate = ajv.compile(require('../../scripts/gen-schema').configSchema());
    const good = { helm: { charts: { 'charts/web': { values: ['values-prod.yaml'], set: { 'image.tag': '1.2.3' }, releaseName: 'web', namespace: 'shop', kubeVersion: '1.30' } } } };
    assert.ok(validate(good), JSON.stringify(validate.errors));
    assert.ok(!validate({ helm: { charts: { web: { valuesFile: 'x.yaml' } } } }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseConfigText } = require('../../src/core') as typeof import('../../src/core');
    const parsed = parseConfigText('helm:\n  charts:\n    charts/web: {values: [values-prod.yaml], set: {image.tag: "1.2.3", replicas: 2}, releaseName: web, namespace: shop, kubeVersion: "1.30"}\n');
    assert.deepStrictEqual(parsed.problems, []);
    assert.deepStrictEqual(parsed.config.helm, { charts: { 'charts/web': { values: ['values-prod.yaml'], set: { 'image.tag': '1.2.3', replicas: '2' }, releaseName: 'web', namespace: 'shop', kubeVersion: '1.30' } } });
  });
});

describe('valuesFixEdits: which rendered findings each values edit fixes', () => {
  const edit = (line: number, newText: string) => ({ range: { start: { line, character: 0 }, end: { line, character: 4 } }, newText });
  const finding = (ruleId: string): Finding => ({ ruleId, severity: 'medium', message: ruleId, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, references: [] });
  const fileFix = (title: string, edits: ReturnType<typeof edit>[], safe = true): FileFix => ({ file: 'values.yaml', fix: { kind: 'quickfix', title, safe, preferred: true, edits } });

  it('a finding whose fix repeats taken edits is fixed by the entry that took them; a clashing or unsafe one by none', () => {
    const a = finding('a'), b = finding('b'), c = finding('c'), d = finding('d');
    const fixes = new Map<Finding, FileFix[]>([
      [a, [fileFix('A', [edit(3, 'x')])]],
      [b, [fileFix('B', [edit(3, 'x')])]], // the same edit as a's
      [c, [fileFix('C', [edit(3, 'y')])]], // the same place, other text: waits for the next run
      [d, [fileFix('D', [edit(9, 'z')], false)]], // not safe
    ]);
    const out = valuesFixEdits(fixes, false);
    assert.deepStrictEqual([...out.keys()], ['values.yaml']);
    const entries = out.get('values.yaml')!;
    assert.deepStrictEqual(entries.map((e) => [e.title, e.findings.map((f) => f.ruleId)]), [['A', ['a', 'b']]]);
    const withUnsafe = valuesFixEdits(fixes, true).get('values.yaml')!;
    assert.deepStrictEqual(withUnsafe.map((e) => [e.title, e.findings.map((f) => f.ruleId)]), [['A', ['a', 'b']], ['D', ['d']]]);
  });
});
