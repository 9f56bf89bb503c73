import { AnalysisRun, allRules, analyze, Severity, SEVERITIES, skipFails } from '../../core';
import { ChartTemplates } from '../helmChart';
import { loadCliConfig } from '../config';
import { findRenderRoots, isOwned, renderAndCheck, RenderCheckResult } from '../renderCheck';
import * as path from 'path';
import { collectFiles, FileToCheck } from '../walk';
import { failsThreshold, FileFindings, formatJson, formatSarif, formatText, SkippedFile, skipReason } from '../formats';
import { english, frag } from '../../core/l10n/text';
import { say } from '../l10n';
import { CliCommand, CliIO, EXIT, UsageError, fileProblemText, MAX_SOURCE_BYTES, mustBeOneOf, parseCommandLine, readInputFile, withUsage } from '../io';
import { internalError } from '../renderCheck';
import { forTerminal } from '../sanitize';
import { VERSION } from '../version';
import { IMAGE_POLICY_FACT, mayHaveImagePolicy } from '../../core/kubernetes/imagePolicyText';
import { POD_SECURITY_FACT, mayHavePodSecurityLabel } from '../../core/kubernetes/podSecurityText';

const USAGE_TEXT = frag('cli.usage.check', `Usage: shipshape check PATH... [options]

Analyses Dockerfiles and Kubernetes manifests (directories are walked).

Options:
  --format text|json|sarif   output format (default: text)
  --fail-on SEVERITY         exit 1 when a finding is at or above: critical|high|medium|low|info|none (default: high)
  --profile PROFILE          Pod Security Standards controls to report: baseline|restricted|all
  --config FILE              configuration file (default: ./.shipshape.yaml when present)
  --allow-skipped            files skipped for size, binary content or nesting do not make the exit code 2
  --no-render                analyse Helm charts and kustomizations as plain files (no helm, no kubectl)
  --helm-values FILE         a values file for every chart rendered (repeatable; after .shipshape.yaml's)
  --helm-set KEY=VALUE       a value for every chart rendered (repeatable)
  --lang LOCALE              language of messages: en|zh-cn (default: from LC_ALL, LC_MESSAGES, LANG)

Helm charts (folders with Chart.yaml) are rendered with helm template and Kustomize overlays with
kubectl kustomize (or kustomize build), found on PATH (or SHIPSHAPE_HELM_PATH,
SHIPSHAPE_KUSTOMIZE_PATH); findings are reported on the template,
values, patch or resource line that writes them. A chart or overlay that does not render makes
the exit code 2.

Files that are not analysed are listed as skipped (Helm templates too: render them with
helm template and check the output); one skipped for size, binary content or nesting fails the
run with exit code 2 unless --allow-skipped is given.`);
const USAGE = english(USAGE_TEXT);

/** Parses the shared options of `check` and `fix`. */
export function parseFailOn(value: string | undefined): Severity | 'none' {
  const v = (value ?? 'high').toLowerCase();
  if (v === 'none' || (SEVERITIES as readonly string[]).includes(v)) return v as Severity | 'none';
  throw new UsageError(mustBeOneOf('--fail-on', [...SEVERITIES, 'none'], value));
}

/**
 * Reads a file for analysis; undefined with a warning when it cannot be read. Only a regular
 * file is read (a symlink to `/dev/zero` or a FIFO is refused), and none of more bytes than a
 * text the engine would analyse can have (io.ts, core/limits.ts).
 */
export async function readSource(io: CliIO, file: string): Promise<string | undefined> {
  try {
    return await readInputFile(io, file, MAX_SOURCE_BYTES);
  } catch (e) {
    io.stderr(`shipshape: ${forTerminal(say(io.locale ?? 'en', fileProblemText(file, e)))}\n`);
    return undefined;
  }
}

export { POD_SECURITY_FACT, mayHavePodSecurityLabel } from '../../core/kubernetes/podSecurityText';

/** The texts the pre-scan keeps for the analysis, at most this many characters in all (beyond, files are read again). */
const PRESCAN_KEEP_CHARS = 64 * 1024 * 1024;

/**
 * Whether a YAML file of the run may state a Pod Security label or a signature policy (an
 * unreadable one is reported by the run itself). The texts it reads are kept, up to
 * PRESCAN_KEEP_CHARS, so the analysis reads the same bytes without reading them again.
 */
async function factsTheRunMayState(io: CliIO, files: readonly FileToCheck[]): Promise<{ podSecurity: boolean; imagePolicy: boolean; texts: Map<string, string> }> {
  const may = { podSecurity: false, imagePolicy: false, texts: new Map<string, string>() };
  let kept = 0;
  for (const f of files) {
    if (f.kind !== 'kubernetes') continue;
    try {
      const text = await readInputFile(io, f.path, MAX_SOURCE_BYTES);
      if (kept + text.length <= PRESCAN_KEEP_CHARS) {
        may.texts.set(f.path, text);
        kept += text.length;
      }
      may.podSecurity ||= mayHavePodSecurityLabel(text);
      may.imagePolicy ||= mayHaveImagePolicy(text);
      if (may.podSecurity && may.imagePolicy) break;
    } catch {
      // Not read: the analysis loop says why.
    }
  }
  return may;
}

/** composeRelatedTexts' own first test: only a text naming `extends` or `env_file` refers to other files. */
function mayReferToFiles(text: string): boolean {
  return text.includes('extends') || text.includes('env_file');
}

/* eslint-disable @typescript-eslint/no-require-imports */
const composeRelated = (): typeof import('../composeRelated') => require('../composeRelated') as typeof import('../composeRelated');
/* eslint-enable @typescript-eslint/no-require-imports */

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'report insecure settings in Dockerfiles and Kubernetes manifests',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
      profile: { type: 'string' },
      config: { type: 'string' },
      'allow-skipped': { type: 'boolean', default: false },
      'no-render': { type: 'boolean', default: false },
      'helm-values': { type: 'string', multiple: true },
      'helm-set': { type: 'string', multiple: true },
    }, USAGE_TEXT);
    const { values, positionals } = parsed;
    const format = values.format!;
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(frag('cli.format.text-json-sarif', "--format must be text, json or sarif (got '{value}')", { value: format }));
    const failOn = parseFailOn(values['fail-on']);
    if (positionals.length === 0) throw new UsageError(withUsage(frag('cli.no-path', 'no PATH given'), USAGE_TEXT));
    const config = await loadCliConfig(io, values.config, values.profile);
    const locale = io.locale ?? 'en';

    const { files, errors } = await collectFiles(positionals, io.cwd, config.exclude, locale);
    // A walked directory's name is the repository's: no terminal controls from it.
    for (const e of errors) io.stderr(`shipshape: ${forTerminal(e)}\n`);
    const results: FileFindings[] = [];
    const skipped: SkippedFile[] = [];
    // The files of one run are checked together: a ServiceAccount in one satisfies pods in another.
    const run = new AnalysisRun();
    const charts = new ChartTemplates(io.cwd);
    let ioError = errors.length > 0;
    // Charts and overlays are rendered and their findings mapped to the files that write them (renderCheck.ts).
    let rendered: RenderCheckResult | undefined;
    if (!values['no-render']) {
      const helmSet: Record<string, string> = {};
      for (const kv of values['helm-set'] ?? []) {
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(frag('cli.helm-set.expects', "--helm-set expects KEY=VALUE (got '{value}')", { value: kv }));
        helmSet[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      const roots = await findRenderRoots(files, positionals, io.cwd);
      if (roots.charts.length || roots.kustomizations.length) {
        const configDir = values.config ? path.dirname(path.resolve(io.cwd, values.config)) : io.cwd;
        rendered = await renderAndCheck(roots, io, { config, configDir, helmValues: values['helm-values'] ?? [], helmSet, run, env: io.env, helmPath: io.env.SHIPSHAPE_HELM_PATH, kustomizePath: io.env.SHIPSHAPE_KUSTOMIZE_PATH });
        skipped.push(...rendered.skipped);
      }
    }
    // Admission is predicted only where a Namespace has a Pod Security label: when no file has
    // one, the predictions (several per workload, each needing such a label) are not built.
    // Likewise the images a signature policy would verify, when no file holds such a policy.
    const may = await factsTheRunMayState(io, files);
    if (!may.podSecurity) run.ruleOut(POD_SECURITY_FACT);
    if (!may.imagePolicy) run.ruleOut(IMAGE_POLICY_FACT);
    for (const f of files) {
      if (rendered && isOwned(rendered.owned, path.resolve(io.cwd, f.path))) continue;
      const text = may.texts.get(f.path) ?? (await readSource(io, f.path));
      may.texts.delete(f.path);
      if (text === undefined) { ioError = true; continue; }
      const chartTemplate = f.kind === 'kubernetes' && (await charts.contains(f.path));
      // A Compose service's `extends.file` is read so what it inherits counts. The Compose reader is
      // loaded only for a text that may refer to another file (a manifest run does not compile it).
      const related = mayReferToFiles(text) ? await composeRelated().composeRelatedTexts(io, f.path, text) : undefined;
      // Only whether a finding is fixable is shown: unsafe fixes need not be built.
      const result = analyze(text, f.kind, config, { run, chartTemplate, related, source: f.path, fixes: 'safe' });
      for (const err of result.errors) io.stderr(`shipshape: ${forTerminal(f.path)}: ${say(locale, internalError(err.ruleId, err.message))}\n`);
      if (result.skipped) {
        const skip: SkippedFile = { file: f.path, reason: result.skipped, fails: skipFails(result.skipKind ?? 'size'), ...(result.skippedL10n ? { reasonL10n: result.skippedL10n } : {}) };
        skipped.push(skip);
        // Text output lists skips itself; the machine formats keep stdout to the document.
        if (format !== 'text') io.stderr(`shipshape: ${forTerminal(f.path)}: ${say(locale, frag('cli.skipped', 'skipped ({reason})', { reason: forTerminal(skipReason(skip, locale)) }))}\n`);
        continue;
      }
      results.push({ file: f.path, findings: result.findings });
    }
    for (const r of results) r.findings = run.settle(r.findings);
    if (rendered) results.push(...rendered.settle());

    if (format === 'json') io.stdout(formatJson(results, skipped, locale));
    else if (format === 'sarif') io.stdout(formatSarif(results, allRules(), VERSION, skipped, locale));
    else io.stdout(formatText(results, io.isTTY, skipped, locale));

    if (ioError || rendered?.failed) return EXIT.usage;
    if (!values['allow-skipped'] && skipped.some((s) => s.fails)) return EXIT.usage;
    return failsThreshold(results, failOn) ? EXIT.findings : EXIT.ok;
  },
};
