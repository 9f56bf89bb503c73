import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-fix-skip-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const ESCALATING = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: a:1\n      securityContext:\n        runAsNonRoot: true\n';

describe('shipshape fix: files it does not analyse', () => {
  it('leaves a file in a chart\'s templates/ untouched and says it was skipped', async () => {
    const dir = tempDir({ 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n', 'chart/templates/pod.yaml': ESCALATING, 'pod.yaml': ESCALATING });
    const { code, stdout, stderr } = await run(['fix', '.', '--write', '--fail-on', 'none'], dir);
    assert.strictEqual(code, 0, stderr);
    assert.strictEqual(stdout, '');
    assert.strictEqual(fs.readFileSync(path.join(dir, 'chart', 'templates', 'pod.yaml'), 'utf8'), ESCALATING);
    assert.ok(fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8').includes('allowPrivilegeEscalation: false'));
    assert.match(stderr, /chart[\\/]templates[\\/]pod\.yaml: skipped \(Helm template \(in a chart's templates\/ directory\)/);
  });

  it('exits 2 for a binary file unless --allow-skipped is given', async () => {
    const dir = tempDir({ Dockerfile: 'FROM \u0000\u0001' });
    assert.strictEqual((await run(['fix', 'Dockerfile'], dir)).code, 2);
    assert.strictEqual((await run(['fix', 'Dockerfile', '--allow-skipped'], dir)).code, 0);
  });
});
