/**
 * The values fix (core/render/valuesFix.ts through mapHelmFindings): a rendered fix carried to the
 * values file that renders the node (toYaml of a values mapping, or a `{{ .Values.x }}` scalar),
 * as a minimal layout-preserving edit; refused where it cannot be made safely. And suppression
 * comments read in the template a finding is mapped to (core/render/suppress.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, Finding } from '../../src/core';
import { dropSuppressed, mapHelmFindings, MappedFinding, neutraliseDirectives, valuesEdits } from '../../src/core/render';
import { applyEdits } from '../../src/core/text';
import { readChartFiles } from '../../src/node/render';

const HELM = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'helm');
const rel = (abs: string) => path.relative(HELM, abs).split(path.sep).join('/');

async function mapped(chart: string, output: string, values: string[], setKeys?: string[]): Promise<MappedFinding[]> {
  const rendered = fs.readFileSync(path.join(HELM, output), 'utf8');
  const files = await readChartFiles(path.join(HELM, chart), rel);
  const userValues = values.map((v) => ({ path: v, text: fs.readFileSync(path.join(HELM, v), 'utf8') }));
  return mapHelmFindings({ rendered, findings: analyze(rendered, 'kubernetes').findings, files, chartFile: `${chart}/Chart.yaml`, userValues, setKeys });
}

const OTEL_VALUES = 'otel/opentelemetry-collector/values.yaml';

describe('Helm: fixes made in the values file', () => {
  it('adds readOnlyRootFilesystem: true under the values key `toYaml .Values.securityContext` renders (flow {} kept flow)', async () => {
    const list = await mapped('otel/opentelemetry-collector', 'otel/examples/deployment-only/helm-template.out', ['otel/examples/deployment-only/values.yaml']);
    const ro = list.find((m) => m.finding.ruleId === 'k8s-readonly-rootfs')!;
    assert.strictEqual(ro.finding.fixes, undefined, 'no template edit: the template writes no such key');
    const ff = ro.fileFixes!.find((x) => x.fix.title.startsWith('Set readOnlyRootFilesystem'))!;
    assert.strictEqual(ff.file, OTEL_VALUES);
    assert.strictEqual(ff.fix.title, 'Set readOnlyRootFilesystem: true (may break apps that write to disk) in values.yaml');
    assert.strictEqual(ff.fix.safe, false, 'the rendered fix is not safe, nor is a key the template also tests in `if`');
    const before = fs.readFileSync(path.join(HELM, OTEL_VALUES), 'utf8');
    const after = applyEdits(before, ff.fix.edits);
    assert.strictEqual(after.split('\n')[386], 'securityContext: {readOnlyRootFilesystem: true}');
    assert.strictEqual(after.split('\n').length, before.split('\n').length);
    // The pod-level seccomp fix goes to the key the pod's securityContext renders.
    const sec = list.find((m) => m.finding.ruleId === 'k8s-seccomp')!;
    const sff = sec.fileFixes!.find((x) => x.fix.title.startsWith('Set seccompProfile'))!;
    assert.strictEqual(applyEdits(before, sff.fix.edits).split('\n')[385], 'podSecurityContext: {seccompProfile: {type: RuntimeDefault}}');
  });

  it('replaces a `{{ .Values.x }}` scalar in the values file (allowPrivilegeEscalation: true → false)', async () => {
    const list = await mapped('ingress-nginx/ingress-nginx', 'ingress-nginx/baremetal.out', ['ingress-nginx/baremetal.yaml']);
    const ape = list.find((m) => m.finding.ruleId === 'k8s-allow-privilege-escalation')!;
    const ff = ape.fileFixes!.find((x) => x.fix.title.startsWith('Set allowPrivilegeEscalation: false'))!;
    assert.strictEqual(ff.file, 'ingress-nginx/ingress-nginx/values.yaml');
    assert.deepStrictEqual(ff.fix.edits, [{ range: { start: { line: 22, character: 30 }, end: { line: 22, character: 34 } }, newText: 'false' }]);
    const text = fs.readFileSync(path.join(HELM, ff.file), 'utf8');
    assert.strictEqual(applyEdits(text, ff.fix.edits).split('\n')[22], '    allowPrivilegeEscalation: false');
  });

  it('offers no values fix where a --set would override the key', async () => {
    const list = await mapped('otel/opentelemetry-collector', 'otel/examples/deployment-only/helm-template.out', ['otel/examples/deployment-only/values.yaml'], ['securityContext.runAsUser']);
    const ro = list.find((m) => m.finding.ruleId === 'k8s-readonly-rootfs')!;
    assert.ok(!ro.fileFixes?.some((x) => x.file === OTEL_VALUES && x.fix.edits.some((e) => e.range.start.line === 386)));
  });

  it('valuesEdits: block mappings, an empty key, missing keys created; anchors and scalars where a mapping is needed refused', () => {
    const block = 'a: 1\nsecurityContext:\n  runAsUser: 1000 # uid\n';
    assert.strictEqual(applyEdits(block, valuesEdits(block, [{ key: 'securityContext' }], { patch: { readOnlyRootFilesystem: 'true' } })!),
      'a: 1\nsecurityContext:\n  runAsUser: 1000 # uid\n  readOnlyRootFilesystem: true\n');
    const empty = 'securityContext:\nb: 2\n';
    assert.strictEqual(applyEdits(empty, valuesEdits(empty, [{ key: 'securityContext' }], { patch: { runAsNonRoot: 'true' } })!), 'securityContext:\n  runAsNonRoot: true\nb: 2\n');
    const deep = 'controller:\n  image: x\n';
    assert.strictEqual(applyEdits(deep, valuesEdits(deep, [{ key: 'controller' }, { key: 'securityContext' }], { patch: { privileged: 'false' } })!),
      'controller:\n  image: x\n  securityContext:\n    privileged: false\n');
    assert.strictEqual(valuesEdits('base: &b {x: 1}\nsecurityContext: *b\n', [{ key: 'securityContext' }], { patch: { y: '2' } }), undefined);
    assert.strictEqual(valuesEdits('securityContext: off\n', [{ key: 'securityContext' }], { patch: { y: '2' } }), undefined);
    assert.strictEqual(valuesEdits('a: [\n', [{ key: 'a' }], { patch: { y: '2' } }), undefined);
  });
});

describe('Helm: suppression comments in the template', () => {
  const finding = (line: number, ruleId = 'k8s-privileged'): MappedFinding => ({ file: 't.yaml', finding: { ruleId, severity: 'high', message: 'm', references: ['KSV-0017'], range: { start: { line, character: 4 }, end: { line, character: 14 } } } as Finding });

  it('honours `# shipshape-ignore` on the line before, trailing, by public id and file-wide; not a `#` inside a template action or a string', () => {
    const text = [
      'spec:', // 0
      '  # shipshape-ignore k8s-privileged', // 1
      '    privileged: {{ .Values.p }}', // 2
      '    other: {{ "# shipshape-ignore k8s-privileged" }}', // 3
      '    x: 1', // 4
      '    y: "# shipshape-ignore k8s-privileged"', // 5
      '    z: 2', // 6
      '    w: 3 # shipshape-ignore KSV017', // 7
    ].join('\n');
    const kept = dropSuppressed([2, 4, 6, 7].map((l) => finding(l)), () => text).map((m) => m.finding.range.start.line);
    assert.deepStrictEqual(kept, [4, 6]);
    const fileWide = `# shipshape-ignore-file k8s-privileged\n${text}`;
    assert.deepStrictEqual(dropSuppressed([finding(5), finding(5, 'k8s-run-as-non-root')], () => fileWide).map((m) => m.finding.ruleId), ['k8s-run-as-non-root']);
  });

  it('a directive rendered into the output is inert there (a file-wide one in one template never silences the others)', () => {
    const rendered = '# shipshape-ignore-file k8s-privileged\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]\n';
    const out = neutraliseDirectives(rendered);
    assert.strictEqual(out.length, rendered.length);
    assert.ok(analyze(out, 'kubernetes').findings.some((f) => f.ruleId === 'k8s-privileged'));
    assert.ok(!analyze(rendered, 'kubernetes').findings.some((f) => f.ruleId === 'k8s-privileged'));
  });
});
