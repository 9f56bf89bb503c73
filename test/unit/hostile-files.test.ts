// Items 3 and 4 of the hostile-input issue: unbounded reads (a symlink to /dev/zero, FIFOs named
// .shipshape.yaml or passed to --report) and writes through symlinks. Every attack is built here
// from our own fixtures: FIFOs made with mkfifo, symlinks and hard links in a temporary folder.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { FileAccessError, isPlainFileInFolder, readFileInFolder, readRegularFile, writeFileInFolder } from '../../src/node/files';

interface Run { code: number; stdout: string; stderr: string; ms: number }

async function shipshape(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: { PATH: process.env.PATH }, cwd };
  const started = Date.now();
  const code = await main(args, io);
  return { code, stdout, stderr, ms: Date.now() - started };
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

async function refusal(p: Promise<unknown>): Promise<FileAccessError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FileAccessError, `expected a FileAccessError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

const POSIX = process.platform !== 'win32';

describe('hostile input: reads are bounded and regular files only', function () {
  this.timeout(15000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-files-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  (POSIX ? it : it.skip)('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = path.join(dir, 'pipe');
    mkfifo(fifo);
    const started = Date.now();
    const e = await refusal(readRegularFile(fifo, 1024));
    assert.strictEqual(e.code, 'NOT_REGULAR');
    assert.match(e.message, /a FIFO/);
    assert.ok(Date.now() - started < 1000);
  });

  (POSIX ? it : it.skip)('refuses a symlink to /dev/zero before reading a byte', async () => {
    const link = path.join(dir, 'Dockerfile');
    fs.symlinkSync('/dev/zero', link);
    const e = await refusal(readRegularFile(link, 1024 * 1024));
    assert.strictEqual(e.code, 'NOT_REGULAR');
    assert.match(e.message, /a device/);
  });

  it('refuses a file over the cap, and reads one at the cap', async () => {
    const file = path.join(dir, 'big.json');
    fs.writeFileSync(file, 'x'.repeat(2048));
    assert.strictEqual((await refusal(readRegularFile(file, 2047))).code, 'TOO_LARGE');
    assert.strictEqual((await readRegularFile(file, 2048)).length, 2048);
    assert.strictEqual((await refusal(readRegularFile(path.join(dir, 'nope'), 10))).code, 'NOT_FOUND');
  });

  it('follows a symlink to a regular file (a checked-in link to a Dockerfile is fine)', async () => {
    fs.writeFileSync(path.join(dir, 'real'), 'FROM alpine\n');
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'Dockerfile'));
    assert.strictEqual(await readRegularFile(path.join(dir, 'Dockerfile'), 100), 'FROM alpine\n');
  });

  (POSIX ? it : it.skip)('shipshape check on a symlink to /dev/zero reports it and returns (exit 2) instead of growing without end', async () => {
    fs.symlinkSync('/dev/zero', path.join(dir, 'Dockerfile'));
    fs.writeFileSync(path.join(dir, 'ok.Dockerfile'), 'FROM alpine:3.19\nUSER 1000\nHEALTHCHECK CMD true\n');
    const r = await shipshape(['check', 'Dockerfile', 'ok.Dockerfile', '--format', 'json'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /Dockerfile: not a regular file \(a device\)/);
    assert.ok(r.ms < 3000, `took ${r.ms} ms`);
    assert.deepStrictEqual(JSON.parse(r.stdout).findings.map((f: { file: string }) => f.file).filter((f: string) => f === 'Dockerfile'), []);
  });

  (POSIX ? it : it.skip)('shipshape check with a FIFO named .shipshape.yaml warns and uses the defaults instead of hanging', async () => {
    mkfifo(path.join(dir, '.shipshape.yaml'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:latest\n');
    const r = await shipshape(['check', 'Dockerfile', '--format', 'json'], dir);
    assert.ok(r.ms < 3000, `took ${r.ms} ms`);
    assert.match(r.stderr, /warning: not reading \.shipshape\.yaml: not a regular file \(a FIFO\)/);
    assert.ok(JSON.parse(r.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'docker-latest-tag'), 'analysed with the defaults');
  });

  (POSIX ? it : it.skip)('shipshape check --config FIFO is a usage error, at once', async () => {
    mkfifo(path.join(dir, 'cfg.yaml'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:latest\n');
    const r = await shipshape(['check', 'Dockerfile', '--config', 'cfg.yaml'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /cannot read config cfg\.yaml: not a regular file \(a FIFO\)/);
  });

  it('shipshape check refuses a .shipshape.yaml over 1 MiB with a warning', async () => {
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), `profile: restricted\n#${'x'.repeat(1024 * 1024)}\n`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:latest\n');
    const r = await shipshape(['check', 'Dockerfile'], dir);
    assert.match(r.stderr, /not reading \.shipshape\.yaml: .* is more than the 1 MiB Shipshape reads/);
  });

  (POSIX ? it : it.skip)('shipshape scan --report FIFO exits 2 at once', async () => {
    mkfifo(path.join(dir, 'report.json'));
    const r = await shipshape(['scan', '--report', 'report.json'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /cannot read report\.json: not a regular file \(a FIFO\)/);
    assert.ok(r.ms < 3000, `took ${r.ms} ms`);
  });

  (POSIX ? it : it.skip)('shipshape scan --report /dev/zero exits 2 at once', async () => {
    const r = await shipshape(['scan', '--report', '/dev/zero'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /not a regular file \(a device\)/);
  });
});

describe('hostile input: writes never go through links or leave the folder', function () {
  let dir: string;
  let folder: string;
  let outside: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-hostile-writes-'));
    folder = path.join(dir, 'repo');
    fs.mkdirSync(folder);
    outside = path.join(dir, 'bashrc');
    fs.writeFileSync(outside, 'export PS1=home\n');
  });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('refuses a .trivyignore that is a symlink out of the folder, and leaves its target alone', async () => {
    fs.symlinkSync(outside, path.join(folder, '.trivyignore'));
    assert.strictEqual((await refusal(readFileInFolder(folder, '.trivyignore', 1024))).code, 'SYMLINK');
    assert.strictEqual((await refusal(writeFileInFolder(folder, '.trivyignore', 'CVE-1\n'))).code, 'SYMLINK');
    assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'export PS1=home\n');
    assert.ok(fs.lstatSync(path.join(folder, '.trivyignore')).isSymbolicLink(), 'the link itself is left as it was');
  });

  it('refuses a symlink even when it points inside the folder', async () => {
    fs.writeFileSync(path.join(folder, 'other'), 'x\n');
    fs.symlinkSync('other', path.join(folder, '.grype.yaml'));
    assert.strictEqual((await refusal(writeFileInFolder(folder, '.grype.yaml', 'ignore: []\n'))).code, 'SYMLINK');
    assert.strictEqual(fs.readFileSync(path.join(folder, 'other'), 'utf8'), 'x\n');
  });

  it('refuses a hard link to a file elsewhere', async () => {
    fs.linkSync(outside, path.join(folder, '.trivyignore'));
    assert.strictEqual((await refusal(writeFileInFolder(folder, '.trivyignore', 'CVE-1\n'))).code, 'HARDLINK');
    assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'export PS1=home\n');
  });

  (POSIX ? it : it.skip)('refuses a FIFO in place of the file', async () => {
    mkfifo(path.join(folder, '.trivyignore'));
    assert.strictEqual((await refusal(readFileInFolder(folder, '.trivyignore', 1024))).code, 'NOT_REGULAR');
    assert.strictEqual((await refusal(writeFileInFolder(folder, '.trivyignore', 'CVE-1\n'))).code, 'NOT_REGULAR');
  });

  it('refuses names that are paths', async () => {
    for (const name of ['../bashrc', 'sub/.trivyignore', '..', '']) {
      assert.strictEqual((await refusal(writeFileInFolder(folder, name, 'x'))).code, 'OUTSIDE', name);
    }
    assert.strictEqual(fs.readFileSync(outside, 'utf8'), 'export PS1=home\n');
  });

  it('creates a new file, and replaces a regular one keeping its mode, leaving no temporary file', async () => {
    assert.strictEqual(await readFileInFolder(folder, '.trivyignore', 1024), '');
    await writeFileInFolder(folder, '.trivyignore', 'CVE-1\n');
    assert.strictEqual(fs.readFileSync(path.join(folder, '.trivyignore'), 'utf8'), 'CVE-1\n');
    fs.chmodSync(path.join(folder, '.trivyignore'), 0o640);
    await writeFileInFolder(folder, '.trivyignore', 'CVE-1\nCVE-2\n');
    assert.strictEqual(await readFileInFolder(folder, '.trivyignore', 1024), 'CVE-1\nCVE-2\n');
    if (POSIX) assert.strictEqual(fs.statSync(path.join(folder, '.trivyignore')).mode & 0o777, 0o640);
    assert.deepStrictEqual(fs.readdirSync(folder), ['.trivyignore']);
  });

  it('writes into the real folder when the folder path itself is a link (the user opened it that way)', async () => {
    const alias = path.join(dir, 'alias');
    fs.symlinkSync(folder, alias);
    await writeFileInFolder(alias, '.trivyignore', 'CVE-9\n');
    assert.strictEqual(fs.readFileSync(path.join(folder, '.trivyignore'), 'utf8'), 'CVE-9\n');
  });

  it('tells a plain file from a link, a FIFO and nothing', async () => {
    fs.writeFileSync(path.join(folder, 'plain'), '');
    fs.symlinkSync(outside, path.join(folder, 'link'));
    assert.strictEqual(await isPlainFileInFolder(folder, 'plain'), true);
    assert.strictEqual(await isPlainFileInFolder(folder, 'link'), false);
    assert.strictEqual(await isPlainFileInFolder(folder, 'missing'), false);
  });
});
