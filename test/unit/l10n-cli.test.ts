/** `shipshape` in the user's language: --lang, else LC_ALL / LC_MESSAGES / LANG; unknown locales read English. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';

async function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const CJK = /[\u4e00-\u9fff]/;
const DOCKERFILE = 'FROM alpine:3.20\nRUN apk add curl\n';

describe('shipshape in the user\'s language', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-l10n-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(dir, 'big.yaml'), 'apiVersion: v1\nkind: ConfigMap\n' + '\u0000'.repeat(10));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints messages and the summary in Chinese with --lang zh-cn, rule ids and severities unchanged', async () => {
    const { code, stdout } = await run(['check', '--lang', 'zh-cn', '--fail-on', 'none', 'Dockerfile'], dir);
    assert.strictEqual(code, 0);
    const line = stdout.split('\n').find((l) => l.includes('docker-apk-no-cache'))!;
    assert.match(line, /^ {2}2:\d+\s+low\s+docker-apk-no-cache\s+为 `apk add` 添加 `--no-cache`，避免软件包索引留在镜像中。/);
    assert.match(stdout, /1 个文件中发现 \d+ 个问题（.*low \d+ 个.*）。\n$/);
    assert.doesNotMatch(stdout, /problems? \(/);
  });

  it('reads the locale from LANG, LC_MESSAGES and LC_ALL; C and unknown locales print English', async () => {
    const zh = await run(['check', 'Dockerfile'], dir, { LANG: 'zh_CN.UTF-8' });
    assert.match(zh.stdout, /为 `apk add` 添加 `--no-cache`/);
    const c = await run(['check', 'Dockerfile'], dir, { LANG: 'C' });
    assert.match(c.stdout, /Add `--no-cache` to `apk add` so the package index is not kept in the image\./);
    assert.match(c.stdout, /problems? \(.*\) in 1 file\.\n$/);
    assert.doesNotMatch(c.stdout, CJK);
    const overridden = await run(['check', 'Dockerfile'], dir, { LANG: 'zh_CN.UTF-8', LC_ALL: 'C' });
    assert.doesNotMatch(overridden.stdout, CJK);
    const messages = await run(['check', 'Dockerfile'], dir, { LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' });
    assert.match(messages.stdout, CJK);
    const unknown = await run(['check', '--lang=fr', 'Dockerfile'], dir, { LANG: 'zh_CN.UTF-8' });
    assert.doesNotMatch(unknown.stdout, CJK);
    const english = await run(['check', '--lang', 'en', 'Dockerfile'], dir, { LANG: 'zh_CN.UTF-8' });
    assert.doesNotMatch(english.stdout, CJK);
  });

  it('localises JSON and SARIF messages and rule texts, not the ids', async () => {
    const json = JSON.parse((await run(['check', '--format', 'json', 'Dockerfile', '--lang', 'zh-cn'], dir)).stdout);
    const apk = json.findings.find((f: { ruleId: string }) => f.ruleId === 'docker-apk-no-cache');
    assert.strictEqual(apk.severity, 'low');
    assert.match(apk.message, /^为 `apk add` 添加 `--no-cache`/);
    const sarif = JSON.parse((await run(['check', '--format', 'sarif', '--lang', 'zh-cn', 'Dockerfile'], dir)).stdout);
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'docker-apk-no-cache');
    assert.match(result.message.text, CJK);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'docker-apk-no-cache');
    assert.strictEqual(rule.name, 'DockerApkNoCache');
    assert.match(rule.shortDescription.text, CJK);
  });

  it('prints fix titles and the fix summary in Chinese', async () => {
    const zh = await run(['fix', '--lang', 'zh-cn', 'Dockerfile'], dir);
    assert.match(zh.stderr, /Dockerfile: docker-apk-no-cache: 为 apk add 添加 --no-cache\n/);
    assert.match(zh.stderr, /shipshape: 将在 1 个文件中应用 \d+ 个修复\n/);
    const en = await run(['fix', 'Dockerfile'], dir, { LANG: 'C' });
    assert.match(en.stderr, /Dockerfile: docker-apk-no-cache: Add --no-cache to apk add\n/);
    assert.match(en.stderr, /shipshape: would apply \d+ fix(es)? in 1 file\n/);
  });

  it('lists a skipped file with its reason in Chinese', async () => {
    const { stdout } = await run(['check', '--lang', 'zh-cn', '--allow-skipped', 'big.yaml'], dir);
    assert.match(stdout, /没有分析任何文件；跳过 1 个（未分析）：\n {2}big\.yaml: 二进制内容\n/);
  });

  it('documents --lang in the help and refuses it without a value', async () => {
    assert.match((await run(['check', '--help'], dir)).stdout, /--lang LOCALE/);
    assert.match((await run(['--help'], dir, { LANG: 'zh_CN.UTF-8' })).stdout, /用法：shipshape <command> \[options\]/);
    assert.match((await run(['--help'], dir, { LANG: 'zh_CN.UTF-8' })).stdout, /check {4}报告 Dockerfile 和 Kubernetes 清单中的不安全设置/);
    const bad = await run(['check', 'Dockerfile', '--lang'], dir);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /--lang expects a locale/);
  });
});
