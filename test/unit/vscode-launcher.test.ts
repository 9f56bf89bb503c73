// The parts of the real-VS-Code launcher that decide things without starting VS Code: which
// integration test files a session loads, where the runtime cache lives, when an install is
// skipped, and how the command line is read.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { selectTestFiles } from '../integration/index';

// Plain CommonJS launcher modules, outside the TypeScript program (out/test/unit -> test/vscode).
const launcherDir = path.resolve(__dirname, '..', '..', '..', 'test', 'vscode');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require(path.join(launcherDir, 'runtime.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require(path.join(launcherDir, 'lib.js'));

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-launcher-test-'));
}

function touch(file: string, content = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  try { return fn(); } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  }
}

describe('integration test selection', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    for (const f of ['index.js', 'diagnostics.test.js', 'diagnostics.test.js.map', 'sub/codeActions.test.js',
      'trust.untrusted.test.js', 'sub/scan.untrusted.test.js', 'helpers.js']) touch(path.join(dir, f));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads every *.test.js, also in subfolders, but not the untrusted ones in a trusted session', () => {
    const files = selectTestFiles(dir, 'trusted').map((f) => path.relative(dir, f));
    assert.deepStrictEqual(files, ['diagnostics.test.js', path.join('sub', 'codeActions.test.js')]);
  });

  it('loads only *.untrusted.test.js in an untrusted session', () => {
    const files = selectTestFiles(dir, 'untrusted').map((f) => path.relative(dir, f));
    assert.deepStrictEqual(files, [path.join('sub', 'scan.untrusted.test.js'), 'trust.untrusted.test.js']);
  });

  it('selects nothing from a folder without tests', () => {
    const empty = tempDir();
    try {
      touch(path.join(empty, 'index.js'));
      assert.deepStrictEqual(selectTestFiles(empty, 'trusted'), []);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('VS Code runtime cache location', () => {
  it('uses SHIPSHAPE_VSCODE_CACHE when it is set', () => {
    const dir = withEnv({ SHIPSHAPE_VSCODE_CACHE: '/somewhere/vsc', XDG_CACHE_HOME: '/xdg' }, () => runtime.cacheDir());
    assert.strictEqual(dir, path.resolve('/somewhere/vsc'));
  });

  it('falls back to XDG_CACHE_HOME, one folder per code-server version', () => {
    const dir = withEnv({ SHIPSHAPE_VSCODE_CACHE: undefined, XDG_CACHE_HOME: '/xdg' }, () => runtime.cacheDir());
    assert.strictEqual(dir, path.join('/xdg', 'shipshape-vscode', `code-server-${runtime.CODE_SERVER_VERSION}`));
  });

  it('defaults to ~/.cache', () => {
    const dir = withEnv({ SHIPSHAPE_VSCODE_CACHE: undefined, XDG_CACHE_HOME: undefined }, () => runtime.cacheDir());
    assert.strictEqual(dir, path.join(os.homedir(), '.cache', 'shipshape-vscode', `code-server-${runtime.CODE_SERVER_VERSION}`));
  });
});

describe('VS Code runtime install', () => {
  let cache: string;
  beforeEach(() => { cache = tempDir(); });
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  function fakeInstall(withMarker: boolean): void {
    const p = runtime.runtimePaths(cache);
    touch(p.node);
    touch(p.codeServerEntry);
    if (withMarker) touch(p.marker, '{}');
  }

  it('counts an install as done only when its marker file exists', () => {
    fakeInstall(false);
    assert.strictEqual(runtime.isInstalled(runtime.runtimePaths(cache)), false, 'interrupted install (no marker)');
    touch(runtime.runtimePaths(cache).marker, '{}');
    assert.strictEqual(runtime.isInstalled(runtime.runtimePaths(cache)), true);
  });

  it('skips the install when the cache is complete', async function () {
    if (!fs.existsSync(process.env.CHROMIUM || '/usr/bin/chromium')) this.skip();
    fakeInstall(true);
    const p = await withEnv({ SHIPSHAPE_VSCODE_CACHE: cache }, () => runtime.ensureRuntime({ quiet: true }));
    assert.strictEqual(p.dir, cache);
    assert.ok(!fs.existsSync(p.lock), 'no lock taken');
    assert.ok(!fs.existsSync(p.log), 'no install log written');
  });

  it('names the apt command when chromium is missing', () => {
    const script = `process.env.CHROMIUM='/nonexistent/chromium';` +
      `const r=require(${JSON.stringify(path.join(launcherDir, 'runtime.js'))});` +
      `try{r.checkChromium();console.log('no error')}catch(e){console.log(e.message)}`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.match(out, /\/nonexistent\/chromium/);
    assert.match(out, /apt-get install -y chromium build-essential python3 pkg-config libkrb5-dev/);
  });
});

describe('launcher command line', () => {
  const spec = { grep: 'value', untrusted: 'flag', workspace: 'value' };

  it('reads --name value, --name=value and flags', () => {
    assert.deepStrictEqual(lib.parseArgs(['--grep', 'quick fix', '--untrusted', '--workspace=/w'], spec),
      { grep: 'quick fix', untrusted: true, workspace: '/w' });
  });

  it('rejects unknown options and missing values', () => {
    assert.throws(() => lib.parseArgs(['--grpe', 'x'], spec), /unknown argument: --grpe/);
    assert.throws(() => lib.parseArgs(['--grep'], spec), /--grep needs a value/);
  });
});

describe('launcher window layouts', () => {
  it('gives each layout only its own test files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layouts-'));
    for (const f of ['a.test.js', 'b.untrusted.test.js', 'c.multiroot.test.js', 'd.nofolder.test.js', 'helpers.js']) fs.writeFileSync(path.join(dir, f), '');
    const names = (mode: 'trusted' | 'untrusted' | 'multiroot' | 'nofolder') => selectTestFiles(dir, mode).map((f) => path.basename(f));
    assert.deepStrictEqual(names('trusted'), ['a.test.js']);
    assert.deepStrictEqual(names('untrusted'), ['b.untrusted.test.js']);
    assert.deepStrictEqual(names('multiroot'), ['c.multiroot.test.js']);
    assert.deepStrictEqual(names('nofolder'), ['d.nofolder.test.js']);
  });
});
