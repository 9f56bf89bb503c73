import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';

async function check(cwd: string, ...paths: string[]): Promise<{ code: number; findings: Array<{ file: string; ruleId: string; line: number }> }> {
  let stdout = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: () => undefined, isTTY: false, env: {}, cwd };
  const code = await main(['check', ...paths, '--format', 'json', '--fail-on', 'none'], io);
  return { code, findings: JSON.parse(stdout).findings };
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-compose-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const HARDENED_BASE = 'services:\n  hardened:\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n';
const EXTENDING = 'services:\n  api:\n    image: ghcr.io/acme/api:1.2\n    extends:\n      file: ../common/base.yml\n      service: hardened\n';

describe('shipshape check: Compose files', () => {
  it('walks Compose files by name and by content, next to Kubernetes manifests', async () => {
    const dir = tempDir({
      'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n',
      'stack/app.yml': 'services:\n  db:\n    image: postgres:16\n    network_mode: host\n',
      'k8s/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]\n',
    });
    const { findings } = await check(dir, '.');
    const at = (file: string): string[] => findings.filter((f) => f.file === file).map((f) => f.ruleId);
    assert.ok(at('compose.yaml').includes('compose-privileged'));
    assert.ok(at(path.join('stack', 'app.yml')).includes('compose-host-network'));
    assert.ok(at(path.join('k8s', 'pod.yaml')).includes('k8s-privileged'));
    assert.ok(!at(path.join('k8s', 'pod.yaml')).some((id) => id.startsWith('compose-')));
  });

  it('reads a local extends.file, so what the service inherits counts', async () => {
    const dir = tempDir({ 'app/compose.yaml': EXTENDING, 'common/base.yml': HARDENED_BASE });
    const ids = (await check(dir, 'app/compose.yaml')).findings.map((f) => f.ruleId);
    for (const id of ['compose-read-only', 'compose-cap-drop-all', 'compose-no-new-privileges']) assert.ok(!ids.includes(id), id);
    assert.ok(ids.includes('compose-resource-limits'), 'what the base does not set is still reported');
  });

  it('reads a local env_file for the secret check', async () => {
    const dir = tempDir({ 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    env_file: db.env\n', 'db.env': 'POSTGRES_PASSWORD=Zq9-literal-pw\n' });
    const hits = (await check(dir, 'compose.yaml')).findings.filter((f) => f.ruleId === 'compose-env-secret');
    assert.deepStrictEqual(hits.map((f) => [f.file, f.line]), [['compose.yaml', 4]]);
  });

  it('does not read an extends.file outside the working directory', async () => {
    // A base that sets nothing: read, it makes read_only missing; unread, the base is unknown and nothing is guessed.
    const BARE = 'services:\n  hardened:\n    restart: always\n';
    const inside = tempDir({ 'compose.yaml': 'services:\n  api:\n    image: a:1\n    extends: {file: base.yml, service: hardened}\n', 'base.yml': BARE });
    assert.ok((await check(inside, 'compose.yaml')).findings.some((f) => f.ruleId === 'compose-read-only'), 'a base inside is read');
    const outside = tempDir({ 'base.yml': BARE });
    const dir = tempDir({ 'compose.yaml': `services:\n  api:\n    image: a:1\n    extends: {file: ${JSON.stringify(path.join(outside, 'base.yml'))}, service: hardened}\n` });
    assert.ok(!(await check(dir, 'compose.yaml')).findings.some((f) => f.ruleId === 'compose-read-only'), 'an absolute path is not read');
    const escaping = tempDir({ 'base.yml': BARE, 'proj/compose.yaml': 'services:\n  api:\n    image: a:1\n    extends: {file: ../base.yml, service: hardened}\n' });
    assert.ok(!(await check(path.join(escaping, 'proj'), 'compose.yaml')).findings.some((f) => f.ruleId === 'compose-read-only'), 'a path out of the working directory is not read');
  });
});
