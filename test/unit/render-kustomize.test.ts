/**
 * Kustomize overlays rendered by the REAL `kubectl kustomize` (installed on dev and CI machines):
 * findings land in the file that writes the field (the patch for what a patch sets, the base
 * resource for the rest), once per source location however many overlays render a base; the
 * user's files are never modified (origin annotations come from a wrapper outside the workspace).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../src/core';
import { mapKustomizeFindings } from '../../src/core/render';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { readKustomization } from '../../src/node/render';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize');

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

interface JsonFinding { file: string; ruleId: string; line: number; column: number; rendered?: { tool: string; root: string } }

describe('Kustomize: overlays rendered with the real kubectl kustomize', function () {
  before(function () {
    if (!hasKubectl()) {
      // Loud: this suite is the contract for overlays, and kubectl is expected on every machine.
      console.warn('\n  !!! kubectl is not on PATH: the Kustomize render tests are SKIPPED !!!\n');
      this.skip();
    }
  });

  it('reports the privileged patch on the patch line and the base field on the base line, once', async () => {
    const before = fs.readFileSync(path.join(FIXTURES, 'overlay', 'kustomization.yaml'), 'utf8');
    const { code, stdout, stderr } = await run(['check', '.', '--format', 'json'], FIXTURES);
    assert.strictEqual(stderr, '');
    assert.strictEqual(code, 1);
    const findings = JSON.parse(stdout).findings as JsonFinding[];
    const priv = findings.filter((f) => f.ruleId === 'k8s-privileged');
    assert.deepStrictEqual(priv.map((f) => [f.file, f.line, f.column, f.rendered]), [[path.join('overlay', 'debug.yaml'), 12, 13, { tool: 'kustomize', root: 'overlay' }]]);
    // base, overlay and prod all render base/deployment.yaml: its `image: nginx:latest` is reported once.
    const latest = findings.filter((f) => f.ruleId === 'k8s-image-latest');
    assert.deepStrictEqual(latest.map((f) => [f.file, f.line, f.column]), [[path.join('base', 'deployment.yaml'), 18, 11]]);
    // The patch is part of the overlay, not a manifest of its own: nothing else is reported on it.
    assert.deepStrictEqual(findings.filter((f) => f.file === path.join('overlay', 'debug.yaml')).map((f) => f.ruleId), ['k8s-privileged']);
    assert.strictEqual(fs.readFileSync(path.join(FIXTURES, 'overlay', 'kustomization.yaml'), 'utf8'), before);
  });

  it('--no-render analyses the same files as they are', async () => {
    const { stdout } = await run(['check', '.', '--format', 'json', '--no-render'], FIXTURES);
    const findings = JSON.parse(stdout).findings as JsonFinding[];
    assert.ok(findings.every((f) => f.rendered === undefined));
    // Read alone, the patch is a Deployment of its own with its own gaps.
    assert.ok(findings.some((f) => f.file === path.join('overlay', 'debug.yaml') && f.ruleId === 'k8s-sa-token-automount'));
  });

  it('exits 2 with kustomize\'s message when an overlay does not build', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-kz-'));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - pod.yaml\n  - missing.yaml\n');
    fs.writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]\n');
    const { code, stderr, stdout } = await run(['check', '.', '--format', 'json'], dir);
    assert.strictEqual(code, 2);
    assert.match(stderr, /^shipshape: \.: kustomize could not render it:\n {2}.*missing\.yaml/m);
    // Its files are still read as they are: a failed build hides nothing.
    assert.ok((JSON.parse(stdout).findings as JsonFinding[]).some((f) => f.file === 'pod.yaml' && f.ruleId === 'k8s-privileged' && !f.rendered));
  });

  it('without origin annotations, matches the object by kind and name in the resources and patches', async () => {
    const rendered = execFileSync('kubectl', ['kustomize', path.join(FIXTURES, 'overlay')], { encoding: 'utf8' });
    assert.doesNotMatch(rendered, /config\.kubernetes\.io\/origin/);
    const parts = await readKustomization(path.join(FIXTURES, 'overlay'), (abs) => path.relative(FIXTURES, abs));
    const findings = analyze(rendered, 'kubernetes').findings;
    const mapped = mapKustomizeFindings({ rendered, findings, resources: parts.resources, patches: parts.patches, originBase: '/nowhere', kustomizationFile: 'overlay/kustomization.yaml' });
    const priv = mapped.find((m) => m.finding.ruleId === 'k8s-privileged')!;
    assert.strictEqual(priv.file, path.join('overlay', 'debug.yaml'));
    assert.deepStrictEqual(priv.finding.range.start, { line: 11, character: 12 });
    const latest = mapped.find((m) => m.finding.ruleId === 'k8s-image-latest')!;
    assert.strictEqual(latest.file, path.join('base', 'deployment.yaml'));
    assert.strictEqual(latest.finding.range.start.line, 17);
  });
});
