/** Review mends: one minimal-edit helper (never splitting a CRLF), and `check`'s walk errors free of terminal controls. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { minimalEdit } from '../../src/core/fix';
import { applyEdits, minimalReplacement } from '../../src/core/text';
import { minimalReplacement as fromScan } from '../../src/core/scan';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';

describe('review mends (R1)', () => {
  it('minimalEdit is minimalReplacement as a range: it never starts between CR and LF', () => {
    // `a\r` is common to both: a start after it would sit between the CR and the LF.
    const before = 'a\r\nb\r\n';
    const after = 'a\rx\r\nb\r\n';
    const e = minimalEdit(before, after)!;
    assert.deepStrictEqual(e.range, { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } });
    assert.strictEqual(e.newText, '\rx');
    assert.strictEqual(applyEdits(before, [e]), after);
    // A plain insertion keeps its exact place.
    const ins = minimalEdit('FROM a\r\nRUN x\r\n', 'FROM a\r\nUSER 1\r\nRUN x\r\n')!;
    assert.deepStrictEqual(ins.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } });
    assert.strictEqual(ins.newText, 'USER 1\r\n');
    assert.strictEqual(minimalEdit('same', 'same'), undefined);
    assert.strictEqual(fromScan, minimalReplacement);
  });

  it('check prints a missing path without the terminal controls in its name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-r1-'));
    try {
      let stderr = '';
      const io: CliIO = { stdout: () => undefined, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd: dir };
      const code = await main(['check', 'no\u001b]0;pwned\u0007pe'], io);
      assert.strictEqual(code, 2);
      assert.ok(!/[\u001b\u0007]/.test(stderr), JSON.stringify(stderr));
      assert.match(stderr, /no\]0;pwnedpe: no such file or directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
