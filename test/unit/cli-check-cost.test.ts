/**
 * What `shipshape check` saves without changing what it reports (issue #11, the CLI's own cost):
 * only safe fixes are built for it (AnalyzeOptions.fixes 'safe'), and the Kubernetes model lists
 * its containers once for the rules.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze, AnalysisRun, Finding } from '../../src/core';
import { admissionFact } from '../../src/core/kubernetes/rules/admission';
import { mayHavePodSecurityLabel, POD_SECURITY_FACT } from '../../src/cli/commands/check';
import { applyEdits } from '../../src/core/text';
import { parseKubeModel } from '../../src/core/kubernetes/model';
import { main } from '../../src/cli/main';
import { checkFolderJson } from './cli-helpers';
import { CliIO } from '../../src/cli/io';

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: mixed
spec:
  securityContext:
    runAsNonRoot: false
  initContainers:
    - name: init
      image: busybox:1.36
  containers:
    - name: app
      image: registry.example.com/app:1.0
      securityContext:
        capabilities:
          drop: [all]
    - name: priv
      image: registry.example.com/priv:1.0
      securityContext:
        privileged: true
        runAsUser: 0
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            allowPrivilegeEscalation: true
`;

/** What `--format json` prints as `fixable`: a safe fix that is not an editor snippet. */
function fixable(f: Finding): boolean {
  return (f.fixes ?? []).some((x) => x.safe && !x.snippet && x.edits.length > 0);
}

function shape(f: Finding): string {
  return `${f.ruleId} ${f.severity} ${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.message} [${f.references.join(',')}]`;
}

describe('shipshape check: safe fixes only', () => {
  const all = analyze(MANIFEST, 'kubernetes').findings;
  const safeOnly = analyze(MANIFEST, 'kubernetes', undefined, { fixes: 'safe' }).findings;

  it('reports the same findings, in the same order', () => {
    assert.ok(all.length >= 10, `expected a varied manifest, got ${all.length} findings`);
    assert.deepStrictEqual(safeOnly.map(shape), all.map(shape));
  });

  it('keeps every safe fix and the fixable flag of every finding', () => {
    assert.deepStrictEqual(safeOnly.map(fixable), all.map(fixable));
    assert.ok(all.some(fixable), 'some finding has a safe fix');
    assert.ok(all.some((f) => !fixable(f)), 'some finding has none');
    for (let i = 0; i < all.length; i++) {
      const titles = (f: Finding) => (f.fixes ?? []).filter((x) => x.safe).map((x) => `${x.title} ${JSON.stringify(x.edits)}`);
      assert.deepStrictEqual(titles(safeOnly[i]), titles(all[i]), all[i].ruleId);
    }
  });

  it('builds no unsafe fix (the full analysis has them)', () => {
    assert.ok(all.some((f) => (f.fixes ?? []).some((x) => !x.safe)), 'the editor gets unsafe fixes');
    for (const f of safeOnly) for (const x of f.fixes ?? []) assert.strictEqual(x.safe, true, `${f.ruleId}: ${x.title}`);
  });

  it('gives the same text when a safe fix is applied', () => {
    const drop = (fs: Finding[]) => fs.find((f) => f.ruleId === 'k8s-caps-drop-all' && f.range.start.line === 15)!;
    const fixOf = (f: Finding) => f.fixes!.find((x) => x.safe)!;
    assert.strictEqual(fixOf(drop(safeOnly)).title, 'Write "ALL" in upper case');
    const fixed = applyEdits(MANIFEST, fixOf(drop(safeOnly)).edits);
    assert.strictEqual(fixed, applyEdits(MANIFEST, fixOf(drop(all)).edits));
    assert.ok(fixed.includes('drop: ["ALL"]') || fixed.includes('drop: [ALL]'), fixed);
    assert.ok(!analyze(fixed, 'kubernetes').findings.some((f) => f.ruleId === 'k8s-caps-drop-all' && f.range.start.line === 15));
  });

  it('prints the fixable flag of each finding as before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cost-'));
    try {
      fs.writeFileSync(path.join(dir, 'pod.yaml'), MANIFEST);
      let stdout = '';
      const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: () => undefined, isTTY: false, env: {}, cwd: dir };
      await main(['check', '--format', 'json', '--fail-on', 'none', '--no-render', 'pod.yaml'], io);
      const printed = (JSON.parse(stdout) as { findings: Array<{ ruleId: string; line: number; column: number; fixable: boolean }> }).findings;
      const expected = all.map((f) => ({ ruleId: f.ruleId, line: f.range.start.line + 1, column: f.range.start.character + 1, fixable: fixable(f) }));
      assert.deepStrictEqual(printed.map((p) => ({ ruleId: p.ruleId, line: p.line, column: p.column, fixable: p.fixable })), expected);
      // Exact flags where the rule decides: a lower-case `all` is repaired safely, a missing
      // readOnlyRootFilesystem only unsafely, an explicit allowPrivilegeEscalation: true safely.
      const flag = (ruleId: string, line: number) => printed.find((p) => p.ruleId === ruleId && p.line === line)?.fixable;
      assert.strictEqual(flag('k8s-caps-drop-all', 16), true);
      assert.strictEqual(flag('k8s-readonly-rootfs', 14), false);
      assert.strictEqual(flag('k8s-allow-privilege-escalation', 37), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Kubernetes model: container lists', () => {
  it('lists every container once, in order, and the running ones apart', () => {
    const model = parseKubeModel(MANIFEST)!;
    const label = (c: { listKind: string; name?: string }) => `${c.listKind}:${c.name}`;
    assert.deepStrictEqual(model.containers.map(label), [
      'containers:app', 'containers:priv', 'initContainers:init', 'ephemeralContainers:debug', 'containers:web',
    ]);
    assert.deepStrictEqual(model.runContainers.map(label), ['containers:app', 'containers:priv', 'initContainers:init', 'containers:web']);
    assert.deepStrictEqual(model.containers, model.pods.flatMap((p) => p.containers));
  });
});

describe('shipshape check: admission predictions only where a label can be', () => {
  const ns = (key: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    ${key}: restricted\n`;
  const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n';

  const check = checkFolderJson;
  const rejected = (fs: Array<{ file: string; ruleId: string; line: number }>) => fs.filter((f) => f.ruleId === 'k8s-admission-rejected').map((f) => `${f.file}:${f.line}`);

  it('predicts from a Namespace in a later file, its label key spelled with escapes', async () => {
    // "\x70od-security…" is pod-security.kubernetes.io/enforce to YAML, with no "pod-security" in the text.
    assert.deepStrictEqual(rejected(await check({ 'a-pod.yaml': POD, 'z-ns.yaml': ns('"\\x70od-security.kubernetes.io/enforce"') })), ['a-pod.yaml:2']);
    assert.deepStrictEqual(rejected(await check({ 'a-pod.yaml': POD, 'z-ns.yaml': ns('pod-security.kubernetes.io/enforce') })), ['a-pod.yaml:2']);
  });

  it('predicts nothing, and reports the rest as before, when no file has a label', async () => {
    const found = await check({ 'a-pod.yaml': POD, 'z-ns.yaml': ns('team') });
    assert.deepStrictEqual(rejected(found), []);
    assert.ok(found.some((f) => f.file === 'a-pod.yaml' && f.ruleId === 'k8s-allow-privilege-escalation'));
  });

  it('the test for a label: its name, or a backslash that may escape it', () => {
    assert.strictEqual(mayHavePodSecurityLabel('labels:\n  pod-security.kubernetes.io/warn: baseline\n'), true);
    assert.strictEqual(mayHavePodSecurityLabel('labels: {"\\u0070od-security.kubernetes.io/warn": baseline}'), true);
    assert.strictEqual(mayHavePodSecurityLabel('labels:\n  team: shop\n'), false);
    assert.ok(admissionFact('enforce', 'shop', 'restricted').startsWith(POD_SECURITY_FACT));
  });
});

describe('AnalysisRun.ruleOut', () => {
  const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n';
  const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n';
  const derivedOf = (findings: Finding[]) => findings.filter((f) => f.ruleId.startsWith('k8s-admission-')).length;

  it('builds no finding that needs a ruled-out fact', () => {
    const open = new AnalysisRun();
    assert.ok(derivedOf(analyze(POD, 'kubernetes', undefined, { run: open }).findings) > 0, 'held until the run settles');
    const ruled = new AnalysisRun();
    ruled.ruleOut('pss:');
    assert.strictEqual(derivedOf(analyze(POD, 'kubernetes', undefined, { run: ruled }).findings), 0);
  });

  it('keeps what a fact already stated in the run supports', () => {
    const run = new AnalysisRun();
    analyze(NS, 'kubernetes', undefined, { run });
    run.ruleOut('pss:');
    const findings = analyze(POD, 'kubernetes', undefined, { run }).findings;
    assert.deepStrictEqual(run.settle(findings).filter((f) => f.ruleId === 'k8s-admission-rejected').map((f) => f.range.start.line), [1]);
  });
});
