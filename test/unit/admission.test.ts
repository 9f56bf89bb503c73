import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze, AnalysisRun } from '../../src/core';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';
import { Range, severityRank } from '../../src/core/model';
import { kubernetesAnalyzer } from '../../src/core/kubernetes';
import { yaml } from './kubernetes-helpers';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

function namespace(name: string, ...labels: string[]): string {
  return yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', ...labels.map((l) => `    ${l}`));
}
/** A Pod in namespace `ns` that runs as root (restricted) and, when asked, privileged (baseline). */
function pod(ns: string | undefined, privileged = false): string {
  return yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', ...(ns ? [`  namespace: ${ns}`] : []), 'spec:', '  containers:', '    - name: app', '      image: app:1.0',
    ...(privileged ? ['      securityContext: {privileged: true}'] : []));
}
const ENFORCE_RESTRICTED = 'pod-security.kubernetes.io/enforce: restricted';
/** A rule's severity as its metadata says (docs/SEVERITY.md decides it). */
const severityOf = (id: string): string => kubernetesAnalyzer.rules.find((x) => x.id === id)!.severity;
const admission = (text: string): Array<{ ruleId: string; severity: string; message: string; range: Range }> =>
  analyze(text, 'kubernetes').findings.filter((f) => f.ruleId.startsWith('k8s-admission-'));

describe('Admission prediction from namespace Pod Security labels', () => {
  it('a Pod that violates its namespace\'s enforced profile: critical, at its kind, naming the controls', () => {
    const text = namespace('shop', ENFORCE_RESTRICTED) + '---\n' + pod('shop');
    const f = admission(text);
    assert.deepStrictEqual(f.map((x) => [x.ruleId, x.severity]), [['k8s-admission-rejected', severityOf('k8s-admission-rejected')]]);
    assert.ok(severityRank(f[0].severity as never) > severityRank(severityOf('k8s-admission-warning') as never), 'a rejection outranks a warning');
    assert.deepStrictEqual(f[0].range, r(8, 0, 8, 9));
    assert.match(f[0].message, /^The API server will reject Pod "web" \(namespace shop enforces restricted\): .*runAsNonRoot/);
    const full = analyze(text, 'kubernetes').findings.find((x) => x.ruleId === 'k8s-admission-rejected')!;
    assert.ok(full.related!.some((x) => x.message.startsWith('PSS-restricted:')), 'each violation is listed with its control');
  });
  it('says that a workload is created but its Pods are rejected', () => {
    const deploy = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: api, namespace: shop}', 'spec:', '  template:', '    spec:', '      containers: [{name: c, image: "a:1"}]');
    const f = admission(namespace('shop', ENFORCE_RESTRICTED) + '---\n' + deploy);
    assert.strictEqual(f.length, 1);
    assert.match(f[0].message, /reject the Pods of Deployment "api" \(namespace shop enforces restricted\): it is created, but none of its Pods is admitted/);
  });
  it('baseline enforces only baseline controls', () => {
    assert.deepStrictEqual(admission(namespace('shop', 'pod-security.kubernetes.io/enforce: baseline') + '---\n' + pod('shop')), []);
    const f = admission(namespace('shop', 'pod-security.kubernetes.io/enforce: baseline') + '---\n' + pod('shop', true));
    assert.strictEqual(f.length, 1);
    assert.match(f[0].message, /enforces baseline\): privileged/);
  });
  it('warn and audit labels give warnings, not rejections', () => {
    const f = admission(namespace('shop', 'pod-security.kubernetes.io/warn: restricted', 'pod-security.kubernetes.io/audit: restricted') + '---\n' + pod('shop'));
    assert.deepStrictEqual(f.map((x) => [x.ruleId, x.severity]), [['k8s-admission-warning', severityOf('k8s-admission-warning')], ['k8s-admission-warning', severityOf('k8s-admission-warning')]]);
    assert.ok(f.some((x) => /kubectl will warn/.test(x.message)) && f.some((x) => /audit log will record/.test(x.message)));
  });
  it('nothing without a label, for another namespace, for privileged, or for a Pod without a namespace', () => {
    assert.deepStrictEqual(admission(pod('shop')), []);
    assert.deepStrictEqual(admission(namespace('other', ENFORCE_RESTRICTED) + '---\n' + pod('shop')), []);
    assert.deepStrictEqual(admission(namespace('shop', 'pod-security.kubernetes.io/enforce: privileged') + '---\n' + pod('shop', true)), []);
    assert.deepStrictEqual(admission(namespace('shop', ENFORCE_RESTRICTED) + '---\n' + pod(undefined)), []);
  });
  it('a hardened Pod in an enforced namespace is admitted', () => {
    const hardened = yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: ok, namespace: shop}', 'spec:', '  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}',
      '  containers:', '    - name: app', '      image: app:1.0', '      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}');
    assert.deepStrictEqual(admission(namespace('shop', ENFORCE_RESTRICTED) + '---\n' + hardened), []);
  });
  it('reads the Namespace of another text of the run', () => {
    const run = new AnalysisRun();
    const podResult = analyze(pod('shop'), 'kubernetes', undefined, { run });
    analyze(namespace('shop', ENFORCE_RESTRICTED), 'kubernetes', undefined, { run });
    assert.deepStrictEqual(run.settle(podResult.findings).filter((f) => f.ruleId === 'k8s-admission-rejected').length, 1);
    const alone = new AnalysisRun();
    const lonely = analyze(pod('shop'), 'kubernetes', undefined, { run: alone });
    assert.deepStrictEqual(alone.settle(lonely.findings).filter((f) => f.ruleId.startsWith('k8s-admission-')), []);
  });
  it('can be turned off like any rule', () => {
    const text = namespace('shop', ENFORCE_RESTRICTED) + '---\n' + pod('shop');
    const config = { ...require('../../src/core/config').DEFAULT_CONFIG, rules: { 'k8s-admission-rejected': 'off' } };
    assert.deepStrictEqual(analyze(text, 'kubernetes', config).findings.filter((f) => f.ruleId.startsWith('k8s-admission-')), []);
  });
});

describe('shipshape check: admission across the files of a folder', () => {
  it('reports the workload of one file against the Namespace of another', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-admission-'));
    fs.writeFileSync(path.join(dir, 'namespace.yaml'), namespace('shop', ENFORCE_RESTRICTED));
    fs.writeFileSync(path.join(dir, 'pod.yaml'), pod('shop'));
    let stdout = '';
    const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: () => undefined, isTTY: false, env: {}, cwd: dir };
    const code = await main(['check', '.', '--format', 'json', '--fail-on', severityOf('k8s-admission-rejected')], io);
    const hits = JSON.parse(stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'k8s-admission-rejected');
    assert.deepStrictEqual(hits.map((f: { file: string; line: number }) => [f.file, f.line]), [['pod.yaml', 2]]);
    assert.strictEqual(code, 1, 'a predicted rejection fails the run at its severity');
  });
});
