import * as assert from 'assert';
import { IN_BRANCH, IN_LOOP, IN_SUBSHELL, MappedText, ShellCommand, programWords, splitShell } from '../../src/core/dockerfile/shell';
import { buildModel } from '../../src/core/dockerfile/model';
import { assertFixWorks, findings, lines, rangeText } from './dockerfile-support';

function mapped(text: string): MappedText {
  return { text, offsetAt: (i) => i };
}

function commands(text: string): ShellCommand[] {
  return splitShell(mapped(text)).commands;
}

function words(text: string): string[][] {
  return commands(text).map((c) => c.words.map((w) => w.text));
}

function programs(text: string): string[] {
  return commands(text).map((c) => programWords(c)[0]?.text ?? '');
}

describe('shell control flow: reserved words are not commands', () => {
  it('reads the commands inside if/then/elif/else/fi', () => {
    assert.deepStrictEqual(words('if a; then b 1; elif c; then d; else e; fi'), [['a'], ['b', '1'], ['c'], ['d'], ['e']]);
  });
  it('reads the commands of for/while/until loops, and never the for header', () => {
    assert.deepStrictEqual(words('for x in a b; do c $x; done'), [['c', '$x']]);
    assert.deepStrictEqual(words('for x\nin a b\ndo\n  c\ndone'), [['c']]);
    assert.deepStrictEqual(words('for x do c; done'), [['c']]);
    assert.deepStrictEqual(words('for x in do re; do mi; done'), [['mi']]);
    assert.deepStrictEqual(words('for ((i=0; i<3; i++)); do c $i; done; (( n++ ))'), [['c', '$i']]);
    assert.deepStrictEqual(words('while read -r l; do echo "$l"; done < f'), [['read', '-r', 'l'], ['echo', '$l']]);
    assert.deepStrictEqual(words('until a; do b; done'), [['a'], ['b']]);
  });
  it('reads case bodies but neither the case header nor its patterns', () => {
    assert.deepStrictEqual(words('case "$arch" in\n  amd64|x86_64) a ;;\n  arm*) b; c ;;\nesac\nd'), [['a'], ['b'], ['c'], ['d']]);
    // `esac` as an argument is a word; the last item needs no `;;`.
    assert.deepStrictEqual(words('case x in y) echo esac\nesac; z'), [['echo', 'esac'], ['z']]);
  });
  it('reads brace groups, subshells, `!` and function bodies', () => {
    assert.deepStrictEqual(words('{ a; b; } && ( c ) && ! d'), [['a'], ['b'], ['c'], ['d']]);
    assert.deepStrictEqual(words('f() { a; }; function g { b; }'), [['a'], ['b']]);
  });
  it('takes quoted reserved words as words', () => {
    assert.deepStrictEqual(words(`"if" x; 'then' y; \\fi`), [['if', 'x'], ['then', 'y'], ['fi']]);
    assert.deepStrictEqual(words('echo then do done fi'), [['echo', 'then', 'do', 'done', 'fi']]);
  });
  it('marks subshells, loops and branches in the command context', () => {
    const cs = commands('a; ( b ); for x in 1; do c; done; if d; then e; fi; case y in z) f ;; esac; g');
    assert.deepStrictEqual(cs.map((c) => [c.words[0].text, c.context]), [
      ['a', 0], ['b', IN_SUBSHELL], ['c', IN_LOOP], ['d', IN_BRANCH], ['e', IN_BRANCH], ['f', IN_BRANCH], ['g', 0],
    ]);
    assert.strictEqual(commands('while a; do if b; then ( c ); fi; done')[2].context, IN_LOOP | IN_BRANCH | IN_SUBSHELL);
  });
  it('finds the program behind time, exec, env (options and -u NAME), nice, nohup, timeout, xargs and sudo', () => {
    assert.deepStrictEqual(programs('time -p a; exec b; env -i -u HOME X=1 c; env - d; nice -n 5 e; nohup f; timeout -s KILL 10 g'), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    assert.deepStrictEqual(programs('x | xargs -r -n 1 -I {} apt-get install -y {}; xargs -0 sudo -u bob rm'), ['x', 'apt-get', 'rm']);
    assert.deepStrictEqual(programs('sudo -E -H apt-get update; gosu app h; command -v sudo'), ['apt-get', 'h', 'command']);
  });
});

describe('shell control flow: scripts run with sh -c', () => {
  it('splits the script of sh -c / bash -c behind wrappers and options, after its command', () => {
    const cs = commands(`sudo bash -euo pipefail -c 'a && b' && sh -ec "c; d" && su app -c 'e'`);
    assert.deepStrictEqual(cs.map((c) => [c.words[0].text, !!c.parent]), [
      ['sudo', false], ['a', true], ['b', true], ['sh', false], ['c', true], ['d', true], ['su', false], ['e', true],
    ]);
    assert.strictEqual(cs[1].parent, cs[0]);
    assert.strictEqual(cs[2].after, '&&');
  });
  it('maps nested words to the document, through double-quote escapes', () => {
    const text = String.raw`bash -c "x \"a b\" && sudo y"`;
    const cs = splitShell(mapped(text)).commands;
    const quoted = cs[1].words[1];
    assert.deepStrictEqual([quoted.text, text.slice(quoted.start, quoted.end)], ['a b', String.raw`\"a b\"`.slice(1)]);
    const sudo = cs[2].words[0];
    assert.strictEqual(text.slice(sudo.start, sudo.end), 'sudo');
  });
  it('leaves other -c options alone', () => {
    assert.deepStrictEqual(words('gcc -c "a b.c"; tar -czf x.tgz d'), [['gcc', '-c', 'a b.c'], ['tar', '-czf', 'x.tgz', 'd']]);
  });
  it('keeps the nested operators in document order', () => {
    const s = splitShell(mapped(`a | sh -c 'b | c' ; d`));
    assert.deepStrictEqual(s.operators.map((o) => [o.op, o.start]), [['|', 2], ['|', 13], [';', 18]]);
  });
});

describe('every RUN rule sees commands inside control flow', () => {
  it('reports sudo inside if/then on exactly the sudo word, with its fix', () => {
    const t = 'FROM debian:12\nRUN if true; then sudo ls; fi\n';
    const [f] = findings(t, 'docker-sudo');
    assert.deepStrictEqual(f.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 22 } });
    const fixed = assertFixWorks(t, 'docker-sudo');
    assert.strictEqual(fixed, 'FROM debian:12\nRUN if true; then ls; fi\n');
  });
  it('reports sudo in loops, case branches, groups, subshells, after ! and wrappers, and in sh -c scripts', () => {
    const t = [
      'FROM debian:12',
      'RUN for p in a b; do sudo make $p; done',
      'RUN case "$x" in y) sudo z ;; esac',
      'RUN { sudo a; } && ( sudo b ) && ! sudo c',
      'RUN echo x | xargs sudo rm && env -i PATH=/bin sudo d && nohup sudo e && time sudo f && exec sudo g',
      `RUN sh -c 'sudo h' && bash -c "sudo i"`,
      'RUN echo sudo; for sudo in a; do :; done',
    ].join('\n') + '\n';
    const fs = findings(t, 'docker-sudo');
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [
      [1, 'sudo'], [2, 'sudo'], [3, 'sudo'], [3, 'sudo'], [3, 'sudo'], [4, 'sudo'], [4, 'sudo'], [4, 'sudo'], [4, 'sudo'], [4, 'sudo'], [5, 'sudo'], [5, 'sudo'],
    ]);
    assert.deepStrictEqual(fs.filter((f) => f.range.start.line === 5).map((f) => f.range.start.character), [11, 31]);
  });
  it('removes sudo inside a quoted sh -c script, and offers nothing when an escape follows it', () => {
    const t = `FROM debian:12\nRUN sh -c 'sudo make install'\n`;
    assert.strictEqual(assertFixWorks(t, 'docker-sudo'), `FROM debian:12\nRUN sh -c 'make install'\n`);
    const [f] = findings(String.raw`FROM debian:12` + '\n' + String.raw`RUN bash -c "sudo \"x\""` + '\n', 'docker-sudo');
    assert.deepStrictEqual(f.fixes ?? [], []);
  });
  it('sees apt-get flags inside loops and conditions, with the fix at the right place', () => {
    const t = 'FROM debian:12\nRUN apt-get update && for p in a b; do apt-get install --no-install-recommends $p; done\n';
    const [f] = findings(t, 'docker-apt-get-yes');
    assert.strictEqual(rangeText(t, f), 'apt-get install');
    assert.strictEqual(
      assertFixWorks(t, 'docker-apt-get-yes'),
      'FROM debian:12\nRUN apt-get update && for p in a b; do apt-get install -y --no-install-recommends $p; done\n',
    );
    assert.deepStrictEqual(lines('FROM debian:12\nRUN if [ -n "$X" ]; then apt-get install -y x; fi\n', 'docker-apt-no-install-recommends'), [1]);
  });
  it('sees apk add inside a bash -c script and inserts --no-cache there', () => {
    const t = `FROM alpine:3.20\nRUN bash -c 'apk add curl'\n`;
    const [f] = findings(t, 'docker-apk-no-cache');
    assert.strictEqual(rangeText(t, f), 'apk add');
    assert.strictEqual(assertFixWorks(t, 'docker-apk-no-cache'), `FROM alpine:3.20\nRUN bash -c 'apk add --no-cache curl'\n`);
  });
  it('reports an update alone in a for loop, and not an update whose install runs in a loop', () => {
    const id = 'docker-update-alone';
    assert.deepStrictEqual(lines('FROM debian:12\nRUN for i in 1 2 3; do apt-get update && break; sleep 5; done\n', id), [1]);
    assert.deepStrictEqual(lines('FROM debian:12\nRUN apt-get update && for p in a b; do apt-get install -y $p; done\n', id), []);
    assert.deepStrictEqual(lines('FROM debian:12\nRUN for i in 1 2 3; do apt-get update && break; done && apt-get install -y x\n', id), []);
  });
  it('sees setuid chmod in a branch and downloads piped into a shell in a loop or a sh -c script', () => {
    const t = 'FROM debian:12\nRUN if true; then chmod u+s /usr/bin/x; fi\n';
    assert.deepStrictEqual(findings(t, 'docker-setuid').map((f) => rangeText(t, f)), ['u+s']);
    const u = `FROM debian:12\nRUN for u in a b; do curl -fsSL https://x/$u | sh; done\nRUN bash -c 'wget -qO- https://x | bash'\n`;
    assert.deepStrictEqual(findings(u, 'docker-unverified-download').map((f) => rangeText(u, f)), ['curl -fsSL https://x/$u | sh', 'wget -qO- https://x | bash']);
  });
  it('never takes a reserved word or a for list for a command name', () => {
    const m = buildModel('FROM debian:12\nRUN if a; then b; fi; for x in cd sudo; do c; done; while d; do e; done; case f in g) h ;; esac; { i; }\n');
    assert.deepStrictEqual(m.runs[0].invocations.map((i) => i.program), ['a', 'b', 'c', 'd', 'e', 'h', 'i']);
  });
});

describe('shell splitter robustness', () => {
  it('never throws and keeps every word range inside the script on random shell-like input', () => {
    const toks = ['if', 'then', 'fi', 'for', 'x', 'in', 'do', 'done', 'case', 'esac', ')', '(', '((', '))', '{', '}', ';', ';;', '&&', '|', '\n', "'", '"', '\\', '$(', '`', 'sh', '-c', 'su', 'sudo', 'cd', '<<', '2>&1', '#', '!', 'f()', 'env', '-u', 'xargs', ' '];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 3000; k++) {
      let s = '';
      for (let i = 1 + rnd(30); i > 0; i--) s += toks[rnd(toks.length)] + (rnd(2) ? ' ' : '');
      for (const c of splitShell(mapped(s)).commands) {
        for (const w of c.words) assert.ok(w.start >= 0 && w.start <= w.end && w.end <= s.length, JSON.stringify(s));
      }
    }
  });
  it('splits sh -c scripts nested a few levels deep, and no deeper', () => {
    let script = 'sudo x';
    for (let i = 0; i < 8; i++) script = `sh -c '${script.replace(/'/g, `'"'"'`)}'`;
    const cs = commands(script);
    assert.ok(cs.length > 1 && cs.length <= 6, String(cs.length));
    assert.ok(!cs.some((c) => c.words[0].text === 'sudo'));
  });
});
