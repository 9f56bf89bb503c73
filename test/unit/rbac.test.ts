import * as assert from 'assert';
import { kubernetesAnalyzer } from '../../src/core/kubernetes';
import { Range, severityRank } from '../../src/core/model';
import { findings, ruleFindings, yaml } from './kubernetes-helpers';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

/** A ClusterRole (or Role) whose rules are given as flow mappings, one per line. */
function role(kind: 'Role' | 'ClusterRole', ...rules: string[]): string {
  return yaml('apiVersion: rbac.authorization.k8s.io/v1', `kind: ${kind}`, 'metadata:', '  name: r', ...(kind === 'Role' ? ['  namespace: app'] : []), 'rules:', ...rules.map((x) => `  - ${x}`));
}
const cluster = (...rules: string[]): string => role('ClusterRole', ...rules);
const ns = (...rules: string[]): string => role('Role', ...rules);
const severityOf = (id: string): string => kubernetesAnalyzer.rules.find((x) => x.id === id)!.severity;
const ids = (text: string): string[] => findings(text).map((f) => f.ruleId).filter((id) => id.startsWith('k8s-rbac-'));

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', roleName: string, ...subjects: string[]): string {
  return yaml('apiVersion: rbac.authorization.k8s.io/v1', `kind: ${kind}`, 'metadata:', '  name: b', 'roleRef:', '  apiGroup: rbac.authorization.k8s.io', '  kind: ClusterRole', `  name: ${roleName}`, 'subjects:', ...subjects.map((s) => `  - ${s}`));
}

describe('RBAC rules: metadata', () => {
  it('names Trivy\'s IDs (KSV-0041, 0043–0050, 0053, 0054, 0056, 0111–0114, 0122, 0123, 01011)', () => {
    const refs = (id: string): string[] => kubernetesAnalyzer.rules.find((x) => x.id === id)!.references;
    assert.deepStrictEqual(refs('k8s-rbac-secrets-cluster'), ['KSV-0041', 'CIS-5.1.2']);
    assert.deepStrictEqual(refs('k8s-rbac-secrets-namespace'), ['KSV-0113']);
    assert.deepStrictEqual(refs('k8s-rbac-wildcard-verb-resource'), ['KSV-0044', 'CIS-5.1.3']);
    assert.deepStrictEqual(refs('k8s-rbac-wildcard-verb'), ['KSV-0045', 'CIS-5.1.3']);
    assert.deepStrictEqual(refs('k8s-rbac-wildcard-resource-cluster'), ['KSV-0046', 'CIS-5.1.3']);
    assert.deepStrictEqual(refs('k8s-rbac-wildcard-resource'), ['KSV-0112', 'CIS-5.1.3']);
    assert.deepStrictEqual(refs('k8s-rbac-impersonate'), ['KSV-0043', 'CIS-5.1.8']);
    assert.deepStrictEqual(refs('k8s-rbac-escalate'), ['KSV-0050', 'CIS-5.1.8']);
    for (const [id, ref] of [['k8s-rbac-node-proxy', 'KSV-0047'], ['k8s-rbac-workloads', 'KSV-0048'], ['k8s-rbac-configmaps', 'KSV-0049'], ['k8s-rbac-exec', 'KSV-0053'],
      ['k8s-rbac-attach', 'KSV-0054'], ['k8s-rbac-networking', 'KSV-0056'], ['k8s-rbac-webhooks', 'KSV-0114'], ['k8s-rbac-anonymous-binding', 'KSV-0122'],
      ['k8s-rbac-authenticated-binding', 'KSV-01011'], ['k8s-rbac-masters-binding', 'KSV-0123']]) assert.deepStrictEqual(refs(id), [ref], id);
    assert.deepStrictEqual(refs('k8s-rbac-sa-cluster-admin'), ['KSV-0111', 'CIS-5.1.1']);
  });
});

describe('k8s-rbac-secrets-cluster (KSV-0041) and k8s-rbac-secrets-namespace (KSV-0113)', () => {
  it('flag read and write verbs on secrets at the resource item, by role kind', () => {
    const f = ruleFindings(cluster('{apiGroups: [""], resources: [secrets], verbs: [get, list]}'), 'k8s-rbac-secrets-cluster');
    assert.deepStrictEqual(f.map((x) => x.range), [r(5, 34, 5, 41)]);
    assert.strictEqual(f[0].severity, severityOf('k8s-rbac-secrets-cluster'));
    assert.match(f[0].message, /ClusterRole "r" grants get, list on secrets in every namespace/);
    const g = ruleFindings(ns('{apiGroups: [""], resources: [secrets], verbs: [watch]}'), 'k8s-rbac-secrets-namespace');
    assert.deepStrictEqual(g.map((x) => x.range), [r(6, 34, 6, 41)]);
    assert.strictEqual(g[0].severity, severityOf('k8s-rbac-secrets-namespace'));
    assert.deepStrictEqual(ruleFindings(ns('{apiGroups: [""], resources: [secrets], verbs: [get]}'), 'k8s-rbac-secrets-cluster'), []);
  });
  it('read as Kubernetes does: not in another API group, not limited to named secrets', () => {
    assert.deepStrictEqual(ids(cluster('{apiGroups: [apps], resources: [secrets], verbs: [get]}')), []);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: [secrets], resourceNames: [tls-cert], verbs: [get]}')), []);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: [configmaps, pods], verbs: [get, list, watch]}')), []);
  });
});

describe('wildcards (KSV-0044, 0045, 0046, 0112): one finding per PolicyRule', () => {
  it('every verb on every resource is one critical finding carrying the folded references', () => {
    const f = findings(cluster('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}')).filter((x) => x.ruleId.startsWith('k8s-rbac-'));
    assert.deepStrictEqual(f.map((x) => x.ruleId), ['k8s-rbac-wildcard-verb-resource']);
    assert.deepStrictEqual(f[0].range, r(5, 49, 5, 52));
    for (const ref of ['KSV-0044', 'KSV-0046', 'KSV-0041']) assert.ok(f[0].references.includes(ref), ref);
  });
  it('a wildcard verb on named sensitive resources (KSV-0045) at the verb item', () => {
    const f = ruleFindings(ns('{apiGroups: [apps], resources: [deployments], verbs: ["*"]}'), 'k8s-rbac-wildcard-verb');
    assert.deepStrictEqual(f.map((x) => x.range), [r(6, 58, 6, 61)]);
    assert.deepStrictEqual(ruleFindings(ns('{apiGroups: [""], resources: [events], verbs: ["*"]}'), 'k8s-rbac-wildcard-verb'), []);
  });
  it('every resource with a listed verb: KSV-0046 in ClusterRoles, KSV-0112 in Roles; watch alone is not, but it still watches secrets', () => {
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: ["*"], verbs: [get]}')), ['k8s-rbac-wildcard-resource-cluster']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: ["*"], verbs: [list]}')), ['k8s-rbac-wildcard-resource']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: ["*"], verbs: [watch]}')), ['k8s-rbac-secrets-namespace']);
  });
});

describe('k8s-rbac-impersonate (KSV-0043)', () => {
  it('flags impersonate on users, groups or service accounts, in the core group as Kubernetes checks it', () => {
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: [groups], verbs: [impersonate]}')), ['k8s-rbac-impersonate']);
    assert.match(ruleFindings(cluster('{apiGroups: [""], resources: [users], resourceNames: [jane], verbs: [impersonate]}'), 'k8s-rbac-impersonate')[0].message, /only "jane"/);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: [groups], verbs: [get]}')), []);
  });
});

describe('k8s-rbac-escalate (KSV-0050) and k8s-rbac-write', () => {
  it('flags escalate, bind or impersonate on roles and bindings (cluster-scoped ones too)', () => {
    assert.deepStrictEqual(ids(cluster('{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}')), ['k8s-rbac-escalate']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate, create]}')), ['k8s-rbac-escalate']);
  });
  it('reports plain writes of RBAC objects apart, below escalate/bind', () => {
    const f = ruleFindings(ns('{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create, delete]}'), 'k8s-rbac-write');
    assert.strictEqual(f.length, 1);
    assert.strictEqual(f[0].severity, severityOf('k8s-rbac-write'));
    assert.ok(severityRank(f[0].severity) < severityRank(severityOf('k8s-rbac-escalate') as never), 'a plain write is less severe than escalate/bind');
    assert.deepStrictEqual(ids(ns('{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [get, list]}')), []);
  });
});

describe('resource-specific grants', () => {
  it('nodes/proxy (KSV-0047), also through */proxy', () => {
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}')), ['k8s-rbac-node-proxy']);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: ["*/proxy"], verbs: [create]}')), ['k8s-rbac-node-proxy']);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [""], resources: [nodes/metrics, nodes/stats], verbs: [get]}')), []);
  });
  it('workloads (KSV-0048): write verbs in the right API group only', () => {
    assert.deepStrictEqual(ids(ns('{apiGroups: [apps], resources: [deployments], verbs: [patch]}')), ['k8s-rbac-workloads']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [pods], verbs: [create]}')), ['k8s-rbac-workloads']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [batch], resources: [deployments], verbs: [create]}')), []);
    assert.deepStrictEqual(ids(ns('{apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]}')), []);
  });
  it('configmaps (KSV-0049): writes, not reads, not named configmaps', () => {
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [configmaps], verbs: [update]}')), ['k8s-rbac-configmaps']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [configmaps], verbs: [get]}')), []);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [configmaps], resourceNames: [leader], verbs: [update]}')), []);
  });
  it('pods/exec (KSV-0053) and pods/attach (KSV-0054) need create', () => {
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [pods/exec], verbs: [create]}')), ['k8s-rbac-exec']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [pods/attach], verbs: ["*"]}')), ['k8s-rbac-attach']);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: [pods/log], verbs: [get]}')), []);
    assert.deepStrictEqual(ids(ns('{apiGroups: [""], resources: ["pods/*"], verbs: [create]}')), [], 'pods/* matches no subresource in RBAC');
  });
  it('networking (KSV-0056) and webhook configurations (KSV-0114)', () => {
    assert.deepStrictEqual(ids(ns('{apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [delete]}')), ['k8s-rbac-networking']);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch]}')), ['k8s-rbac-webhooks']);
    assert.deepStrictEqual(ids(cluster('{apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [list, watch]}')), []);
  });
});

describe('aggregation', () => {
  it('does not report the rules of an aggregated ClusterRole (the controller writes them)', () => {
    const text = yaml('apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: {name: monitoring}', 'aggregationRule:',
      '  clusterRoleSelectors: [{matchLabels: {team: mon}}]', 'rules:', '  - {apiGroups: [""], resources: [secrets], verbs: [get]}');
    assert.deepStrictEqual(ids(text), []);
  });
  it('says when a ClusterRole\'s rules are aggregated into a built-in role', () => {
    const text = yaml('apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata:', '  name: crd-view', '  labels:',
      '    rbac.authorization.k8s.io/aggregate-to-view: "true"', 'rules:', '  - {apiGroups: [""], resources: [secrets], verbs: [get, list]}');
    assert.match(ruleFindings(text, 'k8s-rbac-secrets-cluster')[0].message, /aggregated into the built-in "view" ClusterRole/);
  });
  it('ignores Role kinds of other API groups', () => {
    assert.deepStrictEqual(ids(yaml('apiVersion: example.com/v1', 'kind: Role', 'metadata: {name: x}', 'rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]')), []);
  });
});

describe('bindings', () => {
  it('anonymous and unauthenticated subjects (KSV-0122) at the name pair', () => {
    const text = binding('ClusterRoleBinding', 'view', '{kind: User, name: "system:anonymous"}', '{kind: Group, name: "system:unauthenticated"}');
    const f = ruleFindings(text, 'k8s-rbac-anonymous-binding');
    assert.deepStrictEqual(f.map((x) => x.range), [r(9, 17, 9, 41), r(10, 18, 10, 48)]);
  });
  it('system:authenticated (KSV-01011), except the roles Kubernetes binds to it by default', () => {
    assert.strictEqual(ruleFindings(binding('ClusterRoleBinding', 'secret-reader', '{kind: Group, name: "system:authenticated"}'), 'k8s-rbac-authenticated-binding').length, 1);
    assert.strictEqual(ruleFindings(binding('ClusterRoleBinding', 'system:discovery', '{kind: Group, name: "system:authenticated"}'), 'k8s-rbac-authenticated-binding').length, 0);
  });
  it('system:masters (KSV-0123)', () => {
    assert.strictEqual(ruleFindings(binding('RoleBinding', 'edit', '{kind: Group, name: "system:masters"}'), 'k8s-rbac-masters-binding').length, 1);
  });
  it('a ServiceAccount bound to cluster-admin, not a user or another role', () => {
    const f = ruleFindings(binding('ClusterRoleBinding', 'cluster-admin', '{kind: ServiceAccount, name: deployer, namespace: ci}', '{kind: User, name: alice}'), 'k8s-rbac-sa-cluster-admin');
    assert.deepStrictEqual(f.map((x) => x.range), [r(9, 27, 9, 41)]);
    assert.match(f[0].message, /ServiceAccount "deployer" \(namespace ci\) cluster-admin in the whole cluster/);
    assert.deepStrictEqual(ruleFindings(binding('ClusterRoleBinding', 'view', '{kind: ServiceAccount, name: deployer, namespace: ci}'), 'k8s-rbac-sa-cluster-admin'), []);
  });
});

describe('RBAC rules: the least-privilege roles of real controllers are quiet', () => {
  it('a read-only ClusterRole and a namespaced leader-election Role have no RBAC findings', () => {
    const text = cluster('{apiGroups: ["", apps], resources: [pods, services, deployments], verbs: [get, list, watch]}', '{apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}')
      + '---\n' + ns('{apiGroups: [""], resources: [configmaps], resourceNames: [my-lock], verbs: [get, update]}');
    assert.deepStrictEqual(ids(text), []);
  });
});
