/** Assertion helpers shared by the Dockerfile analyser tests. */
import * as assert from 'assert';
import * as path from 'path';
import * as fs from 'fs';
import { analyze } from '../../src/core';
import { ShipshapeConfig, DEFAULT_CONFIG } from '../../src/core/config';
import { Finding, Fix, severityRank } from '../../src/core/model';
import { applyEdits } from '../../src/core/text';
import { AnalysisResult } from '../../src/core/engine';

export function check(text: string, config: Partial<ShipshapeConfig> = {}): AnalysisResult {
  return analyze(text, 'dockerfile', { ...DEFAULT_CONFIG, ...config });
}

/** Findings of one rule. */
export function findings(text: string, ruleId: string, config: Partial<ShipshapeConfig> = {}): Finding[] {
  const result = check(text, config);
  assert.deepStrictEqual(result.errors, [], 'no rule threw');
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** Lines (0-based) of a rule's findings: compact assertions. */
export function lines(text: string, ruleId: string, config: Partial<ShipshapeConfig> = {}): number[] {
  return findings(text, ruleId, config).map((f) => f.range.start.line);
}

/** The text covered by a finding's range. */
export function rangeText(text: string, f: Finding): string {
  const all = text.split(/\r?\n/);
  const { start, end } = f.range;
  if (start.line === end.line) return all[start.line].slice(start.character, end.character);
  return [all[start.line].slice(start.character), ...all.slice(start.line + 1, end.line), all[end.line].slice(0, end.character)].join('\n');
}

/** Text of a snippet with every placeholder replaced by its default. */
export function expandSnippet(snippet: string): string {
  let out = '';
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    if (c === '\\' && i + 1 < snippet.length && '\\$}'.includes(snippet[i + 1])) {
      out += snippet[++i];
      continue;
    }
    if (c === '$' && snippet[i + 1] === '{') {
      const colon = snippet.indexOf(':', i);
      i = colon; // the default follows; its closing brace is skipped below
      continue;
    }
    if (c === '}') continue;
    out += c;
  }
  return out;
}

/** Applies a fix, expanding snippet placeholders to their defaults. */
export function applyFix(text: string, fix: Fix): string {
  const edits = fix.snippet ? fix.edits.map((e) => ({ ...e, newText: expandSnippet(e.newText) })) : fix.edits;
  return applyEdits(text, edits);
}

/**
 * Applies the fix (by title prefix, else the first) of a rule's first finding and checks the
 * quality bar: the finding goes, nothing of equal or higher severity appears, the result parses,
 * line endings survive and re-analysis offers no fix for the rule. Returns the fixed text.
 */
export function assertFixWorks(text: string, ruleId: string, titlePrefix?: string, config: Partial<ShipshapeConfig> = {}): string {
  const before = check(text, config);
  const finding = before.findings.find((f) => f.ruleId === ruleId);
  assert.ok(finding, `expected a ${ruleId} finding`);
  const fix = (finding.fixes ?? []).find((f) => !titlePrefix || f.title.startsWith(titlePrefix));
  assert.ok(fix, `expected a fix${titlePrefix ? ` "${titlePrefix}…"` : ''} on ${ruleId}; got ${(finding.fixes ?? []).map((f) => f.title).join(', ')}`);
  const fixed = applyFix(text, fix);
  const after = check(fixed, config);
  assert.deepStrictEqual(after.errors, [], 'the fixed text analyses without errors');
  const count = (r: AnalysisResult, id: string): number => r.findings.filter((f) => f.ruleId === id).length;
  assert.ok(count(after, ruleId) < count(before, ruleId), `the ${ruleId} finding is gone after "${fix.title}":\n${fixed}`);
  const rank = severityRank(finding.severity);
  for (const f of after.findings) {
    if (f.ruleId === ruleId || severityRank(f.severity) < rank) continue;
    assert.ok(count(after, f.ruleId) <= count(before, f.ruleId), `"${fix.title}" introduced ${f.ruleId} (${f.severity}):\n${fixed}`);
  }
  if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(fixed) && !fixed.startsWith('\n'), `CRLF kept:\n${JSON.stringify(fixed)}`);
  if (count(after, ruleId) === 0) {
    assert.ok(!after.findings.some((f) => f.ruleId === ruleId && f.fixes?.some((x) => x.title === fix.title)), 'idempotent');
  }
  return fixed;
}

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/dockerfile');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}
