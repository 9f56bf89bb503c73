import { promises as fs } from 'fs';
import * as path from 'path';
import { escapedNote, fixDiff } from '../diffOutput';
import { AnalysisRun, analyze, Finding, skipFails } from '../../core';
import { ChartTemplates } from '../helmChart';
import { english, frag, localize } from '../../core/l10n';
import { count, say } from '../l10n';
import { forTerminal } from '../sanitize';
import { fixAll } from '../../core/fix';
import { normalizeRuleKey } from '../../core/suppress';
import { loadCliConfig } from '../config';
import { collectFiles } from '../walk';
import { failsThreshold, FileFindings } from '../formats';
import { CliCommand, CliIO, EXIT, UsageError, parseCommandLine, withUsage } from '../io';
import { parseFailOn, readSource } from './check';
import { findRenderRoots, renderAndCheck, valuesFixEdits } from '../renderCheck';
import { applyEdits } from '../../core/text';

const USAGE_TEXT = frag('cli.usage.fix', `Usage: shipshape fix PATH... [options]

Applies Shipshape's safe fixes. Prints a unified diff unless --write is given.

Options:
  --write              write the fixed files (atomically: temp file + rename)
  --all                include fixes that are not marked safe (refactors such as multi-stage conversion)
  --rule ID            only fixes for this rule (our id or a public ID such as DS-0002); repeatable
  --fail-on SEVERITY   exit 1 when a finding at or above it remains after fixing (default: high)
  --profile PROFILE    baseline|restricted|all
  --config FILE        configuration file (default: ./.shipshape.yaml when present)
  --allow-skipped      files skipped for size, binary content or nesting do not make the exit code 2
  --no-render          do not render Helm charts (whose findings are fixed in their values files)
  --lang LOCALE        language of messages: en|zh-cn (default: from LC_ALL, LC_MESSAGES, LANG)`);
const USAGE = english(USAGE_TEXT);

/** Writes a file without ever leaving it truncated: a temp file beside it, then a rename. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.shipshape-${process.pid}-${Date.now()}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(file)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    await fs.writeFile(tmp, text, { encoding: 'utf8', mode });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** "cannot write FILE: CODE". */
function cannotWrite(file: string, e: unknown) {
  return frag('cli.cannot-write', 'cannot write {file}: {reason}', { file: forTerminal(file), reason: forTerminal(String((e as NodeJS.ErrnoException).code ?? (e as Error).message)) });
}

function ruleFilter(rules: string[] | undefined): ((f: Finding) => boolean) | undefined {
  if (!rules?.length) return undefined;
  const wanted = new Set(rules.flatMap((r) => r.split(',')).filter(Boolean).map(normalizeRuleKey));
  return (f) => wanted.has(normalizeRuleKey(f.ruleId)) || f.references.some((r) => wanted.has(normalizeRuleKey(r)));
}

export const fixCommand: CliCommand = {
  name: 'fix',
  summary: 'apply safe fixes (prints a diff, or writes with --write)',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      write: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      rule: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      profile: { type: 'string' },
      config: { type: 'string' },
      'allow-skipped': { type: 'boolean', default: false },
      'no-render': { type: 'boolean', default: false },
    }, USAGE_TEXT);
    const { values, positionals } = parsed;
    const failOn = parseFailOn(values['fail-on']);
    if (positionals.length === 0) throw new UsageError(withUsage(frag('cli.no-path', 'no PATH given'), USAGE_TEXT));
    const config = await loadCliConfig(io, values.config, values.profile);
    const filter = ruleFilter(values.rule);
    const locale = io.locale ?? 'en';

    const { files, errors } = await collectFiles(positionals, io.cwd, config.exclude, locale);
    for (const e of errors) io.stderr(`shipshape: ${forTerminal(e)}\n`);
    let ioError = errors.length > 0;
    let fixedFiles = 0, fixedCount = 0;
    const remaining: FileFindings[] = [];
    const run = new AnalysisRun();
    const charts = new ChartTemplates(io.cwd);
    let failingSkip = false;
    /** The findings of rendered charts that remain after fixing (their values files). */
    let renderedRemaining: FileFindings[] = [];
    for (const f of files) {
      const before = await readSource(io, f.path);
      if (before === undefined) { ioError = true; continue; }
      const chartTemplate = f.kind === 'kubernetes' && (await charts.contains(f.path));
      // Nothing is fixed in a file that is not analysed (a Helm template is fixed in its chart's values).
      const check = analyze(before, f.kind, config, { run, chartTemplate });
      if (check.skipped) {
        io.stderr(`shipshape: ${forTerminal(f.path)}: ${say(locale, frag('cli.skipped', 'skipped ({reason})', { reason: forTerminal(localize(check.skippedL10n, check.skipped, locale)) }))}\n`);
        if (skipFails(check.skipKind ?? 'size')) failingSkip = true;
        continue;
      }
      const { text: after, applied } = fixAll(before, f.kind, config, { includeUnsafe: values.all, rules: filter });
      remaining.push({ file: f.path, findings: after === before ? check.findings : analyze(after, f.kind, config, { run }).findings });
      if (after === before) continue;
      fixedFiles++;
      fixedCount += applied.length;
      if (values.write) {
        try {
          await writeFileAtomic(path.resolve(io.cwd, f.path), after);
        } catch (e) {
          io.stderr(`shipshape: ${say(locale, cannotWrite(f.path, e))}\n`);
          ioError = true;
          continue;
        }
      } else {
        const diff = fixDiff(f.path, before, after);
        io.stdout(diff.text);
        if (diff.escaped) io.stderr(escapedNote(f.path, locale));
      }
      for (const a of applied) io.stderr(`${forTerminal(f.path)}: ${a.ruleId}: ${localize(a.l10n, a.title, locale)}\n`);
    }
    // Charts: a rendered finding is fixed in the values file its value comes from (renderCheck.ts), never in the template.
    if (!values['no-render']) {
      const roots = await findRenderRoots(files, positionals, io.cwd);
      if (roots.charts.length) {
        const configDir = values.config ? path.dirname(path.resolve(io.cwd, values.config)) : io.cwd;
        const render = () => renderAndCheck({ charts: roots.charts, kustomizations: [] }, io, { config, configDir, helmValues: [], helmSet: {}, run: new AnalysisRun(), env: io.env, helmPath: io.env.SHIPSHAPE_HELM_PATH });
        const rendered = await render();
        const renderedFindings = rendered.settle();
        if (rendered.failed) ioError = true;
        /** Rendered findings whose values fix is in the diff or was written. */
        const fixedRendered = new Set<Finding>();
        let wroteValues = false;
        for (const [file, entries] of valuesFixEdits(rendered.valuesFixes ?? new Map(), values.all, filter)) {
          const before = await readSource(io, file);
          if (before === undefined) { ioError = true; continue; }
          const after = applyEdits(before, entries.flatMap((e) => e.edits));
          if (after === before) continue;
          fixedFiles++;
          fixedCount += entries.length;
          if (values.write) {
            try { await writeFileAtomic(path.resolve(io.cwd, file), after); } catch (e) {
              io.stderr(`shipshape: ${say(locale, cannotWrite(file, e))}\n`);
              ioError = true;
              continue;
            }
            wroteValues = true;
          } else {
            const diff = fixDiff(file, before, after);
            io.stdout(diff.text);
            if (diff.escaped) io.stderr(escapedNote(file, locale));
          }
          for (const a of entries) io.stderr(`${forTerminal(file)}: ${a.ruleId}: ${localize(a.l10n, a.title, locale)}\n`);
          for (const a of entries) for (const f of a.findings) fixedRendered.add(f);
        }
        // What --fail-on weighs: after --write, the charts rendered again from the written values;
        // in a dry run, the rendered findings less those the diff fixes.
        if (wroteValues) {
          const again = await render();
          renderedRemaining = again.settle();
          if (again.failed) ioError = true;
        } else {
          renderedRemaining = renderedFindings.map((r) => ({ ...r, findings: r.findings.filter((f) => !fixedRendered.has(f)) }));
        }
      }
    }
    const summary = { fixes: count.fixes(fixedCount), files: count.files(fixedFiles) };
    io.stderr(`shipshape: ${say(locale, fixedCount === 0
      ? frag('cli.fix.nothing', 'nothing to fix')
      : values.write ? frag('cli.fix.applied', 'applied {fixes} in {files}', summary) : frag('cli.fix.would-apply', 'would apply {fixes} in {files}', summary))}\n`);
    for (const r of remaining) r.findings = run.settle(r.findings);
    if (ioError || (failingSkip && !values['allow-skipped'])) return EXIT.usage;
    return failsThreshold(remaining, failOn) || failsThreshold(renderedRemaining, failOn) ? EXIT.findings : EXIT.ok;
  },
};
