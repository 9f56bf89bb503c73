/**
 * Suppression comments, shared by Dockerfiles and YAML (both use `#` comments):
 *
 *   # shipshape-ignore RULE[,RULE…] [reason]        the next line, or this line when trailing code
 *   # shipshape-ignore-file RULE[,RULE…] [reason]   the whole file
 *
 * RULE is our rule id or a public reference (`DS-0002`, `DL3002`, `KSV-0017`, `KSV017`).
 * Comments come from each file kind's parser, so a `#` inside a string is never a directive.
 */

/** A comment as found by a parser: 0-based line and the text after `#`. */
export interface SourceComment {
  line: number;
  /** Text after the `#`. */
  text: string;
  /** True when code precedes the comment on the same line. */
  trailing: boolean;
}

export interface Suppressions {
  /** Rule keys (normalised) suppressed per 0-based line. */
  lines: Map<number, Set<string>>;
  file: Set<string>;
}

const DIRECTIVE = /^\s*shipshape-ignore(-file)?(?:\s+([^\s]+))?/;

/** Canonical form of a rule id or public reference, so `ds002`, `DS-0002` and `AVD-DS-0002` match. */
export function normalizeRuleKey(key: string): string {
  let k = key.trim().toUpperCase();
  if (k.startsWith('AVD-')) k = k.slice(4);
  const m = /^(DS|KSV|KCV)-?0*(\d+)$/.exec(k);
  if (m) k = `${m[1]}-${m[2].padStart(4, '0')}`;
  return k;
}

/** Reads the directives among the comments of one file. */
export function collectSuppressions(comments: readonly SourceComment[]): Suppressions {
  const result: Suppressions = { lines: new Map(), file: new Set() };
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m || !m[2]) continue;
    const keys = m[2].split(',').filter(Boolean).map(normalizeRuleKey);
    if (m[1]) {
      keys.forEach((k) => result.file.add(k));
      continue;
    }
    const target = c.trailing ? c.line : c.line + 1;
    let set = result.lines.get(target);
    if (!set) result.lines.set(target, (set = new Set()));
    keys.forEach((k) => set!.add(k));
  }
  return result;
}

/** Whether a finding of a rule (its id and references) at a line is suppressed. */
export function isSuppressed(s: Suppressions, line: number, ruleKeys: readonly string[]): boolean {
  const atLine = s.lines.get(line);
  for (const k of ruleKeys) {
    if (s.file.has(k) || s.file.has('ALL')) return true;
    if (atLine && (atLine.has(k) || atLine.has('ALL'))) return true;
  }
  return false;
}

/** The comment text that suppresses a rule on the line that follows it. */
export function suppressionComment(ruleId: string, scope: 'line' | 'file'): string {
  return scope === 'file' ? `# shipshape-ignore-file ${ruleId}` : `# shipshape-ignore ${ruleId}`;
}
