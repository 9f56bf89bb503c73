/** Assertion helpers shared by the Kubernetes analyser tests. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { analyze } from '../../src/core';
import { DEFAULT_CONFIG, ShipshapeConfig } from '../../src/core/config';
import { Finding, Fix, severityRank } from '../../src/core/model';
import { applyEdits } from '../../src/core/text';
import { parseKubeModel } from '../../src/core/kubernetes/model';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/kubernetes');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Findings of a text (asserting the analyser reported no rule errors). */
export function findings(text: string, config: ShipshapeConfig = DEFAULT_CONFIG): Finding[] {
  const result = analyze(text, 'kubernetes', config);
  assert.deepStrictEqual(result.errors, [], 'no rule threw');
  return result.findings;
}

export function ruleFindings(text: string, ruleId: string, config?: ShipshapeConfig): Finding[] {
  return findings(text, config).filter((f) => f.ruleId === ruleId);
}

/** Joins lines with LF; tests read better with one array entry per YAML line. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** A Pod manifest with a pod spec body given as lines (indented by 2 already). */
export function pod(...specLines: string[]): string {
  return yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', ...specLines);
}

/** Snippet placeholders replaced by their defaults, as the editor would insert them. */
export function expandSnippet(text: string): string {
  return text.replace(/\$\{\d+:([^}]*)\}/g, '$1');
}

export function applyFix(text: string, fix: Fix): string {
  const edits = fix.snippet ? fix.edits.map((e) => ({ ...e, newText: expandSnippet(e.newText) })) : fix.edits;
  return applyEdits(text, edits);
}

const keyOf = (f: Finding): string => `${f.ruleId}|${f.message}`;

function kindsOf(text: string): string[] {
  const model = parseKubeModel(text);
  return model ? model.objects.map((o) => o.kind) : [];
}

function docErrorCount(text: string): number {
  return parseAllDocuments(text).reduce((n, d) => n + d.errors.length, 0);
}

/**
 * The quality bar every fix must meet: applying it removes its finding, introduces no new
 * finding of equal or higher severity, leaves a file that parses into the same objects, keeps
 * the line breaks, and is idempotent (the fixed text no longer offers a fix with that title
 * for that finding).
 */
export function assertFixQuality(text: string, finding: Finding, fix: Fix): string {
  const label = `${finding.ruleId} / "${fix.title}" on line ${finding.range.start.line + 1}`;
  const before = findings(text);
  const after = applyFix(text, fix);
  assert.strictEqual(docErrorCount(after), docErrorCount(text), `${label}: the fixed text parses:\n${after}`);
  assert.deepStrictEqual(kindsOf(after), kindsOf(text), `${label}: same objects after the fix`);
  const afterFindings = findings(after);
  const count = (list: Finding[], key: string): number => list.filter((f) => keyOf(f) === key).length;
  assert.ok(count(afterFindings, keyOf(finding)) < count(before, keyOf(finding)), `${label}: the finding is gone:\n${after}`);
  const beforeKeys = new Set(before.map(keyOf));
  const introduced = afterFindings.filter((f) => !beforeKeys.has(keyOf(f)) && severityRank(f.severity) >= severityRank(finding.severity));
  assert.deepStrictEqual(introduced.map(keyOf), [], `${label}: no new finding as severe:\n${after}`);
  if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after), `${label}: CRLF line breaks survive`);
  // Comments survive, except those on lines the fix deletes or rewrites.
  const replaces = (e: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }): boolean =>
    e.range.start.line !== e.range.end.line || e.range.start.character !== e.range.end.character;
  const edited = (line: number): boolean => fix.edits.some((e) => replaces(e) && e.range.start.line <= line && line <= e.range.end.line);
  const afterComments = parseKubeModel(after)?.comments.map((c) => c.text) ?? [];
  for (const c of parseKubeModel(text)?.comments ?? []) {
    if (edited(c.line)) continue;
    const i = afterComments.indexOf(c.text);
    assert.ok(i >= 0, `${label}: comment "#${c.text}" survives:\n${after}`);
    afterComments.splice(i, 1);
  }
  const again = afterFindings.filter((f) => keyOf(f) === keyOf(finding) && f.fixes?.some((x) => x.title === fix.title));
  assert.strictEqual(again.length, 0, `${label}: idempotent`);
  return after;
}

/** Runs assertFixQuality on every fix of every finding of a text; returns how many fixes were checked. */
export function assertAllFixesQuality(text: string): number {
  let checked = 0;
  for (const f of findings(text)) {
    for (const fix of f.fixes ?? []) {
      assertFixQuality(text, f, fix);
      checked++;
    }
  }
  return checked;
}
