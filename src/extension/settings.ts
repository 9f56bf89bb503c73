/**
 * Effective configuration per document: the folder's `.shipshape.yaml` (shared with the CLI, so
 * editor and CI agree) overlaid with the `shipshape.*` settings. Read per resource on every use,
 * never cached in globals, so multi-root workspaces and live setting changes just work.
 */
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME, DEFAULT_CONFIG, parseConfigText, Profile, RuleSetting, ShipshapeConfig } from '../core';

/** Editor severities in settings map onto core severities (which then map back to the same editor severity). */
const EDITOR_TO_CORE: Record<string, RuleSetting> = { error: 'high', warning: 'medium', info: 'low', information: 'low', hint: 'info', off: 'off', on: 'on' };

interface FileConfig { config: ShipshapeConfig; problems: string[] }

export class ConfigProvider implements vscode.Disposable {
  private readonly fileConfigs = new Map<string, Promise<FileConfig | undefined>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when anything that changes analysis results changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

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
      const mapped = typeof v === 'string' ? EDITOR_TO_CORE[v.toLowerCase()] : undefined;
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

  private readFolderConfig(folder: vscode.WorkspaceFolder): Promise<FileConfig | undefined> {
    const key = folder.uri.toString();
    let pending = this.fileConfigs.get(key);
    if (!pending) {
      pending = this.loadFolderConfig(folder);
      this.fileConfigs.set(key, pending);
    }
    return pending;
  }

  private async loadFolderConfig(folder: vscode.WorkspaceFolder): Promise<FileConfig | undefined> {
    const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      return undefined;
    }
    const result = parseConfigText(new TextDecoder().decode(bytes));
    for (const p of result.problems) this.log.warn(`${uri.fsPath}: ${p}`);
    return result;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
