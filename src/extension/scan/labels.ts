/** Translated names of scan vocabulary, shared by the tree, the status bar and the diagnostics. */
import * as vscode from 'vscode';
import { VulnSeverity, VULN_SEVERITIES } from '../../core/scan/model';
import type { SeverityCounts } from '../../core/scan/tree';

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
