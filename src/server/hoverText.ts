/**
 * The text of the hover, pure (no `vscode`) so it is unit-tested in plain Node: which findings,
 * in which order, and their messages as Markdown.
 */
import { Finding, severityRank } from '../core/model';

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
export function shortReference(ref: string): string {
  const pss = /^PSS-(baseline|restricted)(?::|$)/.exec(ref);
  return pss ? `PSS ${pss[1]}` : ref;
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
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&');
}
