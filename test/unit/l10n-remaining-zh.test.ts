/**
 * The texts #14 found still English at the end of session 4, in Simplified Chinese for a zh-cn
 * session or `--lang zh-cn`, and unchanged in English: the language server's Helm hints and
 * values-line texts (render.ts), values-fix titles, `.shipshape.yaml` problems, the CLI's usage
 * texts and errors, secret terms and credential formats inside messages, and `inspect` findings.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { analyze, DEFAULT_CONFIG, Finding, parseConfigText } from '../../src/core';
import { fixTitle, renderText } from '../../src/core/l10n/text';
import { catalogueOf, findingMessage, fixTitleIn, localize, relatedMessage } from '../../src/core/l10n';
import { valuesFixTitle } from '../../src/core/render/valuesFix';
import { judgeSecret } from '../../src/core/secrets';
import { CREDENTIAL_FORMATS } from '../../src/core/secrets/formats';
import { ImageAnalyzer } from '../../src/core/inspect/analyzer';
import { RenderService, HINT_UNTRUSTED } from '../../src/server/render';
import { configIssueMessage } from '../../src/server/config';
import { session as serverSession, updateSession as updateServerSession } from '../../src/server/session';
import { fixAllTitle, hitsFor, hoverAt, quickFixes, toDiagnostic } from '../../src/server/convert';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';
import { internalError } from '../../src/cli/renderCheck';
import { say } from '../../src/cli/l10n';
import { formatScanText } from '../../src/cli/commands/scan';
import { COMMANDS } from '../../src/cli/commands';
import { FileAccessError, readRegularFile } from '../../src/node/files';
import { describeVerifyResult, describeVerifyResultText } from '../../src/core/signing';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { baseImageAdviceFor } from '../../src/server/baseImageRequests';
import { withBaseImageAdvice } from '../../src/server/baseImageHover';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CJK = /[\u4e00-\u9fff]/;
const zh = catalogueOf('zh-cn');

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('zh-cn: what #14 found still in English', function () {
  this.timeout(60_000);

  describe('language server: Helm hints, values lines and values fixes (render.ts)', () => {
    const FAKE_BIN = path.join(ROOT, 'test', 'fixtures', 'bin');
    const OTEL = path.join(ROOT, 'test', 'fixtures', 'helm', 'otel');
    type S = { trusted: boolean; tools: { helm?: string; kustomize?: string } };
    let service: RenderService | undefined;
    const savedLocale = serverSession.locale;
    afterEach(() => { service?.dispose(); service = undefined; updateServerSession({ locale: savedLocale }); });

    function render(trusted: boolean, env: Record<string, string> = {}): { service: RenderService; refreshed: string[]; dir: string; wait(file: string): Promise<void> } {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-zh-render-')));
      fs.cpSync(OTEL, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'helm:\n  charts:\n    opentelemetry-collector:\n      values: [examples/deployment-only/values.yaml]\n');
      const s: S = { trusted, tools: {} };
      const refreshed: string[] = [];
      let waiters: Array<() => void> = [];
      const svc = new RenderService({
        async config(file) {
          return { enabled: true, config: DEFAULT_CONFIG, fileConfig: parseConfigText(fs.readFileSync(path.join(dir, '.shipshape.yaml'), 'utf8')).config, folder: file.startsWith(dir) ? dir : undefined };
        },
        analyze: (text) => ({ cancel: () => undefined, promise: Promise.resolve(analyze(text, 'kubernetes').findings) }),
        refresh(files) { refreshed.push(...files); const w = waiters; waiters = []; w.forEach((f) => f()); },
        log: () => undefined,
        folders: () => [dir],
        session: () => s,
        onSessionChange: () => () => undefined,
      }, { debounceMs: 10, env: { PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}`, SHIPSHAPE_PASS_ENV: 'FAKE_HELM_MODE', ...env } });
      service = svc;
      const wait = (file: string) => new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no refresh of ${file}`)), 15_000);
        const check = () => { if (refreshed.includes(file)) { clearTimeout(timer); resolve(); } else waiters.push(check); };
        check();
      });
      return { service: svc, refreshed, dir, wait };
    }
    const uriOf = (f: string) => pathToFileURL(f).href;
    const TEMPLATE_SKIP = { skipped: 'template' as const, reason: 'Helm template' };

    it('the language-status hints are sent in the client\'s locale (zh-cn), English for an English client', () => {
      const r = render(false);
      const deployment = path.join(r.dir, 'opentelemetry-collector', 'templates', 'deployment.yaml');
      updateServerSession({ locale: 'zh-cn' });
      assert.strictEqual(r.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint, 'Helm 模板：未分析——信任此工作区后才会渲染它的 chart');
      updateServerSession({ locale: 'en' });
      assert.strictEqual(r.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint, HINT_UNTRUSTED);
      assert.strictEqual(HINT_UNTRUSTED, 'Helm template: not analysed — trust the workspace to render its chart');
    });

    it('while rendering, and after a failed render: the hint and the Chart.yaml diagnostic in Chinese', async () => {
      const r = render(true, { FAKE_HELM_MODE: 'fail' });
      const deployment = path.join(r.dir, 'opentelemetry-collector', 'templates', 'deployment.yaml');
      const chartFile = path.join(r.dir, 'opentelemetry-collector', 'Chart.yaml');
      updateServerSession({ locale: 'zh-cn' });
      assert.strictEqual(r.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint, 'Helm 模板：正在渲染 chart…');
      await r.wait(chartFile);
      assert.strictEqual(r.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint, 'Helm 模板：chart 未能渲染（见 Chart.yaml）');
      const [failed] = r.service.view(uriOf(chartFile), []).findings;
      const zhMessage = toDiagnostic(failed, uriOf(chartFile)).message;
      assert.ok(zhMessage.startsWith('helm template 执行失败，Shipshape 无法检查它渲染的内容：'), zhMessage);
      assert.match(zhMessage, /unexpected "\}" in operand/, 'helm\'s own words are kept');
      updateServerSession({ locale: 'en' });
      assert.ok(toDiagnostic(failed, uriOf(chartFile)).message.startsWith('helm template failed, so Shipshape cannot check what it renders: '));
      assert.strictEqual(r.service.view(uriOf(deployment), [], TEMPLATE_SKIP).skip?.hint, 'Helm template: the chart did not render (see Chart.yaml)');
    });

    it('a finding on the values line, its back link and its values fix read in Chinese; in English as before', async () => {
      const r = render(true);
      const pod = path.join(r.dir, 'opentelemetry-collector', 'templates', '_pod.tpl');
      const values = path.join(r.dir, 'opentelemetry-collector', 'values.yaml');
      r.service.view(uriOf(pod), []);
      await r.wait(pod);
      const vro = r.service.view(uriOf(values), []).findings.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
      const onPod = r.service.view(uriOf(pod), []).findings.find((f) => f.ruleId === 'k8s-readonly-rootfs')!;
      const zhRule = findingMessage(onPod, 'zh-cn');
      assert.match(zhRule, CJK);
      assert.strictEqual(findingMessage(vro, 'zh-cn'), `${zhRule}（由 _pod.tpl 第 30 行渲染）`);
      assert.strictEqual(relatedMessage(vro.related![0], 'zh-cn'), '由 _pod.tpl 第 30 行渲染');
      assert.strictEqual(vro.message, `${onPod.message} (rendered by _pod.tpl line 30)`);
      assert.strictEqual(vro.related![0].message, 'rendered by _pod.tpl line 30');
      // The template's related location (the values key) and the values fix: the code action's title in the client's locale.
      assert.strictEqual(relatedMessage(onPod.related![0], 'zh-cn'), '该值在此处设置（.Values.securityContext）');
      const hits = hitsFor([onPod], uriOf(pod), [toDiagnostic(onPod, uriOf(pod))], onPod.range);
      updateServerSession({ locale: 'zh-cn' });
      const zhTitles = r.service.codeActions(hits).map((a) => a.title);
      updateServerSession({ locale: 'en' });
      const enTitles = r.service.codeActions(hits).map((a) => a.title);
      assert.ok(enTitles.includes('Set readOnlyRootFilesystem: true (may break apps that write to disk) in values.yaml'), enTitles.join('\n'));
      const zhFix = zhTitles.find((t) => t.endsWith('（在 values.yaml 中）'));
      assert.ok(zhFix && CJK.test(zhFix.slice(0, -'（在 values.yaml 中）'.length)), zhTitles.join('\n'));
    });
  });

  it('the server\'s own titles and hover labels (for every LSP client) in the client\'s locale', () => {
    const saved = serverSession.locale;
    const text = 'FROM node:latest\nRUN apk add curl\n';
    const uri = 'file:///w/Dockerfile';
    const findings = analyze(text, 'dockerfile').findings;
    const latest = findings.find((f) => f.ruleId === 'docker-latest-tag')!;
    const hits = hitsFor(findings, uri, [toDiagnostic(latest, uri)], latest.range);
    try {
      updateServerSession({ locale: 'zh-cn' });
      const zhTitles = quickFixes(uri, text, 'dockerfile', hits).map((a) => a.title);
      assert.ok(zhTitles.includes('在此行忽略 docker-latest-tag'), zhTitles.join(' | '));
      assert.ok(zhTitles.includes('在此文件中忽略 docker-latest-tag'), zhTitles.join(' | '));
      assert.strictEqual(fixAllTitle(), '修复所有安全的 Shipshape 问题');
      assert.match(hoverAt(findings, 0, 6)!.contents.value, /^\*\*(严重|高|中|低|信息)\*\* /);
      updateServerSession({ locale: 'en' });
      const enTitles = quickFixes(uri, text, 'dockerfile', hits).map((a) => a.title);
      assert.ok(enTitles.includes('Ignore docker-latest-tag for this line'), enTitles.join(' | '));
      assert.strictEqual(fixAllTitle(), 'Fix all safe Shipshape problems');
      assert.match(hoverAt(findings, 0, 6)!.contents.value, /^\*\*(Critical|High|Medium|Low|Info)\*\* /);
    } finally { updateServerSession({ locale: saved }); }
  });

  it('values-fix titles are templates: the rendered fix\'s title in the locale, then the file', () => {
    const inner = fixTitle('k8s.fix.drop-all', 'Drop all capabilities');
    const title = valuesFixTitle({ ...inner, kind: 'quickfix', safe: true, edits: [] }, 'values.yaml');
    assert.strictEqual(title.title, 'Drop all capabilities in values.yaml');
    assert.strictEqual(renderText(title.l10n, { 'render.values-fix.title': zh!['render.values-fix.title'], 'k8s.fix.drop-all': '删除所有能力' }), '删除所有能力（在 values.yaml 中）');
    // A fix without a template keeps its English title inside the Chinese frame.
    const plain = valuesFixTitle({ title: 'Do a thing', kind: 'quickfix', safe: true, edits: [] }, 'values.yaml');
    assert.strictEqual(fixTitleIn({ ...plain, kind: 'quickfix', safe: true, edits: [] }, 'zh-cn'), 'Do a thing（在 values.yaml 中）');
  });

  it('.shipshape.yaml problems: the server\'s diagnostic and the CLI warning in Chinese, English unchanged', async () => {
    const [issue] = parseConfigText('profile: strict\n').issues!;
    assert.strictEqual(configIssueMessage(issue, 'zh-cn'), 'Shipshape 配置：profile：应为 baseline、restricted 或 all');
    assert.strictEqual(configIssueMessage(issue, 'en'), 'Shipshape configuration: profile: expected baseline, restricted or all');
    const [rule] = parseConfigText('rules:\n  docker-no-healthcheck: error\n').issues!;
    assert.strictEqual(configIssueMessage(rule, 'zh-cn'), 'Shipshape 配置：rules.docker-no-healthcheck：应为 off, on, critical, high, medium, low, info 之一（error 对应 high）');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-zh-cfg-'));
    fs.writeFileSync(path.join(dir, '.shipshape.yaml'), 'profile: strict\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD true\n');
    const zhRun = await cli(['--lang', 'zh-cn', 'check', 'Dockerfile'], {}, dir);
    assert.match(zhRun.stderr, /^shipshape: 警告：\.shipshape\.yaml：profile：应为 baseline、restricted 或 all$/m);
    const enRun = await cli(['check', 'Dockerfile'], {}, dir);
    assert.match(enRun.stderr, /^shipshape: warning: \.shipshape\.yaml: profile: expected baseline, restricted or all$/m);
  });

  it('the YAML error of a manifest is the server\'s own template (the client no longer rewrites it)', () => {
    const [f] = analyze('apiVersion: v1\nkind: Pod\nmetadata: {name: x\n', 'kubernetes').findings.filter((x) => /YAML/.test(x.message));
    assert.ok(f, 'a YAML error finding');
    assert.match(findingMessage(f, 'zh-cn'), /^YAML 错误：/);
    const diagnostics = fs.readFileSync(path.join(ROOT, 'src', 'extension', 'diagnostics.ts'), 'utf8');
    assert.ok(!/OWN_MESSAGES|YAML error/.test(diagnostics), 'no regex rewriting of server messages in the client');
  });

  describe('CLI', () => {
    it('every command\'s --help is in Chinese with --lang zh-cn or LANG=zh_CN.UTF-8, English otherwise', async () => {
      for (const c of COMMANDS) {
        const zhHelp = await cli(['--lang', 'zh-cn', c.name, '--help']);
        assert.strictEqual(zhHelp.code, 0);
        assert.ok(zhHelp.stdout.startsWith(`用法：shipshape ${c.name}`), `${c.name}: ${zhHelp.stdout.slice(0, 80)}`);
        assert.ok(!/\bUsage:|Options:|default:/.test(zhHelp.stdout), `${c.name} help has English left`);
        const byEnv = await cli([c.name, '--help'], { LANG: 'zh_CN.UTF-8' });
        assert.strictEqual(byEnv.stdout, zhHelp.stdout);
        const en = await cli([c.name, '--help'], { LANG: 'en_US.UTF-8' });
        assert.ok(en.stdout.startsWith(`Usage: shipshape ${c.name}`), en.stdout.slice(0, 80));
        assert.strictEqual(en.stdout, `${c.usage}\n`);
      }
      const scan = await cli(['--lang', 'zh-cn', 'scan', '--help']);
      assert.match(scan.stdout, /^ {2}--fail-on SEVERITY {9}有漏洞达到或高于此级别时以 1 退出：critical\|high\|medium\|low\|negligible\|unknown\|none（默认：high）$/m);
    });

    it('usage errors, --fail-on and a bad option: the message and the usage after it in Chinese', async () => {
      const failOn = await cli(['--lang', 'zh-cn', 'check', '--fail-on', 'bogus', 'x']);
      assert.strictEqual(failOn.code, 2);
      assert.strictEqual(failOn.stderr, "shipshape check: --fail-on 必须是 critical, high, medium, low, info, none 之一（实际为 'bogus'）\n");
      const enFailOn = await cli(['check', '--fail-on', 'bogus', 'x']);
      assert.strictEqual(enFailOn.stderr, "shipshape check: --fail-on must be one of critical, high, medium, low, info, none (got 'bogus')\n");
      const noRef = await cli(['--lang', 'zh-cn', 'sign']);
      assert.ok(noRef.stderr.startsWith('shipshape sign: 请只给出一个镜像引用\n\n用法：shipshape sign REF'), noRef.stderr.slice(0, 120));
      const noPath = await cli(['--lang', 'zh-cn', 'fix']);
      assert.ok(noPath.stderr.startsWith('shipshape fix: 没有给出 PATH\n\n用法：shipshape fix PATH...'), noPath.stderr.slice(0, 120));
      // An unknown option, a missing value, a value not taken: our words, then the usage, in Chinese.
      const unknown = await cli(['--lang', 'zh-cn', 'verify', '--bogus']);
      assert.match(unknown.stderr, /^shipshape verify: 未知选项 '--bogus'（以 '-' 开头的参数请放在命令末尾的 '--' 之后）\n\n/);
      assert.match((await cli(['verify', '--bogus'])).stderr, /^shipshape verify: Unknown option '--bogus' \(an argument that starts with '-' goes at the end, after '--'\)\n\nUsage:/);
      assert.match((await cli(['--lang', 'zh-cn', 'scan', '--timeout'])).stderr, /^shipshape scan: 选项 '--timeout' 需要一个值（以 '-' 开头的值请写成 --timeout=-VALUE）\n/);
      assert.match((await cli(['--lang', 'zh-cn', 'fix', '--write=yes', 'x'])).stderr, /^shipshape fix: 选项 '--write' 不接受值\n/);
      assert.match(unknown.stderr, /\n\n用法：shipshape verify REF/);
      const scanTimeout = await cli(['--lang', 'zh-cn', 'scan', '--timeout=0', 'alpine']);
      assert.strictEqual(scanTimeout.stderr, "shipshape scan: --timeout 需要一个正的秒数（实际为 '0'）\n");
      const lang = await cli(['--lang']);
      assert.strictEqual(lang.stderr, 'shipshape: --lang expects a locale (en, zh-cn)\n');
      const langZh = await cli(['--lang'], { LANG: 'zh_CN.UTF-8' });
      assert.strictEqual(langZh.stderr, 'shipshape: --lang 需要一个语言区域（en、zh-cn）\n');
    });

    it('file problems, walk errors and the internal-error line in Chinese', async () => {
      const missing = await cli(['--lang', 'zh-cn', 'check', 'no-such-dir-h14']);
      assert.strictEqual(missing.stderr, 'shipshape: no-such-dir-h14：文件或目录不存在\n');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-zh-walk-'));
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      const notChecked = await cli(['--lang', 'zh-cn', 'check', 'notes.txt'], {}, dir);
      assert.match(notChecked.stderr, /^shipshape: notes\.txt：不是 Dockerfile 或 YAML 文件（应为 Dockerfile、/);
      const config = await cli(['--lang', 'zh-cn', 'check', '--config', 'nope.yaml', 'notes.txt'], {}, dir);
      assert.strictEqual(config.stderr, 'shipshape check: 无法读取配置 nope.yaml：文件不存在\n');
      assert.strictEqual(say('zh-cn', internalError('docker-root-user', 'boom')), 'docker-root-user 内部错误：boom');
      assert.strictEqual(say('en', internalError('docker-root-user', 'boom')), 'internal error in docker-root-user: boom');
      // The file reader's reasons are templates too (the editor shows them in `.shipshape.yaml` problems).
      const e = await readRegularFile(dir, 10).catch((x: unknown) => x);
      assert.ok(e instanceof FileAccessError && e.reasonL10n);
      assert.strictEqual(localize(e.reasonL10n, '', 'zh-cn'), '不是普通文件（目录）；只读取普通文件');
      assert.strictEqual(e.message, `${dir}: not a regular file (a directory); only regular files are read`);
    });

    it('scan\'s table in Chinese', () => {
      const report = {
        scanner: 'trivy', scannerVersion: '0.50.0', scannedAt: '2026-01-01T00:00:00Z', image: { reference: 'alpine:3.20' },
        vulns: [{ id: 'CVE-1', pkg: 'musl', installed: '1.2', severity: 'high', title: 't' }],
      } as unknown as Parameters<typeof formatScanText>[0][number];
      const text = formatScanText([report], false, 'zh-cn');
      assert.match(text, /CVE-1 +musl 1\.2 +（无修复） {2}t\n/);
      assert.match(text, /^1 个漏洞（/m);
      assert.strictEqual(formatScanText([], false, 'zh-cn'), '没有报告。\n');
      assert.match(formatScanText([report], false), /\(no fix\)/);
      assert.strictEqual(formatScanText([], false), 'No reports.\n');
    });
  });

  describe('errors the CLI passes on from the core and the tools', () => {
    it('a bad image reference, a bad annotation, a bad policy name: Chinese with --lang zh-cn', async () => {
      const bad = await cli(['--lang', 'zh-cn', 'sign', '--keyless', '--', '-bad']);
      assert.strictEqual(bad.stderr, 'shipshape sign: 镜像引用不能以 "-" 开头\n');
      const enBad = await cli(['sign', '--keyless', '--', '-bad']);
      assert.strictEqual(enBad.stderr, 'shipshape sign: an image reference cannot start with "-"\n');
      const annotation = await cli(['--lang', 'zh-cn', 'sign', 'alpine@sha256:' + '0'.repeat(64), '--keyless', '-a', 'novalue']);
      assert.strictEqual(annotation.stderr, 'shipshape sign: 注解 "novalue" 必须形如 key=value\n');
      const policy = await cli(['--lang', 'zh-cn', 'policy', 'kyverno', '--image', 'ghcr.io/acme/*', '--identity', 'me', '--issuer', 'https://x', '--name', 'Bad_Name']);
      assert.strictEqual(policy.stderr, 'shipshape policy: "Bad_Name" 不是有效的 Kubernetes 名称（小写字母、数字、"-"、"."）\n');
    });

    it('no scanner installed, a file that is not a report: Chinese, the URLs and the file\'s start kept', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-zh-noscan-'));
      const none = await cli(['--lang', 'zh-cn', 'scan', 'alpine:3.20'], { PATH: empty });
      assert.strictEqual(none.code, 2);
      assert.ok(none.stderr.startsWith('shipshape scan: 未找到任何漏洞扫描器（已搜索配置的路径和 PATH）。请安装以下之一：\n  Trivy: https://trivy.dev'), none.stderr);
      const enNone = await cli(['scan', 'alpine:3.20'], { PATH: empty });
      assert.ok(enNone.stderr.startsWith('shipshape scan: No vulnerability scanner was found'), enNone.stderr);
      fs.writeFileSync(path.join(empty, 'notes.txt'), 'hello world\n');
      const notReport = await cli(['--lang', 'zh-cn', 'scan', '--report', 'notes.txt'], {}, empty);
      assert.strictEqual(notReport.stderr, 'shipshape scan: notes.txt：报告文件不是 JSON（应为 Trivy JSON、Grype JSON、Snyk JSON 或 SARIF 2.1.0（Docker Scout 写出的格式））；它的开头是：hello world\n');
      const enNotReport = await cli(['scan', '--report', 'notes.txt'], {}, empty);
      assert.strictEqual(enNotReport.stderr, 'shipshape scan: notes.txt: the report file is not JSON (expected Trivy JSON, Grype JSON, Snyk JSON or SARIF 2.1.0 (which Docker Scout writes)); it starts with: hello world\n');
      const noCosign = await cli(['--lang', 'zh-cn', 'verify', 'alpine@sha256:' + '0'.repeat(64), '--key', 'k.pub'], { PATH: empty });
      assert.match(noCosign.stderr, /^shipshape verify: 在 PATH 中未找到 cosign。请安装它（https:\/\/[^）]+），或把 SHIPSHAPE_COSIGN_PATH \/ shipshape\.cosign\.path 设置为它的位置。\n$/);
    });

    it('ci options, a file that is not an image archive, a configured tool path that cannot be used', async () => {
      const ci = await cli(['--lang', 'zh-cn', 'ci', 'init', '--provider', 'bitbucket', '--stdout']);
      assert.strictEqual(ci.stderr, "shipshape ci: 未知的平台 'bitbucket'：请使用 github 或 gitlab\n");
      const enCi = await cli(['ci', 'init', '--provider', 'bitbucket', '--stdout']);
      assert.strictEqual(enCi.stderr, "shipshape ci: unknown provider 'bitbucket': use github or gitlab\n");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-zh-archive-'));
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello\n');
      const archive = await cli(['--lang', 'zh-cn', 'inspect', 'notes.txt'], {}, dir);
      assert.match(archive.stderr, /^shipshape: \S*notes\.txt：不是可读的 tar 归档（.+）\n$/);
      const tool = await cli(['--lang', 'zh-cn', 'scan', 'alpine', '--scanner', 'trivy'], { SHIPSHAPE_TRIVY_PATH: 'relative' });
      assert.strictEqual(tool.stderr, 'shipshape scan: 配置的路径 relative 必须是绝对路径（为 trivy 设置）\n');
      const enTool = await cli(['scan', 'alpine', '--scanner', 'trivy'], { SHIPSHAPE_TRIVY_PATH: 'relative' });
      assert.strictEqual(enTool.stderr, 'shipshape scan: The configured path relative must be an absolute path (set for trivy)\n');
    });

    it('a verify result in Chinese', () => {
      const result = { verified: true, reference: 'ghcr.io/a/b:1', digest: 'sha256:abc', signatures: [{ identity: 'me@example.com', issuer: 'https://issuer', tlogIndex: 7 }, {}] } as unknown as Parameters<typeof describeVerifyResultText>[0];
      assert.strictEqual(renderText(describeVerifyResultText(result), zh), '✓ ghcr.io/a/b:1 已签名（sha256:abc）\n  - 已签名，签名者为 me@example.com（签发者 https://issuer）；透明日志索引 7\n  - 已签名，使用给定的密钥');
      assert.strictEqual(describeVerifyResult(result), '✓ ghcr.io/a/b:1 is signed (sha256:abc)\n  - signed by me@example.com (issuer https://issuer); tlog index 7\n  - signed with the given key');
    });
  });

  describe('secret terms and credential formats inside messages', () => {
    it('the term a name uses is itself Chinese in a Chinese message', () => {
      const cases: Array<[string, string, string]> = [
        ['DB_PASSWORD', '名称 DB_PASSWORD 表明这是密码', 'the name DB_PASSWORD names a password'],
        ['GITHUB_TOKEN', '名称 GITHUB_TOKEN 表明这是凭据', 'the name GITHUB_TOKEN names a credential'],
        ['SIGNING_KEY', '名称 SIGNING_KEY 表明这是签名密钥', 'the name SIGNING_KEY names a signing key'],
        ['SSH_KEY', '名称 SSH_KEY 表明这是ssh密钥', 'the name SSH_KEY names a ssh key'],
        ['STRIPE_API_KEY', '名称 STRIPE_API_KEY 表明这是API 密钥', 'the name STRIPE_API_KEY names a API key'],
      ];
      for (const [name, zhText, en] of cases) {
        const j = judgeSecret({ name });
        assert.strictEqual(j.secret, true, name);
        assert.strictEqual(j.reason, en);
        assert.strictEqual(renderText(j.reasonText!, zh), zhText);
      }
    });

    it('a credential format is named in Chinese, and every format has a translated title', () => {
      const j = judgeSecret({ value: `ghp_${'a1B2'.repeat(9)}` });
      assert.strictEqual(j.reason, 'value matches the GitHub token format');
      assert.strictEqual(renderText(j.reasonText!, zh), '值符合 GitHub 令牌格式');
      const zhTitles = CREDENTIAL_FORMATS.map((f) => zh![`secrets.format.${f.id}`]);
      assert.deepStrictEqual(CREDENTIAL_FORMATS.filter((f, i) => !zhTitles[i] || !CJK.test(zhTitles[i])).map((f) => f.id), []);
      // In a finding: a Kubernetes env value in a known format.
      const m = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: app@sha256:${'0'.repeat(64)}\n    env:\n    - {name: GH, value: ghp_${'a1B2'.repeat(9)}}\n`;
      const f = analyze(m, 'kubernetes').findings.find((x) => x.ruleId === 'k8s-env-literal-secret') as Finding;
      assert.strictEqual(findingMessage(f, 'zh-cn'), '容器 "app" 将 GH 设为明文凭据（值符合 GitHub 令牌格式；值为 "ghp_…"（40 个字符））：在清单和 Pod spec 中都能读到它。请通过 valueFrom.secretKeyRef 从 Secret 读取。');
      assert.match(f.message, /\(value matches the GitHub token format;/);
    });
  });

  it('the smaller bases a toolchain-base message names are Chinese phrases in a Chinese message', () => {
    const go = analyze('FROM golang:1.22-alpine3.19\nCOPY . /app\nRUN go build -o /app/x\nCMD ["/app/x"]\n', 'dockerfile').findings.find((f) => f.ruleId === 'docker-toolchain-base')!;
    assert.strictEqual(findingMessage(go, 'zh-cn'), '最终阶段基于 golang:1.22-alpine3.19（Go 工具链镜像（编译器、git 和完整的操作系统））：请在单独的阶段中构建，再把产物放到 scratch（用于静态二进制文件，CGO_ENABLED=0），或 alpine:3.19（需要 musl 时） 上发布。');
    assert.strictEqual(go.message, 'The final stage runs on golang:1.22-alpine3.19, a Go toolchain image (compiler, git and a full OS): build in a stage of its own and ship the result on scratch for a static binary (CGO_ENABLED=0), or alpine:3.19 when it needs musl.');
    const ubuntu = analyze('FROM ubuntu:24.04\nCOPY app /app\nCMD ["/app"]\n', 'dockerfile').findings.find((f) => f.ruleId === 'docker-toolchain-base')!;
    assert.strictEqual(findingMessage(ubuntu, 'zh-cn'), '最终阶段基于 ubuntu:24.04（完整的 Ubuntu 镜像）：请改用 chiselled Ubuntu 镜像（为该应用构建，相同版本）。');
  });

  it('the base-image advice (FROM hover, Compare Base Images): the catalogue\'s phrases in the client\'s locale', () => {
    const saved = serverSession.locale;
    const doc = TextDocument.create('file:///w/Dockerfile', 'dockerfile', 1, 'FROM node:20\nCOPY . /app\nCMD ["node", "/app"]\n');
    try {
      updateServerSession({ locale: 'zh-cn' });
      const [zhAdvice] = baseImageAdviceFor(doc, 'dockerfile', { textDocument: { uri: doc.uri } });
      assert.strictEqual(zhAdvice.recommendation.what, 'Node.js 20，完整的 Debian 镜像');
      assert.deepStrictEqual(zhAdvice.recommendation.notes, ['Node.js 20 是 LTS 版本。']);
      assert.deepStrictEqual(zhAdvice.recommendation.candidates.map((c) => c.note), ['相同的 Node.js 20，不含编译器和构建工具', 'Debian 12 上的 Node.js 20，不含 shell 和包管理器']);
      // The server's own hover (for editors other than VS Code) in Chinese too.
      const zhHover = withBaseImageAdvice(undefined, 'dockerfile', doc.getText(), 0, 6)!.contents.value;
      assert.ok(zhHover.startsWith('**`node:20` 的更小或加固的基础镜像**（Node\\.js 20，完整的 Debian 镜像；相同的生态、版本和操作系统家族）\n\n- `node:20-slim`: 相同的 Node\\.js 20，不含编译器和构建工具 · [来源](https://hub.docker.com/_/node)'), zhHover);
      updateServerSession({ locale: 'en' });
      const enHover = withBaseImageAdvice(undefined, 'dockerfile', doc.getText(), 0, 6)!.contents.value;
      assert.ok(enHover.startsWith('**Smaller or hardened bases for `node:20`** (Node\\.js 20, the full Debian image; same ecosystem, version and OS family)\n\n- `node:20-slim`: the same Node\\.js 20 without compilers and build tools · [source](https://hub.docker.com/_/node)'), enHover);
      const [enAdvice] = baseImageAdviceFor(doc, 'dockerfile', { textDocument: { uri: doc.uri } });
      assert.strictEqual(enAdvice.recommendation.what, 'Node.js 20, the full Debian image');
      assert.deepStrictEqual(enAdvice.recommendation.candidates.map((c) => c.note), ['the same Node.js 20 without compilers and build tools', 'Node.js 20 on Debian 12 without a shell or package manager']);
    } finally { updateServerSession({ locale: saved }); }
  });

  describe('inspect findings (the Image Findings tree, `shipshape inspect`)', () => {
    function analyse(locale?: 'en' | 'zh-cn') {
      const a = new ImageAnalyzer();
      a.beginLayer(1);
      a.add({ name: 'usr/bin/passwd', type: 'file', mode: 0o4755, size: 0 });
      a.add({ name: 'bin/sh', type: 'file', mode: 0o755, size: 0 });
      a.add({ name: 'data', type: 'directory', mode: 0o777, size: 0 });
      a.endLayer();
      return a.finish(locale);
    }

    it('messages in Chinese for a zh-cn locale, English by default', () => {
      const byRule = (list: ReturnType<typeof analyse>) => Object.fromEntries(list.map((f) => [f.ruleId, f.message]));
      const zhMessages = byRule(analyse('zh-cn'));
      assert.strictEqual(zhMessages['image-setuid'], '/usr/bin/passwd 设置了 setuid（权限 4755）：除非应用需要，否则请去掉这些位（find / -xdev -perm /6000 -type f -exec chmod a-s {} \\;）');
      assert.strictEqual(zhMessages['image-world-writable'], '/data 是全局可写的（权限 0777）：容器中的任何用户都能修改它');
      assert.strictEqual(zhMessages['image-shell'], '/bin/sh：最终镜像中的 shell 让获得代码执行权限的攻击者可以运行任何东西；distroless 或 scratch 运行时没有 shell');
      const enMessages = byRule(analyse());
      assert.strictEqual(enMessages['image-setuid'], '/usr/bin/passwd is setuid (mode 4755): strip the bits unless the application needs them (find / -xdev -perm /6000 -type f -exec chmod a-s {} \\;)');
      assert.strictEqual(enMessages['image-world-writable'], '/data is world-writable (mode 0777): any user in the container can change it');
      // The report carries messages only: no template objects in `shipshape inspect --format json`.
      assert.ok(analyse('zh-cn').every((f) => !('l10n' in f)));
    });

    it('a credential file: what it is and the credential format in Chinese', () => {
      const a = new ImageAnalyzer();
      a.beginLayer(1);
      const text = `//registry.npmjs.org/:_authToken=npm_${'a'.repeat(36)}\n`;
      const want = a.add({ name: 'root/.npmrc', type: 'file', mode: 0o600, size: text.length });
      assert.ok(want > 0);
      a.content(new TextEncoder().encode(text));
      a.endLayer();
      const [zhF] = a.finish('zh-cn').filter((f) => f.ruleId === 'image-secret-file');
      assert.ok(zhF.message.startsWith('/root/.npmrc（第 1 层）是含有凭据的npm 凭据（'), zhF.message);
      assert.ok(zhF.message.endsWith('）：任何能拉取该镜像的人都能读取它'), zhF.message);
      assert.ok(!/credential|token|format/.test(zhF.message), zhF.message);
    });
  });
});
