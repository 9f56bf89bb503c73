import * as assert from 'assert';
import * as path from 'path';
import { analyze, AnalysisRun, Finding } from '../../src/core';
import { main } from '../../src/cli/main';
import { checkFolderJson } from './cli-helpers';
import { IMAGE_POLICY_FACT, mayHaveImagePolicy } from '../../src/core/kubernetes/imagePolicyText';
import { CliIO } from '../../src/cli/io';
import { Range } from '../../src/core/model';
import { imageDigestRequired, kyvernoWildcard, sigstoreGlob } from '../../src/core/kubernetes/rules/imageDigest';
import { yaml } from './kubernetes-helpers';

const RULE = 'k8s-image-digest-required';
const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const hits = (findings: Finding[]) => findings.filter((f) => f.ruleId === RULE);
const alone = (text: string) => {
  const result = analyze(text, 'kubernetes');
  assert.deepStrictEqual(result.errors, []);
  return hits(result.findings);
};

/** A Kyverno ClusterPolicy with one verifyImages entry (extra lines indented as entry fields). */
function kyverno(patterns: string, entry: string[] = [], spec: string[] = ['  validationFailureAction: Enforce'], match = '[Pod]'): string {
  return yaml('apiVersion: kyverno.io/v1', 'kind: ClusterPolicy', 'metadata: {name: verify}', 'spec:', ...spec, '  rules:', '    - name: r',
    `      match: {any: [{resources: {kinds: ${match}}}]}`, '      verifyImages:', `        - imageReferences: ${patterns}`, ...entry.map((l) => `          ${l}`));
}
/** A Pod in a namespace with one container (line 7: `      image: <image>`, the value at character 13). */
function pod(image: string, ns = 'shop', kind = 'Pod'): string {
  return kind === 'Pod'
    ? yaml('apiVersion: v1', 'kind: Pod', `metadata: {name: p, namespace: ${ns}}`, 'spec:', '  containers:', '    - name: c', '      image: ' + image)
    : yaml('apiVersion: apps/v1', `kind: ${kind}`, `metadata: {name: d, namespace: ${ns}}`, 'spec:', '  template:', '    spec:', '      containers:', `        - {name: c, image: ${image}}`);
}
const sigstore = (glob: string) => yaml('apiVersion: policy.sigstore.dev/v1beta1', 'kind: ClusterImagePolicy', 'metadata: {name: signed}', 'spec:', '  images:', `    - glob: "${glob}"`, '  authorities: [{keyless: {url: https://fulcio.sigstore.dev}}]');
const optIn = (ns: string) => yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${ns}`, '  labels: {policy.sigstore.dev/include: "true"}');

describe('k8s-image-digest-required', () => {
  it('reports an image a Kyverno policy of the same file verifies, on the image value, naming the policy and what admission does', () => {
    const text = pod('ghcr.io/acme/api:1.4') + '---\n' + kyverno('["ghcr.io/acme/*"]');
    const f = alone(text);
    assert.strictEqual(f.length, 1);
    assert.deepStrictEqual(f[0].range, r(6, 13, 6, 33));
    assert.strictEqual(f[0].severity, imageDigestRequired.severity);
    assert.strictEqual(f[0].message, 'The image of container "c" (ghcr.io/acme/api:1.4) is not pinned by digest, and ClusterPolicy "verify" in this file verifies it: Kyverno\'s admission webhook will rewrite the image to the digest it verifies (what runs is no longer what the manifest says). Pin it with @sha256:….');
  });
  it('says nothing without a policy, for an image pinned by digest, or when the policy turns verifyDigest off', () => {
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/api:1.4')), []);
    const digest = 'sha256:' + '0123456789abcdef'.repeat(4);
    assert.deepStrictEqual(alone(pod(`ghcr.io/acme/api:1.4@${digest}`) + '---\n' + kyverno('["ghcr.io/acme/*"]')), []);
    assert.deepStrictEqual(alone(pod(`ghcr.io/acme/api@${digest}`) + '---\n' + kyverno('["ghcr.io/acme/*"]')), []);
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/api:1.4') + '---\n' + kyverno('["ghcr.io/acme/*"]', ['verifyDigest: false'])), []);
    assert.deepStrictEqual(alone(pod('${IMAGE}') + '---\n' + kyverno('["*"]')), [], 'a placeholder is not an image');
  });
  it('matches Kyverno patterns as Kyverno spells the image: docker.io and :latest added, the repository as written', () => {
    const with_ = (image: string, patterns: string) => alone(pod(image) + '---\n' + kyverno(patterns)).length;
    assert.strictEqual(with_('nginx', '["docker.io/nginx:latest"]'), 1);
    assert.strictEqual(with_('nginx:1.27', '["docker.io/nginx:*"]'), 1);
    assert.strictEqual(with_('nginx:1.27', '["nginx*"]'), 0, 'the pattern must name the registry');
    assert.strictEqual(with_('nginx:1.27', '["docker.io/library/nginx*"]'), 0, 'Kyverno does not add library/');
    assert.strictEqual(with_('nginx:1.27', '["index.docker.io/*"]'), 0, 'nor rewrite docker.io to index.docker.io');
    assert.strictEqual(with_('ghcr.io/acme/tools/cli:2', '["ghcr.io/acme/*"]'), 1, '* crosses /');
    assert.strictEqual(with_('ghcr.io/acme/api:1', '["ghcr.io/acme/ap?:1"]'), 1);
    assert.strictEqual(with_('ghcr.io/other/api:1', '["ghcr.io/acme/*"]'), 0);
  });
  it('follows skipImageReferences, match kinds (a Pod rule covers controllers) and namespaces, exclude namespaces and a namespaced Policy\'s namespace', () => {
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/debug:1') + '---\n' + kyverno('["ghcr.io/acme/*"]', ['skipImageReferences: ["ghcr.io/acme/debug*"]'])), []);
    const deployment = pod('ghcr.io/acme/api:1', 'shop', 'Deployment');
    const f = alone(deployment + '---\n' + kyverno('["ghcr.io/acme/*"]'));
    assert.deepStrictEqual(f.map((x) => x.range), [r(7, 27, 7, 45)], 'autogen: a Pod rule applies to Deployments');
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/api:1') + '---\n' + kyverno('["ghcr.io/acme/*"]', [], undefined, '[Deployment]')), [], 'a Deployment rule does not apply to a bare Pod');
    const nsPolicy = (ns: string) => kyverno('["ghcr.io/acme/*"]').replace('kind: ClusterPolicy', 'kind: Policy').replace('metadata: {name: verify}', `metadata: {name: verify, namespace: ${ns}}`);
    assert.strictEqual(alone(pod('ghcr.io/acme/api:1', 'shop') + '---\n' + nsPolicy('shop')).length, 1);
    assert.match(alone(pod('ghcr.io/acme/api:1', 'shop') + '---\n' + nsPolicy('shop'))[0].message, /Policy "verify" \(namespace shop\)/);
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/api:1', 'lab') + '---\n' + nsPolicy('shop')), []);
    const inNamespaces = kyverno('["ghcr.io/acme/*"]', [], undefined, '[Pod], namespaces: [prod-*]');
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/api:1', 'shop') + '---\n' + inNamespaces), []);
    assert.strictEqual(alone(pod('ghcr.io/acme/api:1', 'prod-eu') + '---\n' + inNamespaces).length, 1);
    const excluding = kyverno('["ghcr.io/acme/*"]').replace('      verifyImages:', '      exclude: {any: [{resources: {namespaces: [kube-*]}}]}\n      verifyImages:');
    assert.deepStrictEqual(alone(pod('ghcr.io/acme/api:1', 'kube-system') + '---\n' + excluding), [], 'an excluded namespace');
    assert.strictEqual(alone(pod('ghcr.io/acme/api:1', 'shop') + '---\n' + excluding).length, 1);
    const byName = kyverno('["ghcr.io/acme/*"]').replace('      verifyImages:', '      exclude: {any: [{resources: {namespaces: [shop], names: [other]}}]}\n      verifyImages:');
    assert.strictEqual(alone(pod('ghcr.io/acme/api:1', 'shop') + '---\n' + byName).length, 1, 'an exclude that also names resources is not read as excluding the namespace');
  });
  it('says what Kyverno does: rejects without mutateDigest, only reports under Audit (the default)', () => {
    const reject = alone(pod('ghcr.io/acme/api:1') + '---\n' + kyverno('["ghcr.io/acme/*"]', ['mutateDigest: false']));
    assert.match(reject[0].message, /will reject Pod "p" \(mutateDigest is false/);
    const audit = alone(pod('ghcr.io/acme/api:1') + '---\n' + kyverno('["ghcr.io/acme/*"]', ['mutateDigest: false'], []));
    assert.match(audit[0].message, /failure action Audit\) admits it but records a policy report failure/);
    const ruleLevel = alone(pod('ghcr.io/acme/api:1') + '---\n' + kyverno('["ghcr.io/acme/*"]', ['failureAction: Enforce', 'mutateDigest: false'], ['  validationFailureAction: Audit']));
    assert.match(ruleLevel[0].message, /will reject/, 'the entry\'s failureAction (Kyverno 1.13) wins over the spec\'s');
  });
  it('matches policy-controller globs against the normalised name, only in namespaces that opt in', () => {
    const f = alone(optIn('shop') + '---\n' + pod('redis:7') + '---\n' + sigstore('index.docker.io/library/redis*'));
    assert.deepStrictEqual(f.map((x) => x.range), [r(12, 13, 12, 20)]);
    assert.match(f[0].message, /ClusterImagePolicy "signed" in this file verifies it: policy-controller \(namespace shop opts in\) will resolve the tag to a digest at admission, and reject Pod "p" if it cannot/);
    assert.deepStrictEqual(alone(pod('redis:7') + '---\n' + sigstore('index.docker.io/library/redis*')), [], 'no opt-in label known: policy-controller does not look');
    assert.deepStrictEqual(alone(optIn('lab') + '---\n' + pod('redis:7') + '---\n' + sigstore('**')), [], 'another namespace opts in');
    const n = (image: string, glob: string) => alone(optIn('shop') + '---\n' + pod(image) + '---\n' + sigstore(glob)).length;
    assert.strictEqual(n('redis:7', '*'), 1, 'a bare * means index.docker.io/library/*');
    assert.strictEqual(n('acme/app:1', '*/*'), 1, '*/* means index.docker.io/*/*');
    assert.strictEqual(n('docker.io/acme/app:1', 'index.docker.io/acme/**'), 1);
    assert.strictEqual(n('ghcr.io/acme', 'ghcr.io/*/*'), 0, '* does not cross /');
    assert.strictEqual(n('ghcr.io/acme/app:1', 'ghcr.io/**'), 1);
    assert.strictEqual(n('ghcr.io/acme/app', 'ghcr.io/acme/app'), 1, 'the image as written is tried too');
    assert.strictEqual(n('ghcr.io/acme/app:1', '[a-z]*'), 0, 'an invalid glob matches nothing');
  });
  it('settles across the texts of a run, citing the file that states the policy', () => {
    const run = new AnalysisRun();
    const workload = analyze(pod('ghcr.io/acme/api:1'), 'kubernetes', undefined, { run, source: 'apps/pod.yaml' });
    analyze(kyverno('["ghcr.io/acme/*"]'), 'kubernetes', undefined, { run, source: 'policies/verify.yaml' });
    const f = hits(run.settle(workload.findings));
    assert.deepStrictEqual(f.map((x) => x.range), [r(6, 13, 6, 31)]);
    assert.match(f[0].message, /ClusterPolicy "verify" in policies\/verify\.yaml verifies it/);
    const other = new AnalysisRun();
    const lone = analyze(pod('ghcr.io/acme/api:1'), 'kubernetes', undefined, { run: other });
    analyze(kyverno('["quay.io/*"]'), 'kubernetes', undefined, { run: other });
    assert.deepStrictEqual(hits(other.settle(lone.findings)), [], 'a policy that does not match');
  });
  it('is suppressed by its id, and a file without policies states none', () => {
    const base = pod('ghcr.io/acme/api:1') + '---\n' + kyverno('["ghcr.io/acme/*"]');
    assert.strictEqual(alone(base).length, 1);
    assert.deepStrictEqual(alone(base.replace('      image:', '      # shipshape-ignore k8s-image-digest-required\n      image:')), []);
    assert.deepStrictEqual(analyze(pod('a:1'), 'kubernetes').facts?.filter((f) => f.startsWith('image-policy:')) ?? [], []);
    assert.strictEqual(analyze(kyverno('["a/*"]'), 'kubernetes').facts?.filter((f) => f.startsWith('image-policy:')).length, 1);
  });
  it('implements both wildcard grammars', () => {
    assert.ok(kyvernoWildcard('*', ''));
    assert.ok(kyvernoWildcard('a*b*c', 'aXXbYYc'));
    assert.ok(!kyvernoWildcard('a*b*c', 'aXXbYY'));
    assert.ok(kyvernoWildcard('a?c', 'abc'));
    assert.ok(!kyvernoWildcard('a?c', 'ac'));
    assert.ok(kyvernoWildcard('*'.repeat(50) + 'x', 'y'.repeat(200) + 'x'));
    // As Kyverno's own matcher: `?` is exactly one character, `/` included; `*` may be empty.
    assert.ok(!kyvernoWildcard('my-?-bucket/abc*', 'my--bucket/abc'));
    assert.ok(kyvernoWildcard('my-bucket/abc?efg', 'my-bucket/abc/efg'));
    assert.ok(!kyvernoWildcard('my-bucket/mnop*?and', 'my-bucket/mnopand'));
    assert.ok(kyvernoWildcard('my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqr'));
    assert.ok(kyvernoWildcard('my-bucket/oo*', 'my-bucket/oo'));
    assert.ok(sigstoreGlob('ghcr.io/**')!.test('ghcr.io/foo'));
    assert.ok(!sigstoreGlob('ghcr.io/**')!.test('ghcrxio/foo'), 'a dot is a dot');
    assert.ok(!sigstoreGlob('ghcr.io/foo')!.test('ghcr.io/foo-suffix'));
    assert.strictEqual(sigstoreGlob('.+'), undefined);
  });
});

describe('shipshape check: digests required by signature policies in other files', () => {
  it('reports on the workload file, naming each policy\'s file, in a folder of fixtures', async () => {
    const dir = path.resolve(__dirname, '../../../test/fixtures/image-digest');
    let stdout = '';
    const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: () => undefined, isTTY: false, env: {}, cwd: dir };
    await main(['check', '.', '--format', 'json', '--fail-on', 'none'], io);
    const found = (JSON.parse(stdout).findings as Array<{ file: string; ruleId: string; line: number; column: number; endColumn: number; message: string }>).filter((f) => f.ruleId === RULE);
    assert.deepStrictEqual(found.map((f) => [f.file, f.line, f.column, f.endColumn]), [
      ['apps/workloads.yaml', 11, 18, 38],
      ['apps/workloads.yaml', 17, 18, 28],
      ['apps/workloads.yaml', 19, 18, 25],
    ]);
    assert.match(found[0].message, /ClusterPolicy "verify-acme" in policies\/kyverno-verify\.yaml verifies it: Kyverno's admission webhook will rewrite the image/);
    assert.match(found[1].message, /ClusterPolicy "nginx-by-digest" in policies\/kyverno-strict\.yaml verifies it: Kyverno's admission webhook will reject Deployment "api"/);
    assert.match(found[2].message, /ClusterImagePolicy "signed-redis" in policies\/sigstore\.yaml verifies it: policy-controller \(namespace shop opts in\)/);
  });

  const checkFolder = async (files: Record<string, string>) => (await checkFolderJson(files)).filter((f) => f.ruleId === RULE);

  it('still reports when the policy in another file spells verifyImages with escapes (the pre-scan reads a backslash as a maybe)', async () => {
    const escaped = kyverno('["ghcr.io/acme/*"]').replace('verifyImages:', '"verify\\x49mages":');
    assert.ok(!escaped.includes('verifyImages') && escaped.includes('\\x49'));
    assert.deepStrictEqual((await checkFolder({ 'a-pod.yaml': pod('ghcr.io/acme/api:1.4'), 'z-policy.yaml': escaped })).map((f) => [f.file, f.line, f.column]), [['a-pod.yaml', 7, 14]]);
  });

  it('reports nothing, and builds nothing, when no file of the run holds a policy', async () => {
    assert.deepStrictEqual(await checkFolder({ 'a-pod.yaml': pod('ghcr.io/acme/api:1.4'), 'b-ns.yaml': optIn('shop') }), []);
  });

  it('the pre-scan: a policy\'s words, or a backslash that may escape them', () => {
    assert.strictEqual(mayHaveImagePolicy(kyverno('["*"]')), true);
    assert.strictEqual(mayHaveImagePolicy(sigstore('**')), true);
    assert.strictEqual(mayHaveImagePolicy('kind: "Cluster\\x49magePolicy"'), true);
    assert.strictEqual(mayHaveImagePolicy(pod('nginx:1.25') + optIn('shop')), false);
    assert.strictEqual(IMAGE_POLICY_FACT, 'image-policy:');
  });
});
