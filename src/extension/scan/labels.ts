/** Translated names of scan vocabulary, shared by the tree, the status bar and the diagnostics. */
import * as vscode from 'vscode';
import { VulnSeverity, VULN_SEVERITIES } from '../../core/scan/model';
import type { SeverityCounts } from '../../core/scan/tree';
import { plainValue } from '../notificationText';

export function severityName(s: VulnSeverity): string {
  switch (s) {
    case 'critical': return vscode.l10n.t('Critical');
    case 'high': return vscode.l10n.t('High');
    case 'medium': return vscode.l10n.t('Medium');
    case 'low': return vscode.l10n.t('Low');
    case 'negligible': return vscode.l10n.t('Negligible');
    default: return vscode.l10n.t('Unknown');
  }
}

/** `2 critical, 1 high`, or `no vulnerabilities`. */
export function countsSummary(counts: SeverityCounts): string {
  const parts = VULN_SEVERITIES.filter((s) => counts[s] > 0).map((s) => vscode.l10n.t('{0} {1}', counts[s], severityName(s).toLowerCase()));
  return parts.length ? parts.join(', ') : vscode.l10n.t('no vulnerabilities');
}

/**
 * A file as messages name it: relative to the workspace folder (with the folder's name in a
 * multi-root workspace), the local path outside it, never a `file://` URI.
 */
export function displayPath(uri: vscode.Uri): string {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const shown = vscode.workspace.asRelativePath(uri, folders.length > 1);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(shown)) return shown;
  return uri.scheme === 'file' ? uri.fsPath : uri.path.split('/').pop() || uri.path;
}

/** What a file that is not a scan report looks like, in words; what the file says only as plain values. */
export function reportShapeText(shape: import('../../core/scan/importReport').ReportShape): string {
  switch (shape.kind) {
    case 'empty': return vscode.l10n.t('empty');
    case 'not-json': return vscode.l10n.t('not JSON (it starts with "{0}")', plainValue(shape.start, 60));
    case 'object': return shape.keys.length
      ? vscode.l10n.t('a JSON object with the keys {0}', shape.keys.map((k) => plainValue(k, 40)).join(', '))
      : vscode.l10n.t('an empty JSON object');
    case 'array': return vscode.l10n.t('a JSON array of {0} items', shape.length);
    default: return vscode.l10n.t('a JSON {0}', shape.type);
  }
}
