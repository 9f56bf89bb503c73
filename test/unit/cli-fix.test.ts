import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';
import { writeFileAtomic } from '../../src/cli/commands/fix';

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd };
  return { code: await main(args, io), stdout, stderr };
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-fix-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const DOCKERFILE = 'FROM alpine:3.19\r\n# copy the app\r\nADD app.sh /app.sh\r\nRUN apk add curl\r\nUSER 10001\r\nHEALTHCHECK CMD true\r\n';

describe('shipshape fix', () => {
  it('prints a unified diff of the safe fixes and leaves the file alone', async () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE });
    const { code, stdout, stderr } = await run(['fix', 'Dockerfile'], dir);
    assert.match(stdout, /^--- a\/Dockerfile$/m);
    assert.match(stdout, /^-ADD app\.sh \/app\.sh\r?$/m);
    assert.match(stdout, /^\+COPY app\.sh \/app\.sh\r?$/m);
    assert.match(stdout, /^\+RUN apk add --no-cache curl\r?$/m);
    assert.match(stderr, /would apply 2 fixes in 1 file/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), DOCKERFILE);
    assert.strictEqual(code, 0, 'nothing at or above high remains');
  });

  it('writes the fixes with --write, keeping CRLF and comments, and is idempotent', async () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE });
    await run(['fix', 'Dockerfile', '--write'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    assert.strictEqual(fixed, 'FROM alpine:3.19\r\n# copy the app\r\nCOPY app.sh /app.sh\r\nRUN apk add --no-cache curl\r\nUSER 10001\r\nHEALTHCHECK CMD true\r\n');
    const again = await run(['fix', 'Dockerfile'], dir);
    assert.strictEqual(again.stdout, '');
    assert.match(again.stderr, /nothing to fix/);
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temp files left');
  });

  it('limits fixes to --rule, by our id or a public ID', async () => {
    const dir = tempDir({ Dockerfile: DOCKERFILE });
    const byPublic = await run(['fix', 'Dockerfile', '--rule', 'DS-0005'], dir);
    assert.match(byPublic.stdout, /\+COPY app\.sh/);
    assert.doesNotMatch(byPublic.stdout, /--no-cache/);
    const byOurs = await run(['fix', 'Dockerfile', '--rule', 'docker-apk-no-cache'], dir);
    assert.match(byOurs.stdout, /--no-cache/);
    assert.doesNotMatch(byOurs.stdout, /\+COPY/);
  });

  it('exits 1 when findings at or above --fail-on remain after fixing', async () => {
    const dir = tempDir({ Dockerfile: 'FROM alpine:3.19\nADD a /a\nHEALTHCHECK CMD true\n' });
    const { code } = await run(['fix', 'Dockerfile', '--write'], dir);
    assert.strictEqual(code, 1, 'the root user has no safe fix');
    assert.match(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /^COPY a \/a$/m);
  });

  it('fixes Kubernetes manifests without rewriting the rest of the document', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}   # keep me\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext: {privileged: true}\n';
    const dir = tempDir({ 'pod.yaml': pod });
    await run(['fix', 'pod.yaml', '--write', '--all'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8');
    assert.ok(fixed.startsWith('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}   # keep me\nspec:\n  containers:\n  - name: c\n'), fixed);
    assert.doesNotMatch(fixed, /privileged: true/);
  });

  it('writes atomically and keeps the file mode', async () => {
    const dir = tempDir({ 'run.sh': 'old' });
    const file = path.join(dir, 'run.sh');
    fs.chmodSync(file, 0o750);
    await writeFileAtomic(file, 'new');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'new');
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o750);
    await assert.rejects(writeFileAtomic(path.join(dir, 'missing-dir', 'x'), 'y'));
  });
});
