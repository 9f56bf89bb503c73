/** The generated pipelines pass the workspace's .trivyignore.yaml to Trivy when it exists (decided at run time). */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { generatePipeline } from '../../src/core/ci/pipeline';
import { PINS, usesOf } from '../../src/core/ci/pins';

/* eslint-disable @typescript-eslint/no-explicit-any */
const VERSION = '0.1.0';

function workspace(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-trivyignore-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, name));
  return dir;
}

describe('CI pipelines: .trivyignore.yaml reaches Trivy', () => {
  describe('GitHub Actions', () => {
    const wf = (o: Record<string, unknown> = {}): any => parseDocument(generatePipeline({ provider: 'github', ...o }, VERSION).pipeline.text).toJS();

    it('a step before the Trivy scan decides the file; the scan passes its output as trivyignores', () => {
      const steps = wf().jobs.build.steps;
      const at = steps.findIndex((s: any) => s.id === 'trivyignore');
      const scan = steps.findIndex((s: any) => s.uses === usesOf(PINS.trivy));
      assert.ok(at >= 0 && at === scan - 1, 'the ignore step runs right before the scan');
      assert.strictEqual(steps[scan].with.trivyignores, '${{ steps.trivyignore.outputs.file }}');
      assert.ok(!/\$\{\{/.test(steps[at].run), 'no expression inside the script');
      assert.strictEqual(steps[at].env, undefined, 'it reads no input');
    });

    it('no ignore step and no trivyignores with Grype', () => {
      const steps = wf({ scanner: 'grype' }).jobs.build.steps;
      assert.ok(!steps.some((s: any) => s.id === 'trivyignore' || s.with?.trivyignores !== undefined));
    });

    const runStep = (dir: string): { output: string; stdout: string } => {
      const step = wf().jobs.build.steps.find((s: any) => s.id === 'trivyignore');
      const out = path.join(dir, '..', `${path.basename(dir)}.out`);
      fs.writeFileSync(out, '');
      const stdout = execFileSync('bash', ['-e', '-c', step.run], { cwd: dir, env: { PATH: process.env.PATH, GITHUB_OUTPUT: out }, encoding: 'utf8' });
      return { output: fs.readFileSync(out, 'utf8'), stdout };
    };

    it('names .trivyignore.yaml when it is a regular file', () => {
      const r = runStep(workspace({ '.trivyignore.yaml': 'vulnerabilities:\n  - id: CVE-2019-18276\n' }));
      assert.strictEqual(r.output, 'file=.trivyignore.yaml\n');
      assert.strictEqual(r.stdout, '');
    });

    it('names nothing without the file, or when it is a link (trivy-action would print its target)', () => {
      assert.strictEqual(runStep(workspace({ '.trivyignore': 'CVE-1\n' })).output, '');
      assert.strictEqual(runStep(workspace({})).output, '');
      assert.strictEqual(runStep(workspace({}, { '.trivyignore.yaml': '/etc/passwd' })).output, '');
    });

    it('warns that the plain .trivyignore is not applied beside it', () => {
      const r = runStep(workspace({ '.trivyignore.yaml': 'vulnerabilities: []\n', '.trivyignore': 'CVE-1\n' }));
      assert.strictEqual(r.output, 'file=.trivyignore.yaml\n');
      assert.match(r.stdout, /^::warning file=\.trivyignore::Trivy reads one ignore file/);
    });
  });

  describe('GitLab CI', () => {
    const scanScript = (o: Record<string, unknown> = {}): string[] => (parseDocument(generatePipeline({ provider: 'gitlab', ...o }, VERSION).pipeline.text).toJS() as any).scan.script;

    /** Runs the scan job's script with a fake docker that logs its argv, one line per call. */
    const runScan = (dir: string): { calls: string[][]; stderr: string } => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-fake-docker-'));
      const log = path.join(bin, 'log');
      fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\037' "$a"; done >> "${log}"\necho >> "${log}"\n`, { mode: 0o755 });
      const script = scanScript().join('\n');
      let stderr = '';
      try {
        execFileSync('sh', ['-e', '-c', `exec 2>"${path.join(bin, 'err')}"\n${script}`], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}`, IMAGE: 'registry.example.com/app', DIGEST: `sha256:${'a'.repeat(64)}` } });
      } finally {
        stderr = fs.existsSync(path.join(bin, 'err')) ? fs.readFileSync(path.join(bin, 'err'), 'utf8') : '';
      }
      const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\x1f').slice(0, -1));
      return { calls, stderr };
    };

    it('copies .trivyignore.yaml into the Trivy container and names it with --ignorefile', () => {
      const { calls } = runScan(workspace({ '.trivyignore.yaml': 'vulnerabilities: []\n' }));
      assert.deepStrictEqual(calls.map((c) => c[0]), ['create', 'cp', 'start']);
      assert.ok(calls[0].includes('--ignorefile=/.trivyignore.yaml'), calls[0].join(' '));
      assert.strictEqual(calls[0][calls[0].length - 1], `registry.example.com/app@sha256:${'a'.repeat(64)}`);
      assert.deepStrictEqual(calls[1], ['cp', '.trivyignore.yaml', 'shipshape-trivy:/.trivyignore.yaml']);
      assert.deepStrictEqual(calls[2], ['start', '--attach', 'shipshape-trivy']);
    });

    it('falls back to a plain .trivyignore, and passes none without one (or for a link)', () => {
      const plain = runScan(workspace({ '.trivyignore': 'CVE-1\n' })).calls;
      assert.ok(plain[0].includes('--ignorefile=/.trivyignore'));
      assert.deepStrictEqual(plain[1], ['cp', '.trivyignore', 'shipshape-trivy:/.trivyignore']);
      for (const dir of [workspace({}), workspace({}, { '.trivyignore.yaml': '/etc/passwd' })]) {
        const { calls } = runScan(dir);
        assert.deepStrictEqual(calls.map((c) => c[0]), ['create', 'start']);
        assert.ok(!calls[0].some((a) => a.startsWith('--ignorefile')), calls[0].join(' '));
      }
    });

    it('says the plain ids are not applied when both files exist', () => {
      const { calls, stderr } = runScan(workspace({ '.trivyignore.yaml': 'vulnerabilities: []\n', '.trivyignore': 'CVE-1\n' }));
      assert.ok(calls[0].includes('--ignorefile=/.trivyignore.yaml'));
      assert.match(stderr, /Trivy reads one ignore file/);
    });

    it('Grype keeps its single docker run', () => {
      const s = scanScript({ scanner: 'grype' });
      assert.strictEqual(s.length, 1);
      assert.match(s[0], /^docker run --rm /);
    });
  });
});
