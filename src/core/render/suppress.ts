/**
 * Suppression comments for rendered findings are read where the user writes them: in the
 * template, values, patch or resource file a finding is mapped to (`# shipshape-ignore RULE` on
 * the line before the template line, or trailing it; `# shipshape-ignore-file RULE` anywhere in
 * that file). The rendered text's own copies of those comments are neutralised before analysis,
 * so a file-wide directive in one template never silences the chart's other templates.
 * Comments are read from the masked template's YAML tokens (actions blanked), never by grep. Pure.
 */
import { Parser } from 'yaml';
import { collectComments } from '../kubernetes/model';
import { collectSuppressions, isSuppressed, normalizeRuleKey, Suppressions } from '../suppress';
import { MappedFinding } from './helm';
import { maskTemplate } from './template';

const DIRECTIVE_WORD = /shipshape-ignore/g;

/** The rendered text with every `shipshape-ignore` word made inert (same length: positions unchanged). */
export function neutraliseDirectives(rendered: string): string {
  return rendered.includes('shipshape-ignore') ? rendered.replace(DIRECTIVE_WORD, 'shipshape-ignor_') : rendered;
}

/** The directives of a template or YAML file (actions blanked out first). */
export function templateSuppressions(text: string): Suppressions {
  if (!text.includes('shipshape-ignore')) return collectSuppressions([]);
  try {
    const mt = maskTemplate(text);
    const tokens = Array.from(new Parser().parse(mt.masked));
    return collectSuppressions(collectComments(tokens, mt.masked, mt.lines));
  } catch {
    return collectSuppressions([]);
  }
}

/** The mapped findings that no directive of their file suppresses; `textOf` gives a file's text (by the mapped path). */
export function dropSuppressed(mapped: readonly MappedFinding[], textOf: (file: string) => string | undefined): MappedFinding[] {
  const cache = new Map<string, Suppressions>();
  return mapped.filter((m) => {
    let s = cache.get(m.file);
    if (!s) {
      const text = textOf(m.file);
      cache.set(m.file, (s = text === undefined ? collectSuppressions([]) : templateSuppressions(text)));
    }
    if (!s.file.size && !s.lines.size) return true;
    const keys = [m.finding.ruleId, ...m.finding.references].map(normalizeRuleKey);
    return !isSuppressed(s, m.finding.range.start.line, keys);
  });
}
