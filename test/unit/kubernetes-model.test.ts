import * as assert from 'assert';
import { analyze } from '../../src/core';
import { parseKubeModel, pairRange } from '../../src/core/kubernetes/model';
import { findings, fixture, pod, yaml } from './kubernetes-helpers';

describe('Kubernetes model', () => {
  it('finds the pod spec of every workload kind', () => {
    const template = (kind: string, api: string): string => yaml(
      '---', `apiVersion: ${api}`, `kind: ${kind}`, 'metadata: {name: x}', 'spec:', '  template:', '    spec:', '      containers: [{name: c, image: "a:1"}]');
    const text = [
      template('Deployment', 'apps/v1'), template('StatefulSet', 'apps/v1'), template('DaemonSet', 'apps/v1'),
      template('ReplicaSet', 'apps/v1'), template('ReplicationController', 'v1'), template('Job', 'batch/v1'),
      template('DeploymentConfig', 'apps.openshift.io/v1'),
      yaml('---', 'apiVersion: v1', 'kind: PodTemplate', 'metadata: {name: t}', 'template:', '  spec:', '    containers: [{name: c, image: "a:1"}]'),
      yaml('---', 'apiVersion: batch/v1', 'kind: CronJob', 'metadata: {name: cj}', 'spec:', '  jobTemplate:', '    spec:', '      template:', '        spec:', '          containers: [{name: c, image: "a:1"}]'),
      yaml('---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers: [{name: c, image: "a:1"}]'),
      yaml('---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: s}', 'spec:', '  ports: [{port: 80}]'),
    ].join('');
    const model = parseKubeModel(text)!;
    assert.deepStrictEqual(model.pods.map((p) => p.object.kind), [
      'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'DeploymentConfig', 'PodTemplate', 'CronJob', 'Pod',
    ]);
    assert.strictEqual(model.objects.length, 11);
    assert.ok(model.pods.every((p) => p.containers.length === 1 && p.containers[0].name === 'c'));
  });

  it('collects containers, init containers and ephemeral containers with their list kind', () => {
    const model = parseKubeModel(pod('  initContainers: [{name: i, image: "a:1"}]', '  containers: [{name: c, image: "a:1"}]', '  ephemeralContainers: [{name: e, image: "a:1"}]'))!;
    assert.deepStrictEqual(model.pods[0].containers.map((c) => `${c.listKind}:${c.name}`), ['containers:c', 'initContainers:i', 'ephemeralContainers:e']);
  });

  it('resolves the effective securityContext: container overrides pod, and remembers where each value came from', () => {
    const model = parseKubeModel(pod(
      '  securityContext:',
      '    runAsNonRoot: true',
      '    runAsUser: 1000',
      '    seccompProfile: {type: RuntimeDefault}',
      '  containers:',
      '    - name: inherits',
      '      image: a:1',
      '    - name: overrides',
      '      image: a:1',
      '      securityContext:',
      '        runAsUser: 2000',
      '        runAsNonRoot: false',
    ))!;
    const [inherits, overrides] = model.pods[0].containers;
    assert.strictEqual(inherits.effective.runAsNonRoot!.from, 'pod');
    assert.strictEqual((inherits.effective.runAsUser!.pair.value as { value: number }).value, 1000);
    assert.strictEqual(overrides.effective.runAsUser!.from, 'container');
    assert.strictEqual((overrides.effective.runAsUser!.pair.value as { value: number }).value, 2000);
    assert.strictEqual(overrides.effective.seccompProfile!.from, 'pod');
    assert.deepStrictEqual(pairRange(model, overrides.effective.runAsNonRoot!.pair), { start: { line: 16, character: 8 }, end: { line: 16, character: 27 } });
  });

  it('does not inherit container-only fields from the pod', () => {
    const model = parseKubeModel(pod('  securityContext:', '    fsGroup: 1', '  containers: [{name: c, image: "a:1"}]'))!;
    assert.deepStrictEqual(Object.keys(model.pods[0].containers[0].effective), []);
  });

  it('reads the items of kind List (and *List)', () => {
    const model = parseKubeModel(fixture('multi-doc.yaml'))!;
    assert.deepStrictEqual(model.objects.map((o) => o.kind), ['Namespace', 'List', 'Pod', 'Secret']);
    assert.strictEqual(model.pods.length, 1);
    const podList = yaml('apiVersion: v1', 'kind: PodList', 'items:', '  - apiVersion: v1', '    kind: Pod', '    metadata: {name: a}', '    spec: {containers: [{name: c, image: "a:1"}]}');
    assert.strictEqual(parseKubeModel(podList)!.pods.length, 1);
  });

  it('marks Windows pods', () => {
    assert.strictEqual(parseKubeModel(pod('  os: {name: windows}', '  containers: [{name: c, image: "a:1"}]'))!.pods[0].windows, true);
  });

  it('leaves files that are not Kubernetes alone: GitHub workflow, compose file, arbitrary YAML, empty', () => {
    for (const text of [fixture('github-workflow.yaml'), fixture('docker-compose.yaml'), yaml('a: 1', 'b: [1, 2]'), '', '# only a comment\n', yaml('- apiVersion: v1', '  kind: Pod')]) {
      assert.strictEqual(parseKubeModel(text), undefined, text);
      const r = analyze(text, 'kubernetes');
      // A Compose file is handed to the Compose analyser (core/index.ts `analyze`): no Kubernetes finding.
      assert.deepStrictEqual([r.findings.filter((f) => !f.ruleId.startsWith('compose-')), r.errors], [[], []]);
    }
  });

  it('leaves Helm templates alone, without findings or errors', () => {
    const r = analyze(fixture('helm-template.yaml'), 'kubernetes');
    assert.deepStrictEqual([r.findings, r.errors], [[], []]);
  });

  it('requires string apiVersion and kind', () => {
    assert.strictEqual(parseKubeModel(yaml('apiVersion: 1', 'kind: Pod')), undefined);
    assert.strictEqual(parseKubeModel(yaml('apiVersion: v1', 'kind: [Pod]')), undefined);
    assert.ok(parseKubeModel(yaml('apiVersion: v1', 'kind: Pod')));
  });

  it('analyses the documents that parse and skips the broken ones', () => {
    const text = yaml(
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: broken}', 'spec:', '  hostPID: true', '  containers: [{name: c, image: "a:1"', '---',
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: fine}', 'spec:', '  hostIPC: true', '  containers: [{name: c, image: "a:1"}]',
    );
    const ids = findings(text).map((f) => f.ruleId);
    assert.ok(ids.includes('k8s-host-ipc'));
    assert.ok(!ids.includes('k8s-host-pid'));
  });

  it('collects comments from the YAML tokens, not from "#" inside strings', () => {
    const model = parseKubeModel(yaml(
      '# leading',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: "a # not a comment"  # trailing',
      'data:',
      "  url: 'http://x/#frag'",
      '  script: |',
      '    echo hi # inside a block scalar',
      '  # own line',
    ))!;
    assert.deepStrictEqual(model.comments, [
      { line: 0, text: ' leading', trailing: false },
      { line: 4, text: ' trailing', trailing: true },
      { line: 9, text: ' own line', trailing: false },
    ]);
  });
});
