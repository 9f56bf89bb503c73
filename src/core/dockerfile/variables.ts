/** Expansion of Dockerfile variables (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`). */

/** Known values: undefined = declared without a value, or unknown. */
export interface VariableTable {
  get(name: string): string | undefined;
}

/** Chains are flattened past this depth (or an eighth of the inherited set, if larger), so lookups stay short and copying linear. */
const MAX_DEPTH = 64;

/**
 * Variables of one scope over the variables it inherits (a stage over the ENV of the stage it
 * is built on), without copying the inherited ones into every scope.
 */
export class ScopedVariables implements VariableTable {
  /** Created on first `set`: most stages define few variables, many none. */
  private own: Map<string, string | undefined> | undefined;
  /** The bottom of the chain (itself for a root). */
  private readonly root: ScopedVariables;
  private constructor(private readonly base: ScopedVariables | undefined, readonly depth: number) {
    this.root = base ? base.root : this;
  }

  /** A new scope over `base`; a deep chain is flattened into a fresh root first. */
  static over(base?: ScopedVariables): ScopedVariables {
    if (!base) return new ScopedVariables(undefined, 0);
    // Flattening copies every inherited variable; allowing chains as deep as an eighth of the
    // root's size keeps the total copying linear in long stage chains.
    if (base.depth < Math.max(MAX_DEPTH, (base.root.own?.size ?? 0) >> 3)) return new ScopedVariables(base, base.depth + 1);
    const flat = new ScopedVariables(undefined, 0);
    const chain: ScopedVariables[] = [];
    for (let t: ScopedVariables | undefined = base; t; t = t.base) chain.push(t);
    for (const t of chain.reverse()) t.own?.forEach((v, k) => flat.set(k, v));
    return new ScopedVariables(flat, 1);
  }

  /** A scope over `base` that is never used as a base itself, so it never needs flattening. */
  static leaf(base: ScopedVariables): ScopedVariables {
    return new ScopedVariables(base, base.depth + 1);
  }

  get(name: string): string | undefined {
    for (let t: ScopedVariables | undefined = this; t; t = t.base) if (t.own?.has(name)) return t.own.get(name);
    return undefined;
  }

  /** Whether a scope of the chain defines the name (with or without a value). */
  has(name: string): boolean {
    for (let t: ScopedVariables | undefined = this; t; t = t.base) if (t.own?.has(name)) return true;
    return false;
  }

  set(name: string, value: string | undefined): void {
    (this.own ??= new Map()).set(name, value);
  }
}

export interface Expansion {
  value: string;
  /** True when some variable had no value (and no default applied). */
  unresolved: boolean;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Expands variables in a Dockerfile word like BuildKit does for FROM, USER, ENV… */
export function expandVariables(text: string, vars: VariableTable, escapeChar = '\\'): Expansion {
  if (!text.includes('$')) return { value: text, unresolved: false };
  let out = '';
  let unresolved = false;
  const lookup = (name: string): string | undefined => vars.get(name);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escapeChar && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      // Copy the run of text up to the next `$` or escape character in one piece.
      let j = i + 1;
      while (j < text.length && text[j] !== '$' && text[j] !== escapeChar) j++;
      out += j === i + 1 ? c : text.slice(i, j);
      i = j - 1;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        out += text.slice(i);
        unresolved = true;
        break;
      }
      const body = text.slice(i + 2, close);
      i = close;
      if (PLAIN_NAME.test(body)) {
        // `${NAME}`: the common case, without the match array of the general form.
        const value = lookup(body);
        if (value !== undefined) out += value;
        else unresolved = true;
        continue;
      }
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
      if (!m) {
        unresolved = true;
        continue;
      }
      const value = lookup(m[1]);
      const op = m[2];
      const word = m[3] ?? '';
      const set = value !== undefined && (op?.startsWith(':') ? value !== '' : true);
      if (op === ':-' || op === '-') {
        if (set) out += value;
        else {
          const inner = expandVariables(word, vars, escapeChar);
          out += inner.value;
          unresolved ||= inner.unresolved;
        }
      } else if (op === ':+' || op === '+') {
        if (set) {
          const inner = expandVariables(word, vars, escapeChar);
          out += inner.value;
          unresolved ||= inner.unresolved;
        }
      } else if (value !== undefined) out += value;
      else unresolved = true;
      continue;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(text);
    if (!m) {
      out += c;
      continue;
    }
    const value = lookup(m[0]);
    if (value !== undefined) out += value;
    else unresolved = true;
    i += m[0].length;
  }
  return { value: out, unresolved };
}

/** End (exclusive) of the variable reference that starts with the `$` at `at`; `at + 1` for a lone `$`. */
function referenceEnd(text: string, at: number): number {
  if (text[at + 1] === '{') {
    const close = text.indexOf('}', at + 2);
    return close < 0 ? text.length : close + 1;
  }
  NAME.lastIndex = at + 1;
  const m = NAME.exec(text);
  return m ? at + 1 + m[0].length : at + 1;
}

/**
 * One word of an instruction as BuildKit's shell lexer reads it (FROM, USER, COPY/ADD
 * sources, EXPOSE…): quotes removed, escapes applied, variables expanded outside single
 * quotes. Without `vars` the variable references are kept as written (the word's literal text).
 */
export function processWord(raw: string, vars: VariableTable | undefined, escapeChar = '\\'): Expansion {
  let lexed = false;
  for (let i = 0; i < raw.length && !lexed; i++) lexed = raw[i] === '"' || raw[i] === "'" || raw[i] === escapeChar;
  if (!lexed) return vars ? expandVariables(raw, vars, escapeChar) : { value: raw, unresolved: false };
  let out = '';
  let unresolved = false;
  const reference = (at: number): number => {
    const end = referenceEnd(raw, at);
    if (!vars) out += raw.slice(at, end);
    else {
      const exp = expandVariables(raw.slice(at, end), vars, escapeChar);
      out += exp.value;
      unresolved ||= exp.unresolved;
    }
    return end;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      // Single quotes: everything literal up to the closing quote.
      let j = raw.indexOf("'", i + 1);
      if (j < 0) j = raw.length;
      out += raw.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      while (j < raw.length && raw[j] !== '"') {
        const d = raw[j];
        if (d === escapeChar && (raw[j + 1] === '"' || raw[j + 1] === '$' || raw[j + 1] === escapeChar)) {
          out += raw[j + 1];
          j += 2;
        } else if (d === '$') j = reference(j);
        else {
          out += d;
          j++;
        }
      }
      i = j;
    } else if (c === escapeChar) {
      if (i + 1 < raw.length) out += raw[++i];
    } else if (c === '$') i = reference(i) - 1;
    else out += c;
  }
  return { value: out, unresolved };
}
