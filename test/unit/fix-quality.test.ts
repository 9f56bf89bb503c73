/**
 * The quality bar of every fix, over every fixture and bundled example: applying a fix removes
 * its finding, introduces no new finding of equal or higher severity, leaves a file that parses
 * (no parser error, same kind), and is idempotent (the rule offers nothing more at that place).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, detectFileKind, FileKind, Finding, severityRank } from '../../src/core';
import { fixAll } from '../../src/core/fix';
import { applyEdits } from '../../src/core/text';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return detectFileKind(e.name) ? [p] : [];
  });
}

const corpus = [
  ...files(path.join(ROOT, 'examples')),
  ...files(path.join(ROOT, 'test', 'fixtures', 'dockerfile')),
  ...files(path.join(ROOT, 'test', 'fixtures', 'kubernetes')),
].filter((f) => !f.includes(`${path.sep}templates${path.sep}`));

const key = (f: Finding) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`;

function countBy(findings: Finding[], pred: (f: Finding) => boolean): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings.filter(pred)) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
}

describe('every fix over every fixture and example', () => {
  it('has a corpus to check', () => {
    assert.ok(corpus.length >= 10, `corpus: ${corpus.length} files`);
  });

  for (const file of corpus) {
    const rel = path.relative(ROOT, file);
    const kind = detectFileKind(file) as FileKind;
    it(`${rel}: each non-snippet fix removes its finding and adds nothing as severe`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const before = analyze(text, kind);
      assert.deepStrictEqual(before.errors, [], 'no rule fails on the original');
      let checked = 0;
      for (const finding of before.findings) {
        for (const fix of finding.fixes ?? []) {
          if (fix.snippet) continue;
          checked++;
          const label = `${key(finding)} "${fix.title}"`;
          const fixed = applyEdits(text, fix.edits);
          assert.notStrictEqual(fixed, text, `${label} changes the text`);
          const after = analyze(fixed, kind);
          assert.deepStrictEqual(after.errors, [], `${label}: no rule fails on the fixed text`);
          assert.ok(!after.notApplicable, `${label}: the fixed file is still a ${kind}`);
          const rank = severityRank(finding.severity);
          // Same rule, same or fewer findings; and strictly fewer where the fix was for it.
          const beforeSame = before.findings.filter((f) => f.ruleId === finding.ruleId).length;
          const afterSame = after.findings.filter((f) => f.ruleId === finding.ruleId).length;
          assert.ok(afterSame < beforeSame, `${label} removes its finding (${beforeSame} → ${afterSame})`);
          // No rule at or above the fixed severity gains findings.
          const severe = (f: Finding) => severityRank(f.severity) >= rank;
          const was = countBy(before.findings, severe);
          for (const [rule, n] of countBy(after.findings, severe)) {
            assert.ok(n <= (was.get(rule) ?? 0), `${label} introduces ${rule} (${was.get(rule) ?? 0} → ${n})`);
          }
        }
      }
      if (before.findings.length === 0) assert.strictEqual(checked, 0);
    });

    it(`${rel}: fix all (safe, then --all) converges, parses and is idempotent`, () => {
      const text = fs.readFileSync(file, 'utf8');
      for (const includeUnsafe of [false, true]) {
        const once = fixAll(text, kind, undefined, { includeUnsafe });
        const result = analyze(once.text, kind);
        assert.deepStrictEqual(result.errors, []);
        assert.ok(!result.notApplicable || analyze(text, kind).notApplicable);
        const twice = fixAll(once.text, kind, undefined, { includeUnsafe });
        assert.strictEqual(twice.text, once.text, `fix all is idempotent (${includeUnsafe ? 'all' : 'safe'}): ${twice.applied.map((a) => a.title).join(', ')}`);
        if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(once.text), 'CRLF is kept');
      }
    });
  }
});
