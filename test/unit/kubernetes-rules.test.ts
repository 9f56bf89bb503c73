import * as assert from 'assert';
import { DEFAULT_CONFIG, ShipshapeConfig } from '../../src/core/config';
import { kubernetesAnalyzer } from '../../src/core/kubernetes';
import { Range } from '../../src/core/model';
import { assertFixQuality, findings, fixture, pod, ruleFindings, yaml } from './kubernetes-helpers';

/** A Pod whose only container gets the given lines (indented under `- name: app`). */
function container(...lines: string[]): string {
  return pod('  containers:', '    - name: app', '      image: app:1.0', ...lines.map((l) => `      ${l}`));
}


const config = (over: Partial<ShipshapeConfig>): ShipshapeConfig => ({ ...DEFAULT_CONFIG, ...over });
const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

describe('Kubernetes rules: metadata', () => {
  it('every rule has an id, Trivy-like severity, references, description, remediation and applies to kubernetes', () => {
    const ids = new Set<string>();
    for (const rule of kubernetesAnalyzer.rules) {
      assert.ok(/^k8s-[a-z0-9-]+$/.test(rule.id), rule.id);
      assert.ok(!ids.has(rule.id), `duplicate ${rule.id}`);
      ids.add(rule.id);
      assert.strictEqual(rule.appliesTo, 'kubernetes');
      assert.ok(rule.title && rule.description && rule.remediation, rule.id);
      for (const ref of rule.references) assert.match(ref, /^(KSV-\d{4,5}|PSS-(baseline|restricted):[A-Za-z_]+|CIS-\d+(\.\d+)+)$/, `${rule.id}: ${ref}`);
      const pssRef = rule.references.find((x) => x.startsWith('PSS-'));
      if (rule.pss) assert.ok(pssRef?.startsWith(`PSS-${rule.pss}:`), `${rule.id} names its PSS control`);
      else assert.strictEqual(pssRef, undefined, `${rule.id} has no PSS level but a PSS reference`);
    }
    for (const id of ['k8s-allow-privilege-escalation', 'k8s-caps-drop-all', 'k8s-cap-sys-admin', 'k8s-caps-added', 'k8s-docker-sock', 'k8s-host-ipc',
      'k8s-host-network', 'k8s-host-pid', 'k8s-cpu-limit', 'k8s-run-as-non-root', 'k8s-image-latest', 'k8s-readonly-rootfs', 'k8s-cpu-request',
      'k8s-memory-request', 'k8s-privileged', 'k8s-memory-limit', 'k8s-host-path', 'k8s-host-port', 'k8s-unsafe-sysctl', 'k8s-proc-mount',
      'k8s-volume-types', 'k8s-root-group', 'k8s-seccomp', 'k8s-seccomp-unconfined', 'k8s-run-as-uid-0', 'k8s-sa-token-automount',
      'k8s-secret-in-manifest', 'k8s-configmap-secrets', 'k8s-namespace-pss-label', 'k8s-selinux-custom', 'k8s-apparmor-not-default',
      'k8s-windows-host-process']) assert.ok(ids.has(id), id);
  });

  it('resource and read-only-root rules are not PSS controls', () => {
    for (const id of ['k8s-cpu-limit', 'k8s-memory-limit', 'k8s-cpu-request', 'k8s-memory-request', 'k8s-readonly-rootfs']) {
      assert.strictEqual(kubernetesAnalyzer.rules.find((x) => x.id === id)!.pss, undefined, id);
    }
  });
});

describe('Kubernetes rules: a hardened workload', () => {
  it('has no findings at all', () => {
    assert.deepStrictEqual(findings(fixture('hardened.yaml')).map((f) => f.ruleId), []);
  });
  it('a container hardened in flow style has no securityContext findings', () => {
    const text = container('securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}');
    const ids = findings(text).map((f) => f.ruleId);
    for (const id of ['k8s-allow-privilege-escalation', 'k8s-readonly-rootfs', 'k8s-run-as-non-root', 'k8s-seccomp', 'k8s-caps-drop-all']) assert.ok(!ids.includes(id), id);
  });
});

describe('k8s-allow-privilege-escalation', () => {
  it('flags a missing field at the securityContext key, and true at the pair', () => {
    assert.deepStrictEqual(ruleFindings(container('securityContext: {runAsNonRoot: true}'), 'k8s-allow-privilege-escalation').map((f) => f.range), [r(8, 6, 8, 21)]);
    assert.deepStrictEqual(ruleFindings(container('securityContext:', '  allowPrivilegeEscalation: true'), 'k8s-allow-privilege-escalation').map((f) => f.range), [r(9, 8, 9, 38)]);
  });
  it('points at the container name when there is no securityContext', () => {
    assert.deepStrictEqual(ruleFindings(container(), 'k8s-allow-privilege-escalation').map((f) => f.range), [r(6, 6, 6, 15)]);
  });
  it('accepts false, including the YAML 1.1 spelling "no"', () => {
    assert.strictEqual(ruleFindings(container('securityContext: {allowPrivilegeEscalation: false}'), 'k8s-allow-privilege-escalation').length, 0);
    assert.strictEqual(ruleFindings(container('securityContext: {allowPrivilegeEscalation: no}'), 'k8s-allow-privilege-escalation').length, 0);
  });
  it('does not accept the string "false"', () => {
    assert.strictEqual(ruleFindings(container('securityContext: {allowPrivilegeEscalation: "false"}'), 'k8s-allow-privilege-escalation').length, 1);
  });
  it('checks init and ephemeral containers too', () => {
    const text = pod('  initContainers: [{name: i, image: "a:1"}]', '  ephemeralContainers: [{name: e, image: "a:1"}]', '  containers: [{name: c, image: "a:1", securityContext: {allowPrivilegeEscalation: false}}]');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-allow-privilege-escalation').map((f) => f.message.match(/of (.*?):/)![1]), [
      'init container "i"',
      'ephemeral container "e"',
    ]);
  });
  it('exempts Windows pods', () => {
    const text = pod('  os: {name: windows}', '  containers: [{name: c, image: "a:1"}]');
    for (const id of ['k8s-allow-privilege-escalation', 'k8s-caps-drop-all', 'k8s-seccomp']) assert.strictEqual(ruleFindings(text, id).length, 0, id);
  });
});

describe('k8s-run-as-non-root', () => {
  it('accepts pod-level true inherited by a container that does not set it', () => {
    assert.strictEqual(ruleFindings(pod('  securityContext: {runAsNonRoot: true}', '  containers: [{name: c, image: "a:1"}]'), 'k8s-run-as-non-root').length, 0);
  });
  it('flags a container that sets false even when the pod says true', () => {
    const text = pod('  securityContext: {runAsNonRoot: true}', '  containers:', '    - name: c', '      image: a:1', '      securityContext: {runAsNonRoot: false}');
    const list = ruleFindings(text, 'k8s-run-as-non-root');
    assert.deepStrictEqual(list.map((f) => f.range), [r(9, 24, 9, 43)]);
  });
  it('flags a container inheriting pod-level false, pointing at the container with the pod value as related information', () => {
    const text = pod('  securityContext:', '    runAsNonRoot: false', '  containers:', '    - name: c', '      image: a:1');
    const [f] = ruleFindings(text, 'k8s-run-as-non-root');
    assert.deepStrictEqual(f.range, r(8, 6, 8, 13));
    assert.deepStrictEqual(f.related?.map(({ l10n: _, ...rel }) => rel), [{ range: r(6, 4, 6, 23), message: 'inherited from the pod-level securityContext' }]);
  });
  it('flags a pod-level false even when every container overrides it', () => {
    const text = pod('  securityContext:', '    runAsNonRoot: false', '  containers: [{name: c, image: "a:1", securityContext: {runAsNonRoot: true}}]');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-run-as-non-root').map((f) => f.range), [r(6, 4, 6, 23)]);
  });
  it('flags a missing value, and exempts pods with hostUsers: false', () => {
    assert.strictEqual(ruleFindings(container(), 'k8s-run-as-non-root').length, 1);
    assert.strictEqual(ruleFindings(pod('  hostUsers: false', '  containers: [{name: c, image: "a:1"}]'), 'k8s-run-as-non-root').length, 0);
  });
});

describe('k8s-caps-drop-all / k8s-caps-restricted / k8s-caps-added / k8s-cap-sys-admin', () => {
  it('accepts drop ALL', () => {
    assert.strictEqual(ruleFindings(container('securityContext: {capabilities: {drop: ["ALL"]}}'), 'k8s-caps-drop-all').length, 0);
  });
  it('asks for upper-case ALL when drop has "all" (PSS is case-sensitive)', () => {
    const [f] = ruleFindings(container('securityContext: {capabilities: {drop: [all]}}'), 'k8s-caps-drop-all');
    assert.match(f.message, /upper-case "ALL"/);
    assert.deepStrictEqual(f.range, r(8, 46, 8, 49));
  });
  it('flags a drop list without ALL at its key', () => {
    assert.deepStrictEqual(ruleFindings(container('securityContext:', '  capabilities:', '    drop: [NET_RAW]'), 'k8s-caps-drop-all').map((f) => f.range), [r(10, 10, 10, 14)]);
  });
  it('allows NET_BIND_SERVICE only under restricted, the baseline set under baseline, and flags SYS_ADMIN', () => {
    const text = container('securityContext:', '  capabilities:', '    drop: [ALL]', '    add: [NET_BIND_SERVICE, CHOWN, NET_ADMIN, CAP_SYS_ADMIN]');
    // Under baseline each rule reports what it forbids.
    const baseline = config({ profile: 'baseline' });
    assert.deepStrictEqual(ruleFindings(text, 'k8s-caps-added', baseline).map((f) => f.message.match(/capability (\S+),/)?.[1]), ['NET_ADMIN']);
    assert.deepStrictEqual(ruleFindings(text, 'k8s-cap-sys-admin', baseline).map((f) => f.range), [r(11, 52, 11, 65)]);
    // Under restricted one capability is one finding: CHOWN is restricted only, NET_ADMIN baseline, SYS_ADMIN its own rule.
    assert.deepStrictEqual(ruleFindings(text, 'k8s-caps-restricted').map((f) => [f.message.match(/capability (\w+)/)![1], f.range]), [['CHOWN', r(11, 34, 11, 39)]]);
    const netAdmin = ruleFindings(text, 'k8s-caps-added');
    assert.deepStrictEqual(netAdmin.map((f) => [f.range, f.severity]), [[r(11, 41, 11, 50), 'high']]);
    assert.ok(netAdmin[0].references.includes('PSS-restricted:capabilities_restricted') && netAdmin[0].references.includes('KSV-0106'), 'the folded rule names the problem too');
    const sysAdmin = ruleFindings(text, 'k8s-cap-sys-admin');
    assert.deepStrictEqual(sysAdmin.map((f) => [f.range, f.severity]), [[r(11, 52, 11, 65), 'critical']]);
    for (const ref of ['KSV-0005', 'KSV-0022', 'PSS-baseline:capabilities_baseline', 'PSS-restricted:capabilities_restricted']) assert.ok(sysAdmin[0].references.includes(ref), ref);
  });
  it('keeps the stricter rule\'s severity when it is configured higher than the one it is folded into', () => {
    const text = container('securityContext:', '  capabilities:', '    drop: [ALL]', '    add: [NET_ADMIN]');
    const list = findings(text, config({ rules: { 'k8s-caps-restricted': 'critical' } })).filter((f) => f.ruleId.startsWith('k8s-cap'));
    assert.deepStrictEqual(list.map((f) => [f.ruleId, f.severity]), [['k8s-caps-added', 'critical']]);
    // With the baseline rule off, the restricted one reports the capability itself.
    const alone = findings(text, config({ rules: { 'k8s-caps-added': 'off' } })).filter((f) => f.ruleId.startsWith('k8s-cap'));
    assert.deepStrictEqual(alone.map((f) => [f.ruleId, f.range]), [['k8s-caps-restricted', r(11, 16, 11, 25)]]);
  });
});

describe('pod-level host rules', () => {
  it('flags hostNetwork, hostPID and hostIPC set to true, not false', () => {
    const text = pod('  hostNetwork: true', '  hostPID: yes', '  hostIPC: false', '  containers: [{name: c, image: "a:1"}]');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-host-network').map((f) => f.range), [r(5, 2, 5, 19)]);
    assert.strictEqual(ruleFindings(text, 'k8s-host-pid').length, 1);
    assert.strictEqual(ruleFindings(text, 'k8s-host-ipc').length, 0);
  });
  it('flags hostPath volumes, the Docker socket and forbidden volume types (including cephfs)', () => {
    const text = pod('  containers: [{name: c, image: "a:1"}]', '  volumes:', '    - name: sock', '      hostPath: {path: /var/run/docker.sock}', '    - name: ceph', '      cephfs: {monitors: [a]}', '    - name: ok', '      emptyDir: {}');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-host-path').map((f) => f.range), [r(8, 6, 8, 14)]);
    assert.deepStrictEqual(ruleFindings(text, 'k8s-docker-sock').map((f) => f.range), [r(8, 17, 8, 43)]);
    // The hostPath volume is one finding (k8s-host-path, which also names the restricted control).
    assert.deepStrictEqual(ruleFindings(text, 'k8s-volume-types').map((f) => f.message.split(' uses ')[1].split(',')[0]), ['cephfs']);
    assert.ok(ruleFindings(text, 'k8s-host-path')[0].references.includes('PSS-restricted:restrictedVolumes'));
    assert.deepStrictEqual(ruleFindings(text, 'k8s-volume-types', config({ profile: 'restricted', rules: { 'k8s-host-path': 'off' } })).map((f) => f.range), [r(8, 6, 8, 14), r(10, 6, 10, 12)]);
    assert.deepStrictEqual(ruleFindings(pod('  containers: [{name: c, image: "a:1"}]', '  volumes: [{name: v, hostPath: ~, emptyDir: {}}]'), 'k8s-host-path'), [], 'a null hostPath is no hostPath');
  });
  it('folds hostPort into the host-network finding of a hostNetwork pod, and its fix removes both', () => {
    const text = pod('  hostNetwork: true', '  containers:', '    - name: c', '      image: a:1', '      ports:', '        - containerPort: 8080', '          hostPort: 8080');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-host-port'), []);
    const [net] = ruleFindings(text, 'k8s-host-network');
    assert.deepStrictEqual(net.range, r(5, 2, 5, 19));
    assert.match(net.message, /hostPort included/);
    const fix = net.fixes![0];
    assert.strictEqual(fix.title, 'Set hostNetwork: false and remove hostPort');
    const after = assertFixQuality(text, net, fix);
    assert.ok(after.includes('hostNetwork: false') && !after.includes('hostPort'), after);
    assert.deepStrictEqual(ruleFindings(after, 'k8s-host-port'), []);
    // Without hostNetwork the same port is a host-port finding.
    assert.strictEqual(ruleFindings(text.replace('hostNetwork: true', 'hostNetwork: false'), 'k8s-host-port').length, 1);
  });
  it('flags hostPort but allows hostPort: 0 as PSS does', () => {
    const text = container('ports:', '  - {containerPort: 80, hostPort: 0}', '  - {containerPort: 81, hostPort: 8081}');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-host-port').map((f) => f.range), [r(10, 30, 10, 44)]);
  });
  it('flags unsafe sysctls only', () => {
    const text = pod('  securityContext:', '    sysctls:', '      - {name: net.ipv4.tcp_syncookies, value: "1"}', '      - {name: kernel.msgmax, value: "1"}', '  containers: [{name: c, image: "a:1"}]');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-unsafe-sysctl').map((f) => f.message), ['Sysctl kernel.msgmax is not in the safe set: remove it.']);
  });
  it('flags automountServiceAccountToken unless false, at the spec key when missing', () => {
    assert.deepStrictEqual(ruleFindings(container(), 'k8s-sa-token-automount').map((f) => f.range), [r(4, 0, 4, 4)]);
    assert.strictEqual(ruleFindings(pod('  automountServiceAccountToken: false', '  containers: []'), 'k8s-sa-token-automount').length, 0);
    assert.deepStrictEqual(ruleFindings(pod('  automountServiceAccountToken: ~', '  containers: []'), 'k8s-sa-token-automount').map((f) => f.range), [r(5, 2, 5, 33)]);
  });
  it('takes an explicit automountServiceAccountToken: true on the pod as a decision', () => {
    assert.deepStrictEqual(ruleFindings(pod('  automountServiceAccountToken: true', '  containers: []'), 'k8s-sa-token-automount'), []);
  });
  it('is satisfied by a ServiceAccount of the same name and namespace that turns the token off, in the same file', () => {
    const account = (name: string, ns: string, automount: string): string => yaml('apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, `automountServiceAccountToken: ${automount}`);
    const deployment = (sa: string, ns: string): string => yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', `  namespace: ${ns}`, 'spec:', '  template:', '    spec:', `      serviceAccountName: ${sa}`, '      containers: [{name: c, image: "a:1"}]');
    const count = (text: string): number => ruleFindings(text, 'k8s-sa-token-automount').length;
    assert.strictEqual(count(account('web', 'shop', 'false') + '---\n' + deployment('web', 'shop')), 0);
    assert.strictEqual(count(deployment('web', 'shop') + '---\n' + account('web', 'shop', 'false')), 0, 'order does not matter');
    assert.strictEqual(count(account('web', 'shop', 'true') + '---\n' + deployment('web', 'shop')), 1);
    assert.strictEqual(count(account('web', 'other', 'false') + '---\n' + deployment('web', 'shop')), 1, 'another namespace');
    assert.strictEqual(count(account('api', 'shop', 'false') + '---\n' + deployment('web', 'shop')), 1, 'another account');
    assert.strictEqual(count(account('default', 'shop', 'false') + '---\n' + deployment('default', 'shop').replace('      serviceAccountName: default\n', '')), 0, 'no serviceAccountName means default');
  });
});

describe('container securityContext rules', () => {
  it('flags privileged: true, not false', () => {
    assert.deepStrictEqual(ruleFindings(container('securityContext: {privileged: true}'), 'k8s-privileged').map((f) => f.range), [r(8, 24, 8, 40)]);
    assert.strictEqual(ruleFindings(container('securityContext: {privileged: false}'), 'k8s-privileged').length, 0);
  });
  it('flags procMount other than Default, not an unset (null) one', () => {
    const [f] = ruleFindings(container('securityContext: {procMount: Unmasked}'), 'k8s-proc-mount');
    assert.deepStrictEqual([f.range, f.message], [r(8, 24, 8, 43), 'Container "app" sets procMount to Unmasked: remove it or use Default.']);
    assert.strictEqual(ruleFindings(container('securityContext: {procMount: Default}'), 'k8s-proc-mount').length, 0);
    assert.strictEqual(ruleFindings(container('securityContext: {procMount: null}'), 'k8s-proc-mount').length, 0);
  });
  it('relaxes procMount for user-namespace pods under baseline only (k8s-proc-mount-restricted)', () => {
    const userns = pod('  hostUsers: false', '  ephemeralContainers: [{name: e, image: "a:1", securityContext: {procMount: Unmasked}}]');
    assert.deepStrictEqual(ruleFindings(userns, 'k8s-proc-mount'), []);
    assert.deepStrictEqual(ruleFindings(userns, 'k8s-proc-mount', config({ profile: 'baseline' })), []);
    const [restricted] = ruleFindings(userns, 'k8s-proc-mount-restricted');
    assert.deepStrictEqual([restricted.range, restricted.references], [r(6, 66, 6, 85), ['PSS-restricted:procMount_restricted']]);
    // Without user namespaces both controls forbid it: one finding, naming both.
    const plain = container('securityContext: {procMount: Unmasked}');
    assert.deepStrictEqual(ruleFindings(plain, 'k8s-proc-mount-restricted'), []);
    assert.deepStrictEqual(ruleFindings(plain, 'k8s-proc-mount')[0].references, ['KSV-0027', 'PSS-baseline:procMount', 'PSS-restricted:procMount_restricted']);
    assert.deepStrictEqual(ruleFindings(pod('  hostUsers: true', '  containers: [{name: c, image: "a:1", securityContext: {procMount: Unmasked}}]'), 'k8s-proc-mount').length, 1);
  });
  it('flags a writable root filesystem in containers and init containers, not ephemeral ones', () => {
    const text = pod('  initContainers: [{name: i, image: "a:1"}]', '  ephemeralContainers: [{name: e, image: "a:1"}]', '  containers: [{name: c, image: "a:1", securityContext: {readOnlyRootFilesystem: true}}]');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-readonly-rootfs').map((f) => f.message.match(/"(\w)"/)![1]), ['i']);
  });
  it('flags runAsUser 0 at pod and container level', () => {
    const text = pod('  securityContext: {runAsUser: 0}', '  containers: [{name: c, image: "a:1", securityContext: {runAsUser: 0}}, {name: d, image: "a:1", securityContext: {runAsUser: 1000}}]');
    assert.strictEqual(ruleFindings(text, 'k8s-run-as-uid-0').length, 2);
  });
  it('flags the root group as runAsGroup, fsGroup or supplementary group', () => {
    const text = pod('  securityContext: {runAsGroup: 0, fsGroup: 0, supplementalGroups: [10, 0]}', '  containers: [{name: c, image: "a:1", securityContext: {runAsGroup: 0}}]');
    assert.strictEqual(ruleFindings(text, 'k8s-root-group').length, 4);
    assert.strictEqual(ruleFindings(pod('  securityContext: {runAsGroup: 10001}', '  containers: [{name: c, image: "a:1"}]'), 'k8s-root-group').length, 0);
  });
});

describe('SELinux, AppArmor and HostProcess rules (baseline)', () => {
  it('flags custom SELinux types, users and roles at pod and container level, not the container types', () => {
    const text = pod(
      '  securityContext: {seLinuxOptions: {type: spc_t, level: "s0:c123,c456"}}',
      '  containers: [{name: c, image: "a:1", securityContext: {seLinuxOptions: {user: system_u, role: sysadm_r}}}]',
    );
    assert.deepStrictEqual(ruleFindings(text, 'k8s-selinux-custom').map((f) => [f.range.start.line, f.message.split(':')[0]]), [
      [5, 'The pod sets the SELinux type "spc_t"'],
      [6, 'Container "c" sets a custom SELinux user'],
      [6, 'Container "c" sets a custom SELinux role'],
    ]);
    for (const type of ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', '""']) {
      assert.strictEqual(ruleFindings(container(`securityContext: {seLinuxOptions: {type: ${type}, level: "s0:c1,c2"}}`), 'k8s-selinux-custom').length, 0, type);
    }
    assert.strictEqual(ruleFindings(container('securityContext: {seLinuxOptions: {user: "", role: ""}}'), 'k8s-selinux-custom').length, 0);
  });
  it('flags an Unconfined AppArmor profile type and annotation, in init containers too; allows RuntimeDefault, Localhost and localhost/*', () => {
    const text = yaml(
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: d}', 'spec:', '  template:', '    metadata:', '      annotations:',
      '        container.apparmor.security.beta.kubernetes.io/app: unconfined',
      '        container.apparmor.security.beta.kubernetes.io/side: localhost/k8s-nginx',
      '        container.apparmor.security.beta.kubernetes.io/init: runtime/default',
      '        example.com/other: unconfined',
      '    spec:',
      '      initContainers: [{name: init, image: "a:1", securityContext: {appArmorProfile: {type: Unconfined}}}]',
      '      containers:',
      '        - {name: app, image: "a:1", securityContext: {appArmorProfile: {type: RuntimeDefault}}}',
      '        - {name: side, image: "a:1", securityContext: {appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}}}',
    );
    assert.deepStrictEqual(ruleFindings(text, 'k8s-apparmor-not-default').map((f) => f.range.start.line), [7, 12]);
    assert.strictEqual(ruleFindings(pod('  securityContext: {appArmorProfile: {type: Unconfined}}', '  containers: [{name: c, image: "a:1"}]'), 'k8s-apparmor-not-default').length, 1);
  });
  it('flags hostProcess: true at pod and container level, not false or absent', () => {
    const text = pod(
      '  securityContext: {windowsOptions: {hostProcess: true}}',
      '  hostNetwork: true',
      '  containers: [{name: c, image: "a:1", securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM"}}}]',
    );
    assert.deepStrictEqual(ruleFindings(text, 'k8s-windows-host-process').map((f) => f.range.start.line), [5, 7]);
    assert.strictEqual(ruleFindings(container('securityContext: {windowsOptions: {hostProcess: false}}'), 'k8s-windows-host-process').length, 0);
    assert.strictEqual(ruleFindings(container('securityContext: {windowsOptions: {gmsaCredentialSpecName: gmsa}}'), 'k8s-windows-host-process').length, 0);
  });
  it('fixes each finding so that it goes away, keeping the file valid', () => {
    const text = pod(
      '  securityContext:',
      '    seLinuxOptions:',
      '      type: spc_t',
      '      user: system_u',
      '    appArmorProfile:',
      '      type: Unconfined',
      '  containers:',
      '    - name: c',
      '      image: a:1',
      '      securityContext:',
      '        windowsOptions:',
      '          hostProcess: true',
      '          runAsUserName: "NT AUTHORITY\\\\SYSTEM"',
    );
    const all = findings(text).filter((f) => ['k8s-selinux-custom', 'k8s-apparmor-not-default', 'k8s-windows-host-process'].includes(f.ruleId));
    assert.strictEqual(all.length, 4);
    for (const f of all) assertFixQuality(text, f, f.fixes![0]);
  });
});

describe('YAML anchors, aliases and merge keys', () => {
  const hardened = [
    'allowPrivilegeEscalation: false', 'readOnlyRootFilesystem: true', 'runAsNonRoot: true', 'capabilities: {drop: [ALL]}',
    'seccompProfile: {type: RuntimeDefault}',
  ];
  const resources = 'resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}';
  it('reads a securityContext and resources given as aliases like the values they name', () => {
    const text = pod(
      '  automountServiceAccountToken: false',
      '  containers:',
      '    - name: a',
      '      image: a:1.0',
      `      ${resources.replace('resources: ', 'resources: &res ')}`,
      '      securityContext: &hardened',
      ...hardened.map((l) => `        ${l}`),
      '    - name: b',
      '      image: b:1.0',
      '      resources: *res',
      '      securityContext: *hardened',
    );
    assert.deepStrictEqual(findings(text).map((f) => f.ruleId), []);
  });
  it('reports a bad value reached through an alias, and offers no fix in a file that uses aliases', () => {
    const text = pod(
      '  containers:',
      '    - name: a',
      '      image: a:1.0',
      '      securityContext: &loose {privileged: true}',
      '    - name: b',
      '      image: b:1.0',
      '      securityContext: *loose',
    );
    const privileged = ruleFindings(text, 'k8s-privileged');
    assert.deepStrictEqual(privileged.map((f) => f.message.match(/"(\w)"/)![1]), ['a', 'b']);
    assert.ok(findings(text).length > 2);
    assert.deepStrictEqual(findings(text).filter((f) => f.fixes?.length), []);
  });
  it('reads keys merged with <<, the mapping\'s own keys winning', () => {
    const text = yaml(
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'x-defaults: &defaults',
      ...hardened.map((l) => `  ${l}`),
      'spec:',
      '  automountServiceAccountToken: false',
      '  containers:',
      `    - {name: a, image: "a:1.0", ${resources}, securityContext: {<<: *defaults, privileged: true}}`,
      `    - {name: b, image: "b:1.0", ${resources}, securityContext: {<<: [*defaults], readOnlyRootFilesystem: false}}`,
    );
    assert.deepStrictEqual(findings(text).map((f) => f.ruleId), ['k8s-privileged', 'k8s-readonly-rootfs']);
  });
  it('leaves recursive aliases alone and does not expand alias bombs', () => {
    assert.doesNotThrow(() => findings(pod('  containers: &c [{name: a, image: "a:1", args: *c}]')));
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: m}', 'x0: &x0 [a, a, a, a, a, a, a, a, a, a]'];
    for (let i = 1; i < 30; i++) bomb.push(`x${i}: &x${i} [*x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}, *x${i - 1}]`);
    bomb.push('data: {password: *x29}');
    assert.ok(Array.isArray(findings(yaml(...bomb))));
  });
});

describe('seccomp rules', () => {
  it('accepts a pod-level RuntimeDefault inherited by every container, and Localhost', () => {
    assert.strictEqual(ruleFindings(pod('  securityContext: {seccompProfile: {type: RuntimeDefault}}', '  containers: [{name: c, image: "a:1"}, {name: d, image: "a:1"}]'), 'k8s-seccomp').length, 0);
    assert.strictEqual(ruleFindings(container('securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}'), 'k8s-seccomp').length, 0);
  });
  it('flags each container when no level sets a profile (restricted), but baseline is silent', () => {
    const text = pod('  containers: [{name: c, image: "a:1"}, {name: d, image: "a:1"}]');
    assert.strictEqual(ruleFindings(text, 'k8s-seccomp').length, 2);
    assert.strictEqual(ruleFindings(text, 'k8s-seccomp-unconfined').length, 0);
  });
  it('flags Unconfined at pod level once: the containers that inherit it are part of that finding', () => {
    const text = pod('  securityContext:', '    seccompProfile:', '      type: Unconfined', '  containers: [{name: c, image: "a:1"}, {name: d, image: "a:1"}]');
    const [pod0] = ruleFindings(text, 'k8s-seccomp-unconfined');
    assert.deepStrictEqual(pod0.range, r(7, 6, 7, 22));
    assert.ok(pod0.references.includes('PSS-restricted:seccompProfile_restricted') && pod0.references.includes('KSV-0030'));
    assert.deepStrictEqual(ruleFindings(text, 'k8s-seccomp'), []);
    // Without the baseline rule, the restricted rule reports each inheriting container.
    const [inherited] = ruleFindings(text, 'k8s-seccomp', config({ rules: { 'k8s-seccomp-unconfined': 'off' } }));
    assert.match(inherited.message, /inherits seccomp profile Unconfined from the pod/);
    assert.strictEqual(inherited.related?.[0].message, 'inherited from the pod-level securityContext');
  });
  it('forbids a set seccomp profile without a valid type as Pod Security admission does, not an unset one', () => {
    const [noType] = ruleFindings(pod('  securityContext: {seccompProfile: {}}', '  containers: [{name: c, image: "a:1"}]'), 'k8s-seccomp-unconfined');
    assert.deepStrictEqual([noType.range, noType.message], [r(5, 20, 5, 38), 'The pod sets a seccomp profile without a type: use RuntimeDefault.']);
    assert.strictEqual(ruleFindings(container('securityContext: {seccompProfile: {type: unconfined}}'), 'k8s-seccomp-unconfined').length, 1);
    assert.strictEqual(ruleFindings(pod('  securityContext: {seccompProfile: null}', '  containers: [{name: c, image: "a:1"}]'), 'k8s-seccomp-unconfined').length, 0);
    assert.strictEqual(ruleFindings(container('securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}'), 'k8s-seccomp-unconfined').length, 0);
  });
  it('a container RuntimeDefault overrides a pod-level Unconfined for k8s-seccomp', () => {
    const text = pod('  securityContext: {seccompProfile: {type: Unconfined}}', '  containers: [{name: c, image: "a:1", securityContext: {seccompProfile: {type: RuntimeDefault}}}]');
    assert.strictEqual(ruleFindings(text, 'k8s-seccomp').length, 0);
    assert.strictEqual(ruleFindings(text, 'k8s-seccomp-unconfined').length, 1);
  });
});

describe('resources and image rules', () => {
  it('flags each missing request and limit, at the deepest existing key', () => {
    const text = container('resources:', '  limits:', '    memory: 64Mi');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-memory-limit').length, 0);
    assert.deepStrictEqual(ruleFindings(text, 'k8s-cpu-limit').map((f) => f.range), [r(9, 8, 9, 14)]);
    assert.deepStrictEqual(ruleFindings(text, 'k8s-cpu-request').map((f) => f.range), [r(8, 6, 8, 15)]);
  });
  it('does not ask ephemeral containers for resources', () => {
    assert.strictEqual(ruleFindings(pod('  ephemeralContainers: [{name: e, image: "a:1"}]'), 'k8s-cpu-limit').length, 0);
  });
  it('flags latest and untagged images, not pinned ones or placeholders', () => {
    const text = pod('  containers:', '    - {name: a, image: nginx}', '    - {name: b, image: "nginx:latest"}', '    - {name: c, image: "nginx:1.27"}', '    - {name: d, image: "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}', '    - {name: e, image: "${IMAGE}"}', '    - {name: f, image: "localhost:5000/app"}');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-image-latest').map((f) => f.message.match(/"(\w)"/)![1]), ['a', 'b', 'f']);
    assert.deepStrictEqual(ruleFindings(text, 'k8s-image-latest')[0].range, r(6, 16, 6, 28));
  });
});

describe('object rules', () => {
  it('flags Secret values committed in data and stringData, not empty ones or placeholders', () => {
    const text = yaml('apiVersion: v1', 'kind: Secret', 'metadata: {name: s}', 'data:', '  a: c2VjcmV0', '  b: ""', 'stringData:', '  c: ${FROM_ENV}');
    const list = ruleFindings(text, 'k8s-secret-in-manifest');
    assert.deepStrictEqual(list.map((f) => f.range), [r(4, 2, 4, 13)]);
    assert.match(list[0].message, /sealed-secrets or external-secrets/);
  });
  it('flags secret-looking ConfigMap keys and embedded assignments, not templated values', () => {
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm}', 'data:', '  DB_PASSWORD: hunter2', '  API_TOKEN: "${TOKEN}"', '  LOG_LEVEL: debug', '  app.properties: |', '    url=http://x', '    client_secret=abc123', '  other.properties: |', '    password=$(PW_FROM_ENV)');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-configmap-secrets').map((f) => f.range.start.line), [4, 9]);
  });
  it('flags a Namespace without the enforce label, at info severity', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: team', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: ok', '  labels:', '    pod-security.kubernetes.io/enforce: restricted');
    const list = ruleFindings(text, 'k8s-namespace-pss-label');
    assert.deepStrictEqual(list.map((f) => [f.range, f.severity]), [[r(3, 2, 3, 12), 'info']]);
  });
});

describe('Kubernetes: nesting, multi-document files and Lists', () => {
  it('finds containers of a CronJob three levels down, with ranges in the original file', () => {
    const f = findings(fixture('four-space-flat-seq.yaml')).find((x) => x.ruleId === 'k8s-allow-privilege-escalation' && x.message.includes('report'))!;
    assert.deepStrictEqual(f.range, r(15, 26, 15, 56));
  });
  it('reports findings of every document and of List items with document-relative lines', () => {
    const list = findings(fixture('multi-doc.yaml'));
    assert.deepStrictEqual(list.filter((f) => f.ruleId === 'k8s-privileged').map((f) => f.range), [r(35, 12, 35, 28)]);
    assert.ok(list.some((f) => f.ruleId === 'k8s-secret-in-manifest'));
    assert.ok(list.some((f) => f.ruleId === 'k8s-namespace-pss-label'));
  });
});

describe('Kubernetes: suppression, profile and configuration', () => {
  const privileged = (comment: string, trailing = ''): string => pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', ...(comment ? [`        ${comment}`] : []), `        privileged: true${trailing}`);

  it('a "# shipshape-ignore" comment on the line before suppresses that rule only', () => {
    const text = privileged('# shipshape-ignore k8s-privileged needed for the CNI');
    assert.strictEqual(ruleFindings(text, 'k8s-privileged').length, 0);
    assert.ok(findings(text).length > 0);
  });
  it('a trailing comment suppresses its own line, and the public id KSV-0017 works', () => {
    assert.strictEqual(ruleFindings(privileged('', ' # shipshape-ignore k8s-privileged'), 'k8s-privileged').length, 0);
    assert.strictEqual(ruleFindings(privileged('', ' # shipshape-ignore KSV-0017'), 'k8s-privileged').length, 0);
    assert.strictEqual(ruleFindings(privileged('', ' # shipshape-ignore KSV017'), 'k8s-privileged').length, 0);
  });
  it('a suppression for another rule does not hide the finding', () => {
    assert.strictEqual(ruleFindings(privileged('# shipshape-ignore k8s-host-pid'), 'k8s-privileged').length, 1);
  });
  it('"# shipshape-ignore-file" suppresses a rule in the whole file', () => {
    const text = '# shipshape-ignore-file k8s-readonly-rootfs,KSV-0011\n' + fixture('insecure-deployment.yaml');
    assert.strictEqual(ruleFindings(text, 'k8s-readonly-rootfs').length, 0);
    assert.strictEqual(ruleFindings(text, 'k8s-cpu-limit').length, 0);
    // Its containers set no resources: the memory limit is still reported, in the one finding that no longer names KSV-0011.
    const combined = ruleFindings(text, 'k8s-resources-missing');
    assert.ok(combined.length > 0);
    for (const f of combined) assert.deepStrictEqual(f.references, ['KSV-0015', 'KSV-0016', 'KSV-0018']);
  });
  it('a "#" inside a string is not a suppression comment', () => {
    const text = pod('  containers:', '    - name: "x # shipshape-ignore k8s-privileged"', '      image: app:1', '      securityContext: {privileged: true}');
    assert.strictEqual(ruleFindings(text, 'k8s-privileged').length, 1);
  });
  it('the baseline profile hides restricted rules but keeps baseline and non-PSS rules', () => {
    const text = fixture('insecure-deployment.yaml');
    const ids = new Set(findings(text, config({ profile: 'baseline' })).map((f) => f.ruleId));
    for (const id of ['k8s-allow-privilege-escalation', 'k8s-run-as-non-root', 'k8s-seccomp', 'k8s-caps-drop-all', 'k8s-volume-types', 'k8s-run-as-uid-0']) assert.ok(!ids.has(id), id);
    for (const id of ['k8s-privileged', 'k8s-host-network', 'k8s-host-pid', 'k8s-seccomp-unconfined', 'k8s-readonly-rootfs', 'k8s-cpu-limit']) assert.ok(ids.has(id), id);
  });
  it('a configured severity overrides the rule severity, by our id or a public reference', () => {
    const text = container('securityContext: {privileged: true}');
    assert.strictEqual(ruleFindings(text, 'k8s-privileged', config({ rules: { 'k8s-privileged': 'low' } }))[0].severity, 'low');
    assert.strictEqual(ruleFindings(text, 'k8s-privileged', config({ rules: { KSV017: 'critical' } }))[0].severity, 'critical');
    assert.strictEqual(ruleFindings(text, 'k8s-privileged', config({ rules: { 'KSV-0017': 'off' } })).length, 0);
  });
});
