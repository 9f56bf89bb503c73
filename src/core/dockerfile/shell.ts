/**
 * A small POSIX-shell splitter for RUN commands: enough to find command words (`sudo`,
 * `apt-get install`, `cd`), operators (`|`, `&&`) and their document offsets, through compound
 * commands (`if`, loops, `case`, groups, subshells) and `sh -c` scripts. It is not a shell
 * parser: expansions stay inside words and unknown syntax degrades to plain words.
 */

/** Source text whose characters each know their offset in the Dockerfile. */
export interface MappedText {
  text: string;
  /** Document offset of `text[i]` (0 ≤ i < text.length). */
  offsetAt(i: number): number;
  /** Set when the text sits contiguously in the document from this offset (`offsetAt(i)` = `base + i`). */
  readonly base?: number;
  /**
   * Document offset just after `text[i]`, when a character can stand for more than one of the
   * document (a JSON escape such as `\"`); absent: `offsetAt(i) + 1`.
   */
  endAt?(i: number): number;
}

/** Document offset just after `src.text[i]`. */
export function endOffsetAt(src: MappedText, i: number): number {
  return src.endAt ? src.endAt(i) : src.offsetAt(i) + 1;
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
  get endAt(): ((i: number) => number) | undefined {
    return this.src.endAt ? (i) => endOffsetAt(this.src, i + this.from) : undefined;
  }
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * A JSON string's value (exec-form `RUN ["sh", "-c", "…"]`), each character mapped to the
 * escape or character that writes it: `\"`, `\\`, `\n`, `\u00e9` start where their backslash is
 * and end after their last character, so a range over the value is exact in the document.
 */
class JsonStringText implements MappedText {
  /** `at[i]`: index in `src.text` where the writing of `text[i]` starts; `at[text.length]`: the closing quote. */
  constructor(readonly text: string, private readonly src: MappedText, private readonly at: readonly number[]) {}
  offsetAt(i: number): number {
    const n = this.text.length;
    return this.src.offsetAt(this.at[i < 0 ? 0 : i > n ? n : i]);
  }
  endAt(i: number): number {
    const n = this.text.length;
    const k = i < 0 ? 0 : i >= n ? n - 1 : i;
    return k < 0 ? this.src.offsetAt(this.at[0]) : endOffsetAt(this.src, this.at[k + 1] - 1);
  }
}

/**
 * The value of the JSON string literal `src.text[open..close]` (`open` and `close` at its
 * quotes) with the exact mapping above; undefined when it is not a well-formed literal.
 */
export function jsonStringText(src: MappedText, open: number, close: number): MappedText | undefined {
  const t = src.text;
  if (t[open] !== '"' || t[close] !== '"') return undefined;
  let out = '';
  const at: number[] = [];
  let j = open + 1;
  while (j < close) {
    at.push(j);
    const c = t[j];
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const e = t[j + 1];
    if (e === 'u') {
      const hex = t.slice(j + 2, j + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      j += 6;
    } else {
      const v = JSON_ESCAPES[e];
      if (v === undefined) return undefined;
      out += v;
      j += 2;
    }
  }
  if (j !== close) return undefined;
  at.push(close);
  return new JsonStringText(out, src, at);
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

/** Bits of `ShellCommand.context`: where in the script's control flow a command sits. */
export const IN_SUBSHELL = 1;
/** Inside `for`/`while`/`until` (condition or body). */
export const IN_LOOP = 2;
/** Inside `if … fi` or `case … esac` (condition or branch). */
export const IN_BRANCH = 4;

/**
 * A simple command: its words (redirections and reserved words such as `then`, `do`, `fi` left
 * out) and the operator before it.
 */
export interface ShellCommand {
  words: ShellWord[];
  /** Operator that separates it from the previous command; undefined for the first of a script. */
  after?: string;
  /** `IN_SUBSHELL | IN_LOOP | IN_BRANCH` bits; 0 at the top level of the script. */
  context: number;
  /** For a command of a script run as `sh -c '…'`: that `sh -c` command. */
  parent?: ShellCommand;
}

export interface ShellScript {
  commands: ShellCommand[];
  operators: ShellOperator[];
}

const OPERATORS = ['&&', '||', ';;', '|&', '|', ';', '&', '(', ')'];

/**
 * Reserved words that only open or close a compound command when they start a command: the
 * command proper starts with the next word (`then sudo ls` is sudo's). `for`, `select` and
 * `case` headers and `function NAME` are handled apart: their words are not a command at all.
 */
const RESERVED = new Set([
  'if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', '!', '{', '}', 'esac', 'in', 'for', 'select', 'function', 'case',
]);

/** Shells whose `-c` argument is a script of its own. */
const SCRIPT_SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
/** Nested `sh -c` scripts deeper than this are left as words (bounded work on hostile input). */
const MAX_NESTING = 4;

const enum Header {
  None,
  /** `for NAME [in WORDS]` / `select …`, up to `do`. */
  For,
  /** `function NAME`. */
  Function,
}

/** A `sh -c` argument found while splitting: script indices of the word, command index. */
interface NestedJob {
  command: number;
  from: number;
  to: number;
}

/**
 * The splitter's state, reused from one call to the next: a model splits thousands of RUN
 * scripts, and per-call closures and growing scratch arrays were most of what it allocated.
 * Nested `sh -c` scripts are split after the outer script, once its results are copied out.
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
  /** Some part of the current word was quoted or escaped: it cannot be a reserved word. */
  quoted = false;
  // `case WORD in PATTERN) … ;; esac`: `|` between patterns is not a pipe.
  readonly cases: Array<'subject' | 'pattern' | 'body'> = [];
  header = Header.None;
  /** Words of the current header segment (reset at `;` and newline). */
  headerWords = 0;
  subshells = 0;
  loops = 0;
  branches = 0;
  /** Index in `words` of a `-c`-like option of the current command, or -1. */
  dashC = -1;
  /** Script indices [from, to) of the current command's words after `dashC`, by word index. */
  readonly spans: number[] = [];
  readonly jobs: NestedJob[] = [];
  depth = 0;

  offsetAt(i: number): number {
    return this.base !== undefined ? this.base + i : this.src.offsetAt(i);
  }

  /** Document offset just after script character `i`. */
  endAt(i: number): number {
    return this.base !== undefined ? this.base + i + 1 : endOffsetAt(this.src, i);
  }

  docEnd(i: number): number {
    return i > 0 ? this.endAt(i - 1) : this.n ? this.offsetAt(0) : 0;
  }

  endWord(): void {
    if (!this.inWord) return;
    const word = this.word;
    this.word = '';
    this.inWord = false;
    const quoted = this.quoted;
    this.quoted = false;
    if (this.redirectPending) {
      this.redirectPending = false;
      return;
    }
    const cases = this.cases;
    if (cases.length !== 0 && cases[cases.length - 1] === 'subject') {
      // `case WORD in`: not a command.
      if (word === 'in' && !quoted) cases[cases.length - 1] = 'pattern';
      return;
    }
    if (this.header !== Header.None) {
      if (this.header === Header.For && word === 'do' && !quoted && this.headerWords <= 1) {
        this.header = Header.None;
        return;
      }
      this.headerWords++;
      if (this.header === Header.Function) this.header = Header.None;
      return;
    }
    if (this.words.length === 0 && !quoted && RESERVED.has(word)) {
      this.reserved(word);
      return;
    }
    if (this.dashC >= 0) this.spans.push(this.words.length, this.wordStart, this.wordEnd);
    else if (word.length > 1 && word.length < 12 && word.charCodeAt(0) === 45 && (word === '--command' || (word.charCodeAt(1) !== 45 && word.indexOf('c') > 0))) this.dashC = this.words.length;
    this.words.push({ text: word, start: this.offsetAt(this.wordStart), end: this.docEnd(this.wordEnd) });
  }

  /** Handles a reserved word (one of `RESERVED`) at the start of a command. */
  reserved(word: string): void {
    switch (word) {
      case 'for':
      case 'select':
        this.header = Header.For;
        this.headerWords = 0;
        this.loops++;
        return;
      case 'function':
        this.header = Header.Function;
        return;
      case 'case':
        this.cases.push('subject');
        this.branches++;
        return;
      case 'while':
      case 'until':
        this.loops++;
        return;
      case 'done':
        if (this.loops) this.loops--;
        return;
      case 'if':
        this.branches++;
        return;
      case 'fi':
        if (this.branches) this.branches--;
        return;
      case 'esac':
        if (this.cases.length) {
          this.cases.pop();
          if (this.branches) this.branches--;
        }
        return;
      default:
    }
  }

  startWord(i: number): void {
    if (!this.inWord) {
      this.inWord = true;
      this.wordStart = i;
    }
  }

  endCommand(): void {
    this.endWord();
    if (this.header !== Header.None) this.headerWords = 0;
    if (this.words.length) {
      const context = (this.subshells ? IN_SUBSHELL : 0) | (this.loops ? IN_LOOP : 0) | (this.branches ? IN_BRANCH : 0);
      const command: ShellCommand = { words: this.words.slice(), after: this.pendingOp, context, parent: undefined };
      this.commands.push(command);
      if (this.dashC >= 0) this.noteNestedScript(command);
    }
    // Setting `length` costs a runtime call even when it does not change.
    if (this.words.length) this.words.length = 0;
    if (this.dashC >= 0) {
      this.dashC = -1;
      if (this.spans.length) this.spans.length = 0;
    }
  }

  /** Records the script of `sh -c 'script'` (behind wrappers such as sudo or env) for a nested split. */
  noteNestedScript(command: ShellCommand): void {
    if (this.depth >= MAX_NESTING) return;
    const index = nestedScriptIndex(command);
    if (index < 0) return;
    const spans = this.spans;
    for (let k = 0; k < spans.length; k += 3) {
      if (spans[k] === index) {
        this.jobs.push({ command: this.commands.length - 1, from: spans[k + 1], to: spans[k + 2] });
        return;
      }
    }
  }

  reset(src: MappedText): void {
    this.src = src;
    this.base = src.base;
    this.n = src.text.length;
    if (this.commands.length) this.commands.length = 0;
    if (this.operators.length) this.operators.length = 0;
    if (this.words.length) this.words.length = 0;
    if (this.cases.length) this.cases.length = 0;
    if (this.jobs.length) this.jobs.length = 0;
    if (this.spans.length) this.spans.length = 0;
    this.pendingOp = undefined;
    this.word = '';
    this.wordStart = -1;
    this.wordEnd = -1;
    this.redirectPending = false;
    this.inWord = false;
    this.quoted = false;
    this.header = Header.None;
    this.headerWords = 0;
    this.subshells = 0;
    this.loops = 0;
    this.branches = 0;
    this.dashC = -1;
  }

  split(src: MappedText): ShellScript {
    const s = this;
    const text = src.text;
    const n = text.length;
    s.reset(src);

    let i = 0;
    while (i < n) {
      const c = text[i];
      if (s.cases.length !== 0 && s.cases[s.cases.length - 1] === 'pattern' && !s.inWord && c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n' && c !== ';') {
        if (text.startsWith('esac', i) && !/[\w-]/.test(text[i + 4] ?? '')) {
          s.cases.pop();
          if (s.branches) s.branches--;
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
        s.quoted = true;
        if (i + 1 < n) s.word += text[i + 1];
        i += 2;
        s.wordEnd = Math.min(i, n);
        continue;
      }
      if (c === "'") {
        s.startWord(i);
        s.quoted = true;
        const close = text.indexOf("'", i + 1);
        const stop = close < 0 ? n : close;
        s.word += text.slice(i + 1, stop);
        i = close < 0 ? n : close + 1;
        s.wordEnd = i;
        continue;
      }
      if (c === '"') {
        s.startWord(i);
        s.quoted = true;
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
        s.quoted = true;
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
        s.quoted = true;
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
          s.quoted = false;
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
      if (c === '(' || c === ')') {
        s.endWord();
        if (c === '(') {
          let j = i + 1;
          while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
          if (text[j] === ')') {
            // `name() { …; }`: a function definition, not a command named `name`.
            s.words.length = 0;
            s.dashC = -1;
            s.spans.length = 0;
            i = j + 1;
            continue;
          }
          if (s.words.length === 0 && text[i + 1] === '(') {
            // `(( arithmetic ))`, also a `for ((…; …; …))` header: not a command.
            let depth = 0;
            for (j = i; j < n; j++) {
              if (text[j] === '(') depth++;
              else if (text[j] === ')' && --depth === 0) break;
            }
            if (s.header !== Header.None) s.headerWords++;
            i = Math.min(j + 1, n);
            continue;
          }
        }
        s.endCommand();
        if (c === '(') s.subshells++;
        else if (s.subshells) s.subshells--;
        s.operators.push({ op: c, start: s.offsetAt(i), end: s.endAt(i) });
        s.pendingOp = c;
        i++;
        continue;
      }
      const op = c === '&' || c === '|' || c === ';' ? operatorAt(text, i) : undefined;
      if (op) {
        s.endCommand();
        if (op === ';;' && s.cases[s.cases.length - 1] === 'body') s.cases[s.cases.length - 1] = 'pattern';
        s.operators.push({ op, start: s.offsetAt(i), end: s.endAt(i + op.length - 1) });
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
    const commands = s.commands.slice();
    let operators = s.operators.slice();
    const jobs = s.jobs.length ? s.jobs.slice() : undefined;
    if (s.commands.length) s.commands.length = 0;
    if (s.operators.length) s.operators.length = 0;
    if (jobs) s.jobs.length = 0;
    if (jobs) {
      // Last job first, so the command indices of the earlier ones stay valid.
      s.depth++;
      try {
        for (let k = jobs.length - 1; k >= 0; k--) {
          const job = jobs[k];
          const owner = commands[job.command];
          const nested = s.split(unquotedText(src, job.from, job.to));
          for (const cmd of nested.commands) {
            cmd.parent ??= owner;
            cmd.context |= owner.context;
          }
          commands.splice(job.command + 1, 0, ...nested.commands);
          if (nested.operators.length) operators = operators.concat(nested.operators);
        }
      } finally {
        s.depth--;
      }
      operators.sort((a, b) => a.start - b.start);
    }
    s.src = undefined as never;
    return { commands, operators };
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

/** Text of a word with its quotes removed, each character mapped to its place in `src`. */
class IndexedText implements MappedText {
  constructor(readonly text: string, private readonly src: MappedText, private readonly indices: readonly number[]) {}
  offsetAt(i: number): number {
    const k = i < this.indices.length ? i : this.indices.length - 1;
    return k < 0 ? this.src.offsetAt(0) : this.src.offsetAt(this.indices[k]);
  }
  get endAt(): ((i: number) => number) | undefined {
    if (!this.src.endAt) return undefined;
    return (i) => {
      const k = i < this.indices.length ? i : this.indices.length - 1;
      return k < 0 ? this.src.offsetAt(0) : endOffsetAt(this.src, this.indices[k]);
    };
  }
}

/**
 * The value of the shell word at `src.text[from, to)` (quotes and escapes removed, as the shell
 * passes it to `sh -c`), with every character mapped back to the document.
 */
export function unquotedText(src: MappedText, from: number, to: number): MappedText {
  const text = src.text;
  let out = '';
  const indices: number[] = [];
  const add = (at: number): void => {
    out += text[at];
    indices.push(at);
  };
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === "'") {
      let j = i + 1;
      for (; j < to && text[j] !== "'"; j++) add(j);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < to && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < to && '"\\$`\n'.includes(text[j + 1])) {
          if (text[j + 1] !== '\n') add(j + 1);
          j += 2;
        } else add(j++);
      }
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 < to && text[i + 1] !== '\n') add(i + 1);
      i += 2;
    } else add(i++);
  }
  const first = indices[0];
  let contiguous = true;
  for (let k = 1; k < indices.length && contiguous; k++) contiguous = indices[k] === first + k;
  if (!indices.length) return sliceMapped(src, from, from);
  return contiguous ? sliceMapped(src, first, first + indices.length) : new IndexedText(out, src, indices);
}

/**
 * Index in `command.words` of the script that `sh -c 'script'` runs (behind wrappers such as
 * `sudo`, `env`, `xargs`), also `su USER -c 'script'`; -1 when the command runs no such script.
 */
export function nestedScriptIndex(command: ShellCommand): number {
  const program = programWords(command);
  if (!program.length) return -1;
  const name = basename(program[0].text);
  const offset = command.words.length - program.length;
  if (name === 'su' || name === 'runuser') {
    for (let k = 1; k < program.length - 1; k++) {
      const t = program[k].text;
      if (t === '-c' || t === '--command') return offset + k + 1;
    }
    return -1;
  }
  if (!SCRIPT_SHELLS.has(name)) return -1;
  let dashC = false;
  for (let k = 1; k < program.length; k++) {
    const t = program[k].text;
    if (t === '--') return dashC && k + 1 < program.length ? offset + k + 1 : -1;
    if (t.length > 1 && (t[0] === '-' || t[0] === '+')) {
      if (t[1] === '-') {
        if (t === '--rcfile' || t === '--init-file') k++;
        continue;
      }
      if (t.includes('c')) dashC = true;
      // `-o pipefail`, `-euo pipefail`: the option's value is the next word.
      if (t[t.length - 1] === 'o' || t[t.length - 1] === 'O') k++;
      continue;
    }
    return dashC ? offset + k : -1;
  }
  return -1;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Programs that run the command that follows their options (and, for some, a fixed number of
 * operands), with the options that take a value as the next word.
 */
const WRAPPERS: ReadonlyMap<string, { values: ReadonlySet<string>; operands: number }> = new Map([
  ['exec', { values: new Set(['-a']), operands: 0 }],
  ['command', { values: new Set<string>(), operands: 0 }],
  ['time', { values: new Set(['-f', '--format', '-o', '--output']), operands: 0 }],
  ['nohup', { values: new Set<string>(), operands: 0 }],
  ['env', { values: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']), operands: 0 }],
  ['nice', { values: new Set(['-n', '--adjustment']), operands: 0 }],
  ['ionice', { values: new Set(['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid']), operands: 0 }],
  ['stdbuf', { values: new Set(['-i', '--input', '-o', '--output', '-e', '--error']), operands: 0 }],
  ['timeout', { values: new Set(['-s', '--signal', '-k', '--kill-after']), operands: 1 }],
  ['xargs', {
    values: new Set(['-a', '--arg-file', '-d', '--delimiter', '-E', '-I', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var']),
    operands: 0,
  }],
  ['gosu', { values: new Set<string>(), operands: 1 }],
  ['su-exec', { values: new Set<string>(), operands: 1 }],
  ['chroot', { values: new Set(['--userspec', '--groups']), operands: 1 }],
]);

/** sudo options that take a value as the next word. */
const SUDO_VALUES = new Set(['-u', '--user', '-g', '--group', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-h', '--host', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout']);

/**
 * The words of a command from the program on: leading `NAME=value` assignments and wrappers
 * (`env`, `exec`, `xargs`, `nohup`, `time`, `sudo` with its options…) are skipped, so
 * `sudo apt-get install` is apt-get's. `command -v x` only looks a program up: its program is
 * `command`.
 */
export function programWords(cmd: Pick<ShellCommand, 'words'>, options: { skipSudo?: boolean } = {}): ShellWord[] {
  const skipSudo = options.skipSudo ?? true;
  const w = cmd.words;
  let i = 0;
  for (;;) {
    while (i < w.length && ASSIGNMENT.test(w[i].text)) i++;
    if (i >= w.length) return [];
    const name = basename(w[i].text);
    const wrapper = WRAPPERS.get(name);
    if (wrapper || (skipSudo && name === 'sudo')) {
      if (name === 'command' && (w[i + 1]?.text === '-v' || w[i + 1]?.text === '-V')) return i === 0 ? w : w.slice(i);
      const values = wrapper ? wrapper.values : SUDO_VALUES;
      let j = i + 1;
      while (j < w.length && w[j].text[0] === '-' && (w[j].text.length > 1 || name === 'env')) {
        const t = w[j].text;
        j++;
        if (t === '--') break;
        if (values.has(t)) j++;
      }
      // `timeout 10 cmd`, `gosu user cmd`: operands before the command.
      j += wrapper ? wrapper.operands : 0;
      if (j >= w.length) return i === 0 ? w : w.slice(i);
      i = j;
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
