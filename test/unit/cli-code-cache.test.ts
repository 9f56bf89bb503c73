import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * dist/cli.js runs the CLI bundle with the V8 code cache the build made of it
 * (scripts/build.mjs): used when it was made from this very bundle and this Node accepts it,
 * otherwise the bundle is compiled as usual, with the same output. SHIPSHAPE_DEBUG says which.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const FILES = ['cli.js', 'cli.bundle.js', 'cli.bundle.cache'];

function run(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(dir, 'cli.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHIPSHAPE_DEBUG: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI loader and its code cache', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    if (!FILES.every((f) => fs.existsSync(path.join(DIST, f)))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cli-cache-'));
    for (const f of FILES) fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ARGS = ['check', 'examples/k8s', '--format', 'json', '--fail-on', 'high'];

  it('uses the cache made from its bundle, and checks as the bundle does', () => {
    const r = run(dir, ARGS);
    assert.match(r.stderr, /^shipshape: code cache used$/m);
    const findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings;
    assert.ok(findings.length > 0);
    assert.strictEqual(r.status, 1, 'the exit code of --fail-on high is passed on');
  });

  it('runs the same without the cache, with a cache of another bundle, and with one this Node rejects', () => {
    const reference = run(dir, ARGS);
    const cache = path.join(dir, 'cli.bundle.cache');
    const data = fs.readFileSync(cache);

    fs.rmSync(cache);
    const absent = run(dir, ARGS);
    assert.match(absent.stderr, /^shipshape: code cache absent$/m);

    const other = Buffer.from(data);
    other[0] ^= 0xff;
    fs.writeFileSync(cache, other);
    const stale = run(dir, ARGS);
    assert.match(stale.stderr, /^shipshape: code cache made from another bundle$/m);

    // The right header, V8 data that is not a code cache.
    fs.writeFileSync(cache, Buffer.concat([data.subarray(0, 32), Buffer.alloc(4096, 7)]));
    const rejected = run(dir, ARGS);
    assert.match(rejected.stderr, /^shipshape: code cache rejected by this Node$/m);

    for (const r of [absent, stale, rejected]) {
      assert.strictEqual(r.stdout, reference.stdout);
      assert.strictEqual(r.status, reference.status);
    }
  });

  it('says nothing about the cache without SHIPSHAPE_DEBUG', () => {
    const r = spawnSync(process.execPath, [path.join(dir, 'cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, SHIPSHAPE_DEBUG: '' } });
    assert.strictEqual(r.status, 0);
    assert.strictEqual(r.stderr, '');
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });
});
