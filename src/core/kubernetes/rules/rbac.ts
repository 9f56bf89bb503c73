/**
 * RBAC rules: what Roles and ClusterRoles grant, and whom RoleBindings and ClusterRoleBindings
 * grant it to. IDs and severities are Trivy's (trivy-checks `checks/kubernetes/*.rego`); the
 * PolicyRules are read as the Kubernetes RBAC authorizer matches them
 * (`k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac`):
 * - a verb matches when written or `*`; an API group when written or `*`; a resource when
 *   written, `*`, or a star slash and the subresource name for a subresource (`pods/` and a
 *   star matches nothing);
 * - `resourceNames` limits a rule to the named objects (and it then grants no `create`, `list`
 *   or `deletecollection`): the rules about reading or writing a whole kind of data (secrets,
 *   configmaps) skip such rules, the others report them with the names;
 * - a ClusterRole with an `aggregationRule` gets its rules from the ClusterRoles its selectors
 *   match (the controller overwrites what is written), so its own `rules` are not reported;
 *   a ClusterRole labelled `aggregate-to-view|edit|admin` adds its rules to that built-in role,
 *   which the findings say.
 * Where Trivy matches narrower (only `apiGroups: ["*"]`, only `roles`/`rolebindings`), these
 * rules follow Kubernetes; a wildcard rule is one finding (the narrower rules fold into the
 * wildcard one, `coveredBy`).
 */
import { Scalar, YAMLMap, isMap, isScalar, isSeq } from 'yaml';
import { KubeModel, KubeObject, getMap, getPair, getString, nodeRange, pairRange } from '../model';
import { KubeRule } from './common';
import { Range } from '../../model';
import { Arg, Msg, Text, frag, msg } from '../../l10n/text';

/** One string item of a PolicyRule list, with its node (for ranges). */
interface Item { value: string; node: Scalar }

/** A PolicyRule of a Role or ClusterRole. */
interface PolicyRule {
  node: YAMLMap;
  verbs: Item[];
  apiGroups: string[];
  resources: Item[];
  resourceNames: string[];
}

/** A Role or ClusterRole with its PolicyRules. */
interface RoleInfo {
  object: KubeObject;
  cluster: boolean;
  rules: PolicyRule[];
  /** The built-in ClusterRole (`view`, `edit`, `admin`) its rules are aggregated into, if labelled so. */
  aggregatesTo?: string;
}

/** A subject of a RoleBinding or ClusterRoleBinding. */
interface Subject { kind?: string; name?: string; namespace?: string; node: YAMLMap }

interface BindingInfo { object: KubeObject; cluster: boolean; roleKind?: string; roleName?: string; roleRefNode?: YAMLMap; subjects: Subject[] }

interface RbacIndex { roles: RoleInfo[]; bindings: BindingInfo[] }

function items(node: unknown): Item[] {
  if (!isSeq(node)) return [];
  const out: Item[] = [];
  for (const it of node.items) if (isScalar(it) && typeof it.value === 'string') out.push({ value: it.value, node: it });
  return out;
}

function strings(node: unknown): string[] {
  return items(node).map((i) => i.value);
}

const AGGREGATE_LABEL = /^rbac\.authorization\.k8s\.io\/aggregate-to-(view|edit|admin)$/;

/** The RBAC objects of a file, read once per model. */
function rbacOf(model: KubeModel): RbacIndex {
  if (model.memo.rbac) return model.memo.rbac as RbacIndex;
  const index: RbacIndex = { roles: [], bindings: [] };
  for (const object of model.objects) {
    const kind = object.kind;
    if (!object.apiVersion.startsWith('rbac.authorization.k8s.io/')) continue;
    if (kind === 'Role' || kind === 'ClusterRole') {
      // The aggregation controller writes an aggregated ClusterRole's rules: what the file says is replaced.
      if (kind === 'ClusterRole' && getPair(object.node, 'aggregationRule')) continue;
      const rules: PolicyRule[] = [];
      const seq = getPair(object.node, 'rules')?.value;
      if (isSeq(seq)) {
        for (const r of seq.items) {
          if (!isMap(r)) continue;
          rules.push({
            node: r,
            verbs: items(getPair(r, 'verbs')?.value),
            apiGroups: strings(getPair(r, 'apiGroups')?.value),
            resources: items(getPair(r, 'resources')?.value),
            resourceNames: strings(getPair(r, 'resourceNames')?.value),
          });
        }
      }
      let aggregatesTo: string | undefined;
      const labels = getMap(getMap(object.node, 'metadata'), 'labels');
      if (kind === 'ClusterRole' && labels) {
        for (const p of labels.items) {
          const m = isScalar(p.key) ? AGGREGATE_LABEL.exec(String(p.key.value)) : null;
          if (m && isScalar(p.value) && String(p.value.value) === 'true') aggregatesTo = m[1];
        }
      }
      index.roles.push({ object, cluster: kind === 'ClusterRole', rules, aggregatesTo });
    } else if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const roleRef = getMap(object.node, 'roleRef');
      const subjects: Subject[] = [];
      const seq = getPair(object.node, 'subjects')?.value;
      if (isSeq(seq)) {
        for (const s of seq.items) {
          if (!isMap(s)) continue;
          subjects.push({ kind: getString(s, 'kind'), name: getString(s, 'name'), namespace: getString(s, 'namespace'), node: s });
        }
      }
      index.bindings.push({ object, cluster: kind === 'ClusterRoleBinding', roleKind: getString(roleRef, 'kind'), roleName: getString(roleRef, 'name'), roleRefNode: roleRef, subjects });
    }
  }
  model.memo.rbac = index;
  return index;
}

/** API groups of the resources the rules name (legacy `extensions` included where it served them). */
const GROUPS: Record<string, readonly string[]> = {
  secrets: [''], configmaps: [''], pods: [''], 'pods/exec': [''], 'pods/attach': [''], 'nodes/proxy': [''],
  services: [''], endpoints: [''], replicationcontrollers: [''], users: [''], groups: [''], serviceaccounts: [''],
  deployments: ['apps', 'extensions'], daemonsets: ['apps', 'extensions'], statefulsets: ['apps'], replicasets: ['apps', 'extensions'],
  jobs: ['batch'], cronjobs: ['batch'], endpointslices: ['discovery.k8s.io'], networkpolicies: ['networking.k8s.io', 'extensions'],
  ingresses: ['networking.k8s.io', 'extensions'], mutatingwebhookconfigurations: ['admissionregistration.k8s.io'],
  validatingwebhookconfigurations: ['admissionregistration.k8s.io'], roles: ['rbac.authorization.k8s.io'],
  rolebindings: ['rbac.authorization.k8s.io'], clusterroles: ['rbac.authorization.k8s.io'], clusterrolebindings: ['rbac.authorization.k8s.io'],
  'userextras/*': ['authentication.k8s.io'], uids: ['authentication.k8s.io'],
};

/** The item of `resources` through which a rule grants a resource (as RBAC's ResourceMatches does), if any. */
function resourceItem(rule: PolicyRule, resource: string): Item | undefined {
  const groups = GROUPS[resource] ?? [''];
  if (!rule.apiGroups.some((g) => g === '*' || groups.includes(g))) return undefined;
  const slash = resource.indexOf('/');
  const sub = slash >= 0 ? resource.slice(slash + 1) : '';
  for (const r of rule.resources) {
    if (r.value === '*' || r.value === resource) return r;
    if (sub && r.value === `*/${sub}`) return r;
  }
  return undefined;
}

/** The verbs of a rule among the wanted ones (`*` grants them all). */
function grantedVerbs(rule: PolicyRule, wanted: readonly string[]): Item[] {
  return rule.verbs.filter((v) => v.value === '*' || wanted.includes(v.value));
}

/** What a finding about a role names. */
function roleLabel(role: RoleInfo): Text {
  const o = role.object;
  const name = o.name ?? '?';
  return o.kind === 'Role' && o.namespace ? frag('k8s.rbac.role-in-namespace', 'Role "{name}" (namespace {namespace})', { name, namespace: o.namespace }) : frag('k8s.rbac.role', '{kind} "{name}"', { kind: o.kind ?? '?', name });
}

/** The sentence a finding adds when the role's rules also go into a built-in role. */
function aggregateNote(role: RoleInfo): Arg {
  return role.aggregatesTo ? frag('k8s.rbac.aggregated', ' Its rules are aggregated into the built-in "{role}" ClusterRole, so everyone bound to "{role}" gets them.', { role: role.aggregatesTo }) : '';
}

function ruleRange(model: KubeModel, rule: PolicyRule): Range {
  return nodeRange(model, rule.node);
}

const READ_WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate'];

interface GrantCheck {
  id: string;
  title: string;
  severity: KubeRule['severity'];
  references: string[];
  description: string;
  remediation: string;
  /** Which roles: Roles, ClusterRoles or both. */
  scope: 'Role' | 'ClusterRole' | 'both';
  resources: readonly string[];
  verbs: readonly string[];
  /** A rule limited to named objects does not grant the whole kind: skip it. */
  skipNamed?: boolean;
  coveredBy?: string[];
  what(resources: string[], verbs: string[]): Text;
}

/** A rule reporting every PolicyRule that grants one of the verbs on one of the resources. */
function grantRule(c: GrantCheck): KubeRule {
  return {
    id: c.id,
    title: c.title,
    severity: c.severity,
    appliesTo: 'kubernetes',
    references: c.references,
    description: c.description,
    remediation: c.remediation,
    ...(c.coveredBy ? { coveredBy: c.coveredBy } : {}),
    check(model, report) {
      for (const role of rbacOf(model).roles) {
        if (c.scope !== 'both' && role.object.kind !== c.scope) continue;
        for (const rule of role.rules) {
          if (c.skipNamed && rule.resourceNames.length > 0) continue;
          const verbs = grantedVerbs(rule, c.verbs);
          if (verbs.length === 0) continue;
          const hit: Item[] = [];
          const names: string[] = [];
          for (const res of c.resources) {
            const item = resourceItem(rule, res);
            if (!item) continue;
            if (!hit.includes(item)) hit.push(item);
            names.push(res);
          }
          if (hit.length === 0) continue;
          const only = rule.resourceNames.length > 0 ? frag('k8s.rbac.only', ' (only {names})', { names: rule.resourceNames.map((n) => `"${n}"`).join(', ') }) : '';
          report({
            range: nodeRange(model, hit[0].node),
            about: ruleRange(model, rule),
            l10n: frag('k8s.rbac.grant', '{role} {what}{only}.{aggregateNote}', { role: roleLabel(role), what: c.what(names, verbs.map((v) => v.value)), only, aggregateNote: aggregateNote(role) }),
          });
        }
      }
    },
  };
}

const ROLE = frag('k8s.rbac.role-word', 'role');

const list = (xs: readonly string[]): string => [...new Set(xs)].join(', ');

export const rbacSecretsCluster = grantRule({
  id: 'k8s-rbac-secrets-cluster',
  title: 'ClusterRole can read or change secrets in every namespace',
  severity: 'critical',
  references: ['KSV-0041', 'CIS-5.1.2'],
  description: 'Secrets across the cluster include service account tokens, and at least one of them is usually bound to cluster-admin or something close: reading every secret is close to being cluster-admin.',
  remediation: 'Grant secrets access in a Role in the namespace that needs it, limited to the named secrets (resourceNames) and the verbs it uses.',
  scope: 'ClusterRole', resources: ['secrets'], verbs: READ_WRITE, skipNamed: true,
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource-cluster', 'k8s-rbac-wildcard-verb'],
  what: (_r, v) => frag('k8s.rbac.what.grants-on-secrets-in', 'grants {verbs} on secrets in every namespace', { verbs: list(v) }),
});

export const rbacSecretsNamespace = grantRule({
  id: 'k8s-rbac-secrets-namespace',
  title: 'Role can read or change the secrets of its namespace',
  severity: 'high',
  references: ['KSV-0113'],
  description: 'Reading the secrets of a namespace gives the tokens of its service accounts: whoever holds this Role gets what any of them can do.',
  remediation: 'Limit the rule to the named secrets the workload needs (resourceNames) and to the verbs it uses.',
  scope: 'Role', resources: ['secrets'], verbs: READ_WRITE, skipNamed: true,
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-verb'],
  what: (_r, v) => frag('k8s.rbac.what.grants-on-the-secrets', 'grants {verbs} on the secrets of its namespace', { verbs: list(v) }),
});

export const rbacWildcardVerbResource: KubeRule = {
  id: 'k8s-rbac-wildcard-verb-resource',
  title: 'Role grants every verb on every resource',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0044', 'CIS-5.1.3'],
  description: 'apiGroups, resources and verbs all "*" is full control: in a ClusterRole, cluster-admin; in a Role, everything in the namespace including its secrets and workloads.',
  remediation: 'List the API groups, resources and verbs the subject needs.',
  check(model, report) {
    for (const role of rbacOf(model).roles) {
      for (const rule of role.rules) {
        if (!rule.apiGroups.includes('*')) continue;
        const res = rule.resources.find((r) => r.value === '*');
        const verb = rule.verbs.find((v) => v.value === '*');
        if (!res || !verb) continue;
        report({
          range: nodeRange(model, verb.node),
          about: ruleRange(model, rule),
          ...(role.cluster
            ? msg('k8s.rbac.every-verb-every-resource-cluster', '{role} grants every verb on every resource (cluster-admin).{aggregateNote}', { role: roleLabel(role), aggregateNote: aggregateNote(role) })
            : msg('k8s.rbac.every-verb-every-resource', '{role} grants every verb on every resource of its namespace.{aggregateNote}', { role: roleLabel(role), aggregateNote: aggregateNote(role) })),
        });
      }
    }
  },
};

/** Trivy's list of resources for which a wildcard verb is reported (KSV-0045). */
const WILDCARD_VERB_RESOURCES = ['secrets', 'pods', 'deployments', 'daemonsets', 'statefulsets', 'replicationcontrollers', 'replicasets', 'cronjobs', 'jobs', 'roles', 'clusterroles', 'rolebindings', 'clusterrolebindings', 'users', 'groups'];

export const rbacWildcardVerb: KubeRule = {
  id: 'k8s-rbac-wildcard-verb',
  title: 'Role grants every verb on sensitive resources',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0045', 'CIS-5.1.3'],
  coveredBy: ['k8s-rbac-wildcard-verb-resource'],
  description: 'verbs: ["*"] on secrets, workloads, RBAC objects, users or groups includes every verb Kubernetes has or will add (escalate, bind, impersonate, deletecollection…), not just the ones the subject needs.',
  remediation: 'List the verbs the subject needs (get, list, watch for reading).',
  check(model, report) {
    for (const role of rbacOf(model).roles) {
      for (const rule of role.rules) {
        const verb = rule.verbs.find((v) => v.value === '*');
        if (!verb) continue;
        const names = WILDCARD_VERB_RESOURCES.filter((r) => rule.resources.some((x) => x.value === r) && resourceItem(rule, r));
        if (names.length === 0) continue;
        report({ range: nodeRange(model, verb.node), about: ruleRange(model, rule), l10n: frag('k8s.rbac.grants-every-verb-on-2', '{role} grants every verb ("*") on {list}.{aggregateNote}', { role: roleLabel(role), list: list(names), aggregateNote: aggregateNote(role) }) });
      }
    }
  },
};

/** The message of a `resources: ["*"]` finding; `groups` when the rule names its API groups. */
function wildcardResourceMsg(scope: 'Role' | 'ClusterRole', groups: readonly string[] | undefined, args: { role: Text; verbs: string; aggregateNote: Arg }): Msg {
  if (!groups) {
    return scope === 'Role'
      ? msg('k8s.rbac.every-resource-namespace', '{role} grants {verbs} on every resource of its namespace ("*").{aggregateNote}', args)
      : msg('k8s.rbac.every-resource', '{role} grants {verbs} on every resource ("*").{aggregateNote}', args);
  }
  const core = frag('k8s.rbac.core-group', 'the core group');
  let names: Arg = '';
  const seen = [...new Set(groups.map((g) => g || ''))];
  seen.forEach((g, i) => {
    const item: Arg = g || core;
    names = i === 0 ? item : frag('k8s.rbac.list', '{a}, {b}', { a: names, b: item });
  });
  const withGroups = { ...args, groups: names };
  return scope === 'Role'
    ? msg('k8s.rbac.every-resource-namespace-groups', '{role} grants {verbs} on every resource of its namespace ("*") of {groups}.{aggregateNote}', withGroups)
    : msg('k8s.rbac.every-resource-groups', '{role} grants {verbs} on every resource ("*") of {groups}.{aggregateNote}', withGroups);
}

/** A rule about `resources: ["*"]` in Roles or ClusterRoles (KSV-0112 / KSV-0046). */
function wildcardResourceRule(id: string, scope: 'Role' | 'ClusterRole', ref: string, title: string, description: string): KubeRule {
  const verbs = ['create', 'update', 'delete', 'deletecollection', 'impersonate', 'list', 'get'];
  return {
    id, title, severity: 'critical', appliesTo: 'kubernetes', references: [ref, 'CIS-5.1.3'],
    coveredBy: ['k8s-rbac-wildcard-verb-resource'],
    description,
    remediation: 'List the resources the subject needs instead of "*".',
    check(model, report) {
      for (const role of rbacOf(model).roles) {
        if (role.object.kind !== scope) continue;
        for (const rule of role.rules) {
          const res = rule.resources.find((r) => r.value === '*');
          const granted = grantedVerbs(rule, verbs);
          if (!res || granted.length === 0) continue;
          report({
            range: nodeRange(model, res.node),
            about: ruleRange(model, rule),
            ...wildcardResourceMsg(scope, rule.apiGroups.includes('*') ? undefined : rule.apiGroups, { role: roleLabel(role), verbs: list(granted.map((v) => v.value)), aggregateNote: aggregateNote(role) }),
          });
        }
      }
    },
  };
}

export const rbacWildcardResourceCluster = wildcardResourceRule('k8s-rbac-wildcard-resource-cluster', 'ClusterRole', 'KSV-0046', 'ClusterRole grants access to every resource',
  'resources: ["*"] in a ClusterRole covers every resource of the cluster, today\'s and tomorrow\'s: with write verbs that is root on every node; even get and list read every secret.');
export const rbacWildcardResource = wildcardResourceRule('k8s-rbac-wildcard-resource', 'Role', 'KSV-0112', 'Role grants access to every resource of its namespace',
  'resources: ["*"] in a Role covers everything in the namespace: its secrets, workloads and RBAC objects. Some operators need it (a GitOps controller); most workloads do not.');

export const rbacImpersonate = grantRule({
  id: 'k8s-rbac-impersonate',
  title: 'Role can impersonate users, groups or service accounts',
  severity: 'critical',
  references: ['KSV-0043', 'CIS-5.1.8'],
  description: 'impersonate lets the subject act as another user, group or service account, system:masters included: it holds whatever permissions the impersonated identity has.',
  remediation: 'Remove impersonate; where it is needed, limit it to the named identities (resourceNames) that hold no more than the subject should.',
  scope: 'both', resources: ['users', 'groups', 'serviceaccounts', 'userextras/*', 'uids'], verbs: ['impersonate'],
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-verb'],
  what: (r) => frag('k8s.rbac.what.can-impersonate', 'can impersonate {resources}', { resources: list(r) }),
});

export const rbacEscalate = grantRule({
  id: 'k8s-rbac-escalate',
  title: 'Role can escalate or bind RBAC roles',
  severity: 'critical',
  references: ['KSV-0050', 'CIS-5.1.8'],
  description: 'RBAC stops a subject from granting permissions it does not hold, unless it has escalate (edit a role beyond its own permissions) or bind (bind a role it does not hold): either is a path to cluster-admin.',
  remediation: 'Remove escalate, bind and impersonate on roles and bindings; where bind is needed, limit it to the named roles (resourceNames).',
  scope: 'both', resources: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'], verbs: ['escalate', 'bind', 'impersonate'],
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-verb', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (r, v) => frag('k8s.rbac.what.grants-on', 'grants {verbs} on {resources}', { verbs: list(v), resources: list(r) }),
});

export const rbacWrite = grantRule({
  id: 'k8s-rbac-write',
  title: 'Role can create or change RBAC roles and bindings',
  severity: 'medium',
  references: [],
  description: 'Writing roles and bindings is limited by RBAC to the permissions the subject already holds, but it lets the subject hand them to any other identity (a user, an outside service account), which widens who holds them.',
  remediation: 'Remove write verbs on roles and bindings unless the subject is an operator that must manage them; then limit them to the named objects (resourceNames).',
  scope: 'both', resources: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'], verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
  coveredBy: ['k8s-rbac-escalate', 'k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-verb', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (r, v) => frag('k8s.rbac.what.grants-on', 'grants {verbs} on {resources}', { verbs: list(v), resources: list(r) }),
});

export const rbacNodeProxy = grantRule({
  id: 'k8s-rbac-node-proxy',
  title: 'Role can reach the kubelet API through nodes/proxy',
  severity: 'critical',
  references: ['KSV-0047'],
  description: 'nodes/proxy reaches the kubelet API of every node, which runs commands in any pod of the node without going through the API server\'s admission or audit.',
  remediation: 'Remove nodes/proxy; monitoring agents can read nodes/metrics or nodes/stats instead.',
  scope: 'both', resources: ['nodes/proxy'], verbs: ['get', 'create'],
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource-cluster', 'k8s-rbac-wildcard-resource'],
  what: (_r, v) => frag('k8s.rbac.what.grants-on-nodes-proxy', 'grants {verbs} on nodes/proxy (the kubelet API)', { verbs: list(v) }),
});

export const rbacWorkloads = grantRule({
  id: 'k8s-rbac-workloads',
  title: 'Role can create or change pods and workloads',
  severity: 'high',
  references: ['KSV-0048'],
  description: 'Whoever can create or change a pod or a workload chooses what it runs, with which service account and, unless admission stops it, with host access: from stealing compute to root on a node.',
  remediation: 'Grant workload write verbs only to deployment tooling, in the namespaces it deploys to, and enforce a Pod Security Standard there.',
  scope: 'both', resources: ['pods', 'deployments', 'jobs', 'cronjobs', 'statefulsets', 'daemonsets', 'replicasets', 'replicationcontrollers'], verbs: WRITE,
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-verb', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (r, v) => frag('k8s.rbac.what.grants-on', 'grants {verbs} on {resources}', { verbs: list(v), resources: list(r) }),
});

export const rbacConfigMaps = grantRule({
  id: 'k8s-rbac-configmaps',
  title: 'Role can change configmaps',
  severity: 'medium',
  references: ['KSV-0049'],
  description: 'Configmaps hold configuration that changes what workloads do (and sometimes credentials): whoever can write them can change another component\'s behaviour.',
  remediation: 'Limit configmap write verbs to the named configmaps (resourceNames) the subject owns.',
  scope: 'both', resources: ['configmaps'], verbs: WRITE, skipNamed: true,
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (_r, v) => frag('k8s.rbac.what.grants-on-configmaps', 'grants {verbs} on configmaps', { verbs: list(v) }),
});

export const rbacExec = grantRule({
  id: 'k8s-rbac-exec',
  title: 'Role can exec into pods',
  severity: 'high',
  references: ['KSV-0053'],
  description: 'create on pods/exec runs commands in any pod the role reaches, with that pod\'s service account and host access: a common path to cluster-admin.',
  remediation: 'Remove pods/exec from roles of workloads; give it to people through short-lived, audited access.',
  scope: 'both', resources: ['pods/exec'], verbs: ['create'],
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (_r, v) => frag('k8s.rbac.what.grants-on-pods-exec', 'grants {verbs} on pods/exec (run commands in pods)', { verbs: list(v) }),
});

export const rbacAttach = grantRule({
  id: 'k8s-rbac-attach',
  title: 'Role can attach to pods',
  severity: 'high',
  references: ['KSV-0054'],
  description: 'create on pods/attach connects to the running process of any pod the role reaches: its input and output, and a shell where the process is one.',
  remediation: 'Remove pods/attach from roles of workloads.',
  scope: 'both', resources: ['pods/attach'], verbs: ['create'],
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (_r, v) => frag('k8s.rbac.what.grants-on-pods-attach', 'grants {verbs} on pods/attach', { verbs: list(v) }),
});

export const rbacNetworking = grantRule({
  id: 'k8s-rbac-networking',
  title: 'Role can change services, endpoints, ingresses or network policies',
  severity: 'high',
  references: ['KSV-0056'],
  description: 'Whoever controls services and endpoints decides which pods get another service\'s traffic (interception); whoever controls network policies can lift the isolation between workloads.',
  remediation: 'Keep networking write verbs to the controllers that own those objects; others need get, list and watch at most.',
  scope: 'both', resources: ['services', 'endpoints', 'endpointslices', 'networkpolicies', 'ingresses'], verbs: WRITE,
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource', 'k8s-rbac-wildcard-resource-cluster'],
  what: (r, v) => frag('k8s.rbac.what.grants-on', 'grants {verbs} on {resources}', { verbs: list(v), resources: list(r) }),
});

export const rbacWebhooks = grantRule({
  id: 'k8s-rbac-webhooks',
  title: 'Role can change admission webhook configurations',
  severity: 'critical',
  references: ['KSV-0114'],
  description: 'An admission webhook sees, and may change or block, every object it registers for as it is created or updated, secrets and pod specs included: registering one is reading and rewriting the cluster\'s writes.',
  remediation: 'Keep webhook configuration write verbs to the operator that owns its webhook, limited to its named configurations (resourceNames).',
  scope: 'both', resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], verbs: WRITE,
  coveredBy: ['k8s-rbac-wildcard-verb-resource', 'k8s-rbac-wildcard-resource-cluster', 'k8s-rbac-wildcard-resource'],
  what: (r, v) => frag('k8s.rbac.what.grants-on', 'grants {verbs} on {resources}', { verbs: list(v), resources: list(r) }),
});

/** A rule about bindings to a well-known subject name. */
function subjectRule(id: string, ref: string, severity: KubeRule['severity'], names: readonly string[], title: string, description: string, why: (name: string) => Text, allowRole?: (b: BindingInfo) => boolean): KubeRule {
  return {
    id, title, severity, appliesTo: 'kubernetes', references: [ref], description,
    remediation: 'Remove the subject from the binding, and bind the role to the identities that need it.',
    check(model, report) {
      for (const b of rbacOf(model).bindings) {
        if (allowRole?.(b)) continue;
        for (const s of b.subjects) {
          if (!s.name || !names.includes(s.name)) continue;
          const namePair = getPair(s.node, 'name');
          report({
            range: namePair ? pairRange(model, namePair) : nodeRange(model, s.node),
            l10n: frag('k8s.rbac.binds-to', '{kind} "{name}" binds {roleKind} "{roleName}" to {subject}: {why}.', { kind: b.object.kind ?? '?', name: b.object.name ?? '?', roleKind: b.roleKind ?? ROLE, roleName: b.roleName ?? '?', subject: s.name, why: why(s.name) }),
          });
        }
      }
    },
  };
}

export const rbacAnonymousBinding = subjectRule('k8s-rbac-anonymous-binding', 'KSV-0122', 'critical', ['system:anonymous', 'system:unauthenticated'],
  'Binding grants a role to anonymous users',
  'system:anonymous and system:unauthenticated are every request without credentials: a role bound to them is open to anyone who can reach the API server.',
  () => frag('k8s.rbac.why-anonymous', 'anyone who can reach the API server gets it, without credentials'));

/** Default ClusterRoles Kubernetes itself binds to system:authenticated. */
const DEFAULT_AUTHENTICATED_ROLES = new Set(['system:basic-user', 'system:discovery', 'system:public-info-viewer']);

export const rbacAuthenticatedBinding = subjectRule('k8s-rbac-authenticated-binding', 'KSV-01011', 'high', ['system:authenticated'],
  'Binding grants a role to every authenticated identity',
  'system:authenticated is every identity the API server accepts: every service account of every namespace, and on some managed clusters (GKE) any Google account. Trivy reports this on GKE clusters only; where Kubernetes authenticates more than your own users, it is as open.',
  () => frag('k8s.rbac.why-authenticated', 'every authenticated identity (every service account, and on GKE any Google account) gets it'),
  (b) => b.roleKind === 'ClusterRole' && !!b.roleName && DEFAULT_AUTHENTICATED_ROLES.has(b.roleName));

export const rbacMastersBinding = subjectRule('k8s-rbac-masters-binding', 'KSV-0123', 'critical', ['system:masters'],
  'Binding names the system:masters group',
  'system:masters is the superuser group: its members bypass RBAC entirely. A binding to it does nothing for its members and signals that credentials in that group are in use, which cannot be revoked by RBAC.',
  () => frag('k8s.rbac.why-masters', 'members of system:masters bypass RBAC, so the binding grants nothing and suggests superuser credentials are handed out'));

export const rbacServiceAccountClusterAdmin: KubeRule = {
  id: 'k8s-rbac-sa-cluster-admin',
  title: 'ServiceAccount bound to cluster-admin',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: ['KSV-0111', 'CIS-5.1.1'],
  description: 'A ServiceAccount token is mounted into every pod that uses the account: bound to cluster-admin, anyone who gets code running in one of those pods owns the cluster.',
  remediation: 'Write a ClusterRole (or better, Roles per namespace) with what the workload needs and bind the ServiceAccount to that.',
  check(model, report) {
    for (const b of rbacOf(model).bindings) {
      if (b.roleKind !== 'ClusterRole' || b.roleName !== 'cluster-admin') continue;
      for (const s of b.subjects) {
        if (s.kind !== 'ServiceAccount') continue;
        const namePair = getPair(s.node, 'name');
        const where = b.cluster
          ? frag('k8s.rbac.in-cluster', 'in the whole cluster')
          : b.object.namespace ? frag('k8s.rbac.in-namespace', 'in namespace {namespace}', { namespace: b.object.namespace }) : frag('k8s.rbac.in-binding-namespace', 'in namespace of the binding');
        report({
          range: namePair ? pairRange(model, namePair) : nodeRange(model, s.node),
          l10n: frag('k8s.rbac.sa-cluster-admin', '{kind} "{name}" makes ServiceAccount "{account}"{namespace} cluster-admin {where}: every pod using it holds that power.', { kind: b.object.kind ?? '?', name: b.object.name ?? '?', account: s.name ?? '?', namespace: s.namespace ? frag('k8s.rbac.sa-namespace', ' (namespace {namespace})', { namespace: s.namespace }) : '', where }),
        });
      }
    }
  },
};

/** The RBAC rules, in the order their findings are listed for a line. */
export const RBAC_RULES: readonly KubeRule[] = [
  rbacWildcardVerbResource,
  rbacWildcardVerb,
  rbacWildcardResourceCluster,
  rbacWildcardResource,
  rbacSecretsCluster,
  rbacSecretsNamespace,
  rbacImpersonate,
  rbacEscalate,
  rbacWrite,
  rbacNodeProxy,
  rbacWorkloads,
  rbacConfigMaps,
  rbacExec,
  rbacAttach,
  rbacNetworking,
  rbacWebhooks,
  rbacAnonymousBinding,
  rbacAuthenticatedBinding,
  rbacMastersBinding,
  rbacServiceAccountClusterAdmin,
];
