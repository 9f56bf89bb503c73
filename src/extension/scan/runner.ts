/**
 * Runs a scan from the editor: refuses in an untrusted workspace, reads the user's tool paths,
 * shows cancellable progress, logs the command line and the tool's stderr, and turns every
 * ScanError into a message with the actions that fix it.
 */
import * as vscode from 'vscode';
import { ScannerId, SCANNER_IDS, ScanReport } from '../../core/scan/model';
import type { ScanErrorCode, ScannerChoice, ScanRunOptions } from '../../node/scanRunner';
import { displayCommand } from '../signing/inputs';
import { loadScanRunner, loadScanners } from './lazy';
import { readScannerChoice, readTimeoutMs, readToolPaths, saveToolPath, toolOfScanner } from './toolSettings';
import { ScanResultsStore } from './store';
import { plainValue } from '../notificationText';

export interface ScanRequest {
  reference: string;
  /** Overrides the `shipshape.scan.scanner` setting. */
  scanner?: ScannerChoice;
  /** Cancels like the notification's Cancel button (for callers that have their own token). */
  cancellation?: vscode.CancellationToken;
}

/** What a scan command resolves to; commands return it so callers (and tests) see what happened. */
export type ScanOutcome =
  | { status: 'scanned'; reports: ScanReport[] }
  | { status: 'cancelled' }
  | { status: 'refused'; message: string }
  /** `message` (the details, for the log) and `shown`, what the notification said. */
  | { status: 'failed'; code: ScanErrorCode | 'UNEXPECTED'; message: string; actions: string[]; shown?: string };

/** Opens the workspace trust editor (what "Manage Workspace Trust" does). */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Shows why something is not done in Restricted Mode and offers to manage trust; does not wait for the answer. */
export function refuseInRestrictedMode(message: string): { status: 'refused'; message: string } {
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window.showWarningMessage(message, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
  });
  return { status: 'refused', message };
}

/** Explains that scanning needs trust and offers to manage it; does not wait for the answer. */
export function refuseUntrusted(what: string): { status: 'refused'; message: string } {
  return refuseInRestrictedMode(vscode.l10n.t('{0} runs an external program, which Shipshape does not do in Restricted Mode. Trust this workspace to scan images; imported reports (Open Scan Report…) still work.', what));
}

/**
 * What every scan the editor runs passes the runner: the user's tool paths and timeout, the first
 * local workspace folder as the working directory, the command line logged.
 */
export function editorScanOptions(log: vscode.LogOutputChannel, scanner: ScannerChoice, signal: AbortSignal): ScanRunOptions {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return {
    scanner,
    toolPaths: readToolPaths(),
    timeoutMs: readTimeoutMs(),
    cwd: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
    signal,
    onCommand: (exe, args) => log.info(`Running ${displayCommand(exe, args)}`),
  };
}

function isScannerId(s: string | undefined): s is ScannerId {
  return !!s && (SCANNER_IDS as readonly string[]).includes(s);
}

export class ImageScanRunner {
  private readonly emitter = new vscode.EventEmitter<ScanReport[]>();
  /** Fires after a scan stored its reports. */
  readonly onDidScan = this.emitter.event;

  constructor(private readonly store: ScanResultsStore, private readonly log: vscode.LogOutputChannel) {}

  async scan(request: ScanRequest): Promise<ScanOutcome> {
    if (!vscode.workspace.isTrusted) return refuseUntrusted(vscode.l10n.t('Scanning'));
    const scanner = request.scanner ?? readScannerChoice();
    const reference = request.reference.trim();
    try {
      const reports = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scanning {0}', reference), cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          const cancel = () => abort.abort();
          const subscriptions = [token.onCancellationRequested(cancel), request.cancellation?.onCancellationRequested(cancel)];
          if (request.cancellation?.isCancellationRequested) cancel();
          return loadScanRunner().scanImage(reference, {
            ...editorScanOptions(this.log, scanner, abort.signal),
            onStderr: (chunk) => {
              const lines = chunk.split(/\r?\n/).map((l) => l.trimEnd()).filter(Boolean);
              for (const line of lines) this.log.info(`[stderr] ${line}`);
              const last = lines[lines.length - 1];
              // The progress notification renders links too: the tool's words only as plain values.
              if (last) progress.report({ message: plainValue(last, 100) });
            },
          }).finally(() => subscriptions.forEach((s) => s?.dispose()));
        },
      );
      await this.store.add(reports);
      const total = reports.reduce((n, r) => n + r.vulns.length, 0);
      this.log.info(`Scanned ${reference}: ${total} vulnerabilit${total === 1 ? 'y' : 'ies'}`);
      this.emitter.fire(reports);
      return { status: 'scanned', reports };
    } catch (e) {
      return this.failed(e, scanner);
    }
  }

  /**
   * Says why a scan failed in our own words: the error's message quotes the scanner's stderr or
   * output, which a notification would render (a `[label](command:…)` link runs a command). The
   * details go to the log, one button away.
   */
  private showError(summary: string, ...actions: string[]): Thenable<string | undefined> {
    const show = vscode.l10n.t('Show Output');
    return vscode.window.showErrorMessage(summary, ...actions, show).then((picked) => {
      if (picked === show) this.log.show(true);
      return picked === show ? undefined : picked;
    });
  }

  private summaryOf(code: ScanErrorCode, tool: string): string {
    switch (code) {
      case 'TIMEOUT': return vscode.l10n.t('{0} did not finish in time and was stopped. The output has the details.', tool);
      case 'OUTPUT_LIMIT': return vscode.l10n.t('{0} printed more output than Shipshape reads and was stopped. The output has the details.', tool);
      case 'BAD_OUTPUT': return vscode.l10n.t('{0} did not print a report Shipshape can read. The output has the details.', tool);
      case 'INVALID_REFERENCE': return vscode.l10n.t('That image reference cannot be scanned. The output says why.');
      case 'TOOL_FAILED': return vscode.l10n.t('{0} failed. The output has its error message.', tool);
      default: return vscode.l10n.t('The scan could not run. The output has the details.');
    }
  }

  private failed(e: unknown, choice: ScannerChoice): ScanOutcome {
    if (!(e instanceof loadScanRunner().ScanError)) {
      const message = vscode.l10n.t('The scan failed: {0}', e instanceof Error ? e.message : String(e));
      this.log.error(message);
      void this.showError(vscode.l10n.t('The scan failed unexpectedly. The output has the details.'));
      return { status: 'failed', code: 'UNEXPECTED', message, actions: [] };
    }
    if (e.code === 'CANCELLED') {
      this.log.info('Scan cancelled');
      return { status: 'cancelled' };
    }
    this.log.error(e.message);
    if (e.code === 'TOOL_MISSING' || e.code === 'BAD_TOOL_PATH') {
      const scanner = isScannerId(e.details.scanner) ? e.details.scanner : choice !== 'auto' ? choice : undefined;
      const choosePath = vscode.l10n.t('Choose Path…');
      const install = vscode.l10n.t('Install Instructions');
      const actions = [choosePath, install];
      // The install links are ours (the adapters' pages), never text from the tool or the workspace.
      const SCANNERS = loadScanners();
      const summary = e.code === 'BAD_TOOL_PATH'
        ? vscode.l10n.t('The configured scanner path cannot be used. The output says why.')
        : scanner
          ? vscode.l10n.t('{0} was not found (searched the configured path and PATH): [install {0}]({1}) or choose the path of its executable.', SCANNERS[scanner].displayName, SCANNERS[scanner].installUrl)
          : vscode.l10n.t('No vulnerability scanner was found (searched the configured paths and PATH). Install one: [Trivy]({0}), [Grype]({1}), [Docker Scout]({2}) or [Snyk]({3}).', SCANNERS.trivy.installUrl, SCANNERS.grype.installUrl, SCANNERS.scout.installUrl, SCANNERS.snyk.installUrl);
      void this.showError(summary, ...actions).then(async (picked) => {
        if (picked === choosePath) await this.choosePath(scanner);
        else if (picked === install) await this.openInstallInstructions(scanner, e.details.installUrls);
      });
      return { status: 'failed', code: e.code, message: e.message, actions, shown: summary };
    }
    // TOOL_FAILED carries the tool's stderr in its message, BAD_OUTPUT the start of its output: both stay in the log.
    const tool = isScannerId(e.details.scanner) ? loadScanners()[e.details.scanner].displayName : plainValue(e.details.scanner ?? vscode.l10n.t('The scanner'), 40);
    const shown = this.summaryOf(e.code, tool);
    void this.showError(shown);
    return { status: 'failed', code: e.code, message: e.message, actions: [], shown };
  }

  private async pickScanner(placeHolder: string): Promise<ScannerId | undefined> {
    const SCANNERS = loadScanners();
    const picked = await vscode.window.showQuickPick(
      SCANNER_IDS.map((id) => ({ label: SCANNERS[id].displayName, description: SCANNERS[id].installUrl, id })),
      { placeHolder },
    );
    return picked?.id;
  }

  /** Asks for the executable and saves it in the user's settings. */
  async choosePath(scanner?: ScannerId): Promise<string | undefined> {
    const id = scanner ?? (await this.pickScanner(vscode.l10n.t('Which scanner do you want to point Shipshape to?')));
    if (!id) return undefined;
    const tool = toolOfScanner(id);
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
      openLabel: vscode.l10n.t('Use this {0}', tool),
      title: vscode.l10n.t('Choose the {0} executable', tool),
    });
    const uri = picked?.[0];
    if (!uri) return undefined;
    await saveToolPath(tool, uri.fsPath);
    this.log.info(`shipshape.scan.${tool}Path set to ${uri.fsPath}`);
    return uri.fsPath;
  }

  private async openInstallInstructions(scanner: ScannerId | undefined, urls: Record<string, string> | undefined): Promise<void> {
    const candidates = scanner ? [scanner] : Object.keys(urls ?? {}).filter(isScannerId);
    const id = candidates.length === 1 ? candidates[0] : await this.pickScanner(vscode.l10n.t('Which scanner do you want to install?'));
    if (!id) return;
    const url = urls?.[id] ?? loadScanners()[id].installUrl;
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
