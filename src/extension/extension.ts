/**
 * Activation only wires features together; each feature lives in its own module and returns
 * disposables. Everything that reads a Dockerfile or YAML runs in the language server
 * (src/server, started by ShipshapeClient right after activation returns); the extension keeps
 * what is VS Code UI.
 */
import * as vscode from 'vscode';
import { configurationMiddleware } from './settings';
import { DiagnosticsManager } from './diagnostics';
import { codeActionsMiddleware, IGNORE_IN_FILE_COMMAND, ignoreRuleInFile, INSERT_SNIPPET_COMMAND, insertSnippet } from './codeActions';
import { RuleDocumentation, SHOW_DOCS_COMMAND } from './ruleDocs';
import { ANALYZE_WORKSPACE_COMMAND, WorkspaceChecker } from './workspaceCheck';
import { OPEN_SAMPLE_COMMAND, openSample, SHOW_FIXES_COMMAND, showFixes } from './walkthrough';
import { hoverMiddleware } from './hover';
import { ShipshapeLanguageStatus } from './languageStatus';
import { CommandManager } from './commands';
import { ClientFeatures, ShipshapeClient } from './client';
import { setImageReferenceSource } from './scan/imageReferenceIndex';
import { registerSigningSupport, SigningSupport } from './signing';
import { registerScanSupport, ScanSupport } from './scan';
import { registerInspectSupport } from './inspect';
import { registerCompareSupport } from './compare';
import { GeneratePipelineCommand } from './ciPipeline';

/** What the extension exposes to other extensions and to its integration tests. */
export interface ShipshapeApi {
  /** Own activation cost in milliseconds: evaluating the bundle plus the `activate` call. */
  activationTimeMs: number;
  /** Time spent in `activate` alone. */
  activateOnlyMs: number;
  /** CPU time of loading the bundle plus `activate`, in milliseconds. */
  activationCpuMs: number;
  /** What the language server says about open documents: `summaryOf(doc)` now, `stateOf(doc)` (findings with fixes) when analysed, `validateNow(doc)`. */
  diagnostics: DiagnosticsManager;
  languageStatus: ShipshapeLanguageStatus;
  /** The language client (`client.ready` resolves when the server runs). */
  client: ShipshapeClient;
  /** cosign commands; `signing.statuses` holds the last verification per image (✓ / ✗ in the tree). */
  signing: SigningSupport;
  /** Image scanning: results store, findings tree, scan diagnostics and CodeLens. */
  scan: ScanSupport;
  /** "Check Workspace": diagnostics for files that are not open. */
  workspaceCheck: WorkspaceChecker;
}

interface LoadMarks { start: number; startCpu: NodeJS.CpuUsage; end?: number; endCpu?: NodeJS.CpuUsage }

export function activate(context: vscode.ExtensionContext): ShipshapeApi {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
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
  setImageReferenceSource((method, params, token) => client.request(method, params, token));
  const languageStatus = new ShipshapeLanguageStatus(diagnostics);
  const commands = new CommandManager();
  commands.register({ id: SHOW_DOCS_COMMAND, execute: (ruleIds?: unknown, chosen?: unknown) => ruleDocs.show(ruleIds, chosen) });
  commands.register({ id: INSERT_SNIPPET_COMMAND, execute: (uri: vscode.Uri, range: vscode.Range, snippet: string) => insertSnippet(uri, range, snippet) });
  commands.register({ id: IGNORE_IN_FILE_COMMAND, execute: (uri?: unknown, ruleIds?: unknown, chosen?: unknown) => ignoreRuleInFile(client, uri, ruleIds, chosen) });
  commands.register({ id: 'shipshape.revalidate', execute: () => diagnostics.revalidateAll() });
  const workspaceCheck = new WorkspaceChecker(client, log);
  commands.register({ id: ANALYZE_WORKSPACE_COMMAND, execute: (options?: { quiet?: boolean }) => workspaceCheck.run({ location: 'notification', quiet: options?.quiet === true }) });
  commands.register({ id: 'shipshape.showOutput', execute: () => log.show() });
  commands.register({ id: OPEN_SAMPLE_COMMAND, execute: () => openSample() });
  commands.register({ id: SHOW_FIXES_COMMAND, execute: () => showFixes(diagnostics) });
  commands.register(new GeneratePipelineCommand(log));
  const signing = registerSigningSupport(context, { log });
  const scan = registerScanSupport(context, { log, signatures: signing.statuses });
  context.subscriptions.push(registerInspectSupport(context, { log, tree: scan.tree, request: (method, params, token) => client.request(method, params, token) }), registerCompareSupport({ log, scan, request: (method, params, token) => client.request(method, params, token) }));

  context.subscriptions.push(
    log,
    ruleDocs,
    client,
    { dispose: () => setImageReferenceSource(undefined) },
    diagnostics,
    workspaceCheck,
    languageStatus,
    commands,
    signing,
    scan,
  );
  // The server starts after activation returned: activation never waits for a process.
  const startTimer = setTimeout(() => { void client.start(); }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startTimer) });
  stopClient = () => client.stop();
  const checkOnStartup = () => vscode.workspace.getConfiguration('shipshape').get<boolean>('analyzeWorkspace.onStartup', false) === true;
  if (checkOnStartup()) {
    // After activation returns: the check reads files, which activation must not wait for.
    const timer = setTimeout(() => { void workspaceCheck.run({ location: 'window', quiet: true }); }, 1000);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    // Turning the setting on is a request to see the whole workspace now, not at the next start.
    if (e.affectsConfiguration('shipshape.analyzeWorkspace.onStartup') && checkOnStartup()) void workspaceCheck.run({ location: 'window', quiet: true });
  }));
  const ended = performance.now();
  const endedCpu = process.cpuUsage();
  const load = (globalThis as { __shipshapeLoad?: LoadMarks }).__shipshapeLoad;
  const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
  const loadMs = load?.end !== undefined ? load.end - load.start : 0;
  const activateOnlyMs = ended - started;
  const activationTimeMs = loadMs + activateOnlyMs;
  // CPU time is what activation costs the extension host; wall time also counts waiting for the
  // CPU while the workbench and other processes run, which swings widely on a busy machine.
  const activationCpuMs = (load?.endCpu ? cpuMs(load.startCpu, load.endCpu) : 0) + cpuMs(startedCpu, endedCpu);
  log.info(`Shipshape activated in ${activationTimeMs.toFixed(1)} ms (loading the bundle ${loadMs.toFixed(1)} ms, activate ${activateOnlyMs.toFixed(1)} ms; CPU ${activationCpuMs.toFixed(1)} ms)`);
  return { activationTimeMs, activationCpuMs, activateOnlyMs, diagnostics, languageStatus, client, signing, scan, workspaceCheck };
}

let stopClient: (() => Promise<void>) | undefined;

export function deactivate(): Promise<void> | undefined {
  // Everything else is disposed through context.subscriptions; the server is asked to exit.
  const stop = stopClient;
  stopClient = undefined;
  return stop?.();
}
