/**
 * The Shipshape language server (stdio): diagnostics (pushed, or pulled where the client supports
 * it), quick fixes, ignore-line / ignore-file, `source.fixAll.shipshape`, the multi-stage refactor
 * and hovers, over the pure core. Analysis runs in worker threads (pool.ts); this thread only
 * keeps documents, configuration and the protocol. Started by `node dist/server.js --stdio` or
 * `shipshape lsp --stdio`. This file is also the workers' entry (see the bottom).
 */
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { isMainThread, workerData } from 'worker_threads';
import {
  CancellationToken, CodeAction, CodeActionKind, CodeActionParams, Connection, createConnection, Diagnostic, DiagnosticSeverity,
  DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, DocumentDiagnosticReport, DocumentDiagnosticReportKind,
  InitializeParams, InitializeResult, LSPErrorCodes, ProposedFeatures, ResponseError, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { detectFileKind, FileKind, Finding, ShipshapeConfig } from '../core';
import type { SkipKind as EngineSkipKind } from '../core/engine';
import { EDITOR_TIME_BUDGET_MS } from '../core/limits';
import { AnalysisPool, INLINE_TEXT, PoolOutcome, WORKER_MARK } from './pool';
import { runJob, runWorker, WorkerJob } from './worker';
import { FactSource, WorkspaceIndex } from './workspaceIndex';
import { ClientSettings, configIssueMessage, DEFAULT_CONFIG, FolderConfigs, fsPathOf, isEnabled, mergeSettings } from './config';
import { documentAction, findingsAt, FIX_ALL_KIND, fixAllTitle, hitsFor, hoverAt, MAX_ACTIONS, quickFixes, toDiagnostic } from './convert';
import {
  CHECK_FILE_MAX_BYTES, CHECK_FILES_REQUEST, CheckFilesParams, CheckFilesResult, CheckFileStatus, DID_CHANGE_SESSION_NOTIFICATION, DOCUMENT_STATE_NOTIFICATION,
  DOCUMENT_STATE_REQUEST, DocumentState, DocumentStateParams, DocumentSummary, FINDINGS_AT_REQUEST, FindingsAtParams, IMAGE_REFERENCES_REQUEST,
  diagnosticsFingerprint, InitializationOptions, SkipKind,
} from './protocol';
import { updateSession, onDidChangeSession, session } from './session';
import { fixTitleIn, normalizeLocale } from '../core/l10n';
import { withBaseImageAdvice } from './baseImageHover';
import { registerBaseImageRequests } from './baseImageRequests';
import { RenderService } from './render';
import { FileAccessError, readRegularFile } from '../node/files';
import { isChartDirSync, isChartTemplateSync } from '../node/charts';

export { IMAGE_REFERENCES_REQUEST };
/** Typing pauses this long before a changed document is analysed again (the latest version wins). */
export const DEBOUNCE_MS = 200;
/** An analysis that runs longer is stopped (its worker is replaced) and the document reported as not analysed. */
export const ANALYSIS_BUDGET_MS = 30_000;
/** The longest the analysis workers wait to start after initialization (see warmSoon). */
const WARM_DELAY_MS = 1000;
/** fix-all re-analyses after each pass; past this it stops with what it has. */
const FIX_ALL_BUDGET_MS = 4 * EDITOR_TIME_BUDGET_MS;

const LANGUAGES = new Set(['dockerfile', 'yaml', 'dockercompose']);

/** The kind of a document, or undefined when Shipshape has nothing to say about it. */
export function kindOf(uri: string, languageId: string): FileKind | undefined {
  let name = uri;
  try { name = decodeURIComponent(new URL(uri).pathname); } catch { /* keep the uri */ }
  return LANGUAGES.has(languageId) ? detectFileKind(name, languageId) : detectFileKind(name);
}

interface DocState {
  version: number;
  generation: number;
  kind: FileKind;
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** The findings' fixes have no edits yet (a large text): a code action asks a worker for them. */
  lazyFixes: boolean;
  chartTemplate: boolean;
  /** The workspace index's stamp when the findings were settled against it (part of the result id). */
  factsStamp?: number;
  /** Why the document has no findings although it was looked at (protocol.ts SkipKind). */
  skipped?: SkipKind;
  reason?: string;
  /** A hint to show with a skip that the user can lift (see DocumentSummary.hint). */
  hint?: string;
}

/** A document's skip as the protocol names it, from the engine's skip kind (the engine sets one with every skip). */
function skipOf(skipKind: EngineSkipKind | undefined): SkipKind {
  return skipKind === undefined || skipKind === 'size' ? 'tooLarge' : skipKind;
}

function summaryOf(uri: string, s: DocState): DocumentSummary {
  const summary: DocumentSummary = {
    uri, version: s.version, kind: s.kind, problems: s.findings.length, highProblems: s.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length,
    fingerprint: diagnosticsFingerprint(s.diagnostics.map((d) => ({ code: String(d.code), line: d.range.start.line, character: d.range.start.character }))),
  };
  if (s.skipped) summary.skipped = s.skipped;
  if (s.reason) summary.reason = s.reason;
  if (s.hint) summary.hint = s.hint;
  return summary;
}

interface Waiter { version: number; resolve(state: DocState | undefined): void }

export interface ServerOptions {
  /** The file the analysis workers run (this bundle, or out/src/server/server.js). */
  workerScript?: string;
  /** Workers in the pool (default: CPUs - 1, between 2 and 4). */
  workers?: number;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all), options: ServerOptions = {}): Connection {
  const documents = new TextDocuments(TextDocument);
  const log = (msg: string) => connection.console.log(msg);
  /** SHIPSHAPE_LSP_TRACE=1: every schedule, drop and publish in the log (for debugging a client). */
  const trace = process.env.SHIPSHAPE_LSP_TRACE === '1' ? log : () => undefined;
  const size = options.workers ?? Math.min(4, Math.max(2, (os.availableParallelism?.() ?? os.cpus().length) - 1));
  const pool = new AnalysisPool(options.workerScript ?? __filename, size, log, runJob);
  // The facts of the workspace's manifests, so an open manifest settles against the other files (workspaceIndex.ts).
  const index = new WorkspaceIndex({
    facts: async (text) => {
      const o = await submitJob({ op: 'facts', text }, budgetMs).promise;
      return 'result' in o && o.result.op === 'facts' ? o.result.facts : undefined;
    },
    idle: () => pool.busy === 0,
    // `shipshape.exclude` of the folder (settings and .shipshape.yaml), as `shipshape check` leaves such files out.
    excluded: async (folder) => {
      const { config } = await configFor(pathToFileURL(folder).href);
      return (file) => isExcluded(pathToFileURL(file).href, folder, config.exclude);
    },
    changed: (files) => {
      // Open manifests read the index: analyse them again (not the one whose own analysis changed it).
      const only = files.length === 1 ? files[0] : undefined;
      let any = false;
      for (const doc of documents.all()) {
        const file = fsPathOf(doc.uri);
        if (kindOf(doc.uri, doc.languageId) !== 'kubernetes' || (only && file === only) || !index.readsOthers(file)) continue;
        states.delete(doc.uri);
        schedule(doc, 0);
        any = true;
      }
      if (any && pullMode && refreshSupported) void connection.languages.diagnostics.refresh();
    },
    log,
  });
  /** The other files' facts for the analysis of a manifest; nothing before the index has any. */
  const againstIndex = (uri: string, kind: FileKind): { others?: FactSource[]; source?: string } => {
    if (kind !== 'kubernetes') return {};
    const file = fsPathOf(uri);
    const others = index.factsFor(file);
    return others.length ? { others, ...(file ? { source: index.sourceOf(file) } : {}) } : {};
  };
  /** `.shipshape.yaml` files whose problems are shown, so a fixed file gets its diagnostics cleared. */
  const configsWithIssues = new Set<string>();
  const folderConfigs = new FolderConfigs(log, (file, issues) => {
    const uri = pathToFileURL(file).href;
    if (!issues.length && !configsWithIssues.has(uri)) return;
    if (issues.length) configsWithIssues.add(uri); else configsWithIssues.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: issues.map((i) => ({ range: i.range, severity: DiagnosticSeverity.Warning, source: 'Shipshape', message: configIssueMessage(i, normalizeLocale(session.locale)) })) });
  });
  let folders: string[] = [];
  let pullMode = false;
  let configurationRequests = false;
  let refreshSupported = false;
  let pushedSettings: ClientSettings | undefined;
  let dynamicWatch = false;
  /** Per-file time budget of one analysis (initializationOptions.analysisBudgetMs overrides it). */
  let budgetMs = ANALYSIS_BUDGET_MS;
  let dynamicConfig = false;
  let folderEvents = false;
  /** Bumped when settings or a `.shipshape.yaml` change: every state of an older generation is stale. */
  let generation = 0;
  /** initializationOptions.documentState: send DOCUMENT_STATE_NOTIFICATION after each analysis. */
  let sendStates = false;
  let quickFixLimit = MAX_ACTIONS;

  const states = new Map<string, DocState>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const running = new Map<string, { run: number; cancel(): void }>();
  const runs = new Map<string, number>();
  const waiters = new Map<string, Waiter[]>();
  const manifests = new Set<string>();
  const openedAt = new Map<string, number>();
  const chartDirs = new Map<string, { at: number; value: boolean }>();
  // Charts and overlays rendered with the user's helm / kubectl (render.ts): their findings are merged into each file's (publish, checkFile).
  const render = new RenderService({
    config: async (file) => {
      const c = await configFor(pathToFileURL(file).href);
      return { ...c, fileConfig: c.folder ? (await folderConfigs.get(c.folder))?.config : undefined };
    },
    analyze: (text, config) => {
      const task = submitJob({ op: 'analyze', text, kind: 'kubernetes', config, chartTemplate: false, wasManifest: false }, budgetMs);
      return { cancel: task.cancel, promise: task.promise.then((o) => ('result' in o && o.result.op === 'analyze' && !o.result.outcome.skipped ? o.result.outcome.findings : undefined)) };
    },
    refresh: (files) => renderedChanged(files),
    log,
    folders: () => folders,
    session: () => session,
    onSessionChange: (listener) => onDidChangeSession((_, before) => listener(before)),
  });
  function renderedChanged(files: readonly string[]): void {
    for (const file of files) {
      const uri = pathToFileURL(file).href;
      const doc = documents.get(uri);
      if (doc && kindOf(uri, doc.languageId)) schedule(doc, 0);
      // A file a workspace check shows: checked again (its disk findings merged with the render's), else the render's alone.
      else if (!doc && checkedFiles.has(uri)) void checkFile(uri).then(() => { if (!diskFiles.has(uri) && !documents.get(uri)) void connection.sendDiagnostics({ uri, diagnostics: render.diagnosticsFor(uri) }); });
      else void connection.sendDiagnostics({ uri, diagnostics: render.diagnosticsFor(uri) });
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const init = (params.initializationOptions && typeof params.initializationOptions === 'object' ? params.initializationOptions : {}) as InitializationOptions;
    pullMode = Boolean(caps.textDocument?.diagnostic) && init.diagnosticMode !== 'push';
    configurationRequests = Boolean(caps.workspace?.configuration);
    refreshSupported = Boolean(caps.workspace?.diagnostics?.refreshSupport);
    folders = (params.workspaceFolders ?? []).map((f) => fsPathOf(f.uri)).filter((p): p is string => Boolean(p));
    if (!folders.length && params.rootUri) { const p = fsPathOf(params.rootUri); if (p) folders = [p]; }
    if (!folders.length && params.rootPath) folders = [params.rootPath];
    dynamicWatch = Boolean(caps.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    dynamicConfig = Boolean(caps.workspace?.didChangeConfiguration?.dynamicRegistration);
    folderEvents = Boolean(caps.workspace?.workspaceFolders);
    if (init.settings && typeof init.settings === 'object') pushedSettings = init.settings as ClientSettings;
    if (typeof init.analysisBudgetMs === 'number' && init.analysisBudgetMs >= 10) budgetMs = Math.min(init.analysisBudgetMs, 10 * 60_000);
    sendStates = init.documentState === true;
    if (typeof init.quickFixLimit === 'number' && init.quickFixLimit >= 0) quickFixLimit = Math.floor(init.quickFixLimit);
    // The client's display language: Shipshape's option first, else the LSP field (3.16+).
    updateSession(init.locale === undefined && typeof params.locale === 'string' ? { ...init, locale: params.locale } : init);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL_KIND], resolveProvider: false },
        hoverProvider: true,
        ...(pullMode ? { diagnosticProvider: { identifier: 'shipshape', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'shipshape', version: readVersion() },
    };
  });

  // Registered after initialize when the client can take dynamic registrations.
  connection.onInitialized(() => {
    warmSoon();
    index.start(folders);
    if (dynamicWatch) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/.shipshape.yaml' }, { globPattern: '**/Chart.yaml' }, { globPattern: '**/*.{yaml,yml,tpl}' }, { globPattern: '**/Kustomization' }] });
    if (dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'shipshape' });
    if (folderEvents) connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => fsPathOf(f.uri)));
      folders = [...folders.filter((f) => !removed.has(f)), ...e.added.map((f) => fsPathOf(f.uri)).filter((p): p is string => Boolean(p))];
      index.start(folders);
      changed();
    });
  });

  /**
   * One worker starts at once; the others once the first analysis was published (small files
   * analyse on this thread until a worker is ready) or after WARM_DELAY_MS. Starting them all at
   * once (each loads this bundle) competed with the first analysis for the CPU: about 0.1 s more
   * from the server's start to its first diagnostic on a busy two-core machine.
   */
  let warmTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  function warmSoon(): void {
    pool.warm(1);
    warmTimer = setTimeout(warmNow, WARM_DELAY_MS);
  }
  /** A job for the pool; one that will not run on this thread starts the other workers first (the spare one keeps small files quick). */
  function submitJob(job: WorkerJob, budget: number): ReturnType<AnalysisPool['submit']> {
    if (job.text.length > INLINE_TEXT) warmNow();
    return pool.submit(job, budget);
  }
  function warmNow(): void {
    if (warmTimer === undefined) return;
    clearTimeout(warmTimer);
    warmTimer = undefined;
    pool.warm();
  }

  function changed(): void {
    generation++;
    // The exclusions may have changed: the index scans again (files it has are not read again).
    index.start(folders);
    folderConfigs.invalidate();
    chartDirs.clear();
    if (pullMode && refreshSupported) void connection.languages.diagnostics.refresh();
    for (const doc of documents.all()) schedule(doc, 0);
    recheckDiskFiles();
  }

  connection.onDidChangeConfiguration((e) => {
    // A client that answers workspace/configuration is asked per resource; what it pushes here
    // (with every default filled in) would only shadow `.shipshape.yaml`.
    const settings = e.settings as { shipshape?: ClientSettings } | null | undefined;
    const s = settings?.shipshape;
    // No settings at all ("Shipshape: Revalidate", or a client that only says something changed): analyse again.
    if (settings === null || typeof settings !== 'object') return changed();
    if (!configurationRequests) {
      if (!s || typeof s !== 'object') return changed();
      const same = JSON.stringify(s) === JSON.stringify(pushedSettings);
      pushedSettings = s;
      if (!same) changed();
      return;
    }
    // VS Code's client sends one as soon as the server registers for them, and on every change
    // under `shipshape` (scan paths too): analyse again only when a setting the analysis read changed.
    void settingsChanged().then((yes) => { if (yes) changed(); else trace('configuration notification: the settings the analyses read are unchanged'); });
  });
  connection.onDidChangeWatchedFiles((e) => {
    // A chart's or overlay's file renders it again (render.ts); its helpers (.tpl) and a `Kustomization` concern only that.
    render.filesChanged(e.changes.map((c) => c.uri));
    const rest = e.changes.filter((c) => !/(\.tpl|(^|\/)Kustomization)$/.test(c.uri));
    if (rest.length && !index.onWatchedFiles(rest)) changed();
  });
  documents.onDidSave((e) => { const file = fsPathOf(e.document.uri); if (file) void render.saved(file); });

  /**
   * The settings read per workspace folder ('' outside the folders), with a document of the folder
   * to ask for them by: a configuration notification asks for these again and analyses nothing
   * when none changed. Reads of one folder that disagree (the settings changed between them) are
   * MIXED, which a notification always takes for a change.
   */
  const readSettings = new Map<string, { scopeUri: string; json: string }>();
  const MIXED = '\u0000mixed';
  const settingsKey = (s: unknown) => JSON.stringify(s ?? null);

  async function settingsFor(uri: string): Promise<ClientSettings | undefined> {
    if (!configurationRequests) return pushedSettings;
    try {
      const s = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'shipshape' }) as unknown;
      const file = fsPathOf(uri);
      const folder = (file && FolderConfigs.folderOf(file, folders)) ?? '';
      const json = settingsKey(s);
      const had = readSettings.get(folder);
      readSettings.set(folder, { scopeUri: uri, json: had && had.json !== json ? MIXED : json });
      return s && typeof s === 'object' ? s as ClientSettings : pushedSettings;
    } catch {
      return pushedSettings;
    }
  }

  /**
   * Whether a setting the analyses read differs now from what they read (asked again of the
   * client). A read the client answers before this question carries the settings of its moment
   * (messages arrive in order), so one that crossed a change is MIXED by then.
   */
  async function settingsChanged(): Promise<boolean> {
    if (readSettings.size > 64) return true;
    const asked = [...readSettings.keys()];
    if (!asked.length) return false;
    try {
      const now = await connection.workspace.getConfiguration(asked.map((folder) => ({ scopeUri: readSettings.get(folder)!.scopeUri, section: 'shipshape' }))) as unknown[];
      let differs = false;
      asked.forEach((folder, i) => {
        const entry = readSettings.get(folder)!;
        const json = settingsKey(now[i]);
        if (json !== entry.json) { differs = true; readSettings.set(folder, { scopeUri: entry.scopeUri, json }); }
      });
      return differs;
    } catch {
      return true;
    }
  }

  async function configFor(uri: string): Promise<{ enabled: boolean; config: ShipshapeConfig; folder?: string }> {
    const settings = await settingsFor(uri);
    const file = fsPathOf(uri);
    const folder = file ? FolderConfigs.folderOf(file, folders) : undefined;
    const fromFile = folder ? await folderConfigs.get(folder) : undefined;
    return { enabled: isEnabled(settings), config: mergeSettings(fromFile?.config ?? DEFAULT_CONFIG, settings), folder };
  }

  function isExcluded(uri: string, folder: string | undefined, globs: readonly string[]): boolean {
    if (!globs.length) return false;
    const file = fsPathOf(uri);
    if (!file) return false;
    const rel = (folder ? path.relative(folder, file) : file.replace(/^\//, '')).split(path.sep).join('/');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const picomatch = require('picomatch') as typeof import('picomatch');
      return picomatch(globs as string[], { dot: true })(rel);
    } catch {
      return false;
    }
  }

  /** A file under the `templates/` directory of a Helm chart, at any depth (node/charts.ts). Chart directories are looked up at most once a minute. */
  function isChartTemplate(uri: string): boolean {
    const file = fsPathOf(uri);
    if (!file) return false;
    return isChartTemplateSync(file, (dir) => {
      const known = chartDirs.get(dir);
      if (known && Date.now() - known.at < 60_000) return known.value;
      const value = isChartDirSync(dir);
      chartDirs.set(dir, { at: Date.now(), value });
      return value;
    });
  }

  function schedule(doc: TextDocument, delay: number): void {
    if (!kindOf(doc.uri, doc.languageId)) return;
    const t = timers.get(doc.uri);
    if (t) clearTimeout(t);
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      void validate(doc.uri);
    }, delay));
  }

  function settle(uri: string, state: DocState | undefined, version: number): void {
    const list = waiters.get(uri);
    if (!list) return;
    const keep = list.filter((w) => {
      if (state ? w.version <= state.version : w.version <= version) { w.resolve(state); return false; }
      return true;
    });
    if (keep.length) waiters.set(uri, keep); else waiters.delete(uri);
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const kind = kindOf(uri, doc.languageId);
    if (!kind) return;
    const version = doc.version;
    const gen = generation;
    const factsStamp = index.stamp;
    const run = (runs.get(uri) ?? 0) + 1;
    runs.set(uri, run);
    // A newer version supersedes the analysis in progress.
    running.get(uri)?.cancel();
    running.delete(uri);
    const { enabled, config, folder } = await configFor(uri);
    const current = () => documents.get(uri)?.version === version && runs.get(uri) === run;
    if (!current()) { trace(`drop ${uri}@${version} run ${run}: superseded while reading the configuration`); return; }
    const chartTemplate = kind === 'kubernetes' && isChartTemplate(uri);
    const publish = (findings: Finding[], lazyFixes = false, skip?: { skipped: SkipKind; reason?: string; hint?: string }) => {
      ({ findings, skip } = render.view(uri, findings, skip));
      const state: DocState = { version, generation: gen, kind, findings, diagnostics: findings.map((f) => toDiagnostic(f, uri)), lazyFixes, chartTemplate, factsStamp, ...skip };
      states.set(uri, state);
      trace(`publish ${uri}@${version} run ${run}: ${state.diagnostics.length} diagnostics${skip ? ` (${skip.skipped})` : ''}`);
      if (!pullMode) void connection.sendDiagnostics({ uri, version, diagnostics: state.diagnostics });
      if (warmTimer !== undefined) setImmediate(warmNow);
      if (sendStates) void connection.sendNotification(DOCUMENT_STATE_NOTIFICATION, summaryOf(uri, state));
      settle(uri, state, version);
    };
    if (!enabled) return publish([], false, { skipped: 'disabled' });
    if (isExcluded(uri, folder, config.exclude)) return publish([], false, { skipped: 'excluded' });
    const text = doc.getText();
    const task = submitJob({ op: 'analyze', text, kind, config, chartTemplate, wasManifest: manifests.has(uri), ...againstIndex(uri, kind) }, budgetMs);
    running.set(uri, { run, cancel: task.cancel });
    const outcome = await task.promise;
    if (running.get(uri)?.run === run) running.delete(uri);
    if (!current()) { trace(`drop ${uri}@${version} run ${run}: superseded during the analysis`); return; }
    if ('timedOut' in outcome) {
      log(`${uri} not analysed: over the ${budgetMs} ms time budget`);
      return publish([], false, { skipped: 'timedOut', reason: `over the ${budgetMs} ms time budget` });
    }
    if ('cancelled' in outcome) { trace(`drop ${uri}@${version} run ${run}: cancelled`); return; }
    if ('error' in outcome) { log(`analysis of ${uri} failed: ${outcome.error}`); return publish([], false, { skipped: 'failed', reason: outcome.error }); }
    if (outcome.result.op !== 'analyze') return;
    const r = outcome.result.outcome;
    if (r.elapsedMs > EDITOR_TIME_BUDGET_MS) log(`analysis of ${uri} took ${Math.round(r.elapsedMs)} ms`);
    for (const e of r.errors) log(`rule ${e.ruleId} failed on ${uri}: ${e.message}`);
    if (r.skipped) log(`${uri} not analysed: ${r.skipped}`);
    if (r.manifest) manifests.add(uri); else if (r.notApplicable) manifests.delete(uri);
    if (kind === 'kubernetes') { const file = fsPathOf(uri); if (file) index.setOpen(file, r.skipped ? undefined : r.facts, r.readsOthers); }
    if (r.skipped) return publish(r.findings, r.lazyFixes, { skipped: skipOf(r.skipKind), reason: r.skipped });
    if (r.notApplicable) return publish(r.findings, r.lazyFixes, { skipped: 'notApplicable' });
    publish(r.findings, r.lazyFixes);
  }

  /** The state of the document's current version, waiting for its analysis if need be. */
  function currentState(uri: string, token?: CancellationToken): Promise<DocState | undefined> {
    const doc = documents.get(uri);
    if (!doc || !kindOf(uri, doc.languageId)) return Promise.resolve(undefined);
    const s = states.get(uri);
    if (s && s.version === doc.version && s.generation === generation) return Promise.resolve(s);
    if (!timers.has(uri) && !running.has(uri)) schedule(doc, 0);
    return new Promise((resolve) => {
      const w: Waiter = { version: doc.version, resolve };
      const list = waiters.get(uri) ?? [];
      list.push(w);
      waiters.set(uri, list);
      token?.onCancellationRequested(() => {
        const l = waiters.get(uri);
        if (l) waiters.set(uri, l.filter((x) => x !== w));
        resolve(undefined);
      });
    });
  }

  /** Requests about a document the client is opening right now wait this long for its didOpen. */
  const OPEN_GRACE_MS = 1000;
  const opening = new Map<string, Array<() => void>>();
  function openedSoon(uri: string, token: CancellationToken): Promise<TextDocument | undefined> {
    const doc = documents.get(uri);
    if (doc) return Promise.resolve(doc);
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); sub.dispose(); const l = opening.get(uri)?.filter((f) => f !== done); if (l?.length) opening.set(uri, l); else opening.delete(uri); resolve(documents.get(uri)); };
      const timer = setTimeout(done, OPEN_GRACE_MS);
      const sub = token.onCancellationRequested(done);
      opening.set(uri, [...(opening.get(uri) ?? []), done]);
    });
  }

  documents.onDidOpen((e) => {
    for (const done of opening.get(e.document.uri) ?? []) setImmediate(done);
    openedAt.set(e.document.uri, e.document.version);
    schedule(e.document, 0);
  });
  documents.onDidChangeContent((e) => {
    trace(`change ${e.document.uri}@${e.document.version}`);
    if (openedAt.get(e.document.uri) === e.document.version) return;
    schedule(e.document, DEBOUNCE_MS);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.delete(uri);
    running.get(uri)?.cancel();
    running.delete(uri);
    runs.delete(uri);
    states.delete(uri);
    manifests.delete(uri);
    openedAt.delete(uri);
    { const file = fsPathOf(uri); if (file) index.closed(file); }
    settle(uri, undefined, Number.MAX_SAFE_INTEGER);
    diskFiles.delete(uri);
    if (!pullMode) void connection.sendDiagnostics({ uri, diagnostics: [] });
    // A file a workspace check covers shows its disk result again once closed.
    if (checkedFiles.has(uri)) setTimeout(() => { if (!documents.get(uri)) void checkFile(uri); }, 0);
  });

  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    if (!doc || !kindOf(uri, doc.languageId)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const version = doc.version;
    const state = await currentState(uri, token);
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    if (!state || state.version !== version) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'a newer version of the document is being analysed', { retriggerRequest: true });
    const resultId = `${state.version}:${state.generation}:${state.factsStamp ?? 0}`;
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: state.diagnostics };
  });

  async function runDocumentJob(job: WorkerJob, token: CancellationToken): Promise<PoolOutcome> {
    const task = submitJob(job, budgetMs);
    const sub = token.onCancellationRequested(() => task.cancel());
    try { return await task.promise; } finally { sub.dispose(); }
  }

  connection.onCodeAction(async (params: CodeActionParams, token): Promise<CodeAction[] | ResponseError<void>> => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    const kind = doc && kindOf(uri, doc.languageId);
    if (!doc || !kind) return [];
    const version = doc.version;
    const only = params.context.only;
    const wants = (k: string) => !only || only.some((o) => k === o || k.startsWith(`${o}.`) || o.startsWith(`${k}.`));
    const actions: CodeAction[] = [];
    const { enabled, config } = await configFor(uri);
    if (!enabled) return [];
    if (only && wants(FIX_ALL_KIND) && only.some((o) => o.startsWith(CodeActionKind.SourceFixAll) || o === CodeActionKind.Source)) {
      const out = await runDocumentJob({ op: 'fixAll', text: doc.getText(), kind, config, budgetMs: FIX_ALL_BUDGET_MS }, token);
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      if ('result' in out && out.result.op === 'fixAll' && out.result.edit && documents.get(uri)?.version === version) {
        actions.push(documentAction(uri, fixAllTitle(), FIX_ALL_KIND, [out.result.edit]));
      }
    }
    if (wants(CodeActionKind.QuickFix)) {
      const state = await currentState(uri, token);
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      if (state && state.version === version) {
        let hits = hitsFor(state.findings, uri, params.context.diagnostics, params.range);
        if (hits.length && state.lazyFixes) {
          // A large text's findings came without fix edits: one more analysis, in a worker, brings them.
          const out = await runDocumentJob({ op: 'fixes', text: doc.getText(), kind, config, chartTemplate: state.chartTemplate }, token);
          if (!('result' in out) || out.result.op !== 'fixes' || documents.get(uri)?.version !== version) return [];
          hits = hitsFor(out.result.findings, uri, params.context.diagnostics.length ? params.context.diagnostics : hits.map((h) => h.diagnostic), params.range);
        }
        actions.push(...render.codeActions(hits), ...quickFixes(uri, doc.getText(), kind, hits, quickFixLimit));
      }
    }
    if (kind === 'dockerfile' && wants(CodeActionKind.RefactorRewrite) && !(only && only.every((o) => o.startsWith(CodeActionKind.Source)))) {
      const out = await runDocumentJob({ op: 'multiStage', text: doc.getText(), config }, token);
      if ('result' in out && out.result.op === 'multiStage' && out.result.fix && documents.get(uri)?.version === version) {
        actions.push(documentAction(uri, fixTitleIn(out.result.fix, normalizeLocale(session.locale)), CodeActionKind.RefactorRewrite, out.result.fix.edits));
      }
    }
    return actions;
  });

  /** Custom request: the image references of a document with their ranges (for a client's "Scan image" CodeLens). */
  registerBaseImageRequests(connection, documents, kindOf);
  connection.onRequest(IMAGE_REFERENCES_REQUEST, async (params: { textDocument: { uri: string } }, token: CancellationToken) => {
    const uri = params?.textDocument?.uri;
    const doc = typeof uri === 'string' ? await openedSoon(uri, token) : undefined;
    const kind = doc && kindOf(doc.uri, doc.languageId);
    if (!doc || !kind) return [];
    const out = await runDocumentJob({ op: 'imageReferences', text: doc.getText(), kind }, token);
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    return 'result' in out && out.result.op === 'imageReferences' ? out.result.references : [];
  });

  /** Custom request: the full state of a document's current version (findings with their fixes). */
  connection.onRequest(DOCUMENT_STATE_REQUEST, async (params: DocumentStateParams, token: CancellationToken): Promise<DocumentState | null> => {
    const uri = params?.textDocument?.uri;
    const doc = typeof uri === 'string' ? await openedSoon(uri, token) : undefined;
    if (!doc || !kindOf(doc.uri, doc.languageId)) return null;
    const pending = timers.get(doc.uri);
    if (params.now && pending) {
      // The caller wants this version now: skip the typing pause.
      clearTimeout(pending);
      timers.delete(doc.uri);
      void validate(doc.uri);
    }
    const state = await currentState(doc.uri, token);
    const wanted = params.textDocument.version;
    if (!state || token.isCancellationRequested || (typeof wanted === 'number' && state.version !== wanted)) return null;
    return { ...summaryOf(doc.uri, state), findings: state.findings, ...(state.lazyFixes ? { lazyFixes: true } : {}) };
  });

  /** Custom request: the findings a hover at a position shows, for a client that renders hovers itself. */
  connection.onRequest(FINDINGS_AT_REQUEST, async (params: FindingsAtParams, token: CancellationToken) => {
    const uri = params?.textDocument?.uri;
    if (typeof uri !== 'string' || !params.position) return null;
    const state = await currentState(uri, token);
    if (!state || token.isCancellationRequested) return null;
    return findingsAt(state.findings, params.position.line, params.position.character) ?? null;
  });

  connection.onNotification(DID_CHANGE_SESSION_NOTIFICATION, (params: unknown) => {
    if (!params || typeof params !== 'object') return;
    updateSession(params as Record<string, unknown>);
    // Trust or tool paths decide what can be analysed (a rendered chart): look again.
    changed();
  });

  // Files that are not open, read from disk (CHECK_FILES_REQUEST): every file a check was asked
  // about, and those whose diagnostics are shown now.
  const checkedFiles = new Set<string>();
  const diskFiles = new Set<string>();
  let recheckTimer: ReturnType<typeof setTimeout> | undefined;

  function dropDisk(uri: string): void {
    if (diskFiles.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: render.diagnosticsFor(uri) });
  }

  async function checkFile(uri: string, token?: CancellationToken): Promise<{ status: CheckFileStatus; problems: number }> {
    if (documents.get(uri)) return { status: 'open', problems: 0 };
    const file = fsPathOf(uri);
    const kind = file ? kindOf(uri, '') : undefined;
    if (!file || !kind) { dropDisk(uri); return { status: 'notApplicable', problems: 0 }; }
    const { enabled, config, folder } = await configFor(uri);
    if (!enabled) { dropDisk(uri); return { status: 'disabled', problems: 0 }; }
    if (isExcluded(uri, folder, config.exclude)) { dropDisk(uri); return { status: 'excluded', problems: 0 }; }
    let text: string;
    try {
      text = await readRegularFile(file, CHECK_FILE_MAX_BYTES);
    } catch (e) {
      dropDisk(uri);
      return { status: e instanceof FileAccessError && e.code === 'TOO_LARGE' ? 'tooLarge' : 'unreadable', problems: 0 };
    }
    const chartTemplate = kind === 'kubernetes' && isChartTemplate(uri);
    // Settled against the other files' facts, as the open documents and `shipshape check` are.
    const task = submitJob({ op: 'analyze', text, kind, config, chartTemplate, wasManifest: false, ...againstIndex(uri, kind) }, budgetMs);
    const sub = token?.onCancellationRequested(() => task.cancel());
    const outcome = await task.promise;
    sub?.dispose();
    if (documents.get(uri)) return { status: 'open', problems: 0 };
    if (!('result' in outcome) || outcome.result.op !== 'analyze') {
      if ('cancelled' in outcome) return { status: 'notChecked', problems: 0 };
      dropDisk(uri);
      return { status: 'unreadable', problems: 0 };
    }
    const r = outcome.result.outcome;
    if (r.skipped || r.notApplicable) { dropDisk(uri); return { status: 'notApplicable', problems: 0 }; }
    diskFiles.add(uri);
    void connection.sendDiagnostics({ uri, diagnostics: render.view(uri, r.findings).findings.map((f) => toDiagnostic(f, uri)) });
    return { status: 'analysed', problems: r.findings.length };
  }

  connection.onRequest(CHECK_FILES_REQUEST, async (params: CheckFilesParams, token: CancellationToken): Promise<CheckFilesResult> => {
    const uris = Array.isArray(params?.uris) ? params.uris.filter((u): u is string => typeof u === 'string') : [];
    if (params.forget) {
      for (const uri of uris) { checkedFiles.delete(uri); if (!documents.get(uri)) dropDisk(uri); else diskFiles.delete(uri); }
      return { files: uris.map((uri) => ({ uri, status: 'notChecked', problems: 0 })) };
    }
    const files: CheckFilesResult['files'] = uris.map((uri) => ({ uri, status: 'notChecked', problems: 0 }));
    // Two files at a time at most: the pool keeps a worker for what is being typed.
    let next = 0;
    const lanes = Array.from({ length: Math.max(1, Math.min(2, pool.size - 1)) }, async () => {
      while (next < uris.length && !token.isCancellationRequested) {
        const i = next++;
        checkedFiles.add(uris[i]);
        const r = await checkFile(uris[i], token);
        files[i].status = r.status;
        files[i].problems = r.problems;
      }
    });
    await Promise.all(lanes);
    return token.isCancellationRequested ? { files, cancelled: true } : { files };
  });

  /** Settings or a `.shipshape.yaml` changed: the files shown from disk are checked again (after a pause). */
  function recheckDiskFiles(): void {
    if (!checkedFiles.size) return;
    if (recheckTimer) clearTimeout(recheckTimer);
    recheckTimer = setTimeout(() => {
      recheckTimer = undefined;
      void (async () => { for (const uri of [...checkedFiles]) if (!documents.get(uri)) await checkFile(uri); })();
    }, 500);
  }

  connection.onHover(async (params, token) => {
    const state = await currentState(params.textDocument.uri, token);
    if (!state || token.isCancellationRequested) return null;
    return withBaseImageAdvice(hoverAt(state.findings, params.position.line, params.position.character), state.kind, documents.get(params.textDocument.uri)?.getText(), params.position.line, params.position.character) ?? null;
  });

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    if (recheckTimer) clearTimeout(recheckTimer);
    if (warmTimer) clearTimeout(warmTimer);
    warmTimer = undefined;
    render.dispose();
    pool.dispose();
    index.dispose();
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

function readVersion(): string {
  for (const p of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'shipshape' && pkg.version) return pkg.version;
    } catch { /* next */ }
  }
  return '0.0.0';
}

// The same file is the analysis workers' entry; as a program it is the server.
if (!isMainThread && workerData === WORKER_MARK) runWorker();
else if (require.main === module) startServer();
