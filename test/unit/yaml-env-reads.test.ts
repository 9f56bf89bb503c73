import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `yaml` reads its debugging switches LOG_TOKENS and LOG_STREAM from `process.env` for every token
 * it parses, and in Node each read calls into the environment. Our bundles give yaml a `process`
 * whose `env` holds the two values read once (scripts/build.mjs, yamlProcessOnce). Each process
 * here runs with `process.env` replaced by a proxy that counts reads of the two names.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');

const COUNTER = `
let reads = 0;
const real = process.env;
process.env = new Proxy(real, { get(t, k) { if (k === 'LOG_TOKENS' || k === 'LOG_STREAM') reads++; return Reflect.get(t, k); } });
process.on('exit', () => process.stderr.write('ENV_READS=' + reads + '\\n'));
`;

function manifest(pods: number): string {
  return Array.from({ length: pods }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: app\n      image: nginx:1.25\n`).join('---\n');
}

describe('yaml in our bundles reads its debugging switches once', function () {
  this.timeout(120_000);
  let dir: string;
  let counter: string;
  let file: string;

  before(() => {
    if (!['cli.js', 'cli.bundle.js', 'lib/yaml.js'].every((f) => fs.existsSync(path.join(DIST, f)))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-yaml-env-'));
    counter = path.join(dir, 'count-env.js');
    fs.writeFileSync(counter, COUNTER);
    file = path.join(dir, 'pods.yaml');
    fs.writeFileSync(file, manifest(40));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string; reads: number } {
    const r = spawnSync(process.execPath, ['-r', counter, ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 60_000 });
    const m = /ENV_READS=(\d+)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    return { stdout: r.stdout, reads: Number(m[1]) };
  }

  const parseWith = (modulePath: string) => `const y = require(${JSON.stringify(modulePath)}); process.stdout.write(String(y.parseAllDocuments(require('fs').readFileSync(process.argv[1], 'utf8')).length));`;

  it('the package as published reads them on every token (what the bundles avoid)', () => {
    const r = run(['-e', parseWith(require.resolve('yaml')), file]);
    assert.strictEqual(r.stdout, '40');
    assert.ok(r.reads > 1000, `${r.reads} reads`);
  });

  it('the CLI bundle reads each once, and checks the file as before', () => {
    const r = run([path.join(DIST, 'cli.js'), 'check', file, '--format', 'json', '--fail-on', 'none']);
    assert.ok(r.reads <= 2, `${r.reads} reads`);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> }).findings;
    assert.strictEqual(findings.filter((f) => f.ruleId === 'k8s-allow-privilege-escalation').length, 40);
  });

  it('the YAML bundle the extension loads reads each once', () => {
    const r = run(['-e', parseWith(path.join(DIST, 'lib', 'yaml.js')), file]);
    assert.strictEqual(r.stdout, '40');
    assert.ok(r.reads <= 2, `${r.reads} reads`);
  });

  it('the language server bundle gives yaml the same process (its analysis runs in workers, so its text is read)', () => {
    const server = fs.readFileSync(path.join(DIST, 'server.js'), 'utf8');
    assert.match(server, /env:\{LOG_TOKENS:(\w+)\.env\.LOG_TOKENS,LOG_STREAM:\1\.env\.LOG_STREAM\}/);
  });

  it('keeps the switch working: LOG_TOKENS set when the CLI starts still logs the tokens', () => {
    const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', file, '--format', 'json', '--fail-on', 'none'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_TOKENS: '1' }, timeout: 60_000 });
    assert.match(r.stdout, /^\| "apiVersion"$/m);
  });
});
