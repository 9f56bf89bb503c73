import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { historyKeyword, matchHistory, finalImageInstructions } from '../../src/core/inspect/history';
import { normaliseEntryName } from '../../src/core/inspect/paths';
import { fakeWorld, FakeWorld } from './node-fakes';
import { dockerArchive, tempDir } from './inspect-support';

interface Run { code: number; stdout: string; stderr: string }

async function shipshape(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const DOCKERFILE = [
  'FROM debian:12',
  'ARG VERSION=1',
  'WORKDIR /app',
  'COPY app.tar.gz /app/',
  'RUN tar xzf app.tar.gz && rm app.tar.gz',
  'CMD ["/app/run"]',
  '',
].join('\n');

const HISTORY = [
  { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
  { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
  { created_by: 'WORKDIR /app', empty_layer: false },
  { created_by: 'COPY app.tar.gz /app/ # buildkit' },
  { created_by: 'RUN |1 VERSION=1 /bin/sh -c tar xzf app.tar.gz && rm app.tar.gz # buildkit' },
  { created_by: 'CMD ["/app/run"]', empty_layer: true },
];

describe('inspect: history and paths', () => {
  it('reads the keyword of BuildKit and classic builder history entries', () => {
    assert.strictEqual(historyKeyword('RUN /bin/sh -c apt-get update # buildkit'), 'RUN');
    assert.strictEqual(historyKeyword('|2 A=1 B=2 /bin/sh -c make'), 'RUN');
    assert.strictEqual(historyKeyword('/bin/sh -c apt-get install -y curl'), 'RUN');
    assert.strictEqual(historyKeyword('/bin/sh -c #(nop) COPY file:123 in /app '), 'COPY');
    assert.strictEqual(historyKeyword('ENV PATH=/usr/local/bin'), 'ENV');
    assert.strictEqual(historyKeyword('bazel build //base:static'), undefined);
    assert.strictEqual(historyKeyword(undefined), undefined);
  });

  it('matches history to the final stage from the end; ARG may be missing; the base image\'s entries stay unmatched', () => {
    const lines = matchHistory(HISTORY.map((h) => ({ createdBy: h.created_by, emptyLayer: h.empty_layer })), finalImageInstructions(DOCKERFILE));
    assert.deepStrictEqual(lines, [undefined, undefined, 3, 4, 5, 6]);
  });

  it('matches the instructions of the stage the final stage is built FROM, and stops at a disagreement', () => {
    const text = 'FROM alpine AS base\nRUN apk add curl\nFROM base\nUSER app\n';
    const hist = [{ createdBy: 'ADD x' }, { createdBy: 'RUN /bin/sh -c apk add curl # buildkit' }, { createdBy: 'USER app' }];
    assert.deepStrictEqual(matchHistory(hist, finalImageInstructions(text)), [undefined, 2, 4]);
    assert.deepStrictEqual(matchHistory([{ createdBy: 'EXPOSE 80' }, { createdBy: 'USER app' }], finalImageInstructions(text)), [undefined, 4]);
  });

  it('normalises hostile entry names', () => {
    assert.deepStrictEqual(normaliseEntryName('./etc/passwd'), { path: '/etc/passwd', escapes: false });
    assert.deepStrictEqual(normaliseEntryName('../../etc/passwd'), { path: '/etc/passwd', escapes: true });
    assert.deepStrictEqual(normaliseEntryName('/etc/shadow'), { path: '/etc/shadow', escapes: true });
    assert.deepStrictEqual(normaliseEntryName('a/./b//c/'), { path: '/a/b/c', escapes: false });
    assert.deepStrictEqual(normaliseEntryName('./'), { path: '/', escapes: false });
  });
});

describe('shipshape inspect (CLI)', function () {
  this.timeout(20000);
  let dir: string;
  let world: FakeWorld | undefined;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    world?.dispose();
    world = undefined;
  });

  async function appImage(): Promise<string> {
    return dockerArchive(dir, [
      { files: [{ name: 'bin/sh', content: 'ELF' }, { name: 'usr/bin/passwd', content: 'ELF', mode: 0o4755 }] },
      { files: [{ name: 'app/', type: 'directory' }] },
      { files: [{ name: 'app/app.tar.gz', content: 'x'.repeat(100) }, { name: 'app/.env', content: 'DB_PASSWORD=s3cr3t-Pa55w0rd-xyz\n' }] },
      { files: [{ name: 'app/run', content: 'ELF', mode: 0o755 }, { name: 'app/.wh.app.tar.gz', content: '' }, { name: 'app/.wh..env', content: '' }] },
    ], { fullHistory: HISTORY });
  }

  it('prints the documented JSON, maps layers to the Dockerfile beside the archive, exits 1 on a high finding', async () => {
    const file = await appImage();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    const r = await shipshape(['inspect', path.basename(file), '--format', 'json'], {}, dir);
    assert.strictEqual(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepStrictEqual(Object.keys(doc), ['version', 'image', 'layers', 'findings']);
    assert.strictEqual(doc.version, 1);
    assert.strictEqual(doc.image, 'image.tar');
    assert.deepStrictEqual(doc.layers.map((l: { instruction?: unknown }) => l.instruction), [undefined, { file: 'Dockerfile', line: 3 }, { file: 'Dockerfile', line: 4 }, { file: 'Dockerfile', line: 5 }]);
    assert.deepStrictEqual(Object.keys(doc.layers[1]), ['index', 'digest', 'size', 'createdBy', 'instruction']);
    const env = doc.findings.find((f: { path: string }) => f.path === '/app/.env');
    assert.ok(env, r.stdout);
    assert.match(env.message, /deleted in layer 4, still readable in layer 3/);
    assert.doesNotMatch(r.stdout, /s3cr3t/, 'the secret itself is never printed');
    assert.strictEqual(doc.findings[0].severity, 'high', 'most severe first');
  });

  it('--fail-on decides the exit code; text output names layers and findings; --dockerfile elsewhere', async () => {
    const file = await appImage();
    const other = path.join(dir, 'sub');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'Containerfile'), DOCKERFILE);
    const r = await shipshape(['inspect', file, '--fail-on', 'critical', '--dockerfile', 'sub/Containerfile'], {}, dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /sub\/Containerfile:5/);
    assert.match(r.stdout, /HIGH +layer 3 +image-secret-file/);
    assert.match(r.stdout, /LOW +layer 1 +image-setuid +\/usr\/bin\/passwd/);
    assert.strictEqual((await shipshape(['inspect', file, '--fail-on', 'none'], {}, dir)).code, 0);
    assert.strictEqual((await shipshape(['inspect', file, '--fail-on', 'low'], {}, dir)).code, 1);
  });

  it('control characters from the image never reach the terminal', async () => {
    const file = await dockerArchive(dir, [{ files: [{ name: 'usr/bin/\x1b]0;pwned\x07evil', content: 'x', mode: 0o4755 }], createdBy: 'RUN \x1b[2J clear' }]);
    const r = await shipshape(['inspect', file, '--fail-on', 'none'], {}, dir);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f]/);
    assert.match(r.stdout, /image-setuid/);
    const json = await shipshape(['inspect', file, '--format', 'json', '--fail-on', 'none'], {}, dir);
    assert.strictEqual(JSON.parse(json.stdout).findings[0].path, '/usr/bin/\x1b]0;pwned\x07evil', 'JSON keeps the value, escaped');
  });

  it('a zstd layer, a missing file that is no reference and bad options exit 2', async () => {
    const z = await dockerArchive(dir, [{ files: [{ name: 'a', content: 'a' }], compression: 'zstd' }]);
    const r = await shipshape(['inspect', z], {}, dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /zstd-compressed, which Shipshape cannot read yet/);
    const bad = await shipshape(['inspect', './no-such.tar'], { PATH: '' }, dir);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /not a valid image reference.*no file/);
    assert.strictEqual((await shipshape(['inspect', z, '--format', 'sarif'], {}, dir)).code, 2);
    assert.strictEqual((await shipshape(['inspect'], {}, dir)).code, 2);
  });

  it('saves a local image with docker image save (argv array, reference after --, filtered environment) and removes the archive', async () => {
    const file = await appImage();
    world = fakeWorld(['docker'], { FAKE_SAVE_ARCHIVE: file, MY_SECRET_TOKEN: 'x' });
    const r = await shipshape(['inspect', 'example/app:1', '--format', 'json', '--fail-on', 'none'], world.env, dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(JSON.parse(r.stdout).image, 'example/app:1');
    const [call] = world.entries();
    assert.deepStrictEqual([call.tool, ...call.argv.slice(0, 3), ...call.argv.slice(4)], ['docker', 'image', 'save', '-o', '--', 'example/app:1']);
    assert.match(call.argv[3], /shipshape-inspect-[^/]+\/image\.tar$/);
    assert.ok(!fs.existsSync(call.argv[3]), 'the saved archive is removed');
    assert.ok(!call.envKeys!.includes('MY_SECRET_TOKEN'));
  });

  it('an option-like or invalid reference never reaches docker; a failed save exits 2 with its message', async () => {
    world = fakeWorld(['docker']);
    const r = await shipshape(['inspect', 'App;rm -rf /'], world.env, dir);
    assert.strictEqual(r.code, 2);
    assert.deepStrictEqual(world.entries(), []);
    const missing = await shipshape(['inspect', 'missing/image:1'], world.env, dir);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /docker image save missing\/image:1 failed \(exit 1\): Error response from daemon/);
  });

  it('falls back to podman when docker is absent', async () => {
    const file = await appImage();
    world = fakeWorld(['podman'], { FAKE_SAVE_ARCHIVE: file });
    const r = await shipshape(['inspect', 'example/app:1', '--fail-on', 'none'], world.env, dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(world.entries()[0].argv.slice(0, 4), ['image', 'save', '--format', 'docker-archive']);
  });
});
