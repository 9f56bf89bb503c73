import * as assert from 'assert';
import { isMap } from 'yaml';
import { parseKubeModel } from '../../src/core/kubernetes/model';
import { hardenContainerFix, hardenPatch } from '../../src/core/kubernetes/fixes';
import { Finding } from '../../src/core/model';
import { applyEdits } from '../../src/core/text';
import { applyFix, assertAllFixesQuality, assertFixQuality, findings, fixture, pod, ruleFindings, yaml } from './kubernetes-helpers';

const toCrlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

function fixOf(f: Finding, title: RegExp): ReturnType<typeof Object> {
  const fix = f.fixes?.find((x) => title.test(x.title));
  assert.ok(fix, `finding ${f.ruleId} offers a fix matching ${title}; has ${JSON.stringify(f.fixes?.map((x) => x.title))}`);
  return fix!;
}

describe('Kubernetes fixes: every fix of realistic fixtures meets the quality bar', () => {
  for (const name of ['insecure-deployment.yaml', 'four-space-flat-seq.yaml', 'flow-style.yaml', 'multi-doc.yaml']) {
    it(`fixes in ${name} remove their finding, add nothing as severe, keep the file parseable and are idempotent`, () => {
      const n = assertAllFixesQuality(fixture(name));
      assert.ok(n > 0, 'fixes were offered');
    });
    it(`fixes in ${name} with CRLF line breaks keep CRLF`, () => {
      const n = assertAllFixesQuality(toCrlf(fixture(name)));
      assert.ok(n > 0);
    });
  }
});

describe('Kubernetes fixes: exact edits', () => {
  function onlyFinding(text: string, ruleId: string): Finding {
    const list = ruleFindings(text, ruleId);
    assert.strictEqual(list.length, 1, `one ${ruleId} finding`);
    return list[0];
  }

  it('merges allowPrivilegeEscalation into an existing block securityContext at the siblings\' indentation', () => {
    const text = pod(
      '  containers:',
      '    - name: app',
      '      image: app:1',
      '      securityContext:',
      '        runAsNonRoot: true # keep me',
    );
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-allow-privilege-escalation'), /^Set allowPrivilegeEscalation/));
    assert.strictEqual(fixed, pod(
      '  containers:',
      '    - name: app',
      '      image: app:1',
      '      securityContext:',
      '        runAsNonRoot: true # keep me',
      '        allowPrivilegeEscalation: false',
    ));
  });

  it('creates the securityContext when the container has none, with the file\'s 4-space indentation', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '    name: p',
      'spec:',
      '    containers:',
      '    -   name: app',
      '        image: app:1',
    );
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-readonly-rootfs'), /readOnlyRootFilesystem/));
    assert.strictEqual(fixed, yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '    name: p',
      'spec:',
      '    containers:',
      '    -   name: app',
      '        image: app:1',
      '        securityContext:',
      '            readOnlyRootFilesystem: true',
    ));
  });

  it('edits inside a flow-style securityContext instead of rewriting it', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext: {privileged: true}');
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-privileged'), /^Set privileged: false/));
    assert.ok(fixed.includes('      securityContext: {privileged: false}\n'), fixed);
    const unprivileged = text.replace('privileged: true', 'privileged: false');
    const escalation = applyFix(unprivileged, fixOf(onlyFinding(unprivileged, 'k8s-allow-privilege-escalation'), /allowPrivilegeEscalation/));
    assert.ok(escalation.includes('      securityContext: {privileged: false, allowPrivilegeEscalation: false}\n'), escalation);
  });

  it('adds keys to an empty flow mapping', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext: {}');
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-caps-drop-all'), /Drop all/));
    assert.ok(fixed.includes('      securityContext: {capabilities: {drop: ["ALL"]}}\n'), fixed);
  });

  it('fills an empty securityContext: key with nested keys', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '  automountServiceAccountToken: false');
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-allow-privilege-escalation'), /^Set allowPrivilegeEscalation/));
    assert.strictEqual(fixed, pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        allowPrivilegeEscalation: false', '  automountServiceAccountToken: false'));
  });

  it('rewrites a lower-case "all" to "ALL" keeping its quotes', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities:', "          drop: ['all', NET_RAW]");
    const finding = onlyFinding(text, 'k8s-caps-drop-all');
    assert.match(finding.message, /upper-case "ALL"/);
    const fix = fixOf(finding, /upper case/);
    assert.strictEqual(fix.safe, true);
    assert.ok(applyFix(text, fix).includes("          drop: ['ALL', NET_RAW]\n"));
  });

  it('appends ALL to a non-indented block drop list', () => {
    const text = pod('  containers:', '  - name: app', '    image: app:1', '    securityContext:', '      capabilities:', '        drop:', '        - NET_RAW', '  automountServiceAccountToken: false');
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-caps-drop-all'), /Drop all/));
    assert.strictEqual(fixed, pod('  containers:', '  - name: app', '    image: app:1', '    securityContext:', '      capabilities:', '        drop:', '        - NET_RAW', '        - "ALL"', '  automountServiceAccountToken: false'));
  });

  it('removes only the forbidden capabilities from a block add list, keeping comments', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities:', '          add:', '            # web server port', '            - NET_BIND_SERVICE', '            - SYS_ADMIN # why?', '            - CHOWN');
    const fixed = applyFix(text, fixOf(ruleFindings(text, 'k8s-caps-restricted')[0], /Remove added/));
    assert.strictEqual(fixed, pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities:', '          add:', '            # web server port', '            - NET_BIND_SERVICE'));
  });

  it('removes hostPort from a flow port mapping and from the first key of a block item', () => {
    const flow = pod('  containers:', '    - name: app', '      image: app:1', '      ports: [{containerPort: 80, hostPort: 80}]');
    assert.ok(applyFix(flow, fixOf(onlyFinding(flow, 'k8s-host-port'), /Remove hostPort/)).includes('      ports: [{containerPort: 80}]\n'));
    const block = pod('  containers:', '    - name: app', '      image: app:1', '      ports:', '        - hostPort: 80', '          containerPort: 80');
    const fixed = applyFix(block, fixOf(onlyFinding(block, 'k8s-host-port'), /Remove hostPort/));
    assert.ok(fixed.endsWith('      ports:\n        - containerPort: 80\n'), fixed);
  });

  it('sets seccomp at pod level when nothing sets it, so every container inherits it', () => {
    const text = pod('  securityContext:', '    runAsNonRoot: true', '  containers:', '    - name: a', '      image: a:1', '    - name: b', '      image: b:1');
    const list = ruleFindings(text, 'k8s-seccomp');
    assert.strictEqual(list.length, 2);
    const fixed = applyFix(text, fixOf(list[0], /for the pod/));
    assert.ok(fixed.includes('  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n  containers:'), fixed);
    assert.strictEqual(ruleFindings(fixed, 'k8s-seccomp').length, 0);
  });

  it('fixes an inherited runAsNonRoot: false where it is written (the pod)', () => {
    const text = pod('  securityContext:', '    runAsNonRoot: false', '  containers:', '    - name: a', '      image: a:1');
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-run-as-non-root'), /runAsNonRoot/));
    assert.ok(fixed.includes('    runAsNonRoot: true\n'));
  });

  it('preserves CRLF in inserted lines', () => {
    const text = toCrlf(pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        privileged: false'));
    const fixed = applyFix(text, fixOf(onlyFinding(text, 'k8s-allow-privilege-escalation'), /^Set allowPrivilegeEscalation/));
    assert.ok(fixed.includes('        privileged: false\r\n        allowPrivilegeEscalation: false\r\n'), JSON.stringify(fixed));
  });

  it('offers no escalation fix next to an added SYS_ADMIN (Kubernetes would reject the result)', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities: {add: [SYS_ADMIN]}');
    const f = onlyFinding(text, 'k8s-allow-privilege-escalation');
    assert.ok(!(f.fixes ?? []).some((x) => /allowPrivilegeEscalation/.test(x.title) || /Harden/.test(x.title)));
  });

  it('reports a privileged container once: no escalation or drop-ALL advice, and Harden turns both off', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        privileged: true');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-allow-privilege-escalation'), []);
    assert.deepStrictEqual(ruleFindings(text, 'k8s-caps-drop-all'), []);
    const priv = onlyFinding(text, 'k8s-privileged');
    const fixed = assertFixQuality(text, priv, fixOf(priv, /^Harden/));
    assert.ok(fixed.includes('        privileged: false\n        allowPrivilegeEscalation: false\n'), fixed);
    // Turned off, the advice the privileged finding stood for appears.
    const plain = applyFix(text, fixOf(priv, /^Set privileged: false/));
    assert.strictEqual(ruleFindings(plain, 'k8s-allow-privilege-escalation').length, 1);
    assert.strictEqual(ruleFindings(plain, 'k8s-caps-drop-all').length, 1);
  });

  it('offers no Harden on a privileged container that adds SYS_ADMIN (escalation could not be turned off)', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        privileged: true', '        capabilities: {add: [SYS_ADMIN]}');
    for (const f of findings(text)) assert.ok(!(f.fixes ?? []).some((x) => /^Harden/.test(x.title)), f.ruleId);
  });

  it('removes the add key with its last capability instead of leaving add: []', () => {
    const flow = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities: {drop: [ALL], add: [SYS_ADMIN]}');
    const f = onlyFinding(flow, 'k8s-cap-sys-admin');
    assert.ok(assertFixQuality(flow, f, fixOf(f, /Remove SYS_ADMIN/)).includes('        capabilities: {drop: [ALL]}\n'));
    const block = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities:', '          add:', '            - NET_ADMIN', '          drop: [ALL]', '        runAsNonRoot: true');
    const g = onlyFinding(block, 'k8s-caps-added');
    const fixed = assertFixQuality(block, g, fixOf(g, /Remove capabilities outside/));
    assert.strictEqual(fixed, pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        capabilities:', '          drop: [ALL]', '        runAsNonRoot: true'));
  });

  it('removes the sysctls key with its last unsafe sysctl', () => {
    const text = pod('  securityContext:', '    runAsNonRoot: true', '    sysctls: [{name: kernel.msgmax, value: "1"}]', '  containers: [{name: c, image: "a:1"}]');
    const f = onlyFinding(text, 'k8s-unsafe-sysctl');
    assert.strictEqual(applyFix(text, f.fixes![0]), pod('  securityContext:', '    runAsNonRoot: true', '  containers: [{name: c, image: "a:1"}]'));
  });

  it('does not offer a fix that would replace a non-mapping securityContext', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext: oops');
    const f = onlyFinding(text, 'k8s-allow-privilege-escalation');
    assert.deepStrictEqual(f.fixes ?? [], []);
  });

  it('offers a resources snippet with placeholders, editor only', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1');
    const fix = fixOf(onlyFinding(text, 'k8s-resources-missing'), /resource/);
    assert.strictEqual(fix.snippet, true);
    assert.strictEqual(fix.safe, false);
    assert.strictEqual(fix.edits.length, 1);
    assert.match(fix.edits[0].newText, /cpu: \$\{1:100m\}/);
    const fixed = applyFix(text, fix);
    for (const id of ['k8s-resources-missing', 'k8s-cpu-limit', 'k8s-cpu-request', 'k8s-memory-limit', 'k8s-memory-request']) assert.strictEqual(ruleFindings(fixed, id).length, 0, id);
  });
});

describe('Kubernetes fixes: "Harden this container"', () => {
  const text = yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: d',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app # main',
    '          image: app:1',
    '          securityContext:',
    '            capabilities:',
    '              drop: [all]',
    '            seccompProfile: {type: Unconfined}',
  );

  it('is attached to each security finding of the container, not preferred', () => {
    const withHarden = findings(text).filter((f) => f.fixes?.some((x) => x.title.startsWith('Harden this container')));
    assert.deepStrictEqual(withHarden.map((f) => f.ruleId).sort(), [
      'k8s-allow-privilege-escalation', 'k8s-caps-drop-all', 'k8s-readonly-rootfs', 'k8s-run-as-non-root', 'k8s-seccomp-unconfined',
    ]);
    // The container's own Unconfined profile is one finding (baseline), which names the restricted control too.
    assert.ok(findings(text).find((f) => f.ruleId === 'k8s-seccomp-unconfined')!.references.includes('PSS-restricted:seccompProfile_restricted'));
    const fix = withHarden[0].fixes!.find((x) => x.title.startsWith('Harden'))!;
    assert.strictEqual(fix.preferred, false);
    assert.strictEqual(fix.kind, 'quickfix');
  });

  it('merges every hardening key into the existing securityContext, once', () => {
    const f = findings(text).find((x) => x.ruleId === 'k8s-readonly-rootfs')!;
    const fixed = assertFixQuality(text, f, fixOf(f, /^Harden/));
    assert.strictEqual(fixed, yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: d',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: app # main',
      '          image: app:1',
      '          securityContext:',
      '            capabilities:',
      '              drop: [ALL]',
      '            seccompProfile: {type: RuntimeDefault}',
      '            allowPrivilegeEscalation: false',
      '            readOnlyRootFilesystem: true',
      '            runAsNonRoot: true',
    ));
    const model = parseKubeModel(fixed)!;
    assert.deepStrictEqual(hardenPatch(model.pods[0].containers[0]), {}, 'nothing left to harden');
    assert.strictEqual(hardenContainerFix(model, model.pods[0].containers[0], 'runAsNonRoot'), undefined);
    assert.ok(!findings(fixed).some((x) => x.fixes?.some((y) => y.title.startsWith('Harden'))), 'no longer offered');
  });

  it('applies cleanly to a 4-space CronJob with a non-indented container list', () => {
    const cron = fixture('four-space-flat-seq.yaml');
    const f = findings(cron).find((x) => x.ruleId === 'k8s-readonly-rootfs' && x.message.includes('uploader'))!;
    const fixed = applyFix(cron, fixOf(f, /^Harden/));
    assert.ok(fixed.includes([
      '                      image: ghcr.io/acme/uploader',
      '                      ports:',
      '                      - hostPort: 9000',
      '                        containerPort: 9000',
      '                      securityContext:',
      '                          allowPrivilegeEscalation: false',
    ].join('\n')), fixed);
    assert.ok(isMap(parseKubeModel(fixed)!.pods[0].containers[1].securityContext));
  });

  it('applies edits against the original text only (no overlapping edits)', () => {
    for (const f of findings(fixture('insecure-deployment.yaml'))) {
      for (const fix of f.fixes ?? []) assert.doesNotThrow(() => applyEdits(fixture('insecure-deployment.yaml'), fix.edits), fix.title);
    }
  });
});

describe('Kubernetes fixes: a comment-laden manifest', () => {
  it('every fix keeps the comments it does not delete, in LF and CRLF', () => {
    assert.ok(assertAllFixesQuality(fixture('commented.yaml')) > 10);
    assert.ok(assertAllFixesQuality(toCrlf(fixture('commented.yaml'))) > 10);
  });

  it('hardening inserts after the last key of each mapping and keeps a trailing comment line', () => {
    const text = fixture('commented.yaml');
    const f = findings(text).find((x) => x.ruleId === 'k8s-readonly-rootfs' && x.message.includes('"agent"'))!;
    const fixed = applyFix(text, fixOf(f, /^Harden/));
    assert.ok(fixed.includes([
      '                - SYS_ADMIN # mount helper',
      '              drop: ["ALL"]',
      '            readOnlyRootFilesystem: true',
      '            runAsNonRoot: true',
      '            seccompProfile:',
      '              type: RuntimeDefault',
      '              # drop nothing yet',
      '          # resources come from the LimitRange',
    ].join('\n')), fixed);
  });
});

describe('Kubernetes fixes: "fix all" combines them safely', () => {
  const { fixAll } = require('../../src/core/fix') as typeof import('../../src/core/fix');
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  for (const name of ['insecure-deployment.yaml', 'four-space-flat-seq.yaml', 'flow-style.yaml', 'multi-doc.yaml', 'commented.yaml']) {
    for (const eol of ['LF', 'CRLF']) {
      it(`applying every fix of ${name} (${eol}) in passes leaves valid YAML with the same objects and fewer findings`, () => {
        const text = eol === 'LF' ? fixture(name) : toCrlf(fixture(name));
        const { text: fixed, applied } = fixAll(text, 'kubernetes', undefined, { includeUnsafe: true });
        assert.ok(applied.length > 0);
        assert.deepStrictEqual(parseAllDocuments(fixed).flatMap((d) => d.errors.map((e) => e.message)), [], fixed);
        assert.deepStrictEqual(parseKubeModel(fixed)!.objects.map((o) => o.kind), parseKubeModel(text)!.objects.map((o) => o.kind));
        assert.ok(findings(fixed).length < findings(text).length);
        if (eol === 'CRLF') assert.ok(!/[^\r]\n/.test(fixed), 'CRLF kept');
      });
    }
  }

  it('removing the only key of a securityContext and adding another one are applied in separate passes', () => {
    const text = pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        runAsUser: 0 # root');
    const { text: fixed } = fixAll(text, 'kubernetes', undefined, { includeUnsafe: true, rules: (f) => ['k8s-run-as-uid-0', 'k8s-allow-privilege-escalation'].includes(f.ruleId) });
    assert.strictEqual(fixed, pod('  containers:', '    - name: app', '      image: app:1', '      securityContext:', '        allowPrivilegeEscalation: false'));
  });
});
