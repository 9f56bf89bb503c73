/**
 * The base-image advice in VS Code's hover on a FROM (the server's advice, rendered here in the
 * editor's language), after the findings when there are any, with a "Compare base images…" link
 * where a scan could run. The language server's own hover has the same content in English.
 */
import * as vscode from 'vscode';
import type { BaseImageAdvice } from '../../server/baseImageProtocol';
import { escapeMarkdown, messageMarkdown } from '../../server/hoverText';
import { toRange } from '../convert';
import { documentKind } from '../documents';
import { adviceOf, ServerRequest } from './advice';

interface Source { request: ServerRequest; canCompare(): boolean }
let source: Source | undefined;

/** Where the advice comes from (set by registerCompareSupport); undefined: no advice in the hover. */
export function setBaseImageHoverSource(s: Source | undefined): void {
  source = s;
}

const COMPARE_COMMAND = 'shipshape.compareBaseImages';

/** The advice as Markdown, in the editor's language (the server sends the catalogue's phrases in it). */
export function baseImageAdviceMarkdown(advice: BaseImageAdvice, uri: vscode.Uri, canCompare: boolean): vscode.MarkdownString {
  const r = advice.recommendation;
  const md = new vscode.MarkdownString(undefined, true);
  const image = `\`${advice.image}\``;
  const parts: string[] = [];
  if (r.candidates.length) {
    parts.push(`**${vscode.l10n.t('Smaller or hardened bases for {0}', image)}** (${escapeMarkdown(vscode.l10n.t('{0}; same ecosystem, version and OS family', r.what))})`);
    parts.push(r.candidates.map((c) => {
      const multi = c.needsMultiStage ? ` · ${escapeMarkdown(vscode.l10n.t('needs a multi-stage build'))}` : '';
      return `- \`${c.reference}\`: ${escapeMarkdown(c.note)}${multi} · [${escapeMarkdown(vscode.l10n.t('source'))}](${c.source})`;
    }).join('\n'));
  } else if (r.small) {
    parts.push(vscode.l10n.t('{0} is already a small base ({1}): the catalogue has nothing smaller of the same version and OS family.', `**${image}**`, escapeMarkdown(r.what)));
  } else {
    parts.push(vscode.l10n.t('{0} ({1}): the catalogue has no smaller base of the same version and OS family.', `**${image}**`, escapeMarkdown(r.what)));
  }
  const notes = r.notes.map(messageMarkdown);
  if (r.candidates.length && advice.viaArg) notes.push(escapeMarkdown(vscode.l10n.t('The image comes from an ARG ({0}): change the ARG\'s default to switch.', advice.written)));
  if (r.candidates.length && advice.digest) notes.push(escapeMarkdown(vscode.l10n.t('The image is pinned by digest: pin the candidate by its digest too.')));
  if (notes.length) parts.push(notes.join(' '));
  if (canCompare && r.candidates.some((c) => c.reference !== 'scratch')) {
    const args = encodeURIComponent(JSON.stringify([{ uri: uri.toString(), line: advice.range.start.line, character: advice.range.start.character }]));
    parts.push(`[${escapeMarkdown(vscode.l10n.t('Compare base images…'))}](command:${COMPARE_COMMAND}?${args} "${escapeMarkdown(vscode.l10n.t('Scan the current base and these candidates with your scanner'))}")`);
    md.isTrusted = { enabledCommands: [COMPARE_COMMAND] };
  }
  md.appendMarkdown(parts.join('\n\n'));
  return md;
}

/** The findings' hover (if any) followed by the base-image advice at the position (if any). */
export async function withBaseImageAdvice(hover: vscode.Hover | undefined, doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
  const s = source;
  if (!s || documentKind(doc) !== 'dockerfile' || token.isCancellationRequested) return hover;
  const [advice] = await adviceOf(s.request, doc, { line: position.line, character: position.character }, token);
  if (!advice || token.isCancellationRequested) return hover;
  const md = baseImageAdviceMarkdown(advice, doc.uri, s.canCompare());
  return hover ? new vscode.Hover([...hover.contents, md], hover.range) : new vscode.Hover(md, toRange(advice.fromRange));
}
