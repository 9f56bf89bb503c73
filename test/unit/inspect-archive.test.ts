import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImageReport } from '../../src/core/inspect/types';
import { ArchiveError, inspectArchive } from '../../src/node/inspect';
import { readArchiveLayers, readArchiveStructure } from '../../src/node/inspect/archive';
import { ImageAnalyzer } from '../../src/core/inspect/analyzer';
import { dockerArchive, ociArchive, PRIVATE_KEY, tempDir } from './inspect-support';

const rules = (r: ImageReport, id: string) => r.findings.filter((f) => f.ruleId === id);

describe('inspect: reading image archives', function () {
  this.timeout(20000);
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('docker save: a private key added in layer 2 and deleted in layer 3 is still reported, with both layers named', async () => {
    const file = await dockerArchive(dir, [
      { files: [{ name: 'bin/', type: 'directory' }, { name: 'bin/sh', content: 'ELF', mode: 0o755 }, { name: 'usr/bin/passwd', content: 'ELF', mode: 0o4755 }] },
      { files: [{ name: 'root/.ssh/', type: 'directory', mode: 0o700 }, { name: 'root/.ssh/id_rsa', content: PRIVATE_KEY, mode: 0o600 }], createdBy: 'COPY id_rsa /root/.ssh/id_rsa # buildkit' },
      { files: [{ name: 'root/.ssh/.wh.id_rsa', content: '' }], createdBy: 'RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit' },
    ]);
    const r = await inspectArchive(file, { label: 'image.tar' });
    const secrets = rules(r, 'image-secret-file');
    assert.strictEqual(secrets.length, 1, JSON.stringify(r.findings, null, 1));
    assert.strictEqual(secrets[0].path, '/root/.ssh/id_rsa');
    assert.strictEqual(secrets[0].layer, 2);
    assert.strictEqual(secrets[0].severity, 'high');
    assert.match(secrets[0].message, /deleted in layer 3, still readable in layer 2/);
    assert.deepStrictEqual(r.layers.map((l) => l.index), [1, 2, 3]);
    assert.deepStrictEqual(r.layers.map((l) => l.createdBy), ['/bin/sh -c #(nop) ADD file:0 in /', 'COPY id_rsa /root/.ssh/id_rsa # buildkit', 'RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit']);
    assert.ok(r.layers.every((l) => /^sha256:[0-9a-f]{64}$/.test(l.digest)));
    assert.strictEqual(r.layers[1].size, Buffer.byteLength(PRIVATE_KEY));
    const setuid = rules(r, 'image-setuid');
    assert.deepStrictEqual(setuid.map((f) => [f.path, f.layer, f.severity]), [['/usr/bin/passwd', 1, 'low']]);
    assert.ok(setuid[0].references.some((x) => /CIS/.test(x)));
    assert.deepStrictEqual(rules(r, 'image-shell').map((f) => f.path), ['/bin/sh']);
    assert.deepStrictEqual(Object.keys(secrets[0]).sort(), ['layer', 'message', 'path', 'references', 'ruleId', 'severity']);
  });

  it('a key left in the final filesystem is reported once, at its layer; the same name with no key inside is not', async () => {
    const file = await dockerArchive(dir, [
      { files: [{ name: 'app/server.key', content: PRIVATE_KEY }, { name: 'app/README.key', content: 'not a key at all' }] },
    ]);
    const r = await inspectArchive(file, { label: 'x' });
    assert.deepStrictEqual(rules(r, 'image-secret-file').map((f) => [f.path, f.layer]), [['/app/server.key', 1]]);
    assert.doesNotMatch(rules(r, 'image-secret-file')[0].message, /deleted/);
  });

  it('.npmrc with a token is a secret, without one it is not; a test fixture key inside a package is not reported', async () => {
    const file = await ociArchive(dir, [
      { files: [
        { name: 'root/.npmrc', content: '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n' },
        { name: 'home/app/.npmrc', content: 'registry=https://registry.npmjs.org/\nsave-exact=true\n' },
        { name: 'usr/lib/python3/dist-packages/x/tests/key.pem', content: PRIVATE_KEY },
      ], compression: 'gzip' },
    ]);
    const r = await inspectArchive(file, { label: 'x' });
    assert.deepStrictEqual(rules(r, 'image-secret-file').map((f) => f.path), ['/root/.npmrc']);
  });

  it('OCI layout with gzip layers: an opaque directory hides the lower layer\'s files (world-writable and wasted bytes follow)', async () => {
    const file = await ociArchive(dir, [
      { files: [{ name: 'etc/app/', type: 'directory' }, { name: 'etc/app/a.conf', content: 'a'.repeat(1000), mode: 0o666 }, { name: 'etc/app/keep/', type: 'directory' }, { name: 'etc/app/keep/deep.conf', content: 'b'.repeat(500), mode: 0o666 }], compression: 'gzip' },
      { files: [{ name: 'etc/app/', type: 'directory' }, { name: 'etc/app/.wh..wh..opq', content: '' }, { name: 'etc/app/c.conf', content: 'c', mode: 0o666 }, { name: 'tmp/', type: 'directory', mode: 0o1777 }, { name: 'tmp/scratch', content: 'x', mode: 0o666 }], compression: 'gzip' },
    ]);
    const r = await inspectArchive(file, { label: 'x' });
    assert.deepStrictEqual(rules(r, 'image-world-writable').map((f) => [f.path, f.layer]), [['/etc/app/c.conf', 2]]);
    const wasted = rules(r, 'image-wasted-bytes');
    assert.strictEqual(wasted.length, 1);
    assert.strictEqual(wasted[0].path, '/etc/app/a.conf');
    assert.match(wasted[0].message, /^1\.5 KiB of 1\.5 KiB are files/);
    assert.ok(r.layers.every((l) => /^sha256:/.test(l.digest)));
    assert.deepStrictEqual(r.layers.map((l) => l.size), [1500, 2]);
  });

  it('hard links share the setuid bits of their target; symlinks are followed by name, never flagged world-writable', async () => {
    const file = await dockerArchive(dir, [
      { files: [
        { name: 'bin/busybox', content: 'ELF', mode: 0o4755 },
        { name: 'bin/su', type: 'link', linkname: 'bin/busybox', mode: 0 },
        { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
        { name: 'usr/bin/wget', type: 'symlink', linkname: '../../bin/busybox' },
      ] },
    ]);
    const r = await inspectArchive(file, { label: 'x' });
    assert.deepStrictEqual(rules(r, 'image-setuid').map((f) => f.path), ['/bin/busybox', '/bin/su']);
    assert.deepStrictEqual(rules(r, 'image-world-writable'), []);
    assert.deepStrictEqual(rules(r, 'image-shell').map((f) => f.path), ['/bin/busybox', '/bin/sh']);
    assert.deepStrictEqual(rules(r, 'image-network-tool').map((f) => f.path), ['/usr/bin/wget']);
  });

  it('entries that climb out of the root or are absolute are read as paths inside it and reported, never written', async () => {
    const file = await dockerArchive(dir, [
      { files: [{ name: '../../outside-evil', content: 'x' }, { name: '/etc/abs', content: 'y', mode: 0o4755 }, { name: 'a/../../b', content: 'z' }] },
    ]);
    const r = await inspectArchive(file, { label: 'x' });
    assert.deepStrictEqual(rules(r, 'image-unsafe-path').map((f) => f.path).sort(), ['/b', '/etc/abs', '/outside-evil']);
    assert.deepStrictEqual(rules(r, 'image-setuid').map((f) => f.path), ['/etc/abs']);
    assert.ok(!fs.existsSync(path.resolve(dir, '../outside-evil')));
    assert.ok(!fs.existsSync('/etc/abs'));
  });

  it('a large file overwritten later counts as wasted bytes (and is streamed, not buffered: only its size is read)', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024);
    const file = await dockerArchive(dir, [
      { files: [{ name: 'data/blob.bin', content: big }], compression: 'gzip' },
      { files: [{ name: 'data/blob.bin', content: 'small' }] },
    ], { gzipArchive: true });
    assert.ok(fs.statSync(file).size < 200 * 1024, 'zeros compress: the test archive stays small');
    const r = await inspectArchive(file, { label: 'x' });
    const wasted = rules(r, 'image-wasted-bytes');
    assert.strictEqual(wasted.length, 1);
    assert.strictEqual(wasted[0].layer, 1);
    assert.strictEqual(wasted[0].severity, 'low');
    assert.match(wasted[0].message, /^8\.0 MiB of 8\.0 MiB .*efficiency 0\.0%/);
    assert.deepStrictEqual(r.layers.map((l) => l.size), [8 * 1024 * 1024, 5]);
  });

  it('package managers in a distroless-style image (no shell) are reported; beside a shell they are not', async () => {
    const distroless = await ociArchive(dir, [{ files: [{ name: 'etc/os-release', content: 'PRETTY_NAME="Distroless"\n' }, { name: 'usr/bin/dpkg', content: 'ELF', mode: 0o755 }] }]);
    const r = await inspectArchive(distroless, { label: 'x' });
    assert.deepStrictEqual(rules(r, 'image-package-manager').map((f) => [f.path, f.severity]), [['/usr/bin/dpkg', 'medium']]);
    const full = await dockerArchive(dir, [{ files: [{ name: 'bin/sh', content: 'ELF' }, { name: 'usr/bin/dpkg', content: 'ELF', mode: 0o755 }] }]);
    assert.deepStrictEqual(rules(await inspectArchive(full, { label: 'x' }), 'image-package-manager'), []);
  });

  it('zstd layers are refused with a clear message (OCI media type and docker archive magic bytes)', async () => {
    const oci = await ociArchive(dir, [{ files: [{ name: 'a', content: 'a' }], compression: 'zstd' }]);
    await assert.rejects(inspectArchive(oci, { label: 'x' }), (e: unknown) => e instanceof ArchiveError && e.code === 'UNSUPPORTED' && /zstd-compressed/.test(e.message));
    const docker = await dockerArchive(dir, [{ files: [{ name: 'a', content: 'a' }] }, { files: [{ name: 'b', content: 'b' }], compression: 'zstd' }]);
    await assert.rejects(inspectArchive(docker, { label: 'x' }), (e: unknown) => e instanceof ArchiveError && e.code === 'UNSUPPORTED' && /layer 2 .*zstd/.test(e.message));
  });

  it('stops at the entry limit with an error instead of growing without bound', async () => {
    const file = await dockerArchive(dir, [{ files: [1, 2, 3, 4, 5].map((n) => ({ name: `f${n}`, content: 'x' })) }]);
    const image = await readArchiveStructure(file);
    await assert.rejects(readArchiveLayers(file, image, new ImageAnalyzer(), 3), (e: unknown) => e instanceof ArchiveError && /more than 3 files/.test(e.message));
    await readArchiveLayers(file, image, new ImageAnalyzer(), 5);
  });

  it('garbage, an empty file and a tar without a manifest are errors, not crashes', async () => {
    const garbage = path.join(dir, 'garbage.tar');
    fs.writeFileSync(garbage, Buffer.from('this is not a tar archive at all'.repeat(40)));
    await assert.rejects(inspectArchive(garbage, { label: 'x' }), ArchiveError);
    const empty = path.join(dir, 'empty.tar');
    fs.writeFileSync(empty, '');
    await assert.rejects(inspectArchive(empty, { label: 'x' }), ArchiveError);
    const corruptGzip = await dockerArchive(dir, [{ files: [{ name: 'a', content: 'a' }], compression: 'gzip' }]);
    const bytes = fs.readFileSync(corruptGzip);
    // Cut the archive in the middle of the layer blob.
    fs.writeFileSync(corruptGzip, bytes.subarray(0, 1100));
    await assert.rejects(inspectArchive(corruptGzip, { label: 'x' }), ArchiveError);
  });
});
