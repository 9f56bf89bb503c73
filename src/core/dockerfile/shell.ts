/**
 * A small POSIX-shell splitter for RUN commands: enough to find command words (`sudo`,
 * `apt-get install`, `cd`), operators (`|`, `&&`) and their document offsets. It is not a shell
 * parser: expansions stay inside words and unknown syntax degrades to plain words.
 */

/** Source text whose characters each know their offset in the Dockerfile. */
export interface MappedText {
  text: string;
  /** Document offset of `text[i]` (0 ≤ i < text.length). */
  offsetAt(i: number): number;
  /** Set when the text sits contiguously in the document from this offset (`offsetAt(i)` = `base + i`). */
  readonly base?: number;
}

/** Text whose characters sit contiguously in the document from `base`. */
class ContiguousText implements MappedText {
  constructor(readonly text: string, readonly base: number) {}
  offsetAt(i: number): number {
    return this.base + i;
  }
}

/**
 * Text made of contiguous pieces of the document. `pieces` holds pairs: index in `text` where a
 * piece starts, document offset of that character. (Classes rather than closures: a model keeps
 * one of these per RUN.)
 */
class PiecewiseText implements MappedText {
  constructor(readonly text: string, private readonly pieces: readonly number[]) {}
  offsetAt(i: number): number {
    const p = this.pieces;
    let lo = 0, hi = p.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (p[2 * mid] <= i) lo = mid; else hi = mid - 1;
    }
    return p[2 * lo + 1] + (i - p[2 * lo]);
  }
}

/** A part of another mapped text, from `from` on. */
class SlicedText implements MappedText {
  constructor(readonly text: string, private readonly src: MappedText, private readonly from: number) {}
  offsetAt(i: number): number {
    return this.src.offsetAt(i + this.from);
  }
}

/** Text whose characters sit contiguously in the document from `start`. */
export function contiguousText(text: string, start: number): MappedText {
  return new ContiguousText(text, start);
}

/**
 * Text made of contiguous pieces of the document (e.g. lines joined at continuations).
 * `pieces[k]` = [index in text where the piece starts, document offset of that character].
 */
export function piecewiseText(text: string, pieces: ReadonlyArray<readonly [number, number]>): MappedText {
  if (pieces.length === 1) return new ContiguousText(text, pieces[0][1] - pieces[0][0]);
  const flat = new Array<number>(pieces.length * 2);
  pieces.forEach(([at, offset], k) => {
    flat[2 * k] = at;
    flat[2 * k + 1] = offset;
  });
  return new PiecewiseText(text, flat);
}

/** The part of a mapped text from `from` (inclusive) to `to` (exclusive). */
export function sliceMapped(src: MappedText, from: number, to = src.text.length): MappedText {
  const text = src.text.slice(from, to);
  if (src.base !== undefined) return new ContiguousText(text, src.base + from);
  return new SlicedText(text, src, from);
}

const PLAIN_STOP = /[\s\\'"$`<>&|;()#]/;
/** `PLAIN_STOP` for ASCII, as a table: the splitter's inner loop tests every character. */
const PLAIN_STOP_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) PLAIN_STOP_ASCII[c] = PLAIN_STOP.test(String.fromCharCode(c)) ? 1 : 0;

function isPlainStop(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? PLAIN_STOP_ASCII[c] === 1 : PLAIN_STOP.test(text[i]);
}

/** One word of a command, quotes removed. Offsets are document offsets (end exclusive). */
export interface ShellWord {
  text: string;
  start: number;
  end: number;
}

/** A control operator between commands: `&&`, `||`, `;`, `|`, `|&`, `&`, newline, `(`, `)`. */
export interface ShellOperator {
  op: string;
  start: number;
  end: number;
}

/** A simple command: its words (redirections left out) and the operator before it. */
export interface ShellCommand {
  words: ShellWord[];
  /** Operator that separates it from the previous command; undefined for the first. */
  after?: string;
}

export interface ShellScript {
  commands: ShellCommand[];
  operators: ShellOperator[];
}

const OPERATORS = ['&&', '||', ';;', '|&', '|', ';', '&', '(', ')'];

/** Splits mapped shell text into simple commands and operators. Linear in the text length. */
export function splitShell(src: MappedText): ShellScript {
  const text = src.text;
  const base = src.base;
  const offsetAt = base !== undefined ? (i: number): number => base + i : (i: number): number => src.offsetAt(i);
  const n = text.length;
  const commands: ShellCommand[] = [];
  const operators: ShellOperator[] = [];
  // One scratch array, copied to an exact-size array per command: a growing array keeps 17
  // slots, and a model holds thousands of commands.
  const words: ShellWord[] = [];
  let pendingOp: string | undefined;
  let word = '';
  let wordStart = -1;
  let wordEnd = -1;
  let redirectPending = false;
  let inWord = false;
  // `case WORD in PATTERN) … ;; esac`: `|` between patterns is not a pipe.
  const cases: Array<'subject' | 'pattern' | 'body'> = [];

  const docEnd = (i: number): number => (i > 0 ? offsetAt(i - 1) + 1 : n ? offsetAt(0) : 0);
  const endWord = (): void => {
    if (!inWord) return;
    if (redirectPending) redirectPending = false;
    else {
      if (words.length === 0 && word === 'case') cases.push('subject');
      else if (cases[cases.length - 1] === 'subject' && word === 'in') cases[cases.length - 1] = 'pattern';
      words.push({ text: word, start: offsetAt(wordStart), end: docEnd(wordEnd) });
    }
    word = '';
    inWord = false;
  };
  const startWord = (i: number): void => {
    if (!inWord) {
      inWord = true;
      wordStart = i;
    }
  };
  const endCommand = (): void => {
    endWord();
    if (words.length) commands.push({ words: words.slice(), after: pendingOp });
    words.length = 0;
  };

  let i = 0;
  while (i < n) {
    const c = text[i];
    if (cases.length !== 0 && cases[cases.length - 1] === 'pattern' && !inWord && !/[\s;]/.test(c)) {
      if (text.startsWith('esac', i) && !/[\w-]/.test(text[i + 4] ?? '')) {
        cases.pop();
        endCommand();
        i += 4;
        continue;
      }
      // Skip the pattern list up to its unquoted `)`.
      let j = c === '(' ? i + 1 : i;
      while (j < n && text[j] !== ')') {
        if (text[j] === '"' || text[j] === "'") {
          const close = text.indexOf(text[j], j + 1);
          j = close < 0 ? n : close + 1;
        } else j += text[j] === '\\' ? 2 : 1;
      }
      endCommand();
      cases[cases.length - 1] = 'body';
      i = j + 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n') {
      endCommand();
      if (commands.length) pendingOp = '\n';
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (text[i + 1] === '\r' && text[i + 2] === '\n') {
        i += 3;
        continue;
      }
      startWord(i);
      if (i + 1 < n) word += text[i + 1];
      i += 2;
      wordEnd = Math.min(i, n);
      continue;
    }
    if (c === "'") {
      startWord(i);
      const close = text.indexOf("'", i + 1);
      const stop = close < 0 ? n : close;
      word += text.slice(i + 1, stop);
      i = close < 0 ? n : close + 1;
      wordEnd = i;
      continue;
    }
    if (c === '"') {
      startWord(i);
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else word += text[i++];
      }
      i = Math.min(i + 1, n);
      wordEnd = i;
      continue;
    }
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      startWord(i);
      const open = text[i + 1];
      const close = open === '(' ? ')' : '}';
      let depth = 0;
      let j = i + 1;
      for (; j < n; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close && --depth === 0) break;
      }
      const stop = Math.min(j + 1, n);
      word += text.slice(i, stop);
      i = stop;
      wordEnd = i;
      continue;
    }
    if (c === '`') {
      startWord(i);
      const close = text.indexOf('`', i + 1);
      const stop = close < 0 ? n : close + 1;
      word += text.slice(i, stop);
      i = stop;
      wordEnd = i;
      continue;
    }
    if (c === '>' || c === '<') {
      // `2>&1`: a word of digits right before a redirection is its file descriptor.
      if (inWord && /^\d+$/.test(word) && wordEnd === i) {
        word = '';
        inWord = false;
      } else endWord();
      let j = i + 1;
      if (text[j] === c || text[j] === '&' || text[j] === '|' || (c === '<' && text[j] === '>')) j++;
      if (c === '<' && text[j] === '-') j++;
      if (text[j - 1] === '&') {
        while (j < n && /[0-9-]/.test(text[j])) j++;
        i = j;
        continue;
      }
      i = j;
      redirectPending = true;
      continue;
    }
    if (cases.length !== 0 && cases[cases.length - 1] === 'body' && !inWord && text.startsWith('esac', i) && !/[\w-]/.test(text[i + 4] ?? '')) {
      endCommand();
      cases.pop();
      i += 4;
      continue;
    }
    const op = '&|;()'.includes(c) ? OPERATORS.find((o) => text.startsWith(o, i)) : undefined;
    if (op) {
      endCommand();
      if (op === ';;' && cases[cases.length - 1] === 'body') cases[cases.length - 1] = 'pattern';
      operators.push({ op, start: offsetAt(i), end: offsetAt(i + op.length - 1) + 1 });
      pendingOp = op;
      i += op.length;
      continue;
    }
    // A run of ordinary characters joins the word in one slice.
    startWord(i);
    let j = i + 1;
    while (j < n && !isPlainStop(text, j)) j++;
    word += text.slice(i, j);
    i = j;
    wordEnd = i;
  }
  endCommand();
  return { commands: commands.slice(), operators: operators.slice() };
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Wrappers that run the command that follows them. */
const WRAPPERS = new Set(['exec', 'command', 'time', 'nohup', 'env', 'nice']);

/**
 * The words of a command from the program on: leading `NAME=value` assignments and wrappers
 * (`env`, `exec`, `sudo` with simple flags) are skipped, so `sudo apt-get install` is apt-get's.
 */
export function programWords(cmd: ShellCommand, options: { skipSudo?: boolean } = {}): ShellWord[] {
  const skipSudo = options.skipSudo ?? true;
  const w = cmd.words;
  let i = 0;
  for (;;) {
    while (i < w.length && ASSIGNMENT.test(w[i].text)) i++;
    if (i >= w.length) return [];
    const name = basename(w[i].text);
    if (WRAPPERS.has(name)) {
      i++;
      while (i < w.length && w[i].text.startsWith('-')) i++;
      continue;
    }
    if (skipSudo && name === 'sudo') {
      i++;
      while (i < w.length && w[i].text.startsWith('-')) {
        if (/^-[ugpCDhrt]$/.test(w[i].text)) i++;
        i++;
      }
      continue;
    }
    if (name === '{' || name === '!') {
      i++;
      continue;
    }
    // The command's own array when nothing is skipped (callers only read it).
    return i === 0 ? w : w.slice(i);
  }
}

/** Last path component: `/usr/bin/apt-get` → `apt-get`. */
export function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/** True when a word is an option: `-y`, `--yes`. */
export function isOption(word: ShellWord): boolean {
  return word.text.startsWith('-') && word.text.length > 1;
}
