/**
 * The server's configuration per document: the workspace folder's `.shipshape.yaml` (read like a
 * stranger's file: a regular file of at most 1 MiB, through node/files.ts, parsed by the core's
 * never-throwing reader) overlaid with the client's `shipshape` settings section. A client that
 * sends no configuration gets the defaults plus `.shipshape.yaml`.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import { ConfigIssue, CONFIG_FILE_NAME, DEFAULT_CONFIG, parseConfigText, parseRuleSetting, Profile, RuleSetting, ShipshapeConfig } from '../core';
import { MAX_CONFIG_BYTES } from '../core/limits';
import { FileAccessError, readRegularFile } from '../node/files';
import { english, frag, Locale, localize } from '../core/l10n';


/** The client's `shipshape` section (the VS Code settings' shape; every field optional). */
export interface ClientSettings {
  enable?: unknown;
  rules?: unknown;
  kubernetes?: { profile?: unknown };
  dockerfile?: { trustedRegistries?: unknown };
  exclude?: unknown;
}

export function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}

/** Whether the client settings turn Shipshape off for a resource. */
export function isEnabled(settings: ClientSettings | undefined): boolean {
  return settings?.enable !== false;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The settings overlaid on a folder's config (settings win; lists are merged). */
export function mergeSettings(base: ShipshapeConfig, settings: ClientSettings | undefined): ShipshapeConfig {
  const s = settings && typeof settings === 'object' ? settings : {};
  const rules: Record<string, RuleSetting> = { ...base.rules };
  if (s.rules && typeof s.rules === 'object' && !Array.isArray(s.rules)) {
    for (const [k, v] of Object.entries(s.rules as Record<string, unknown>)) {
      // The words of `.shipshape.yaml` (off, on, critical…info) and the editor words the setting took before, as the VS Code extension reads them.
      const mapped = parseRuleSetting(v, true);
      if (mapped) rules[k] = mapped;
    }
  }
  const p = s.kubernetes && typeof s.kubernetes === 'object' ? s.kubernetes.profile : undefined;
  const profile = typeof p === 'string' && ['baseline', 'restricted', 'all'].includes(p) ? p as Profile : base.profile;
  const registries = s.dockerfile && typeof s.dockerfile === 'object' ? strings(s.dockerfile.trustedRegistries) : [];
  return {
    rules,
    profile,
    trustedRegistries: [...new Set([...base.trustedRegistries, ...registries])],
    exclude: [...new Set([...base.exclude, ...strings(s.exclude)])],
  };
}

export interface FolderConfig { config: ShipshapeConfig; problems: string[] }

/** A `.shipshape.yaml` problem as the diagnostic on the file says it, in a locale. */
export function configIssueMessage(issue: ConfigIssue, locale: Locale): string {
  const text = frag('server.config.issue', 'Shipshape configuration: {problem}', { problem: issue.l10n ?? issue.message });
  return localize(text, english(text), locale);
}

/** Each workspace folder's `.shipshape.yaml`, cached until the file is reported changed. */
export class FolderConfigs {
  private readonly cache = new Map<string, Promise<FolderConfig | undefined>>();

  /** `onIssues` receives each read's problems with their ranges (none when the file is fine or absent). */
  constructor(private readonly log: (msg: string) => void, private readonly onIssues: (file: string, issues: readonly ConfigIssue[]) => void = () => undefined) {}

  /** The folder (a directory path) containing a file path: the deepest workspace folder. */
  static folderOf(file: string, folders: readonly string[]): string | undefined {
    let best: string | undefined;
    for (const f of folders) {
      const rel = path.relative(f, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.length > best.length)) best = f;
    }
    return best;
  }

  get(folder: string): Promise<FolderConfig | undefined> {
    let pending = this.cache.get(folder);
    if (!pending) {
      pending = this.load(folder);
      this.cache.set(folder, pending);
    }
    return pending;
  }

  invalidate(): void {
    this.cache.clear();
  }

  private async load(folder: string): Promise<FolderConfig | undefined> {
    const file = path.join(folder, CONFIG_FILE_NAME);
    let text: string;
    try {
      text = await readRegularFile(file, MAX_CONFIG_BYTES);
    } catch (e) {
      if (e instanceof FileAccessError && e.code === 'NOT_FOUND') this.onIssues(file, []);
      else {
        const why = e instanceof Error ? e.message : String(e);
        this.log(`${file} not read: ${why}`);
        const reason = e instanceof FileAccessError && e.reasonL10n ? frag('files.problem', '{file}: {reason}', { file: e.file, reason: e.reasonL10n }) : why;
        const l10n = frag('server.config.not-read', 'not read: {reason}', { reason });
        this.onIssues(file, [{ message: english(l10n), l10n, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
        // Not kept: the next analysis tries again.
        this.cache.delete(folder);
      }
      return undefined;
    }
    const result = parseConfigText(text);
    for (const p of result.problems) this.log(`${file}: ${p}`);
    this.onIssues(file, result.issues ?? []);
    if (result.unreadable) this.cache.delete(folder);
    return { config: result.config, problems: result.problems };
  }
}

export { DEFAULT_CONFIG };
