/**
 * Runs the user's scanner on an image and returns normalised reports; lists local images. The
 * editor and the CLI both go through here, so every error reads the same.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_CONFIG_BYTES } from '../core/limits';
import {
  assertImageRef, filterFromOptions, filterReport, grypeIgnoreOnlyConfig, InvalidImageRefError, LocalImage, parseDockerImages, parsePodmanImages,
  ScannerAdapter, ScannerId, SCANNERS, SCANNER_IDS, ScanOptions, ScanParseError, ScanReport, TRIVY_IGNORE_YAML, trivyIgnoreForScan,
} from '../core/scan';
import { ToolEnvProfile } from './env';
import { isPlainFileInFolder, readFileInFolder } from './files';
import { DEFAULT_MAX_OUTPUT_BYTES, RunResult, runTool, stderrExcerpt, ToolError } from './process';
import { ExecutablePathError, findExecutable } from './which';
import { english, frag, LocalizedError, Text } from '../core/l10n/text';

export type ScannerChoice = ScannerId | 'auto';

/** Configured executables; Scout runs through `docker`. */
export interface ToolPaths {
  trivy?: string;
  grype?: string;
  docker?: string;
  snyk?: string;
  podman?: string;
}

export type ScanErrorCode =
  | 'TOOL_MISSING' | 'BAD_TOOL_PATH' | 'INVALID_REFERENCE' | 'TOOL_FAILED' | 'BAD_OUTPUT'
  | 'TIMEOUT' | 'CANCELLED' | 'OUTPUT_LIMIT' | 'SPAWN_FAILED';

/** Any failure of a scan or image listing, with a message fit to show as is. */
export class ScanError extends LocalizedError {
  constructor(readonly code: ScanErrorCode, message: string | Text, readonly details: { scanner?: string; stderr?: string; installUrls?: Record<string, string> } = {}) {
    super(message);
    this.name = 'ScanError';
  }
}

export interface ScanRunOptions extends ScanOptions {
  /** Default `auto`: the first of trivy, grype, docker scout, snyk that is installed. */
  scanner?: ScannerChoice;
  toolPaths?: ToolPaths;
  /**
   * Merged over process.env, used to search PATH and as the environment the child's is filtered
   * from: each scanner gets only its allow-list (node/env.ts).
   */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
  onStderr?(chunk: string): void;
  /** Told the exact command before it runs, for the log. */
  onCommand?(executable: string, args: string[]): void;
}

/** Where to get each scanner, named in the "no scanner" message. */
export const INSTALL_URLS: Readonly<Record<ScannerId, string>> = {
  trivy: SCANNERS.trivy.installUrl,
  grype: SCANNERS.grype.installUrl,
  scout: SCANNERS.scout.installUrl,
  snyk: SCANNERS.snyk.installUrl,
};

/** The message shown when none of `ids` is installed: what to install and where. */
export function missingScannerMessage(ids: readonly ScannerId[] = SCANNER_IDS): string {
  return english(missingScannerText(ids));
}

/** missingScannerMessage as a template. */
export function missingScannerText(ids: readonly ScannerId[] = SCANNER_IDS): Text {
  if (ids.length === 1) {
    return frag('scan.missing-one', '{scanner} was not found (searched the configured path and PATH). Get it at {url}', { scanner: SCANNERS[ids[0]].displayName, url: INSTALL_URLS[ids[0]] });
  }
  const lines = ids.map((id) => `  ${SCANNERS[id].displayName}: ${INSTALL_URLS[id]}`);
  return frag('scan.missing-any', 'No vulnerability scanner was found (searched the configured paths and PATH). Install one of:\n{list}', { list: lines.join('\n') });
}

const CANCELLED = frag('scan.cancelled', 'The scan was cancelled');

const SCOUT_PROBE_TIMEOUT_MS = 15_000;

/** The allow-list of environment variables each scanner's process gets. */
const ENV_PROFILE: Readonly<Record<ScannerId, ToolEnvProfile>> = { trivy: 'trivy', grype: 'grype', scout: 'docker', snyk: 'snyk' };

function baseEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return env ? { ...process.env, ...env } : process.env;
}

function configuredPath(id: ScannerId, paths: ToolPaths | undefined): string | undefined {
  return id === 'scout' ? paths?.docker : paths?.[id];
}

async function locate(name: string, configured: string | undefined, env: NodeJS.ProcessEnv | undefined): Promise<string | undefined> {
  try {
    return await findExecutable(name, configured, { ...process.env, ...env });
  } catch (e) {
    if (e instanceof ExecutablePathError) throw new ScanError('BAD_TOOL_PATH', frag('scan.bad-tool-path', '{problem} (set for {name})', { problem: e.l10n, name }));
    throw e;
  }
}

/** Whether `docker` has the Scout plugin (`docker scout version` succeeds). */
async function hasScoutPlugin(docker: string, opts: ScanRunOptions): Promise<boolean> {
  try {
    const r = await runTool(docker, { args: ['scout', 'version'], baseEnv: baseEnv(opts.env), envProfile: 'docker', timeoutMs: SCOUT_PROBE_TIMEOUT_MS, signal: opts.signal, maxOutputBytes: 1024 * 1024 });
    return r.exitCode === 0;
  } catch (e) {
    if (e instanceof ToolError && e.code === 'CANCELLED') throw new ScanError('CANCELLED', CANCELLED);
    return false;
  }
}

/** The adapter and executable to use for `choice`; ScanError TOOL_MISSING naming the tools when none is installed. */
export async function resolveScanner(choice: ScannerChoice, opts: ScanRunOptions = {}): Promise<{ adapter: ScannerAdapter; executable: string }> {
  const ids: readonly ScannerId[] = choice === 'auto' ? SCANNER_IDS : [choice];
  for (const id of ids) {
    const adapter = SCANNERS[id];
    const executable = await locate(adapter.executable, configuredPath(id, opts.toolPaths), opts.env);
    if (!executable) continue;
    if (id === 'scout' && !(await hasScoutPlugin(executable, opts))) {
      if (choice === 'scout') {
        throw new ScanError('TOOL_MISSING', frag('scan.no-scout', 'docker is installed but its Scout plugin is not (`docker scout version` failed). Get it at {url}', { url: INSTALL_URLS.scout }), { scanner: 'scout', installUrls: { scout: INSTALL_URLS.scout } });
      }
      continue;
    }
    return { adapter, executable };
  }
  throw new ScanError('TOOL_MISSING', missingScannerText(ids), { installUrls: Object.fromEntries(ids.map((id) => [id, INSTALL_URLS[id]])) });
}

function fromToolError(e: ToolError, tool: string): ScanError {
  const stderr = e.stderr ? stderrExcerpt(e.stderr) : '';
  const tail = stderr ? `\n${stderr}` : '';
  switch (e.code) {
    case 'NOT_FOUND': return new ScanError('TOOL_MISSING', frag('scan.not-started', '{tool} could not be started: {reason}', { tool, reason: e.l10n ?? e.message }), { scanner: tool });
    case 'TIMEOUT': return new ScanError('TIMEOUT', frag('scan.timed-out', '{tool} timed out: {reason}{tail}', { tool, reason: e.l10n ?? e.message, tail }), { scanner: tool, stderr: e.stderr });
    case 'CANCELLED': return new ScanError('CANCELLED', CANCELLED, { scanner: tool, stderr: e.stderr });
    case 'OUTPUT_LIMIT': return new ScanError('OUTPUT_LIMIT', e.l10n ?? e.message, { scanner: tool, stderr: e.stderr });
    default: return new ScanError('SPAWN_FAILED', e.l10n ?? e.message, { scanner: tool, stderr: e.stderr });
  }
}

/** Why a run failed, in one message: exit code and the tool's own words (stderr, or stdout when that is where it wrote them). */
function failedRunMessage(tool: string, r: RunResult): Text {
  const how = r.exitCode !== null ? frag('scan.exited', 'exited with code {code}', { code: r.exitCode }) : frag('scan.killed', 'was killed by {signal}', { signal: String(r.signal) });
  const words = stderrExcerpt(r.stderr) || stderrExcerpt(r.stdout, 1000);
  return words ? frag('scan.failed-words', '{tool} {how}:\n{words}', { tool, how, words }) : frag('scan.failed-silent', '{tool} {how} and printed nothing on stderr', { tool, how });
}

/**
 * Scans `ref` with the chosen scanner and returns its reports, filtered by the options the same
 * way whatever the tool. Every failure is a ScanError.
 */
export async function scanImage(ref: string, opts: ScanRunOptions = {}): Promise<ScanReport[]> {
  try {
    assertImageRef(ref);
  } catch (e) {
    if (e instanceof InvalidImageRefError) throw new ScanError('INVALID_REFERENCE', e.l10n ?? e.message);
    throw e;
  }
  const { adapter, executable } = await resolveScanner(opts.scanner ?? 'auto', opts);
  const tool = adapter.id === 'scout' ? 'docker scout' : adapter.executable;
  const configs = await ScannerConfigFiles.prepare(adapter.id, opts.cwd);
  let result: RunResult;
  try {
    const args = adapter.argv(ref, { ...opts, ...configs.options });
    opts.onCommand?.(executable, args);
    result = await runTool(executable, {
      args,
      baseEnv: baseEnv(opts.env),
      envProfile: ENV_PROFILE[adapter.id],
      cwd: opts.cwd,
      timeoutMs: opts.timeoutMs,
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      signal: opts.signal,
      onStderr: opts.onStderr,
    });
  } catch (e) {
    if (e instanceof ToolError) throw fromToolError(e, tool);
    if (e instanceof InvalidImageRefError) throw new ScanError('INVALID_REFERENCE', e.l10n ?? e.message, { scanner: adapter.id });
    throw e;
  } finally {
    await configs.dispose();
  }
  if (result.exitCode === null || !adapter.successExitCodes.includes(result.exitCode)) {
    throw new ScanError('TOOL_FAILED', failedRunMessage(tool, result), { scanner: adapter.id, stderr: result.stderr });
  }
  let reports: ScanReport[];
  try {
    reports = adapter.parse(result.stdout, { reference: ref });
  } catch (e) {
    if (e instanceof ScanParseError) {
      const stderr = stderrExcerpt(result.stderr, 500);
      const what = e.l10n ?? e.message;
      throw new ScanError('BAD_OUTPUT', stderr ? frag('scan.bad-output-stderr', '{what}\n{tool} stderr: {stderr}', { what, tool, stderr }) : what, { scanner: adapter.id, stderr: result.stderr });
    }
    throw new ScanError('BAD_OUTPUT', frag('scan.unreadable-output', 'could not read {tool} output: {reason}', { tool, reason: e instanceof Error ? e.message : String(e) }), { scanner: adapter.id });
  }
  const filter = filterFromOptions(opts);
  return reports.map((r) => filterReport(r, filter));
}

export interface LocalImageList {
  source: 'docker' | 'podman';
  images: LocalImage[];
}

export interface ListImagesOptions {
  toolPaths?: ToolPaths;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const LIST_TIMEOUT_MS = 30_000;

/** Local images from `docker image ls` or, when Docker is absent or fails, `podman images`. */
export async function listLocalImages(opts: ListImagesOptions = {}): Promise<LocalImageList> {
  const attempts: Array<{ source: 'docker' | 'podman'; args: string[]; parse(out: string): LocalImage[] }> = [
    { source: 'docker', args: ['image', 'ls', '--format', '{{json .}}'], parse: parseDockerImages },
    { source: 'podman', args: ['images', '--format', 'json'], parse: parsePodmanImages },
  ];
  let firstError: ScanError | undefined;
  for (const a of attempts) {
    const executable = await locate(a.source, opts.toolPaths?.[a.source], opts.env);
    if (!executable) continue;
    try {
      const r = await runTool(executable, { args: a.args, baseEnv: baseEnv(opts.env), envProfile: a.source, timeoutMs: opts.timeoutMs ?? LIST_TIMEOUT_MS, signal: opts.signal, maxOutputBytes: 64 * 1024 * 1024 });
      if (r.exitCode === 0) return { source: a.source, images: a.parse(r.stdout) };
      firstError ??= new ScanError('TOOL_FAILED', failedRunMessage(a.source, r), { stderr: r.stderr });
    } catch (e) {
      if (e instanceof ToolError) {
        const err = fromToolError(e, a.source);
        if (err.code === 'CANCELLED') throw err;
        firstError ??= err;
      } else throw e;
    }
  }
  throw firstError ?? new ScanError('TOOL_MISSING', frag('scan.no-engine', 'Neither docker nor podman was found on PATH, so local images cannot be listed; type an image reference instead.'));
}

/**
 * The configuration files of ours a scan runs with, so the workspace (the scanner's working
 * directory) does not configure it: an empty `trivy.yaml` for Trivy (its `.trivyignore` is still
 * read, on purpose, when it is a plain file in the folder; with a `.trivyignore.yaml`, a copy of
 * both files' vulnerability rules is), and for Grype only the ignore rules
 * of the workspace's `.grype.yaml`. Written to a private temporary folder, removed after the run.
 */
class ScannerConfigFiles {
  private constructor(readonly options: Pick<ScanOptions, 'configFile' | 'ignoreFile'>, private readonly dir?: string) {}

  static async prepare(scanner: ScannerId, cwd: string | undefined): Promise<ScannerConfigFiles> {
    if (scanner !== 'trivy' && scanner !== 'grype') return new ScannerConfigFiles({});
    let dir: string;
    try {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shipshape-scan-config-'));
    } catch (e) {
      throw new ScanError('SPAWN_FAILED', `could not create a temporary folder for the ${scanner} configuration: ${(e as Error).message}`, { scanner });
    }
    const options: Pick<ScanOptions, 'configFile' | 'ignoreFile'> = {};
    try {
      const folder = cwd ?? process.cwd();
      if (scanner === 'trivy') {
        options.configFile = path.join(dir, 'trivy.yaml');
        await fs.writeFile(options.configFile, '# Written by Shipshape: no settings, so a trivy.yaml in the workspace is not read.\n{}\n', { mode: 0o600 });
        if (await exists(path.join(folder, TRIVY_IGNORE_YAML))) {
          // Trivy reads one ignore file, and YAML only when named with --ignorefile: a copy of
          // ours with the workspace's .trivyignore.yaml rules and the ids of its .trivyignore.
          const read = (name: string) => readFileInFolder(folder, name, MAX_CONFIG_BYTES).catch(() => undefined);
          options.ignoreFile = path.join(dir, 'trivyignore.yaml');
          await fs.writeFile(options.ignoreFile, trivyIgnoreForScan(await read(TRIVY_IGNORE_YAML), await read('.trivyignore')), { mode: 0o600 });
        } else if (await exists(path.join(folder, '.trivyignore')) && !(await isPlainFileInFolder(folder, '.trivyignore'))) {
          // A FIFO, a link or a device named .trivyignore: Trivy reads an empty ignore file of ours instead.
          options.ignoreFile = path.join(dir, 'trivyignore');
          await fs.writeFile(options.ignoreFile, '', { mode: 0o600 });
        }
      } else {
        let workspaceConfig: string | undefined;
        try {
          workspaceConfig = await readFileInFolder(folder, '.grype.yaml', MAX_CONFIG_BYTES);
        } catch {
          workspaceConfig = undefined;
        }
        options.configFile = path.join(dir, 'grype.yaml');
        await fs.writeFile(options.configFile, grypeIgnoreOnlyConfig(workspaceConfig), { mode: 0o600 });
      }
    } catch (e) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new ScanError('SPAWN_FAILED', `could not write the ${scanner} configuration: ${(e as Error).message}`, { scanner });
    }
    return new ScannerConfigFiles(options, dir);
  }

  async dispose(): Promise<void> {
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}
