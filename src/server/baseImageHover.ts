/**
 * The base-image recommendations of a FROM (core/baseImages.ts) added to the findings' hover.
 * Pure: no connection. A FROM without findings gets the recommendations alone.
 */
import { baseImageHover } from '../core/baseImages';
import type { FileKind, Range } from '../core/model';
import { normalizeLocale } from '../core/l10n';
import { session } from './session';

export type MarkdownHover = { contents: { kind: 'markdown'; value: string }; range: Range };

/** The findings' hover (if any) followed by the base-image advice at the position (if any). */
export function withBaseImageAdvice(findings: MarkdownHover | undefined, kind: FileKind, text: string | undefined, line: number, character: number): MarkdownHover | undefined {
  if (kind !== 'dockerfile' || text === undefined) return findings;
  const base = baseImageHover(text, line, character, normalizeLocale(session.locale));
  if (!base) return findings;
  if (!findings) return { contents: { kind: 'markdown', value: base.markdown }, range: base.range };
  // The findings' range stays: it is what the cursor is on; the advice is about the same FROM.
  return { contents: { kind: 'markdown', value: `${findings.contents.value}\n\n---\n\n${base.markdown}` }, range: findings.range };
}
