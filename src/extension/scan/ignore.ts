/**
 * "Ignore vulnerability": writes the scanner's rule for that vulnerability in that package only
 * (`.trivyignore.yaml` with the package URL, `.grype.yaml` with the package name and version),
 * through a WorkspaceEdit (so Ctrl+Z in the file takes it back), says what it wrote with a button
 * to open the file and one to undo exactly that rule. Needs a trusted workspace; never writes a
 * file that is a link, has other hard links or is not a regular file (a repository can point
 * `.trivyignore.yaml` at `~/.bashrc`).
 */
import * as vscode from 'vscode';
import type { IgnoreEntry } from '../../core/scan/ignoreFiles';
import { MAX_CONFIG_BYTES } from '../../core/limits';
import { FileAccessError, readFileInFolder } from '../../node/files';
import { plainValue } from '../notificationText';
import { loadScanCore } from './lazy';
import { refuseUntrusted } from './runner';
import { ScanResultsStore } from './store';
import { asVulnNode } from './tree';

/** Arguments of `shipshape.ignoreVulnerability` besides a tree node. */
export interface IgnoreVulnerabilityArguments {
  node: unknown;
  /** For a Trivy finding whose report names no package: write the id-wide rule anyway. */
  everyPackage?: boolean;
}

/** What the command did; returned so callers (and tests) see it. */
export type IgnoreOutcome =
  | { status: 'ignored'; uri: vscode.Uri; fileName: string; scope: string; message: string; undo(): Promise<boolean> }
  | { status: 'unchanged'; uri: vscode.Uri; fileName: string; message: string }
  | { status: 'needs-package' | 'unsupported' | 'refused' | 'failed'; message: string };

function isArguments(arg: unknown): arg is IgnoreVulnerabilityArguments {
  return !!arg && typeof arg === 'object' && 'node' in arg;
}

/**
 * The file's text as an edit must start from: an open document's with unsaved changes (they stay
 * unsaved), else the disk's; `existed` whether there is a file (or such a document) to edit.
 */
async function readForEdit(folder: vscode.WorkspaceFolder, name: string, uri: vscode.Uri): Promise<{ text: string; existed: boolean }> {
  // Refuses links, hard links, FIFOs and files over the limit before anything is edited.
  const onDisk = await readFileInFolder(folder.uri.fsPath, name, MAX_CONFIG_BYTES);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) return { text: open.getText(), existed: true };
  return { text: onDisk, existed: await vscode.workspace.fs.stat(uri).then(() => true, () => false) };
}

/**
 * Turns `before` into `after` (undefined: deletes the file) with one undoable edit, saved unless
 * the user had unsaved changes: a minimal replacement in the document, or a new file created with
 * its content (not typed into a document VS Code may still hold for a deleted file).
 */
async function applyText(uri: vscode.Uri, existed: boolean, before: string, after: string | undefined): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  let save = false;
  if (after === undefined) {
    edit.deleteFile(uri, { ignoreIfNotExists: true });
  } else if (!existed) {
    edit.createFile(uri, { overwrite: true, contents: new TextEncoder().encode(after) });
  } else {
    const doc = await vscode.workspace.openTextDocument(uri);
    save = !doc.isDirty;
    const current = doc.getText();
    if (current === before) {
      const r = loadScanCore().minimalReplacement(before, after);
      edit.replace(uri, new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)), r.text);
    } else if (!doc.isDirty) {
      // The document lags behind the disk (changed outside VS Code a moment ago): the disk's text wins.
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(current.length)), after);
    } else {
      throw new Error('the file changed while Shipshape was editing it');
    }
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code did not apply the edit');
  if (!save) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  if (!(await doc.save())) throw new Error('the file could not be saved');
}

export async function ignoreVulnerability(store: ScanResultsStore, log: vscode.LogOutputChannel, arg: unknown): Promise<IgnoreOutcome | undefined> {
  const options: IgnoreVulnerabilityArguments = isArguments(arg) ? arg : { node: arg };
  const n = asVulnNode(options.node);
  if (!n) return undefined;
  if (!vscode.workspace.isTrusted) return refuseUntrusted(vscode.l10n.t('Ignoring a vulnerability'));
  const { id, pkg } = n.vuln;
  let entry: IgnoreEntry;
  try {
    const result = loadScanCore().ignoreEntryFor(n.report.scanner, n.vuln);
    if ('entry' in result) entry = result.entry;
    else if (result.unsupported === 'package' && options.everyPackage) entry = result.everyPackage;
    else if (result.unsupported === 'package') {
      const message = vscode.l10n.t('The report names no package URL or path for {0} in {1} (Trivy 0.50 and later write them), so Shipshape cannot write a rule for that package alone. Rescan with a newer Trivy, or ignore it in every package.', plainValue(id, 80), plainValue(pkg, 80));
      const every = vscode.l10n.t('Ignore in Every Package');
      void vscode.window.showWarningMessage(message, every).then((picked) => {
        if (picked === every) void ignoreVulnerability(store, log, { node: n, everyPackage: true });
      });
      return { status: 'needs-package', message };
    } else {
      const message = vscode.l10n.t('Shipshape cannot write ignores for {0}: add {1} to its own policy file.', plainValue(n.report.scanner, 40), plainValue(id, 80));
      void vscode.window.showInformationMessage(message);
      return { status: 'unsupported', message };
    }
  } catch (e) {
    // An id that cannot be written into a file (line breaks, comment characters): said in our words.
    log.error(`Cannot ignore ${JSON.stringify(id)}: ${e instanceof Error ? e.message : String(e)}`);
    const message = vscode.l10n.t('{0} cannot be written into an ignore file.', plainValue(id, 80));
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', message };
  }

  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.length <= 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Where should {0} be written?', entry.fileName) });
  if (!folder) {
    const message = vscode.l10n.t('Open a folder to write {0} into.', entry.fileName);
    if (!folders.length) void vscode.window.showInformationMessage(message);
    return folders.length ? undefined : { status: 'failed', message };
  }
  const uri = vscode.Uri.joinPath(folder.uri, entry.fileName);
  const shown = plainValue(vscode.workspace.asRelativePath(uri, folders.length > 1));
  const fail = (what: string, e: unknown): { status: 'failed'; message: string } => {
    log.error(`Could not ${what} ${id} in ${vscode.workspace.asRelativePath(uri, true)}: ${e instanceof FileAccessError || e instanceof Error ? e.message : String(e)}`);
    const message = vscode.l10n.t('Could not write {0}. The output says why.', shown);
    const show = vscode.l10n.t('Show Output');
    void vscode.window.showErrorMessage(message, show).then((picked) => {
      if (picked === show) log.show(true);
    });
    return { status: 'failed', message };
  };
  if (folder.uri.scheme !== 'file') return fail('ignore', new Error('only folders on the local file system are written'));

  let before: { text: string; existed: boolean };
  let next: string;
  try {
    before = await readForEdit(folder, entry.fileName, uri);
    next = entry.add(before.text);
  } catch (e) {
    return fail('ignore', e);
  }
  const open = vscode.l10n.t('Open {0}', entry.fileName);
  const openFile = () => vscode.window.showTextDocument(uri).then(undefined, () => undefined);
  const idText = plainValue(id, 80);
  const scopeText = plainValue(entry.scope, 120);
  if (next === before.text) {
    const message = vscode.l10n.t('{0} is already ignored in {1}.', idText, shown);
    void vscode.window.showInformationMessage(message, open).then((picked) => { if (picked === open) void openFile(); });
    await store.removeVulnerability(n.report, n.vuln);
    return { status: 'unchanged', uri, fileName: entry.fileName, message };
  }
  try {
    await applyText(uri, before.existed, before.text, next);
  } catch (e) {
    return fail('ignore', e);
  }
  log.info(`Ignored ${id} (${entry.scope || 'every package'}) in ${vscode.workspace.asRelativePath(uri, true)}`);
  await store.removeVulnerability(n.report, n.vuln);

  const undo = async (): Promise<boolean> => {
    try {
      const now = await readForEdit(folder, entry.fileName, uri);
      // Untouched since: the file as it was (gone, if Shipshape created it). Edited: only that rule out.
      const reverted = now.text === next ? before.text : entry.remove(now.text);
      if (reverted === now.text) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The rule for {0} is no longer in {1}.', idText, shown));
        return false;
      }
      await applyText(uri, now.existed, now.text, now.text === next && !before.existed ? undefined : reverted);
    } catch (e) {
      fail('undo the ignore of', e);
      return false;
    }
    log.info(`Removed the ignore rule of ${id} from ${vscode.workspace.asRelativePath(uri, true)}`);
    await store.restoreVulnerability(n.report, n.vuln);
    void vscode.window.showInformationMessage(vscode.l10n.t('Removed the rule for {0} from {1}.', idText, shown));
    return true;
  };

  const message = entry.fileName.endsWith('.trivyignore.yaml')
    ? (entry.scope
      ? vscode.l10n.t('Ignored {0} in {1}: the rule is in {2} (Trivy reads it with --ignorefile {2}; Shipshape\'s scans pass it).', idText, scopeText, shown)
      : vscode.l10n.t('Ignored {0} in every package: the rule is in {1} (Trivy reads it with --ignorefile {1}; Shipshape\'s scans pass it).', idText, shown))
    : vscode.l10n.t('Ignored {0} in {1}: the rule is in {2}.', idText, scopeText || vscode.l10n.t('every package'), shown);
  const undoLabel = vscode.l10n.t('Undo');
  void vscode.window.showInformationMessage(message, open, undoLabel).then((picked) => {
    if (picked === open) void openFile();
    else if (picked === undoLabel) void undo();
  });
  return { status: 'ignored', uri, fileName: entry.fileName, scope: entry.scope, message, undo };
}
