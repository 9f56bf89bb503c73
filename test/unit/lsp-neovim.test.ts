/**
 * A real second client: Neovim's built-in LSP client (Debian's 0.7.2, headless) runs the language
 * server on a fixture Dockerfile, sees the diagnostic, applies the quick fix through its own code
 * action flow, writes the file and sees the diagnostic go (test/nvim/lsp.lua). `.ci/run` installs
 * neovim; without it this test fails, unless SHIPSHAPE_NO_APT is set (then it is skipped, loudly).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze, findRule, Severity } from '../../src/core';
import { ensureServerBuilt, ROOT, SERVER } from './lsp-client';

const FIXTURE = path.join(ROOT, 'test', 'nvim', 'fixture', 'Dockerfile');
/** vim.diagnostic.severity numbers are LSP's: 1 error … 4 hint (the extension's mapping of our severities). */
const LSP_SEVERITY: Record<Severity, number> = { critical: 1, high: 1, medium: 2, low: 3, info: 4 };
const SCRIPT = path.join(ROOT, 'test', 'nvim', 'lsp.lua');

function nvimVersion(): string | undefined {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

describe('language server in Neovim (headless, built-in LSP client)', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    const version = nvimVersion();
    if (!version) {
      if (process.env.SHIPSHAPE_NO_APT) {
        console.warn('    SKIPPED: nvim is not installed and SHIPSHAPE_NO_APT is set (CI installs neovim: .ci/run)');
        this.skip();
      }
      throw new Error('nvim is not installed: apt-get install -y neovim (.ci/run does), or set SHIPSHAPE_NO_APT=1 to skip this test');
    }
    ensureServerBuilt();
  });
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-nvim-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the diagnostic, applies the quick fix, writes the file and the finding goes', () => {
    const file = path.join(dir, 'Dockerfile');
    const original = fs.readFileSync(FIXTURE, 'utf8');
    fs.writeFileSync(file, original);
    const reportFile = path.join(dir, 'report.json');
    const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${SCRIPT}`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        SHIPSHAPE_SERVER: SERVER,
        SHIPSHAPE_FILE: file,
        SHIPSHAPE_RULE: 'docker-apt-no-install-recommends',
        SHIPSHAPE_FIX: 'Add --no-install-recommends',
        SHIPSHAPE_REPORT: reportFile,
      },
    });
    assert.ok(!r.error, `nvim did not finish: ${r.error?.message} (signal ${r.signal}); stderr: ${r.stderr}`);
    assert.ok(fs.existsSync(reportFile), `nvim wrote no report (exit ${r.status}); stdout: ${r.stdout}; stderr: ${r.stderr}`);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    assert.strictEqual(report.ok, true, `Neovim run failed after steps [${report.steps}]: ${report.error}`);
    assert.deepStrictEqual(report.steps, ['attached', 'diagnostic', 'applied', 'written', 'rechecked']);
    assert.strictEqual(report.filetype, 'dockerfile');
    assert.deepStrictEqual(report.before, ['docker-apt-no-install-recommends']);
    assert.deepStrictEqual(report.diagnostic, { lnum: 3, col: 7, end_lnum: 3, end_col: 22, source: 'Shipshape', severity: LSP_SEVERITY[findRule('docker-apt-no-install-recommends')!.severity] });
    assert.deepStrictEqual(report.offered, ['Add --no-install-recommends', 'Ignore docker-apt-no-install-recommends for this line', 'Ignore docker-apt-no-install-recommends for this file']);
    assert.deepStrictEqual(report.after, []);
    const written = fs.readFileSync(file, 'utf8');
    assert.strictEqual(written, original.replace('apt-get install -y', 'apt-get install --no-install-recommends -y'));
    // Re-checked here too, by the engine itself.
    assert.deepStrictEqual(analyze(written, 'dockerfile').findings.map((f) => f.ruleId), []);
  });
});
