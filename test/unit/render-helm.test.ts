/**
 * Findings on real `helm template` output (test/fixtures/helm, see SOURCE.md there) mapped back
 * to the template line that writes them: a key written directly, through `include` of a define
 * in a helper file, from `toYaml .Values…` (with the values location attached), a `range` loop,
 * a subchart, a missing setting (the nearest key the template writes), a fix carried over.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, Finding } from '../../src/core';
import { mapHelmFindings, MappedFinding, maskTemplate } from '../../src/core/render';
import { readChartFiles } from '../../src/node/render';

const HELM = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'helm');
const rel = (abs: string) => path.relative(HELM, abs).split(path.sep).join('/');

async function mapped(chart: string, output: string, values: string[] = [], findings?: (rendered: string) => Finding[]): Promise<MappedFinding[]> {
  const rendered = fs.readFileSync(path.join(HELM, output), 'utf8');
  const files = await readChartFiles(path.join(HELM, chart), rel);
  const userValues = values.map((v) => ({ path: v, text: fs.readFileSync(path.join(HELM, v), 'utf8') }));
  const list = findings ? findings(rendered) : analyze(rendered, 'kubernetes').findings;
  return mapHelmFindings({ rendered, findings: list, files, chartFile: `${chart}/Chart.yaml`, userValues });
}

function lineOf(file: string, line: number): string {
  return fs.readFileSync(path.join(HELM, file), 'utf8').split('\n')[line];
}

function one(list: MappedFinding[], ruleId: string, file?: string): MappedFinding {
  const hits = list.filter((m) => m.finding.ruleId === ruleId && (!file || m.file === file));
  assert.strictEqual(hits.length, 1, `${ruleId}: ${JSON.stringify(list.map((m) => [m.file, m.finding.ruleId, m.finding.range.start]))}`);
  return hits[0];
}

/** A finding of our own at a rendered line/column, for mappings no rule of ours fires on. */
function at(rendered: string, needle: string, nth = 0): Finding[] {
  const lines = rendered.split('\n');
  const hits = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes(needle));
  const [l, i] = hits[nth];
  const c = l.indexOf(needle);
  return [{ ruleId: 'probe', severity: 'low', message: 'probe', references: [], range: { start: { line: i, character: c }, end: { line: i, character: c + needle.length } } }];
}

const POD_TPL = 'otel/opentelemetry-collector/templates/_pod.tpl';

describe('Helm: findings mapped to templates', () => {
  it('follows include into a helper define and attaches the chart values.yaml key a toYaml renders (missing setting)', async () => {
    const list = await mapped('otel/opentelemetry-collector', 'otel/examples/deployment-only/helm-template.out', ['otel/examples/deployment-only/values.yaml']);
    // deployment.yaml writes spec.template.spec and includes "opentelemetry-collector.pod" from _pod.tpl.
    const ro = one(list, 'k8s-readonly-rootfs');
    assert.strictEqual(ro.file, POD_TPL);
    assert.deepStrictEqual(ro.finding.range, { start: { line: 29, character: 4 }, end: { line: 29, character: 19 } });
    assert.strictEqual(lineOf(POD_TPL, 29), '    securityContext:');
    // `{{- toYaml .Values.securityContext | nindent 6 }}`: the example does not set it, the chart's values.yaml does.
    assert.strictEqual(ro.finding.related?.length, 1);
    const r = ro.finding.related![0];
    assert.strictEqual(r.file, 'otel/opentelemetry-collector/values.yaml');
    assert.deepStrictEqual(r.range, { start: { line: 386, character: 0 }, end: { line: 386, character: 15 } });
    assert.strictEqual(lineOf(r.file!, 386), 'securityContext: {}');
    assert.match(r.message, /\.Values\.securityContext/);
  });

  it('relates a value set in the user\'s values file to that file, not the chart\'s (with + toYaml .)', async () => {
    const list = await mapped('otel/opentelemetry-collector', 'otel/examples/deployment-only/helm-template.out', ['otel/examples/deployment-only/values.yaml']);
    const res = list.filter((m) => m.file === POD_TPL && m.finding.range.start.line === 187);
    assert.ok(res.length > 0, JSON.stringify(list.map((m) => [m.finding.ruleId, m.finding.range.start])));
    assert.strictEqual(lineOf(POD_TPL, 187), '    resources:');
    for (const m of res) {
      assert.strictEqual(m.finding.related?.[0].file, 'otel/examples/deployment-only/values.yaml');
      assert.strictEqual(m.finding.related?.[0].range.start.line, 10);
      assert.strictEqual(lineOf('otel/examples/deployment-only/values.yaml', 10), 'resources:');
    }
    // Without the user's file, the chart's own `resources: {}` is the related location.
    const chartOnly = await mapped('otel/opentelemetry-collector', 'otel/examples/deployment-only/helm-template.out');
    const c = chartOnly.find((m) => m.file === POD_TPL && m.finding.range.start.line === 187)!;
    assert.strictEqual(c.finding.related?.[0].file, 'otel/opentelemetry-collector/values.yaml');
  });

  it('puts a missing setting of a container on its `- name:` line, once per template location', async () => {
    const list = await mapped('ingress-nginx/ingress-nginx', 'ingress-nginx/baremetal.out', ['ingress-nginx/baremetal.yaml']);
    const job = 'ingress-nginx/ingress-nginx/templates/admission-webhooks/job-patch/job-createSecret.yaml';
    const esc = list.filter((m) => m.file === job && m.finding.ruleId === 'k8s-readonly-rootfs');
    assert.strictEqual(esc.length, 1);
    assert.strictEqual(lineOf(job, esc[0].finding.range.start.line).trim(), 'securityContext:');
    // Several rules on one node: each once.
    const keys = list.map((m) => `${m.finding.ruleId} ${m.file} ${m.finding.range.start.line}:${m.finding.range.start.character}`);
    assert.strictEqual(new Set(keys).size, keys.length);
  });

  it('follows include into _helpers.tpl and relates a `{{ .Values.x }}` scalar to its values key (direct value)', async () => {
    const list = await mapped('ingress-nginx/ingress-nginx', 'ingress-nginx/baremetal.out', ['ingress-nginx/baremetal.yaml']);
    const helpers = 'ingress-nginx/ingress-nginx/templates/_helpers.tpl';
    const ape = one(list, 'k8s-allow-privilege-escalation', helpers);
    assert.deepStrictEqual(ape.finding.range.start, { line: 46, character: 0 });
    assert.match(lineOf(helpers, 46), /^allowPrivilegeEscalation: \{\{ \.Values\.controller\.image\.allowPrivilegeEscalation \}\}/);
    const r = ape.finding.related![0];
    assert.strictEqual(r.file, 'ingress-nginx/ingress-nginx/values.yaml');
    assert.match(lineOf(r.file!, r.range.start.line), /^\s+allowPrivilegeEscalation: true/);
    // A document no template wrote (the Namespace the generator prepended) goes to Chart.yaml.
    assert.ok(list.some((m) => m.file === 'ingress-nginx/ingress-nginx/Chart.yaml' && /not found in the chart's files/.test(m.finding.message)));
  });

  it('maps an item of a `range` loop to the loop\'s item, and a literal item to itself', async () => {
    const out = 'ingress-nginx/baremetal.out';
    const deploy = 'ingress-nginx/ingress-nginx/templates/controller-deployment.yaml';
    // No rule fires on a port: probe findings on rendered `containerPort: 443` (from the range) and 8443 (the literal webhook item).
    const fromRange = (await mapped('ingress-nginx/ingress-nginx', out, [], (r) => at(r, 'containerPort: 443')))[0];
    assert.strictEqual(fromRange.file, deploy);
    assert.deepStrictEqual(fromRange.finding.range, { start: { line: 110, character: 14 }, end: { line: 110, character: 27 } });
    assert.strictEqual(lineOf(deploy, 110).trim(), 'containerPort: {{ $value }}');
    const literal = (await mapped('ingress-nginx/ingress-nginx', out, [], (r) => at(r, 'containerPort: 8443')))[0];
    assert.strictEqual(literal.finding.range.start.line, 123);
    assert.strictEqual(lineOf(deploy, 122).trim(), '- name: webhook');
  });

  it('maps a subchart document to the subchart folder (chart name subcharta, folder subchartA) and a CRD to crds/', async () => {
    const out = 'testcharts/output/template-with-crds.txt';
    const sub = (await mapped('testcharts/subchart', out, [], (r) => at(r, 'type: ClusterIP', 0)))[0];
    assert.strictEqual(sub.file, 'testcharts/subchart/charts/subchartA/templates/service.yaml');
    assert.strictEqual(lineOf(sub.file, sub.finding.range.start.line).trim(), 'type: {{ .Values.service.type }}');
    assert.deepStrictEqual(sub.finding.range.start, { line: 7, character: 2 });
    const crd = (await mapped('testcharts/subchart', out, [], (r) => at(r, 'kind: CustomResourceDefinition')))[0];
    assert.strictEqual(crd.file, 'testcharts/subchart/crds/crdA.yaml');
  });

  it('maps a hook test Pod (printed after the manifests) and carries no rendered-only position', async () => {
    const list = await mapped('testcharts/subchart', 'testcharts/output/template-with-crds.txt');
    const t = 'testcharts/subchart/templates/tests/test-nothing.yaml';
    const sa = one(list, 'k8s-sa-token-automount', t);
    assert.deepStrictEqual(sa.finding.range.start, { line: 6, character: 0 });
    assert.strictEqual(lineOf(t, 6), 'spec:');
    const ro = one(list, 'k8s-readonly-rootfs', t);
    assert.strictEqual(lineOf(t, ro.finding.range.start.line).trim(), '- name: test');
    assert.ok(list.every((m) => !m.file.endsWith('.txt')));
  });

  it('attaches the values of `{{ toYaml .Values.resources | indent 12 }}` written at column 0', async () => {
    const list = await mapped('testcharts/chart-with-template-lib-dep', 'testcharts/output/template-chart-with-template-lib-dep.txt');
    const d = 'testcharts/chart-with-template-lib-dep/templates/deployment.yaml';
    const res = list.filter((m) => m.file === d && lineOf(d, m.finding.range.start.line).trim() === 'resources:');
    assert.ok(res.length > 0);
    for (const m of res) assert.strictEqual(m.finding.related?.[0].file, 'testcharts/chart-with-template-lib-dep/values.yaml');
  });

  it('carries a fix whose edit lies in a scalar the template writes verbatim, and drops one it cannot place', async () => {
    const t = 'testcharts/subchart/templates/tests/test-nothing.yaml';
    const list = await mapped('testcharts/subchart', 'testcharts/output/template-with-crds.txt', [], (rendered) => {
      const [probe] = at(rendered, '"alpine:latest"');
      const r = probe.range;
      const fix = { title: 'pin', kind: 'quickfix' as const, safe: true, edits: [{ range: { start: { line: r.start.line, character: r.start.character + 8 }, end: { line: r.start.line, character: r.start.character + 14 } }, newText: '3.20' }] };
      const away = { title: 'elsewhere', kind: 'quickfix' as const, safe: true, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'x' }] };
      return [{ ...probe, fixes: [fix, away] }];
    });
    const fixes = list[0].finding.fixes!;
    assert.deepStrictEqual(fixes.map((f) => f.title), ['pin']);
    const text = fs.readFileSync(path.join(HELM, t), 'utf8');
    const lines = text.split('\n');
    const e = fixes[0].edits[0];
    lines[e.range.start.line] = lines[e.range.start.line].slice(0, e.range.start.character) + e.newText + lines[e.range.start.line].slice(e.range.end.character);
    assert.strictEqual(lines[9], '      image: "alpine:3.20"');
    // The edited template, rendered as helm would (no action on that line), is clean of the tag.
    assert.doesNotMatch(lines.join('\n'), /alpine:latest/);
  });

  it('masks template actions with same-length spaces, keeping line breaks', () => {
    const m = maskTemplate('a: {{ .Values.x }}\n{{- /* c }} */ -}}\nb: 1\n');
    assert.strictEqual(m.masked, `a: ${' '.repeat('{{ .Values.x }}'.length)}\n${' '.repeat('{{- /* c }} */ -}}'.length)}\nb: 1\n`);
    assert.deepStrictEqual(m.actions.map((a) => a.body), ['.Values.x', '/* c }} */']);
  });

  it('stays fast and quiet on hostile charts: self-including defines, unclosed actions, thousands of keys', () => {
    const loop = `{{- define "x" -}}\n${'{{ include "x" . }}\n'.repeat(10)}{{- end -}}\n`;
    const keys = Array.from({ length: 3000 }, (_, i) => `    k${i}: {{ .Values.v${i} }}`).join('\n');
    const template = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {{ include "x" . | nindent 2 }}\n${keys}\n  broken: {{ unclosed\n`;
    const files = new Map([
      ['c/templates/_h.tpl', { path: 'c/templates/_h.tpl', text: loop }],
      ['c/templates/cm.yaml', { path: 'c/templates/cm.yaml', text: template }],
      ['c/values.yaml', { path: 'c/values.yaml', text: 'v1: a\n' }],
    ]);
    const rendered = `---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  deep:\n    deeper:\n      deepest: 1\n`;
    const findings: Finding[] = Array.from({ length: 200 }, () => at(rendered, 'deepest')[0]);
    const started = Date.now();
    const out = mapHelmFindings({ rendered, findings, files, chartFile: 'c/Chart.yaml' });
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    // Not written by the template: the nearest key it writes (`data:`), once.
    assert.deepStrictEqual(out.map((m) => [m.file, m.finding.range.start]), [['c/templates/cm.yaml', { line: 4, character: 0 }]]);
  });
});
