/** Assertion helpers shared by the Compose analyser tests. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { analyze } from '../../src/core';
import { AnalyzeOptions } from '../../src/core/engine';
import { DEFAULT_CONFIG, ShipshapeConfig } from '../../src/core/config';
import { Finding, Fix, Range, severityRank } from '../../src/core/model';
import { applyEdits } from '../../src/core/text';
import { parseComposeModel } from '../../src/core/compose/model';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/compose');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Joins lines with LF. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** A Compose file with one service `app` whose body is given as lines (indented under it). */
export function service(...lines: string[]): string {
  return yaml('services:', '  app:', ...lines.map((l) => `    ${l}`));
}

export const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

/** Findings of a Compose text (asserting no rule threw). */
export function findings(text: string, config: ShipshapeConfig = DEFAULT_CONFIG, options?: AnalyzeOptions): Finding[] {
  const result = analyze(text, 'compose', config, options);
  assert.deepStrictEqual(result.errors, [], 'no rule threw');
  return result.findings;
}

export function ruleFindings(text: string, ruleId: string, options?: AnalyzeOptions): Finding[] {
  return findings(text, DEFAULT_CONFIG, options).filter((f) => f.ruleId === ruleId);
}

export function expandSnippet(text: string): string {
  return text.replace(/\$\{\d+:([^}]*)\}/g, '$1');
}

export function applyFix(text: string, fix: Fix): string {
  const edits = fix.snippet ? fix.edits.map((e) => ({ ...e, newText: expandSnippet(e.newText) })) : fix.edits;
  return applyEdits(text, edits);
}

const keyOf = (f: Finding): string => `${f.ruleId}|${f.message}`;

function errorCount(text: string): number {
  return parseAllDocuments(text).reduce((n, d) => n + d.errors.length, 0);
}

function serviceNames(text: string): string[] {
  const model = parseComposeModel(text, true);
  return model && 'services' in model ? model.services.map((s) => s.name) : [];
}

/**
 * The bar every fix meets: the fixed text parses into the same services, the finding is gone,
 * no new finding as severe appears, CRLF and comments survive, and the fix is not offered again.
 */
export function assertFixQuality(text: string, finding: Finding, fix: Fix): string {
  const label = `${finding.ruleId} / "${fix.title}" on line ${finding.range.start.line + 1}`;
  const before = findings(text);
  const after = applyFix(text, fix);
  assert.strictEqual(errorCount(after), 0, `${label}: the fixed text parses:\n${after}`);
  assert.deepStrictEqual(serviceNames(after), serviceNames(text), `${label}: same services`);
  const afterFindings = findings(after);
  const count = (list: Finding[], key: string): number => list.filter((f) => keyOf(f) === key).length;
  assert.ok(count(afterFindings, keyOf(finding)) < count(before, keyOf(finding)), `${label}: the finding is gone:\n${after}`);
  const beforeKeys = new Set(before.map(keyOf));
  const introduced = afterFindings.filter((f) => !beforeKeys.has(keyOf(f)) && severityRank(f.severity) >= severityRank(finding.severity));
  assert.deepStrictEqual(introduced.map(keyOf), [], `${label}: no new finding as severe:\n${after}`);
  if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after), `${label}: CRLF line breaks survive`);
  // Comments survive, except those on lines the fix deletes or rewrites.
  const rewritten = (line: number): boolean => fix.edits.some((e) => (e.range.start.line !== e.range.end.line || e.range.start.character !== e.range.end.character) && e.range.start.line <= line && line <= e.range.end.line);
  text.split(/\r?\n/).forEach((l, line) => {
    const c = /#.*$/.exec(l)?.[0];
    if (c && !rewritten(line)) assert.ok(after.includes(c), `${label}: comment ${c} survives:\n${after}`);
  });
  const again = afterFindings.filter((f) => keyOf(f) === keyOf(finding) && f.fixes?.some((x) => x.title === fix.title));
  assert.strictEqual(again.length, 0, `${label}: idempotent`);
  return after;
}

/** Runs assertFixQuality on every fix of every finding; returns how many were checked. */
export function assertAllFixesQuality(text: string): number {
  let n = 0;
  for (const f of findings(text)) for (const fix of f.fixes ?? []) { assertFixQuality(text, f, fix); n++; }
  return n;
}
