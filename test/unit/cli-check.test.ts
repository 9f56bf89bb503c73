import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';
import { VERSION } from '../../src/cli/version';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const ROOT_DOCKERFILE = 'FROM alpine:3.19\nHEALTHCHECK CMD true\nCMD ["sh"]\n';
const CLEAN_DOCKERFILE = 'FROM alpine:3.19\nUSER 10001\nHEALTHCHECK CMD true\nCMD ["sh"]\n';

describe('shipshape check', () => {
  it('prints the documented JSON shape with 1-based positions', async () => {
    const dir = tempDir({ Dockerfile: ROOT_DOCKERFILE });
    const { code, stdout } = await run(['check', 'Dockerfile', '--format', 'json'], dir);
    assert.strictEqual(code, 1);
    const out = JSON.parse(stdout);
    assert.strictEqual(out.version, 1);
    const f = out.findings.find((x: { ruleId: string }) => x.ruleId === 'docker-root-user');
    assert.ok(f, stdout);
    assert.deepStrictEqual(Object.keys(f).sort(), ['column', 'endColumn', 'endLine', 'file', 'fixable', 'line', 'message', 'references', 'ruleId', 'severity'].sort());
    assert.strictEqual(f.file, 'Dockerfile');
    assert.strictEqual(f.line, 1);
    assert.strictEqual(f.column, 1);
    assert.strictEqual(f.severity, 'high');
    assert.ok(f.references.includes('DS-0002'));
    assert.strictEqual(typeof f.fixable, 'boolean');
  });

  it('reads each manifest once: the pre-scan keeps the text it read for the analysis', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx:1.25}\n';
    const dir = tempDir({ 'a.yaml': pod, 'b.yaml': pod.replace('name: p', 'name: q') });
    const opened: string[] = [];
    const open = fs.promises.open;
    fs.promises.open = (async (file: fs.PathLike, ...rest: unknown[]) => {
      opened.push(path.basename(String(file)));
      return (open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(file, ...rest);
    }) as typeof fs.promises.open;
    let out: { code: number; stdout: string };
    try {
      out = await run(['check', '.', '--format', 'json', '--fail-on', 'none'], dir);
    } finally {
      fs.promises.open = open;
    }
    assert.strictEqual(out.code, 0);
    assert.deepStrictEqual(opened.filter((f) => f === 'a.yaml' || f === 'b.yaml').sort(), ['a.yaml', 'b.yaml']);
    const files = new Set((JSON.parse(out.stdout) as { findings: Array<{ file: string }> }).findings.map((f) => f.file));
    assert.deepStrictEqual([...files].sort(), ['a.yaml', 'b.yaml']);
  });

  it('exits 0 when nothing reaches --fail-on and 1 when something does', async () => {
    const dir = tempDir({ Dockerfile: CLEAN_DOCKERFILE, 'bad/Dockerfile': ROOT_DOCKERFILE });
    assert.strictEqual((await run(['check', 'Dockerfile'], dir)).code, 0);
    assert.strictEqual((await run(['check', 'bad'], dir)).code, 1);
    assert.strictEqual((await run(['check', 'bad', '--fail-on', 'critical'], dir)).code, 0);
    assert.strictEqual((await run(['check', 'bad', '--fail-on', 'none'], dir)).code, 0);
  });

  it('exits 2 with a clear message on usage and I/O errors', async () => {
    const dir = tempDir({ Dockerfile: CLEAN_DOCKERFILE });
    const missing = await run(['check', 'nope'], dir);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /nope: no such file or directory/);
    const badFormat = await run(['check', '.', '--format', 'xml'], dir);
    assert.strictEqual(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be text, json or sarif/);
    assert.strictEqual((await run(['check', '.', '--fail-on', 'severe'], dir)).code, 2);
    assert.strictEqual((await run(['check'], dir)).code, 2);
    assert.strictEqual((await run(['check', '--bogus', '.'], dir)).code, 2);
    assert.strictEqual((await run(['frobnicate'], dir)).code, 2);
    const badConfig = await run(['check', '.', '--config', 'missing.yaml'], dir);
    assert.strictEqual(badConfig.code, 2);
    assert.match(badConfig.stderr, /cannot read config missing\.yaml/);
  });

  it('walks directories for Dockerfile patterns and YAML, skipping .git and node_modules', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      securityContext: {privileged: true}\n';
    const dir = tempDir({
      'a/Dockerfile': ROOT_DOCKERFILE, 'a/api.Dockerfile': ROOT_DOCKERFILE, 'a/Dockerfile.prod': ROOT_DOCKERFILE,
      'a/Containerfile': ROOT_DOCKERFILE, 'k8s/pod.yml': pod, 'node_modules/x/Dockerfile': ROOT_DOCKERFILE,
      '.git/Dockerfile': ROOT_DOCKERFILE, 'README.md': '# hi',
    });
    const { stdout } = await run(['check', '.', '--format', 'json'], dir);
    const files = [...new Set(JSON.parse(stdout).findings.map((f: { file: string }) => f.file))].sort();
    assert.deepStrictEqual(files, ['a/Containerfile', 'a/Dockerfile', 'a/Dockerfile.prod', 'a/api.Dockerfile', 'k8s/pod.yml']);
  });

  it('reads .shipshape.yaml from the working directory and --config', async () => {
    const dir = tempDir({ Dockerfile: ROOT_DOCKERFILE, '.shipshape.yaml': 'rules:\n  DS-0002: off\n', 'strict.yaml': 'rules:\n  docker-root-user: critical\n' });
    const def = JSON.parse((await run(['check', 'Dockerfile', '--format', 'json'], dir)).stdout);
    assert.ok(!def.findings.some((f: { ruleId: string }) => f.ruleId === 'docker-root-user'));
    const strict = JSON.parse((await run(['check', 'Dockerfile', '--format', 'json', '--config', 'strict.yaml'], dir)).stdout);
    assert.strictEqual(strict.findings.find((f: { ruleId: string }) => f.ruleId === 'docker-root-user').severity, 'critical');
  });

  it('honours exclude globs from the config', async () => {
    const dir = tempDir({ 'keep/Dockerfile': ROOT_DOCKERFILE, 'vendor/Dockerfile': ROOT_DOCKERFILE, '.shipshape.yaml': 'exclude: ["vendor/**"]\n' });
    const out = JSON.parse((await run(['check', '.', '--format', 'json'], dir)).stdout);
    assert.deepStrictEqual([...new Set(out.findings.map((f: { file: string }) => f.file))], ['keep/Dockerfile']);
  });

  it('applies --profile baseline to Kubernetes findings', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n';
    const dir = tempDir({ 'pod.yaml': pod });
    const all = JSON.parse((await run(['check', 'pod.yaml', '--format', 'json'], dir)).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    const baseline = JSON.parse((await run(['check', 'pod.yaml', '--format', 'json', '--profile', 'baseline'], dir)).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    assert.ok(all.includes('k8s-run-as-non-root'));
    assert.ok(!baseline.includes('k8s-run-as-non-root'));
    assert.ok(baseline.includes('k8s-readonly-rootfs'), 'non-PSS rules stay');
  });

  it('produces SARIF 2.1.0 with rules, helpUri, tags and 1-based regions', async () => {
    const dir = tempDir({ Dockerfile: ROOT_DOCKERFILE });
    const sarif = JSON.parse((await run(['check', 'Dockerfile', '--format', 'sarif'], dir)).stdout);
    assert.strictEqual(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const run0 = sarif.runs[0];
    assert.strictEqual(run0.tool.driver.name, 'Shipshape');
    assert.strictEqual(run0.tool.driver.version, VERSION);
    const rule = run0.tool.driver.rules.find((r: { id: string }) => r.id === 'docker-root-user');
    assert.match(rule.helpUri, /^https:\/\/.+docker-root-user\.md$/);
    assert.ok(rule.properties.tags.includes('DS-0002'));
    assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
    const result = run0.results.find((r: { ruleId: string }) => r.ruleId === 'docker-root-user');
    assert.strictEqual(run0.tool.driver.rules[result.ruleIndex].id, 'docker-root-user');
    assert.strictEqual(result.level, 'error');
    assert.deepStrictEqual(result.locations[0].physicalLocation.region.startLine, 1);
    assert.strictEqual(result.locations[0].physicalLocation.artifactLocation.uri, 'Dockerfile');
  });

  it('prints compact text grouped by file, without colour when not a TTY', async () => {
    const dir = tempDir({ Dockerfile: ROOT_DOCKERFILE });
    const { stdout } = await run(['check', 'Dockerfile'], dir);
    assert.match(stdout, /^Dockerfile\n {2}1:1 +high +docker-root-user/m);
    assert.ok(!stdout.includes('\x1b['));
    assert.match(stdout, /problems? \(.*\) in 1 file\./);
  });

  it('is silent on non-Kubernetes YAML and lists Helm templates as skipped without failing', async () => {
    const dir = tempDir({
      'ci.yml': 'name: ci\non: [push]\njobs:\n  b:\n    runs-on: ubuntu-latest\n',
      'templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
    });
    const { code, stdout } = await run(['check', '.', '--format', 'json'], dir);
    assert.strictEqual(code, 0);
    const out = JSON.parse(stdout);
    assert.deepStrictEqual(out.findings, []);
    assert.deepStrictEqual(out.skipped, [{ file: path.join('templates', 'deploy.yaml'), reason: 'Helm template (template action at line 4): render it with helm template and check the output' }]);
  });

  it('skips every YAML file of a chart\'s templates/ directory, even one without template syntax', async () => {
    const privileged = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]\n';
    const dir = tempDir({ 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n', 'chart/templates/sub/pod.yaml': privileged, 'other/templates/pod.yaml': privileged });
    // --no-render: with helm on PATH the chart would be rendered instead (render-cli.test.ts covers that).
    const { code, stdout } = await run(['check', '.', '--format', 'json', '--no-render'], dir);
    const out = JSON.parse(stdout);
    assert.deepStrictEqual(out.skipped.map((s: { file: string }) => s.file), [path.join('chart', 'templates', 'sub', 'pod.yaml')]);
    assert.match(out.skipped[0].reason, /chart's templates\/ directory/);
    // A templates/ directory outside a chart is ordinary YAML.
    assert.ok(out.findings.some((f: { file: string; ruleId: string }) => f.file === path.join('other', 'templates', 'pod.yaml') && f.ruleId === 'k8s-privileged'));
    assert.strictEqual(code, 1);
  });

  it('does not take braces in quoted strings, block scalars or comments for a template (no bypass)', async () => {
    const pod = (extra: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    summary: "{{ $labels.instance }} is down"\n${extra}spec:\n  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]\n`;
    const dir = tempDir({
      'comment.yaml': pod('# {{ .Values.x }}\n'),
      'block.yaml': pod('  labels: {a: b}\n  # note\n') + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: dash}\ndata:\n  dashboard.json: |\n    {"title": "{{ cluster }}", "x": {{ y }}}\n',
    });
    const { stdout } = await run(['check', '.', '--format', 'json'], dir);
    const out = JSON.parse(stdout);
    assert.deepStrictEqual(out.skipped, []);
    assert.deepStrictEqual(out.findings.filter((f: { ruleId: string }) => f.ruleId === 'k8s-privileged').map((f: { file: string }) => f.file).sort(), ['block.yaml', 'comment.yaml']);
  });

  it('lists a skipped binary file with its reason and exits 2 unless --allow-skipped is given', async () => {
    const dir = tempDir({ Dockerfile: 'FROM \u0000\u0001\u0002', 'ok/Dockerfile': CLEAN_DOCKERFILE });
    const text = await run(['check', '.'], dir);
    assert.strictEqual(text.code, 2);
    assert.strictEqual(text.stdout, 'No problems found in 1 file; 1 skipped (not analysed):\n  Dockerfile: binary content\n');
    const allowed = await run(['check', '.', '--allow-skipped'], dir);
    assert.strictEqual(allowed.code, 0);
    const json = await run(['check', '.', '--format', 'json'], dir);
    assert.strictEqual(json.code, 2);
    assert.deepStrictEqual(JSON.parse(json.stdout).skipped, [{ file: 'Dockerfile', reason: 'binary content' }]);
    assert.match(json.stderr, /Dockerfile: skipped \(binary content\)/);
  });

  it('exits 2 for a file over the nesting limit, and lists it in SARIF as a tool execution notification', async () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: ${'['.repeat(300)}${']'.repeat(300)}\n`;
    const dir = tempDir({ 'deep.yaml': deep, 'templates/t.yaml': 'apiVersion: v1\nkind: Pod\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n' });
    const { code, stdout } = await run(['check', '.', '--format', 'sarif'], dir);
    assert.strictEqual(code, 2);
    const notes = JSON.parse(stdout).runs[0].invocations[0].toolExecutionNotifications;
    assert.deepStrictEqual(notes.map((n: { level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => [n.level, n.locations[0].physicalLocation.artifactLocation.uri]), [
      ['error', 'deep.yaml'],
      ['warning', 'templates/t.yaml'],
    ]);
    assert.match(notes[0].message.text, /^Not analysed: brackets nest deeper than 256 levels/);
    assert.strictEqual((await run(['check', '.', '--format', 'sarif', '--allow-skipped'], dir)).code, 0);
  });

  it('counts only a template skip as no failure, in text output too', async () => {
    const dir = tempDir({ 'templates/t.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n' });
    const { code, stdout } = await run(['check', '.'], dir);
    assert.strictEqual(code, 0);
    assert.match(stdout, /^No file analysed; 1 skipped \(not analysed\):\n {2}templates\/t\.yaml: Helm template \(template action at line 4\)/);
  });

  it('reports a YAML error at its position and still analyses the other documents', async () => {
    const dir = tempDir({ 'm.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n  containers: [{name: c, image: "a:1"\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  hostIPC: true\n  containers: [{name: c, image: "a:1"}]\n' });
    const out = JSON.parse((await run(['check', 'm.yaml', '--format', 'json'], dir)).stdout);
    const syntax = out.findings.filter((f: { ruleId: string }) => f.ruleId === 'k8s-yaml-syntax');
    assert.strictEqual(syntax.length >= 1, true, JSON.stringify(out.findings));
    assert.match(syntax[0].message, /^YAML error: .+\(this document is not analysed\)\.$/);
    assert.strictEqual(syntax[0].severity, 'high');
    assert.ok(out.findings.some((f: { ruleId: string }) => f.ruleId === 'k8s-host-ipc'));
    assert.ok(!out.findings.some((f: { ruleId: string }) => f.ruleId === 'k8s-host-pid'));
  });

  it('checks the files of a run together: a ServiceAccount in one file satisfies the pods of another', async () => {
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\nautomountServiceAccountToken: false\n';
    const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers: [{name: c, image: "a:1"}]\n';
    const dir = tempDir({ 'a-deploy.yaml': deploy, 'b-sa.yaml': sa });
    const token = async (...paths: string[]): Promise<number> => JSON.parse((await run(['check', ...paths, '--format', 'json', '--fail-on', 'none'], dir)).stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'k8s-sa-token-automount').length;
    assert.strictEqual(await token('.'), 0);
    assert.strictEqual(await token('a-deploy.yaml'), 1, 'alone, the deployment does not know its ServiceAccount');
  });

  it('finds the bundled examples insecure and the hardened manifest clean', async () => {
    const out = JSON.parse((await run(['check', 'examples', '--format', 'json'])).stdout);
    const files = new Set(out.findings.map((f: { file: string }) => f.file));
    assert.ok(files.has(path.join('examples', 'node-app', 'Dockerfile')));
    assert.ok(!files.has(path.join('examples', 'k8s', 'hardened.yaml')));
    const workflow = out.findings.filter((f: { file: string }) => f.file === path.join('examples', '.github', 'workflows', 'ci.yml')).map((f: { ruleId: string }) => f.ruleId);
    assert.deepStrictEqual(workflow.sort(), ['gha-permissions-missing', 'gha-unpinned-action']);
  });

  it('keeps its version equal to package.json', () => {
    assert.strictEqual(VERSION, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});
