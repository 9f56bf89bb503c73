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
