/**
 * The hover on a flagged range as VS Code shows it: one line per finding, most severe first (the
 * message, our rule id and the public IDs), and one link to the rules' documentation. Which
 * findings, in which order, over which range is the server's answer (FINDINGS_AT_REQUEST, the
 * same as its `textDocument/hover`); this middleware renders it with codicons, the editor's
 * language and a command link to the shipped docs page.
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { escapeMarkdown, messageMarkdown, shortReference } from '../server/hoverText';
import { FINDINGS_AT_REQUEST, FindingsAtParams, FindingsAtResult } from '../server/protocol';
import type { ShipshapeClient } from './client';
import { toRange } from './convert';
import { SHOW_DOCS_COMMAND } from './ruleDocs';
import { withBaseImageAdvice } from './compare/hover';

const ICONS: Record<string, string> = { critical: '$(error)', high: '$(error)', medium: '$(warning)', low: '$(info)', info: '$(lightbulb)' };

/** The hover's Markdown for the server's findings at a position. */
export function hoverOf(at: FindingsAtResult): vscode.Hover {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_DOCS_COMMAND] };
  const lines = at.findings.map((f) => {
    const refs = f.references.map(shortReference);
    return `${ICONS[f.severity] ?? ''} **${severityLabel(f.severity)}** ${messageMarkdown(f.message)} · \`${f.ruleId}\`${refs.length ? ` · ${refs.map(escapeMarkdown).join(', ')}` : ''}`;
  });
  md.appendMarkdown(lines.join('\n\n'));
  const ruleIds = [...new Set(at.findings.map((f) => f.ruleId))];
  const args = encodeURIComponent(JSON.stringify([ruleIds]));
  const label = ruleIds.length === 1 ? vscode.l10n.t('Rule documentation') : vscode.l10n.t('Rule documentation…');
  md.appendMarkdown(`\n\n[${escapeMarkdown(label)}](command:${SHOW_DOCS_COMMAND}?${args} "${escapeMarkdown(vscode.l10n.t('Open the rule documentation'))}")`);
  return new vscode.Hover(md, toRange(at.range));
}

export function hoverMiddleware(client: ShipshapeClient): Pick<Middleware, 'provideHover'> {
  return {
    provideHover: async (document, position, token) => {
      const params: FindingsAtParams = { textDocument: { uri: document.uri.toString() }, position: { line: position.line, character: position.character } };
      const at = await client.request<FindingsAtResult | null>(FINDINGS_AT_REQUEST, params, token);
      return withBaseImageAdvice(at && at.findings.length && !token.isCancellationRequested ? hoverOf(at) : undefined, document, position, token);
    },
  };
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
