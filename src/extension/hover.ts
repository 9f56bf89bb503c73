/**
 * Hover on a flagged range: one line per finding, most severe first (the message, our rule id and
 * the public IDs), and one link to the rules' documentation. Rule prose stays in the docs page.
 */
import * as vscode from 'vscode';
import { escapeMarkdown, messageMarkdown, orderForHover, shortReference } from './hoverText';
import { DiagnosticsManager } from './diagnostics';
import { toRange } from './convert';
import { SHOW_DOCS_COMMAND } from './ruleDocs';

const ICONS: Record<string, string> = { critical: '$(error)', high: '$(error)', medium: '$(warning)', low: '$(info)', info: '$(lightbulb)' };

export class ShipshapeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly diagnostics: DiagnosticsManager) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.diagnostics.stateOf(doc);
    if (!state) return undefined;
    const hits = orderForHover(state.findings.filter((f) => toRange(f.range).contains(position)));
    if (hits.length === 0) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [SHOW_DOCS_COMMAND] };
    const lines = hits.map((f) => {
      const refs = f.references.map(shortReference);
      return `${ICONS[f.severity] ?? ''} **${severityLabel(f.severity)}** ${messageMarkdown(f.message)} · \`${f.ruleId}\`${refs.length ? ` · ${refs.map(escapeMarkdown).join(', ')}` : ''}`;
    });
    md.appendMarkdown(lines.join('\n\n'));
    const ruleIds = [...new Set(hits.map((f) => f.ruleId))];
    const args = encodeURIComponent(JSON.stringify([ruleIds]));
    const label = ruleIds.length === 1 ? vscode.l10n.t('Rule documentation') : vscode.l10n.t('Rule documentation…');
    md.appendMarkdown(`\n\n[${escapeMarkdown(label)}](command:${SHOW_DOCS_COMMAND}?${args} "${escapeMarkdown(vscode.l10n.t('Open the rule documentation'))}")`);
    let range = toRange(hits[0].range);
    for (const f of hits) range = range.intersection(toRange(f.range)) ?? range;
    return new vscode.Hover(md, range);
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
