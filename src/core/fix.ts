/** Applying fixes in bulk: "fix all" in the editor and `shipshape fix` in CI share this. */
import { ShipshapeConfig, DEFAULT_CONFIG } from './config';
import type { Text } from './l10n/text';
import { analyze } from './index';
import { FileKind, Finding, Fix, TextEdit } from './model';
import { applyEdits, LineIndex, minimalReplacement } from './text';

export interface FixAllOptions {
  /** Include fixes that are not marked safe (refactors such as multi-stage conversion). */
  includeUnsafe?: boolean;
  /** Limit to these rules (our id or a public reference, already normalised by the caller or not). */
  rules?: (finding: Finding) => boolean;
  /**
   * Asked before each pass after the first: true stops with the fixes applied so far (an editor
   * passes its cancellation token and time budget; each pass leaves a consistent text).
   */
  shouldStop?: () => boolean;
}

export interface FixAllResult {
  text: string;
  /** Titles of the fixes applied, in order, with their rule. */
  applied: Array<{ ruleId: string; title: string; /** The title as a template, for other locales. */ l10n?: Text }>;
}

/** The fix "fix all" would take for a finding: its preferred applicable fix, else its first. */
export function pickFix(finding: Finding, includeUnsafe: boolean): Fix | undefined {
  const usable = (finding.fixes ?? []).filter((f) => !f.snippet && (includeUnsafe || f.safe) && f.edits.length > 0);
  return usable.find((f) => f.preferred) ?? usable[0];
}

/**
 * Applies every applicable fix, re-analysing between passes because one fix changes the ranges
 * others were computed for. Within a pass, fixes whose edits overlap an earlier one wait for the
 * next pass. Stops when a pass applies nothing (at most 10 passes). Never throws.
 */
export function fixAll(text: string, kind: FileKind, config: ShipshapeConfig = DEFAULT_CONFIG, options: FixAllOptions = {}): FixAllResult {
  const applied: FixAllResult['applied'] = [];
  let current = text;
  const seen = new Set<string>();
  for (let pass = 0; pass < 10; pass++) {
    if (pass > 0 && options.shouldStop?.()) break;
    const findings = analyze(current, kind, config).findings.filter((f) => !options.rules || options.rules(f));
    const index = new LineIndex(current);
    const taken: Array<{ start: number; end: number }> = [];
    const edits: TextEdit[] = [];
    for (const finding of findings) {
      const fix = pickFix(finding, Boolean(options.includeUnsafe));
      if (!fix) continue;
      const spans = fix.edits.map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end) }));
      const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
      if (seen.has(key)) continue;
      const overlaps = spans.some((s) => taken.some((t) => s.start < t.end && t.start < s.end || (s.start === s.end && s.start === t.start) || (t.start === t.end && t.start === s.start)));
      if (overlaps) continue;
      seen.add(key);
      taken.push(...spans);
      edits.push(...fix.edits);
      applied.push(fix.l10n ? { ruleId: finding.ruleId, title: fix.title, l10n: fix.l10n } : { ruleId: finding.ruleId, title: fix.title });
    }
    if (edits.length === 0) break;
    let next: string;
    try {
      next = applyEdits(current, edits);
    } catch {
      break;
    }
    if (next === current) break;
    current = next;
  }
  return { text: current, applied };
}

/** One minimal edit turning `before` into `after` (common prefix and suffix kept, never splitting a CRLF or a surrogate pair). */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  const r = minimalReplacement(before, after);
  return { range: new LineIndex(before).rangeOf(r.start, r.end), newText: r.text };
}
