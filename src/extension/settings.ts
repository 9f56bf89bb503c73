/**
 * Effective configuration per document: the folder's `.shipshape.yaml` (shared with the CLI, so
 * editor and CI agree) overlaid with the `shipshape.*` settings. Read per resource on every use,
 * never cached in globals, so multi-root workspaces and live setting changes just work.
 */
import * as vscode from 'vscode';
import { ConfigIssue, CONFIG_FILE_NAME, DEFAULT_CONFIG, parseConfigText, parseRuleSetting, Profile, RuleSetting, ShipshapeConfig } from '../core';
import { MAX_CONFIG_BYTES } from '../core/limits';
import { FileAccessError, readRegularFile } from '../node/files';


interface FileConfig { config: ShipshapeConfig; problems: string[] }

/** A folder's `.shipshape.yaml` as read: its config, and whether the reading may be cached. */
interface FolderConfigRead { file?: FileConfig; cacheable: boolean }

/** Source of the diagnostics on `.shipshape.yaml` itself. */
export const CONFIG_DIAGNOSTIC_SOURCE = 'Shipshape';

export class ConfigProvider implements vscode.Disposable {
  /** Only successful reads are kept: a failure (parse error, FIFO, too large) is read again next time. */
  private readonly fileConfigs = new Map<string, Promise<FolderConfigRead>>();
  /** Problems of each folder's `.shipshape.yaml`, shown on the file (a parse error would otherwise pass silently). */
  private readonly configDiagnostics = vscode.languages.createDiagnosticCollection('shipshape-config');
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when anything that changes analysis results changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.configDiagnostics];

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
    const invalidate = () => { this.fileConfigs.clear(); this.emitter.fire(); };
    this.disposables.push(
      watcher,
      watcher.onDidChange(invalidate),
      watcher.onDidCreate(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('shipshape')) this.emitter.fire(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
    );
  }

  /** Whether Shipshape is enabled for a resource. */
  isEnabled(uri: vscode.Uri): boolean {
    return vscode.workspace.getConfiguration('shipshape', uri).get<boolean>('enable', true);
  }

  /** The effective engine configuration for a document. */
  async configFor(uri: vscode.Uri): Promise<ShipshapeConfig> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const fromFile = folder ? await this.readFolderConfig(folder) : undefined;
    const base = fromFile?.config ?? DEFAULT_CONFIG;
    const s = vscode.workspace.getConfiguration('shipshape', uri);
    const rules: Record<string, RuleSetting> = { ...base.rules };
    const ruleSettings = s.get<Record<string, unknown>>('rules', {}) ?? {};
    for (const [k, v] of Object.entries(ruleSettings)) {
      // The words of `.shipshape.yaml` (off, on, critical…info), and the editor words this setting took before (error → high…).
      const mapped = parseRuleSetting(v, true);
      if (mapped) rules[k] = mapped;
    }
    const profileInspect = s.inspect<string>('kubernetes.profile');
    const explicitProfile = profileInspect?.workspaceFolderValue ?? profileInspect?.workspaceValue ?? profileInspect?.globalValue;
    const profile = (explicitProfile ?? base.profile) as Profile;
    const registries = s.get<string[]>('dockerfile.trustedRegistries', []) ?? [];
    const exclude = s.get<string[]>('exclude', []) ?? [];
    return {
      rules,
      profile: ['baseline', 'restricted', 'all'].includes(profile) ? profile : 'all',
      trustedRegistries: [...new Set([...base.trustedRegistries, ...registries.filter((x) => typeof x === 'string')])],
      exclude: [...new Set([...base.exclude, ...exclude.filter((x) => typeof x === 'string')])],
    };
  }

  private async readFolderConfig(folder: vscode.WorkspaceFolder): Promise<FileConfig | undefined> {
    const key = folder.uri.toString();
    let pending = this.fileConfigs.get(key);
    if (!pending) {
      pending = this.loadFolderConfig(folder).catch((e: unknown): FolderConfigRead => {
        this.log.error(`${CONFIG_FILE_NAME} of ${folder.uri.toString(true)} could not be read: ${e instanceof Error ? e.message : String(e)}`);
        return { cacheable: false };
      });
      this.fileConfigs.set(key, pending);
    }
    const read = await pending;
    // Never keep a failure: the next analysis reads the file again instead of going without a config for good.
    if (!read.cacheable && this.fileConfigs.get(key) === pending) this.fileConfigs.delete(key);
    return read.file;
  }

  /**
   * Reads a folder's `.shipshape.yaml` (even in an untrusted workspace, so it is read like any
   * stranger's file): only a regular file of at most 1 MiB, parsed by the never-throwing core
   * reader. Its problems become diagnostics on the file.
   */
  private async loadFolderConfig(folder: vscode.WorkspaceFolder): Promise<FolderConfigRead> {
    const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
    let text: string;
    try {
      text = await readConfigFile(uri);
    } catch (e) {
      if (e instanceof FileAccessError && e.code === 'NOT_FOUND') {
        this.configDiagnostics.delete(uri);
        return { cacheable: true };
      }
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') {
        this.configDiagnostics.delete(uri);
        return { cacheable: true };
      }
      const why = e instanceof Error ? e.message : String(e);
      this.log.warn(`${uri.toString(true)} not read: ${why}`);
      this.showIssues(uri, [{ message: vscode.l10n.t('Not read: {0}', why), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
      return { cacheable: false };
    }
    const result = parseConfigText(text);
    for (const p of result.problems) this.log.warn(`${uri.toString(true)}: ${p}`);
    this.showIssues(uri, result.issues ?? []);
    return { file: result, cacheable: !result.unreadable };
  }

  private showIssues(uri: vscode.Uri, issues: readonly ConfigIssue[]): void {
    if (!issues.length) {
      this.configDiagnostics.delete(uri);
      return;
    }
    this.configDiagnostics.set(uri, issues.map((i) => {
      const range = new vscode.Range(i.range.start.line, i.range.start.character, i.range.end.line, i.range.end.character);
      const d = new vscode.Diagnostic(range, vscode.l10n.t('Shipshape configuration: {0}', i.message), vscode.DiagnosticSeverity.Warning);
      d.source = CONFIG_DIAGNOSTIC_SOURCE;
      return d;
    }));
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The text of a `.shipshape.yaml`: a regular file of at most MAX_CONFIG_BYTES (a FIFO must not hang the extension host). */
async function readConfigFile(uri: vscode.Uri): Promise<string> {
  if (uri.scheme === 'file') return readRegularFile(uri.fsPath, MAX_CONFIG_BYTES);
  const st = await vscode.workspace.fs.stat(uri);
  if ((st.type & vscode.FileType.File) === 0) throw new Error('not a regular file');
  if (st.size > MAX_CONFIG_BYTES) throw new Error(`larger than the ${MAX_CONFIG_BYTES / 1024} KiB Shipshape reads`);
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
