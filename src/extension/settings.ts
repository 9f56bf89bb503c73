/**
 * The `shipshape.*` settings as the language server sees them: answered per resource to its
 * `workspace/configuration` requests, and only the values the user set (user, workspace or
 * folder settings). A default must not reach the server: the folder's `.shipshape.yaml` (shared
 * with the CLI) would be overridden by a value nobody chose, e.g. the profile `all`.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/** The settings the analysis reads, by their key under `shipshape`. */
export const ANALYSIS_SETTINGS = ['enable', 'rules', 'kubernetes.profile', 'dockerfile.trustedRegistries', 'exclude'] as const;

/** The explicitly set analysis settings for a resource, nested as the `shipshape` section (`kubernetes.profile` → `{ kubernetes: { profile } }`). */
export function explicitSettings(scope: vscode.Uri | undefined): Record<string, unknown> {
  const s = vscode.workspace.getConfiguration('shipshape', scope);
  const out: Record<string, unknown> = {};
  for (const key of ANALYSIS_SETTINGS) {
    const i = s.inspect(key);
    const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (value === undefined) continue;
    const parts = key.split('.');
    let target = out;
    for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1]] = value;
  }
  return out;
}

function scopeOf(uri: string | undefined): vscode.Uri | undefined {
  if (!uri) return undefined;
  try { return vscode.Uri.parse(uri, true); } catch { return undefined; }
}

/** Middleware answering the server's `shipshape` configuration requests with explicitSettings. */
export function configurationMiddleware(): NonNullable<Middleware['workspace']> {
  return {
    configuration: (params, token, next) => {
      if (!params.items.every((item) => item.section === 'shipshape')) return next(params, token);
      return params.items.map((item) => explicitSettings(scopeOf(item.scopeUri)));
    },
  };
}
