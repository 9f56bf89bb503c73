import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { PINS, usesOf } from '../../src/core/ci/pins';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ACTION_TEXT = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');

interface Step { name?: string; id?: string; uses?: string; run?: string; shell?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }
const action = parse(ACTION_TEXT) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } };
const steps = action.runs.steps;
const stepById = (id: string): Step => steps.find((s) => s.id === id)!;
const stepByName = (name: string): Step => steps.find((s) => s.name === name)!;

/**
 * Runs a step's `run:` script as the runner would (`bash --noprofile --norc -eo pipefail`), with
 * the step's env after substituting the expressions the runner would have substituted.
 */
function runStep(step: Step, context: Record<string, string>, extraEnv: Record<string, string> = {}, cwd = ROOT): { code: number; stdout: string; stderr: string; outputs: Record<string, string> } {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-gha-')), 'output');
  fs.writeFileSync(out, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), GITHUB_OUTPUT: out };
  for (const [k, v] of Object.entries(step.env ?? {})) {
    env[k] = String(v).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
      assert.ok(expr in context, `the test has no value for ${expr}`);
      return context[expr];
    });
  }
  Object.assign(env, extraEnv);
  const script = path.join(path.dirname(out), 'step.sh');
  fs.writeFileSync(script, step.run!);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  const outputs: Record<string, string> = {};
  for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, outputs };
}

function inputsContext(overrides: Record<string, string> = {}): Record<string, string> {
  const ctx: Record<string, string> = { 'github.action_path': ROOT };
  for (const [name, spec] of Object.entries(action.inputs)) ctx[`inputs.${name}`] = overrides[name] ?? spec.default ?? '';
  return ctx;
}

describe('action.yml (composite GitHub Action)', () => {
  it('declares the documented inputs with their defaults', () => {
    assert.strictEqual(action.runs.using, 'composite');
    assert.deepStrictEqual(Object.keys(action.inputs).sort(), ['config', 'fail-on', 'paths', 'profile', 'sarif', 'upload-sarif']);
    assert.strictEqual(action.inputs.sarif.default, 'shipshape.sarif');
    assert.strictEqual(action.inputs['fail-on'].default, 'high');
    assert.strictEqual(action.inputs['upload-sarif'].default, 'true');
  });

  it('never expands an input or any expression inside a run: script (they go through env:)', () => {
    for (const s of steps.filter((x) => x.run !== undefined)) {
      assert.ok(!s.run!.includes('${{'), `${s.name}: ${s.run}`);
      assert.strictEqual(s.shell, 'bash', s.name);
    }
    const check = stepById('check');
    for (const input of ['paths', 'fail-on', 'profile', 'config', 'sarif']) {
      assert.ok(Object.values(check.env!).includes(`\${{ inputs.${input} }}`), input);
    }
  });

  it('pins the actions it uses by commit, with the release as the comment', () => {
    const used = steps.filter((s) => s.uses).map((s) => s.uses);
    assert.deepStrictEqual(used, [usesOf(PINS.cache), usesOf(PINS.uploadSarif)]);
    assert.ok(ACTION_TEXT.includes(`${usesOf(PINS.cache)} # ${PINS.cache.version}`));
    assert.ok(ACTION_TEXT.includes(`${usesOf(PINS.uploadSarif)} # ${PINS.uploadSarif.version}`));
  });

  it('uploads the SARIF even when findings fail the job, and fails after the upload', () => {
    const upload = stepByName('Upload SARIF to code scanning');
    assert.match(upload.if!, /^always\(\) && inputs\.upload-sarif == 'true'/);
    const fail = stepByName('Fail per fail-on');
    assert.ok(steps.indexOf(fail) > steps.indexOf(upload));
    assert.strictEqual(fail.if, 'always()');
  });

  it('keys the dependency cache on the lock file hash computed outside hashFiles()', () => {
    const key = runStep(stepById('key'), inputsContext());
    assert.strictEqual(key.code, 0, key.stderr);
    const lock = execFileSync('sha256sum', [path.join(ROOT, 'package-lock.json')], { encoding: 'utf8' }).split(' ')[0];
    assert.strictEqual(key.outputs.lock, lock);
    assert.match(key.outputs.node, /^\d+$/);
    assert.strictEqual(stepById('cache').with!.path, '${{ github.action_path }}/node_modules');
    assert.match(stepById('cache').with!.key, /\$\{\{ steps\.key\.outputs\.lock \}\}/);
  });

  it('installs only on a cache miss, and always builds, in the action path', () => {
    // A recording npm: the real build is `npm run build`, which the other tests run through dist/.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-npm-'));
    const log = path.join(bin, 'log');
    fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "$PWD $*" >> "${log}"\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const build = stepByName('Build the CLI');
    const miss = runStep(build, { ...inputsContext(), 'steps.cache.outputs.cache-hit': '' }, env, os.tmpdir());
    assert.strictEqual(miss.code, 0, miss.stderr);
    assert.deepStrictEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), [`${ROOT} ci --no-audit --no-fund`, `${ROOT} run build`]);
    fs.writeFileSync(log, '');
    const hit = runStep(build, { ...inputsContext(), 'steps.cache.outputs.cache-hit': 'true' }, env, os.tmpdir());
    assert.strictEqual(hit.code, 0, hit.stderr);
    assert.deepStrictEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), [`${ROOT} run build`]);
  });

  describe('the check and fail steps, run locally against examples/', function () {
    this.timeout(120_000);
    let work: string;
    before(() => {
      if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-ws-'));
      fs.cpSync(path.join(ROOT, 'examples'), path.join(work, 'examples'), { recursive: true });
      fs.mkdirSync(path.join(work, 'clean'));
      fs.writeFileSync(path.join(work, 'clean', 'Dockerfile'), 'FROM alpine:3.19\nUSER 10001\nHEALTHCHECK CMD true\nCMD ["sh"]\n');
    });

    it('writes SARIF 2.1.0 and keeps exit code 1 for the examples, so the fail step fails after the upload', () => {
      const check = runStep(stepById('check'), inputsContext({ paths: 'examples' }), {}, work);
      assert.strictEqual(check.code, 0, check.stderr);
      assert.strictEqual(check.outputs['exit-code'], '1');
      assert.strictEqual(check.outputs.sarif, 'shipshape.sarif');
      const sarif = JSON.parse(fs.readFileSync(path.join(work, 'shipshape.sarif'), 'utf8'));
      assert.strictEqual(sarif.version, '2.1.0');
      assert.ok(sarif.runs[0].results.length > 0);
      assert.match(check.stdout, /docker-root-user|k8s-/, 'the readable report is in the log');
      const fail = runStep(stepByName('Fail per fail-on'), { ...inputsContext(), 'steps.check.outputs.exit-code': check.outputs['exit-code'] }, {}, work);
      assert.strictEqual(fail.code, 1);
      assert.match(fail.stdout, /::error::Shipshape found problems at or above 'high'/);
    });

    it('passes a clean directory, several paths and fail-on none', () => {
      const clean = runStep(stepById('check'), inputsContext({ paths: 'clean', sarif: 'clean.sarif' }), {}, work);
      assert.strictEqual(clean.outputs['exit-code'], '0', clean.stderr);
      assert.ok(fs.existsSync(path.join(work, 'clean.sarif')));
      const none = runStep(stepById('check'), inputsContext({ paths: 'clean\nexamples/k8s  examples/node-app', 'fail-on': 'none' }), {}, work);
      assert.strictEqual(none.outputs['exit-code'], '0', none.stderr);
      const results = JSON.parse(fs.readFileSync(path.join(work, 'shipshape.sarif'), 'utf8')).runs[0].results;
      const files = new Set(results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => r.locations[0].physicalLocation.artifactLocation.uri.split('/')[1]));
      assert.deepStrictEqual([...files].sort(), ['k8s', 'node-app']);
      const pass = runStep(stepByName('Fail per fail-on'), { ...inputsContext(), 'steps.check.outputs.exit-code': '0' }, {}, work);
      assert.strictEqual(pass.code, 0);
    });

    it('treats inputs as data: shell syntax in paths and options is not run, an option-like path is a path', () => {
      const marker = path.join(work, 'pwned');
      const hostile = runStep(stepById('check'), inputsContext({ paths: `$(touch ${marker}) \`touch ${marker}\` ;touch${'${IFS}'}${marker} --format=json *`, 'fail-on': `high$(touch ${marker})` }), {}, work);
      assert.ok(!fs.existsSync(marker), 'no input was executed');
      assert.strictEqual(hostile.outputs['exit-code'], '2', 'a bad --fail-on is a usage error');
      const fail = runStep(stepByName('Fail per fail-on'), { ...inputsContext(), 'steps.check.outputs.exit-code': '2' }, {}, work);
      assert.strictEqual(fail.code, 2);
    });

    it('reports a usage error (exit 2) for a bad profile, and the upload is skipped for it', () => {
      const bad = runStep(stepById('check'), inputsContext({ paths: 'clean', profile: 'strictest' }), {}, work);
      assert.strictEqual(bad.outputs['exit-code'], '2');
      assert.match(stepByName('Upload SARIF to code scanning').if!, /\(steps\.check\.outputs\.exit-code == '0' \|\| steps\.check\.outputs\.exit-code == '1'\)$/);
    });
  });
});
