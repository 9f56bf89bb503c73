/**
 * Image scanning in the editor: the "Image Findings" view, the scan commands, the CodeLens on
 * `FROM` / `image:`, the scan diagnostics and the status bar item. Scanners run through
 * src/node/scanRunner.ts; reports are normalised, filtered and grouped in src/core/scan.
 */
import * as vscode from 'vscode';
import { SCANNER_IDS } from '../../core/scan/model';
import { findExecutable } from '../../node/which';
import { CommandManager } from '../commands';
import { DOCUMENT_SELECTOR } from '../documents';
import { SignatureStatusStore } from '../signing';
import { ImageCodeLensProvider } from './codeLens';
import { reportSlowImageReferences } from './imageReferenceIndex';
import {
  ExportScanResultsCommand, FilterBySeverityCommand, OpenScanReportCommand, RescanCommand, ScanImageCommand,
  viewToggleCommands, vulnerabilityCommands,
} from './commands';
import { VulnerabilityDetailsView } from './details';
import { ScanDiagnostics } from './diagnostics';
import { displayPath, severityName } from './labels';
import { ImageScanRunner } from './runner';
import { ScanStatusBar } from './statusBar';
import { ScanResultsStore } from './store';
import { readToolPaths, toolOfScanner } from './toolSettings';
import { SCAN_VIEW_ID, ScanTreeProvider } from './tree';

export { SCAN_COMMANDS } from './commands';
export type { ScanImageArguments, ExportArguments, ExportFormat, OpenReportOutcome } from './commands';
export type { ScanOutcome, ScanRequest } from './runner';
export { SCAN_DIAGNOSTIC_SOURCE } from './diagnostics';
export { SCAN_VIEW_ID } from './tree';
export { SCAN_STATE_KEY } from './store';
export type { ScanNode, ImageNode, GroupNode, VulnNode } from './tree';

/** Context keys the view's welcome content and menus read. */
export const SCAN_CONTEXT = {
  hasResults: 'shipshape.scan.hasResults',
  noScanner: 'shipshape.scan.noScanner',
  groupByPackage: 'shipshape.scan.groupByPackage',
  fixableOnly: 'shipshape.scan.fixableOnly',
  filtered: 'shipshape.scan.filtered',
} as const;

/** The scan feature once registered. Tests reach it through the extension's API. */
export interface ScanSupport extends vscode.Disposable {
  readonly store: ScanResultsStore;
  readonly tree: ScanTreeProvider;
  readonly diagnostics: ScanDiagnostics;
  readonly codeLens: ImageCodeLensProvider;
  readonly statusBar: ScanStatusBar;
  /** A fresh store and tree read back from workspace storage, as after a restart (the caller disposes them). */
  restoreFromStorage(): { store: ScanResultsStore; tree: ScanTreeProvider };
  /** Whether a scanner was found the last time Shipshape looked (undefined: not looked, e.g. untrusted). */
  scannerFound(): boolean | undefined;
}

export interface ScanSupportOptions {
  log: vscode.LogOutputChannel;
  /** The signing feature's verification results, for ✓ / ✗ on image nodes and the verify lens. */
  signatures?: SignatureStatusStore;
}

export function registerScanSupport(context: vscode.ExtensionContext, options: ScanSupportOptions): ScanSupport {
  const { log, signatures } = options;
  reportSlowImageReferences((uri, ms) => log.warn(`reading the image references of ${displayPath(uri)} took ${ms} ms`));
  const store = new ScanResultsStore(context.workspaceState, log);
  const tree = new ScanTreeProvider(store, context.extensionUri, signatures);
  const treeView = vscode.window.createTreeView(SCAN_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const runner = new ImageScanRunner(store, log);
  const details = new VulnerabilityDetailsView();
  const diagnostics = new ScanDiagnostics(store);
  const codeLens = new ImageCodeLensProvider(signatures);
  const statusBar = new ScanStatusBar(store);
  const commands = new CommandManager();
  commands.register(new ScanImageCommand(runner, log));
  commands.register(new RescanCommand(runner, store));
  commands.register(new OpenScanReportCommand(store, log));
  commands.register(new ExportScanResultsCommand(store));
  commands.register(new FilterBySeverityCommand(store));
  for (const c of viewToggleCommands(store)) commands.register(c);
  for (const c of vulnerabilityCommands(store, details, log)) commands.register(c);

  const syncView = (): void => {
    const v = store.view;
    void vscode.commands.executeCommand('setContext', SCAN_CONTEXT.hasResults, store.reports.length > 0);
    void vscode.commands.executeCommand('setContext', SCAN_CONTEXT.groupByPackage, v.grouping === 'package');
    void vscode.commands.executeCommand('setContext', SCAN_CONTEXT.fixableOnly, v.fixableOnly);
    void vscode.commands.executeCommand('setContext', SCAN_CONTEXT.filtered, v.fixableOnly || v.severities.length > 0);
    const parts = [
      ...(v.severities.length ? [v.severities.map((s) => severityName(s).toLowerCase()).join(', ')] : []),
      ...(v.fixableOnly ? [vscode.l10n.t('fixable only')] : []),
    ];
    treeView.description = parts.length ? parts.join(' · ') : undefined;
  };

  let scannerFound: boolean | undefined;
  const detectScanner = async (): Promise<void> => {
    // Only a file-system lookup (no spawn), and only where tool paths may be honoured.
    if (!vscode.workspace.isTrusted) return;
    const paths = readToolPaths();
    let found = false;
    for (const id of SCANNER_IDS) {
      const tool = toolOfScanner(id);
      try {
        if (await findExecutable(tool, paths[tool])) { found = true; break; }
      } catch {
        // A bad configured path is reported when a scan runs.
      }
    }
    scannerFound = found;
    await vscode.commands.executeCommand('setContext', SCAN_CONTEXT.noScanner, !found);
  };

  // Context keys and the scanner lookup (a PATH walk) are not needed to finish activating:
  // run them right after, so activation stays cheap.
  const deferred = setTimeout(() => { syncView(); void detectScanner(); }, 0);
  const disposables: vscode.Disposable[] = [
    { dispose: () => { clearTimeout(deferred); reportSlowImageReferences(undefined); } },
    commands, treeView, tree, details, diagnostics, codeLens, statusBar, runner, store,
    store.onDidChange(syncView),
    runner.onDidScan(() => { if (scannerFound === false) void detectScanner(); }),
    vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, codeLens),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('shipshape.scan')) void detectScanner(); }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void detectScanner()),
  ];

  return {
    store, tree, diagnostics, codeLens, statusBar,
    restoreFromStorage: () => {
      const restored = new ScanResultsStore(context.workspaceState, log);
      return { store: restored, tree: new ScanTreeProvider(restored, context.extensionUri, signatures) };
    },
    scannerFound: () => scannerFound,
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}
