/**
 * Hover on a flagged range: one line per finding, most severe first (the message, our rule id and
 * the public IDs), and one link to the rules' documentation. Rule prose stays in the docs page.
 */
import * as vscode from 'vscode';
import { Finding, severityRank } from '../core';
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

/** Findings under the cursor for the hover: each once, most severe first, then as reported. */
export function orderForHover(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.map((f, i) => ({ f, i })).sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i).map((x) => x.f);
}

/** `PSS-restricted:capabilities_restricted` → `PSS restricted`; other public IDs as they are. */
function shortReference(ref: string): string {
  const pss = /^PSS-(baseline|restricted)(?::|$)/.exec(ref);
  return pss ? `PSS ${pss[1]}` : ref;
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

/**
 * A finding message as Markdown: its backtick spans (`-y`, `apt-get install`) render as code,
 * everything else is shown literally.
 */
export function messageMarkdown(message: string): string {
  const parts = message.split(/(`[^`\n]+`)/);
  return parts.map((p, i) => (i % 2 === 1 ? p : escapeMarkdown(p))).join('');
}

/** Escapes Markdown so text is shown literally. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&');
}
