/** Hover on a flagged range: rule title, why it matters, the public IDs and how to fix it. */
import * as vscode from 'vscode';
import { findRule } from '../core';
import { describeReference } from '../core/report/docs';
import { DiagnosticsManager } from './diagnostics';
import { toRange } from './convert';
import { SHOW_DOCS_COMMAND } from './codeActions';

export class ShipshapeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly diagnostics: DiagnosticsManager) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.diagnostics.stateOf(doc);
    if (!state) return undefined;
    const hits = state.findings.filter((f) => toRange(f.range).contains(position));
    if (hits.length === 0) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [SHOW_DOCS_COMMAND] };
    const seen = new Set<string>();
    for (const f of hits) {
      if (seen.has(f.ruleId)) continue;
      seen.add(f.ruleId);
      const rule = findRule(f.ruleId);
      if (seen.size > 1) md.appendMarkdown('\n\n---\n\n');
      md.appendMarkdown(`**${escape(rule?.title ?? f.ruleId)}** \`${f.ruleId}\` · ${escape(severityLabel(f.severity))}\n\n`);
      if (rule) md.appendMarkdown(`${escape(rule.description)}\n\n`);
      if (rule) md.appendMarkdown(`**${escape(vscode.l10n.t('How to fix'))}:** ${escape(rule.remediation)}\n\n`);
      if (f.references.length) {
        md.appendMarkdown(`${escape(vscode.l10n.t('Also known as'))}: ${f.references.map((r) => escape(describeReference(r))).join(', ')}\n\n`);
      }
      const args = encodeURIComponent(JSON.stringify([f.ruleId]));
      md.appendMarkdown(`[${escape(vscode.l10n.t('Documentation'))}](command:${SHOW_DOCS_COMMAND}?${args})`);
    }
    return new vscode.Hover(md, toRange(hits[0].range));
  }
}

function severityLabel(s: string): string {
  switch (s) {
    case 'critical': return vscode.l10n.t('Critical');
    case 'high': return vscode.l10n.t('High');
    case 'medium': return vscode.l10n.t('Medium');
    case 'low': return vscode.l10n.t('Low');
    default: return vscode.l10n.t('Info');
  }
}

/** Escapes Markdown so rule text is shown literally. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
