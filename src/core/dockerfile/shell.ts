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

/**
 * The splitter's state, reused from one call to the next (splitting is not re-entrant): a model
 * splits thousands of RUN scripts, and per-call closures and growing scratch arrays were most of
 * what it allocated.
 */
class ShellSplitter {
  src!: MappedText;
  base: number | undefined;
  n = 0;
  readonly commands: ShellCommand[] = [];
  readonly operators: ShellOperator[] = [];
  /** Words of the command being read, copied to an exact-size array when it ends. */
  readonly words: ShellWord[] = [];
  pendingOp: string | undefined;
  word = '';
  wordStart = -1;
  wordEnd = -1;
  redirectPending = false;
  inWord = false;
  // `case WORD in PATTERN) … ;; esac`: `|` between patterns is not a pipe.
  readonly cases: Array<'subject' | 'pattern' | 'body'> = [];

  offsetAt(i: number): number {
    return this.base !== undefined ? this.base + i : this.src.offsetAt(i);
  }

  docEnd(i: number): number {
    return i > 0 ? this.offsetAt(i - 1) + 1 : this.n ? this.offsetAt(0) : 0;
  }

  endWord(): void {
    if (!this.inWord) return;
    if (this.redirectPending) this.redirectPending = false;
    else {
      const cases = this.cases;
      if (this.words.length === 0 && this.word === 'case') cases.push('subject');
      else if (cases.length !== 0 && cases[cases.length - 1] === 'subject' && this.word === 'in') cases[cases.length - 1] = 'pattern';
      this.words.push({ text: this.word, start: this.offsetAt(this.wordStart), end: this.docEnd(this.wordEnd) });
    }
    this.word = '';
    this.inWord = false;
  }

  startWord(i: number): void {
    if (!this.inWord) {
      this.inWord = true;
      this.wordStart = i;
    }
  }

  endCommand(): void {
    this.endWord();
    if (this.words.length) this.commands.push({ words: this.words.slice(), after: this.pendingOp });
    this.words.length = 0;
  }

  split(src: MappedText): ShellScript {
    const s = this;
    const text = src.text;
    const n = text.length;
    s.src = src;
    s.base = src.base;
    s.n = n;
    s.commands.length = 0;
    s.operators.length = 0;
    s.words.length = 0;
    s.cases.length = 0;
    s.pendingOp = undefined;
    s.word = '';
    s.wordStart = -1;
    s.wordEnd = -1;
    s.redirectPending = false;
    s.inWord = false;

    let i = 0;
    while (i < n) {
      const c = text[i];
      if (s.cases.length !== 0 && s.cases[s.cases.length - 1] === 'pattern' && !s.inWord && !/[\s;]/.test(c)) {
        if (text.startsWith('esac', i) && !/[\w-]/.test(text[i + 4] ?? '')) {
          s.cases.pop();
          s.endCommand();
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
        s.endCommand();
        s.cases[s.cases.length - 1] = 'body';
        i = j + 1;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        s.endWord();
        i++;
        continue;
      }
      if (c === '\n') {
        s.endCommand();
        if (s.commands.length) s.pendingOp = '\n';
        i++;
        continue;
      }
      if (c === '#' && !s.inWord) {
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
        s.startWord(i);
        if (i + 1 < n) s.word += text[i + 1];
        i += 2;
        s.wordEnd = Math.min(i, n);
        continue;
      }
      if (c === "'") {
        s.startWord(i);
        const close = text.indexOf("'", i + 1);
        const stop = close < 0 ? n : close;
        s.word += text.slice(i + 1, stop);
        i = close < 0 ? n : close + 1;
        s.wordEnd = i;
        continue;
      }
      if (c === '"') {
        s.startWord(i);
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1])) {
            if (text[i + 1] !== '\n') s.word += text[i + 1];
            i += 2;
          } else s.word += text[i++];
        }
        i = Math.min(i + 1, n);
        s.wordEnd = i;
        continue;
      }
      if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
        s.startWord(i);
        const open = text[i + 1];
        const close = open === '(' ? ')' : '}';
        let depth = 0;
        let j = i + 1;
        for (; j < n; j++) {
          if (text[j] === open) depth++;
          else if (text[j] === close && --depth === 0) break;
        }
        const stop = Math.min(j + 1, n);
        s.word += text.slice(i, stop);
        i = stop;
        s.wordEnd = i;
        continue;
      }
      if (c === '`') {
        s.startWord(i);
        const close = text.indexOf('`', i + 1);
        const stop = close < 0 ? n : close + 1;
        s.word += text.slice(i, stop);
        i = stop;
        s.wordEnd = i;
        continue;
      }
      if (c === '>' || c === '<') {
        // `2>&1`: a s.word of digits right before a redirection is its file descriptor.
        if (s.inWord && /^\d+$/.test(s.word) && s.wordEnd === i) {
          s.word = '';
          s.inWord = false;
        } else s.endWord();
        let j = i + 1;
        if (text[j] === c || text[j] === '&' || text[j] === '|' || (c === '<' && text[j] === '>')) j++;
        if (c === '<' && text[j] === '-') j++;
        if (text[j - 1] === '&') {
          while (j < n && /[0-9-]/.test(text[j])) j++;
          i = j;
          continue;
        }
        i = j;
        s.redirectPending = true;
        continue;
      }
      if (s.cases.length !== 0 && s.cases[s.cases.length - 1] === 'body' && !s.inWord && text.startsWith('esac', i) && !/[\w-]/.test(text[i + 4] ?? '')) {
        s.endCommand();
        s.cases.pop();
        i += 4;
        continue;
      }
      const op = '&|;()'.includes(c) ? operatorAt(text, i) : undefined;
      if (op) {
        s.endCommand();
        if (op === ';;' && s.cases[s.cases.length - 1] === 'body') s.cases[s.cases.length - 1] = 'pattern';
        s.operators.push({ op, start: s.offsetAt(i), end: s.offsetAt(i + op.length - 1) + 1 });
        s.pendingOp = op;
        i += op.length;
        continue;
      }
      // A run of ordinary characters joins the s.word in one slice.
      s.startWord(i);
      let j = i + 1;
      while (j < n && !isPlainStop(text, j)) j++;
      s.word += text.slice(i, j);
      i = j;
      s.wordEnd = i;
    }
    s.endCommand();
    const script = { commands: s.commands.slice(), operators: s.operators.slice() };
    s.commands.length = 0;
    s.operators.length = 0;
    s.src = undefined as never;
    return script;
  }
}

const SPLITTER = new ShellSplitter();

function operatorAt(text: string, i: number): string | undefined {
  for (const o of OPERATORS) if (text.startsWith(o, i)) return o;
  return undefined;
}

/** Splits mapped shell text into simple commands and operators. Linear in the text length. */
export function splitShell(src: MappedText): ShellScript {
  return SPLITTER.split(src);
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
