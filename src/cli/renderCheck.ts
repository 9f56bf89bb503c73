/**
 * `shipshape check` over Helm charts and Kustomize overlays: each chart (a folder with
 * Chart.yaml) and kustomization among the paths is rendered with the user's helm / kubectl
 * (node/render.ts), the output analysed by the engine in the run's AnalysisRun, and every finding
 * mapped to the template, values, patch or resource line that writes it (core/render).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { AnalysisRun, analyze, Finding, ShipshapeConfig, skipFails, TextEdit } from '../core';
import { ChartSourceFile, dropSuppressed, FileFix, mapHelmFindings, mapKustomizeFindings, MappedFinding, neutraliseDirectives } from '../core/render';
import { chartRenderOptions, KUSTOMIZATION_NAMES, readChartFiles, readKustomization, renderHelm, renderKustomize, RenderEnv, RenderError } from '../node/render';
import { FileFindings, SkippedFile } from './formats';
import { CliIO, errorWords } from './io';
import { forTerminal, forTerminalLines } from './sanitize';
import { Text, frag } from '../core/l10n';
import { say, sayWords } from './l10n';
import { FileToCheck } from './walk';
import { CHART_FILE, renderingChart } from '../node/charts';

export interface RenderRoots { charts: string[]; kustomizations: string[] }

async function isFile(p: string): Promise<boolean> {
  try { return (await fs.stat(p)).isFile(); } catch { return false; }
}

/**
 * The charts and kustomizations among the collected files (a Chart.yaml, a kustomization file),
 * and the chart a given template belongs to. A subchart (under a chart's `charts/`) is rendered
 * by its parent, never alone. Absolute directories, sorted.
 */
export async function findRenderRoots(files: readonly FileToCheck[], positionals: readonly string[], cwd: string): Promise<RenderRoots> {
  const charts = new Set<string>();
  const kustomizations = new Set<string>();
  const dirs = new Set<string>();
  for (const f of files) {
    const abs = path.resolve(cwd, f.path);
    const base = path.basename(abs);
    if (base === CHART_FILE) charts.add((await renderingChart(path.dirname(abs))) ?? path.dirname(abs));
    else if (KUSTOMIZATION_NAMES.includes(base)) kustomizations.add(path.dirname(abs));
    dirs.add(path.dirname(abs));
  }
  for (const d of dirs) if (await isFile(path.join(d, 'Kustomization'))) kustomizations.add(d);
  // A template named on the command line renders its chart (a subchart's, its parent).
  for (const p of positionals) {
    const chart = await renderingChart(path.dirname(path.resolve(cwd, p)));
    if (chart) charts.add(chart);
  }
  const isSubchart = (c: string) => [...charts].some((o) => o !== c && c.startsWith(o + path.sep) && path.relative(o, c).split(path.sep).includes('charts'));
  // Kustomize has no business inside a chart (a chart's own kustomization is the user's post-renderer input, not ours).
  const inChart = (k: string) => [...charts].some((c) => k === c || k.startsWith(c + path.sep));
  return {
    charts: [...charts].filter((c) => !isSubchart(c)).sort(),
    kustomizations: [...kustomizations].filter((k) => !inChart(k)).sort(),
  };
}

export interface RenderCheckOptions {
  config: ShipshapeConfig;
  /** Folder `.shipshape.yaml` paths are relative to. */
  configDir: string;
  /** `--helm-values` (relative to cwd) and `--helm-set`, for every chart. */
  helmValues: string[];
  helmSet: Record<string, string>;
  run: AnalysisRun;
  env?: NodeJS.ProcessEnv;
  helmPath?: string;
  kustomizePath?: string;
}

/** Findings of rendered charts and overlays, before the run settles them. */
interface Pending { tool: 'helm' | 'kustomize'; root: string; findings: Finding[]; map(settled: Finding[]): MappedFinding[] }

export interface RenderCheckResult {
  /** Files the renders account for (absolute): not analysed again as plain files, nor listed as skipped. */
  owned: Set<string>;
  /** A chart or overlay did not render (the tool's message was printed). */
  failed: boolean;
  skipped: SkippedFile[];
  /** Call after every text of the run was analysed: the mapped findings, grouped by file. */
  settle(): FileFindings[];
  /** After settle: the values-file fixes of the rendered findings (files as displayed, relative to cwd). */
  readonly valuesFixes: ReadonlyMap<Finding, readonly FileFix[]> | undefined;
}

/** One fix `shipshape fix` makes in a values file, and the rendered findings it fixes. */
export interface ValuesFixEntry { ruleId: string; title: string; l10n?: Text; edits: TextEdit[]; findings: Finding[] }

/**
 * The edits `shipshape fix` makes in values files: for each rendered finding its preferred fix
 * (safe ones only unless `includeUnsafe`), the first one that claims a position in a file wins
 * (another fix inserting at the same place waits for the next run, rendered anew). A finding
 * whose fix is the same edits as one already taken is fixed by that entry (`findings`).
 */
export function valuesFixEdits(fixes: ReadonlyMap<Finding, readonly FileFix[]>, includeUnsafe: boolean, wanted?: (f: Finding) => boolean): Map<string, ValuesFixEntry[]> {
  const out = new Map<string, ValuesFixEntry[]>();
  const claimed = new Map<string, Array<[number, number, number, number, string]>>();
  /** The entry that took an edit, by file and the edit's key. */
  const owner = new Map<string, ValuesFixEntry>();
  const key = (e: TextEdit): [number, number, number, number, string] => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText];
  const before = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  for (const [finding, list] of fixes) {
    if (wanted && !wanted(finding)) continue;
    const usable = list.filter((x) => (includeUnsafe || x.fix.safe) && x.fix.edits.length);
    const ff = usable.find((x) => x.fix.preferred) ?? usable[0];
    if (!ff) continue;
    const taken = claimed.get(ff.file) ?? [];
    const mine = ff.fix.edits.map(key);
    // The same edit again (several findings, one fix) is applied once; one touching a claimed place waits.
    if (mine.every((m) => taken.some((t) => t.join('\0') === m.join('\0')))) {
      owner.get(`${ff.file}\0${mine[0].join('\0')}`)?.findings.push(finding);
      continue;
    }
    const clash = mine.some((m) => taken.some((t) => !before([t[2], t[3]], [m[0], m[1]]) && !before([m[2], m[3]], [t[0], t[1]])));
    if (clash) continue;
    taken.push(...mine);
    claimed.set(ff.file, taken);
    let entries = out.get(ff.file);
    if (!entries) out.set(ff.file, (entries = []));
    const entry: ValuesFixEntry = { ruleId: finding.ruleId, title: ff.fix.title, ...(ff.fix.l10n ? { l10n: ff.fix.l10n } : {}), edits: ff.fix.edits, findings: [finding] };
    for (const m of mine) owner.set(`${ff.file}\0${m.join('\0')}`, entry);
    entries.push(entry);
  }
  return out;
}

/** "internal error in <rule>: <message>" (a rule that threw; the message is the exception's). */
export function internalError(ruleId: string, message: string): Text {
  return frag('cli.internal-error', 'internal error in {rule}: {message}', { rule: ruleId, message: forTerminalLines(message) });
}

export async function renderAndCheck(roots: RenderRoots, io: CliIO, o: RenderCheckOptions): Promise<RenderCheckResult> {
  const display = (abs: string) => path.relative(io.cwd, abs) || '.';
  const locale = io.locale ?? 'en';
  const renderEnv: RenderEnv = { cwd: io.cwd, env: o.env, helmPath: o.helmPath, kustomizePath: o.kustomizePath };
  const owned = new Set<string>();
  const skipped: SkippedFile[] = [];
  const pending: Pending[] = [];
  let failed = false;
  let valuesFixes: Map<Finding, FileFix[]> | undefined;
  const missingSaid = new Set<string>();
  /** Reports a render failure; false when the tool is just not installed (the files are then read as they are). */
  const fail = (root: string, tool: string, e: unknown): boolean => {
    if (e instanceof RenderError && e.code === 'TOOL_MISSING') {
      if (!missingSaid.has(tool)) {
        const words = tool === 'helm'
          ? frag('cli.render.no-helm', 'helm was not found (searched the configured path and PATH): install helm to check charts, or use --no-render; chart templates are listed as skipped')
          : frag('cli.render.no-kustomize', 'neither kubectl nor kustomize was found (searched the configured path and PATH): install one to check overlays, or use --no-render; kustomization files are analysed as they are');
        io.stderr(`shipshape: ${say(locale, words)}\n`);
      }
      missingSaid.add(tool);
      return false;
    }
    failed = true;
    const msg = e instanceof RenderError ? sayWords(locale, errorWords(e)) : String((e as Error)?.message ?? e);
    io.stderr(`shipshape: ${forTerminal(display(root))}: ${say(locale, frag('cli.render.failed', '{tool} could not render it:', { tool }))}\n${forTerminalLines(msg).replace(/^/gm, '  ')}\n`);
    return true;
  };
  const analyse = (text: string, root: string, tool: 'helm' | 'kustomize', reportOn: string, map: Pending['map']): void => {
    if (!/^\s*[A-Za-z_"']/m.test(text.replace(/^#.*$/gm, '').replace(/^---\s*$/gm, ''))) {
      const what = tool === 'helm' ? frag('cli.render.helm-empty', 'helm template rendered no manifests with these values') : frag('cli.render.kustomize-empty', 'kustomize built no resources');
      skipped.push({ file: display(reportOn), reason: what.en, reasonL10n: what, fails: false });
      return;
    }
    // Directives are honoured in the files the findings are mapped to (core/render/suppress.ts).
    const result = analyze(neutraliseDirectives(text), 'kubernetes', o.config, { run: o.run });
    for (const err of result.errors) io.stderr(`shipshape: ${forTerminal(display(root))}: ${say(locale, internalError(err.ruleId, err.message))}\n`);
    if (result.skipped) {
      const reason = frag('cli.render.output-skipped', 'rendered output: {reason}', { reason: result.skippedL10n ?? result.skipped });
      skipped.push({ file: display(reportOn), reason: `rendered output: ${result.skipped}`, reasonL10n: reason, fails: skipFails(result.skipKind ?? 'size') });
      return;
    }
    pending.push({ tool, root, findings: result.findings, map });
  };

  for (const chart of roots.charts) {
    const opts = chartRenderOptions(o.config, o.configDir, chart, o.helmValues.map((v) => path.resolve(io.cwd, v)), o.helmSet);
    const values = opts.values;
    const chartFile = path.join(chart, 'Chart.yaml');
    let rendered: string;
    try {
      rendered = await renderHelm(chart, opts, renderEnv);
    } catch (e) {
      // Reported (exit 2 unless helm is missing); its files are then read as they are (templates listed as skipped).
      fail(chart, 'helm', e);
      continue;
    }
    owned.add(chart);
    const files = await readChartFiles(chart, display);
    const userValues: ChartSourceFile[] = [];
    for (const v of values) {
      try { userValues.push({ path: display(v), text: await fs.readFile(v, 'utf8') }); } catch { /* helm read it; we cannot: no related location */ }
    }
    const texts = new Map([...files.values(), ...userValues].map((f) => [f.path, f.text]));
    analyse(rendered, chart, 'helm', chartFile, (findings) => dropSuppressed(mapHelmFindings({ rendered, findings, files, chartFile: display(chartFile), userValues, setKeys: Object.keys(opts.set) }), (f) => texts.get(f)));
  }

  const kustomizeSeen = new Set<string>();
  for (const dir of roots.kustomizations) {
    const parts = await readKustomization(dir, display);
    let out: { output: string; originBase: string };
    try {
      out = await renderKustomize(dir, renderEnv);
    } catch (e) {
      fail(dir, 'kustomize', e);
      continue;
    }
    for (const f of parts.owned) owned.add(f);
    const kfile = [...parts.owned].find((f) => path.dirname(f) === dir && KUSTOMIZATION_NAMES.includes(path.basename(f))) ?? path.join(dir, 'kustomization.yaml');
    const texts = new Map([...parts.resources.values(), ...parts.patches.values()].map((f) => [f.path, f.text]));
    analyse(out.output, dir, 'kustomize', kfile, (findings) => dropSuppressed(mapKustomizeFindings({
      rendered: out.output, findings, resources: parts.resources, patches: parts.patches, originBase: out.originBase, kustomizationFile: display(kfile),
    }), (f) => texts.get(f)).filter((m) => {
      // A base reached through several overlays: one finding per source location.
      const k = `${m.finding.ruleId}\0${m.file}\0${m.finding.range.start.line}:${m.finding.range.start.character}`;
      if (kustomizeSeen.has(k)) return false;
      kustomizeSeen.add(k);
      return true;
    }));
  }

  return {
    owned, failed, skipped,
    get valuesFixes() { return valuesFixes; },
    settle(): FileFindings[] {
      const out: FileFindings[] = [];
      for (const p of pending) {
        const byFile = new Map<string, Finding[]>();
        for (const m of p.map(o.run.settle(p.findings))) {
          // Template edits are not offered by the CLI (fixable: false); a fix of the values file is (`valuesFixes`, `shipshape fix`).
          delete m.finding.fixes;
          if (m.fileFixes?.length) (valuesFixes ??= new Map()).set(m.finding, m.fileFixes);
          let list = byFile.get(m.file);
          if (!list) byFile.set(m.file, (list = []));
          list.push(m.finding);
        }
        for (const [file, findings] of byFile) {
          findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
          out.push({ file, findings, rendered: { tool: p.tool, root: display(p.root) }, ...(valuesFixes ? { valuesFixes } : {}) });
        }
      }
      return out;
    },
  };
}

/** Whether `abs` is one of the owned files or under an owned (chart) directory. */
export function isOwned(owned: ReadonlySet<string>, abs: string): boolean {
  if (owned.has(abs)) return true;
  let dir = path.dirname(abs);
  for (let i = 0; i < 64; i++) {
    if (owned.has(dir)) return true;
    const up = path.dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
  return false;
}
