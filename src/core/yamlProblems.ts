/**
 * The YAML parser's errors in a text, with ranges: what the editor shows when a file that was a
 * Kubernetes manifest a moment ago no longer reads as one (an edit broke `kind:` or the
 * indentation near the top), so the user is told why its findings went instead of being left to
 * believe it is fixed. The parser is loaded on first use, never at activation.
 */
import type { Finding, Range } from './model';
import type { ShipshapeConfig } from './config';
import { effectiveSeverity } from './engine';
import { findRule } from './index';
import { msg } from './l10n/text';

export interface YamlProblem { message: string; range: Range }

/** At most this many errors are reported: the first ones are the ones that matter. */
export const MAX_YAML_PROBLEMS = 20;

export function yamlProblems(text: string): YamlProblem[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseAllDocuments, LineCounter } = require('yaml') as typeof import('yaml');
    const lineCounter = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
    const docs = Array.isArray(parsed) ? parsed : [];
    const out: YamlProblem[] = [];
    const at = (offset: number) => {
      const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
      return { line: p.line - 1, character: p.col - 1 };
    };
    for (const doc of docs) {
      for (const e of doc.errors) {
        if (out.length >= MAX_YAML_PROBLEMS) return out;
        const start = at(e.pos[0]);
        let end = at(Math.max(e.pos[1], e.pos[0]));
        // An empty range at a line's end is invisible: cover the rest of that line at least.
        if (end.line === start.line && end.character <= start.character) end = { line: start.line, character: start.character + 1 };
        out.push({ message: e.message.split('\n')[0], range: { start, end } });
      }
    }
    return out;
  } catch {
    return [];
  }
}

/** The rule under which the parser's errors of a broken manifest are reported. */
export const YAML_SYNTAX_RULE = 'k8s-yaml-syntax';

/**
 * The parser's errors of a text that was a manifest until an edit broke it, as findings of the
 * YAML syntax rule (its configured severity; none when it is turned off). `message` words the
 * parser's message for the caller's language; without it the finding is a core template (`core/l10n`).
 */
export function brokenManifestFindings(text: string, config: ShipshapeConfig, message?: (parserMessage: string) => string): Finding[] {
  const rule = findRule(YAML_SYNTAX_RULE);
  const severity = rule ? effectiveSeverity(rule, config) : 'high';
  if (!severity) return [];
  return yamlProblems(text).map((p) => {
    const problem = p.message.replace(/\.$/, '');
    const words = message ? { message: message(problem) } : msg('k8s.yaml-broken', 'YAML error: {problem}. Until it parses, Shipshape cannot check this manifest.', { problem });
    return { ruleId: YAML_SYNTAX_RULE, severity, ...words, range: p.range, references: rule?.references ?? [] };
  });
}
