import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';
import { visibleForTerminal, visibleName } from '../../src/cli/sanitize';

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, env: {}, cwd };
  return { code: await main(args, io), stdout, stderr };
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-fixsan-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

// Anything a terminal acts on: C0 (but TAB/LF), a lone CR, DEL, C1 (CSI 0x9b), bidi controls.
// eslint-disable-next-line no-control-regex
const TERMINAL_ACTS_ON = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('shipshape fix: diffs go through the terminal sanitiser', () => {
  it('shows ANSI, OSC 8, a lone CR and bidi controls of the file as <U+XXXX>, and says so', async () => {
    const hostile = 'FROM alpine:3.19\n'
      + '# \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x1b]0;title\x07\n'
      + 'ADD app.sh /app.sh\n'
      + '# ok\rhidden \u202eevil\u202c \u009b31m\n'
      + 'USER 10001\nHEALTHCHECK CMD true\n';
    const dir = tempDir({ Dockerfile: hostile });
    const { stdout, stderr } = await run(['fix', 'Dockerfile'], dir);
    assert.match(stdout, /^\+COPY app\.sh \/app\.sh$/m);
    assert.doesNotMatch(stdout, TERMINAL_ACTS_ON);
    assert.match(stdout, /^ # <U\+001B>\]8;;http:\/\/evil\.example<U\+001B>\\link<U\+001B>\]8;;<U\+001B>\\ <U\+001B>\[2J<U\+001B>\]0;title<U\+0007>$/m);
    assert.match(stdout, /^ # ok<U\+000D>hidden <U\+202E>evil<U\+202C> <U\+009B>31m$/m);
    assert.match(stderr, /Dockerfile: control characters in the diff are shown as <U\+XXXX>/);
    assert.doesNotMatch(stderr, TERMINAL_ACTS_ON);
    // The file itself is untouched without --write, and --write writes the raw characters back.
    assert.strictEqual(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), hostile);
    await run(['fix', 'Dockerfile', '--write'], dir);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), hostile.replace('ADD app.sh', 'COPY app.sh'));
  });

  it('keeps ordinary text as it is: TABs, UTF-8, CRLF line ends, and no note', async () => {
    const text = 'FROM alpine:3.19\r\n# café ☕ 日本\t\r\nADD app.sh /app.sh\r\nUSER 10001\r\nHEALTHCHECK CMD true\r\n';
    const dir = tempDir({ Dockerfile: text });
    const { stdout, stderr } = await run(['fix', 'Dockerfile'], dir);
    assert.match(stdout, /^ # café ☕ 日本\t\r$/m);
    assert.match(stdout, /^-ADD app\.sh \/app\.sh\r$/m);
    assert.match(stdout, /^\+COPY app\.sh \/app\.sh\r$/m);
    assert.doesNotMatch(stdout, /<U\+/);
    assert.doesNotMatch(stderr, /control characters/);
  });

  it('shows control characters of a file name in the header and the messages', async function () {
    if (process.platform === 'win32') this.skip();
    const name = 'Dockerfile.\x1b[31mred\nx';
    const dir = tempDir({ [name]: 'FROM alpine:3.19\nADD a /a\nUSER 1\nHEALTHCHECK CMD true\n' });
    const { stdout, stderr } = await run(['fix', name], dir);
    assert.match(stdout, /^--- a\/Dockerfile\.<U\+001B>\[31mred<U\+000A>x$/m);
    assert.match(stdout, /^\+\+\+ b\/Dockerfile\.<U\+001B>\[31mred<U\+000A>x$/m);
    assert.doesNotMatch(stdout, TERMINAL_ACTS_ON);
    assert.doesNotMatch(stderr, TERMINAL_ACTS_ON);
    assert.strictEqual(stdout.split('\n').filter((l) => l.startsWith('---')).length, 1, 'a newline in the name starts no line of its own');
  });

  it('a path that cannot be read is named without its control characters', async () => {
    const dir = tempDir({});
    const { code, stderr } = await run(['fix', 'no\x1b[2Jsuch\u202efile'], dir);
    assert.strictEqual(code, 2);
    assert.match(stderr, /shipshape: no\[2Jsuchfile: no such file or directory/);
    assert.doesNotMatch(stderr, TERMINAL_ACTS_ON);
  });

  it('visibleForTerminal / visibleName', () => {
    assert.strictEqual(visibleForTerminal('a\tb\r\nc\rd\x1b\u0085\u2066e\u00e9\n'), 'a\tb\r\nc<U+000D>d<U+001B><U+0085><U+2066>e\u00e9\n');
    assert.strictEqual(visibleName('a\tb\r\nc'), 'a<U+0009>b<U+000D><U+000A>c');
    assert.strictEqual(visibleForTerminal('plain text'), 'plain text');
  });
});
