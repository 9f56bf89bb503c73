import * as assert from 'assert';
import { DEFAULT_CONFIG } from '../../src/core/config';
import { Range } from '../../src/core/model';
import { pod, ruleFindings } from './kubernetes-helpers';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const trusted = (...registries: string[]) => ({ ...DEFAULT_CONFIG, trustedRegistries: registries });
const image = (ref: string): string => pod('  containers:', '    - name: app', `      image: ${ref}`);

describe('k8s-untrusted-registry (KSV-0125)', () => {
  it('is silent until trustedRegistries is set', () => {
    assert.deepStrictEqual(ruleFindings(image('evil.example/app:1'), 'k8s-untrusted-registry'), []);
  });
  it('flags an image from another registry at the image pair, docker.io for a bare name', () => {
    const f = ruleFindings(image('quay.io/team/app:1.2'), 'k8s-untrusted-registry', trusted('ghcr.io'));
    assert.deepStrictEqual(f.map((x) => x.range), [r(7, 6, 7, 33)]);
    assert.match(f[0].message, /"quay\.io", which is not in trustedRegistries \(ghcr\.io\)/);
    assert.match(ruleFindings(image('nginx:1.27'), 'k8s-untrusted-registry', trusted('ghcr.io'))[0].message, /"docker\.io"/);
  });
  it('accepts listed registries, wildcards and prefixes like the Dockerfile rule', () => {
    for (const [ref, allow] of [['ghcr.io/a/b:1', 'ghcr.io'], ['acme.azurecr.io/app:2', '*.azurecr.io'], ['nginx:1.27', 'docker.io'], ['registry.corp:5000/x:1', 'registry.corp*']]) {
      assert.deepStrictEqual(ruleFindings(image(ref), 'k8s-untrusted-registry', trusted(allow)), [], `${ref} under ${allow}`);
    }
  });
  it('leaves a value that is not an image reference alone', () => {
    assert.deepStrictEqual(ruleFindings(image('"${IMAGE}"'), 'k8s-untrusted-registry', trusted('ghcr.io')), []);
  });
});
