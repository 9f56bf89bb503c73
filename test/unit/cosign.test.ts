import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { terminalPrompt } from '../../src/cli/commands/sign';
import { COSIGN_INSTALL_DOCS, CosignError, CosignRunner } from '../../src/node/cosign';

const ROOT = path.resolve(__dirname, '../../..');
const FAKE_COSIGN = path.join(ROOT, 'test/fixtures/bin/fake-cosign');
const DIGEST = 'sha256:7a91c50d922925f152fec96ed1d84b7bc6b2079c169d68826f6cf307f22d40e6';
const PINNED = `localhost:5000/tcpconnect@${DIGEST}`;
const PASSWORD = 'correct horse b@ttery $taple';

interface LogEntry { tool: string; argv: string[]; cosignPasswordSet: boolean; cwd: string }

interface Harness {
  dir: string;
  log: string;
  env: NodeJS.ProcessEnv;
  entries(): LogEntry[];
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }>;
}

function harness(): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cosign-'));
  const log = path.join(dir, 'tool.log');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, FAKE_TOOL_LOG: log, SHIPSHAPE_COSIGN_PATH: FAKE_COSIGN, SHIPSHAPE_PASS_ENV: 'FAKE_*' };
  return {
    dir,
    log,
    env,
    entries: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEntry) : []),
    async cli(args, extraEnv = {}) {
      let stdout = '';
      let stderr = '';
      const io: CliIO = {
        stdout: (t) => { stdout += t; },
        stderr: (t) => { stderr += t; },
        isTTY: false,
        env: { ...env, ...extraEnv },
        cwd: dir,
      };
      const code = await main(args, io);
      return { code, stdout, stderr };
    },
  };
}

/** A docker stand-in for digest resolution, written per test (not a shared fixture). */
function writeFakeDocker(dir: string, repoDigests: string[]): string {
  const file = path.join(dir, 'fake-docker');
  const out = JSON.stringify([{ Id: 'sha256:' + 'c'.repeat(64), RepoDigests: repoDigests }]);
  fs.writeFileSync(file, `#!/usr/bin/env node\nrequire('fs').appendFileSync(process.env.FAKE_TOOL_LOG, JSON.stringify({ tool: 'docker', argv: process.argv.slice(2), cosignPasswordSet: 'COSIGN_PASSWORD' in process.env }) + '\\n');\nprocess.stdout.write(${JSON.stringify(out)});\n`);
  fs.chmodSync(file, 0o755);
  return file;
}

describe('cosign through a fake executable', function () {
  this.timeout(20000);
  let h: Harness;
  const savedPassword = process.env.COSIGN_PASSWORD;

  before(() => {
    // The tests decide who has the password; an inherited one would hide mistakes.
    delete process.env.COSIGN_PASSWORD;
  });
  after(() => {
    if (savedPassword !== undefined) process.env.COSIGN_PASSWORD = savedPassword;
  });
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => {
    fs.rmSync(h.dir, { recursive: true, force: true });
  });

  describe('shipshape sign', () => {
    it('signs by digest with a key file; the password is in the environment, not argv', async () => {
      const r = await h.cli(['sign', PINNED, '--key', 'cosign.key'], { COSIGN_PASSWORD: PASSWORD });
      assert.strictEqual(r.code, 0, r.stderr);
      const [entry] = h.entries();
      assert.deepStrictEqual(entry.argv, ['sign', '--key', 'cosign.key', '--yes', PINNED]);
      assert.strictEqual(entry.cosignPasswordSet, true);
      assert.ok(!entry.argv.join(' ').includes(PASSWORD));
      assert.strictEqual(entry.cwd, fs.realpathSync(h.dir));
      assert.match(r.stdout, /^Signed localhost:5000\/tcpconnect@sha256:7a91.*; signature pushed to localhost:5000\/tcpconnect \(tlog index 12086900\)\n$/);
      assert.ok(!fs.readFileSync(h.log, 'utf8').includes(PASSWORD), 'the fake never records the value');
    });

    it('passes annotations and --tlog-upload=false', async () => {
      const r = await h.cli(['sign', PINNED, '--key', 'cosign.key', '--annotation', 'scan=passed', '-a', 'build=42', '--no-tlog-upload'], { COSIGN_PASSWORD: '' });
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(h.entries()[0].argv, ['sign', '--key', 'cosign.key', '-a', 'scan=passed', '-a', 'build=42', '--tlog-upload=false', '--yes', PINNED]);
      assert.strictEqual(h.entries()[0].cosignPasswordSet, true, 'an empty password is still a password');
      assert.doesNotMatch(r.stdout, /tlog index/);
    });

    it('signs with a KMS key without asking for a password', async () => {
      const r = await h.cli(['sign', PINNED, '--kms', 'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k']);
      assert.strictEqual(r.code, 0, r.stderr);
      const [entry] = h.entries();
      assert.deepStrictEqual(entry.argv, ['sign', '--key', 'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k', '--yes', PINNED]);
      assert.strictEqual(entry.cosignPasswordSet, false);
    });

    it('signs keyless, streaming cosign\'s progress', async () => {
      const r = await h.cli(['sign', PINNED, '--keyless']);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(h.entries()[0].argv, ['sign', '--yes', PINNED]);
      assert.match(r.stderr, /Generating ephemeral keys/);
    });

    it('refuses without a password when there is no terminal, before running cosign', async () => {
      const r = await h.cli(['sign', PINNED, '--key', 'cosign.key']);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /set COSIGN_PASSWORD/);
      assert.deepStrictEqual(h.entries(), []);
    });

    it('asks on a terminal when COSIGN_PASSWORD is not set', async () => {
      const saved = { ...terminalPrompt };
      let asked = '';
      terminalPrompt.isAvailable = () => true;
      terminalPrompt.readSecret = async (prompt: string) => { asked = prompt; return PASSWORD; };
      try {
        let stderr = '';
        const io: CliIO = { stdout: () => undefined, stderr: (t) => { stderr += t; }, isTTY: true, env: h.env, cwd: h.dir };
        const code = await main(['sign', PINNED, '--key', 'cosign.key'], io);
        assert.strictEqual(code, 0, stderr);
        assert.match(asked, /password/i);
        assert.strictEqual(h.entries()[0].cosignPasswordSet, true);
      } finally {
        Object.assign(terminalPrompt, saved);
      }
    });

    it('never shows the password, even when cosign echoes it', async () => {
      const ok = await h.cli(['sign', PINNED, '--key', 'cosign.key'], { COSIGN_PASSWORD: PASSWORD, FAKE_COSIGN_ECHO_PASSWORD: '1' });
      assert.strictEqual(ok.code, 0, ok.stderr);
      assert.match(ok.stderr, /debug: using password \[REDACTED\]/);
      const failed = await h.cli(['sign', PINNED, '--key', 'cosign.key'], { COSIGN_PASSWORD: PASSWORD, FAKE_COSIGN_ECHO_PASSWORD: '1', FAKE_COSIGN_FAIL: 'sign' });
      assert.strictEqual(failed.code, 2);
      assert.match(failed.stderr, /cosign sign failed \(exit code 1\): signing \[.*\]: getting signer: reading key: decrypt: encrypted: decryption failed/);
      for (const text of [ok.stdout, ok.stderr, failed.stdout, failed.stderr]) {
        assert.ok(!text.includes(PASSWORD), `password leaked in: ${text}`);
        assert.ok(!text.includes('correct horse'), 'no part of it either');
      }
    });

    it('resolves a tag to its digest with docker before signing', async () => {
      const docker = writeFakeDocker(h.dir, [`localhost:5000/tcpconnect@${DIGEST}`]);
      const r = await h.cli(['sign', 'localhost:5000/tcpconnect:test', '--keyless'], { SHIPSHAPE_DOCKER_PATH: docker });
      assert.strictEqual(r.code, 0, r.stderr);
      const [inspect, sign] = h.entries();
      assert.deepStrictEqual(inspect.argv, ['image', 'inspect', 'localhost:5000/tcpconnect:test']);
      assert.deepStrictEqual(sign.argv, ['sign', '--yes', PINNED]);
      assert.match(r.stderr, /resolves to localhost:5000\/tcpconnect@sha256:7a91/);
    });

    it('refuses to sign a tag it cannot resolve, unless --allow-tag', async () => {
      const docker = writeFakeDocker(h.dir, []);
      const refused = await h.cli(['sign', 'tcpconnect:test', '--keyless'], { SHIPSHAPE_DOCKER_PATH: docker });
      assert.strictEqual(refused.code, 2);
      assert.match(refused.stderr, /is a tag and could not be resolved to a digest: .*never pushed/);
      assert.ok(!h.entries().some((e) => e.tool === 'cosign'));
      const allowed = await h.cli(['sign', 'tcpconnect:test', '--keyless', '--allow-tag'], { SHIPSHAPE_DOCKER_PATH: docker });
      assert.strictEqual(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stderr, /warning: signing the tag tcpconnect:test, not a digest/);
      assert.deepStrictEqual(h.entries().filter((e) => e.tool === 'cosign')[0].argv, ['sign', '--yes', 'tcpconnect:test']);
    });

    for (const bad of ['--key=/etc/passwd', 'a b', '$(id)', 'img;rm', 'img\nrm']) {
      it(`refuses the reference ${JSON.stringify(bad)} without running anything`, async () => {
        const r = await h.cli(['sign', '--keyless', '--', bad]);
        assert.strictEqual(r.code, 2);
        assert.deepStrictEqual(h.entries(), []);
      });
    }

    it('needs exactly one key mode', async () => {
      const r = await h.cli(['sign', PINNED, '--keyless', '--key', 'cosign.key']);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /exactly one of --key, --kms or --keyless/);
    });
  });

  describe('shipshape verify', () => {
    it('verifies with a public key', async () => {
      const r = await h.cli(['verify', 'localhost:5000/tcpconnect:test', '--key', 'cosign.pub']);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(h.entries()[0].argv, ['verify', '--key', 'cosign.pub', '--output', 'json', 'localhost:5000/tcpconnect:test']);
      assert.strictEqual(h.entries()[0].cosignPasswordSet, false);
      assert.match(r.stdout, /✓ localhost:5000\/tcpconnect:test is signed \(sha256:7a91c50d/);
    });

    it('shows the signer identity and issuer of a keyless signature', async () => {
      const r = await h.cli([
        'verify', 'ghcr.io/stefanprodan/modules/podinfo:latest',
        '--certificate-identity-regexp', '^https://github.com/stefanprodan/podinfo.*$',
        '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com',
      ]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /by https:\/\/github\.com\/stefanprodan\/podinfo\/\.github\/workflows\/release\.yml@refs\/tags\/6\.5\.4 \(issuer https:\/\/token\.actions\.githubusercontent\.com\)/);
      assert.deepStrictEqual(h.entries()[0].argv.slice(0, 5), [
        'verify', '--certificate-identity-regexp', '^https://github.com/stefanprodan/podinfo.*$', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com',
      ]);
    });

    it('prints the result as JSON', async () => {
      const r = await h.cli(['verify', 'ghcr.io/stefanprodan/modules/podinfo:latest', '--certificate-identity', 'x', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com', '--format', 'json']);
      assert.strictEqual(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      assert.strictEqual(result.verified, true);
      assert.strictEqual(result.signatures[0].issuer, 'https://token.actions.githubusercontent.com');
    });

    it('exits 1 with the reason when no signature matches', async () => {
      const r = await h.cli(['verify', 'localhost:5000/tcpconnect:test', '--key', 'cosign.pub'], { FAKE_COSIGN_FAIL: '1' });
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /✗ no signature of localhost:5000\/tcpconnect:test matches the given key or identity/);
      assert.strictEqual(r.stdout, '');
    });

    it('exits 1 when the image has no signature, and says so in JSON too', async () => {
      const r = await h.cli(['verify', 'alpine:3.20', '--key', 'cosign.pub', '--format', 'json'], { FAKE_COSIGN_FAIL: 'nosig' });
      assert.strictEqual(r.code, 1);
      const result = JSON.parse(r.stdout);
      assert.deepStrictEqual([result.verified, result.failure, result.reason], [false, 'no-signatures', 'alpine:3.20 has no signature']);
    });

    it('needs a key or a keyless identity', async () => {
      const r = await h.cli(['verify', 'alpine:3.20']);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /give --key, or --certificate-identity and --certificate-oidc-issuer/);
      const noIssuer = await h.cli(['verify', 'alpine:3.20', '--certificate-identity', 'me@example.com']);
      assert.strictEqual(noIssuer.code, 2);
      assert.match(noIssuer.stderr, /issuer/);
      assert.deepStrictEqual(h.entries(), []);
    });
  });

  describe('missing cosign', () => {
    it('explains where to get cosign when the configured path does not exist', async () => {
      const r = await h.cli(['verify', 'alpine:3.20', '--key', 'cosign.pub'], { SHIPSHAPE_COSIGN_PATH: path.join(h.dir, 'no-such-cosign') });
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /cosign was not found/);
      assert.ok(r.stderr.includes(COSIGN_INSTALL_DOCS));
    });

    it('explains where to get cosign when it is not on PATH', async () => {
      const runner = new CosignRunner({ env: { PATH: h.dir } });
      await assert.rejects(runner.verify({ reference: 'alpine:3.20', key: { kind: 'file', path: 'cosign.pub' } }), (e: unknown) => {
        assert.ok(e instanceof CosignError);
        assert.strictEqual(e.code, 'NOT_FOUND');
        assert.match(e.message, /cosign was not found on PATH/);
        assert.ok(e.message.includes(COSIGN_INSTALL_DOCS));
        return true;
      });
    });
  });

  describe('CosignRunner', () => {
    it('keeps the password out of errors and streamed stderr', async () => {
      const streamed: string[] = [];
      const runner = new CosignRunner({ cosignPath: FAKE_COSIGN, env: { ...h.env, FAKE_COSIGN_ECHO_PASSWORD: '1', FAKE_COSIGN_FAIL: 'sign' }, cwd: h.dir, onStderr: (t) => streamed.push(t) });
      const err = await runner.sign({ reference: PINNED, key: { kind: 'file', path: 'cosign.key' }, password: PASSWORD }).then(
        () => assert.fail('sign should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof CosignError);
      assert.strictEqual(err.code, 'FAILED');
      assert.strictEqual(err.exitCode, 1);
      for (const text of [err.message, err.stderr ?? '', String(err.stack), JSON.stringify(err), streamed.join('')]) {
        assert.ok(!text.includes(PASSWORD), `password leaked in: ${text}`);
      }
      assert.match(err.stderr ?? '', /\[REDACTED\]/);
      assert.match(streamed.join(''), /debug: using password \[REDACTED\]/);
    });

    it('returns what cosign sign reported', async () => {
      const runner = new CosignRunner({ cosignPath: FAKE_COSIGN, env: h.env, cwd: h.dir });
      const result = await runner.sign({ reference: PINNED, key: { kind: 'file', path: 'cosign.key' }, password: PASSWORD, tlogUpload: false });
      assert.strictEqual(result.pushedTo, 'localhost:5000/tcpconnect');
      assert.strictEqual(result.tlogIndex, undefined);
      assert.strictEqual(h.entries()[0].cosignPasswordSet, true);
    });

    it('generates a key pair in a folder with the password in the environment', async () => {
      const runner = new CosignRunner({ cosignPath: FAKE_COSIGN, env: h.env });
      const keys = path.join(h.dir, 'keys');
      fs.mkdirSync(keys);
      const result = await runner.generateKeyPair({ directory: keys, password: PASSWORD });
      assert.strictEqual(result.privateKey, path.join(keys, 'cosign.key'));
      assert.strictEqual(result.publicKey, path.join(keys, 'cosign.pub'));
      assert.ok(fs.existsSync(result.publicKey!));
      const [entry] = h.entries();
      assert.deepStrictEqual(entry.argv, ['generate-key-pair']);
      assert.strictEqual(entry.cwd, fs.realpathSync(keys));
      assert.strictEqual(entry.cosignPasswordSet, true);
    });

    it('refuses to overwrite an existing key pair', async () => {
      const runner = new CosignRunner({ cosignPath: FAKE_COSIGN, env: h.env });
      fs.writeFileSync(path.join(h.dir, 'cosign.key'), 'old');
      await assert.rejects(runner.generateKeyPair({ directory: h.dir, password: PASSWORD }), (e: unknown) => e instanceof CosignError && e.code === 'EXISTS');
      assert.deepStrictEqual(h.entries(), []);
      assert.strictEqual(fs.readFileSync(path.join(h.dir, 'cosign.key'), 'utf8'), 'old');
    });

    it('generates with a KMS key and a prefix, writing only the public key', async () => {
      const runner = new CosignRunner({ cosignPath: FAKE_COSIGN, env: h.env });
      const result = await runner.generateKeyPair({ directory: h.dir, kms: 'hashivault://cosign', outputKeyPrefix: 'release' });
      assert.strictEqual(result.privateKey, undefined);
      assert.strictEqual(result.publicKey, path.join(h.dir, 'release.pub'));
      assert.deepStrictEqual(h.entries()[0].argv, ['generate-key-pair', '--kms', 'hashivault://cosign', '--output-key-prefix', 'release']);
      assert.strictEqual(h.entries()[0].cosignPasswordSet, false);
    });

    it('resolves a digest with docker image inspect, and explains a failure', async () => {
      const docker = writeFakeDocker(h.dir, [`docker.io/library/alpine@${DIGEST}`]);
      const runner = new CosignRunner({ dockerPath: docker, env: h.env });
      assert.deepStrictEqual(await runner.resolveDigest('alpine:3.20'), { ok: true, pinned: `alpine@${DIGEST}`, digest: DIGEST });
      const missing = new CosignRunner({ dockerPath: path.join(h.dir, 'nope'), env: h.env });
      await assert.rejects(missing.resolveDigest('alpine:3.20'), /docker was not found/);
    });
  });

  describe('shipshape policy', () => {
    const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZmFrZQ==\n-----END PUBLIC KEY-----\n';

    it('prints a Kyverno policy for a public key file', async () => {
      fs.writeFileSync(path.join(h.dir, 'cosign.pub'), PEM);
      const r = await h.cli(['policy', 'kyverno', '--key', 'cosign.pub', '--image', 'ghcr.io/acme/*']);
      assert.strictEqual(r.code, 0, r.stderr);
      const doc = parse(r.stdout);
      assert.strictEqual(doc.kind, 'ClusterPolicy');
      assert.strictEqual(doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys, PEM.trimEnd());
    });

    it('writes a keyless policy-controller policy to a file', async () => {
      const r = await h.cli(['policy', 'policy-controller', '--identity', 'me@example.com', '--issuer', 'https://accounts.google.com', '--image', 'ghcr.io/acme/**', '--output', 'cip.yaml']);
      assert.strictEqual(r.code, 0, r.stderr);
      const doc = parse(fs.readFileSync(path.join(h.dir, 'cip.yaml'), 'utf8'));
      assert.deepStrictEqual(doc.spec.authorities[0].keyless.identities, [{ issuer: 'https://accounts.google.com', subject: 'me@example.com' }]);
    });

    it('rejects a bad kind, a bad pattern and a missing key', async () => {
      assert.strictEqual((await h.cli(['policy', 'gatekeeper', '--image', 'a/*', '--identity', 'x', '--issuer', 'y'])).code, 2);
      const bad = await h.cli(['policy', 'kyverno', '--image', 'a b', '--identity', 'x', '--issuer', 'y']);
      assert.strictEqual(bad.code, 2);
      assert.match(bad.stderr, /whitespace/);
      const missing = await h.cli(['policy', 'kyverno', '--image', 'a/*', '--key', 'nope.pub']);
      assert.strictEqual(missing.code, 2);
      assert.match(missing.stderr, /cannot read nope\.pub: no such file/);
    });
  });
});
