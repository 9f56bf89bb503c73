/** Small helpers shared by the integration tests (they run inside the extension host). */
import * as vscode from 'vscode';

/** Root of the temporary copy of test/fixtures/workspace the launcher opened. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open');
  return folder.uri;
}

export function fixtureUri(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...segments);
}

export function shipshapeDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Shipshape');
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code ? String(d.code.value) : String(d.code);
}

interface StateApi { diagnostics: { summaryOf(doc: vscode.TextDocument): unknown } }

/** Whether Shipshape's last analysis of an open document is of its current version (no stale diagnostics). */
function isCurrent(uri: vscode.Uri): boolean {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const ext = vscode.extensions.getExtension<StateApi>('shipshape.shipshape');
  if (!ext?.isActive) return false; // `exports` throws before activation
  return !doc || ext.exports.diagnostics.summaryOf(doc) !== undefined;
}

/** Waits until the Shipshape diagnostics of the current version of a document satisfy a predicate. */
export async function waitForDiagnostics(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, what = 'diagnostics', timeoutMs = 10000): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ds = shipshapeDiagnostics(uri);
    if (isCurrent(uri) && predicate(ds)) return ds;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; have: ${ds.map((d) => `${codeOf(d)}@${d.range.start.line}`).join(', ') || 'none'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** The first truthy value of `probe`, polled every 100 ms, or an error naming `what` after `ms`. */
export async function until<T>(what: string, probe: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Updates a `shipshape.*` setting globally and returns a function that restores it. */
export async function withSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('shipshape');
  const before = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => { await vscode.workspace.getConfiguration('shipshape').update(key, before, vscode.ConfigurationTarget.Global); };
}

/**
 * Restores the given documents to their files' contents when a test left them modified, so the
 * next test sees the files on disk: the text is replaced with what is on disk and saved (the
 * revert command acts on the active editor, which on a busy host may not be the one just shown).
 */
export async function revertIfDirty(uris: vscode.Uri[]): Promise<void> {
  for (const uri of uris) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc?.isDirty) continue;
    const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (doc.getText() !== disk) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), disk);
      if (!(await vscode.workspace.applyEdit(edit)) || doc.getText() !== disk) throw new Error(`could not restore ${uri.path}`);
    }
    if (!(await doc.save())) throw new Error(`could not save ${uri.path}`);
  }
}
