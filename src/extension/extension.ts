/**
 * Activation only wires features together; each feature lives in its own module and returns
 * disposables. Everything that reads a Dockerfile or YAML runs in the language server
 * (src/server, started by ShipshapeClient right after activation returns); the extension keeps
 * what is VS Code UI. Activation loads only what the first diagnostic, hover and quick fix need
 * (dist/extension.bundle.js); the other features are groups of their own, loaded after it
 * returned or on first use (lazyGroups.ts).
 */
import * as vscode from 'vscode';
import { configurationMiddleware } from './settings';
import { DiagnosticsManager } from './diagnostics';
import { codeActionsMiddleware, IGNORE_IN_FILE_COMMAND, ignoreRuleInFile, INSERT_SNIPPET_COMMAND, insertSnippet } from './codeActions';
import { RuleDocumentation, SHOW_DOCS_COMMAND } from './ruleDocs';
import { hoverMiddleware } from './hover';
import { ShipshapeLanguageStatus } from './languageStatus';
import { CommandManager } from './commands';
import { ClientFeatures, ShipshapeClient } from './client';
import { LazyGroups } from './lazyGroups';
import { setBaseImageHoverSource } from './compare/hover';
import { DOCKERFILE_SELECTOR } from './documents';
import type { SigningSupport } from './signing';
import type { ScanSupport } from './scan';
import type { WorkspaceChecker } from './workspaceCheck';

/** What the extension exposes to other extensions and to its integration tests. */
export interface ShipshapeApi {
  /**
   * Own activation cost in milliseconds, wall clock: from the first line of dist/extension.js (a
   * small loader) to the end of `activate`. It covers reading, compiling and evaluating the
   * activation bundle (dist/extension.bundle.js) plus the `activate` call; not the host's work
   * before it requires us (finding the manifest, loading our l10n bundle) nor the groups and the
   * language client loaded after activation returned.
   */
  activationTimeMs: number;
  /** Time spent in `activate` alone. */
  activateOnlyMs: number;
  /** Time spent requiring the activation bundle (read, compile, evaluate). */
  loadMs: number;
  /** CPU time (user + system) over the same span as `activationTimeMs`, in milliseconds: of the host's main thread where its Node can tell (`activationCpuScope`), else of the process. */
  activationCpuMs: number;
  /** Whose CPU time `activationCpuMs` is: the extension host's main thread, or its whole process. */
  activationCpuScope: 'thread' | 'process';
  /** What the language server says about open documents: `summaryOf(doc)` now, `stateOf(doc)` (findings with fixes) when analysed, `validateNow(doc)`. */
  diagnostics: DiagnosticsManager;
  languageStatus: ShipshapeLanguageStatus;
  /** The language client (`client.ready` resolves when the server runs). */
  client: ShipshapeClient;
  /** The lazily loaded feature groups: which are loaded; whether a command id is one of theirs (loads its group). */
  groups: Pick<LazyGroups, 'imagesLoaded' | 'toolsLoaded' | 'implements'>;
  /** cosign commands; `signing.statuses` holds the last verification per image (✓ / ✗ in the tree). Loads the images group. */
  readonly signing: SigningSupport;
  /** Image scanning: results store, findings tree, scan diagnostics and CodeLens. Loads the images group. */
  readonly scan: ScanSupport;
  /** "Check Workspace": diagnostics for files that are not open. Loads the tools group. */
  readonly workspaceCheck: WorkspaceChecker;
}

/** Set by the loader (dist/extension.js) around its require of the activation bundle. */
interface LoadMarks { start: number; startCpu: NodeJS.CpuUsage; end?: number; endCpu?: NodeJS.CpuUsage }

/**
 * The CPU time of the extension host's main thread where its Node has `process.threadCpuUsage`
 * (>= 23.9, e.g. code-server's), else of the whole process. Activation runs on that thread, while
 * the process's other threads (the garbage collector's and the compiler's helpers, file reads for
 * other extensions) run whatever the host does meanwhile.
 */
const threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
const cpuNow: () => NodeJS.CpuUsage = threadCpu ? () => threadCpu.call(process) : () => process.cpuUsage();

/** The commands activation implements itself; every other contributed command gets a thin handler that loads its group. */
const OWN_COMMANDS = new Set([SHOW_DOCS_COMMAND, INSERT_SNIPPET_COMMAND, IGNORE_IN_FILE_COMMAND, 'shipshape.revalidate', 'shipshape.showOutput']);

export function activate(context: vscode.ExtensionContext): ShipshapeApi {
  const started = performance.now();
  const startedCpu = cpuNow();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Shipshape'), { log: true });
  const ruleDocs = new RuleDocumentation(context.extensionUri);

  const features: ClientFeatures = { middleware: {}, onStarted: [] };
  const client = new ShipshapeClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath, log, features,
    context.globalStorageUri.scheme === 'file' ? vscode.Uri.joinPath(context.globalStorageUri, 'compile-cache').fsPath : undefined);
  const diagnostics = new DiagnosticsManager(client, (ruleId) => ruleDocs.uriOf(ruleId));
  features.middleware = {
    ...diagnostics.middleware(),
    ...codeActionsMiddleware(),
    ...hoverMiddleware(client),
    workspace: configurationMiddleware(),
  };
  features.onStarted!.push((c) => diagnostics.attach(c));
  const languageStatus = new ShipshapeLanguageStatus(diagnostics);
  const commands = new CommandManager();
  commands.register({ id: SHOW_DOCS_COMMAND, execute: (ruleIds?: unknown, chosen?: unknown) => ruleDocs.show(ruleIds, chosen) });
  commands.register({ id: INSERT_SNIPPET_COMMAND, execute: (uri: vscode.Uri, range: vscode.Range, snippet: string) => insertSnippet(uri, range, snippet) });
  commands.register({ id: IGNORE_IN_FILE_COMMAND, execute: (uri?: unknown, ruleIds?: unknown, chosen?: unknown) => ignoreRuleInFile(client, uri, ruleIds, chosen) });
  commands.register({ id: 'shipshape.revalidate', execute: () => diagnostics.revalidateAll() });
  commands.register({ id: 'shipshape.showOutput', execute: () => log.show() });
  const groups = new LazyGroups({ context, log, client, diagnostics });
  // "Compare base images…" on a FROM once the images group found a scanner. Registered now: a
  // provider registered while VS Code asks for code actions cancels that request.
  const compareActions = vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, {
    provideCodeActions: (doc, range, ctx, token) => (groups.imagesLoaded ? groups.images().compare.codeActions.provideCodeActions(doc, range, ctx, token) : []),
  }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] });
  // The base-image advice in the hover before the images group is loaded (it then sets its own, the same request).
  setBaseImageHoverSource({
    request: (method, params, token) => client.request(method, params, token),
    canCompare: () => vscode.workspace.isTrusted && groups.imagesLoaded && groups.images().scan.scannerFound() === true,
  });
  const contributed = (context.extension.packageJSON as { contributes?: { commands?: Array<{ command?: unknown }> } }).contributes?.commands ?? [];
  groups.registerCommandHandlers(contributed.map((c) => c.command).filter((id): id is string => typeof id === 'string'), OWN_COMMANDS);

  context.subscriptions.push(
    log,
    ruleDocs,
    { dispose: () => setBaseImageHoverSource(undefined) },
    compareActions,
    client,
    diagnostics,
    groups,
    languageStatus,
    commands,
  );
  // The server starts after activation returned: activation never waits for a process. The
  // images group (its views and CodeLens) loads once the first diagnostics are shown, or a second
  // after the server runs: not while the server starts and analyses the first file, on the same
  // CPUs (a command or an API access loads it at once).
  let imagesTimer: ReturnType<typeof setTimeout> | undefined;
  let deactivated = false;
  const loadImages = () => {
    firstUpdate.dispose();
    if (imagesTimer) clearTimeout(imagesTimer);
    imagesTimer = undefined;
    if (deactivated || groups.imagesLoaded) return;
    try { groups.images(); } catch (e) { log.error(`Shipshape could not load scanning and signing: ${e instanceof Error ? e.message : String(e)}`); }
  };
  const firstUpdate = diagnostics.onDidUpdate(() => { setImmediate(loadImages); });
  const startTimer = setTimeout(() => {
    void client.start();
    void client.ready.then(() => { if (!deactivated && !groups.imagesLoaded && !imagesTimer) imagesTimer = setTimeout(loadImages, 1000); });
  }, 0);
  context.subscriptions.push(firstUpdate, { dispose: () => { deactivated = true; clearTimeout(startTimer); if (imagesTimer) clearTimeout(imagesTimer); imagesTimer = undefined; } });
  stopClient = () => client.stop();
  const checkOnStartup = () => vscode.workspace.getConfiguration('shipshape').get<boolean>('analyzeWorkspace.onStartup', false) === true;
  if (checkOnStartup()) {
    // After activation returns: the check reads files, which activation must not wait for.
    const timer = setTimeout(() => { void groups.tools().workspaceCheck.run({ location: 'window', quiet: true }); }, 1000);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    // Turning the setting on is a request to see the whole workspace now, not at the next start.
    if (e.affectsConfiguration('shipshape.analyzeWorkspace.onStartup') && checkOnStartup()) void groups.tools().workspaceCheck.run({ location: 'window', quiet: true });
  }));
  const ended = performance.now();
  const endedCpu = cpuNow();
  const load = (globalThis as { __shipshapeLoad?: LoadMarks }).__shipshapeLoad;
  const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
  // Loaded without the loader (e.g. straight from out/): the load is not measured.
  const loadMs = load?.end !== undefined ? load.end - load.start : 0;
  const activateOnlyMs = ended - started;
  const activationTimeMs = loadMs + activateOnlyMs;
  // CPU time is what activation costs the extension host; wall time also counts waiting for the
  // CPU while the workbench and other processes run, which swings widely on a busy machine.
  const activationCpuMs = (load?.endCpu ? cpuMs(load.startCpu, load.endCpu) : 0) + cpuMs(startedCpu, endedCpu);
  log.info(`Shipshape activated in ${activationTimeMs.toFixed(1)} ms (loading the bundle ${loadMs.toFixed(1)} ms, activate ${activateOnlyMs.toFixed(1)} ms; CPU ${activationCpuMs.toFixed(1)} ms)`);
  return {
    activationTimeMs, activationCpuMs, activationCpuScope: threadCpu ? 'thread' : 'process', activateOnlyMs, loadMs, diagnostics, languageStatus, client,
    groups,
    get signing() { return groups.images().signing; },
    get scan() { return groups.images().scan; },
    get workspaceCheck() { return groups.tools().workspaceCheck; },
  };
}

let stopClient: (() => Promise<void>) | undefined;

export function deactivate(): Promise<void> | undefined {
  // Everything else is disposed through context.subscriptions; the server is asked to exit.
  const stop = stopClient;
  stopClient = undefined;
  return stop?.();
}
