/**
 * "Shipshape: Check Workspace": every Dockerfile and manifest of the workspace analysed from
 * disk, so the Problems panel lists files nobody opened (like CI would). Bounded: files.exclude
 * and shipshape.exclude are honoured, node_modules and .git skipped, at most MAX_FILES files of
 * at most MAX_FILE_BYTES each,
 * with progress and cancellation. `shipshape.analyzeWorkspace.onStartup` runs it at startup.
 * Open documents keep their live analysis; a file closed after the check is re-read from disk.
 */
import * as vscode from 'vscode';
import { analyze, detectFileKind } from '../core';
import { DiagnosticsManager } from './diagnostics';
import { ConfigProvider } from './settings';
import { isChartTemplate, isExcludedUri } from './documents';

export const ANALYZE_WORKSPACE_COMMAND = 'shipshape.analyzeWorkspace';
/** Files larger than this are not read (a generated manifest of megabytes helps nobody here). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Most files one check reads. */
export const MAX_FILES = 5000;
/** Folders never walked, as `shipshape check` skips them. */
const SKIPPED_DIRS = /\/(node_modules|\.git)\//;
export const WORKSPACE_GLOB = '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile,Dockerfile.*,Containerfile.*,*.yaml,*.yml}';

/** What a check did, for the notification, the output channel and the tests. */
export interface WorkspaceCheckResult {
  /** Files analysed (Dockerfiles and YAML that are Kubernetes manifests). */
  analysed: number;
  findings: number;
  /** Files with at least one finding. */
  withFindings: number;
  skipped: { excluded: number; tooLarge: number; unreadable: number; notApplicable: number; open: number };
  cancelled: boolean;
  /** True when more files matched than MAX_FILES. */
  truncated: boolean;
}

export interface WorkspaceCheckOptions {
  /** Where progress is shown: a cancellable notification (the command) or the status bar (startup). */
  location?: 'notification' | 'window';
  /** Say nothing when done (startup, tests). */
  quiet?: boolean;
}

export class WorkspaceChecker implements vscode.Disposable {
  /** Files whose diagnostics came from disk, so they can be refreshed or withdrawn. */
  private readonly fromDisk = new Set<string>();
  /** Files the last check covered (found, not hidden by files.exclude), open ones included. */
  private checked = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private running: Promise<WorkspaceCheckResult> | undefined;
  private hasRun = false;

  constructor(
    private readonly diagnostics: DiagnosticsManager,
    private readonly config: ConfigProvider,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // After the live analysis of a closed document is cleared, show what is on disk again.
      vscode.workspace.onDidCloseTextDocument((d) => { if (this.checked.has(d.uri.toString())) void this.refresh(d.uri); }),
    );
    // Settings or .shipshape.yaml changed: the files from disk are re-checked like the open ones.
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.disposables.push(
      config.onDidChange(() => {
        if (!this.hasRun) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => { timer = undefined; void this.run({ location: 'window', quiet: true }); }, 500);
      }),
      { dispose: () => { if (timer) clearTimeout(timer); } },
    );
    // Files changed on disk (a pull, a generator) after a check: keep the Problems panel true.
    const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidChange((uri) => { if (this.checked.has(uri.toString())) void this.refresh(uri); }),
      watcher.onDidCreate((uri) => { if (this.hasRun && !SKIPPED_DIRS.test(uri.path)) { this.checked.add(uri.toString()); void this.refresh(uri); } }),
      watcher.onDidDelete((uri) => { if (this.fromDisk.delete(uri.toString())) this.diagnostics.clearFromDisk(uri); }),
    );
  }

  /** Runs a check (or joins the one running). */
  run(options: WorkspaceCheckOptions = {}): Promise<WorkspaceCheckResult> {
    if (!this.running) {
      this.running = this.runOnce(options).finally(() => { this.running = undefined; });
    }
    return this.running;
  }

  private async runOnce(options: WorkspaceCheckOptions): Promise<WorkspaceCheckResult> {
    const result: WorkspaceCheckResult = {
      analysed: 0, findings: 0, withFindings: 0, cancelled: false, truncated: false,
      skipped: { excluded: 0, tooLarge: 0, unreadable: 0, notApplicable: 0, open: 0 },
    };
    if (!vscode.workspace.workspaceFolders?.length) return result;
    this.hasRun = true;
    const location = options.location === 'window' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
    await vscode.window.withProgress({ location, title: vscode.l10n.t('Shipshape: checking the workspace'), cancellable: location === vscode.ProgressLocation.Notification }, async (progress, token) => {
      const started = Date.now();
      // `exclude` undefined: VS Code applies files.exclude (a glob of ours would replace it), so
      // dependency and VCS folders, which the CLI skips too, are dropped afterwards.
      const found = await vscode.workspace.findFiles(WORKSPACE_GLOB, undefined, MAX_FILES * 4, token);
      const files = found.filter((uri) => !SKIPPED_DIRS.test(uri.path));
      result.truncated = files.length > MAX_FILES || found.length >= MAX_FILES * 4;
      const list = files.slice(0, MAX_FILES).sort((a, b) => a.toString().localeCompare(b.toString()));
      const seen = new Set<string>();
      let done = 0;
      let reported = 0;
      for (const uri of list) {
        if (token.isCancellationRequested) { result.cancelled = true; break; }
        seen.add(uri.toString());
        await this.checkFile(uri, result);
        done++;
        if (done % 20 === 0 || done === list.length) {
          progress.report({ message: vscode.l10n.t('{0} of {1} files', done, list.length), increment: ((done - reported) / list.length) * 100 });
          reported = done;
          // Let the extension host serve the editor between batches.
          await new Promise((r) => setImmediate(r));
        }
      }
      if (!result.cancelled) {
        this.checked = seen;
        // Files that were checked before and are gone or excluded now.
        for (const key of [...this.fromDisk]) {
          if (seen.has(key)) continue;
          this.fromDisk.delete(key);
          this.diagnostics.clearFromDisk(vscode.Uri.parse(key));
        }
      }
      this.log.info(`workspace check: ${result.analysed} files analysed, ${result.findings} findings in ${result.withFindings} files (${Date.now() - started} ms)${result.cancelled ? ', cancelled' : ''}${result.truncated ? `, first ${MAX_FILES} files only` : ''}; skipped ${JSON.stringify(result.skipped)}`);
    });
    if (!options.quiet) {
      const message = result.cancelled
        ? vscode.l10n.t('Shipshape: workspace check cancelled after {0} files.', result.analysed)
        : result.truncated
          ? vscode.l10n.t('Shipshape checked the first {0} files: {1} problems in {2} files.', MAX_FILES, result.findings, result.withFindings)
          : vscode.l10n.t('Shipshape checked {0} files: {1} problems in {2} files.', result.analysed, result.findings, result.withFindings);
      const show = vscode.l10n.t('Show Problems');
      void vscode.window.showInformationMessage(message, show).then((choice) => {
        if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    }
    return result;
  }

  /** Re-reads one file from disk after its editor closed or it was saved. */
  private async refresh(uri: vscode.Uri): Promise<void> {
    // Let a closing document leave workspace.textDocuments first.
    await new Promise((r) => setTimeout(r, 0));
    const scratch: WorkspaceCheckResult = { analysed: 0, findings: 0, withFindings: 0, cancelled: false, truncated: false, skipped: { excluded: 0, tooLarge: 0, unreadable: 0, notApplicable: 0, open: 0 } };
    await this.checkFile(uri, scratch);
  }

  private async checkFile(uri: vscode.Uri, result: WorkspaceCheckResult): Promise<void> {
    const key = uri.toString();
    const kind = detectFileKind(uri.path);
    if (!kind) return;
    if (vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === key)) {
      // The live analysis of the open document is already in the Problems panel.
      result.skipped.open++;
      return;
    }
    const drop = () => { if (this.fromDisk.delete(key)) this.diagnostics.clearFromDisk(uri); };
    if (!this.config.isEnabled(uri)) { drop(); return; }
    const config = await this.config.configFor(uri);
    if (isExcludedUri(uri, config.exclude)) { result.skipped.excluded++; drop(); return; }
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_FILE_BYTES) { result.skipped.tooLarge++; drop(); return; }
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      result.skipped.unreadable++;
      drop();
      return;
    }
    const chartTemplate = kind === 'kubernetes' && await isChartTemplate(uri);
    const analysis = analyze(new TextDecoder().decode(bytes), kind, config, chartTemplate ? { chartTemplate } : undefined);
    if (analysis.notApplicable || analysis.skipped) { result.skipped.notApplicable++; drop(); return; }
    result.analysed++;
    result.findings += analysis.findings.length;
    if (analysis.findings.length) result.withFindings++;
    if (this.diagnostics.publishFromDisk(uri, analysis.findings)) this.fromDisk.add(key);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
