/**
 * Activation only wires features together; each feature lives in its own module and returns
 * disposables. Dockerfile and YAML semantics stay in src/core.
 */
import * as vscode from 'vscode';
import { ConfigProvider } from './settings';
import { DiagnosticsManager } from './diagnostics';
import { INSERT_SNIPPET_COMMAND, insertSnippet, SHOW_DOCS_COMMAND, ShipshapeCodeActionProvider } from './codeActions';
import { ShipshapeHoverProvider } from './hover';
import { ShipshapeLanguageStatus } from './languageStatus';
import { DOCUMENT_SELECTOR } from './documents';
import { CommandManager } from './commands';
import { registerSigningSupport, SigningSupport } from './signing';
import { registerScanSupport, ScanSupport } from './scan';

/** What the extension exposes to other extensions and to its integration tests. */
export interface ShipshapeApi {
  /** Own activation cost in milliseconds: evaluating the bundle plus the `activate` call. */
  activationTimeMs: number;
  /** Time spent in `activate` alone. */
  activateOnlyMs: number;
  /** CPU time of loading the bundle plus `activate`, in milliseconds. */
  activationCpuMs: number;
  diagnostics: DiagnosticsManager;
  languageStatus: ShipshapeLanguageStatus;
  /** cosign commands; `signing.statuses` holds the last verification per image (✓ / ✗ in the tree). */
  signing: SigningSupport;
  /** Image scanning: results store, findings tree, scan diagnostics and CodeLens. */
  scan: ScanSupport;
}

interface LoadMarks { start: number; startCpu: NodeJS.CpuUsage; end?: number; endCpu?: NodeJS.CpuUsage }

export function activate(context: vscode.ExtensionContext): ShipshapeApi {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Shipshape'), { log: true });
  const docsUri = (ruleId: string) => vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${ruleId}.md`);

  const config = new ConfigProvider(log);
  const diagnostics = new DiagnosticsManager(config, docsUri, log);
  const languageStatus = new ShipshapeLanguageStatus(diagnostics);
  const commands = new CommandManager();
  commands.register({
    id: SHOW_DOCS_COMMAND,
    execute: async (ruleId?: unknown) => {
      if (typeof ruleId !== 'string' || !/^[a-z0-9-]+$/i.test(ruleId)) return;
      await vscode.commands.executeCommand('markdown.showPreview', docsUri(ruleId));
    },
  });
  commands.register({ id: INSERT_SNIPPET_COMMAND, execute: (uri: vscode.Uri, range: vscode.Range, snippet: string) => insertSnippet(uri, range, snippet) });
  commands.register({ id: 'shipshape.revalidate', execute: () => diagnostics.revalidateAll() });
  commands.register({ id: 'shipshape.showOutput', execute: () => log.show() });
  const signing = registerSigningSupport(context, { log });
  const scan = registerScanSupport(context, { log, signatures: signing.statuses });

  context.subscriptions.push(
    log,
    config,
    diagnostics,
    languageStatus,
    commands,
    signing,
    scan,
    vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new ShipshapeCodeActionProvider(diagnostics, config), ShipshapeCodeActionProvider.metadata),
    vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new ShipshapeHoverProvider(diagnostics)),
  );
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
  return { activationTimeMs, activationCpuMs, activateOnlyMs, diagnostics, languageStatus, signing, scan };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
