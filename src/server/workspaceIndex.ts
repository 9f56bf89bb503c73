/**
 * The language server's workspace index of facts: what each YAML manifest of the workspace states
 * for the other files (a Namespace's Pod Security labels, a ServiceAccount without token, a
 * default-deny NetworkPolicy, a signature policy; engine.ts `Analyzer.facts`), so an open
 * document's analysis settles against the whole workspace as `shipshape check` settles a folder.
 *
 * - Built lazily: the scan starts a while after `initialized`, reads at most MAX_FILES YAML files
 *   of at most MAX_FILE_BYTES each (node_modules and .git skipped, regular files only through
 *   node/files.ts), and computes each file's facts in the worker pool, one file at a time and only
 *   while the pool has nothing else to do, so a document being typed never waits behind it.
 * - Files the user excludes (`shipshape.exclude`, per folder) are not indexed, as `shipshape
 *   check` leaves them out of its run; a new scan (folders or configuration changed) applies them.
 * - Kept current: `didChangeWatchedFiles` events re-read a file (or forget it); an open document's
 *   facts come with its own analysis (`setOpen`) and win over the disk's until it is closed.
 * - When a file's facts change, the host is told which files changed (batched), and re-analyses
 *   the open manifests that read the index (`readsOthers`: their last analysis had findings that
 *   wait on facts; a file without any, such as YAML that is no manifest, is left alone).
 *
 * `textFacts` and `analyzeAgainst` are the worker side (pure core calls).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, AnalysisResult, AnalysisRun, allRules, AnalyzeOptions, DEFAULT_CONFIG, FileKind, ShipshapeConfig } from '../core';
import { FileAccessError, readRegularFile } from '../node/files';

/** Files indexed at most (as the workspace check). */
export const MAX_FILES = 5000;
/** Larger files are not indexed (as the workspace check). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Directory entries looked at, at most, while scanning (a huge tree is not walked to its end). */
const MAX_ENTRIES = 200_000;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
const YAML_FILE = /\.ya?ml$/i;
/** YAML files that are configuration, not manifests: their changes are the server's own business. */
const CONFIG_FILE = /(^|[\\/])(\.shipshape\.ya?ml|Chart\.ya?ml|Chart\.lock)$/;

/** The facts of one other file, as an analysis job carries them. */
export interface FactSource {
  /** The file as findings cite it (relative to its workspace folder, `/`-separated). */
  source: string;
  facts: readonly string[];
}

export interface IndexHost {
  /** A text's facts, computed off the protocol thread (a worker job); undefined when that failed. */
  facts(text: string): Promise<readonly string[] | undefined>;
  /** True when no analysis is queued or running: the index works only then. */
  idle(): boolean;
  /** The files (paths) whose facts changed since the last call; called at most every BATCH_MS. */
  changed(files: readonly string[]): void;
  /** Which files of a folder the user excludes (`shipshape.exclude`), asked once per folder and scan. */
  excluded?(folder: string): Promise<(file: string) => boolean>;
  log?(message: string): void;
}

export interface IndexOptions {
  /** Wait this long after `start` before the first file is read. */
  startDelayMs?: number;
  /** While the pool is busy, look again after this long. */
  pollMs?: number;
  /** Changes are reported together once this long passed without another. */
  batchMs?: number;
  maxFiles?: number;
  maxFileBytes?: number;
}

type WatchedChange = { uri: string; type: number };

/** File change types of `workspace/didChangeWatchedFiles` (LSP FileChangeType). */
const DELETED = 3;

function sameFacts(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return a === b || (!a?.length && !b?.length);
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((f) => set.has(f));
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}

export class WorkspaceIndex {
  private folders: string[] = [];
  /** Facts read from disk, per file (files that state none are kept too: they are indexed). */
  private readonly disk = new Map<string, readonly string[]>();
  /** Facts of open documents (their current text), which win over the disk's. */
  private readonly open = new Map<string, readonly string[]>();
  /** Open documents whose last analysis had findings that other files' facts decide (see readsOthers). */
  private readonly readers = new Map<string, boolean>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private working = false;
  private started = false;
  private disposed = false;
  private scanning: Promise<void> | undefined;
  private generation = 0;
  /** Per folder, the files the user excludes (as of the last scan). */
  private readonly excludes = new Map<string, (file: string) => boolean>();
  private readonly opts: Required<IndexOptions>;
  /** Bumped whenever the facts of any file change: an analysis records the stamp it was settled against. */
  stamp = 0;

  constructor(private readonly host: IndexHost, options: IndexOptions = {}) {
    this.opts = { startDelayMs: 1500, pollMs: 150, batchMs: 300, maxFiles: MAX_FILES, maxFileBytes: MAX_FILE_BYTES, ...options };
  }

  /** Starts (or restarts, for new folders) the scan of the workspace folders, after the start delay. */
  start(folders: readonly string[]): void {
    if (this.disposed) return;
    this.folders = [...folders];
    const generation = ++this.generation;
    const first = !this.started;
    this.started = true;
    // Files of folders that are gone leave the index.
    for (const file of [...this.disk.keys()]) if (!this.folderOf(file)) this.forget(file);
    setTimeout(() => {
      if (this.disposed || generation !== this.generation) return;
      this.scanning = this.scan(generation).catch((e) => this.host.log?.(`workspace index: scan failed: ${(e as Error).message}`));
    }, first ? this.opts.startDelayMs : 0).unref?.();
  }

  /** The scan's end (tests). */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.scanning;
      if (!this.queue.length && !this.working && !this.timer) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Files indexed (tests and logs). */
  get size(): number {
    return new Set([...this.disk.keys(), ...this.open.keys()]).size;
  }

  /**
   * Watched-file events: manifests are re-read or forgotten. Returns false when a change is not
   * the index's alone (a `.shipshape.yaml`, a Chart.yaml, anything not YAML), which the server
   * handles as before.
   */
  onWatchedFiles(changes: readonly WatchedChange[]): boolean {
    let onlyManifests = true;
    for (const c of changes) {
      const file = pathOf(c.uri);
      if (!file || !YAML_FILE.test(file) || CONFIG_FILE.test(file)) { onlyManifests = false; continue; }
      if (!this.started || !this.folderOf(file)) continue;
      if (c.type === DELETED || this.isExcluded(file)) this.forget(file);
      else this.enqueue(file);
    }
    this.pump();
    return onlyManifests;
  }

  /**
   * The facts of an open document's current text (from its analysis); undefined when it states
   * none or is no manifest. `reads`: whether other files' facts decide any of its findings.
   */
  setOpen(file: string, facts: readonly string[] | undefined, reads?: boolean): void {
    if (reads === undefined) this.readers.delete(file); else this.readers.set(file, reads);
    const before = this.factsOf(file);
    if (facts?.length) this.open.set(file, [...facts]);
    else this.open.set(file, []);
    if (!sameFacts(before, this.factsOf(file))) this.touch(file);
  }

  /** A document was closed: the disk's facts count again (read anew: the editor may not have saved). */
  closed(file: string): void {
    this.readers.delete(file);
    if (!this.open.has(file)) return;
    const before = this.factsOf(file);
    this.open.delete(file);
    if (!sameFacts(before, this.factsOf(file))) this.touch(file);
    if (this.started && this.folderOf(file) && YAML_FILE.test(file) && !this.isExcluded(file)) { this.enqueue(file); this.pump(); }
  }

  /** The facts of every file but `file` (open documents' own texts first), as an analysis job takes them. */
  factsFor(file: string | undefined): FactSource[] {
    const out: FactSource[] = [];
    const seen = new Set<string>();
    for (const [f, facts] of this.open) {
      seen.add(f);
      if (f !== file && facts.length) out.push({ source: this.sourceOf(f), facts });
    }
    for (const [f, facts] of this.disk) if (!seen.has(f) && f !== file && facts.length) out.push({ source: this.sourceOf(f), facts });
    return out;
  }

  /**
   * Whether other files' facts may change an open document's findings: its last analysis against
   * the index had findings waiting on facts, or it was not analysed against the index yet.
   */
  readsOthers(file: string | undefined): boolean {
    return file === undefined || this.readers.get(file) !== false;
  }

  /** How findings cite a file: relative to its workspace folder. */
  sourceOf(file: string): string {
    const folder = this.folderOf(file);
    return (folder ? path.relative(folder, file) : file).split(path.sep).join('/');
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.timer = this.batchTimer = undefined;
    this.queue.length = 0;
    this.queued.clear();
  }

  private folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const folder of this.folders) {
      const rel = path.relative(folder, file);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && (!best || folder.length > best.length)) best = folder;
    }
    return best;
  }

  private isExcluded(file: string): boolean {
    const folder = this.folderOf(file);
    const excluded = folder ? this.excludes.get(folder) : undefined;
    try { return !!excluded?.(file); } catch { return false; }
  }

  private factsOf(file: string): readonly string[] | undefined {
    return this.open.get(file) ?? this.disk.get(file);
  }

  private forget(file: string): void {
    const before = this.factsOf(file);
    this.disk.delete(file);
    if (!sameFacts(before, this.factsOf(file))) this.touch(file);
  }

  private touch(file: string): void {
    this.stamp++;
    this.pending.add(file);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      if (this.disposed || !this.pending.size) return;
      const files = [...this.pending];
      this.pending.clear();
      try { this.host.changed(files); } catch (e) { this.host.log?.(`workspace index: ${(e as Error).message}`); }
    }, this.opts.batchMs);
    this.batchTimer.unref?.();
  }

  private enqueue(file: string): void {
    if (this.queued.has(file)) return;
    if (!this.disk.has(file) && this.disk.size + this.queue.length >= this.opts.maxFiles) return;
    this.queued.add(file);
    this.queue.push(file);
  }

  /** Walks the folders breadth-first for YAML files (bounded), queueing them. */
  private async scan(generation: number): Promise<void> {
    let entries = 0;
    this.excludes.clear();
    for (const folder of this.folders) {
      try {
        const excluded = await this.host.excluded?.(folder);
        if (excluded) this.excludes.set(folder, excluded);
      } catch { /* no exclusions known */ }
    }
    // Files excluded now leave the index.
    for (const file of [...this.disk.keys()]) if (this.isExcluded(file)) this.forget(file);
    const dirs = [...this.folders];
    const seen = new Set<string>();
    while (dirs.length && entries < MAX_ENTRIES && generation === this.generation && !this.disposed) {
      const dir = dirs.shift()!;
      let list: import('node:fs').Dirent[];
      try { list = await fsp.readdir(dir, { withFileTypes: true }); } catch { continue; }
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of list) {
        if (++entries > MAX_ENTRIES) break;
        // Links are not followed: a link to / would walk the machine.
        if (e.isDirectory()) { if (!SKIPPED_DIRS.has(e.name)) dirs.push(path.join(dir, e.name)); continue; }
        if (!e.isFile() || !YAML_FILE.test(e.name) || CONFIG_FILE.test(e.name)) continue;
        const file = path.join(dir, e.name);
        if (this.isExcluded(file)) continue;
        seen.add(file);
        // Files already indexed are kept current by watched-file events.
        if (!this.disk.has(file)) this.enqueue(file);
      }
      this.pump();
    }
    if (entries >= MAX_ENTRIES) this.host.log?.(`workspace index: stopped scanning after ${MAX_ENTRIES} directory entries`);
    // A complete walk: indexed files it did not meet are gone.
    else if (generation === this.generation && !this.disposed) for (const file of [...this.disk.keys()]) if (!seen.has(file)) this.forget(file);
  }

  /** Works through the queue, one file at a time, while the pool is idle. */
  private pump(): void {
    if (this.working || this.timer || this.disposed || !this.queue.length) return;
    if (!this.host.idle()) {
      this.timer = setTimeout(() => { this.timer = undefined; this.pump(); }, this.opts.pollMs);
      this.timer.unref?.();
      return;
    }
    const file = this.queue.shift()!;
    this.queued.delete(file);
    this.working = true;
    void this.index(file).finally(() => {
      this.working = false;
      // Yield to the protocol between files.
      setImmediate(() => this.pump());
    });
  }

  private async index(file: string): Promise<void> {
    let text: string;
    try {
      text = await readRegularFile(file, this.opts.maxFileBytes);
    } catch (e) {
      // Gone, too large, not a regular file: it states nothing.
      if (!(e instanceof FileAccessError) || e.code !== 'IO') this.forget(file);
      return;
    }
    // A text that cannot state facts is not sent to a worker.
    const facts = mayStateFacts(text) ? await this.host.facts(text) : [];
    if (this.disposed || !facts || !this.folderOf(file)) return;
    const before = this.factsOf(file);
    this.disk.set(file, [...facts]);
    if (!sameFacts(before, this.factsOf(file))) this.touch(file);
  }
}

/** Whether a YAML text may hold a Kubernetes object (a `kind:` key): the others state no facts. */
function mayStateFacts(text: string): boolean {
  return text.includes('kind:') && text.includes('apiVersion');
}

let factsConfig: ShipshapeConfig | undefined;

/** A config with every rule off: the engine then only parses and states the text's facts. */
function factsOnlyConfig(): ShipshapeConfig {
  if (factsConfig) return factsConfig;
  const rules: Record<string, 'off'> = {};
  for (const r of allRules()) rules[r.id] = 'off';
  return (factsConfig = { ...DEFAULT_CONFIG, rules });
}

/** The facts a manifest states (worker side: parses, runs no rule). */
export function textFacts(text: string): string[] {
  if (!mayStateFacts(text)) return [];
  return [...(analyze(text, 'kubernetes', factsOnlyConfig()).facts ?? [])];
}

/**
 * Analyses a text settled against the facts of the other files of the workspace (worker side):
 * what `shipshape check` would say of it beside them. The text's own facts come back in `facts`.
 */
export function analyzeAgainst(text: string, kind: FileKind, config: ShipshapeConfig, options: AnalyzeOptions, others: readonly FactSource[]): AnalysisResult & { readsOthers: boolean } {
  // A run of one text (not "checked together"): a finding only a whole run can place (default-deny
  // on the first workload of a namespace without Namespace object) stays with `shipshape check`.
  const run = new AnalysisRun(true);
  for (const o of others) run.addFacts(o.facts, o.source);
  const result = analyze(text, kind, config, { ...options, run });
  // Read before settling: whether any finding waits on facts, i.e. whether other files can change them.
  const readsOthers = run.waiting;
  result.findings = run.settle(result.findings);
  return { ...result, readsOthers };
}
