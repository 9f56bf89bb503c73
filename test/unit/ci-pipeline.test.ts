import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseDocument } from 'yaml';
import { generatePipeline, PipelineOptions, PIPELINE_PATHS, POLICY_PATH, PipelineOptionsError, parseScanSeverities } from '../../src/core/ci/pipeline';
import { PINS, usesOf } from '../../src/core/ci/pins';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';

/* eslint-disable @typescript-eslint/no-explicit-any */
const VERSION = '0.1.0';
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexample0000000000000000000000000\n-----END PUBLIC KEY-----\n';

interface Combo { scanner: 'trivy' | 'grype'; sign: 'keyless' | 'key'; ignoreUnfixed: boolean; image?: string }
const COMBOS: Combo[] = [];
for (const scanner of ['trivy', 'grype'] as const) {
  for (const sign of ['keyless', 'key'] as const) {
    for (const ignoreUnfixed of [false, true]) {
      for (const image of [undefined, 'ghcr.io/acme/app', 'registry.example.com:5000/team/app']) COMBOS.push({ scanner, sign, ignoreUnfixed, image });
    }
  }
}
const label = (c: Combo): string => `${c.scanner}, ${c.sign}${c.ignoreUnfixed ? ', ignore-unfixed' : ''}, image ${c.image ?? '(default)'}`;

function github(opts: Partial<PipelineOptions> = {}): any {
  return parse(generatePipeline({ provider: 'github', ...opts }, VERSION).pipeline.text);
}
function gitlab(opts: Partial<PipelineOptions> = {}): any {
  return parse(generatePipeline({ provider: 'gitlab', ...opts }, VERSION).pipeline.text);
}
const ALL_PINS = new Set(Object.values(PINS).map(usesOf));

describe('CI pipeline generator: GitHub Actions', () => {
  for (const c of COMBOS) {
    it(`wires check → build → sign by digest (${label(c)})`, () => {
      const text = generatePipeline({ provider: 'github', ...c }, VERSION).pipeline.text;
      const doc = parseDocument(text);
      assert.strictEqual(doc.errors.length, 0);
      const wf = doc.toJS() as any;
      assert.deepStrictEqual(wf.permissions, {}, 'nothing is granted by default');
      assert.deepStrictEqual(Object.keys(wf.jobs), ['check', 'build', 'sign']);
      assert.strictEqual(wf.jobs.build.needs, 'check');
      assert.strictEqual(wf.jobs.sign.needs, 'build');
      assert.strictEqual(wf.jobs.sign.if, "github.event_name != 'pull_request'");

      // Job permissions: only what each job does.
      assert.deepStrictEqual(wf.jobs.check.permissions, { contents: 'read', 'security-events': 'write' });
      const ghcr = !c.image || c.image.startsWith('ghcr.io/');
      assert.deepStrictEqual(wf.jobs.build.permissions, ghcr ? { contents: 'read', packages: 'write' } : { contents: 'read' });
      const signPerms: Record<string, string> = {};
      if (c.sign === 'keyless') signPerms['id-token'] = 'write';
      if (ghcr) signPerms.packages = 'write';
      assert.deepStrictEqual(wf.jobs.sign.permissions, signPerms);

      // Every action is one of the pins, written with its release as the comment.
      for (const job of Object.values<any>(wf.jobs)) {
        for (const step of job.steps) if (step.uses) assert.ok(ALL_PINS.has(step.uses), step.uses);
      }
      for (const pin of Object.values(PINS)) {
        if (text.includes(usesOf(pin))) assert.ok(text.includes(`${usesOf(pin)} # ${pin.version}`), pin.action);
      }

      // Check: SARIF uploaded even when the check fails.
      const checkSteps = wf.jobs.check.steps;
      assert.strictEqual(checkSteps[2].run, `npx --yes shipshape@${VERSION} check . --format sarif --fail-on high > shipshape.sarif`);
      assert.strictEqual(checkSteps[3].uses, usesOf(PINS.uploadSarif));
      assert.strictEqual(checkSteps[3].if, "always() && hashFiles('shipshape.sarif') != '' && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)", 'not from forks, whose token cannot write');

      // Build: build → scan → push, the digest from the push step is the job's output.
      const names = wf.jobs.build.steps.map((s: any) => s.name ?? s.uses);
      const at = (re: RegExp): number => names.findIndex((n: string) => re.test(n));
      assert.ok(at(/^Build$/) < at(/^Scan/) && at(/^Scan/) < at(/^Push$/), names.join(' | '));
      const push = wf.jobs.build.steps[at(/^Push$/)];
      assert.strictEqual(push.id, 'push');
      assert.strictEqual(push.with.push, true);
      assert.strictEqual(wf.jobs.build.outputs.digest, '${{ steps.push.outputs.digest }}');
      const build = wf.jobs.build.steps[at(/^Build$/)];
      assert.deepStrictEqual([build.with.load, build.with.push], [true, false], 'scanned before anything is pushed');

      const scan = wf.jobs.build.steps[at(/^Scan/)];
      if (c.scanner === 'trivy') {
        assert.strictEqual(scan.uses, usesOf(PINS.trivy));
        assert.strictEqual(scan.with.severity, 'CRITICAL,HIGH');
        assert.strictEqual(scan.with['exit-code'], '1');
        assert.strictEqual(scan.with['ignore-unfixed'], c.ignoreUnfixed ? true : undefined);
      } else {
        assert.strictEqual(scan.uses, usesOf(PINS.grype));
        assert.strictEqual(scan.with['severity-cutoff'], 'high');
        assert.strictEqual(scan.with['fail-build'], true);
        assert.strictEqual(scan.with['only-fixed'], c.ignoreUnfixed ? true : undefined);
      }
      assert.strictEqual(scan.with[c.scanner === 'trivy' ? 'image-ref' : 'image'], build.with.tags, 'the scan reads the image just built');

      // Sign: by digest from the build job, never a tag.
      const sign = wf.jobs.sign.steps[wf.jobs.sign.steps.length - 1];
      assert.strictEqual(sign.env.DIGEST, '${{ needs.build.outputs.digest }}');
      assert.strictEqual(sign.env.IMAGE, '${{ needs.build.outputs.image }}');
      assert.match(sign.run, /cosign sign --yes (--key env:\/\/COSIGN_PRIVATE_KEY )?"\$\{IMAGE\}@\$\{DIGEST\}"\n$/);
      assert.match(sign.run, /case "\$DIGEST" in sha256:\*\)/);
      if (c.sign === 'key') {
        assert.strictEqual(sign.env.COSIGN_PRIVATE_KEY, '${{ secrets.COSIGN_PRIVATE_KEY }}');
        assert.strictEqual(sign.env.COSIGN_PASSWORD, '${{ secrets.COSIGN_PASSWORD }}');
      } else {
        assert.strictEqual(sign.env.COSIGN_PRIVATE_KEY, undefined);
      }
      // No expression expands inside any run: script.
      for (const job of Object.values<any>(wf.jobs)) {
        for (const step of job.steps) if (step.run) assert.ok(!step.run.includes('${{'), step.run);
      }

      // The image name reaches the scripts as env, quoted by the YAML writer.
      const imageStep = wf.jobs.build.steps.find((s: any) => s.id === 'image');
      if (c.image) assert.deepStrictEqual(imageStep.env, { IMAGE: c.image });
      else assert.match(imageStep.run, /ghcr\.io\/\$\{GITHUB_REPOSITORY,,\}/);
    });
  }

  it('runs the check with Shipshape\'s own action at the given commit (it uploads the SARIF itself)', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const text = generatePipeline({ provider: 'github', actionSha: sha, failOn: 'medium' }, VERSION).pipeline.text;
    const wf = parse(text);
    assert.deepStrictEqual(wf.jobs.check.steps.map((s: any) => s.uses), [usesOf(PINS.checkout), `shipshape-dev/shipshape@${sha}`]);
    assert.deepStrictEqual(wf.jobs.check.steps[1].with, { paths: '.', 'fail-on': 'medium', sarif: 'shipshape.sarif', 'upload-sarif': "${{ github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository }}" });
    assert.ok(text.includes(`shipshape-dev/shipshape@${sha} # v${VERSION}\n`));
    assert.ok(!text.includes('npx'));
    assert.ok(generatePipeline({ provider: 'github' }, VERSION).pipeline.text.includes('      # The npm package "shipshape" at exactly 0.1.0.'));
    for (const bad of ['main', 'v1', '0123456', 'G'.repeat(40)]) assert.throws(() => generatePipeline({ provider: 'github', actionSha: bad }, VERSION), /40-character commit SHA/, bad);
  });

  it('logs in to another registry with secrets, not with the GITHUB_TOKEN', () => {
    const wf = github({ image: 'docker.io/acme/app' });
    const login = wf.jobs.build.steps.find((s: any) => s.uses === usesOf(PINS.login));
    assert.deepStrictEqual(login.with, { username: '${{ secrets.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' });
    const quay = github({ image: 'quay.io/acme/app' }).jobs.sign.steps.find((s: any) => s.uses === usesOf(PINS.login));
    assert.strictEqual(quay.with.registry, 'quay.io');
    assert.strictEqual(quay.if, undefined);
  });

  it('blocks on the chosen severities (Trivy list, Grype cutoff at the least severe)', () => {
    const trivy = github({ severity: ['high', 'critical,medium'] }).jobs.build.steps.find((s: any) => s.uses === usesOf(PINS.trivy));
    assert.strictEqual(trivy.with.severity, 'CRITICAL,HIGH,MEDIUM');
    const grype = github({ scanner: 'grype', severity: ['CRITICAL'] }).jobs.build.steps.find((s: any) => s.uses === usesOf(PINS.grype));
    assert.strictEqual(grype.with['severity-cutoff'], 'critical');
    assert.throws(() => parseScanSeverities(['severe']), PipelineOptionsError);
  });

  it('refuses images it cannot write safely: invalid, with a tag or digest, or YAML/shell syntax', () => {
    for (const bad of ['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app@sha256:' + 'a'.repeat(64), 'Bad Image', '-x', 'ghcr.io/acme/app"\nrun: x', '${{ github.event.issue.title }}']) {
      assert.throws(() => generatePipeline({ provider: 'github', image: bad }, VERSION), PipelineOptionsError, bad);
    }
    assert.throws(() => generatePipeline({ provider: 'github', failOn: 'severe' }, VERSION), PipelineOptionsError);
    assert.throws(() => generatePipeline({ provider: 'bitbucket' as never }, VERSION), PipelineOptionsError);
  });
});

describe('CI pipeline generator: GitLab CI', () => {
  for (const c of COMBOS) {
    it(`wires check → build (digest from the metadata file) → scan → sign (${label(c)})`, () => {
      const text = generatePipeline({ provider: 'gitlab', ...c }, VERSION).pipeline.text;
      const doc = parseDocument(text);
      assert.strictEqual(doc.errors.length, 0);
      assert.ok(!text.includes('&a') && !text.includes('*a'), 'no YAML anchors');
      assert.ok(!text.includes('${{'), 'GitLab has no GitHub expressions');
      assert.ok(!/\$\[\[/.test(text), 'no GitLab inputs interpolation ($[[ ]]) either');
      const p = doc.toJS() as any;
      assert.deepStrictEqual(p.stages, ['check', 'build', 'scan', 'sign']);
      assert.deepStrictEqual(['shipshape', 'build', 'scan', 'sign'].map((j) => p[j].stage), p.stages);
      assert.strictEqual(p.variables.IMAGE, c.image ?? '$CI_REGISTRY_IMAGE');
      assert.strictEqual(p.shipshape.script[0], `npx --yes shipshape@${VERSION} check . --format sarif --fail-on high > shipshape.sarif`);
      assert.strictEqual(p.shipshape.artifacts.when, 'always');

      const build = p.build.script.join('\n');
      assert.match(build, /--password-stdin/);
      assert.match(build, /docker buildx build --push --tag "\$IMAGE:\$CI_COMMIT_SHA" --metadata-file build-metadata\.json \./);
      assert.match(build, /containerimage\.digest/);
      assert.deepStrictEqual(p.build.artifacts.reports, { dotenv: 'build.env' });
      assert.deepStrictEqual(p.scan.needs, ['build']);
      assert.deepStrictEqual(p.sign.needs, ['build', 'scan']);

      // Trivy: the ignore file is chosen and copied into the created container first (ci-trivyignore.test.ts).
      const scan = p.scan.script.find((l: string) => /^docker (run|create) /.test(l));
      assert.match(scan, /"(registry:)?\$IMAGE@\$DIGEST"/);
      if (c.scanner === 'trivy') {
        assert.match(scan, /trivy:[\d.]+ image --exit-code 1 --severity CRITICAL,HIGH/);
        assert.strictEqual(scan.includes('--ignore-unfixed'), c.ignoreUnfixed);
      } else {
        assert.match(scan, /--fail-on high/);
        assert.strictEqual(scan.includes('--only-fixed'), c.ignoreUnfixed);
      }
      assert.ok(!/-p\s|--password[ =]/.test(scan), 'no password on a command line');

      const sign = p.sign.script.join('\n');
      assert.match(p.sign.script[p.sign.script.length - 1], /^cosign sign --yes (--key env:\/\/COSIGN_PRIVATE_KEY )?"\$IMAGE@\$DIGEST"$/);
      assert.ok(!/cosign login/.test(sign));
      if (c.sign === 'keyless') assert.deepStrictEqual(p.sign.id_tokens, { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } });
      else assert.strictEqual(p.sign.id_tokens, undefined);
    });
  }

  it('builds the check from Shipshape\'s source at --action-sha instead of running the npm package', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const p = gitlab({ actionSha: sha });
    assert.deepStrictEqual(p.shipshape.script, [
      'apk add --no-cache git',
      'git clone --filter=blob:none --no-checkout https://github.com/shipshape-dev/shipshape.git /tmp/shipshape',
      `git -C /tmp/shipshape checkout --detach ${sha}`,
      '(cd /tmp/shipshape && npm ci --no-audit --no-fund && npm run build)',
      'node /tmp/shipshape/dist/cli.js check . --format sarif --fail-on high > shipshape.sarif',
    ]);
  });

  it('extracts the digest the way the build job writes it', () => {
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-gl-'));
    const digest = 'sha256:' + 'ab'.repeat(32);
    fs.writeFileSync(path.join(dir, 'build-metadata.json'), JSON.stringify({ 'buildx.build.ref': 'x', 'containerimage.descriptor': { digest }, 'containerimage.digest': digest }, null, 2));
    const line = gitlab().build.script.find((s: string) => s.startsWith('DIGEST='));
    const out = execFileSync('sh', ['-c', `${line}\necho "$DIGEST"`], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(out.trim(), digest);
  });
});

describe('CI pipeline generator: admission policy', () => {
  it('generates a Kyverno policy for the keyless identity of the GitHub workflow', () => {
    const g = generatePipeline({ provider: 'github', image: 'ghcr.io/acme/app', policy: 'kyverno' }, VERSION);
    assert.strictEqual(g.policy!.path, POLICY_PATH);
    const pol = parse(g.policy!.text);
    assert.strictEqual(pol.kind, 'ClusterPolicy');
    const verify = pol.spec.rules[0].verifyImages[0];
    assert.deepStrictEqual(verify.imageReferences, ['ghcr.io/acme/app*']);
    const keyless = verify.attestors[0].entries[0].keyless;
    assert.strictEqual(keyless.issuer, 'https://token.actions.githubusercontent.com');
    assert.strictEqual(keyless.subjectRegExp, '^https://github\\.com/acme/app/\\.github/workflows/container-security\\.yml@refs/heads/main$');
    assert.ok(new RegExp(keyless.subjectRegExp).test('https://github.com/acme/app/.github/workflows/container-security.yml@refs/heads/main'));
  });

  it('generates a policy-controller policy with the public key for key signing, on GitLab', () => {
    const g = generatePipeline({ provider: 'gitlab', image: 'registry.gitlab.com/acme/app', sign: 'key', policy: 'policy-controller', publicKeyPem: PEM }, VERSION);
    const pol = parse(g.policy!.text);
    assert.strictEqual(pol.kind, 'ClusterImagePolicy');
    assert.match(pol.spec.authorities[0].key.data, /BEGIN PUBLIC KEY/);
  });

  it('says what a policy needs when it is missing', () => {
    assert.throws(() => generatePipeline({ provider: 'github', policy: 'kyverno' }, VERSION), /needs the image/);
    assert.throws(() => generatePipeline({ provider: 'github', image: 'quay.io/acme/app', policy: 'kyverno' }, VERSION), /--repository/);
    assert.throws(() => generatePipeline({ provider: 'github', image: 'ghcr.io/acme/app', sign: 'key', policy: 'kyverno' }, VERSION), /--public-key/);
    assert.throws(() => generatePipeline({ provider: 'github', image: 'quay.io/acme/app', repository: 'a/b/c', policy: 'kyverno' }, VERSION), /OWNER\/REPO/);
  });
});

describe('shipshape ci init', () => {
  async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '', stderr = '';
    const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd };
    const code = await main(args, io);
    return { code, stdout, stderr };
  }
  const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-ci-'));

  it('writes the GitHub workflow, then refuses to overwrite it (exit 2) unless --force', async () => {
    const dir = tmp();
    const first = await run(['ci', 'init', '--image', 'ghcr.io/acme/app'], dir);
    assert.strictEqual(first.code, 0, first.stderr);
    const file = path.join(dir, PIPELINE_PATHS.github);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), generatePipeline({ provider: 'github', image: 'ghcr.io/acme/app' }, VERSION).pipeline.text);
    fs.writeFileSync(file, '# mine\n');
    const again = await run(['ci', 'init'], dir);
    assert.strictEqual(again.code, 2);
    assert.match(again.stderr, /\.github\/workflows\/container-security\.yml already exists: not overwritten/);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), '# mine\n');
    const forced = await run(['ci', 'init', '--force'], dir);
    assert.strictEqual(forced.code, 0);
    assert.notStrictEqual(fs.readFileSync(file, 'utf8'), '# mine\n');
  });

  it('prints with --stdout and writes nothing', async () => {
    const dir = tmp();
    const r = await run(['ci', 'init', '--provider', 'gitlab', '--scanner', 'grype', '--sign', 'key', '--ignore-unfixed', '--severity', 'critical', '--stdout'], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('# .gitlab-ci.yml\n'));
    assert.match(r.stdout, /--fail-on critical --only-fixed/);
    assert.deepStrictEqual(fs.readdirSync(dir), []);
  });

  it('writes the policy beside the pipeline, reading the public key file', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'cosign.pub'), PEM);
    const r = await run(['ci', 'init', '--image', 'ghcr.io/acme/app', '--sign', 'key', '--policy', 'kyverno', '--public-key', 'cosign.pub'], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(dir, POLICY_PATH), 'utf8'), /kind: ClusterPolicy/);
  });

  it('reports bad options as usage errors', async () => {
    const dir = tmp();
    for (const args of [['ci'], ['ci', 'init', '--image', 'ghcr.io/acme/app:latest'], ['ci', 'init', '--scanner', 'snyk'], ['ci', 'init', '--severity', 'urgent'], ['ci', 'init', '--provider', 'jenkins'], ['ci', 'init', '--policy', 'kyverno', '--image', 'ghcr.io/a/b', '--sign', 'key', '--public-key', 'missing.pub']]) {
      const r = await run(args, dir);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^shipshape ci: /, args.join(' '));
    }
    assert.deepStrictEqual(fs.readdirSync(dir), []);
  });
});
