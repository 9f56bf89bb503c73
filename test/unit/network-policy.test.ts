import * as assert from 'assert';
import { analyze, AnalysisRun } from '../../src/core';
import { applyEdits } from '../../src/core/text';
import { checkFolderJson } from './cli-helpers';
import { Range } from '../../src/core/model';
import { yaml } from './kubernetes-helpers';
import { parseKubeModel } from '../../src/core/kubernetes/model';
import { namespaceDefaultDeny } from '../../src/core/kubernetes/rules/networkPolicy';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const NS = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop');
const deploy = (name: string): string => yaml('apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}, namespace: shop}`, 'spec:', '  template:', '    spec:', '      containers: [{name: c, image: "a:1"}]');
function policy(types: string, extra: string[] = []): string {
  return yaml('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: deny, namespace: shop}', 'spec:', '  podSelector: {}', `  policyTypes: ${types}`, ...extra);
}
const denyFindings = (text: string) => analyze(text, 'kubernetes').findings.filter((f) => f.ruleId === 'k8s-namespace-default-deny');

describe('k8s-namespace-default-deny', () => {
  it('reports a Namespace with workloads and no default-deny policy, at its name, with a fix that adds one', () => {
    const text = NS + '---\n' + deploy('api');
    const f = denyFindings(text);
    assert.deepStrictEqual(f.map((x) => x.range), [r(3, 2, 3, 12)]);
    const fix = f[0].fixes![0];
    assert.strictEqual(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.endsWith('kind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n'), fixed);
    assert.deepStrictEqual(denyFindings(fixed), [], 're-checked, the namespace is covered');
  });
  it('keeps CRLF line breaks in the added document', () => {
    const text = (NS + '---\n' + deploy('api')).replace(/\n/g, '\r\n');
    const fixed = applyEdits(text, denyFindings(text)[0].fixes![0].edits);
    assert.ok(!/[^\r]\n/.test(fixed));
    assert.deepStrictEqual(denyFindings(fixed), []);
  });
  it('is satisfied only by policies that select every pod and deny both directions', () => {
    const base = NS + '---\n' + deploy('api') + '---\n';
    assert.deepStrictEqual(denyFindings(base + policy('[Ingress, Egress]')), []);
    assert.strictEqual(denyFindings(base + policy('[Ingress]')).length, 1, 'egress still open');
    assert.deepStrictEqual(denyFindings(base + policy('[Ingress]') + '---\n' + policy('[Egress]')), [], 'one policy per direction counts');
    assert.strictEqual(denyFindings(base + policy('[Ingress, Egress]', ['  ingress: [{}]'])).length, 1, 'an allow-all ingress rule is not a deny');
    const some = base + yaml('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: db, namespace: shop}', 'spec:', '  podSelector: {matchLabels: {app: db}}', '  policyTypes: [Ingress, Egress]');
    assert.strictEqual(denyFindings(some).length, 1, 'a policy for some pods is not a default');
  });
  it('says nothing about a Namespace without workloads, or about workloads of a file checked alone', () => {
    assert.deepStrictEqual(denyFindings(NS), []);
    assert.deepStrictEqual(denyFindings(deploy('api')), []);
  });
  it('builds no report that could not stand where it is analysed', () => {
    const reported = (text: string, stands: (fact: string) => boolean): string[] => {
      const model = parseKubeModel(text)!;
      const out: string[] = [];
      namespaceDefaultDeny.check(model, (rep) => out.push(rep.requires ?? ''), { mayStand: stands });
      return out;
    };
    const text = NS + '---\n' + deploy('api');
    assert.deepStrictEqual(reported(text, () => true), ['workloads:shop', AnalysisRun.CHECKED_TOGETHER]);
    // Alone (the editor): the per-workload report needs a run of several files.
    assert.deepStrictEqual(reported(text, (f) => f === 'workloads:shop'), ['workloads:shop']);
    assert.deepStrictEqual(reported(text, () => false), []);
  });
  it('in a run, reports a namespace without Namespace object once, on the first workload', () => {
    const run = new AnalysisRun();
    const a = analyze(deploy('api'), 'kubernetes', undefined, { run });
    const b = analyze(deploy('web'), 'kubernetes', undefined, { run });
    const hits = [...run.settle(a.findings), ...run.settle(b.findings)].filter((f) => f.ruleId === 'k8s-namespace-default-deny');
    assert.strictEqual(hits.length, 1);
    assert.deepStrictEqual(hits[0].range, r(1, 0, 1, 16));
  });
});

describe('shipshape check: default-deny across the files of a folder', () => {
  const check = async (files: Record<string, string>) => (await checkFolderJson(files)).filter((f) => f.ruleId === 'k8s-namespace-default-deny');
  it('reports on the Namespace file when the workloads are elsewhere, and not once a policy file covers it', async () => {
    assert.deepStrictEqual((await check({ 'namespace.yaml': NS, 'api.yaml': deploy('api') })).map((f) => [f.file, f.line]), [['namespace.yaml', 4]]);
    assert.deepStrictEqual(await check({ 'namespace.yaml': NS, 'api.yaml': deploy('api'), 'netpol.yaml': policy('[Ingress, Egress]') }), []);
  });
});
