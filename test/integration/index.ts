// Test runner loaded by the VS Code extension host (extensionTestsPath, the @vscode/test-electron
// contract). It runs every compiled `*.test.js` below this folder with mocha's bdd interface.
// Files named `*.<layout>.test.js` need another window layout: `untrusted` (a folder that is NOT
// trusted), `multiroot` (a .code-workspace with several folders), `nofolder` (an empty window) or
// `zhcn` (the trusted folder with VS Code's display language set to Simplified Chinese).
// They run only when the launcher sets SHIPSHAPE_TEST_MODE to that layout (test/vscode/run.js
// --untrusted / --multiroot / --nofolder / --zhcn), and only they run then.
import * as fs from 'fs';
import * as path from 'path';
import type MochaType from 'mocha';

const TEST_SUFFIX = '.test.js';
export type TestMode = 'trusted' | 'untrusted' | 'multiroot' | 'nofolder' | 'zhcn';
const LAYOUTS: TestMode[] = ['untrusted', 'multiroot', 'nofolder', 'zhcn'];

/** The layout a compiled test file needs: `x.untrusted.test.js` → untrusted; plain → trusted. */
function layoutOf(file: string): TestMode {
  return LAYOUTS.find((l) => file.endsWith(`.${l}${TEST_SUFFIX}`)) ?? 'trusted';
}

/** Which compiled test files a run in the given mode loads, sorted for a stable order. */
export function selectTestFiles(dir: string, mode: TestMode): string[] {
  return listFiles(dir)
    .filter((file) => file.endsWith(TEST_SUFFIX) && layoutOf(file) === mode)
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
  const requested = process.env.SHIPSHAPE_TEST_MODE as TestMode | undefined;
  const mode: TestMode = requested && (LAYOUTS as string[]).includes(requested) ? requested : 'trusted';
  const grep = process.env.SHIPSHAPE_TEST_GREP;
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 30000, slow: 5000 });
  if (grep) mocha.grep(grep);
  const files = selectTestFiles(__dirname, mode);
  for (const file of files) mocha.addFile(file);
  console.log(`Shipshape integration tests: ${files.length} file(s), ${mode} workspace${grep ? `, grep /${grep}/` : ''}`);

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no ${mode === 'trusted' ? `*${TEST_SUFFIX}` : `*.${mode}${TEST_SUFFIX}`} files under ${__dirname}`));
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
