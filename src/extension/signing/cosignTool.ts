/**
 * What every signing command needs before and after it runs cosign: workspace trust, where
 * cosign is (machine settings only), a runner wired to cancellation and the log, and one way of
 * telling people what went wrong.
 */
import * as vscode from 'vscode';
import { errorText } from '../errorText';
import { plainValue } from '../notificationText';
import { CosignError, CosignRunner, COSIGN_INSTALL_DOCS } from '../../node/cosign';
import { SigningInputError } from '../../core/signing';
import { ExecutablePathError, findExecutable } from '../../node/which';

/** Why a signing command did not do its work, for callers that run it programmatically (tests, the tree). */
export type Refusal = 'untrusted' | 'cancelled' | 'cosign-missing' | 'invalid-input' | 'failed';

/**
 * A tool path from a machine-scoped setting. Only the user's (global) value and the default count:
 * a workspace could otherwise point "cosign" at a script of its own.
 */
export function machineToolPath(section: 'cosign.path' | 'scan.dockerPath' | 'scan.podmanPath'): string | undefined {
  const inspected = vscode.workspace.getConfiguration('shipshape').inspect<string>(section);
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * True when cosign may run. In Restricted Mode nothing is spawned: the user is told why and
 * offered the trust editor, without waiting for an answer.
 */
export function ensureTrusted(log: vscode.LogOutputChannel, what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  log.warn(`${what}: refused in Restricted Mode (the workspace is not trusted); cosign was not run`);
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t('Shipshape does not run cosign in Restricted Mode: a workspace you have not trusted could make it sign or reveal what it should not. Trust the workspace to sign, verify or generate keys.'),
      manage,
    )
    .then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

/** Options of a runner for one command run. */
export interface RunnerOptions {
  log: vscode.LogOutputChannel;
  signal?: AbortSignal;
  /** Extra per-line callback for cosign's (already redacted) stderr. */
  onStderr?(text: string): void;
}

/** A CosignRunner with the machine-scoped tool paths, whose stderr goes to the log line by line. */
export function createRunner(opts: RunnerOptions): CosignRunner {
  return new CosignRunner({
    cosignPath: machineToolPath('cosign.path'),
    dockerPath: machineToolPath('scan.dockerPath'),
    signal: opts.signal,
    onStderr: (text) => {
      for (const line of text.split(/\r?\n/)) if (line.trim()) opts.log.info(`  cosign: ${line}`);
      opts.onStderr?.(text);
    },
  });
}

/** The absolute path of cosign for a terminal (keyless signing), or undefined after telling the user it is missing. */
export async function locateCosign(log: vscode.LogOutputChannel): Promise<string | undefined> {
  const configured = machineToolPath('cosign.path');
  let found: string | undefined;
  let why: string | undefined;
  try {
    found = await findExecutable('cosign', configured);
  } catch (e) {
    if (!(e instanceof ExecutablePathError)) throw e;
    why = e.message;
  }
  if (found) return found;
  const message = why ?? `cosign was not found ${configured ? `at ${configured}` : 'on PATH'}`;
  log.error(message);
  showCosignMissing(message);
  return undefined;
}

/** Tells the user cosign is missing, with the install docs and a way to pick the executable. */
export function showCosignMissing(detail: string): void {
  const install = vscode.l10n.t('Install Instructions');
  const choose = vscode.l10n.t('Choose Path…');
  void vscode.window
    .showErrorMessage(vscode.l10n.t('Shipshape needs cosign to sign and verify images. {0}', detail), install, choose)
    .then(async (choice) => {
      if (choice === install) await vscode.env.openExternal(vscode.Uri.parse(COSIGN_INSTALL_DOCS));
      else if (choice === choose) await chooseCosignPath();
    });
}

/** Lets the user pick the cosign executable and stores it as the user (machine) setting. */
export async function chooseCosignPath(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use This cosign'),
    title: vscode.l10n.t('Choose the cosign executable'),
  });
  const file = picked?.[0];
  if (!file) return undefined;
  await vscode.workspace.getConfiguration('shipshape').update('cosign.path', file.fsPath, vscode.ConfigurationTarget.Global);
  return file.fsPath;
}

/** A failure reported to a programmatic caller; the message is already redacted. */
export interface CommandFailure {
  ok: false;
  refusal: Refusal;
  message?: string;
}

/**
 * Reports an error of a signing command to the user and the log, and returns what the caller
 * gets back. cosign's stderr (already redacted by CosignRunner) goes to the log, not the toast.
 */
export function reportFailure(log: vscode.LogOutputChannel, what: string, error: unknown): CommandFailure {
  let action: FailureWithAction['action'] | undefined;
  if (error instanceof FailureWithAction) {
    action = error.action;
    error = error.cause;
  }
  if (error instanceof CosignError) {
    if (error.code === 'CANCELLED') {
      log.info(`${what}: cancelled`);
      return { ok: false, refusal: 'cancelled', message: error.message };
    }
    if (error.code === 'NOT_FOUND') {
      log.error(`${what}: ${error.message}`);
      showCosignMissing(error.message);
      return { ok: false, refusal: 'cosign-missing', message: error.message };
    }
    // cosign's stderr is already in the log, line by line as it came (redacted). Its words (and a
    // registry's, which cosign quotes) never go into the notification, where a
    // `[label](command:…)` would be a link that runs a command: we say what failed, in our words.
    log.error(`${what}: ${error.message}`);
    showFailure(failureSummary(what, error), log, action);
    return { ok: false, refusal: 'failed', message: error.message };
  }
  if (error instanceof SigningInputError) {
    // Our own validation, but it may quote a reference taken from a workspace file.
    log.warn(`${what}: ${error.message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', what, plainValue(errorText(error))));
    return { ok: false, refusal: 'invalid-input', message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  log.error(`${what}: ${message}`);
  showFailure(vscode.l10n.t('{0} failed. The output has the details.', what), log);
  return { ok: false, refusal: 'failed', message };
}

/** What failed, in our own words (the code and exit status, never cosign's text). */
function failureSummary(what: string, error: CosignError): string {
  switch (error.code) {
    case 'TIMEOUT': return vscode.l10n.t('{0} failed: cosign did not finish in time and was stopped. The output has the details.', what);
    case 'OUTPUT_LIMIT': return vscode.l10n.t('{0} failed: cosign printed more output than Shipshape reads. The output has the details.', what);
    case 'EXISTS': return vscode.l10n.t('{0} failed: a key file of that name already exists in the folder. The output has the details.', what);
    case 'FAILED': return error.exitCode !== undefined && error.exitCode !== null
      ? vscode.l10n.t('{0} failed: cosign exited with code {1}. The output has its error message.', what, String(error.exitCode))
      : vscode.l10n.t('{0} failed. The output has cosign\'s error message.', what);
    default: return vscode.l10n.t('{0} failed: cosign could not be run. The output has the details.', what);
  }
}

/** A failure that comes with one more thing the user can do about it (a notification button). */
export class FailureWithAction extends Error {
  constructor(
    override readonly cause: unknown,
    title: string,
    run: () => unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.action = { title, run };
  }
  readonly action: { title: string; run: () => unknown };
}

/** An error notification with a "Show Output" button; not awaited, so commands return at once. */
export function showFailure(message: string, log: vscode.LogOutputChannel, action?: { title: string; run: () => unknown }): void {
  const show = vscode.l10n.t('Show Output');
  const buttons = action ? [action.title, show] : [show];
  void vscode.window.showErrorMessage(message, ...buttons).then((choice) => {
    if (choice === show) log.show(true);
    else if (action && choice === action.title) void action.run();
  });
}

/** A cancellable notification progress whose cancel button aborts the AbortSignal given to cosign. */
export function withCancellableProgress<T>(title: string, task: (signal: AbortSignal, progress: vscode.Progress<{ message?: string }>) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    return task(controller.signal, progress).finally(() => subscription.dispose());
  });
}
