import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const CORE = path.resolve(__dirname, '../../../src/core');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('core purity', () => {
  const files = tsFiles(CORE);
  it('finds the core sources', () => {
    assert.ok(files.length > 5);
  });
  for (const [what, pattern] of [
    ['vscode', /(from\s+|require\(\s*|import\(\s*)['"]vscode['"]/],
    ['Node built-ins (fs, child_process, net…)', /(from\s+|require\(\s*|import\(\s*)['"](node:)?(fs|fs\/promises|child_process|net|http|https|os|worker_threads)['"]/],
  ] as const) {
    it(`no file under src/core imports ${what}`, () => {
      const offenders = files.filter((f) => pattern.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(CORE, f));
      assert.deepStrictEqual(offenders, []);
    });
  }
});
