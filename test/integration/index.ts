// Test runner loaded by the VS Code extension host (extensionTestsPath, the @vscode/test-electron
// contract). It runs every compiled `*.test.js` below this folder with mocha's bdd interface.
// Files named `*.untrusted.test.js` need a workspace that is NOT trusted: they run only when the
// launcher sets SHIPSHAPE_TEST_MODE=untrusted (test/vscode/run.js --untrusted), and only they run then.
import * as fs from 'fs';
import * as path from 'path';
import type MochaType from 'mocha';

const TEST_SUFFIX = '.test.js';
const UNTRUSTED_SUFFIX = '.untrusted.test.js';

/** Which compiled test files a run in the given trust mode loads, sorted for a stable order. */
export function selectTestFiles(dir: string, mode: 'trusted' | 'untrusted'): string[] {
  const wantUntrusted = mode === 'untrusted';
  return listFiles(dir)
    .filter((file) => file.endsWith(TEST_SUFFIX) && file.endsWith(UNTRUSTED_SUFFIX) === wantUntrusted)
    .sort();
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

// mocha 12 is an ES module whose CommonJS build is reachable by require(esm) in the extension
// host's Node; depending on the Node version the constructor is the module itself, `.Mocha` or `.default`.
function loadMocha(): typeof MochaType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('mocha') as { Mocha?: typeof MochaType; default?: typeof MochaType } & typeof MochaType;
  const ctor = loaded.Mocha ?? loaded.default ?? loaded;
  if (typeof ctor !== 'function') throw new Error('could not load mocha (is it installed in node_modules?)');
  return ctor;
}

export function run(): Promise<void> {
  const mode = process.env.SHIPSHAPE_TEST_MODE === 'untrusted' ? 'untrusted' : 'trusted';
  const grep = process.env.SHIPSHAPE_TEST_GREP;
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 30000, slow: 5000 });
  if (grep) mocha.grep(grep);
  const files = selectTestFiles(__dirname, mode);
  for (const file of files) mocha.addFile(file);
  console.log(`Shipshape integration tests: ${files.length} file(s), ${mode} workspace${grep ? `, grep /${grep}/` : ''}`);

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no ${mode === 'untrusted' ? `*${UNTRUSTED_SUFFIX}` : `*${TEST_SUFFIX}`} files under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
