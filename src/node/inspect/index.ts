/**
 * `shipshape inspect`: an image archive (or a local image saved by docker/podman) read into an
 * ImageReport: its layers, where they came from and what their files show.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageAnalyzer } from '../../core/inspect/analyzer';
import { BuildInstruction, matchHistory } from '../../core/inspect/historyMatch';
import { ImageLayer, ImageReport, INSPECT_JSON_VERSION } from '../../core/inspect/types';
import { severityRank } from '../../core/model';
import { validateImageRefText } from '../../core/imageRef';
import { frag, LocalizedError, Text } from '../../core/l10n/text';
import { normalizeLocale } from '../../core/l10n';
import { runTool, stderrExcerpt, ToolError } from '../process';
import { ExecutablePathError, findExecutable } from '../which';
import { ArchiveError, readArchiveLayers, readArchiveStructure } from './archive';

export { ArchiveError } from './archive';

export interface InspectOptions {
  /** How the image is named in the report (the reference or the archive as the user wrote it). */
  label: string;
  /**
   * The Dockerfile the image was built from, to map layers to instructions: its final image's
   * instructions (core/inspect/history.ts `finalImageInstructions`, or the language server's
   * answer in the editor, whose host parses no Dockerfile).
   */
  dockerfile?: { file: string; instructions: readonly BuildInstruction[] };
  /** Stops reading (ArchiveError CANCELLED): a 2 GB archive is not read to its end for nothing. */
  signal?: AbortSignal;
  /** The language of the findings' messages (`zh-cn`, VS Code's `vscode.env.language`, a LANG value); English when absent. */
  locale?: string;
}

/** Reads an archive into a report. Throws ArchiveError when it cannot be read or `signal` aborts. */
export async function inspectArchive(file: string, opts: InspectOptions): Promise<ImageReport> {
  const image = await readArchiveStructure(file, opts.signal);
  const analyzer = new ImageAnalyzer();
  await readArchiveLayers(file, image, analyzer, undefined, opts.signal);
  const findings = analyzer.finish(normalizeLocale(opts.locale));
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.layer - b.layer || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const lines = opts.dockerfile ? matchHistory(image.history, opts.dockerfile.instructions) : [];
  // History entries that made a layer, in order: they pair with the layers when the counts agree.
  const layerHistory = image.history.map((h, i) => ({ h, i })).filter(({ h }) => !h.emptyLayer);
  const paired = layerHistory.length === image.layers.length;
  const layers: ImageLayer[] = image.layers.map((l, i) => {
    const out: ImageLayer = { index: i + 1, digest: l.digest, size: l.size };
    if (paired) {
      const { h, i: hi } = layerHistory[i];
      if (h.createdBy !== undefined) out.createdBy = h.createdBy;
      const line = lines[hi];
      if (line !== undefined && opts.dockerfile) out.instruction = { file: opts.dockerfile.file, line };
    }
    return out;
  });
  return { version: INSPECT_JSON_VERSION, image: opts.label, layers, findings };
}

export type ImageEngine = 'docker' | 'podman';

export interface SaveOptions {
  /** Configured executables (SHIPSHAPE_DOCKER_PATH, SHIPSHAPE_PODMAN_PATH). */
  paths?: { docker?: string; podman?: string };
  /** The environment the engine's is filtered from (env.ts allow-lists). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Why a local image could not be saved. */
export class SaveError extends LocalizedError {
  constructor(readonly code: 'INVALID_REF' | 'TOOL_MISSING' | 'FAILED', message: string | Text) {
    super(message);
    this.name = 'SaveError';
  }
}

/**
 * Saves the local image `ref` with `docker image save` (else `podman image save`) into a fresh
 * private temporary directory and runs `use` on the archive; the directory is removed afterwards
 * whatever happens. The reference is validated before anything runs, and passed as one argument.
 */
export async function withSavedImage<T>(ref: string, opts: SaveOptions, use: (file: string, engine: ImageEngine) => Promise<T>): Promise<T> {
  const bad = validateImageRefText(ref);
  if (bad) throw new SaveError('INVALID_REF', bad);
  const env = opts.env ?? process.env;
  let engine: ImageEngine | undefined;
  let exe: string | undefined;
  for (const candidate of ['docker', 'podman'] as const) {
    try {
      exe = await findExecutable(candidate, opts.paths?.[candidate], env);
    } catch (e) {
      throw new SaveError('TOOL_MISSING', e instanceof ExecutablePathError ? e.l10n : (e as Error).message);
    }
    if (exe) { engine = candidate; break; }
  }
  if (!engine || !exe) throw new SaveError('TOOL_MISSING', frag('inspect.save.no-engine', 'Neither docker nor podman was found on PATH, so a local image cannot be read; save it yourself (docker image save -o image.tar REF) and inspect the file'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-inspect-'));
  try {
    const file = path.join(dir, 'image.tar');
    const args = engine === 'docker'
      ? ['image', 'save', '-o', file, '--', ref]
      : ['image', 'save', '--format', 'docker-archive', '-o', file, '--', ref];
    let r;
    try {
      r = await runTool(exe, { args, baseEnv: env, envProfile: engine, timeoutMs: opts.timeoutMs ?? 600_000, signal: opts.signal, maxOutputBytes: 1024 * 1024 });
    } catch (e) {
      if (e instanceof ToolError) throw new SaveError(e.code === 'NOT_FOUND' ? 'TOOL_MISSING' : 'FAILED', `${engine} image save: ${e.message}`);
      throw e;
    }
    if (r.exitCode !== 0) throw new SaveError('FAILED', frag('inspect.save.failed', '{engine} image save {ref} failed (exit {code}): {stderr}', { engine, ref, code: String(r.exitCode ?? r.signal), stderr: stderrExcerpt(r.stderr, 500) }));
    return await use(file, engine);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function isArchiveError(e: unknown): e is ArchiveError {
  return e instanceof ArchiveError;
}
