/** Output formats of `shipshape check`: text for people, JSON for scripts, SARIF for code scanning. */
import { Finding, RuleMeta, Severity, SEVERITIES, severityRank } from '../core';
import { ruleDocsUrl } from '../core/report/docs';
import { Locale, Text, findingMessage, frag, localize, relatedMessage } from '../core/l10n';
import { ruleText } from '../core/l10n/rules';
import { count, listOf, say } from './l10n';
import { escapeJsonControls, forTerminal } from './sanitize';

export interface FileFindings {
  file: string;
  findings: Finding[];
  /** The findings come from a rendered Helm chart or Kustomize overlay (cli/renderCheck.ts), mapped to this file. */
  rendered?: { tool: 'helm' | 'kustomize'; root: string };
  /** Fixes of a rendered finding made in another file (the chart's values file): `valuesFixes` in JSON, applied by `shipshape fix`. */
  valuesFixes?: ReadonlyMap<Finding, ReadonlyArray<{ file: string; fix: { title: string; safe: boolean; l10n?: Text } }>>;
}

/** A file that was not analysed, and why; `fails` when the skip fails a run (size, binary, nesting). */
export interface SkippedFile { file: string; reason: string; fails: boolean; /** `reason` as a template, for other locales. */ reasonL10n?: Text }

/** A skipped file's reason in a locale. */
export function skipReason(s: SkippedFile, locale: Locale): string {
  return localize(s.reasonL10n, s.reason, locale);
}

/** "; 2 skipped (not analysed):" and one line per skipped file, or "." when none was skipped. */
function skippedText(skipped: readonly SkippedFile[], locale: Locale): string {
  if (skipped.length === 0) return say(locale, frag('cli.summary.end', '.')) + '\n';
  return `${say(locale, frag('cli.summary.skipped', '; {n} skipped (not analysed):', { n: skipped.length }))}\n${skipped.map((s) => `  ${forTerminal(s.file)}: ${forTerminal(skipReason(s, locale))}\n`).join('')}`;
}

const COLOURS: Record<Severity, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const RESET = '\x1b[0m';

/** Compact, grouped by file; coloured when `colour` is true. Skipped files are listed with their reason, never counted as clean. */
export function formatText(results: FileFindings[], colour: boolean, skipped: readonly SkippedFile[] = [], locale: Locale = 'en'): string {
  const paint = (s: Severity, text: string) => (colour ? `${COLOURS[s]}${text}${RESET}` : text);
  const bold = (t: string) => (colour ? `\x1b[1m${t}${RESET}` : t);
  let out = '';
  const counts = new Map<Severity, number>();
  for (const { file, findings, rendered } of results) {
    if (findings.length === 0) continue;
    out += `${bold(forTerminal(file))}${rendered ? say(locale, frag('cli.rendered', ' (rendered by {tool} from {root})', { tool: rendered.tool, root: forTerminal(rendered.root) })) : ''}\n`;
    for (const f of findings) {
      counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
      const pos = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
      const refs = f.references.length ? ` [${f.references.join(', ')}]` : '';
      // Messages quote the file (image names, values): no terminal controls from it reach the screen.
      out += `  ${pos.padEnd(8)} ${paint(f.severity, f.severity.padEnd(8))} ${f.ruleId.padEnd(34)} ${forTerminal(findingMessage(f, locale))}${forTerminal(refs)}\n`;
      // A location in another file (a chart's values.yaml): where the value is set.
      for (const r of f.related ?? []) if (r.file) out += `  ${''.padEnd(8)} ${''.padEnd(8)} ${''.padEnd(34)} ↳ ${forTerminal(r.file)}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${forTerminal(relatedMessage(r, locale))}\n`;
    }
    out += '\n';
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) {
    if (results.length === 0 && skipped.length > 0) return `${say(locale, frag('cli.summary.none-analysed', 'No file analysed'))}${skippedText(skipped, locale)}`;
    return `${say(locale, frag('cli.summary.clean', 'No problems found in {files}', { files: count.files(results.length) }))}${skippedText(skipped, locale)}`;
  }
  const parts = SEVERITIES.filter((s) => counts.get(s)).map((s) => frag('cli.summary.severity-count', '{n} {severity}', { n: counts.get(s)!, severity: s }));
  return `${out}${say(locale, frag('cli.summary.problems', '{problems} ({counts}) in {files}', { problems: count.problems(total), counts: listOf(parts), files: count.files(results.length) }))}${skippedText(skipped, locale)}`;
}

/** Whether `shipshape fix` (without --all) would apply a fix of the finding. */
function isFixable(f: Finding): boolean {
  const fixes = f.fixes;
  if (!fixes) return false;
  for (let i = 0; i < fixes.length; i++) if (fixes[i].safe && !fixes[i].snippet) return true;
  return false;
}

/** A finding as `--format json` writes it. */
interface JsonFinding {
  file: string; ruleId: string; severity: Severity; message: string;
  line: number; column: number; endLine: number; endColumn: number;
  references: readonly string[]; fixable: boolean;
  rendered?: { tool: string; root: string };
  valuesFixes?: Array<{ file: string; title: string; safe: boolean }>;
}

/**
 * The documented `--format json` shape (version 1; 1-based lines and columns):
 * `{"version":1,"findings":[{"file","ruleId","severity","message","line","column","endLine","endColumn","references","fixable"}],"skipped":[{"file","reason"}]}`.
 * One finding per line: a large run's output is written without the cost of indenting every field.
 */
export function formatJson(results: FileFindings[], skipped: readonly SkippedFile[] = [], locale: Locale = 'en'): string {
  const lines: string[] = [];
  for (const { file, findings, rendered, valuesFixes } of results) {
    const renderedAt = rendered ? { tool: rendered.tool, root: rendered.root } : undefined;
    for (const f of findings) {
      const r = f.range;
      // A plain object of one shape, serialised by JSON.stringify: cheaper than a template of its
      // fields (each finding is a line of its own).
      const line: JsonFinding = {
        file, ruleId: f.ruleId, severity: f.severity, message: findingMessage(f, locale),
        line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1,
        references: f.references, fixable: isFixable(f),
      };
      if (renderedAt) line.rendered = renderedAt;
      const vf = valuesFixes?.get(f);
      if (vf?.length) line.valuesFixes = vf.map((x) => ({ file: x.file, title: localize(x.fix.l10n, x.fix.title, locale), safe: x.fix.safe }));
      lines.push(JSON.stringify(line));
    }
  }
  const skips = skipped.map((s) => JSON.stringify({ file: s.file, reason: skipReason(s, locale) }));
  const list = (items: string[]): string => (items.length ? `[\n    ${items.join(',\n    ')}\n  ]` : '[]');
  return escapeJsonControls(`{\n  "version": 1,\n  "findings": ${list(lines)},\n  "skipped": ${list(skips)}\n}`) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning reads `security-severity` (a number as a string) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

/**
 * SARIF 2.1.0 accepted by GitHub code scanning: rules with helpUri and tags, 1-based regions;
 * each skipped file is a tool execution notification of the invocation (error when the skip
 * fails the run, warning for a template).
 */
export function formatSarif(results: FileFindings[], rules: RuleMeta[], version: string, skipped: readonly SkippedFile[] = [], locale: Locale = 'en'): string {
  const used = new Set(results.flatMap((r) => r.findings.map((f) => f.ruleId)));
  const sarifRules = rules.filter((r) => used.has(r.id));
  const index = new Map(sarifRules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Shipshape',
            version,
            informationUri: 'https://github.com/shipshape-dev/shipshape',
            rules: sarifRules.map((r) => {
              const t = ruleText(r, locale);
              return {
              id: r.id,
              name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: t.title },
              fullDescription: { text: t.description },
              help: { text: t.remediation, markdown: `**${t.title}**\n\n${t.description}\n\n**${say(locale, frag('cli.sarif.fix', 'Fix:'))}** ${t.remediation}` },
              helpUri: ruleDocsUrl(r.id),
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: {
                tags: ['security', r.appliesTo, ...r.references],
                precision: 'high',
                'security-severity': SECURITY_SEVERITY[r.severity],
              },
              };
            }),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: skipped.map((s) => ({
              level: s.fails ? 'error' : 'warning',
              descriptor: { id: 'skipped-file' },
              message: { text: say(locale, frag('cli.sarif.not-analysed', 'Not analysed: {reason}', { reason: skipReason(s, locale) })) },
              locations: [{ physicalLocation: { artifactLocation: { uri: s.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' } } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: results.flatMap(({ file, findings }) =>
          findings.map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId),
            level: SARIF_LEVEL[f.severity],
            message: { text: findingMessage(f, locale) },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.split('\\').join('/'), uriBaseId: '%SRCROOT%' },
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.character + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.character + 1,
                  },
                },
              },
            ],
            properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity] },
          })),
        ),
      },
    ],
  };
  return escapeJsonControls(JSON.stringify(sarif, null, 2)) + '\n';
}

/** Whether any finding is at or above the `--fail-on` threshold. */
export function failsThreshold(results: FileFindings[], failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false;
  const min = severityRank(failOn);
  return results.some((r) => r.findings.some((f) => severityRank(f.severity) >= min));
}
