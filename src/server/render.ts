/**
 * Rendered charts and overlays in the language server: a Helm chart (a folder with Chart.yaml)
 * or a Kustomize overlay is rendered with the user's helm / kubectl kustomize (node/render.ts:
 * argv arrays, a timeout, capped output) when one of its files is opened for the first time,
 * saved, or changed on disk; the output is analysed in the worker pool and every finding mapped
 * to the template, values, patch or resource line that writes it (core/render). Renders are
 * debounced per chart/overlay, a newer save supersedes (cancels) the one in progress, and nothing
 * is rendered in an untrusted workspace (the host's session: `initializationOptions.trusted`,
 * `shipshape/didChangeSession`, see protocol.ts and session.ts): a chart's templates and an overlay's
 * plugins are the workspace's code. What the server publishes for a file is its own analysis
 * merged with what the renders say about it (`view`); server.ts asks, this module never
 * publishes itself.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeAction, CodeActionKind, Diagnostic } from 'vscode-languageserver';
import { Finding, ShipshapeConfig } from '../core';
import {
  ChartSourceFile, dropSuppressed, FileFix, KustomizeFile, mapHelmFindings, mapKustomizeFindings, MappedFinding, neutraliseDirectives,
} from '../core/render';
import {
  chartRenderOptions, KUSTOMIZATION_NAMES, readChartFiles, readKustomization, renderHelm, renderKustomize, RenderError,
} from '../node/render';
import { fsPathOf } from './config';
import { toDiagnostic } from './convert';
import { english, fixTitleIn, frag, localize, msg, Msg, normalizeLocale, Text } from '../core/l10n';
import { session } from './session';
import { renderingChart } from '../node/charts';

/** Saves closer together than this render once. */
export const RENDER_DEBOUNCE_MS = 300;
/** A render that takes longer is stopped (the editor's budget; the CLI allows 60 s). */
export const EDITOR_RENDER_TIMEOUT_MS = 30_000;
/** Rule ids of the diagnostics about a render itself (on Chart.yaml / the kustomization): no rule page. */
export { RENDER_PROBLEM_IDS } from '../core/render';

/** The hints of a chart template's language status, as templates: the server sends them in the client's locale (`session.locale`). */
const HINTS = {
  untrusted: frag('server.helm.hint-untrusted', 'Helm template: not analysed — trust the workspace to render its chart'),
  noHelm: frag('server.helm.hint-no-helm', 'Helm template: not analysed — install helm or set shipshape.helm.path'),
  failed: frag('server.helm.hint-failed', 'Helm template: the chart did not render (see Chart.yaml)'),
  rendering: frag('server.helm.hint-rendering', 'Helm template: rendering the chart…'),
} as const;
/** The hints in English (what a client without a locale gets). */
export const HINT_UNTRUSTED = HINTS.untrusted.en;
export const HINT_NO_HELM = HINTS.noHelm.en;
export const HINT_FAILED = HINTS.failed.en;
export const HINT_RENDERING = HINTS.rendering.en;

/** A text in the client's locale. */
function inLocale(text: Text): string {
  return localize(text, english(text), normalizeLocale(session.locale));
}

/** What the server lends the renderer. */
export interface RenderHost {
  /** The analysis configuration for a file (settings over `.shipshape.yaml`) and the folder file's own config (its `helm:` section). */
  config(file: string): Promise<{ enabled: boolean; config: ShipshapeConfig; fileConfig?: ShipshapeConfig; folder?: string }>;
  /** Analyses rendered Kubernetes YAML (in a worker); undefined when it was not analysed (time budget, cancelled). */
  analyze(text: string, config: ShipshapeConfig): { promise: Promise<Finding[] | undefined>; cancel(): void };
  /** The rendered findings of these files (absolute paths) changed: publish them again. */
  refresh(files: readonly string[]): void;
  log(msg: string): void;
  /** The workspace folders (absolute paths): discovery stays inside them. */
  folders(): readonly string[];
  /** Whether the workspace is trusted and the user's machine-scoped tool paths (the server's session.ts). */
  session(): { trusted: boolean; tools: { helm?: string; kustomize?: string } };
  /** Subscribes to session changes (the listener gets the session before the change); returns the unsubscribe function. */
  onSessionChange(listener: (before: { trusted: boolean; tools: { helm?: string; kustomize?: string } }) => void): () => void;
}

/** A document's skip as the server passes it (protocol.ts SkipKind). */
interface Skip<S extends string> { skipped: S; reason?: string; hint?: string }

type Tool = 'helm' | 'kustomize';
type Status = 'pending' | 'done' | 'failed' | 'empty' | 'noTool' | 'untrusted';

interface Root {
  tool: Tool;
  dir: string;
  status: Status;
  /** Findings per file (absolute path) of the last render that finished. */
  byFile: Map<string, Finding[]>;
  /** Files the render accounts for: their plain analysis is replaced by the render's (absolute paths). */
  owned: Set<string>;
  fileFixes: Map<Finding, FileFix[]>;
  timer?: ReturnType<typeof setTimeout>;
  abort?: AbortController;
  cancelAnalysis?: () => void;
  seq: number;
  rendered: boolean;
  /** Files that were looked up and belong here: told when the render's result changes, even when it has nothing for them. */
  members: Set<string>;
}

async function isFile(p: string): Promise<boolean> {
  try { return (await fs.stat(p)).isFile(); } catch { return false; }
}

const MAX_SCAN_DIRS = 5000;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', 'dist', 'out']);

function problem(ruleId: string, words: Msg, severity: Finding['severity']): Finding {
  return { ruleId, severity, ...words, references: [], range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

export class RenderService {
  private readonly roots = new Map<string, Root>();
  /** file → root keys, for files whose roots were looked up (absolute paths). */
  private readonly membership = new Map<string, string[]>();
  private readonly discovering = new Map<string, Promise<string[]>>();
  /** Kustomization directories of each workspace folder (scanned once, until a kustomization changes). */
  private kustomizations?: Promise<string[]>;
  private readonly parts = new Map<string, Promise<Set<string>>>();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly host: RenderHost, private readonly options: { debounceMs?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
    this.unsubscribe = host.onSessionChange((before) => {
      const s = host.session();
      // Trust granted or tool paths changed: render what was looked at again.
      if (s.trusted !== before.trusted || JSON.stringify(s.tools) !== JSON.stringify(before.tools)) {
        for (const r of this.roots.values()) if (r.rendered || r.status === 'untrusted' || r.status === 'noTool') this.schedule(r, 0);
      }
    });
  }

  private key(tool: Tool, dir: string): string { return `${tool}\0${dir}`; }

  /** The chart a file belongs to: the nearest folder with Chart.yaml above it (within the workspace folders), climbing out of subcharts (node/charts.ts). */
  chartOf(file: string): Promise<string | undefined> {
    return renderingChart(path.dirname(file), this.host.folders());
  }

  private async scanKustomizations(): Promise<string[]> {
    const out: string[] = [];
    let seen = 0;
    const visit = async (dir: string, depth: number): Promise<void> => {
      if (depth > 10 || seen++ > MAX_SCAN_DIRS || this.disposed) return;
      let entries;
      try { entries = await fs.readdir(dir, { withFileTypes: true }); } catch { return; }
      if (entries.some((e) => e.isFile() && KUSTOMIZATION_NAMES.includes(e.name))) out.push(dir);
      for (const e of entries) if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await visit(path.join(dir, e.name), depth + 1);
    };
    for (const f of this.host.folders()) await visit(f, 0);
    return out.sort();
  }

  private ownedBy(dir: string): Promise<Set<string>> {
    let p = this.parts.get(dir);
    if (!p) this.parts.set(dir, (p = readKustomization(dir, (a) => a).then((k) => k.owned, () => new Set<string>())));
    return p;
  }

  /** The charts and overlays a file is part of (looked up once per file until a chart or kustomization changes). */
  private async discover(file: string): Promise<string[]> {
    const keys: string[] = [];
    const chart = await this.chartOf(file);
    if (chart) keys.push(this.key('helm', chart));
    else {
      // A values file named in `.shipshape.yaml` helm.charts that lives outside its chart.
      const { fileConfig, folder } = await this.host.config(file);
      for (const [dir, c] of Object.entries(fileConfig?.helm?.charts ?? {})) {
        if (folder && (c.values ?? []).some((v) => path.resolve(folder, v) === file)) keys.push(this.key('helm', path.resolve(folder, dir)));
      }
    }
    if (!chart && /\.(ya?ml)$|(^|[\\/])Kustomization$/.test(file)) {
      this.kustomizations ??= this.scanKustomizations();
      for (const dir of await this.kustomizations) {
        if (dir === path.dirname(file) && KUSTOMIZATION_NAMES.includes(path.basename(file))) keys.push(this.key('kustomize', dir));
        else if ((await this.ownedBy(dir)).has(file)) keys.push(this.key('kustomize', dir));
      }
    }
    for (const k of keys) {
      if (!this.roots.has(k)) {
        const [tool, dir] = k.split('\0') as [Tool, string];
        this.roots.set(k, { tool, dir, status: 'pending', byFile: new Map(), owned: new Set(), fileFixes: new Map(), seq: 0, rendered: false, members: new Set() });
      }
      this.roots.get(k)!.members.add(file);
    }
    this.membership.set(file, keys);
    return keys;
  }

  private rootsOf(file: string): Promise<string[]> {
    const known = this.membership.get(file);
    if (known) return Promise.resolve(known);
    let p = this.discovering.get(file);
    if (!p) {
      p = this.discover(file).finally(() => this.discovering.delete(file));
      this.discovering.set(file, p);
    }
    return p;
  }

  /**
   * A file was saved, or changed on disk: the charts and overlays it is part of render again
   * (debounced; a render in progress is superseded). A changed Chart.yaml or kustomization
   * also forgets what was discovered, since what belongs where may have changed.
   */
  async saved(file: string): Promise<void> {
    const base = path.basename(file);
    if (base === 'Chart.yaml' || KUSTOMIZATION_NAMES.includes(base)) {
      this.membership.clear();
      this.parts.clear();
      if (KUSTOMIZATION_NAMES.includes(base)) this.kustomizations = undefined;
    }
    for (const k of await this.rootsOf(file)) {
      const r = this.roots.get(k);
      if (r) this.schedule(r, this.options.debounceMs ?? RENDER_DEBOUNCE_MS);
    }
  }

  /** Changes reported by the client's file watcher (`workspace/didChangeWatchedFiles`). */
  filesChanged(uris: readonly string[]): void {
    for (const uri of uris) {
      const file = fsPathOf(uri);
      if (file && /\.(ya?ml|tpl|txt|json)$|(^|[\\/])Kustomization$/.test(file)) void this.saved(file);
    }
  }

  private schedule(r: Root, delay: number): void {
    if (this.disposed) return;
    if (r.timer) clearTimeout(r.timer);
    // Superseded: the render (or analysis) in progress is stopped.
    r.abort?.abort();
    r.cancelAnalysis?.();
    r.timer = setTimeout(() => { r.timer = undefined; void this.render(r); }, delay);
  }

  private finish(r: Root, status: Status, byFile: Map<string, Finding[]>, owned: Set<string>, fileFixes: Map<Finding, FileFix[]>): void {
    const touched = new Set([...r.byFile.keys(), ...r.owned, ...byFile.keys(), ...owned, ...r.members]);
    // Every file the render speaks of is known to belong to it from now on (no lookup of its own needed).
    const key = this.key(r.tool, r.dir);
    for (const f of [...byFile.keys(), ...owned]) {
      const known = this.membership.get(f);
      if (!known) this.membership.set(f, [key]);
      else if (!known.includes(key)) known.push(key);
    }
    r.status = status;
    r.byFile = byFile;
    r.owned = owned;
    r.fileFixes = fileFixes;
    this.host.refresh([...touched]);
  }

  private async render(r: Root): Promise<void> {
    const seq = ++r.seq;
    const current = () => r.seq === seq && !this.disposed;
    r.rendered = true;
    const anchor = r.tool === 'helm' ? path.join(r.dir, 'Chart.yaml') : await this.kustomizationFile(r.dir);
    const session = this.host.session();
    if (!session.trusted) {
      this.finish(r, 'untrusted', new Map(), new Set(), new Map());
      return;
    }
    const { enabled, config, fileConfig, folder } = await this.host.config(anchor);
    if (!current()) return;
    if (!enabled) { this.finish(r, 'done', new Map(), new Set(), new Map()); return; }
    const abort = new AbortController();
    r.abort = abort;
    const env = { cwd: r.dir, env: this.options.env, timeoutMs: this.options.timeoutMs ?? EDITOR_RENDER_TIMEOUT_MS, signal: abort.signal, helmPath: session.tools.helm, kustomizePath: session.tools.kustomize };
    let rendered: string;
    let map: (findings: Finding[]) => MappedFinding[];
    let owned: Set<string>;
    try {
      if (r.tool === 'helm') {
        const opts = chartRenderOptions(fileConfig ?? config, folder ?? r.dir, r.dir);
        rendered = await renderHelm(r.dir, opts, env);
        if (!current()) return;
        const files = await readChartFiles(r.dir, (a) => a);
        const userValues: ChartSourceFile[] = [];
        for (const v of opts.values) {
          try { userValues.push({ path: v, text: await fs.readFile(v, 'utf8') }); } catch { /* helm read it; we cannot: no related location */ }
        }
        owned = new Set([anchor, ...[...files.values()].map((f) => f.path), ...userValues.map((f) => f.path)]);
        const texts = new Map([...files.values(), ...userValues].map((f) => [f.path, f.text]));
        map = (findings) => dropSuppressed(mapHelmFindings({ rendered, findings, files, chartFile: anchor, userValues, setKeys: Object.keys(opts.set) }), (f) => texts.get(f));
      } else {
        const parts = await readKustomization(r.dir, (a) => a);
        const out = await renderKustomize(r.dir, env);
        if (!current()) return;
        rendered = out.output;
        owned = parts.owned;
        const texts = new Map([...parts.resources.values(), ...parts.patches.values()].map((f: KustomizeFile) => [f.path, f.text]));
        map = (findings) => dropSuppressed(mapKustomizeFindings({
          rendered, findings, resources: parts.resources, patches: parts.patches, originBase: out.originBase, kustomizationFile: anchor,
        }), (f) => texts.get(f));
      }
    } catch (e) {
      if (!current()) return;
      if (e instanceof RenderError && e.code === 'CANCELLED') return;
      if (e instanceof RenderError && e.code === 'TOOL_MISSING') {
        this.host.log(`${r.dir}: not rendered: ${e.message}`);
        this.finish(r, 'noTool', new Map(), new Set(), new Map());
        return;
      }
      // The tool's words, without terminal controls (colour codes would show as garbage in a diagnostic).
      const error = (e instanceof Error ? e.message : String(e)).replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim();
      this.host.log(`${r.dir}: ${r.tool} could not render it: ${error}`);
      const id = r.tool === 'helm' ? 'helm-render-failed' : 'kustomize-build-failed';
      // Our own words (a configured path that cannot be used, a timeout) in the client's locale; the tool's as they are.
      const why = e instanceof RenderError && e.l10n ? e.l10n : error;
      const words = r.tool === 'helm'
        ? msg('server.render.helm-failed', 'helm template failed, so Shipshape cannot check what it renders: {error}', { error: why })
        : msg('server.render.kustomize-failed', 'kustomize build failed, so Shipshape cannot check what it renders: {error}', { error: why });
      this.finish(r, 'failed', new Map([[anchor, [problem(id, words, 'medium')]]]), new Set(), new Map());
      return;
    } finally {
      if (r.abort === abort) r.abort = undefined;
    }
    if (!/^\s*[A-Za-z_"']/m.test(rendered.replace(/^#.*$/gm, '').replace(/^---\s*$/gm, ''))) {
      const id = r.tool === 'helm' ? 'helm-render-empty' : 'kustomize-build-empty';
      const words = r.tool === 'helm'
        ? msg('server.render.helm-empty', 'helm template rendered no manifests with these values: nothing to check')
        : msg('server.render.kustomize-empty', 'kustomize built no resources: nothing to check');
      this.finish(r, 'empty', new Map([[anchor, [problem(id, words, 'low')]]]), owned, new Map());
      return;
    }
    const task = this.host.analyze(neutraliseDirectives(rendered), config);
    r.cancelAnalysis = task.cancel;
    const findings = await task.promise;
    if (r.cancelAnalysis === task.cancel) r.cancelAnalysis = undefined;
    if (!current()) return;
    if (!findings) {
      this.host.log(`${r.dir}: the rendered output was not analysed (time budget)`);
      this.finish(r, 'done', new Map(), new Set(), new Map());
      return;
    }
    const byFile = new Map<string, Finding[]>();
    const fileFixes = new Map<Finding, FileFix[]>();
    const add = (file: string, f: Finding) => {
      let list = byFile.get(file);
      if (!list) byFile.set(file, (list = []));
      const dup = list.some((x) => x.ruleId === f.ruleId && x.range.start.line === f.range.start.line && x.range.start.character === f.range.start.character);
      if (!dup) list.push(f);
    };
    let mapped: MappedFinding[];
    try { mapped = map(findings); } catch (e) { this.host.log(`${r.dir}: mapping failed: ${String(e)}`); mapped = []; }
    for (const m of mapped) {
      add(m.file, m.finding);
      if (m.fileFixes?.length) fileFixes.set(m.finding, m.fileFixes);
      // The values line the finding comes from shows it too, with the values fixes as its own quick fixes.
      for (const rel of m.finding.related ?? []) {
        if (!rel.file || rel.file === m.file) continue;
        const here = (m.fileFixes ?? []).filter((x) => x.file === rel.file).map((x) => x.fix);
        const where = { file: path.basename(m.file), line: m.finding.range.start.line + 1 };
        const back = { file: m.file, range: m.finding.range, ...msg('server.render.rendered-by', 'rendered by {file} line {line}', where) };
        const onValues: Finding = {
          ...m.finding, range: rel.range, related: [back],
          ...msg('server.render.on-values', '{message} (rendered by {file} line {line})', { message: m.finding.l10n ?? m.finding.message, ...where }),
        };
        if (here.length) onValues.fixes = here; else delete onValues.fixes;
        add(rel.file, onValues);
      }
    }
    this.finish(r, 'done', byFile, owned, fileFixes);
  }

  private async kustomizationFile(dir: string): Promise<string> {
    for (const n of KUSTOMIZATION_NAMES) if (await isFile(path.join(dir, n))) return path.join(dir, n);
    return path.join(dir, 'kustomization.yaml');
  }

  /**
   * What to publish for a file: the server's own findings merged with the renders' (those of a
   * file a render accounts for replace its plain analysis: a template is not a manifest, a patch
   * is half of one), and a hint when a chart template could not be analysed. The first time a
   * file of a chart or overlay is looked at, its render starts (the result comes as a refresh).
   */
  view<S extends string>(uri: string, findings: Finding[], skip?: Skip<S>): { findings: Finding[]; skip?: Skip<S> } {
    const file = fsPathOf(uri);
    const trusted = this.host.session().trusted;
    if (!file) return { findings, skip };
    const keys = this.membership.get(file);
    if (!keys) {
      void this.rootsOf(file).then((ks) => {
        let started = false;
        for (const k of ks) {
          const r = this.roots.get(k);
          if (r && !r.rendered && !r.timer) { this.schedule(r, 0); started = true; }
          else if (r && r.status !== 'pending') started = true;
        }
        // Known already (another file of the chart rendered it): publish again with its results;
        // a template in no chart: again without the "rendering" hint it was given meanwhile.
        if ((started && ks.some((k) => this.roots.get(k)?.status !== 'pending')) || (!ks.length && skip?.skipped === 'template')) this.host.refresh([file]);
      });
      return { findings, skip: skip?.skipped === 'template' ? { ...skip, hint: inLocale(trusted ? HINTS.rendering : HINTS.untrusted) } : skip };
    }
    let out = findings;
    let replaced = false;
    let covered = false;
    const extra: Finding[] = [];
    let hint: Text | undefined;
    for (const k of keys) {
      const r = this.roots.get(k);
      if (!r) continue;
      if (r.status === 'untrusted') hint ??= HINTS.untrusted;
      else if (r.status === 'noTool') hint ??= r.tool === 'helm' ? HINTS.noHelm : undefined;
      else if (r.status === 'failed') hint ??= r.tool === 'helm' ? HINTS.failed : undefined;
      else if (r.status === 'pending') hint ??= r.tool === 'helm' ? HINTS.rendering : undefined;
      const mine = r.byFile.get(file);
      if (mine) { extra.push(...mine); covered = true; }
      if (r.owned.has(file)) { covered = true; if (r.status === 'done' || r.status === 'empty') replaced = true; }
    }
    if (replaced) out = [];
    const seen = new Set(out.map((f) => `${f.ruleId}\0${f.range.start.line}:${f.range.start.character}`));
    out = [...out];
    for (const f of extra) {
      const k = `${f.ruleId}\0${f.range.start.line}:${f.range.start.character}`;
      if (!seen.has(k)) { seen.add(k); out.push(f); }
    }
    let nextSkip = skip;
    if (covered && (replaced || extra.length) && (skip?.skipped === 'template' || skip?.skipped === 'notApplicable')) nextSkip = undefined;
    // A template with no chart above it (template syntax only): nothing to render, no hint.
    else if (skip?.skipped === 'template' && keys.some((k) => k.startsWith('helm\0'))) nextSkip = { ...skip, hint: inLocale(hint ?? (trusted ? HINTS.rendering : HINTS.untrusted)) };
    return { findings: out, skip: nextSkip };
  }

  /** The diagnostics of a file that is not open (or that the server does not analyse, e.g. `_helpers.tpl`). */
  diagnosticsFor(uri: string): Diagnostic[] {
    return this.view(uri, []).findings.map((f) => toDiagnostic(f, uri));
  }

  /** Quick fixes that edit another file (a values fix on a template line) for the findings a code action request is about. */
  codeActions(hits: ReadonlyArray<{ finding: Finding; diagnostic: Diagnostic }>): CodeAction[] {
    const out: CodeAction[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      let fixes: FileFix[] | undefined;
      for (const r of this.roots.values()) { fixes = r.fileFixes.get(h.finding); if (fixes) break; }
      for (const ff of fixes ?? []) {
        const title = fixTitleIn(ff.fix, normalizeLocale(session.locale));
        const key = `${ff.file}\0${title}\0${JSON.stringify(ff.fix.edits)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [h.diagnostic],
          edit: { changes: { [pathToFileURL(ff.file).href]: ff.fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
          data: { shipshape: 'fix', rules: [h.finding.ruleId] },
        });
      }
    }
    return out;
  }

  /** Files the renders have something to say about (for the server to publish when they are not open). */
  files(): string[] {
    const out = new Set<string>();
    for (const r of this.roots.values()) for (const f of r.byFile.keys()) out.add(f);
    return [...out];
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    for (const r of this.roots.values()) {
      if (r.timer) clearTimeout(r.timer);
      r.abort?.abort();
      r.cancelAnalysis?.();
    }
  }
}
