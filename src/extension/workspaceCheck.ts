/**
 * "Shipshape: Check Workspace": every Dockerfile and manifest of the workspace analysed from
 * disk, so the Problems panel lists files nobody opened (like CI would). The extension finds the
 * files (files.exclude honoured, node_modules and .git skipped, at most MAX_FILES); the language
 * server reads and analyses them (shipshape.exclude, at most CHECK_FILE_MAX_BYTES each) and
 * publishes their diagnostics, in batches with progress and cancellation (CHECK_FILES_REQUEST).
 * `shipshape.analyzeWorkspace.onStartup` runs it at startup. Open documents keep their live
 * analysis; a file closed after the check shows its disk result again (the server re-reads it,
 * and checks the files again when settings or a `.shipshape.yaml` change).
 */
import * as vscode from 'vscode';
import { detectFileKind, DOCKERFILE_NAME_GROUP } from '../core/fileKind';
import { CHECK_FILE_MAX_BYTES, CHECK_FILES_REQUEST, CheckFilesParams, CheckFilesResult } from '../server/protocol';
import type { ShipshapeClient } from './client';

export const ANALYZE_WORKSPACE_COMMAND = 'shipshape.analyzeWorkspace';
/** Files larger than this are not read (a generated manifest of megabytes helps nobody here). */
export const MAX_FILE_BYTES = CHECK_FILE_MAX_BYTES;
/** Files per request to the server: progress and cancellation between batches. */
const BATCH = 20;
/** Most files one check reads. */
export const MAX_FILES = 5000;
/** Folders never walked, as `shipshape check` skips them. */
const SKIPPED_DIRS = /\/(node_modules|\.git)\//;
export const WORKSPACE_GLOB = `**/${DOCKERFILE_NAME_GROUP.slice(0, -1)},*.yaml,*.yml}`;

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
  /** Files the last check covered (found, not hidden by files.exclude), open ones included. */
  private checked = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private running: Promise<WorkspaceCheckResult> | undefined;
  private hasRun = false;

  constructor(
    private readonly client: ShipshapeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Files changed on disk (a pull, a generator) after a check: keep the Problems panel true.
    const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidChange((uri) => { if (this.checked.has(uri.toString())) void this.send({ uris: [uri.toString()] }); }),
      watcher.onDidCreate((uri) => { if (this.hasRun && !SKIPPED_DIRS.test(uri.path)) { this.checked.add(uri.toString()); void this.send({ uris: [uri.toString()] }); } }),
      watcher.onDidDelete((uri) => { if (this.checked.delete(uri.toString())) void this.send({ uris: [uri.toString()], forget: true }); }),
    );
  }

  private send(params: CheckFilesParams, token?: vscode.CancellationToken): Promise<CheckFilesResult | undefined> {
    return this.client.request<CheckFilesResult>(CHECK_FILES_REQUEST, params, token);
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
      const list = files.slice(0, MAX_FILES).filter((uri) => detectFileKind(uri.path)).sort((a, b) => a.toString().localeCompare(b.toString()));
      const seen = new Set<string>();
      let done = 0;
      for (let i = 0; i < list.length; i += BATCH) {
        if (token.isCancellationRequested) { result.cancelled = true; break; }
        const batch = list.slice(i, i + BATCH).map((u) => u.toString());
        for (const key of batch) seen.add(key);
        const answer = await this.send({ uris: batch }, token);
        if (!answer) { if (token.isCancellationRequested) result.cancelled = true; else this.log.warn('workspace check: the language server did not answer'); break; }
        for (const f of answer.files) count(result, f.status, f.problems);
        if (answer.cancelled || token.isCancellationRequested) { result.cancelled = true; break; }
        done += batch.length;
        progress.report({ message: vscode.l10n.t('{0} of {1} files', done, list.length), increment: (batch.length / list.length) * 100 });
      }
      if (!result.cancelled) {
        // Files that were checked before and are gone or not found any more.
        const gone = [...this.checked].filter((key) => !seen.has(key));
        this.checked = seen;
        if (gone.length) await this.send({ uris: gone, forget: true });
      } else {
        for (const key of seen) this.checked.add(key);
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

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

function count(result: WorkspaceCheckResult, status: string, problems: number): void {
  switch (status) {
    case 'analysed':
      result.analysed++;
      result.findings += problems;
      if (problems) result.withFindings++;
      return;
    case 'open': result.skipped.open++; return;
    case 'excluded': result.skipped.excluded++; return;
    case 'tooLarge': result.skipped.tooLarge++; return;
    case 'unreadable': result.skipped.unreadable++; return;
    case 'notApplicable': result.skipped.notApplicable++; return;
  }
}
