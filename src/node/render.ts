/**
 * Rendering Helm charts and Kustomize overlays with the user's own tools (helm; kubectl or
 * kustomize), through runTool: an argument array and no shell, a timeout, capped output, the
 * `render` environment allow-list. The tool is found like the scanners: a machine-scoped path
 * setting, then PATH. The caller must never render in an untrusted workspace (a chart's
 * templates and a kustomization's plugins are the workspace's code).
 * The files the mapping needs are read here (size-capped); the mapping itself is core/render.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { MAX_TEXT_LENGTH } from '../core/limits';
import { ShipshapeConfig } from '../core/config';
import { ChartSourceFile, KustomizeFile } from '../core/render';
import { runTool, stderrExcerpt, ToolError } from './process';
import { ExecutablePathError, findExecutable } from './which';
import { frag, LocalizedError, Text } from '../core/l10n/text';

export type RenderTool = 'helm' | 'kustomize';

/** How a chart is rendered: `.shipshape.yaml` `helm.charts.<dir>` and the CLI's `--helm-values`/`--helm-set`. */
export interface HelmRenderOptions {
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  /** Values files, absolute or relative to the chart's parent working directory. */
  values?: string[];
  set?: Record<string, string>;
  includeCrds?: boolean;
}

export interface RenderEnv {
  helmPath?: string;
  kustomizePath?: string;
  env?: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A render that failed, with a message fit to print (the tool's stderr, trimmed). */
export class RenderError extends LocalizedError {
  constructor(readonly code: 'TOOL_MISSING' | 'BAD_TOOL_PATH' | 'FAILED' | 'TIMEOUT' | 'CANCELLED' | 'OUTPUT_LIMIT', message: string | Text) {
    super(message);
    this.name = 'RenderError';
  }
}

export const RENDER_TIMEOUT_MS = 60_000;
/** Rendered output beyond this is refused: it is analysed as one text. */
const MAX_RENDER_BYTES = MAX_TEXT_LENGTH;
const MAX_FILES = 2000;

async function run(executable: string, args: string[], opts: RenderEnv, cwd: string): Promise<string> {
  try {
    const r = await runTool(executable, {
      args, cwd, baseEnv: { ...process.env, ...opts.env }, envProfile: 'render',
      timeoutMs: opts.timeoutMs ?? RENDER_TIMEOUT_MS, maxOutputBytes: MAX_RENDER_BYTES, signal: opts.signal,
    });
    if (r.exitCode !== 0) {
      throw new RenderError('FAILED', stderrExcerpt(r.stderr) || frag('render.tool-exited', '{tool} exited with code {code}', { tool: path.basename(executable), code: String(r.exitCode ?? r.signal) }));
    }
    return r.stdout;
  } catch (e) {
    if (e instanceof RenderError) throw e;
    if (e instanceof ToolError) {
      const code = e.code === 'NOT_FOUND' ? 'TOOL_MISSING' : e.code === 'SPAWN_FAILED' ? 'FAILED' : e.code;
      throw new RenderError(code, e.l10n ?? e.message);
    }
    throw new RenderError('FAILED', String(e));
  }
}

async function locate(name: string, configured: string | undefined, env: NodeJS.ProcessEnv | undefined): Promise<string | undefined> {
  try {
    return await findExecutable(name, configured, { ...process.env, ...env });
  } catch (e) {
    if (e instanceof ExecutablePathError) throw new RenderError('BAD_TOOL_PATH', e.l10n);
    throw e;
  }
}

/**
 * How a chart is rendered: its `.shipshape.yaml` `helm.charts` entry (keyed by the chart's folder
 * relative to the config's folder, with or without `./` and a trailing `/`; values files relative
 * to that folder) plus values files and `--set`s given for every chart (absolute paths).
 */
export function chartRenderOptions(config: ShipshapeConfig, configDir: string, chart: string, extraValues: readonly string[] = [], extraSet: Record<string, string> = {}): HelmRenderOptions & { values: string[]; set: Record<string, string> } {
  const key = path.relative(configDir, chart).split(path.sep).join('/') || '.';
  const fromConfig = config.helm?.charts[key] ?? config.helm?.charts[`./${key}`] ?? config.helm?.charts[`${key}/`];
  return {
    releaseName: fromConfig?.releaseName, namespace: fromConfig?.namespace, kubeVersion: fromConfig?.kubeVersion,
    values: [...(fromConfig?.values ?? []).map((v) => path.resolve(configDir, v)), ...extraValues],
    set: { ...fromConfig?.set, ...extraSet },
  };
}

/** The helm argv for a chart (exported for tests and the log). */
export function helmArgs(chartDir: string, o: HelmRenderOptions = {}): string[] {
  const args = ['template', o.releaseName || 'release-name', chartDir];
  for (const v of o.values ?? []) args.push('--values', v);
  for (const [k, v] of Object.entries(o.set ?? {})) args.push('--set', `${k}=${v}`);
  if (o.namespace) args.push('--namespace', o.namespace);
  if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
  if (o.includeCrds !== false) args.push('--include-crds');
  return args;
}

/** `helm template` of a chart; RenderError when helm is missing or the chart does not render. */
export async function renderHelm(chartDir: string, o: HelmRenderOptions, env: RenderEnv): Promise<string> {
  const helm = await locate('helm', env.helmPath, env.env);
  if (!helm) throw new RenderError('TOOL_MISSING', 'helm was not found (searched the configured path and PATH): install helm to check charts, or use --no-render');
  // `--` never needed: the chart path is absolute.
  return run(helm, helmArgs(path.resolve(env.cwd, chartDir), o), env, env.cwd);
}

/**
 * `kubectl kustomize` (or `kustomize build`) of an overlay, with kustomize's origin annotations:
 * a wrapper kustomization in a temporary directory lists the overlay as its resource and asks for
 * `buildMetadata`, so the user's files are never touched. Returns the output and the directory
 * the origin paths are relative to.
 */
export async function renderKustomize(dir: string, env: RenderEnv): Promise<{ output: string; originBase: string }> {
  const kubectl = env.kustomizePath ? undefined : await locate('kubectl', undefined, env.env);
  const kustomize = env.kustomizePath ? await locate('kustomize', env.kustomizePath, env.env) : kubectl ? undefined : await locate('kustomize', undefined, env.env);
  const exe = kustomize ?? kubectl;
  if (!exe) throw new RenderError('TOOL_MISSING', 'neither kubectl nor kustomize was found (searched the configured path and PATH): install one to check overlays, or use --no-render');
  const abs = path.resolve(env.cwd, dir);
  const wrap = await fs.mkdtemp(path.join(os.tmpdir(), 'shipshape-kustomize-'));
  try {
    const rel = path.relative(wrap, abs).split(path.sep).join('/');
    // A relative path only: kustomize refuses an absolute resource root (another drive on Windows has none).
    if (!path.isAbsolute(rel)) {
      await fs.writeFile(path.join(wrap, 'kustomization.yaml'), `resources:\n  - ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`);
      const args = kustomize ? ['build', wrap] : ['kustomize', wrap];
      return { output: await run(exe, args, env, wrap), originBase: wrap.split(path.sep).join('/') };
    }
    const args = kustomize ? ['build', abs] : ['kustomize', abs];
    return { output: await run(exe, args, env, abs), originBase: abs.split(path.sep).join('/') };
  } finally {
    await fs.rm(wrap, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > MAX_TEXT_LENGTH) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The `name:` of a Chart.yaml, or undefined. */
function chartName(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /^name:\s*["']?([^"'\s#]+)/m.exec(text);
  return m?.[1];
}

/**
 * The chart's files keyed by the names helm prints in `# Source:` (`<chart name>/templates/…`,
 * `<chart name>/charts/<subchart name>/…`), with `display` paths (relative to cwd) as their path.
 */
export async function readChartFiles(chartDir: string, display: (abs: string) => string): Promise<Map<string, ChartSourceFile>> {
  const files = new Map<string, ChartSourceFile>();
  const visit = async (dir: string, prefix: string, depth: number): Promise<void> => {
    if (depth > 8 || files.size > MAX_FILES) return;
    const add = async (abs: string, key: string) => {
      const text = await readSmall(abs);
      if (text !== undefined) files.set(key, { path: display(abs), text });
    };
    await add(path.join(dir, 'values.yaml'), `${prefix}/values.yaml`);
    const walkDir = async (sub: string, keyPrefix: string, d: number): Promise<void> => {
      let entries;
      try { entries = await fs.readdir(sub, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        if (files.size > MAX_FILES || d > 8) return;
        const abs = path.join(sub, e.name);
        if (e.isDirectory()) await walkDir(abs, `${keyPrefix}/${e.name}`, d + 1);
        else if (e.isFile() && /\.(ya?ml|tpl|txt|json)$/i.test(e.name)) await add(abs, `${keyPrefix}/${e.name}`);
      }
    };
    await walkDir(path.join(dir, 'templates'), `${prefix}/templates`, 0);
    await walkDir(path.join(dir, 'crds'), `${prefix}/crds`, 0);
    let subs;
    try { subs = await fs.readdir(path.join(dir, 'charts'), { withFileTypes: true }); } catch { return; }
    for (const s of subs) {
      if (!s.isDirectory()) continue;
      const subDir = path.join(dir, 'charts', s.name);
      const name = chartName(await readSmall(path.join(subDir, 'Chart.yaml'))) ?? s.name;
      await visit(subDir, `${prefix}/charts/${name}`, depth + 1);
    }
  };
  const abs = path.resolve(chartDir);
  const name = chartName(await readSmall(path.join(abs, 'Chart.yaml'))) ?? path.basename(abs);
  await visit(abs, name, 0);
  return files;
}

/** What a kustomization (and the kustomizations it includes) is made of. */
export interface KustomizationParts {
  /** '/'-separated absolute path → file. */
  resources: Map<string, KustomizeFile>;
  patches: Map<string, KustomizeFile>;
  /** Every file read (kustomization files too), absolute, native separators: not to analyse again as plain files. */
  owned: Set<string>;
}

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

async function kustomizationFile(dir: string): Promise<string | undefined> {
  for (const n of KUSTOMIZATION_NAMES) {
    const p = path.join(dir, n);
    try { if ((await fs.stat(p)).isFile()) return p; } catch { /* next */ }
  }
  return undefined;
}

/** Reads the resources and patch files of a kustomization and of its bases and components. */
export async function readKustomization(dir: string, display: (abs: string) => string): Promise<KustomizationParts> {
  const parts: KustomizationParts = { resources: new Map(), patches: new Map(), owned: new Set() };
  const seen = new Set<string>();
  const key = (abs: string) => abs.split(path.sep).join('/');
  const visit = async (d: string, depth: number): Promise<void> => {
    if (depth > 16 || seen.has(d) || parts.owned.size > MAX_FILES) return;
    seen.add(d);
    const kf = await kustomizationFile(d);
    if (!kf) return;
    parts.owned.add(kf);
    const text = await readSmall(kf);
    if (text === undefined) return;
    let root: unknown;
    try {
      const docs = parseAllDocuments(text, { prettyErrors: false });
      root = Array.isArray(docs) && docs[0] ? docs[0].contents : undefined;
    } catch { return; }
    if (!isMap(root)) return;
    const list = (name: string): unknown[] => {
      const v = root.get(name, true);
      return isSeq(v) ? v.items : [];
    };
    const addFile = async (rel: string, into: Map<string, KustomizeFile>) => {
      if (/^[a-z]+:\/\//i.test(rel) || rel.includes('?ref=')) return;
      const abs = path.resolve(d, rel);
      let st;
      try { st = await fs.stat(abs); } catch { return; }
      if (st.isDirectory()) return visit(abs, depth + 1);
      const t = await readSmall(abs);
      if (t === undefined) return;
      parts.owned.add(abs);
      into.set(key(abs), { path: display(abs), text: t });
    };
    for (const name of ['resources', 'bases', 'components']) {
      for (const item of list(name)) if (isScalar(item)) await addFile(String(item.value), parts.resources);
    }
    for (const item of list('patchesStrategicMerge')) if (isScalar(item)) await addFile(String(item.value), parts.patches);
    for (const item of list('patches')) {
      const p = isMap(item) ? item.get('path') : isScalar(item) ? item.value : undefined;
      if (typeof p === 'string') await addFile(p, parts.patches);
    }
  };
  await visit(path.resolve(dir), 0);
  return parts;
}
